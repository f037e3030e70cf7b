/**
 * Replies the catalogue declares, at run time, in memory, on RabbitMQ (a virtual host of its own)
 * and on Redis (a key prefix of its own, whose keys are deleted afterwards): a reply the catalogue does not declare for the command is refused before it leaves the
 * replier, and refused by the requester if one arrives anyway (from a replier that does not know
 * the catalogue's replies); the requester's result is told apart by `type`. An older version past
 * its sunset that no handler takes is dead-lettered with reason `sunset`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The runtime as generated code sees it (the built package), so classes are the same ones.
import { EventClient, MemoryTransport, UndeclaredReplyError, serviceSubscriptionName, type EventDefinition, type LogEntry, type Transport } from 'eventsmith/runtime';
import { randomUUID } from 'node:crypto';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { RedisTransport } from 'eventsmith/runtime/redis';
import { EVENT_REGISTRY, inventoryService, productionService, topologyFor, type EventPayload } from '../../generated/index.js';
import { billingService, EVENT_REGISTRY as SUNSET_REGISTRY, topologyFor as sunsetTopologyFor } from '../golden/sunset-and-replies/index.js';
import { createVhost, type TestVhost } from '../helpers/vhost.js';
import { RawRedis } from './support/redis.js';

const request: EventPayload<'production.schedule_batch'> = {
  tenant_id: 'acme-bakery',
  request_id: '5b0c7c5e-8f2a-4c61-9a57-0f3a3b1d2e10',
  product_id: '7a011418-4f94-4adb-9234-735da060f6a4',
  quantity: { value: 40, unit: 'kg' },
  needed_by: '2025-03-11T05:00:00+01:00',
  reason: 'low_stock',
};

const scheduled = (data: EventPayload<'production.schedule_batch'>): EventPayload<'production.batch_scheduled'> => ({
  tenant_id: data.tenant_id,
  request_id: data.request_id,
  batch_id: '1de20f7d-1d1a-46c3-ba35-3f273ecba710',
  production_line: 'line-1',
  scheduled_start: '2025-03-11T02:00:00+01:00',
});

/** An event production-service may publish but that the catalogue does not declare as a reply to schedule_batch. */
const notAReply: EventPayload<'inventory.reserved'> = {
  tenant_id: 'acme-bakery',
  reservation_id: 'c8b6f3be-5995-429f-870e-a92a8a54892a',
  order_id: 'ec849265-4a44-452a-b960-f28ee5472b0e',
  lines: [{ ingredient_id: '6eb6825f-5cc6-4c40-836d-f8d95f95bfa4', location_id: 'c0ce9a3f-3634-4415-b2d5-ebd9787326ee', quantity: { unit: 'kg', value: 10 } }],
  reserved_at: '2025-03-12T10:00:00Z',
  expires_at: '2025-03-12T12:00:00Z',
};

