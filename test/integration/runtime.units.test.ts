// Pure pieces of the runtime (no broker): routing, delays, deduplication, registry shapes.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backoffDelay } from '../../runtime/backoff.js';
import { redactText } from '../../runtime/amqp/redact.js';
import { Deque } from '../../runtime/deque.js';
import { EventClient, EventRegistry, EventValidationError, MemoryIdempotencyStore, MemoryTransport, resolveRetryPolicy, resolveDestination, retryDelays, destinationMatches, UnknownEventError, type Envelope } from '../../runtime/index.js';
import { waitFor } from './support/fixtures.js';

describe('topic routing', () => {
  it.each([
    ['business.#', 'business.inventory.stock_added', true],
    ['business.#', 'business', true],
    ['business.*', 'business.inventory.stock_added', false],
    ['business.*.stock_added', 'business.inventory.stock_added', true],
    ['#.stock_added', 'business.inventory.stock_added', true],
    ['alert.*.critical', 'alert.inventory.high', false],
    ['#', 'anything.at.all', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.b', 'a.b.c', false],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(destinationMatches(pattern, key)).toBe(expected);
  });
});

describe('delays', () => {
  it('retry delays grow exponentially, one level per retry, capped', () => {
    expect(retryDelays(resolveRetryPolicy(undefined))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelays(resolveRetryPolicy({ maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 300 }))).toEqual([50, 100, 200, 300, 300]);
    expect(retryDelays(resolveRetryPolicy({ maxAttempts: 1 }))).toEqual([]);
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow();
  });

  it('reconnect backoff is capped and jittered', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 };
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(1, options, () => 0)).toBe(50);
    expect(backoffDelay(4, options, () => 1)).toBe(800);
    expect(backoffDelay(30, options, () => 1)).toBe(1000);
    expect(backoffDelay(30, options, () => 0)).toBe(500);
  });
});

describe('MemoryIdempotencyStore', () => {
  it('claims once, answers in-progress for a claimed id and duplicate only for a completed one, releases on failure, evicts LRU', () => {
    const store = new MemoryIdempotencyStore(2);
    expect(store.claim('a')).toBe('claimed');
    // Claimed, not completed: its handler has not done its work, so this is no duplicate.
    expect(store.claim('a')).toBe('in-progress');
    expect(store.claim('a')).toBe('in-progress');
    store.release('a');
    expect(store.claim('a')).toBe('claimed');
    store.complete('a');
    expect(store.claim('a')).toBe('duplicate');
    for (const id of ['b', 'c']) {
      store.claim(id);
      store.complete(id);
    }
    expect(store.size).toBe(2);
    expect(store.claim('a')).toBe('claimed');
  });
});

describe('small helpers', () => {
  it('fills routing key placeholders and refuses missing or wildcard values', () => {
    expect(resolveDestination('alert.{domain}.critical', { domain: 'inventory' })).toBe('alert.inventory.critical');
    expect(() => resolveDestination('alert.{domain}.critical')).toThrow(/domain/);
    expect(() => resolveDestination('alert.{domain}', { domain: 'a.#' })).toThrow();
  });

  it('redacts the password wherever it appears', () => {
    const url = 'amqp://svc:p%40ss@h:5672/v';
    expect(redactText(`failed ${url} with p@ss and p%40ss`, url)).toBe('failed amqp://svc:***@h:5672/v with *** and ***');
  });

  it('deque keeps order across shifts and re-queues at the front', () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 3000; i++) deque.push(i);
    for (let i = 0; i < 2000; i++) expect(deque.shift()).toBe(i);
    deque.unshiftAll([-2, -1]);
    expect(deque.length).toBe(1002);
    expect(deque.shift()).toBe(-2);
    expect(deque.drain().slice(0, 2)).toEqual([-1, 2000]);
  });
});

