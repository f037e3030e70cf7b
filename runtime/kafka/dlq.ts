/**
 * `eventsmith dlq inspect|replay --transport kafka`: a subscription's dead-letter topic
 * (`<subscription>-dlq`), read and moved back with the same reports as on RabbitMQ and Redis.
 *
 * A Kafka topic is append-only: a dead letter cannot be deleted once replayed. The consumer group
 * `<dlq topic>.replay` marks how far replay went; inspection and replay both see the dead letters
 * after that position, up to the end the topic had when they began. Replay publishes each one back
 * to the topic it came from (headers eventsmith-origin-*), or with `toQueue` to the first retry
 * topic of the subscription that dead-lettered it (which only that subscription reads), and moves
 * the position past it only once the broker acknowledged the copy: interrupted, a dead letter is
 * replayed again at worst (consumers deduplicate it by envelope id). A dead letter it leaves behind
 * (another event type, no origin) is appended again to the end of the dead-letter topic, so that
 * the position can move on without losing it.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Message, Producer } from '@platformatic/kafka';
import type { InspectReport } from '../amqp/dlq/inspect.js';
import type { ReplayReport } from '../amqp/dlq/replay.js';
import { parseEnvelope } from '../envelope.js';
import { closeConsumer, defaultBrokers, loadKafka } from './client.js';
import { KafkaNames } from './names.js';
import { HEADER, decodeRecord, readHeaders, type Headers } from './wire.js';

export interface KafkaDlqOptions {
  /** Default `KAFKA_BOOTSTRAP`, else 127.0.0.1:19092. */
  brokers?: readonly string[];
  /** The dead-letter topic, e.g. `billing-service.events-dlq`. */
  topic: string;
}

interface DeadLetter {
  partition: number;
  offset: bigint;
  key: string | undefined;
  value: Buffer;
  headers: Headers;
}

/** Headers that describe the death, not the event: a replayed event starts afresh. */
const DEATH_HEADERS = [HEADER.reason, HEADER.error, HEADER.subscription, HEADER.attempts, HEADER.deadLetteredAt, HEADER.attempt, HEADER.due];
const REPLAYED_HEADER = 'eventsmith-replayed';

/** The consumer group that marks how far replay of `topic` went. */
export function replayGroup(topic: string): string {
  return `${topic}.replay`;
}

export async function inspectKafkaDeadLetters(options: KafkaDlqOptions & { samplesPerReason?: number; bodyChars?: number }): Promise<InspectReport> {
  return withClients(options, async ({ admin }) => {
    const letters = await readPending(options, admin);
    const perReason = options.samplesPerReason ?? 3;
    const bodyChars = options.bodyChars ?? 300;
    const report: InspectReport = { queue: options.topic, total: letters.length, inspected: 0, byReason: {}, byType: {}, byReasonAndType: {}, samples: [] };
    const sampled = new Map<string, number>();
    for (const letter of letters) {
      const position = report.inspected++;
      const reason = letter.headers.get(HEADER.reason) ?? '(unknown)';
      const type = typeOf(letter);
      count(report.byReason, reason);
      count(report.byType, type);
      count((report.byReasonAndType[reason] ??= {}), type);
      const taken = sampled.get(reason) ?? 0;
      if (taken >= perReason) continue;
      sampled.set(reason, taken + 1);
      const body = letter.value.toString('utf8');
      const origin = letter.headers.get(HEADER.originTopic);
      report.samples.push({
        reason,
        type,
        id: envelopeOf(letter)?.id,
        error: letter.headers.get(HEADER.error),
        queue: letter.headers.get(HEADER.subscription),
        attempts: wholeNumber(letter.headers.get(HEADER.attempts)),
        deadLetteredAt: letter.headers.get(HEADER.deadLetteredAt),
        // On Kafka an event comes from a topic, at a destination.
        origin: origin === undefined ? undefined : { exchange: origin, routingKey: letter.headers.get(HEADER.destination) ?? '' },
        position,
        bytes: letter.value.length,
        body: body.length > bodyChars ? `${body.slice(0, bodyChars)}…` : body,
      });
    }
    return report;
  });
}

export async function replayKafkaDeadLetters(options: KafkaDlqOptions & { event?: string; limit?: number; toQueue?: boolean }): Promise<ReplayReport> {
  return withClients(options, async ({ admin, producer, kafka }) => {
    const names = new KafkaNames();
    const group = replayGroup(options.topic);
    const letters = await readPending(options, admin);
    const report: ReplayReport = { queue: options.topic, total: letters.length, replayed: 0, skipped: 0, noOrigin: 0, unroutable: 0, byType: {} };
    const existing = new Set(await admin.listTopics());
    const positions = new Map<number, bigint>();
    const send = async (topic: string, letter: DeadLetter, headers: Headers) => {
      await producer.send({ messages: [{ topic, value: letter.value, headers, ...(letter.key === undefined ? {} : { key: letter.key }) }], acks: kafka.ProduceAcks.ALL });
    };
    for (const letter of letters) {
      if (options.limit !== undefined && report.replayed >= options.limit) break;
      const type = typeOf(letter);
      const target = options.toQueue ? retryTarget(letter, names) : letter.headers.get(HEADER.originTopic);
      if (options.event !== undefined && type !== options.event) {
        report.skipped++;
        await send(options.topic, letter, letter.headers);
      } else if (target === undefined || target === '') {
        report.noOrigin++;
        await send(options.topic, letter, letter.headers);
      } else if (!existing.has(target)) {
        report.unroutable++;
        await send(options.topic, letter, letter.headers);
      } else {
        const headers = new Map(letter.headers);
        for (const name of DEATH_HEADERS) headers.delete(name);
        headers.set(REPLAYED_HEADER, String(Number(letter.headers.get(REPLAYED_HEADER) ?? 0) + 1));
        if (options.toQueue) {
          headers.set(HEADER.attempt, '1');
          headers.set(HEADER.due, '0');
        }
        await send(target, letter, headers);
        report.replayed++;
        count(report.byType, type);
      }
      positions.set(letter.partition, letter.offset + 1n);
      // The position moves after each copy is acknowledged: an interruption replays at most this one again.
      await admin.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: options.topic, partitionOffsets: [{ partition: letter.partition, offset: letter.offset + 1n }] }] });
    }
    return report;
  });
}

