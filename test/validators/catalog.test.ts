/**
 * The generated validators of this repository's catalogue: every example passes, and payloads
 * broken in the ways producers break them fail with a zod error that names the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { EVENT_REGISTRY, EVENT_TYPES, isValidEvent, parseEvent, parseEventVersion, safeParseEvent } from '../../generated/index.js';
import type { Catalog, CatalogEvent, JsonValue } from '../../generator/model/catalog.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { REPO_ROOT } from '../helpers/cli.js';

let catalog: Catalog;

beforeAll(async () => {
  catalog = (await loadCatalog(`${REPO_ROOT}/catalog`, { strict: true })).catalog;
});

type Payload = Record<string, JsonValue>;

function firstExample(event: CatalogEvent): Payload {
  return structuredClone(event.examples[0]!.payload) as Payload;
}

/**
 * The two fast paths, for an event known only at run time: isValidEvent, and the definition's
 * `validate` the runtime calls, which must agree with safeParseEvent and give valid input back as is.
 */
function isValid(event: CatalogEvent, data: unknown): boolean {
  const valid = isValidEvent(event.type as Parameters<typeof isValidEvent>[0], event.version as never, data);
  const definition = (EVENT_REGISTRY as unknown as Record<string, Record<number, { validate(data: unknown): { success: boolean; data?: unknown; error?: unknown } }>>)[event.type]![event.version]!;
  const result = definition.validate(data);
  const expected = safeParseEvent(event.type, event.version, data);
  expect(result.success).toBe(valid);
  expect(result.success).toBe(expected.success);
  if (result.success) expect(result.data).toStrictEqual(expected.data);
  else expect((result.error as z.ZodError).issues).toEqual(expected.error?.issues);
  return valid;
}

function requiredOf(event: CatalogEvent): string[] {
  const payload = event.payload;
  return typeof payload === 'object' && Array.isArray(payload.required) ? (payload.required as string[]) : [];
}

describe('repository catalogue validators', () => {
  it('cover every event version of the catalogue', () => {
    const registered = Object.entries(EVENT_REGISTRY).flatMap(([type, versions]) => Object.keys(versions).map((v) => `${type}@${v}`));
    expect(registered.sort()).toEqual(catalog.events.map((e) => `${e.type}@${e.version}`).sort());
  });

  it('accept every example', () => {
    for (const event of catalog.events) {
      for (const example of event.examples) {
        const result = safeParseEvent(event.type, event.version, example.payload);
        expect(result.success, `${event.type} v${event.version} ${example.name ?? ''}: ${result.error?.message}`).toBe(true);
        expect(isValid(event, example.payload)).toBe(true);
      }
    }
  });

  it('reject a payload missing any required field', () => {
    for (const event of catalog.events) {
      for (const field of requiredOf(event)) {
        const payload = firstExample(event);
        delete payload[field];
        const result = safeParseEvent(event.type, event.version, payload);
        expect(result.success, `${event.type} v${event.version} without ${field}`).toBe(false);
        expect(isValid(event, payload)).toBe(false);
        expect(result.error?.issues[0]?.path).toEqual([field]);
      }
    }
  });

  it('reject a payload whose fields have the wrong JSON type', () => {
    for (const event of catalog.events) {
      for (const field of requiredOf(event)) {
        const payload = firstExample(event);
        const value = payload[field];
        payload[field] = typeof value === 'string' ? 12345 : 'not-the-right-type';
        expect(safeParseEvent(event.type, event.version, payload).success, `${event.type} v${event.version} with ${field}=${JSON.stringify(payload[field])}`).toBe(false);
        expect(isValid(event, payload)).toBe(false);
      }
    }
  });

  it('reject payloads that are not objects', () => {
    for (const event of catalog.events) {
      for (const bad of [null, 42, 'text', []]) {
        expect(safeParseEvent(event.type, event.version, bad).success).toBe(false);
        expect(isValid(event, bad)).toBe(false);
      }
    }
  });

  it('keep unknown fields of open models, so older consumers read newer events', () => {
    const event = catalog.events.find((e) => e.type === 'product.created')!;
    const parsed = parseEvent(EVENT_TYPES.PRODUCT.CREATED, { ...firstExample(event), added_in_a_later_version: true });
    expect(parsed).toHaveProperty('added_in_a_later_version', true);
  });

  it('reject unknown fields of closed models', () => {
    const closed = catalog.events.find((e) => typeof e.payload === 'object' && e.payload.additionalProperties === false)!;
    expect(closed).toBeDefined();
    expect(safeParseEvent(closed.type, closed.version, { ...firstExample(closed), surprise: 1 }).success).toBe(false);
  });

  it('hold both versions of an event and tell them apart', () => {
    const [v1, v2] = catalog.events.filter((e) => e.type === 'inventory.stock_added');
    expect(v1?.version).toBe(1);
    expect(v2?.version).toBe(2);
    expect(() => parseEventVersion(EVENT_TYPES.INVENTORY.STOCK_ADDED, 1, firstExample(v1!))).not.toThrow();
    expect(safeParseEvent('inventory.stock_added', 2, firstExample(v1!)).success).toBe(false);
    expect(safeParseEvent('inventory.stock_added', 1, firstExample(v2!)).success).toBe(false);
  });

  it('throw an error naming the event and the field for a bad payload', () => {
    const event = catalog.events.find((e) => e.type === 'product.price_changed')!;
    const payload = { ...firstExample(event), tenant_id: 7 };
    expect(() => parseEvent(EVENT_TYPES.PRODUCT.PRICE_CHANGED, payload)).toThrow(/^invalid payload for 'product\.price_changed' version \d+: field 'tenant_id': Invalid input: expected string/);
  });

  it('answer an unknown type or version with a failed result, not an exception', () => {
    expect(safeParseEvent('no.such_event', 1, {}).success).toBe(false);
    expect(safeParseEvent('inventory.stock_added', 99, {}).success).toBe(false);
  });
});
