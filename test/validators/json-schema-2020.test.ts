/**
 * JSON Schema 2019-09 / 2020-12 keywords end to end: the fixture catalogue
 * test/fixtures/catalogs/json-schema-2020 (payloads in JSON Schema files with `$defs` and
 * `definitions` reached by local `$ref`) → generated module (committed under
 * test/golden/json-schema-2020) → validator. Every row is also run through ajv, for the draft the
 * emitted JSON Schema declares, on that same emitted schema: both must give the row's answer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { isValidEvent, safeParseEvent } from '../golden/json-schema-2020/index.js';

interface Row {
  feature: string;
  event: 'modern.shapes' | 'modern.payments' | 'modern.orders';
  payload: unknown;
  valid: boolean;
}

const shapes = { point: [1, 2], tags: ['x', 7, 8], labels: ['a', 'b', 1] };
const card = { kind: 'card', last4: '4242', card: 'visa', billing: { city: 'Lyon' } };
const sepa = { kind: 'sepa', iban: 'FR76' };
const order = { id: 'o-1', lines: [{ sku: 'A', qty: 1 }] };

const ROWS: Row[] = [
  { feature: 'example', event: 'modern.shapes', payload: shapes, valid: true },
  { feature: 'prefixItems + items: false ($defs via local $ref): too long', event: 'modern.shapes', payload: { ...shapes, point: [1, 2, 3] }, valid: false },
  { feature: 'prefixItems: minItems', event: 'modern.shapes', payload: { ...shapes, point: [1] }, valid: false },
  { feature: 'prefixItems: item type', event: 'modern.shapes', payload: { ...shapes, point: ['1', 2] }, valid: false },
  { feature: 'items after prefixItems', event: 'modern.shapes', payload: { ...shapes, tags: ['x', 7, 'y'] }, valid: false },
  { feature: 'minContains', event: 'modern.shapes', payload: { ...shapes, tags: ['x', 7] }, valid: false },
  { feature: 'maxContains', event: 'modern.shapes', payload: { ...shapes, tags: ['x', 1, 2, 3, 4] }, valid: false },
  { feature: 'unevaluatedItems after prefixItems in allOf: ok', event: 'modern.shapes', payload: { ...shapes, labels: ['a', 'b', 1, 2] }, valid: true },
  { feature: 'unevaluatedItems schema', event: 'modern.shapes', payload: { ...shapes, labels: ['a', 'b', 'c'] }, valid: false },
  { feature: 'unevaluatedProperties: false (closed)', event: 'modern.shapes', payload: { ...shapes, more: 1 }, valid: false },
  { feature: 'card example', event: 'modern.payments', payload: card, valid: true },
  { feature: 'sepa example', event: 'modern.payments', payload: sepa, valid: true },
  { feature: 'if/then: card needs last4', event: 'modern.payments', payload: { ...card, last4: undefined }, valid: false },
  { feature: 'if/then: pattern of then', event: 'modern.payments', payload: { ...card, last4: '42' }, valid: false },
  { feature: 'else: sepa needs iban', event: 'modern.payments', payload: { kind: 'sepa' }, valid: false },
  { feature: 'dependentRequired', event: 'modern.payments', payload: { ...card, billing: undefined }, valid: false },
  { feature: 'dependentSchemas', event: 'modern.payments', payload: { ...card, billing: { zip: '1' } }, valid: false },
  { feature: 'definitions via local $ref (closed)', event: 'modern.payments', payload: { ...card, billing: { city: 'Lyon', street: 'x' } }, valid: false },
  { feature: 'unevaluatedProperties sees then', event: 'modern.payments', payload: { ...sepa, last4: '4242' }, valid: false },
  { feature: 'unevaluatedProperties sees else', event: 'modern.payments', payload: { ...card, iban: 'FR76' }, valid: false },
  { feature: 'unevaluatedProperties sees properties', event: 'modern.payments', payload: { ...sepa, card: 'visa', billing: { city: 'Lyon' } }, valid: true },
  { feature: 'unevaluatedProperties: an unknown name', event: 'modern.payments', payload: { ...sepa, note: 'x' }, valid: false },
  { feature: 'order example', event: 'modern.orders', payload: { ...order, version: 2 }, valid: true },
  { feature: 'const', event: 'modern.orders', payload: { ...order, version: 3 }, valid: false },
  { feature: 'definitions in another file, closed by unevaluatedProperties', event: 'modern.orders', payload: { ...order, lines: [{ sku: 'A', qty: 1, extra: true }] }, valid: false },
  { feature: 'unevaluatedProperties: false on an inline payload', event: 'modern.orders', payload: { ...order, extra: true }, valid: false },
];

const ajv2019 = new Ajv2019({ strict: false });
const ajv2020 = new Ajv2020({ strict: false });
formats.default(ajv2019);
formats.default(ajv2020);

function ajvFor(event: string): (data: unknown) => boolean {
  const file = path.join(REPO_ROOT, 'test/golden/json-schema-2020/json-schema', `${event}.v1.json`);
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { $schema: string; $id: string };
  const ajv = schema.$schema.includes('2020-12') ? ajv2020 : ajv2019;
  const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
  return (data) => validate(data) === true;
}

describe('JSON Schema 2019-09 / 2020-12 keywords in generated validators', () => {
  it.each(ROWS)('$event: $feature → $valid', ({ event, payload, valid }) => {
    const clean = JSON.parse(JSON.stringify(payload)) as unknown;
    expect(ajvFor(event)(clean), 'ajv on the emitted JSON Schema').toBe(valid);
    const result = safeParseEvent(event, 1, clean);
    expect(result.success, result.error?.message).toBe(valid);
    if (result.success) expect(result.data).toStrictEqual(clean);
    expect(isValidEvent(event, 1 as never, clean)).toBe(valid);
  });

  it('declares the draft each emitted JSON Schema needs', () => {
    const draft = (event: string): unknown => (JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/golden/json-schema-2020/json-schema', `${event}.v1.json`), 'utf8')) as { $schema: unknown }).$schema;
    expect(draft('modern.shapes')).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(draft('modern.payments')).toBe('https://json-schema.org/draft/2019-09/schema');
  });
});
