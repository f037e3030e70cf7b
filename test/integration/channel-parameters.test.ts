/**
 * Channel parameters end to end, with the code generated from test/fixtures/catalogs/channel-parameters
 * (committed under test/golden/channel-parameters): the publisher's `params` fill the address, the
 * concrete address is where the event goes, values the catalogue does not allow (or that would be
 * more than one word of the address) are refused before anything is sent, and a consumer subscribed
 * to the pattern gets every tenant's events. On the memory transport and on RabbitMQ, where the
 * concrete address is the routing key.
 */
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The runtime as generated code sees it (the built package), so classes are the same ones.
import { DestinationParameterError, MemoryTransport, type Envelope } from 'eventsmith/runtime';
import { AmqpTransport, exchangeFor } from 'eventsmith/runtime/amqp';
import { sensors, tenantOrders } from '../golden/channel-parameters/index.js';
import { createVhost, type TestVhost } from '../helpers/vhost.js';

const order = { order_id: 'o-1' };
/** Bypasses the publisher's types, as an untyped caller (or a value read at run time) would. */
type AnyParams = { params: Record<string, string> };
const untyped = (params: Record<string, string>): never => ({ params }) satisfies AnyParams as never;

/** Resolves once `count` events have reached `list`. */
async function until(list: unknown[], count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (list.length < count) {
    if (Date.now() > deadline) throw new Error(`${list.length} of ${count} events arrived`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('channel parameters on the memory transport', () => {
  it('publish to the address with the parameters filled in, and a consumer of the pattern gets every tenant', async () => {
    const transport = new MemoryTransport();
    const { publisher, consumer, events } = tenantOrders.createTenantOrders({ transport });
    const received: Envelope[] = [];
    consumer.on('order.created', async (_data, context) => void received.push(context.envelope));
    await consumer.start();
    await publisher.created(order, { params: { tenantId: 'acme' } });
    await publisher.created({ order_id: 'o-2' }, { params: { tenantId: 'globex' } });
    // Nothing subscribes to order.shipped here: mandatory false, so that it may go unrouted.
    await publisher.shipped(order, { params: { tenantId: 'acme' }, mandatory: false });
    await publisher.shipped(order, { params: { tenantId: 'acme', region: 'us' }, mandatory: false });
    expect(transport.published().map((p) => p.target.destination)).toEqual([
      'business.acme.order.created',
      'business.globex.order.created',
      'business.acme.order.shipped.eu',
      'business.acme.order.shipped.us',
    ]);
    await until(received, 2);
    expect(received.map((e) => (e.data as { order_id: string }).order_id).sort()).toEqual(['o-1', 'o-2']);
    await events.close();
  });

  it.each([
    ['a value holding a dot', { tenantId: 'acme.order' }, /must not contain/],
    ['a wildcard', { tenantId: '*' }, /must not contain/],
    ['a multi-word wildcard', { tenantId: '#' }, /must not contain/],
    ['an empty value', { tenantId: '' }, /non-empty/],
    ['a missing parameter', {}, /needs parameter 'tenantId'/],
    ['a parameter the address does not have', { tenantId: 'acme', tenant: 'acme' }, /has no parameter 'tenant'/],
  ])('refuse %s before anything is sent', async (_what, params, message) => {
    const transport = new MemoryTransport();
    const { publisher, events } = tenantOrders.createTenantOrders({ transport });
    const sent = publisher.created(order, untyped(params));
    await expect(sent).rejects.toThrow(DestinationParameterError);
    await expect(sent).rejects.toThrow(message);
    expect(transport.published()).toEqual([]);
    await events.close();
  });

  it("refuse values outside a parameter's enum or pattern", async () => {
    const transport = new MemoryTransport();
    const orders = tenantOrders.createTenantOrders({ transport });
    await expect(orders.publisher.shipped(order, untyped({ tenantId: 'acme', region: 'asia' }))).rejects.toThrow(/region' must be one of 'eu', 'us', not 'asia'/);
    const sensor = sensors.createSensors({ transport });
    await expect(sensor.publisher.reading({ value: 1 }, { params: { site: 'AMS-1', sensorKind: 'humidity' }, mandatory: false })).rejects.toThrow(/site' must match/);
    await sensor.publisher.reading({ value: 1 }, { params: { site: 'ams1', sensorKind: 'humidity' }, mandatory: false });
    expect(transport.published().map((p) => p.target.destination)).toEqual(['telemetry.ams1.humidity.reading']);
    await orders.events.close();
    await sensor.events.close();
  });
});

describe('channel parameters on RabbitMQ', () => {
  let vhost: TestVhost;
  beforeAll(async () => {
    vhost = await createVhost('eventsmith-params');
  });
  afterAll(async () => {
    await vhost?.remove();
  });

  it("route by the concrete address: a queue bound to one tenant's key gets that tenant only; the generated consumer gets all", async () => {
    const orders = tenantOrders.createTenantOrders({ transport: await AmqpTransport.connect({ url: vhost.url }) });
    const received: string[] = [];
    orders.consumer.on('order.created', async (data) => void received.push(data.order_id));
    await orders.consumer.start();

    // A plain queue bound to acme's routing key only, as a tenant-specific subscriber would bind.
    const connection = await amqp.connect(vhost.url);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.assertExchange(exchangeFor('business'), 'topic', { durable: true });
    await channel.bindQueue(queue, exchangeFor('business'), 'business.acme.order.created');
    const acme: string[] = [];
    await channel.consume(queue, (message) => {
      if (message) acme.push(message.fields.routingKey);
    }, { noAck: true });

    await orders.publisher.created({ order_id: 'o-acme' }, { params: { tenantId: 'acme' } });
    await orders.publisher.created({ order_id: 'o-globex' }, { params: { tenantId: 'globex' } });
    await until(received, 2);
    expect(received.sort()).toEqual(['o-acme', 'o-globex']);
    await until(acme, 1);
    // Give a wrongly routed message time to arrive before saying none did.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(acme).toEqual(['business.acme.order.created']);

    // A wildcard as a value would reach every tenant's queue: refused before it leaves.
    await expect(orders.publisher.created(order, { params: { tenantId: '#' } })).rejects.toThrow(DestinationParameterError);
    await connection.close();
    await orders.events.close();
  });
});
