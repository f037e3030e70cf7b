// Which takeover a consumer uses is the server's answer to COMMAND DOCS XREADGROUP: the CLAIM
// option on Redis 8.4+ (here 8.6 from scripts/redis-8), XAUTOCLAIM on the machine's Redis 7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { EventClient } from '../../runtime/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import type { RedisConnection } from '../../runtime/redis/client.js';
import { serverReadsWithClaim } from '../../runtime/redis/read-claim.js';
import { REDIS_URL } from '../integration/support/redis.js';
import { PrivateRedis, redis8Binary } from './support/private-redis.js';

let redis8: PrivateRedis;
beforeAll(async () => {
  redis8 = await PrivateRedis.start({ binary: redis8Binary() });
}, 600_000);
afterAll(async () => {
  await redis8?.stop();
});

async function ask(url: string, resp: 2 | 3): Promise<boolean> {
  const client = createClient({ url, RESP: resp });
  client.on('error', () => {});
  await client.connect();
  try {
    return await serverReadsWithClaim(client as unknown as RedisConnection);
  } finally {
    await client.close();
  }
}

describe('XREADGROUP CLAIM support', () => {
  it.each([2, 3] as const)('is found on Redis 8.6 and not on Redis 7, over RESP%i', async (resp) => {
    expect(await ask(redis8.url, resp)).toBe(true);
    expect(await ask(REDIS_URL, resp)).toBe(false);
  });

  it('is taken to be missing when the server cannot be asked', async () => {
    const client = createClient({ url: redis8.url });
    client.on('error', () => {});
    await client.connect();
    // An ACL user that may read streams but not run COMMAND (as some managed services set up).
    const user = `claim-probe-${process.pid}`;
    await client.sendCommand(['ACL', 'SETUSER', user, 'on', 'nopass', '~*', '+@all', '-command']);
    const limited = createClient({ url: redis8.url, username: user, password: 'unused' });
    limited.on('error', () => {});
    try {
      await limited.connect();
      expect(await serverReadsWithClaim(limited as unknown as RedisConnection)).toBe(false);
    } finally {
      await limited.close().catch(() => {});
      await client.sendCommand(['ACL', 'DELUSER', user]);
      await client.close();
    }
  });

  it('an entry trimmed from its stream while a dead consumer held it leaves the group: the reads pass over it, the slow sweep drops it', { timeout: 30_000 }, async () => {
    const fixture = makeFixture('read-claim-trimmed');
    const transport = await RedisTransport.connect({ url: redis8.url, claimIdleMs: 100 });
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:trimmed' });
    await transport.declareTopology(fixture.topology);
    const raw = createClient({ url: redis8.url });
    raw.on('error', () => {});
    await raw.connect();
    try {
      const stream = `${fixture.prefix}.stream`;
      const group = fixture.queue.name;
      const pending = async () => Number(((await raw.sendCommand(['XPENDING', stream, group])) as unknown[])[0]);
      // A consumer that read one entry and died; then retention trimmed the entry away.
      await client.publish('test.order_shipped', 1, { text: 'held by the dead' });
      await raw.sendCommand(['XREADGROUP', 'GROUP', group, 'dead-consumer', 'COUNT', '1', 'STREAMS', stream, '>']);
      await raw.sendCommand(['XTRIM', stream, 'MAXLEN', '0']);
      expect(await pending()).toBe(1);
      const handled: string[] = [];
      client.on('test.order_shipped', (data) => void handled.push(data.text));
      await client.consume(group);
      await client.publish('test.order_shipped', 1, { text: 'after' });
      await waitFor(async () => (await pending()) === 0, 15_000, 'the trimmed entry to leave the pending list');
      expect(handled).toEqual(['after']);
    } finally {
      await client.close();
      await raw.del([`${fixture.prefix}.stream`]);
      await raw.close();
    }
  });
});
