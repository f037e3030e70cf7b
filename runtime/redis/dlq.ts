/**
 * `eventsmith dlq inspect|replay --transport redis`: the dead-letter stream of a subscription
 * (`eventsmith:dlq:<subscription>`), read and moved back with the same reports as on RabbitMQ.
 *
 * A stream can be read without taking anything from it, so inspection is a plain XRANGE. Replay
 * appends each dead letter back to the stream it came from (or, with `toQueue`, to the retry
 * stream of the subscription that dead-lettered it, which only that subscription reads) and
 * deletes it from the dead-letter stream only after Redis accepted the copy: interrupted at any
 * point, each entry is in one of the two streams or, at most one of them, in both (consumers
 * deduplicate it by envelope id).
 */
import type { InspectReport } from '../amqp/dlq/inspect.js';
import type { ReplayReport } from '../amqp/dlq/replay.js';
import { parseEnvelope } from '../envelope.js';
import { DEFAULT_REDIS_URL, loadRedis, type RedisConnection } from './client.js';
import { FIELD, readStreams, text, type RetryCopy, type StreamEntry } from './entries.js';
import { DEFAULT_PREFIX, RedisNames } from './names.js';

export interface RedisDlqOptions {
  url?: string;
  /** The dead-letter stream, e.g. `eventsmith:dlq:billing-service.events`. */
  stream: string;
  prefix?: string;
}

/** What the consumer writes beside a dead letter (consumer.ts deadLetterCommand). */
interface DeadLetter {
  id: string;
  fields: Map<string, string>;
  body: Buffer;
}

export async function inspectRedisDeadLetters(options: RedisDlqOptions & { samplesPerReason?: number; bodyChars?: number }): Promise<InspectReport> {
  return withClient(options.url, async (client) => {
    const letters = await readAll(client, options.stream);
    const perReason = options.samplesPerReason ?? 3;
    const bodyChars = options.bodyChars ?? 300;
    const report: InspectReport = { queue: options.stream, total: letters.length, inspected: 0, byReason: {}, byType: {}, byReasonAndType: {}, samples: [] };
    const sampled = new Map<string, number>();
    for (const letter of letters) {
      const position = report.inspected++;
      const reason = letter.fields.get('reason') ?? '(unknown)';
      const type = typeOf(letter);
      count(report.byReason, reason);
      count(report.byType, type);
      count((report.byReasonAndType[reason] ??= {}), type);
      const taken = sampled.get(reason) ?? 0;
      if (taken >= perReason) continue;
      sampled.set(reason, taken + 1);
      const body = letter.body.toString('utf8');
      const stream = letter.fields.get('stream');
      report.samples.push({
        reason,
        type,
        id: envelopeId(letter),
        error: letter.fields.get('error'),
        queue: letter.fields.get('subscription'),
        attempts: wholeNumber(letter.fields.get('attempts')),
        deadLetteredAt: letter.fields.get('dead-lettered-at'),
        // On Redis an event comes from a stream, at a destination.
        origin: stream === undefined ? undefined : { exchange: stream, routingKey: letter.fields.get(FIELD.destination) ?? '' },
        position,
        bytes: letter.body.length,
        body: body.length > bodyChars ? `${body.slice(0, bodyChars)}…` : body,
      });
    }
    return report;
  });
}

export async function replayRedisDeadLetters(options: RedisDlqOptions & { event?: string; limit?: number; toQueue?: boolean }): Promise<ReplayReport> {
  return withClient(options.url, async (client) => {
    const names = new RedisNames(options.prefix ?? DEFAULT_PREFIX);
    const letters = await readAll(client, options.stream);
    const report: ReplayReport = { queue: options.stream, total: letters.length, replayed: 0, skipped: 0, noOrigin: 0, unroutable: 0, byType: {} };
    for (const letter of letters) {
      if (options.limit !== undefined && report.replayed >= options.limit) break;
      const type = typeOf(letter);
      if (options.event !== undefined && type !== options.event) {
        report.skipped++;
        continue;
      }
      const target = options.toQueue ? subscriptionRetry(letter, names) : originalStream(letter);
      if (target === undefined) {
        report.noOrigin++;
        continue;
      }
      await client.sendCommand(target);
      await client.sendCommand(['XDEL', options.stream, letter.id]);
      report.replayed++;
      count(report.byType, type);
    }
    return report;
  });
}

/** The entry as first published, to its original stream: it gets its full retries again. */
function originalStream(letter: DeadLetter): Array<string | Buffer> | undefined {
  const stream = letter.fields.get('stream');
  if (stream === undefined || stream === '') return undefined;
  const command: Array<string | Buffer> = ['XADD', stream, '*', FIELD.body, letter.body];
  for (const name of [FIELD.contentType, FIELD.type, FIELD.destination, FIELD.tenant]) {
    const value = letter.fields.get(name);
    if (value !== undefined) command.push(name, value);
  }
  return command;
}

/** The entry onto the retry stream of the subscription that dead-lettered it, as attempt 1. */
function subscriptionRetry(letter: DeadLetter, names: RedisNames): string[] | undefined {
  const subscription = letter.fields.get('subscription');
  if (subscription === undefined || subscription === '') return undefined;
  const copy: RetryCopy = { body: letter.body.toString('base64'), attempt: 1, origin: `${letter.fields.get('stream') ?? '?'} ${letter.fields.get('id') ?? '?'}` };
  const type = letter.fields.get(FIELD.type);
  if (type !== undefined) copy.type = type;
  const destination = letter.fields.get(FIELD.destination);
  if (destination !== undefined) copy.destination = destination;
  const tenant = letter.fields.get(FIELD.tenant);
  if (tenant !== undefined) copy.tenant = tenant;
  return ['XADD', names.retryStream(subscription), '*', FIELD.retry, JSON.stringify(copy)];
}

async function readAll(client: RedisConnection, stream: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  let after = '-';
  for (;;) {
    const raw = await client.sendCommand(['XRANGE', stream, after, '+', 'COUNT', '500'], { typeMapping: { 36: Buffer } });
    const entries = readStreams(Array.isArray(raw) ? [[stream, raw]] : []);
    if (entries.length === 0) return letters;
    for (const entry of entries) letters.push(toLetter(entry));
    after = `(${entries[entries.length - 1]!.id}`;
  }
}

function toLetter(entry: StreamEntry): DeadLetter {
  const fields = new Map<string, string>();
  for (const [name, value] of entry.fields) if (name !== 'body-base64') fields.set(name, value.toString('utf8'));
  return { id: entry.id, fields, body: Buffer.from(text(entry.fields.get('body-base64') ?? ''), 'base64') };
}

function typeOf(letter: DeadLetter): string {
  const type = letter.fields.get(FIELD.type);
  if (type !== undefined && type !== '') return type;
  const parsed = parseEnvelope(letter.body);
  return parsed.ok ? parsed.envelope.type : '(unreadable)';
}

function envelopeId(letter: DeadLetter): string | undefined {
  const parsed = parseEnvelope(letter.body);
  return parsed.ok ? parsed.envelope.id : undefined;
}

function wholeNumber(value: string | undefined): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) ? number : undefined;
}

function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

async function withClient<T>(url: string | undefined, work: (client: RedisConnection) => Promise<T>): Promise<T> {
  const redis = await loadRedis();
  const client = redis.createClient({ url: url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL, socket: { reconnectStrategy: false } }) as unknown as RedisConnection;
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.close().catch(() => client.destroy());
  }
}
