/**
 * RedisIdempotencyStore against the local Redis: what each answer means, leases that outlive a
 * dead owner and are renewed for a live one, how long completed ids are remembered, errors that
 * reject instead of answering, and one claimant among many.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisIdempotencyStore } from '../../runtime/redis/index.js';
import { sleep } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const prefix = `es-test.idempotency.${randomUUID().slice(0, 8)}:`;
const redis = await RawRedis.connect();
const stores: RedisIdempotencyStore[] = [];

async function store(options: { leaseMs?: number; rememberMs?: number } = {}): Promise<RedisIdempotencyStore> {
  const created = await RedisIdempotencyStore.connect({ url: REDIS_URL, keyPrefix: prefix, ...options });
  stores.push(created);
  return created;
}

afterAll(async () => {
  for (const created of stores) await created.close();
  const keys = (await redis.client.sendCommand(['KEYS', `${prefix}*`])) as string[];
  if (keys.length > 0) await redis.client.del(keys);
  await redis.close();
});

describe('RedisIdempotencyStore', () => {
  it("answers 'claimed', then 'in-progress' while the claim is held, 'duplicate' only once completed", async () => {
    const [a, b] = [await store(), await store()];
    const id = randomUUID();
    expect(await a.claim(id)).toBe('claimed');
    expect(await b.claim(id)).toBe('in-progress');
    expect(await a.claim(id)).toBe('in-progress');
    await a.complete(id);
    expect(await b.claim(id)).toBe('duplicate');
    expect(await a.claim(id)).toBe('duplicate');
  });

  it('forgets a released claim, so a retry anywhere can handle the id', async () => {
    const [a, b] = [await store(), await store()];
    const id = randomUUID();
    expect(await a.claim(id)).toBe('claimed');
    await a.release(id);
    expect(await b.claim(id)).toBe('claimed');
  });

  it('releases only its own claim: a release after the lease passed to another claimant leaves it alone', async () => {
    const a = await store({ leaseMs: 150 });
    const b = await store({ leaseMs: 150 });
    const id = randomUUID();
    expect(await a.claim(id)).toBe('claimed');
    await a.close(); // stops renewing, as a dead owner would
    await sleep(300);
    expect(await b.claim(id)).toBe('claimed');
    const c = await store();
    await c.release(id); // never claimed by c: nothing to release
    expect(await c.claim(id)).toBe('in-progress');
  });

  it("lets another replica take over an id whose owner died (its lease ran out)", async () => {
    const owner = await store({ leaseMs: 200 });
    const other = await store({ leaseMs: 200 });
    const id = randomUUID();
    expect(await owner.claim(id)).toBe('claimed');
    await owner.close();
    expect(await other.claim(id)).toBe('in-progress');
    await sleep(350);
    expect(await other.claim(id)).toBe('claimed');
  });

  it('renews a live claim, so a handler running past the lease keeps it', async () => {
    const owner = await store({ leaseMs: 150 });
    const other = await store({ leaseMs: 150 });
    const id = randomUUID();
    expect(await owner.claim(id)).toBe('claimed');
    await sleep(600); // four leases
    expect(await other.claim(id)).toBe('in-progress');
    await owner.complete(id);
    expect(await other.claim(id)).toBe('duplicate');
  });

  it('remembers a completed id for rememberMs, then handles it again', async () => {
    const a = await store({ rememberMs: 200 });
    const id = randomUUID();
    expect(await a.claim(id)).toBe('claimed');
    await a.complete(id);
    expect(await a.claim(id)).toBe('duplicate');
    await sleep(300);
    expect(await a.claim(id)).toBe('claimed');
  });

  it('gives exactly one claim to many claimants at once', async () => {
    const claimants = await Promise.all(Array.from({ length: 5 }, () => store()));
    const id = randomUUID();
    const answers = await Promise.all(claimants.flatMap((claimant) => [claimant.claim(id), claimant.claim(id)]));
    expect(answers.filter((answer) => answer === 'claimed')).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'in-progress')).toHaveLength(9);
  });

  it('rejects when Redis cannot answer, rather than guessing', async () => {
    await expect(RedisIdempotencyStore.connect({ url: 'redis://127.0.0.1:1', keyPrefix: prefix, connectTimeoutMs: 500 })).rejects.toThrow(/could not connect/);
    const a = await RedisIdempotencyStore.connect({ url: REDIS_URL, keyPrefix: prefix });
    await a.close();
    const id = randomUUID();
    await expect(a.claim(id)).rejects.toThrow();
    await expect(a.complete(id)).rejects.toThrow();
  });
});
