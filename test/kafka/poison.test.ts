/**
 * Poison records on a Kafka topic: what a broken or foreign producer may write. Each is
 * dead-lettered on `<subscription>-dlq` with its reason and where it came from (topic, partition,
 * offset), its value unchanged, while the valid events written around it are handled: one bad
 * record never stops its partition.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { KAFKA_HEADERS } from '../../runtime/kafka/index.js';
import { RawKafka } from '../integration/support/kafka.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { BytesProducer, connectKafka, fixtureTopic } from './support/faults.js';

/** The consumer's limit; the producer's is the default 1 MiB, so an oversize event still gets onto the topic. */
const MAX_BYTES = 4096;

const fixture = makeFixture('kafka-poison');
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

/** The ce_ headers of the CloudEvents Kafka binding (binary mode), as another language's SDK writes them. */
function binaryHeaders(type: string, version: string, id = randomUUID()): Record<string, string> {
  return {
    ce_specversion: '1.0',
    ce_id: id,
    ce_source: 'urn:test:foreign-producer',
    ce_type: type,
    ce_time: new Date().toISOString(),
    ce_eventversion: version,
    'content-type': 'application/json',
  };
}

interface Poison {
  reason: string;
  value: Buffer | string;
  headers: Record<string, string>;
}

describe('Kafka: poison records', () => {
  it('each is dead-lettered with its reason and origin while the valid events around it are handled', { timeout: 60_000 }, async () => {
    const producerTransport = await connectKafka({ clientId: 'es-test-poison-producer' });
    closers.push(() => producerTransport.close({ timeoutMs: 2000 }));
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:poison-producer', ownsTransport: false });
    const bytes = new BytesProducer();
    closers.push(() => bytes.close());

    const consumerTransport = await connectKafka({ clientId: 'es-test-poison-consumer', maxMessageBytes: MAX_BYTES });
    await consumerTransport.declareTopology(fixture.topology);
    const consumer = new EventClient<TestEvents>({ transport: consumerTransport, registry: fixture.registry, source: 'urn:test:poison-consumer' });
    closers.push(() => consumer.close({ timeoutMs: 2000 }));
    const handled = new Set<string>();
    consumer.on('test.order_shipped', 1, (_data, ctx) => void handled.add(ctx.envelope.id));
    consumer.on('test.order_placed', 1, (_data, ctx) => void handled.add(ctx.envelope.id));
    await consumer.consume(fixture.queue.name);

    const topic = fixtureTopic(fixture);
    const poisons: Poison[] = [
      { reason: 'invalid-json', value: '{"specversion":"1.0","id":"x", "type":', headers: { 'content-type': 'application/cloudevents+json' } },
      { reason: 'invalid-json', value: '{"text": nope}', headers: binaryHeaders('test.order_shipped', '1') },
      { reason: 'invalid-utf8', value: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), headers: binaryHeaders('test.order_shipped', '1') },
      // Binary mode without the attributes CloudEvents requires (ce_id, ce_source), and a version that is no number.
      { reason: 'invalid-envelope', value: '{"text":"no id"}', headers: { ce_specversion: '1.0', ce_type: 'test.order_shipped', ce_eventversion: '1', 'content-type': 'application/json' } },
      { reason: 'invalid-envelope', value: '{"text":"bad version"}', headers: binaryHeaders('test.order_shipped', 'one') },
      { reason: 'unsupported-content-type', value: '<text>xml</text>', headers: { ...binaryHeaders('test.order_shipped', '1'), 'content-type': 'application/xml' } },
      { reason: 'unknown-type', value: '{"text":"who am I"}', headers: binaryHeaders('test.nobody_knows', '1') },
      { reason: 'unknown-version', value: '{"text":"from the future"}', headers: binaryHeaders('test.order_shipped', '9') },
      { reason: 'validation-failed', value: '{"orderId":"","quantity":-1}', headers: binaryHeaders('test.order_placed', '1') },
      { reason: 'message-too-large', value: JSON.stringify({ text: 'x'.repeat(MAX_BYTES * 2) }), headers: binaryHeaders('test.order_shipped', '1') },
    ];

    // Valid events before, between and after the poison ones, on the same partition.
    const valid: string[] = [];
    const origins = new Map<string, Poison>();
    for (const [index, poison] of poisons.entries()) {
      valid.push((await producer.publish('test.order_shipped', 1, { text: `valid-${index}` })).id);
      const at = await bytes.produce(topic, poison.value, { headers: poison.headers });
      origins.set(`${at.partition}:${at.offset}`, poison);
    }
    valid.push((await producer.publish('test.order_placed', 1, { orderId: 'o-1', quantity: 1 })).id);
    // An event too large for this consumer, published by an eventsmith producer of a larger limit.
    await producer.publish('test.order_shipped', 1, { text: 'y'.repeat(MAX_BYTES) });
    valid.push((await producer.publish('test.order_shipped', 1, { text: 'valid-last' })).id);

    await waitFor(() => valid.every((id) => handled.has(id)), 30_000, 'every valid event handled');
    const raw = new RawKafka();
    closers.push(() => raw.close());
    const dead = await raw.read(raw.names.deadLetters(fixture.queue.name), poisons.length + 1, 20_000);
    expect(dead).toHaveLength(poisons.length + 1);

    const seen: string[] = [];
    for (const letter of dead) {
      const { headers } = letter;
      expect(headers[KAFKA_HEADERS.originTopic]).toBe(topic);
      expect(headers[KAFKA_HEADERS.subscription]).toBe(fixture.queue.name);
      const origin = `${headers[KAFKA_HEADERS.originPartition]}:${headers[KAFKA_HEADERS.originOffset]}`;
      const poison = origins.get(origin);
      if (poison === undefined) {
        // The eventsmith-published oversize event: its reason, and its value as written.
        expect(headers[KAFKA_HEADERS.reason]).toBe('message-too-large');
        expect(letter.value.length).toBeGreaterThan(MAX_BYTES);
        seen.push('message-too-large (eventsmith producer)');
        continue;
      }
      expect({ origin, reason: headers[KAFKA_HEADERS.reason] }).toEqual({ origin, reason: poison.reason });
      expect(headers[KAFKA_HEADERS.error]?.length ?? 0).toBeGreaterThan(0);
      // The dead letter carries the record's value unchanged (read back as text here).
      expect(letter.value).toBe(Buffer.from(poison.value).toString('utf8'));
      seen.push(poison.reason);
      origins.delete(origin);
    }
    expect([...origins.values()].map((poison) => poison.reason)).toEqual([]);
    expect(consumer.metrics()).toMatchObject({ deadLettered: poisons.length + 1 });
    expect(consumerTransport.health().healthy).toBe(true);
    console.info(`kafka poison: dead-lettered ${seen.join(', ')}; ${valid.length} valid events around them handled`);
  });
});
