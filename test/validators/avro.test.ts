/**
 * An Avro-described catalogue end to end: fixture (inline Avro and a .avsc file) → generated
 * module (committed under test/golden/avro) → validators. Values that Avro itself produces for
 * the schema (avsc's random values, as JSON carries them) pass both the zod validator and the
 * JSON Schema written for the event; values Avro would refuse do not.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import avsc from 'avsc';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { isValidEvent } from '../golden/avro/index.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/catalogs/avro');
const document = parse(readFileSync(path.join(FIXTURE, 'orders.yaml'), 'utf8')) as { components: { messages: Record<string, { payload: { schema: unknown } }> } };
const SCHEMAS: Record<string, unknown> = {
  'orders.order_placed': document.components.messages.OrderPlaced!.payload.schema,
  'payments.payment_captured': JSON.parse(readFileSync(path.join(FIXTURE, 'schemas/payment-captured.avsc'), 'utf8')),
};

/** A value as JSON carries it: bytes and fixed as strings of one character per byte, records as plain objects. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (isBufferJson(v) ? Buffer.from(v.data).toString('latin1') : v)));
}

function isBufferJson(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data);
}

// ajv-formats ships CommonJS with a default export that TypeScript sees as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

describe('Avro payloads', () => {
  it.each(Object.keys(SCHEMAS))('%s: values Avro produces are valid events', (event) => {
    const type = avsc.Type.forSchema(SCHEMAS[event] as avsc.Schema, { wrapUnions: false });
    const jsonSchema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/golden/avro/json-schema', `${event}.v1.json`), 'utf8')) as object;
    const validate = ajv.compile(jsonSchema);
    for (let i = 0; i < 200; i++) {
      const value = asJson(type.random());
      // uuid is a logical type avsc does not generate values for: random strings are no uuids.
      const fixed = fixUuids(event, value);
      expect(isValidEvent(event as never, 1, fixed), JSON.stringify(fixed)).toBe(true);
      expect(validate(fixed), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  const order = {
    order_id: '0b6f5a4e-3d27-4c59-9a0e-1f3f0e6d2a11',
    placed_at: 1733300000000,
    status: 'PLACED',
    customer: { customer_id: 42 },
    lines: [{ sku: 'A-1', quantity: 2, unit_price: 9.5 }],
  };

  it.each([
    ['a complete order', order, true],
    ['a nullable field set to null', { ...order, delivery_date: null }, true],
    ['a union of three types: long branch', { ...order, priority: 3 }, true],
    ['a union of three types: a type outside it', { ...order, priority: [] }, false],
    ['an enum symbol that is not declared', { ...order, status: 'LOST' }, false],
    ['a required field missing (no default)', { ...order, placed_at: undefined }, false],
    ['an int out of range', { ...order, lines: [{ sku: 'A-1', quantity: 2 ** 31, unit_price: 1 }] }, false],
    ['a map with a value of the wrong type', { ...order, attributes: { gift: 1 } }, false],
    ['a record reached through a named reference', { ...order, billing_address: { street: 'x', city: 'y' } }, true],
    ['a named reference with a field missing', { ...order, billing_address: { street: 'x' } }, false],
    ['a time-millis past midnight', { ...order, pickup_window: 86_400_000 }, false],
    ['an unknown field (Avro readers skip it)', { ...order, coupon: 'X' }, true],
  ])('orders.order_placed: %s', (_name, payload, valid) => {
    expect(isValidEvent('orders.order_placed', 1, payload)).toBe(valid);
  });

  it('fixed has its exact size', () => {
    const payment = { payment_id: '7c1e8a52-90f4-4e55-8b1e-5a0b2f3c4d5e', captured_at: 1, amount: '\u0004', currency: 'EUR' };
    expect(isValidEvent('payments.payment_captured', 1, payment)).toBe(true);
    expect(isValidEvent('payments.payment_captured', 1, { ...payment, currency: 'EURO' })).toBe(false);
  });
});

function fixUuids(event: string, value: unknown): unknown {
  const record = value as Record<string, unknown>;
  const uuid = '3b241101-e2bb-4255-8caf-4136c566a962';
  if (event === 'orders.order_placed') return { ...record, order_id: uuid };
  return { ...record, payment_id: uuid };
}
