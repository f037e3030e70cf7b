/**
 * What the dead-letter tools share: a connection with readable errors, and the reading of one dead
 * letter (its reason, event type and origin) from the headers the runtime writes.
 */
import type { ChannelModel, GetMessage } from 'amqplib';
import { loadAmqplib } from '../client.js';
import { DEFAULT_RABBITMQ_URL } from '../connection.js';
import { DEATH_REASON_HEADER, ERROR_HEADER, ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER } from '../headers.js';
import { redactText, redactUrl } from '../redact.js';
import { deadLetterQueueName } from '../names.js';

/** A broker or queue problem the user can act on (bad URL, unreachable broker, missing queue). */
export class DlqError extends Error {}

export function brokerUrl(explicit: string | undefined): string {
  return explicit ?? process.env.RABBITMQ_URL ?? DEFAULT_RABBITMQ_URL;
}

export async function connect(url: string, name: string): Promise<ChannelModel> {
  const amqp = await loadAmqplib();
  try {
    const connection = await amqp.connect(url, { clientProperties: { connection_name: name }, timeout: 10_000, noDelay: true });
    connection.on('error', () => {});
    return connection;
  } catch (error) {
    throw new DlqError(`cannot connect to ${redactUrl(url)}: ${redactText(error instanceof Error ? error.message : String(error), url)}`);
  }
}

/** The queue's message count, or a DlqError naming the queue when it does not exist. */
export async function messageCount(connection: ChannelModel, queue: string): Promise<number> {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if ((error as { code?: number }).code === 404) {
      const dlq = deadLetterQueueName(queue);
      const isDlq = queue.endsWith(deadLetterQueueName(''));
      throw new DlqError(`queue '${queue}' does not exist${isDlq ? '' : ` (the dead-letter queue of '${queue}' is '${dlq}')`}`);
    }
    throw error;
  } finally {
    await channel.close().catch(() => {});
  }
}

export interface DeadLetterInfo {
  reason: string;
  /** The event type from the AMQP `type` property or the envelope; `(unreadable)` when neither names one. */
  type: string;
  id: string | undefined;
  error: string | undefined;
  queue: string | undefined;
  attempts: number | undefined;
  deadLetteredAt: string | undefined;
  /** Where the message was first published; undefined when the headers do not say. */
  origin: { exchange: string; routingKey: string } | undefined;
}

export const UNREADABLE_TYPE = '(unreadable)';

export function describeDeadLetter(message: GetMessage): DeadLetterInfo {
  const headers: Record<string, unknown> = message.properties.headers ?? {};
  const envelope = envelopeOf(message.content);
  const propertyType: unknown = message.properties.type;
  const type = typeof propertyType === 'string' && propertyType !== '' ? propertyType : typeof envelope?.type === 'string' && envelope.type !== '' ? envelope.type : UNREADABLE_TYPE;
  const messageId: unknown = message.properties.messageId;
  return {
    reason: stringHeader(headers[DEATH_REASON_HEADER]) ?? brokerReason(headers) ?? '(none)',
    type,
    id: typeof envelope?.id === 'string' ? envelope.id : typeof messageId === 'string' ? messageId : undefined,
    error: stringHeader(headers[ERROR_HEADER]),
    queue: stringHeader(headers['x-eventsmith-queue']),
    attempts: typeof headers['x-eventsmith-attempts'] === 'number' ? headers['x-eventsmith-attempts'] : undefined,
    deadLetteredAt: stringHeader(headers['x-eventsmith-dead-lettered-at']),
    origin: originOf(headers),
  };
}

/** The runtime's origin headers; for a message the broker itself dead-lettered, its first `x-death` entry. */
function originOf(headers: Record<string, unknown>): { exchange: string; routingKey: string } | undefined {
  const exchange = stringHeader(headers[ORIGINAL_EXCHANGE_HEADER]);
  const routingKey = stringHeader(headers[ORIGINAL_ROUTING_KEY_HEADER]);
  if (exchange !== undefined && routingKey !== undefined) return { exchange, routingKey };
  const death = Array.isArray(headers['x-death']) ? (headers['x-death'] as Array<Record<string, unknown>>)[0] : undefined;
  const deathExchange = stringHeader(death?.exchange);
  const keys = death?.['routing-keys'];
  const deathKey = Array.isArray(keys) ? stringHeader(keys[0]) : undefined;
  if (deathExchange !== undefined && deathKey !== undefined) return { exchange: deathExchange, routingKey: deathKey };
  return undefined;
}

/** Dead-lettered by the broker (rejected, expired, over length) rather than by the runtime. */
function brokerReason(headers: Record<string, unknown>): string | undefined {
  const death = Array.isArray(headers['x-death']) ? (headers['x-death'] as Array<Record<string, unknown>>)[0] : undefined;
  const reason = stringHeader(death?.reason);
  return reason === undefined ? undefined : `broker:${reason}`;
}

function stringHeader(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/** Bodies beyond this are not parsed for their type (a dead letter may be one refused for its size). */
const MAX_PARSED_BYTES = 4 * 1024 * 1024;

function envelopeOf(content: Buffer): { type?: unknown; id?: unknown } | undefined {
  if (content.length > MAX_PARSED_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(content.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown; id?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
