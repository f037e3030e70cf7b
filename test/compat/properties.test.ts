/** Properties of the checker that must hold for any schema, checked on generated schemas. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../generator/compat/check.js';
import { MODES, POLICIES } from '../../generator/compat/types.js';
import type { JsonSchema } from '../../generator/model/catalog.js';
import { openObjectArb, relatedPairArb, schemaArb } from './arbitraries.js';
import { schemaSides, TODAY } from './helpers.js';

function compatible(base: JsonSchema, head: JsonSchema, mode: (typeof MODES)[number], policy: (typeof POLICIES)[number], definitions?: Record<string, JsonSchema>): { compatible: boolean; changes: number } {
  const sides = schemaSides({ base, head, ...(definitions ? { baseDefinitions: definitions, headDefinitions: structuredClone(definitions) } : {}) });
  const result = checkCompatibility([sides.base], sides.head, { mode, policy, today: TODAY });
  return { compatible: result.compatible, changes: result.changes.length };
}

describe('compatibility properties', () => {
  it('a schema compared with (a copy of) itself yields no change', () => {
    fc.assert(
      fc.property(schemaArb, fc.constantFrom(...POLICIES), (schema, policy) => {
        expect(compatible(schema, structuredClone(schema), 'full', policy).changes).toBe(0);
      }),
    );
  });

  it('a schema reaching definitions through $ref, compared with a copy, yields no change', () => {
    fc.assert(
      fc.property(schemaArb, schemaArb, (shared, outer) => {
        const payload: JsonSchema = { type: 'object', properties: { a: { $ref: '#/$defs/Shared' }, b: outer } };
        expect(compatible(payload, structuredClone(payload), 'full', 'strict', { Shared: shared }).changes).toBe(0);
      }),
    );
  });

  it('adding an optional property to an open model passes every mode under lenient', () => {
    fc.assert(
      fc.property(openObjectArb, schemaArb, (base, added) => {
        const head = { ...base, properties: { ...(base.properties as Record<string, JsonSchema>), added_later: added } };
        for (const mode of MODES) expect(compatible(base, head, mode, 'lenient').compatible, mode).toBe(true);
      }),
    );
  });

  it('the verdict of (A → B, backward) equals the verdict of (B → A, forward)', () => {
    fc.assert(
      fc.property(relatedPairArb, fc.constantFrom(...POLICIES), ([a, b], policy) => {
        expect(compatible(a, b, 'backward', policy).compatible).toBe(compatible(b, a, 'forward', policy).compatible);
      }),
    );
  });
});
