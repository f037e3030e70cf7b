// Tenant isolation with the generated code, on the real broker in a virtual host of its own: a
// consumer bound to a tenant is routed that tenant's events (and events of no tenant) by the
// broker, never another tenant's; a tenant-scoped event cannot be published without a tenant; a
// forged tenant header is dead-lettered. The runtime is the built package, like generated code's.
import amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createEnvelope,
  EventClient,
  EventValidationError,
  MemoryTransport,
  MissingTenantError,
  TenantMismatchError,
  tenantSubscriptionName,
  type CatalogEvents,
  type Envelope,
} from 'eventsmith/runtime';
import { AmqpTransport, deadLetterQueueName, TENANT_HEADER } from 'eventsmith/runtime/amqp';
import { analyticsService, inventoryService, type EventPayload } from '../../generated/index.js';
import snapshot from '../../generated/catalog.snapshot.json' with { type: 'json' };
import { createVhost, type TestVhost } from '../helpers/vhost.js';
import { sleep, waitFor } from '../integration/support/fixtures.js';
import { stockAddedFromV1 } from '../../examples/shared.js';

type StockAdded = EventPayload<'inventory.stock_added'>;
const example = (type: string): Record<string, unknown> => structuredClone(snapshot.catalog.events.filter((e) => e.type === type).pop()!.examples[0]!.payload) as Record<string, unknown>;
const stock = (tenant: string): StockAdded => ({ ...example('inventory.stock_added'), tenant_id: tenant, ingredient_id: randomUUID() }) as StockAdded;
const started = () => example('service.started') as EventPayload<'service.started'>;

let vhost: TestVhost;
const opened: Array<{ close(options?: { timeoutMs?: number }): Promise<void> }> = [];

async function transport(): Promise<AmqpTransport> {
  return AmqpTransport.connect({ url: vhost.url, connectTimeoutMs: 5000 });
}

interface Seen {
  tenant: string | undefined;
  type: string;
  id: string;
}

async function analytics(tenant: string | undefined): Promise<{ events: CatalogEvents<object, never, string>; seen: Seen[]; start(): Promise<void> }> {
  const created = analyticsService.createAnalyticsService({ transport: await transport(), ...(tenant === undefined ? {} : { tenant }) });
  const seen: Seen[] = [];
  const record = (_data: unknown, ctx: { envelope: Envelope }) => void seen.push({ tenant: ctx.envelope.tenantid, type: ctx.envelope.type, id: ctx.envelope.id });
  created.consumer.on('inventory.stock_added', record, { 1: stockAddedFromV1 }).on('service.started', record);
  opened.push(created.events);
  return { events: created.events as unknown as CatalogEvents<object, never, string>, seen, start: () => created.consumer.start() };
}

beforeAll(async () => {
  vhost = await createVhost('eventsmith-tenant');
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((o) => o.close({ timeoutMs: 2000 }).catch(() => {})));
  await vhost?.remove();
});

