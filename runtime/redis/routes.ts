/**
 * Whether any subscription takes a destination, as RabbitMQ tells a mandatory publisher. Redis
 * cannot route, so each subscription records on declaration which destinations it takes from each
 * stream (the hash names.routes), and a publisher checks there. Answers are cached for a second;
 * a "nobody" is read again before it is believed, so a subscription declared a moment ago counts.
 * Publishes that find the answer expired share one read: with 1,000 in flight, each sending its
 * own HVALS would cost 1,000 commands and replies a second.
 */
import { destinationMatches } from '../destinations.js';
import type { RedisConnection } from './client.js';
import type { RedisNames } from './names.js';

const TTL_MS = 1000;

interface Cached {
  patterns: string[];
  groups: number;
  at: number;
  /** Destinations found taken while this answer is fresh: a publisher sends to few, many times over. */
  taken: Set<string>;
}

export class RouteTable {
  private readonly cache = new Map<string, Cached>();
  /** The read of each stream's routes under way, which publishes arriving meanwhile wait for. */
  private readonly loading = new Map<string, Promise<Cached>>();

  constructor(
    private readonly client: RedisConnection,
    private readonly names: RedisNames,
  ) {}

  /** Records that `subscription` takes `patterns` from `stream` (`#` for everything, e.g. a service's own stream). */
  async record(stream: string, subscription: string, patterns: readonly string[]): Promise<void> {
    await this.client.sendCommand(['HSET', this.names.routes(stream), subscription, JSON.stringify(patterns)]);
    this.cache.delete(stream);
    // A read sent before the HSET may not see it: later publishes start their own.
    this.loading.delete(stream);
  }

  /** Whether a fresh answer already says that a subscription takes `destination` (no round trip); false: ask {@link takes}. */
  known(stream: string, destination: string): boolean {
    const cached = this.cache.get(stream);
    if (cached === undefined || Date.now() - cached.at >= TTL_MS) return false;
    if (cached.taken.has(destination)) return true;
    if (!matches(cached, destination)) return false;
    if (cached.taken.size < 1024) cached.taken.add(destination);
    return true;
  }

  async takes(stream: string, destination: string): Promise<boolean> {
    if (this.known(stream, destination)) return true;
    const shared = this.loading.get(stream);
    if (shared === undefined) return matches(await this.read(stream), destination);
    // A read sent before this publish began may predate a subscription: its "yes" holds, its "nobody" is read again.
    if (matches(await shared, destination)) return true;
    return matches(await this.read(stream), destination);
  }

  /** Reads the routes of `stream`, as the read the publishes arriving meanwhile share. */
  private read(stream: string): Promise<Cached> {
    const loading = this.load(stream).finally(() => {
      if (this.loading.get(stream) === loading) this.loading.delete(stream);
    });
    this.loading.set(stream, loading);
    return loading;
  }

  private async load(stream: string): Promise<Cached> {
    const raw = (await this.client.sendCommand(['HVALS', this.names.routes(stream)])) as unknown[];
    const patterns = (Array.isArray(raw) ? raw : []).flatMap((value) => {
      try {
        const parsed: unknown = JSON.parse(String(value));
        return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
      } catch {
        return [];
      }
    });
    // Groups made by other tools leave no routes: a stream read by anyone counts as taken then.
    const groups = patterns.length > 0 ? 0 : await this.groupCount(stream);
    const cached: Cached = { patterns, groups, at: Date.now(), taken: new Set() };
    this.cache.set(stream, cached);
    return cached;
  }

  private async groupCount(stream: string): Promise<number> {
    try {
      const groups = await this.client.sendCommand(['XINFO', 'GROUPS', stream]);
      return Array.isArray(groups) ? groups.length : 0;
    } catch {
      return 0; // no such stream
    }
  }
}

function matches(cached: Cached, destination: string): boolean {
  if (cached.patterns.length === 0) return cached.groups > 0;
  return cached.patterns.some((pattern) => destinationMatches(pattern, destination));
}
