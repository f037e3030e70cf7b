/**
 * runtime/catalog-registry.ts: what a generated registry.ts binds to its catalogue. The functions
 * are exported destructured, so they must work without `this`; look-ups must not reach into
 * Object.prototype; parse and validate must agree with the zod schema.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRegistry, payloadValidator, type CatalogDefinition } from '../../runtime/catalog-registry.js';
import { EventValidationError } from '../../runtime/validation-error.js';

const V1 = z.object({ id: z.string(), quantity: z.number() });
const V2 = z.object({ id: z.string(), quantity: z.object({ value: z.number(), unit: z.string() }) });

interface Payloads {
  'stock.added': { 1: z.infer<typeof V1>; 2: z.infer<typeof V2> };
}
const LATEST = { 'stock.added': 2 } as const;

const definition = (version: number, schema: z.ZodType): CatalogDefinition<'stock.added'> => ({
  type: 'stock.added',
  version,
  kind: 'business',
  urgency: 'medium',
  destination: 'business.stock.added',
  producers: ['inventory-service'],
  consumers: [],
  tenantScoped: false,
  deprecated: false,
  replies: [],
  schema,
  validate: payloadValidator(schema),
  jsonSchema: {},
});

const REGISTRY = { 'stock.added': { 1: definition(1, V1), 2: definition(2, V2) } };
const { getEventDefinition, parseEvent, parseEventVersion, isValidEvent, safeParseEvent } = defineRegistry<Payloads, typeof LATEST>(REGISTRY, LATEST);

const v1 = { id: 'a', quantity: 3 };
const v2 = { id: 'a', quantity: { value: 3, unit: 'kg' } };

describe('defineRegistry', () => {
  it('finds the latest version, an explicit one, and nothing else', () => {
    expect(getEventDefinition('stock.added')?.version).toBe(2);
    expect(getEventDefinition('stock.added', 1)?.version).toBe(1);
    expect(getEventDefinition('stock.added', 3)).toBeUndefined();
    expect(getEventDefinition('stock.removed')).toBeUndefined();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(getEventDefinition(name)).toBeUndefined();
    expect(getEventDefinition('stock.added', 'constructor' as unknown as number)).toBeUndefined();
  });

  it('parses the latest version, or one version, and throws an error naming the event and field', () => {
    expect(parseEvent('stock.added', v2)).toEqual(v2);
    expect(parseEventVersion('stock.added', 1, v1)).toEqual(v1);
    expect(() => parseEvent('stock.added', v1)).toThrow(EventValidationError);
    expect(() => parseEvent('stock.added', v1)).toThrow(/^invalid payload for 'stock\.added' version 2: field 'quantity': .*expected object/);
    expect(() => parseEventVersion('stock.added', 2, v1)).toThrow(EventValidationError);
    expect(() => parseEventVersion('stock.added', 3 as 1, v1)).toThrow(RangeError);
  });

  it('isValidEvent and safeParseEvent agree with the schema', () => {
    expect(isValidEvent('stock.added', 1, v1)).toBe(true);
    expect(isValidEvent('stock.added', 2, v1)).toBe(false);
    expect(isValidEvent('stock.added', 3 as 1, v1)).toBe(false);
    expect(safeParseEvent('stock.added', 2, v2)).toMatchObject({ success: true, data: v2 });
    const failed = safeParseEvent('stock.added', 2, v1);
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0]?.path).toEqual(['quantity']);
    const unknown = safeParseEvent('stock.removed', 1, v1);
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toMatch(/unknown event type or version: stock.removed v1/);
  });
});

describe('payloadValidator', () => {
  it('hands valid input back as it is, and zod issues for invalid input', () => {
    const validate = payloadValidator(V1);
    const result = validate(v1);
    expect(result.success).toBe(true);
    expect(result.data).toBe(v1);
    const bad = validate({ id: 1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['id', 'quantity']);
  });
});
