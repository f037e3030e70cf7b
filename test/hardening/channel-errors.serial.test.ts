// SERIAL (by the fault list): the broker closes a channel while other traffic flows on the same
// connection — the publish channel (a publish to a missing exchange) and a consumer channel (a
// double ack: PRECONDITION_FAILED, unknown delivery tag). Run alone:
// `npx vitest run --config vitest.serial.config.ts test/hardening/channel-errors.serial.test.ts`.
import type { Channel, Message } from 'amqplib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { ExchangeNotFoundError } from '../../runtime/amqp/index.js';
import { makeFixture, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { Broker } from './support/broker.js';
import { restoreBroker, rig, type Rig } from './support/faults.js';

const fixtures: Fixture[] = [];
let r: Rig | undefined;

afterEach(async () => {
  await r?.close();
  r = undefined;
});

afterAll(async () => {
  await restoreBroker();
  const broker = await Broker.connect();
  for (const fixture of fixtures) await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

async function setup(label: string): Promise<Rig> {
  const fixture = makeFixture(label);
  fixtures.push(fixture);
  r = await rig(fixture);
  return r;
}

describe('server-closed channels while traffic flows (serial)', () => {
  it('a publish to a missing exchange fails with ExchangeNotFoundError; the confirmed stream around it is re-sent and handled once', { timeout: 120_000 }, async () => {
    const rig = await setup('fault-channel-404');
    const TOTAL = 3000;
    // The same publisher connection and channel, for an event whose AMQP binding names an exchange nobody declared.
    const misrouted = new EventClient<TestEvents>({
      transport: rig.producerTransport,
      ownsTransport: false,
      source: 'urn:test:misrouted',
      registry: fixtures[fixtures.length - 1]!.registry.map((definition) => ({ ...definition, bindings: { amqp: { exchange: 'es-test.no-such-exchange' } } })),
    });
    let missing: Promise<unknown> | undefined;
    await rig.publish('flow', TOTAL, {
      paceEvery: 50,
      paceMs: 5,
      during: (i) => {
        if (i === 1000) missing = misrouted.publish('test.order_shipped', 1, { text: 'nowhere' }, { id: 'to-nowhere' }).then(
          () => 'confirmed',
          (error: unknown) => error,
        );
      },
    });
    const outcome = await missing;
    const dead = await rig.settle();
    const resent = rig.logs.filter((e) => e.event === 'amqp.publisher.channel_closed').reduce((sum, e) => sum + Number(e.resent ?? 0), 0);
    console.info(`missing exchange: re-sent ${resent}; producer reconnects ${rig.producerTransport.health().reconnects}; ${rig.ledger.summary(dead, rig.consumer.metrics().duplicates)}`);
    expect(outcome).toBeInstanceOf(ExchangeNotFoundError);
    expect(rig.ledger.unconfirmed).toEqual(new Map());
    expect(rig.ledger.lost(dead)).toEqual([]);
    expect(rig.ledger.handled.size).toBe(TOTAL);
    expect(rig.ledger.handledOnce()).toBe(true);
    expect(rig.ledger.handled.has('to-nowhere')).toBe(false);
    expect(rig.ledger.deliveries).toBe(TOTAL + rig.consumer.metrics().duplicates);
    // Now and then the connection fails around the closed channel (amqplib: "Frame on unknown
    // channel"; RabbitMQ: "second 'channel.open' seen" for a reused channel number), and the
    // transport reconnects; nothing is lost either way.
    const lostConnections = rig.logs.filter((e) => e.event === 'amqp.connection.lost' || e.event === 'amqp.connection.error').map((e) => String(e.error));
    expect(rig.producerTransport.health()).toMatchObject({ status: 'connected' });
    expect(rig.producerTransport.health().reconnects).toBeLessThanOrEqual(1);
    if (rig.producerTransport.health().reconnects === 1) expect(lostConnections.join(' ')).toMatch(/unknown channel|second 'channel.open' seen/);
  });

  it('a double ack closes the consumer channel; it is rebuilt, its unacked messages redelivered and absorbed', { timeout: 120_000 }, async () => {
    const rig = await setup('fault-channel-double-ack');
    // The AMQP consumer's channel (private): send the ack that reaches its 500th delivery twice, as
    // a buggy client would (acks are coalesced, so that ack may cover several deliveries).
    const consumers = (rig.consumerTransport as unknown as { consumers: Set<{ channel?: Channel }> }).consumers;
    const channel = [...consumers][0]!.channel!;
    const ack = channel.ack.bind(channel);
    let doubled = false;
    channel.ack = (message: Message, allUpTo?: boolean) => {
      ack(message, allUpTo);
      if (!doubled && message.fields.deliveryTag >= 500) {
        doubled = true;
        ack(message, allUpTo);
      }
    };
    const TOTAL = 3000;
    await rig.publish('flow', TOTAL, { paceEvery: 50, paceMs: 5 });
    const dead = await rig.settle();
    const errors = rig.logs.filter((e) => e.event === 'amqp.channel.error').map((e) => String(e.error));
    const lostConnections: string[] = rig.logs.filter((e) => e.event === 'amqp.connection.lost' || e.event === 'amqp.connection.error').map((e) => String(e.error));
    console.info(`double ack: channel errors ${JSON.stringify(errors)}; connection ${JSON.stringify(lostConnections)}; ${rig.ledger.summary(dead, rig.consumer.metrics().duplicates)}`);
    expect(errors.some((e) => /PRECONDITION_FAILED - unknown delivery tag/.test(e))).toBe(true);
    expect(rig.ledger.unconfirmed).toEqual(new Map());
    expect(rig.ledger.lost(dead)).toEqual([]);
    expect(rig.ledger.handled.size).toBe(TOTAL);
    expect(rig.ledger.handledOnce()).toBe(true);
    expect(rig.ledger.deliveries).toBe(TOTAL + rig.consumer.metrics().duplicates);
    // Usually only the channel is rebuilt. Deliveries the broker had already sent on the closed
    // channel make amqplib fail the whole connection now and then ("Frame on unknown channel"),
    // which the transport then rebuilds: either way the consumer ends healthy with nothing lost.
    expect(rig.consumerTransport.health()).toMatchObject({ status: 'connected', healthy: true });
    expect(rig.consumerTransport.health().reconnects).toBeLessThanOrEqual(1);
    if (rig.consumerTransport.health().reconnects === 1) expect(lostConnections.join(' ')).toMatch(/unknown channel/);
  });
});
