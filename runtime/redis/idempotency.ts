/**
 * An idempotency store shared by every replica of a service, in Redis. Each event id is one key:
 *
 * - `claim`: `SET key <token> NX PX leaseMs` — one claimant at a time; the claim is a lease that
 *   expires `leaseMs` after its owner stops renewing it (the owner died), so another replica can
 *   take the event over. While the owner lives, its claim is renewed every third of `leaseMs`,
 *   however long the handler runs. Answers `duplicate` only for an id whose handler completed,
 *   `in-progress` for an id another claimant holds (the delivery is then retried, never acked).
 * - `complete`: the key becomes `done` for `rememberMs` (default 24 h): copies arriving within that
 *   time are acknowledged as duplicates; later ones are handled again.
 * - `release` (the handler failed): deletes the key if this claimant still holds it.
 *
 * Redis errors reject: the dispatcher then retries the delivery, so an unreachable Redis delays
 * events but never acks one unhandled. What Redis forgets (no persistence and a restart, an
 * eviction under `maxmemory`) is handled again: at-least-once still holds.
 */
import { randomUUID } from 'node:crypto';
import type { ClaimResult, IdempotencyStore } from '../idempotency.js';
import { DEFAULT_REDIS_URL, loadRedis, type RedisConnection } from './client.js';

export interface RedisIdempotencyStoreOptions {
  /** Default `eventsmith:idempotency:`. */
  keyPrefix?: string;
  /** How long a claim outlives its owner's last renewal. Default 30 s. */
  leaseMs?: number;
  /** How long a completed id is remembered. Default 24 h. */
  rememberMs?: number;
}

const DONE = 'done';

/** Claims `KEYS[1]` for token `ARGV[1]` (lease `ARGV[2]` ms) unless it is held or done. */
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == '${DONE}' then return 'duplicate' end
return 'in-progress'`;

/** Deletes `KEYS[1]` if it still holds token `ARGV[1]`. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Extends the lease of `KEYS[1]` to `ARGV[2]` ms if it still holds token `ARGV[1]`. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

interface Held {
  token: string;
  renewal: NodeJS.Timeout;
}

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly held = new Map<string, Held>();
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly rememberMs: number;

  /** Connects a client of the store's own (closed by {@link close}); rejects if Redis does not answer within `connectTimeoutMs` (default 10 s). */
  static async connect(options: RedisIdempotencyStoreOptions & { url?: string; connectTimeoutMs?: number } = {}): Promise<RedisIdempotencyStore> {
    const redis = await loadRedis();
    const url = options.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
    const client = redis.createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000) } }) as unknown as RedisConnection;
    client.on('error', () => {
      // Commands reject while Redis is away; the deliveries that needed them are retried.
    });
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`could not connect to Redis for the idempotency store within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      client.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return new RedisIdempotencyStore(client, options, true);
  }

  /** On a connected node-redis client that the caller owns (and closes). */
  constructor(
    private readonly client: RedisConnection,
    options: RedisIdempotencyStoreOptions = {},
    private readonly ownsClient = false,
  ) {
    this.prefix = options.keyPrefix ?? 'eventsmith:idempotency:';
    this.leaseMs = options.leaseMs ?? 30_000;
    this.rememberMs = options.rememberMs ?? 86_400_000;
    if (!(this.leaseMs >= 10) || !(this.rememberMs >= 1)) throw new TypeError('leaseMs must be >= 10 and rememberMs >= 1');
  }

  async claim(id: string): Promise<ClaimResult> {
    const token = `${process.pid}:${randomUUID()}`;
    const answer = String(await this.client.sendCommand(['EVAL', CLAIM, '1', this.key(id), token, String(this.leaseMs)]));
    if (answer !== 'claimed') return answer === 'duplicate' ? 'duplicate' : 'in-progress';
    this.hold(id, token);
    return 'claimed';
  }

  async complete(id: string): Promise<void> {
    this.drop(id);
    // Done whoever holds it now: the event's handler ran to completion here.
    await this.client.sendCommand(['SET', this.key(id), DONE, 'PX', String(this.rememberMs)]);
  }

  async release(id: string): Promise<void> {
    const held = this.drop(id);
    if (held !== undefined) await this.client.sendCommand(['EVAL', RELEASE, '1', this.key(id), held.token]);
  }

  /** Stops renewing (claims then expire after `leaseMs`) and closes the client if the store connected it. */
  async close(): Promise<void> {
    for (const id of [...this.held.keys()]) this.drop(id);
    if (this.ownsClient) await this.client.close().catch(() => this.client.destroy());
  }

  private hold(id: string, token: string): void {
    const renewal = setInterval(() => {
      this.client.sendCommand(['EVAL', RENEW, '1', this.key(id), token, String(this.leaseMs)]).catch(() => {
        // Renewal failed (Redis away): the lease may run out and another replica take over; the
        // handler still completes here, so the event is handled at least once.
      });
    }, Math.max(5, Math.floor(this.leaseMs / 3)));
    renewal.unref();
    this.held.set(id, { token, renewal });
  }

  private drop(id: string): Held | undefined {
    const held = this.held.get(id);
    if (held === undefined) return undefined;
    clearInterval(held.renewal);
    this.held.delete(id);
    return held;
  }

  private key(id: string): string {
    return `${this.prefix}${id}`;
  }
}