async function eventually<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let vhost: TestVhost;
const redisPrefix = `eventsmith-replies-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  vhost = await createVhost('eventsmith-replies');
}, 30_000);
afterAll(async () => {
  await vhost?.remove();
  const redis = await RawRedis.connect();
  try {
    for await (const keys of redis.client.scanIterator({ MATCH: `${redisPrefix}:*`, COUNT: 1000 })) if (keys.length > 0) await redis.client.del(keys);
  } finally {
    await redis.close();
  }
});

const closing: { close(options?: { timeoutMs?: number }): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((c) => c.close({ timeoutMs: 2000 })));
});

interface Broker {
  name: string;
  /** Transports of one test share their broker (in memory: one transport object for every service). */
  transports(): () => Promise<Transport>;
}

const BROKERS: Broker[] = [
  {
    name: 'memory',
    transports: () => {
      const shared = new MemoryTransport();
      return async () => shared;
    },
  },
  { name: 'RabbitMQ', transports: () => async () => AmqpTransport.connect({ url: vhost.url }) },
  { name: 'Redis', transports: () => async () => RedisTransport.connect({ prefix: redisPrefix }) },
];

describe.each(BROKERS)('declared replies ($name)', (broker) => {
  it('refuses, before sending it, a reply the catalogue does not declare for the command; the declared one reaches the requester', async () => {
    const connect = broker.transports();
    const logs: LogEntry[] = [];
    const production = productionService.createProductionService({ transport: await connect(), logger: (entry) => logs.push(entry), ownsTransport: broker.name !== 'memory' });
    const inventory = inventoryService.createInventoryService({ transport: await connect(), ownsTransport: broker.name !== 'memory' });
    closing.push(production.events, inventory.events);
    const refusals: unknown[] = [];
    production.consumer.on('production.schedule_batch', async (data, ctx) => {
      // The types refuse this call; code that gets round them meets the run-time check.
      await ctx.reply('inventory.reserved' as never, 1 as never, notAReply as never).catch((error: unknown) => refusals.push(error));
      await ctx.reply('production.batch_scheduled', 1, scheduled(data));
    });
    await production.consumer.start();
    await inventory.events.start();

    const reply = await inventory.publisher.scheduleBatch(request, { timeoutMs: 5000 });
    // Had the undeclared reply been sent, it would have arrived first and been refused here.
    expect(reply.type).toBe('production.batch_scheduled');
    if (reply.type !== 'production.batch_scheduled') throw new Error('narrowed above');
    expect(reply.data.production_line).toBe('line-1');

    expect(refusals).toHaveLength(1);
    const refusal = refusals[0];
    expect(refusal).toBeInstanceOf(UndeclaredReplyError);
    expect((refusal as UndeclaredReplyError).code).toBe('UNDECLARED_REPLY');
    expect((refusal as Error).message).toBe(
      "'inventory.reserved' v1 is not a reply the catalogue declares for command 'production.schedule_batch' v1 (declared: 'production.batch_rejected' v1, 'production.batch_scheduled' v1): reply with one of those, or add it to the messages of the operation's reply in the catalogue",
    );
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', event: 'reply.undeclared', type: 'inventory.reserved', command: 'production.schedule_batch' }));
  }, 30_000);

  it('refuses on the requester a reply the catalogue does not declare, sent by a replier that does not know the replies', async () => {
    const connect = broker.transports();
    // A hand-written replier: the catalogue's definitions without their reply lists.
    const withoutReplies = Object.values(EVENT_REGISTRY).flatMap((versions) => Object.values(versions)).map(({ replies: _replies, ...definition }) => definition as EventDefinition);
    const replierTransport = await connect();
    const replier = new EventClient({ transport: replierTransport, registry: withoutReplies, source: 'urn:test:replier', ownsTransport: broker.name !== 'memory' });
    closing.push(replier);
    await replierTransport.declareTopology(topologyFor('production-service'));
    replier.on('production.schedule_batch', 1, async (_data, ctx) => void (await ctx.reply('inventory.reserved', 1, notAReply)));
    await replier.consume(serviceSubscriptionName('production-service'));
    const logs: LogEntry[] = [];
    const inventory = inventoryService.createInventoryService({ transport: await connect(), logger: (entry) => logs.push(entry), ownsTransport: broker.name !== 'memory' });
    closing.push(inventory.events);
    await inventory.events.start();

    const refused = await inventory.publisher.scheduleBatch(request, { timeoutMs: 5000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UndeclaredReplyError);
    expect((refused as Error).message).toMatch(/^'inventory\.reserved' v1 is not a reply the catalogue declares for command 'production\.schedule_batch' v1/);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', event: 'request.undeclared_reply', type: 'inventory.reserved', command: 'production.schedule_batch' }));
  }, 30_000);
});

describe('versions past their sunset (memory)', () => {
  it('dead-letters with reason sunset, and a warning, a version past its sunset that no handler takes', async () => {
    const transport = new MemoryTransport();
    const logs: LogEntry[] = [];
    // warehouse.bin_moved v1 is past its sunset (2025-01-01): the consumer compiles without an upcaster for it.
    const billing = billingService.createBillingService({ transport, logger: (entry) => logs.push(entry) });
    closing.push(billing.events);
    const handled: string[] = [];
    billing.consumer.on('warehouse.bin_moved', (moved) => void handled.push(moved.aisle));
    await billing.consumer.start();
    const producer = new EventClient({ transport, registry: SUNSET_REGISTRY, source: 'urn:test:warehouse', ownsTransport: false });
    const old = await producer.publish('warehouse.bin_moved', 1, { bin: 'B-7' });
    await producer.publish('warehouse.bin_moved', 2, { bin: 'B-8', aisle: 'A-2' });

    const subscription = serviceSubscriptionName('billing-service');
    const [dead] = await eventually(() => (transport.deadLetters(subscription).length === 1 && handled.length === 1 ? transport.deadLetters(subscription) : undefined));
    expect(handled).toEqual(['A-2']);
    expect(dead).toMatchObject({ reason: 'sunset' });
    expect(JSON.stringify(dead)).toContain(old.id);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', event: 'consume.dead_lettered', id: old.id, reason: 'sunset', error: "'warehouse.bin_moved' version 1 is past its sunset (2025-01-01) and no handler takes it: its producers must send a later version" }));
    // The fixture's topology is the one the consumer declared.
    expect(sunsetTopologyFor('billing-service').subscriptions?.[0]?.name).toBe(subscription);
  });

  it('keeps reason unhandled-type for an unhandled version whose sunset is still ahead', async () => {
    const transport = new MemoryTransport();
    // parcel_shipped v2 with a sunset no clock reaches: not past it, so a missing handler is just that.
    const registry = Object.values(SUNSET_REGISTRY).flatMap((versions) => Object.values(versions)).map((d) => (d.type === 'warehouse.parcel_shipped' && d.version === 2 ? { ...d, sunset: '9999-12-31' } : d));
    const consumer = new EventClient({ transport, registry, source: 'urn:test:billing', logger: () => {} });
    closing.push(consumer);
    await transport.declareTopology(sunsetTopologyFor('billing-service'));
    consumer.on('warehouse.parcel_shipped', 3, () => {});
    await consumer.consume(serviceSubscriptionName('billing-service'));
    await consumer.publish('warehouse.parcel_shipped', 2, { parcel_id: 'P-1', carrier: 'post' });
    const subscription = serviceSubscriptionName('billing-service');
    const [dead] = await eventually(() => (transport.deadLetters(subscription).length === 1 ? transport.deadLetters(subscription) : undefined));
    expect(dead).toMatchObject({ reason: 'unhandled-type' });
  });
});