/** The first retry topic of the subscription that dead-lettered the event: only that subscription reads it. */
function retryTarget(letter: DeadLetter, names: KafkaNames): string | undefined {
  const subscription = letter.headers.get(HEADER.subscription);
  return subscription === undefined || subscription === '' ? undefined : names.retry(subscription, 1);
}

/** The dead letters after the replay position (all of them when replay never ran), up to the end the topic has now. */
async function readPending(options: KafkaDlqOptions, admin: Admin): Promise<DeadLetter[]> {
  const kafka = await loadKafka();
  const brokers = [...(options.brokers ?? defaultBrokers())];
  if (!(await admin.listTopics()).includes(options.topic)) throw new Error(`Kafka topic '${options.topic}' does not exist: a subscription's dead letters are on '<subscription>-dlq'`);
  const metadata = await admin.metadata({ topics: [options.topic] });
  const partitions = Array.from({ length: metadata.topics.get(options.topic)?.partitionsCount ?? 0 }, (_unused, index) => index);
  const ends = new Map<number, bigint>();
  const [listed] = await admin.listOffsets({ topics: [{ name: options.topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }] });
  for (const partition of listed?.partitions ?? []) ends.set(partition.partitionIndex, partition.offset);
  const starts = new Map<number, bigint>(partitions.map((partition) => [partition, 0n]));
  const [earliest] = await admin.listOffsets({ topics: [{ name: options.topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -2n })) }] });
  for (const partition of earliest?.partitions ?? []) starts.set(partition.partitionIndex, partition.offset);
  const [committed] = await admin.listConsumerGroupOffsets({ groups: [replayGroup(options.topic)] });
  for (const topic of committed?.topics ?? []) {
    if (topic.name !== options.topic) continue;
    for (const partition of topic.partitions) if (partition.committedOffset > (starts.get(partition.partitionIndex) ?? 0n)) starts.set(partition.partitionIndex, partition.committedOffset);
  }
  const wanted = partitions.filter((partition) => (starts.get(partition) ?? 0n) < (ends.get(partition) ?? 0n));
  if (wanted.length === 0) return [];
  const consumer: Consumer<Buffer, Buffer, Buffer, Buffer> = new kafka.Consumer({ clientId: 'eventsmith-dlq', groupId: `${options.topic}.reader-${randomUUID().slice(0, 8)}`, bootstrapBrokers: brokers, maxWaitTime: 200, autocommit: false, timeout: 10_000 });
  const letters: DeadLetter[] = [];
  try {
    const stream = await consumer.consume({ topics: [options.topic], mode: 'manual', offsets: wanted.map((partition) => ({ topic: options.topic, partition, offset: starts.get(partition)! })), autocommit: false });
    const remaining = new Set(wanted);
    try {
      for await (const message of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
        const end = ends.get(message.partition) ?? 0n;
        if (message.offset < end) letters.push({ partition: message.partition, offset: message.offset, key: message.key?.length ? message.key.toString() : undefined, value: message.value ?? Buffer.alloc(0), headers: readHeaders(message.headers) });
        if (message.offset >= end - 1n) remaining.delete(message.partition);
        if (remaining.size === 0) break;
      }
    } finally {
      await stream.close().catch(() => {});
    }
  } finally {
    await closeConsumer(consumer);
    await admin.deleteGroups({ groups: [consumer.groupId] }).catch(() => {});
  }
  return letters.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1));
}

function envelopeOf(letter: DeadLetter): { id: string; type: string } | undefined {
  const parsed = parseEnvelope(decodeRecord(letter.value, letter.headers).body);
  return parsed.ok ? parsed.envelope : undefined;
}

function typeOf(letter: DeadLetter): string {
  return letter.headers.get('ce_type') ?? envelopeOf(letter)?.type ?? '(unreadable)';
}

function wholeNumber(value: string | undefined): number | undefined {
  const number = Number(value);
  return value !== undefined && Number.isInteger(number) ? number : undefined;
}

function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

async function withClients<T>(options: KafkaDlqOptions, work: (clients: { admin: Admin; producer: Producer<string, Buffer, string, string>; kafka: Awaited<ReturnType<typeof loadKafka>> }) => Promise<T>): Promise<T> {
  const kafka = await loadKafka();
  const brokers = [...(options.brokers ?? defaultBrokers())];
  const admin = new kafka.Admin({ clientId: 'eventsmith-dlq', bootstrapBrokers: brokers, timeout: 10_000, retries: 2 });
  const producer: Producer<string, Buffer, string, string> = new kafka.Producer({
    clientId: 'eventsmith-dlq',
    bootstrapBrokers: brokers,
    idempotent: true,
    serializers: { key: kafka.stringSerializer, value: kafka.noopSerializer, headerKey: kafka.stringSerializer, headerValue: kafka.stringSerializer },
    timeout: 10_000,
  });
  try {
    return await work({ admin, producer, kafka });
  } finally {
    await producer.close().catch(() => {});
    await admin.close().catch(() => {});
  }
}
