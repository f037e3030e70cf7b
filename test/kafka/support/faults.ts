// Shared pieces of the Kafka fault tests: fixtures with several partitions, a raw producer that
// writes any bytes (what a foreign or broken producer would), and a transport for a test.
import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { EventDefinition } from '../../../runtime/index.js';
import { KafkaTransport, type KafkaTransportOptions } from '../../../runtime/kafka/index.js';
import { KAFKA_BROKERS } from '../../integration/support/kafka.js';
import { makeFixture, type Fixture } from '../../integration/support/fixtures.js';

/**
 * The shared fixture, its topic with `partitions` partitions: keyed events then spread over
 * several partitions, which is what rebalances and per-key order are about.
 */
export function partitionedFixture(label: string, partitions: number, retry: Fixture['queue']['retry'] = { maxAttempts: 3, baseDelayMs: 50 }): Fixture {
  const fixture = makeFixture(label, retry);
  const bindings = { ...fixture.queue.sources[0]!.bindings, kafka: { topic: `${fixture.prefix}.topic`, partitions } };
  const queue = { ...fixture.queue, sources: [{ destination: `${fixture.prefix}.#`, bindings }] };
  const registry = fixture.registry.map((definition): EventDefinition => ({ ...definition, bindings }));
  return { ...fixture, queue, topology: { subscriptions: [queue] }, registry };
}

/** The topic every event of a fixture goes to (its Kafka binding). */
export function fixtureTopic(fixture: Fixture): string {
  return `${fixture.prefix}.topic`;
}

export function connectKafka(options: KafkaTransportOptions = {}): Promise<KafkaTransport> {
  return KafkaTransport.connect({ brokers: KAFKA_BROKERS, clientId: 'es-test-faults', ...options });
}

/** Writes records byte for byte, as a producer that knows nothing of eventsmith (or a broken one) would. */
export class BytesProducer {
  private readonly producer = new Producer<string, Buffer, string, string>({
    clientId: 'es-test-bytes',
    bootstrapBrokers: KAFKA_BROKERS,
    acks: ProduceAcks.ALL,
    serializers: { key: stringSerializer, value: (data?: Buffer) => data, headerKey: stringSerializer, headerValue: stringSerializer },
    timeout: 10_000,
  });

  /** Resolves with where the record landed. */
  async produce(topic: string, value: Buffer | string, options: { key?: string; headers?: Record<string, string> } = {}): Promise<{ partition: number; offset: bigint }> {
    const headers = new Map(Object.entries(options.headers ?? {}));
    const message = { topic, value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value, headers, ...(options.key === undefined ? {} : { key: options.key }) };
    const result = await this.producer.send({ messages: [message] });
    const written = result.offsets?.[0];
    if (written === undefined) throw new Error(`the broker reported no offset for the record on ${topic}`);
    return { partition: written.partition, offset: written.offset };
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
