// Raw Kafka access for tests of the Kafka transport: what a foreign producer writes, what sits in a
// dead-letter topic, and removing every topic and group a test's topology made.
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Producer, stringSerializers, type Message } from '@platformatic/kafka';
import { KafkaNames } from '../../../runtime/kafka/index.js';
import { resolveRetryPolicy, type TopologySpec } from '../../../runtime/index.js';

export const KAFKA_BROKERS = (process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:19092').split(',').map((address) => address.trim());

export interface RawRecord {
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
  partition: number;
  offset: bigint;
}

export class RawKafka {
  readonly names = new KafkaNames();
  private readonly admin = new Admin({ clientId: 'es-test-admin', bootstrapBrokers: KAFKA_BROKERS, timeout: 10_000, retries: 3 });
  private readonly producer = new Producer({ clientId: 'es-test-raw', bootstrapBrokers: KAFKA_BROKERS, serializers: stringSerializers, timeout: 10_000 });

  /** Writes a record as a producer that knows nothing of eventsmith would. */
  async produce(topic: string, value: string | Buffer, options: { key?: string; headers?: Record<string, string> } = {}): Promise<void> {
    const message = { topic, value: value as string, headers: options.headers ?? {}, ...(options.key === undefined ? {} : { key: options.key }) };
    await this.producer.send({ messages: [message] });
  }

  /** Every record of `topic` from its start, once at least `count` are there (or `timeoutMs` passed). */
  async read(topic: string, count: number, timeoutMs = 10_000): Promise<RawRecord[]> {
    const consumer = new Consumer({ clientId: 'es-test-reader', groupId: `es-test-reader-${randomUUID()}`, bootstrapBrokers: KAFKA_BROKERS, maxWaitTime: 200, timeout: 10_000 });
    const records: RawRecord[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      const deadline = setTimeout(() => void stream.close(), timeoutMs);
      try {
        for await (const message of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
          records.push(toRaw(message));
          if (records.length >= count) break;
        }
      } finally {
        clearTimeout(deadline);
        await stream.close().catch(() => {});
      }
    } finally {
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
      await this.admin.deleteGroups({ groups: [consumer.groupId] }).catch(() => {});
    }
    return records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
  }

  /** Deletes every topic and group a test's topology made. Test topics carry the test's unique prefix, so nothing shared goes. */
  async deleteTopology(topology: TopologySpec): Promise<void> {
    const topics = new Set<string>();
    const groups: string[] = [];
    for (const subscription of topology.subscriptions ?? []) {
      for (const topic of this.names.subscriptionTopics(subscription)) topics.add(topic);
      for (const topic of this.names.retryTopics(subscription.name, resolveRetryPolicy(subscription.retry).maxAttempts)) topics.add(topic);
      topics.add(this.names.deadLetters(subscription.name));
      groups.push(subscription.name);
    }
    for (const topic of [...topics]) if (!topic.startsWith('es-test')) topics.delete(topic);
    await this.admin.deleteGroups({ groups }).catch(() => {});
    const existing = new Set(await this.admin.listTopics());
    const doomed = [...topics].filter((topic) => existing.has(topic));
    if (doomed.length > 0) await this.admin.deleteTopics({ topics: doomed });
  }

  async deleteGroups(groups: string[]): Promise<void> {
    await this.admin.deleteGroups({ groups }).catch(() => {});
  }

  async topicExists(topic: string): Promise<boolean> {
    return (await this.admin.listTopics()).includes(topic);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const doomed = topics.filter((topic) => existing.has(topic));
    if (doomed.length > 0) await this.admin.deleteTopics({ topics: doomed });
  }

  async close(): Promise<void> {
    await this.producer.close();
    await this.admin.close();
  }
}

function toRaw(message: Message<Buffer, Buffer, Buffer, Buffer>): RawRecord {
  const headers: Record<string, string> = {};
  for (const [key, value] of message.headers) headers[key.toString()] = value?.toString() ?? '';
  return { key: message.key?.length ? message.key.toString() : undefined, value: message.value?.toString() ?? '', headers, partition: message.partition, offset: message.offset };
}
