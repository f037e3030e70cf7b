/**
 * Stream retention: trimming on every append (approximate by default, `~`, which lets Redis trim
 * whole macro-nodes cheaply), by count (MAXLEN) or by age (MINID). Trimming does not ask whether
 * every group has read an entry, so a consumer that falls behind by more than the retention loses
 * events without a word. The watch below says it before it happens: every few seconds it compares
 * each group reading a stream this transport appends to with the trimming threshold, and warns
 * (log `redis.retention.unread_at_risk`, counter in health details) when unread or unacknowledged
 * entries lie beyond it.
 */
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability.js';
import type { RedisConnection } from './client.js';
import { fieldPairs, text } from './entries.js';

export interface RetentionOptions {
  /** Keep about this many entries per stream (`MAXLEN`). */
  maxLength?: number;
  /** Keep entries younger than this (`MINID`); 24 h is 86_400_000. */
  maxAgeMs?: number;
  /** Trim exactly (`=`) instead of approximately (`~`, the default and much cheaper). */
  exact?: boolean;
  /** How often groups are checked for unread entries at risk. Default 5 s. */
  watchEveryMs?: number;
}

export class Retention {
  private readonly streams = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Times the watch found a group whose unread entries the next trim would remove. */
  warnings = 0;

  constructor(
    private readonly client: RedisConnection,
    private readonly options: RetentionOptions,
    private readonly log: Logger,
  ) {
    if (options.maxLength !== undefined && (!Number.isInteger(options.maxLength) || options.maxLength < 1)) throw new TypeError('retention.maxLength must be a whole number >= 1');
    if (options.maxAgeMs !== undefined && !(options.maxAgeMs >= 1)) throw new TypeError('retention.maxAgeMs must be >= 1');
  }

  get enabled(): boolean {
    return this.options.maxLength !== undefined || this.options.maxAgeMs !== undefined;
  }

  /** The trimming arguments of an XADD to `stream` (none without retention). */
  trimArguments(stream: string): string[] {
    if (!this.enabled) return [];
    if (!this.streams.has(stream)) {
      this.streams.add(stream);
      this.timer ??= setInterval(() => void this.watch().catch((error: unknown) => this.log({ level: 'debug', event: 'redis.retention.watch_failed', error: errorMessage(error) })), this.options.watchEveryMs ?? 5000).unref();
    }
    const how = this.options.exact === true ? '=' : '~';
    if (this.options.maxAgeMs !== undefined) return ['MINID', how, `${Date.now() - this.options.maxAgeMs}-0`];
    return ['MAXLEN', how, String(this.options.maxLength)];
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every stream appended to: which groups would lose unread entries? */
  async watch(): Promise<number> {
    let atRisk = 0;
    for (const stream of this.streams) {
      let groups: unknown;
      try {
        groups = await this.client.sendCommand(['XINFO', 'GROUPS', stream]);
      } catch {
        continue; // trimmed away entirely, or not created yet
      }
      for (const group of Array.isArray(groups) ? groups : []) {
        const info = fieldPairs(group);
        const name = info.get('name') ?? '?';
        const risk = await this.riskOf(stream, name, info);
        if (risk === undefined) continue;
        atRisk++;
        this.warnings++;
        this.log({ level: 'warn', event: 'redis.retention.unread_at_risk', stream, group: name, detail: risk });
      }
    }
    return atRisk;
  }

  /**
   * Entries the group has not read yet, counted up to `cap`. XINFO's `lag` says it directly, but
   * Redis cannot tell it once entries were trimmed or deleted (nil): then count past the group's
   * last delivered id.
   */
  private async unread(stream: string, info: Map<string, string>, cap: number): Promise<number> {
    const lag = Number(info.get('lag'));
    if (info.get('lag') !== undefined && info.get('lag') !== '' && Number.isFinite(lag)) return lag;
    const after = info.get('last-delivered-id') ?? '0-0';
    const entries = (await this.client.sendCommand(['XRANGE', stream, `(${after}`, '+', 'COUNT', String(cap)])) as unknown[];
    return Array.isArray(entries) ? entries.length : 0;
  }

  private async riskOf(stream: string, group: string, info: Map<string, string>): Promise<string | undefined> {
    const pending = Number(info.get('pending'));
    if (this.options.maxLength !== undefined) {
      const unread = await this.unread(stream, info, this.options.maxLength);
      // The next append trims the oldest entry: once the unread ones fill the stream, that is one of them.
      if (unread >= this.options.maxLength) return `${unread} unread entries, as many as the ${this.options.maxLength} the stream keeps`;
    }
    if (this.options.maxAgeMs === undefined) return undefined;
    const threshold = Date.now() - this.options.maxAgeMs;
    const lastDelivered = millisOf(info.get('last-delivered-id'));
    if ((await this.unread(stream, info, 1)) > 0 && lastDelivered !== undefined && lastDelivered < threshold) {
      return `unread entries older than the ${this.options.maxAgeMs} ms the stream keeps (last delivered ${info.get('last-delivered-id')})`;
    }
    if (pending > 0) {
      const summary = (await this.client.sendCommand(['XPENDING', stream, group])) as unknown[];
      const oldest = millisOf(Array.isArray(summary) ? text(summary[1]) : undefined);
      if (oldest !== undefined && oldest < threshold) return `unacknowledged entries older than the ${this.options.maxAgeMs} ms the stream keeps`;
    }
    return undefined;
  }
}

function millisOf(id: string | undefined): number | undefined {
  const millis = Number(id?.split('-')[0]);
  return Number.isFinite(millis) && millis > 0 ? millis : undefined;
}