async function queueDepth(queue: string): Promise<number> {
  const connection = await amqp.connect(vhost.url);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

describe('tenant isolation (generated code, real broker)', () => {
  it('the broker routes each tenant-bound queue its tenant’s events and events of no tenant, nothing else', async () => {
    // Declare the queues, then stop consuming: the counts below are what the broker routed.
    const acme = await analytics('acme');
    const globex = await analytics('globex');
    const everyone = await analytics(undefined);
    for (const c of [acme, globex, everyone]) await c.start();
    for (const c of [acme, globex, everyone]) await c.events.client.close({ timeoutMs: 2000 });

    const inventory = inventoryService.createInventoryService({ transport: await transport() });
    opened.push(inventory.events);
    await inventory.events.start();
    const sent = { acme: [] as string[], globex: [] as string[], none: [] as string[] };
    for (let i = 0; i < 40; i++) {
      sent.acme.push((await inventory.publisher.stockAdded(stock('acme'))).id);
      sent.globex.push((await inventory.publisher.stockAdded(stock('globex'))).id);
      if (i % 4 === 0) sent.none.push((await inventory.publisher.started(started())).id);
    }
    expect(await queueDepth(tenantSubscriptionName('analytics-service', 'acme'))).toBe(40 + 10);
    expect(await queueDepth(tenantSubscriptionName('analytics-service', 'globex'))).toBe(40 + 10);
    expect(await queueDepth('analytics-service.events')).toBe(90);

    // Consumed, each queue holds exactly what it should, and nothing was filtered on delivery.
    const again = { acme: await analytics('acme'), globex: await analytics('globex'), everyone: await analytics(undefined) };
    for (const c of Object.values(again)) await c.start();
    await waitFor(() => again.acme.seen.length === 50 && again.globex.seen.length === 50 && again.everyone.seen.length === 90, 10_000, 'every routed event handled');
    await sleep(200);
    expect(again.acme.seen.map((s) => s.id).sort()).toEqual([...sent.acme, ...sent.none].sort());
    expect(again.globex.seen.map((s) => s.id).sort()).toEqual([...sent.globex, ...sent.none].sort());
    expect(again.everyone.seen.map((s) => s.id).sort()).toEqual([...sent.acme, ...sent.globex, ...sent.none].sort());
    expect(again.acme.seen.filter((s) => s.type === 'inventory.stock_added').every((s) => s.tenant === 'acme')).toBe(true);
    expect(again.globex.seen.filter((s) => s.type === 'inventory.stock_added').every((s) => s.tenant === 'globex')).toBe(true);
    for (const c of Object.values(again)) expect(c.events.metrics()).toMatchObject({ deadLettered: 0, consumed: c.seen.length });
  });

  it('a publisher cannot send a tenant-scoped event without a tenant, or with two', async () => {
    const inventory = inventoryService.createInventoryService({ transport: await transport() });
    opened.push(inventory.events);
    await inventory.events.start();
    const { tenant_id: _omitted, ...untenanted } = stock('acme');
    // The generated schema requires tenant_id on tenant-scoped events (the loader enforces it).
    await expect(inventory.publisher.stockAdded(untenanted as StockAdded)).rejects.toThrow(EventValidationError);
    await expect(inventory.publisher.stockAdded(untenanted as StockAdded)).rejects.toThrow(/field 'tenant_id'/);
    await expect(inventory.publisher.stockAdded(stock('acme'), { tenantId: 'globex' })).rejects.toBeInstanceOf(TenantMismatchError);
    expect(inventory.events.metrics()).toMatchObject({ published: 0, confirmed: 0 });
    // An event of no tenant is fine without one.
    await expect(inventory.publisher.started(started())).resolves.toMatchObject({ type: 'service.started' });
  });

  it('a definition marked tenantScoped refuses a publish without a tenant even when its schema does not require one', async () => {
    const t = new MemoryTransport();
    const definition = { type: 'x.thing_done', version: 1, kind: 'business' as const, urgency: 'medium' as const, destination: 'business.x.thing_done', tenantScoped: true, schema: z.object({ tenant_id: z.string().optional() }) };
    const client = new EventClient({ transport: t, registry: [definition], source: 'urn:test' });
    await t.declareTopology({ subscriptions: [{ name: 'q', sources: [{ destination: '#' }] }] });
    await expect(client.publish('x.thing_done', 1, {})).rejects.toBeInstanceOf(MissingTenantError);
    await expect(client.publish('x.thing_done', 1, {}, { tenantId: '*' })).rejects.toThrow(/reserved/);
    await expect(client.publish('x.thing_done', 1, {}, { tenantId: 'acme' })).resolves.toMatchObject({ tenantid: 'acme' });
    expect(client.metrics()).toMatchObject({ published: 1, confirmed: 1 });
  });

  it('forged or inconsistent tenants that reach a queue are dead-lettered with their reason', async () => {
    const acme = await analytics('acme');
    await acme.start();
    const connection = await amqp.connect(vhost.url);
    const channel = await connection.createConfirmChannel();
    const send = async (envelope: Envelope, tenantHeader: string) => {
      channel.publish('eventsmith.business', 'business.inventory.stock_added', Buffer.from(JSON.stringify(envelope)), { headers: { [TENANT_HEADER]: tenantHeader }, type: envelope.type, contentType: 'application/cloudevents+json' });
      await channel.waitForConfirms();
    };
    const base = { type: 'inventory.stock_added', version: 2, source: 'urn:forger' };
    // Header says acme (so the broker routes it to acme's queue), envelope says globex.
    await send(createEnvelope({ ...base, data: stock('globex'), tenantid: 'globex' }), 'acme');
    // Envelope and payload disagree.
    await send(createEnvelope({ ...base, data: stock('globex'), tenantid: 'acme' }), 'acme');
    // A tenant-scoped event with no tenant at all, sent as an event of every tenant.
    await send(createEnvelope({ ...base, data: stock('acme') }), '*');
    const dlq = deadLetterQueueName(tenantSubscriptionName('analytics-service', 'acme'));
    await waitFor(async () => (await queueDepth(dlq)) === 3, 5000, 'three dead letters');
    const reasons: string[] = [];
    const reader = await connection.createChannel();
    for (let message = await reader.get(dlq, { noAck: true }); message !== false; message = await reader.get(dlq, { noAck: true })) reasons.push(String(message.properties.headers?.['x-death-reason']));
    await connection.close();
    expect(reasons.sort()).toEqual(['missing-tenant', 'tenant-mismatch', 'tenant-mismatch']);
    expect(acme.seen).toEqual([]);
    expect(acme.events.health().healthy).toBe(true);
  });

  it('the in-memory transport routes tenant-bound subscriptions the same way', async () => {
    const t = new MemoryTransport();
    const definition = { type: 'x.thing_done', version: 1, kind: 'business' as const, urgency: 'medium' as const, destination: 'business.x.thing_done', tenantScoped: false, schema: z.object({ tenant_id: z.string().optional() }) };
    await t.declareTopology({
      subscriptions: [
        { name: 'q.acme', tenant: 'acme', sources: [{ destination: '#' }] },
        { name: 'q.globex', tenant: 'globex', sources: [{ destination: '#' }] },
      ],
    });
    const client = new EventClient({ transport: t, registry: [definition], source: 'urn:test' });
    const perQueue: Record<string, Array<string | undefined>> = { 'q.acme': [], 'q.globex': [] };
    for (const queue of ['q.acme', 'q.globex']) {
      const c = new EventClient({ transport: t, registry: [definition], source: 'urn:test', ownsTransport: false });
      c.on('x.thing_done', 1, (_d, ctx) => void perQueue[queue]!.push(ctx.envelope.tenantid));
      await c.consume(queue);
    }
    await client.publish('x.thing_done', 1, { tenant_id: 'acme' });
    await client.publish('x.thing_done', 1, { tenant_id: 'globex' });
    await client.publish('x.thing_done', 1, {});
    await waitFor(() => perQueue['q.acme']!.length === 2 && perQueue['q.globex']!.length === 2, 2000, 'memory deliveries');
    expect(perQueue['q.acme']).toEqual(['acme', undefined]);
    expect(perQueue['q.globex']).toEqual(['globex', undefined]);
  });
});
