/** The rule registry: stable ids, a purpose and a fix each, consistent mirrors, every rule exercised by a fixture. */
import { describe, expect, it } from 'vitest';
import { compatibleChanges } from '../../generator/compat/policy.js';
import { ALL_RULES, isRuleId, ruleById, similarRuleIds } from '../../generator/compat/rules/registry.js';
import { AVRO_CASES, CATALOG_CASES, SCHEMA_CASES } from './fixtures/index.js';

describe('rule registry', () => {
  it('has unique UPPER_SNAKE ids with a purpose and a hint', () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    for (const r of ALL_RULES) {
      expect(r.id).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(r.purpose.length, r.id).toBeGreaterThan(5);
      expect(r.hint.length, r.id).toBeGreaterThan(10);
    }
  });

  it('pairs every rule with a mirror of the same family', () => {
    for (const r of ALL_RULES) {
      expect(isRuleId(r.mirror), r.id).toBe(true);
      expect(ruleById(r.mirror).family, r.id).toBe(r.family);
    }
  });

  it('judges only known ids, and lenient accepts everything strict accepts', () => {
    const strict = compatibleChanges('strict');
    const lenient = compatibleChanges('lenient');
    for (const id of lenient) expect(isRuleId(id), id).toBe(true);
    for (const id of strict) expect(lenient.has(id), id).toBe(true);
    for (const r of ALL_RULES.filter((x) => x.info)) expect(strict.has(r.id), r.id).toBe(true);
  });

  it('has a fixture pair reporting every rule', () => {
    const reported = new Set([...SCHEMA_CASES.flatMap((c) => [...c.rules, ...(c.lenientRules ?? [])]), ...CATALOG_CASES.flatMap((c) => c.rules), ...AVRO_CASES.flatMap((c) => c.rules)]);
    expect(ALL_RULES.map((r) => r.id).filter((id) => !reported.has(id))).toEqual([]);
  });

  it('suggests close ids for a misspelt one', () => {
    expect(similarRuleIds('MAX_LENGHT_DECREASED')).toContain('MAX_LENGTH_DECREASED');
    expect(() => ruleById('NOPE')).toThrow(/unknown compatibility rule/);
  });
});
