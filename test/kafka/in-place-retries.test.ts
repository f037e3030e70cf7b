/**
 * In-place retries (`inPlaceRetries`): a failing event of key K is retried where it is, so later
 * events of K wait until it succeeds or is dead-lettered, while events of other keys on the same
 * partition go on meanwhile. No retry topic is used (a retry topic would let K's later events
 * overtake the failing one).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { KAFKA_HEADERS } from '../../runtime/kafka/index.js';
import { RawKafka } from '../integration/support/kafka.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { connectKafka } from './support/faults.js';

const MAX_ATTEMPTS = 10;
const PER_KEY = 5;
const OTHER_KEYS = 10;
/** One partition: every key shares it, so "other keys proceed" means they pass the held event. */
const fixture = makeFixture('kafka-inplace', { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 100, factor: 1 });
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

type Step = { what: 'start' | 'done' | 'failed'; key: string; seq: number; attempt: number };

describe('Kafka: in-place retries', () => {
  it('a failing event holds the later events of its key until it succeeds or is dead-lettered; other keys proceed', { timeout: 60_000 }, async () => {
    const producerTransport = await connectKafka({ clientId: 'es-test-inplace-producer' });
    closers.push(() => producerTransport.close({ timeoutMs: 2000 }));
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:inplace-producer', ownsTransport: false });

    const consumerTransport = await connectKafka({ clientId: 'es-test-inplace-consumer', inPlaceRetries: [fixture.queue.name] });
    await consumerTransport.declareTopology(fixture.topology);
    const consumer = new EventClient<TestEvents>({ transport: consumerTransport, registry: fixture.registry, source: 'urn:test:inplace-consumer' });
    closers.push(() => consumer.close({ timeoutMs: 2000 }));

    const steps: Step[] = [];
    const others = Array.from({ length: OTHER_KEYS }, (_, k) => `other-${k}`);
    const otherDone = () => others.every((key) => steps.some((step) => step.what === 'done' && step.key === key && step.seq === PER_KEY - 1));
    consumer.on('test.order_shipped', 1, ({ text }, ctx) => {
      const [key = '', seqText = ''] = text.split(':');
      const seq = Number(seqText);
      steps.push({ what: 'start', key, seq, attempt: ctx.attempt });
      // held:0 fails on its first attempt, then for as long as any other key still has events to handle:
      // it can succeed only if the other keys went past it. dead:0 never succeeds.
      const fail = seq === 0 && ((key === 'held' && (ctx.attempt === 1 || !otherDone())) || key === 'dead');
      if (fail) {
        steps.push({ what: 'failed', key, seq, attempt: ctx.attempt });
        throw new Error(`${key}:${seq} failed on attempt ${ctx.attempt}`);
      }
      steps.push({ what: 'done', key, seq, attempt: ctx.attempt });
    });
    await consumer.consume(fixture.queue.name, { prefetch: 20 });

    // The held and the doomed key first, the others after them on the same partition; each round
    // is on the broker before the next is sent, so every key's events are in sequence order.
    for (let seq = 0; seq < PER_KEY; seq++) {
      await Promise.all(['held', 'dead', ...others].map((key) => producer.publish('test.order_shipped', 1, { text: `${key}:${seq}` }, { key })));
    }

    const done = (key: string, seq: number) => steps.findIndex((step) => step.what === 'done' && step.key === key && step.seq === seq);
    await waitFor(() => ['held', 'dead', ...others].every((key) => done(key, PER_KEY - 1) >= 0), 30_000, 'the last event of every key handled');

    // held:0 succeeded after retries, and only once every other key was through.
    const heldSuccess = done('held', 0);
    expect(heldSuccess).toBeGreaterThanOrEqual(0);
    expect(steps[heldSuccess]!.attempt).toBeGreaterThan(1);
    for (const key of others) expect(done(key, PER_KEY - 1)).toBeLessThan(heldSuccess);
    // Nothing later of its key started before it succeeded.
    const firstLaterHeld = steps.findIndex((step) => step.what === 'start' && step.key === 'held' && step.seq > 0);
    expect(firstLaterHeld).toBeGreaterThan(heldSuccess);

    // dead:0 failed every attempt in place; dead:1 started only after the last one.
    const deadFailures = steps.filter((step) => step.what === 'failed' && step.key === 'dead');
    expect(deadFailures.map((step) => step.attempt)).toEqual(Array.from({ length: MAX_ATTEMPTS }, (_, i) => i + 1));
    const lastDeadFailure = steps.lastIndexOf(deadFailures.at(-1)!);
    const firstLaterDead = steps.findIndex((step) => step.what === 'start' && step.key === 'dead' && step.seq > 0);
    expect(firstLaterDead).toBeGreaterThan(lastDeadFailure);
    // Within each key, the sequence numbers completed in order.
    for (const key of ['held', 'dead', ...others]) {
      const order = steps.filter((step) => step.what === 'done' && step.key === key).map((step) => step.seq);
      expect({ key, order }).toEqual({ key, order: Array.from({ length: key === 'dead' ? PER_KEY - 1 : PER_KEY }, (_, i) => (key === 'dead' ? i + 1 : i)) });
    }

    const raw = new RawKafka();
    closers.push(() => raw.close());
    const [letter, ...more] = await raw.read(raw.names.deadLetters(fixture.queue.name), 1, 10_000);
    expect(more).toEqual([]);
    expect(letter?.key).toBe('dead');
    expect(letter?.headers[KAFKA_HEADERS.reason]).toBe('max-attempts-exceeded');
    expect(letter?.headers[KAFKA_HEADERS.attempts]).toBe(String(MAX_ATTEMPTS));
    // Retried in place: nothing went through the retry topics.
    for (const topic of raw.names.retryTopics(fixture.queue.name, MAX_ATTEMPTS)) expect(await raw.read(topic, 1, 300)).toEqual([]);
    console.info(`kafka in-place retries: held:0 succeeded on attempt ${steps[heldSuccess]!.attempt} after ${OTHER_KEYS * PER_KEY} events of other keys passed it; dead:0 dead-lettered after ${deadFailures.length} attempts`);
  });
});
