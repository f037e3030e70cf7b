/**
 * Replay: `transport.replay(subscription, start)` moves a stopped group to the earliest retained
 * record, a time, given offsets or the end; consuming again re-delivers from exactly there. A group
 * with a live member is refused (Kafka moves only an empty group's positions).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import type { KafkaTransport } from '../../runtime/kafka/index.js';
import { RawKafka } from '../integration/support/kafka.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { connectKafka } from './support/faults.js';

/** One partition: the events are re-delivered in the order published, so "from there" is exact. */
const fixture = makeFixture('kafka-replay');
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

describe('Kafka: replay', () => {
  it('a stopped group moved to earliest, a time, an offset or the end re-delivers from there', { timeout: 60_000 }, async () => {
    // Publishes and moves positions; it never consumes, so the group is empty between the phases.
    const ops = await connectKafka({ clientId: 'es-test-replay-ops' });
    closers.push(() => ops.close({ timeoutMs: 2000 }));
    await ops.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: ops, registry: fixture.registry, source: 'urn:test:replay-producer', ownsTransport: false });
    const publish = async (label: string, count: number) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await producer.publish('test.order_shipped', 1, { text: `${label}-${i}` })).id);
      return ids;
    };

    /** Consumes until `expected` (in order) was handled, then stops: what was handled, in order. */
    const consumeUntil = async (expected: readonly string[]): Promise<string[]> => {
      const transport: KafkaTransport = await connectKafka({ clientId: 'es-test-replay-consumer' });
      await transport.declareTopology(fixture.topology);
      const consumer = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:replay-consumer' });
      const handled: string[] = [];
      consumer.on('test.order_shipped', 1, (_data, ctx) => void handled.push(ctx.envelope.id));
      try {
        await consumer.consume(fixture.queue.name);
        const last = expected.at(-1);
        await waitFor(() => last !== undefined && handled.includes(last), 20_000, `the replayed events up to ${last} handled`);
      } finally {
        await consumer.close({ timeoutMs: 5000 });
      }
      return handled;
    };

    const first = await publish('first', 10);
    // A millisecond boundary: every record of `first` has an earlier timestamp, every one of `second` a later or equal one.
    const boundary = Date.now() + 1;
    await waitFor(() => Date.now() >= boundary, 1000, 'the clock to pass the boundary');
    const second = await publish('second', 10);
    const all = [...first, ...second];

    // Declared at the end of the topic before anything was published: the first consumer takes everything.
    expect(await consumeUntil(all)).toEqual(all);

    const earliest = await ops.replay(fixture.queue.name, 'earliest');
    expect(earliest.get(`${fixture.prefix}.topic`)?.get(0)).toBe(0n);
    expect(await consumeUntil(all)).toEqual(all);

    await ops.replay(fixture.queue.name, { timestamp: boundary });
    expect(await consumeUntil(second)).toEqual(second);

    // Offsets apply to every topic the group reads: the empty urgent lane is held at its end, not past it.
    const fromOffset = await ops.replay(fixture.queue.name, { offsets: { 0: 5n } });
    expect(fromOffset.get(`${fixture.prefix}.topic`)?.get(0)).toBe(5n);
    expect(fromOffset.get(`${fixture.prefix}.topic-urgent`)?.get(0)).toBe(0n);
    expect(await consumeUntil(all.slice(5))).toEqual(all.slice(5));

    // To the end: only what is published afterwards.
    await ops.replay(fixture.queue.name, 'latest');
    const third = await publish('third', 3);
    expect(await consumeUntil(third)).toEqual(third);

    // A group with a live member cannot be moved.
    const liveTransport = await connectKafka({ clientId: 'es-test-replay-live' });
    await liveTransport.declareTopology(fixture.topology);
    const live = new EventClient<TestEvents>({ transport: liveTransport, registry: fixture.registry, source: 'urn:test:replay-live' });
    closers.push(() => live.close({ timeoutMs: 2000 }));
    live.on('test.order_shipped', 1, () => {});
    await live.consume(fixture.queue.name);
    await expect(ops.replay(fixture.queue.name, 'earliest')).rejects.toThrow(/stop them first/);
  });
});
