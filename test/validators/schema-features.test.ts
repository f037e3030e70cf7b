/**
 * Every JSON Schema feature the generator supports, end to end: catalogue fixture → generated
 * module (committed under test/golden/schema-features) → validator. Table-driven: given an event
 * and a payload, want accepted or rejected.
 */
import { describe, expect, it } from 'vitest';
import { isValidEvent, safeParseEvent } from '../golden/schema-features/index.js';

const UUID = '3b241101-e2bb-4255-8caf-4136c566a962';
const strings = { id: UUID, at: '2026-11-23T10:00:00Z', email: 'a@b.co', site: 'https://example.com/x', code: 'AB' };

interface Row {
  feature: string;
  event: string;
  payload: unknown;
  valid: boolean;
}

const ROWS: Row[] = [
  { feature: 'required fields present', event: 'features.strings', payload: strings, valid: true },
  { feature: 'required field missing', event: 'features.strings', payload: { ...strings, id: undefined }, valid: false },
  { feature: 'format uuid', event: 'features.strings', payload: { ...strings, id: 'not-a-uuid' }, valid: false },
  { feature: 'format date-time with offset', event: 'features.strings', payload: { ...strings, at: '2026-11-23T10:00:00+01:00' }, valid: true },
  { feature: 'format date-time without offset', event: 'features.strings', payload: { ...strings, at: '2026-11-23T10:00:00' }, valid: false },
  { feature: 'format email', event: 'features.strings', payload: { ...strings, email: 'nobody' }, valid: false },
  { feature: 'format uri', event: 'features.strings', payload: { ...strings, site: 'not a uri' }, valid: false },
  { feature: 'minLength', event: 'features.strings', payload: { ...strings, code: 'A' }, valid: false },
  { feature: 'maxLength', event: 'features.strings', payload: { ...strings, code: 'ABCDEF' }, valid: false },
  { feature: 'pattern', event: 'features.strings', payload: { ...strings, code: 'ab' }, valid: false },
  { feature: 'nullable (type array with null): null', event: 'features.strings', payload: { ...strings, note: null }, valid: true },
  { feature: 'nullable: a string', event: 'features.strings', payload: { ...strings, note: 'x' }, valid: true },
  { feature: 'nullable: another type', event: 'features.strings', payload: { ...strings, note: 3 }, valid: false },
  { feature: 'integer', event: 'features.numbers', payload: { count: 2.5, ratio: 0.5 }, valid: false },
  { feature: 'minimum', event: 'features.numbers', payload: { count: 0, ratio: 0.5 }, valid: false },
  { feature: 'maximum inclusive', event: 'features.numbers', payload: { count: 10, ratio: 0.5 }, valid: true },
  { feature: 'maximum', event: 'features.numbers', payload: { count: 11, ratio: 0.5 }, valid: false },
  { feature: 'exclusiveMinimum', event: 'features.numbers', payload: { count: 1, ratio: 0 }, valid: false },
  { feature: 'exclusiveMaximum', event: 'features.numbers', payload: { count: 1, ratio: 1 }, valid: false },
  { feature: 'multipleOf', event: 'features.numbers', payload: { count: 1, ratio: 0.5, step: 0.7 }, valid: false },
  { feature: 'multipleOf ok', event: 'features.numbers', payload: { count: 1, ratio: 0.5, step: 2.5 }, valid: true },
  { feature: 'enum of strings', event: 'features.enums', payload: { colour: 'pink', fixed: 'v1' }, valid: false },
  { feature: 'enum of mixed values', event: 'features.enums', payload: { colour: 'red', size: null, fixed: 'v1' }, valid: true },
  { feature: 'enum of mixed values: outside', event: 'features.enums', payload: { colour: 'red', size: 3, fixed: 'v1' }, valid: false },
  { feature: 'const', event: 'features.enums', payload: { colour: 'red', fixed: 'v2' }, valid: false },
  { feature: 'array minItems', event: 'features.arrays', payload: { tags: [] }, valid: false },
  { feature: 'array maxItems', event: 'features.arrays', payload: { tags: ['a', 'b', 'c', 'd'] }, valid: false },
  { feature: 'array uniqueItems', event: 'features.arrays', payload: { tags: ['a', 'a'] }, valid: false },
  { feature: 'array item type', event: 'features.arrays', payload: { tags: [1] }, valid: false },
  { feature: 'tuple', event: 'features.arrays', payload: { tags: ['a'], point: [1, 2] }, valid: true },
  { feature: 'tuple with an extra item (additionalItems false)', event: 'features.arrays', payload: { tags: ['a'], point: [1, 2, 3] }, valid: false },
  { feature: 'tuple item type', event: 'features.arrays', payload: { tags: ['a'], point: ['x', 2] }, valid: false },
  { feature: 'open object keeps unknown fields', event: 'features.objects', payload: { open: { a: 'x', more: true }, closed: {}, typed: {} }, valid: true },
  { feature: 'closed object rejects unknown fields', event: 'features.objects', payload: { open: {}, closed: { b: 1 }, typed: {} }, valid: false },
  { feature: 'additionalProperties schema: ok', event: 'features.objects', payload: { open: {}, closed: {}, typed: { n: 1, m: 2 } }, valid: true },
  { feature: 'additionalProperties schema: wrong type', event: 'features.objects', payload: { open: {}, closed: {}, typed: { n: 'x' } }, valid: false },
  { feature: 'nested object via $ref across files', event: 'features.objects', payload: { open: {}, closed: {}, typed: {}, price: { amount: 1, currency: 'eur' } }, valid: false },
  { feature: 'oneOf: exactly one branch', event: 'features.combinators', payload: { either: 'x', any: 'ab', both: { a: 'x', b: 1 } }, valid: true },
  { feature: 'oneOf: no branch', event: 'features.combinators', payload: { either: true, any: 'ab', both: { a: 'x', b: 1 } }, valid: false },
  { feature: 'anyOf: second branch only', event: 'features.combinators', payload: { either: 1, any: 'xylophone', both: { a: 'x', b: 1 } }, valid: true },
  { feature: 'anyOf: no branch', event: 'features.combinators', payload: { either: 1, any: 'long-word', both: { a: 'x', b: 1 } }, valid: false },
  { feature: 'allOf: both branches', event: 'features.combinators', payload: { either: 1, any: 'ab', both: { a: 'x' } }, valid: false },
  { feature: 'recursive $ref: deep tree', event: 'features.recursion', payload: { root: { name: 'a', children: [{ name: 'b', children: [{ name: 'c', children: [] }] }] } }, valid: true },
  { feature: 'recursive $ref: bad node deep down', event: 'features.recursion', payload: { root: { name: 'a', children: [{ name: 'b', children: [{ children: [] }] }] } }, valid: false },
  { feature: 'mutual recursion', event: 'features.recursion', payload: { root: { name: 'a' }, person: { name: 'p', employer: { title: 't', staff: [{ name: 'q', employer: { title: 7 } }] } } }, valid: false },
];

describe('JSON Schema features in generated validators', () => {
  it.each(ROWS)('$feature → $valid', ({ event, payload, valid }) => {
    const clean = JSON.parse(JSON.stringify(payload)) as unknown;
    const result = safeParseEvent(event, 1, clean);
    expect(result.success, result.error?.message).toBe(valid);
    // The boolean fast path (compiled, stops at the first problem) must agree on every row.
    expect(isValidEvent(event as Parameters<typeof isValidEvent>[0], 1 as never, clean)).toBe(valid);
  });
});
