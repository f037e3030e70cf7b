/**
 * The generated messaging layer against the real broker, in a virtual host of its own: every kind
 * of the facade round-trips with the documented routing key and priority, alerts change severity,
 * direct messages reach one service only, commands get typed replies, and upcasters let one
 * handler serve every version.
 */
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The runtime as generated code sees it (the built package), so classes are the same ones.
import { CatalogEvents, WrongKindError, type Envelope } from 'eventsmith/runtime';
import { AmqpTransport, DIRECT_EXCHANGE, exchangeFor } from 'eventsmith/runtime/amqp';
import { CHANNELS, Events, type EventPayload } from '../../generated/index.js';
import { auditService, authService, gatewayService, inventoryService, notificationService, procurementService, productionService } from '../../generated/index.js';
import snapshot from '../../generated/catalog.snapshot.json' with { type: 'json' };
import { createVhost, type TestVhost } from '../helpers/vhost.js';
import { stockAddedFromV1 } from '../../examples/shared.js';

type Example = Record<string, unknown>;
const example = (type: string, version?: number): Example => {
  const events = snapshot.catalog.events.filter((e) => e.type === type && (version === undefined || e.version === version));
  return structuredClone(events[events.length - 1]!.examples[0]!.payload) as Example;
};

interface Tapped {
  routingKey: string;
  exchange: string;
  priority: number | undefined;
  envelope: Envelope;
}

let vhost: TestVhost;
let tap: { messages: Tapped[]; close(): Promise<void> };
const opened: CatalogEvents<object, never, string>[] = [];

async function service<T extends { events: Events }>(create: (options: { transport: AmqpTransport }) => T): Promise<T> {
  const transport = await AmqpTransport.connect({ url: vhost.url });
  const created = create({ transport });
  opened.push(created.events as unknown as CatalogEvents<object, never, string>);
  return created;
}

/** A plain amqplib queue bound to every exchange with `#`: sees each message's routing key and priority. */
async function openTap(): Promise<typeof tap> {
  const connection = await amqp.connect(vhost.url);
  const channel = await connection.createChannel();
  const messages: Tapped[] = [];
  const { queue } = await channel.assertQueue('', { exclusive: true });
  // The RabbitMQ mapping of the catalogue's channels: one topic exchange per kind, plus the direct one.
  for (const exchange of new Set(CHANNELS.map((channel) => exchangeFor(channel.kind ?? 'business', channel.bindings)))) {
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.bindQueue(queue, exchange, '#');
  }
  await channel.assertExchange(DIRECT_EXCHANGE, 'direct', { durable: true });
  await channel.bindQueue(queue, DIRECT_EXCHANGE, 'procurement-service');
  await channel.consume(queue, (message) => {
    if (!message) return;
    messages.push({ routingKey: message.fields.routingKey, exchange: message.fields.exchange, priority: message.properties.priority as number | undefined, envelope: JSON.parse(message.content.toString()) as Envelope });
  }, { noAck: true });
  return { messages, close: () => connection.close() };
}

async function eventually<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const received: { service: string; type: string; version: number; data: unknown; envelope: Envelope }[] = [];

let inventory: ReturnType<typeof inventoryService.createInventoryService>;
let gateway: ReturnType<typeof gatewayService.createGatewayService>;

beforeAll(async () => {
  vhost = await createVhost();
  inventory = await service(inventoryService.createInventoryService);
  await inventory.events.start();
  tap = await openTap();

  const procurement = await service(procurementService.createProcurementService);
  procurement.consumer
    .on('inventory.stock_added', (data, ctx) => void received.push({ service: 'procurement-service', type: ctx.type, version: ctx.version, data, envelope: ctx.envelope }), { 1: stockAddedFromV1 })
    .on('inventory.low_stock_alert', (data, ctx) => void received.push({ service: 'procurement-service', type: ctx.type, version: ctx.version, data, envelope: ctx.envelope }))
    .on('forecasting.demand_surge_predicted', (data, ctx) => void received.push({ service: 'procurement-service', type: ctx.type, version: ctx.version, data, envelope: ctx.envelope }));
  await procurement.consumer.start();

  const production = await service(productionService.createProductionService);
  // v1 is still in the catalogue: every consumer of stock_added upcasts it (without, it would not compile).
  production.consumer.on('inventory.stock_added', (data, ctx) => void received.push({ service: 'production-service', type: ctx.type, version: ctx.version, data, envelope: ctx.envelope }), { 1: stockAddedFromV1 });
  await production.consumer.start();

  const notification = await service(notificationService.createNotificationService);
  notification.consumer.on('notification.push_requested', (data, ctx) => void received.push({ service: 'notification-service', type: ctx.type, version: ctx.version, data, envelope: ctx.envelope }));
  await notification.consumer.start();

  const auth = await service(authService.createAuthService);
  auth.consumer.on('user.validate_token', async (data, ctx) => {
    if (data.token.startsWith('good')) await ctx.reply('user.token_validated', 1, example('user.token_validated') as never);
    else await ctx.reply('user.token_rejected', 1, example('user.token_rejected') as never);
  });
  await auth.consumer.start();

  gateway = await service(gatewayService.createGatewayService);
  await gateway.events.start();

  // Services that also consume what the tests publish; their queues must exist for routing.
  const audit = await service(auditService.createAuditService);
  await audit.events.start();
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((events) => events.close({ timeoutMs: 2000 })));
  await tap?.close();
  await vhost?.remove();
});

