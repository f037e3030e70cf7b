/**
 * `dlq replay`: moves dead letters back to where they were first published (the exchange and
 * routing key in `x-eventsmith-original-exchange` / `-routing-key`, or the broker's `x-death`
 * entry), or with `toQueue` straight onto the queue that dead-lettered them.
 *
 * One message at a time: take it from the DLQ unacknowledged, publish the copy on a confirm
 * channel, wait for the broker's confirm, and only then acknowledge the original. Interrupted at any
 * point, every message is in the DLQ, at its target, or — killed between confirm and ack — in both
 * (one message at most; consumers absorb it by envelope id). Messages that are not replayed
 * (another event type, no known origin, unroutable) stay unacknowledged and go back to their
 * original DLQ positions at the end.
 */
import type { ChannelModel, ConfirmChannel, GetMessage, Message, Options } from 'amqplib';
import { ATTEMPT_HEADER, DEATH_REASON_HEADER, ERROR_HEADER } from '../headers.js';
import { connect, describeDeadLetter, DlqError, messageCount } from './broker.js';

export interface ReplayOptions {
  url: string;
  queue: string;
  /** Only messages of this event type; others stay where they are. */
  event?: string;
  /** At most this many messages. */
  limit?: number;
  /** Publish onto the queue that dead-lettered each message (default exchange) instead of its original exchange. */
  toQueue?: boolean;
  /** Copies awaiting their confirm at once. Default 100; an interruption leaves at most this many in both queues. */
  window?: number;
  /** Called after each message moved (for progress output). */
  onMoved?: (moved: number) => void;
}

export interface ReplayReport {
  queue: string;
  /** Messages in the DLQ when replay began; replay reads no further. */
  total: number;
  /** Moved: confirmed at the target and acknowledged in the DLQ. */
  replayed: number;
  /** Left in the DLQ because their event type differs from `event`. */
  skipped: number;
  /** Left in the DLQ: no origin headers (or, with toQueue, no queue header) to send them to. */
  noOrigin: number;
  /** Left in the DLQ: the broker could not route them (no queue bound), or nacked them. */
  unroutable: number;
  byType: Record<string, number>;
}

/** Headers that describe the death, not the message: a replayed message starts afresh. */
const DEATH_HEADERS = [DEATH_REASON_HEADER, ERROR_HEADER, ATTEMPT_HEADER, 'x-eventsmith-attempts', 'x-eventsmith-queue', 'x-eventsmith-dead-lettered-at', 'x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason'];
export const REPLAYED_HEADER = 'x-eventsmith-replayed';
const DEFAULT_WINDOW = 100;

export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) throw new DlqError('--limit must be a whole number of at least 1');
  const connection = await connect(options.url, 'eventsmith dlq replay');
  try {
    return await replayOn(connection, options);
  } finally {
    await connection.close().catch(() => {});
  }
}

async function replayOn(connection: ChannelModel, options: ReplayOptions): Promise<ReplayReport> {
  const total = await messageCount(connection, options.queue);
  const report: ReplayReport = { queue: options.queue, total, replayed: 0, skipped: 0, noOrigin: 0, unroutable: 0, byType: {} };
  const source = await connection.createChannel();
  let sourceError: Error | undefined;
  source.on('error', (error: Error) => {
    sourceError = error;
  });
  // The target channel is reopened when the broker closes it (a publish to a missing exchange).
  const unconfirmed = new Set<Pending>();
  const closedBy = new WeakMap<ConfirmChannel, Error & { code?: number }>();
  const openTarget = async (): Promise<ConfirmChannel> => {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error: Error & { code?: number }) => {
      closedBy.set(channel, error);
    });
    channel.on('return', (message: Message) => {
      // A returned copy is matched by route and bytes; two identical copies are interchangeable.
      const match = [...unconfirmed].find((p) => !p.returned && p.exchange === message.fields.exchange && p.routingKey === message.fields.routingKey && p.message.content.equals(message.content));
      if (match !== undefined) match.returned = true;
    });
    return channel;
  };
  let target = await openTarget();
  let reopening: Promise<void> | undefined;
  let fatal: Error | undefined;
  const exchanges = new Map<string, boolean>();
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const window = options.window ?? DEFAULT_WINDOW;
  const inFlight = new Set<Promise<void>>();
  let reserved = 0;
  try {
    for (let read = 0; read < total && reserved < limit; read++) {
      // Up to `window` copies await their confirm at once: one at a time is bounded by the
      // broker's disk sync per persistent message (tens of ms), a window is not.
      while (inFlight.size >= window) await Promise.race(inFlight);
      await reopening;
      if (fatal !== undefined) break;
      if (sourceError !== undefined) throw new DlqError(`the broker closed the channel reading ${options.queue}: ${sourceError.message}`);
      const message = await source.get(options.queue, { noAck: false });
      if (message === false) break;
      const info = describeDeadLetter(message);
      if (options.event !== undefined && info.type !== options.event) {
        report.skipped++;
        continue;
      }
      const route = options.toQueue ? (info.queue === undefined ? undefined : { exchange: '', routingKey: info.queue }) : info.origin;
      if (route === undefined) {
        report.noOrigin++;
        continue;
      }
      if (!(await exchangeExists(connection, route.exchange, exchanges))) {
        report.unroutable++;
        continue;
      }
      reserved++;
      const pending: Pending = { message, exchange: route.exchange, routingKey: route.routingKey, returned: false };
      const channel = target;
      const work = publishConfirmed(channel, pending, unconfirmed).then(async (confirmed) => {
        const closed = closedBy.get(channel);
        if (closed !== undefined) {
          if (closed.code !== 404) {
            fatal ??= new DlqError(`the broker closed the publishing channel: ${closed.message}`);
          } else if (channel === target) {
            // The original exchange is gone: leave the message in the DLQ and carry on.
            reopening ??= openTarget().then(
              (fresh) => void (target = fresh),
              (error: unknown) => void (fatal ??= error instanceof Error ? error : new Error(String(error))),
            );
            await reopening;
            reopening = undefined;
          }
        }
        if (!confirmed || pending.returned) {
          reserved--;
          report.unroutable++;
          return;
        }
        // Only now, with the copy confirmed, does the original leave the DLQ.
        source.ack(message);
        report.replayed++;
        report.byType[info.type] = (report.byType[info.type] ?? 0) + 1;
        options.onMoved?.(report.replayed);
      });
      const tracked = work.catch((error: unknown) => void (fatal ??= error instanceof Error ? error : new Error(String(error)))).finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    if (fatal !== undefined) throw fatal;
    if (sourceError !== undefined) throw new DlqError(`the broker closed the channel reading ${options.queue}: ${sourceError.message}`);
    // Whatever was read and not moved goes back to its place in the DLQ.
    source.nackAll(true);
  } finally {
    await target.close().catch(() => {});
    await source.close().catch(() => {});
  }
  return report;
}

