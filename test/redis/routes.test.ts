/**
 * The route table of the Redis transport (routes.ts) on the local Redis: what a mandatory publish
 * asks Redis before it appends. Watched with MONITOR, filtered to this test's own keys.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { EventClient, UnroutableError } from '../../runtime/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { makeFixture, sleep, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const fixtures: Fixture[] = [];
const redis = await RawRedis.connect();

afterAll(async () => {
  for (const fixture of fixtures) await redis.deleteTopology(fixture.topology);
  await redis.close();
});

/** The commands Redis runs that name `needle`, as MONITOR shows them, until `stop`. */
async function watchCommands(needle: string): Promise<{ seen: string[]; settled: () => Promise<void>; stop: () => Promise<void> }> {
  const monitor = createClient({ url: REDIS_URL });
  monitor.on('error', () => {});
  await monitor.connect();
  const seen: string[] = [];
  await monitor.monitor((line: string) => {
    if (line.includes(needle)) seen.push(line);
  });
  let marks = 0;
  return {
    seen,
    // MONITOR lines arrive after the commands ran: a marker sent last shows that all before it were seen.
    settled: async () => {
      const mark = `${needle}:mark:${++marks}`;
      await redis.client.sendCommand(['ECHO', mark]);
      await waitFor(() => seen.some((line) => line.includes(mark)), 5000, 'the marker seen by MONITOR');
    },
    stop: async () => {
      monitor.destroy();
    },
  };
}

describe('Redis route table', () => {
  it('reads the routes once for a burst of publishes that find its answer expired, not once per publish', async () => {
    const fixture = makeFixture('redis-routes-burst');
    fixtures.push(fixture);
    const transport = await RedisTransport.connect({ url: REDIS_URL });
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:routes' });
    const routes = redis.names.routes(`${fixture.prefix}.stream`);
    const watch = await watchCommands(fixture.prefix);
    try {
      await client.publish('test.order_shipped', 1, { text: 'warm' });
      // Past the table's one-second freshness: every publish of the burst finds the answer expired.
      await sleep(1100);
      await watch.settled();
      const before = watch.seen.filter((line) => line.includes('"HVALS"') && line.includes(routes)).length;
      await Promise.all(Array.from({ length: 200 }, (_, i) => client.publish('test.order_shipped', 1, { text: `burst ${i}` })));
      await watch.settled();
      const reads = watch.seen.filter((line) => line.includes('"HVALS"') && line.includes(routes)).length - before;
      expect(reads).toBe(1);
      expect(watch.seen.filter((line) => line.includes('"XADD"')).length).toBe(201);
    } finally {
      await watch.stop();
      await client.close();
    }
  });

  it('believes a "nobody" only from a read made after the publish began, even beside a burst that shares one', async () => {
    const fixture = makeFixture('redis-routes-nobody');
    fixtures.push(fixture);
    const transport = await RedisTransport.connect({ url: REDIS_URL });
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:routes' });
    try {
      // A destination no subscription takes, published beside routable ones in one burst: only it is refused.
      const lonely = fixture.registry.map((definition) => (definition.type === 'test.order_shipped' ? { ...definition, destination: 'elsewhere.nobody' } : definition));
      const other = new EventClient<TestEvents>({ transport, registry: lonely, source: 'urn:test:routes', ownsTransport: false });
      const results = await Promise.allSettled([
        ...Array.from({ length: 20 }, (_, i) => client.publish('test.order_shipped', 1, { text: `ok ${i}` })),
        other.publish('test.order_shipped', 1, { text: 'nobody' }),
      ]);
      expect(results.slice(0, 20).every((result) => result.status === 'fulfilled')).toBe(true);
      const refused = results[20]!;
      expect(refused.status).toBe('rejected');
      expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(UnroutableError);
    } finally {
      await client.close();
    }
  });
});