describe('generated messaging over RabbitMQ', () => {
  it('publishes a business event as business.<type>, delivered typed to every consuming service', async () => {
    const envelope = await inventory.publisher.stockAdded(example('inventory.stock_added') as EventPayload<'inventory.stock_added'>);
    const tapped = await eventually(() => tap.messages.find((m) => m.envelope.id === envelope.id));
    expect(tapped.routingKey).toBe('business.inventory.stock_added');
    expect(tapped.exchange).toBe('eventsmith.business');
    expect(tapped.priority).toBe(5);
    expect(tapped.envelope).toMatchObject({ specversion: '1.0', type: 'inventory.stock_added', eventversion: 2, source: 'urn:eventsmith:inventory-service' });
    const services = await eventually(() => {
      const got = received.filter((r) => r.envelope.id === envelope.id).map((r) => r.service).sort();
      return got.length === 2 ? got : undefined;
    });
    expect(services).toEqual(['procurement-service', 'production-service']);
  });

  it('routes an alert as alert.<domain>.<severity>, with the severity overridable and priority following it', async () => {
    const payload = example('inventory.low_stock_alert') as EventPayload<'inventory.low_stock_alert'>;
    const normal = await inventory.publisher.lowStockAlert(payload);
    const urgent = await inventory.publisher.lowStockAlert(payload, { severity: 'urgent' });
    const [a, b] = await eventually(() => {
      const a = tap.messages.find((m) => m.envelope.id === normal.id);
      const b = tap.messages.find((m) => m.envelope.id === urgent.id);
      return a && b ? [a, b] : undefined;
    });
    expect([a.routingKey, a.priority, a.envelope.urgency]).toEqual(['alert.inventory.high', 8, 'high']);
    expect([b.routingKey, b.priority, b.envelope.urgency]).toEqual(['alert.inventory.urgent', 10, 'critical']);
    // procurement binds alert.inventory.* and so receives both severities.
    await eventually(() => (received.filter((r) => r.envelope.id === normal.id || r.envelope.id === urgent.id).length === 2 ? true : undefined));
  });

  it('routes notifications as notification.<domain>.info and recommendations as recommendation.<domain>.medium', async () => {
    const notification = await inventory.events.publishNotification('notification.push_requested', example('notification.push_requested') as EventPayload<'notification.push_requested'>);
    const recommendation = await inventory.events.publishRecommendation('forecasting.demand_surge_predicted', example('forecasting.demand_surge_predicted') as EventPayload<'forecasting.demand_surge_predicted'>);
    const n = await eventually(() => tap.messages.find((m) => m.envelope.id === notification.id));
    const r = await eventually(() => tap.messages.find((m) => m.envelope.id === recommendation.id));
    expect(n.routingKey).toBe('notification.notification.info');
    expect(r.routingKey).toBe('recommendation.forecasting.medium');
    await eventually(() => received.find((x) => x.envelope.id === notification.id && x.service === 'notification-service'));
    await eventually(() => received.find((x) => x.envelope.id === recommendation.id && x.service === 'procurement-service'));
  });

  it('refuses, at run time too, an event published through the method of another kind', () => {
    const payload = example('inventory.low_stock_alert') as never;
    // @ts-expect-error — an alert is not a business event
    expect(() => inventory.events.publishBusinessEvent('inventory.low_stock_alert', payload)).toThrow(WrongKindError);
  });

  it('sends a direct message to one service only, at the urgency asked for', async () => {
    const envelope = await inventory.events.sendToService('procurement-service', 'inventory.stock_added', example('inventory.stock_added') as EventPayload<'inventory.stock_added'>, { urgency: 'critical' });
    const tapped = await eventually(() => tap.messages.find((m) => m.envelope.id === envelope.id));
    expect([tapped.exchange, tapped.routingKey, tapped.priority]).toEqual(['eventsmith.direct', 'procurement-service', 10]);
    await eventually(() => received.find((r) => r.envelope.id === envelope.id && r.service === 'procurement-service'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.filter((r) => r.envelope.id === envelope.id).map((r) => r.service)).toEqual(['procurement-service']);
  });

  it('answers a command with a typed reply, correlated', async () => {
    const command = example('user.validate_token') as EventPayload<'user.validate_token'>;
    const accepted = await gateway.publisher.validateToken({ ...command, token: 'good-token-0123456789' });
    expect(accepted.type).toBe('user.token_validated');
    const rejected = await gateway.events.request('user.validate_token', { ...command, token: 'bad-token-0123456789' });
    expect(rejected.type).toBe('user.token_rejected');
    expect(rejected.correlationid).toBeDefined();
    // The result is told apart by type: each branch reads its own reply's fields.
    if (accepted.type === 'user.token_validated') expect(accepted.data.scopes).toEqual(example('user.token_validated').scopes);
    if (rejected.type === 'user.token_rejected') expect(rejected.data.reason).toBe(example('user.token_rejected').reason);
  });

  it('declares no queue for the gateway, which receives nothing but the replies to its own requests', async () => {
    // The gateway started above and has had its replies; the broker holds no queue of its.
    const connection = await amqp.connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      await expect(channel.checkQueue('gateway-service.events')).rejects.toThrow(/NOT_FOUND/);
      const other = await connection.createChannel();
      // The replier's queue, by contrast, is there.
      await expect(other.checkQueue('auth-service.events')).resolves.toMatchObject({ queue: 'auth-service.events' });
    } finally {
      await connection.close();
    }
  });

  it('delivers an older version through its upcaster to the latest-version handler', async () => {
    const v1 = example('inventory.stock_added', 1) as EventPayload<'inventory.stock_added'> & { quantity: number };
    const envelope = await inventory.events.publishVersion('inventory.stock_added', 1, v1 as never);
    const got = await eventually(() => received.find((r) => r.envelope.id === envelope.id && r.service === 'procurement-service'));
    expect(got.version).toBe(1);
    expect(got.data).toMatchObject({ quantity: { value: v1.quantity } });
  });

  it('reports health for each service', () => {
    expect(inventory.events.health().status).toBe('connected');
  });
});