/**
 * Checked once per exchange, on a channel of its own: a publish to a missing exchange would make
 * the broker close the publishing channel, failing every copy in flight on it with the one at fault.
 */
async function exchangeExists(connection: ChannelModel, exchange: string, known: Map<string, boolean>): Promise<boolean> {
  if (exchange === '') return true;
  const cached = known.get(exchange);
  if (cached !== undefined) return cached;
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  let exists = true;
  try {
    await channel.checkExchange(exchange);
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
    exists = false;
  } finally {
    await channel.close().catch(() => {});
  }
  known.set(exchange, exists);
  return exists;
}

interface Pending {
  message: GetMessage;
  exchange: string;
  routingKey: string;
  returned: boolean;
}

/** Publishes a copy (death headers removed, replay counted) and resolves with the broker's verdict. */
function publishConfirmed(channel: ConfirmChannel, pending: Pending, unconfirmed: Set<Pending>): Promise<boolean> {
  const props = pending.message.properties;
  const headers: Record<string, unknown> = { ...props.headers };
  for (const name of DEATH_HEADERS) delete headers[name];
  const previous = headers[REPLAYED_HEADER];
  headers[REPLAYED_HEADER] = (typeof previous === 'number' ? previous : 0) + 1;
  const options: Options.Publish = { headers, persistent: true, mandatory: true };
  if (props.contentType !== undefined) options.contentType = props.contentType;
  if (props.contentEncoding !== undefined) options.contentEncoding = props.contentEncoding;
  if (props.messageId !== undefined) options.messageId = props.messageId;
  if (props.correlationId !== undefined) options.correlationId = props.correlationId;
  if (props.type !== undefined) options.type = props.type;
  if (props.timestamp !== undefined) options.timestamp = props.timestamp;
  if (props.priority !== undefined) options.priority = props.priority;
  unconfirmed.add(pending);
  return new Promise<boolean>((resolve) => {
    const settle = (ok: boolean): void => {
      unconfirmed.delete(pending);
      resolve(ok);
    };
    try {
      channel.publish(pending.exchange, pending.routingKey, pending.message.content, options, (error) => settle(error === null || error === undefined));
    } catch {
      settle(false);
    }
  });
}

export function formatReplayReport(report: ReplayReport, options: Pick<ReplayOptions, 'event' | 'toQueue'>): string[] {
  const left = report.skipped + report.noOrigin + report.unroutable;
  const lines = [`eventsmith: replayed ${report.replayed} of ${report.total} message${report.total === 1 ? '' : 's'} from ${report.queue}${options.toQueue ? ' onto the queues that dead-lettered them' : ' to where they were first published'}; ${left} left in the queue`];
  for (const [type, n] of Object.entries(report.byType).sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${type}: ${n}`);
  if (report.skipped > 0) lines.push(`  ${report.skipped} of other event types than ${options.event} left in place`);
  if (report.noOrigin > 0) lines.push(`  ${report.noOrigin} without ${options.toQueue ? 'an x-eventsmith-queue header' : 'origin headers (x-eventsmith-original-exchange / -routing-key or x-death)'} left in place`);
  if (report.unroutable > 0) lines.push(`  ${report.unroutable} could not be routed (no queue bound for their routing key, or refused by the broker) and were left in place`);
  return lines;
}
