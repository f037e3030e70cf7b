/**
 * `dlq inspect`: what a dead-letter queue holds, by reason and event type, with samples.
 *
 * AMQP 0-9-1 cannot browse a classic queue, so inspection takes every message with `basic.get`
 * *without acknowledging it*, holds them all unacknowledged, then returns them with one
 * `basic.nack(multiple, requeue)`. The broker puts requeued messages back at their original
 * positions, so nothing is lost or reordered; if the inspector dies midway, the broker requeues
 * what it held the same way. While inspecting, the messages are invisible to other consumers,
 * and afterwards they carry the `redelivered` flag.
 */
import type { ChannelModel } from 'amqplib';
import { connect, describeDeadLetter, messageCount, type DeadLetterInfo } from './broker.js';

export interface InspectOptions {
  url: string;
  queue: string;
  /** Samples kept per reason. Default 3. */
  samplesPerReason?: number;
  /** Characters of each sample's body shown. Default 300. */
  bodyChars?: number;
}

export interface DeadLetterSample extends DeadLetterInfo {
  /** Position in the queue, 0 at the head. */
  position: number;
  body: string;
  bytes: number;
}

export interface InspectReport {
  queue: string;
  /** Messages in the queue when inspection began. */
  total: number;
  /** Messages read (the queue may have grown meanwhile; inspection stops at `total`). */
  inspected: number;
  byReason: Record<string, number>;
  byType: Record<string, number>;
  byReasonAndType: Record<string, Record<string, number>>;
  samples: DeadLetterSample[];
}

export async function inspectDeadLetters(options: InspectOptions): Promise<InspectReport> {
  const connection = await connect(options.url, 'eventsmith dlq inspect');
  try {
    return await inspectOn(connection, options);
  } finally {
    await connection.close().catch(() => {});
  }
}

async function inspectOn(connection: ChannelModel, options: InspectOptions): Promise<InspectReport> {
  const total = await messageCount(connection, options.queue);
  const perReason = options.samplesPerReason ?? 3;
  const bodyChars = options.bodyChars ?? 300;
  const report: InspectReport = { queue: options.queue, total, inspected: 0, byReason: {}, byType: {}, byReasonAndType: {}, samples: [] };
  const sampled = new Map<string, number>();
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    // Bounded by the count at the start: messages dead-lettered meanwhile join the tail and are
    // not read, so a busy queue cannot keep the inspector (and its unacked hoard) growing.
    while (report.inspected < total) {
      const message = await channel.get(options.queue, { noAck: false });
      if (message === false) break;
      const info = describeDeadLetter(message);
      const position = report.inspected++;
      count(report.byReason, info.reason);
      count(report.byType, info.type);
      count((report.byReasonAndType[info.reason] ??= {}), info.type);
      const taken = sampled.get(info.reason) ?? 0;
      if (taken < perReason) {
        sampled.set(info.reason, taken + 1);
        const text = message.content.toString('utf8');
        report.samples.push({ ...info, position, bytes: message.content.length, body: text.length > bodyChars ? `${text.slice(0, bodyChars)}…` : text });
      }
    }
    // Every message read goes back, in one step, to where it was.
    if (report.inspected > 0) channel.nackAll(true);
  } finally {
    await channel.close().catch(() => {});
  }
  return report;
}

function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** The report as aligned text for a terminal. */
export function formatInspectReport(report: InspectReport): string[] {
  const lines = [`eventsmith: ${report.queue} holds ${report.total} message${report.total === 1 ? '' : 's'}; ${report.inspected} inspected and returned in order`];
  if (report.inspected === 0) return lines;
  const table = (title: string, record: Record<string, number>): void => {
    const entries = Object.entries(record).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    const width = Math.max(...entries.map(([key]) => key.length));
    lines.push(`${title}:`);
    for (const [key, value] of entries) lines.push(`  ${key.padEnd(width)}  ${String(value).padStart(6)}`);
  };
  table('by reason', report.byReason);
  table('by event type', report.byType);
  lines.push('samples:');
  for (const sample of report.samples) {
    const origin = sample.origin === undefined ? 'origin unknown' : `from ${sample.origin.exchange || '(default exchange)'} / ${sample.origin.routingKey}`;
    lines.push(`  #${sample.position} ${sample.reason}  ${sample.type}  id=${sample.id ?? '?'}  ${origin}${sample.deadLetteredAt === undefined ? '' : `  at ${sample.deadLetteredAt}`}`);
    if (sample.error !== undefined) lines.push(`    error: ${sample.error.split('\n')[0]}`);
    lines.push(`    body (${sample.bytes} bytes): ${JSON.stringify(sample.body)}`);
  }
  return lines;
}
