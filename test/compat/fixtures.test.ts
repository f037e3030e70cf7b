/**
 * Table-driven fixture pairs: each names the rule ids the checker must report and the directions
 * that break under each policy, and is checked in every mode. Every pair is also checked reversed:
 * reading HEAD → BASE swaps which direction breaks.
 */
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../generator/compat/check.js';
import { POLICIES, MODES } from '../../generator/compat/types.js';
import { CATALOG_CASES, SCHEMA_CASES } from './fixtures/index.js';
import { actualVerdict, expectedCompatible, schemaSides, side, TODAY, type Verdict } from './helpers.js';

const swap = (v: Verdict): Verdict => `${v.includes('F') ? 'B' : ''}${v.includes('B') ? 'F' : ''}` as Verdict;

describe('fixture pairs', () => {
  it('has at least 120 pairs', () => {
    expect(SCHEMA_CASES.length + CATALOG_CASES.length).toBeGreaterThanOrEqual(120);
    expect(new Set(SCHEMA_CASES.map((c) => c.name)).size).toBe(SCHEMA_CASES.length);
  });

  describe.each(SCHEMA_CASES)('$name', (c) => {
    it.each(POLICIES)('%s: rules and verdict in every mode', (policy) => {
      const { base, head } = schemaSides(c);
      const expected = policy === 'lenient' ? (c.lenient ?? c.strict) : c.strict;
      const actual = actualVerdict(base, head, policy);
      expect(actual.rules).toEqual(policy === 'lenient' ? (c.lenientRules ?? c.rules) : c.rules);
      expect(actual.verdict).toBe(expected);
      for (const mode of MODES) expect(actual.byMode[mode], mode).toBe(expectedCompatible(expected, mode));
    });

    it.each(POLICIES)('%s: reversed, the other direction breaks', (policy) => {
      const { base, head } = schemaSides({ ...c, base: c.head, head: c.base, baseDefinitions: c.headDefinitions, headDefinitions: c.baseDefinitions });
      const expected = policy === 'lenient' ? (c.lenient ?? c.strict) : c.strict;
      expect(actualVerdict(base, head, policy).verdict).toBe(swap(expected));
    });
  });

  describe.each(CATALOG_CASES)('catalogue: $name', (c) => {
    it.each(POLICIES)('%s: rules and verdict in every mode', (policy) => {
      for (const mode of MODES) {
        const result = checkCompatibility([side('BASE', c.base)], side('HEAD', c.head), { mode, policy, today: TODAY });
        expect([...new Set(result.changes.map((x) => x.rule))].sort()).toEqual(c.rules);
        expect(result.compatible, mode).toBe(expectedCompatible(c.verdict, mode));
      }
    });
  });
});