describe('registry shapes', () => {
  // The generator's shape: keyed by type then version, zod `schema` instead of `validate`, readonly.
  const PlacedV1 = z.object({ orderId: z.string() });
  const PlacedV2 = z.object({ orderId: z.string(), total: z.number() });
  const GENERATED = {
    'order.placed': {
      1: { type: 'order.placed', version: 1, kind: 'business', urgency: 'low', destination: 'business.order.placed', replies: [], schema: PlacedV1 },
      2: { type: 'order.placed', version: 2, kind: 'business', urgency: 'high', destination: 'business.order.placed', replies: [], schema: PlacedV2 },
    },
  } as const;
  interface Payloads {
    'order.placed': { 1: z.infer<typeof PlacedV1>; 2: z.infer<typeof PlacedV2> };
  }

  it('accepts a nested registry with zod schemas and an interface payload map', async () => {
    expect(new EventRegistry(GENERATED).definitions()).toHaveLength(2);
    const transport = new MemoryTransport();
    await transport.declareTopology({ subscriptions: [{ name: 'billing.events', sources: [{ kind: 'business', destination: 'business.order.*' }] }] });
    const client = new EventClient<Payloads>({ transport, registry: GENERATED, source: 'urn:shop' });
    const seen: Envelope[] = [];
    client.on('order.placed', 2, (data, ctx) => {
      const total: number = data.total;
      expect(total).toBe(9.5);
      seen.push(ctx.envelope);
    });
    await client.consume('billing.events');
    const sent = await client.publish('order.placed', 2, { orderId: 'o1', total: 9.5 });
    // @ts-expect-error -- version 2 requires `total`; the payload map types publish().
    await expect(client.publish('order.placed', 2, { orderId: 'o1' })).rejects.toBeInstanceOf(EventValidationError);
    // @ts-expect-error -- not in the payload map; rejected at run time too.
    await expect(client.publish('order.shipped', 1, {})).rejects.toBeInstanceOf(UnknownEventError);
    await waitFor(() => seen.length === 1);
    expect(sent).toMatchObject({ urgency: 'high', eventversion: 2 });
    expect(transport.published()[0]?.target).toMatchObject({ kind: 'business', destination: 'business.order.placed', urgency: 'high' });
    await client.close();
  });

  it('validates a zod `schema` with the same results as its safeParse: transforms, defaults, stripping, errors', () => {
    // The registry runs schemas through z.compile for speed; what a handler receives must not change.
    const Shaped = z.object({ name: z.string().transform((s) => s.toUpperCase()), count: z.number().int().default(1), tags: z.array(z.string()).max(2) });
    const registry = new EventRegistry([{ type: 't.shaped', version: 1, kind: 'business', urgency: 'low', destination: 'r', schema: Shaped }]);
    const validate = registry.get('t.shaped', 1)!.validate;
    const inputs: unknown[] = [{ name: 'ab', tags: [], extra: true }, { name: 'ab', count: 2.5, tags: [] }, { name: 'ab', tags: ['a', 'b', 'c'] }, { name: 7, tags: [] }, null, { name: 'x', count: 3, tags: ['z'] }];
    for (const input of inputs) {
      const expected = Shaped.safeParse(input);
      const actual = validate(input);
      expect(actual.success).toBe(expected.success);
      if (expected.success) expect(actual.success && actual.data).toEqual(expected.data);
      else {
        expect(actual.success ? undefined : actual.error).toBeInstanceOf(z.ZodError);
        expect(actual.success ? undefined : (actual.error as z.ZodError).issues).toEqual(expected.error.issues);
      }
    }
    expect(validate({ name: 'ab', tags: [], extra: true })).toEqual({ success: true, data: { name: 'AB', count: 1, tags: [] } });
  });

  it('calls a schema that is not zod through its own safeParse', () => {
    const seen: unknown[] = [];
    const schema = { safeParse: (data: unknown) => (seen.push(data), data === 1 ? { success: true as const, data: 1 } : { success: false as const, error: new Error('not one') }) };
    const validate = new EventRegistry([{ type: 't.own', version: 1, kind: 'business', urgency: 'low', destination: 'r', schema }]).get('t.own', 1)!.validate;
    expect(validate(1)).toEqual({ success: true, data: 1 });
    expect(validate(2)).toMatchObject({ success: false, error: { message: 'not one' } });
    expect(seen).toEqual([1, 2]);
  });
});
