/**
 * A Redis consumer's prefetch on the local Redis: the group never holds more than `prefetch` of the
 * consumer's entries pending, whether handlers settle at once (acknowledgements then travel ahead
 * of the next read) or slowly, and every entry handled ends acknowledged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { makeFixture, sleep, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const fixtures: Fixture[] = [];
const redis = await RawRedis.connect();

afterAll(async () => {
  for (const fixture of fixtures) await redis.deleteTopology(fixture.topology);
  await redis.close();
});

/** How many entries the group holds delivered and not acknowledged (XPENDING summary). */
async function pending(stream: string, group: string): Promise<number> {
  const summary = (await redis.client.sendCommand(['XPENDING', stream, group])) as unknown[];
  return Number(summary[0]);
}

async function consumeAll(label: string, prefetch: number, total: number, handlerMs: number) {
  const fixture = makeFixture(label);
  fixtures.push(fixture);
  const stream = `${fixture.prefix}.stream`;
  const group = fixture.queue.name;
  const transport = await RedisTransport.connect({ url: REDIS_URL });
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:prefetch' });
  const publishing: Array<Promise<unknown>> = [];
  for (let i = 0; i < total; i++) publishing.push(client.publish('test.order_shipped', 1, { text: `n${i}` }));
  await Promise.all(publishing);
  const handled = new Set<string>();
  const seen: Array<Promise<number>> = [];
  let running = 0;
  let mostRunning = 0;
  client.on('test.order_shipped', async (data) => {
    // Asked while the entry is being handled: whatever Redis holds then was read under the same bound.
    seen.push(pending(stream, group));
    mostRunning = Math.max(mostRunning, ++running);
    if (handlerMs > 0) await sleep(handlerMs);
    running--;
    handled.add(data.text);
  });
  // And asked continuously from outside, between the consumer's reads and acknowledgements.
  let watching = true;
  const watcher = (async () => {
    while (watching) seen.push(Promise.resolve(await pending(stream, group)));
  })();
  await client.consume(group, { prefetch });
  await waitFor(() => handled.size === total, 20_000, `${total} events handled`);
  watching = false;
  await watcher;
  await waitFor(async () => (await pending(stream, group)) === 0, 5000, 'every entry acknowledged');
  await client.close();
  return { mostPending: Math.max(...(await Promise.all(seen))), mostRunning };
}

describe('Redis consumer prefetch', () => {
  it('holds at most prefetch entries pending when handlers settle at once', async () => {
    const { mostPending, mostRunning } = await consumeAll('prefetch-fast', 10, 400, 0);
    expect(mostPending).toBeLessThanOrEqual(10);
    expect(mostRunning).toBeLessThanOrEqual(10);
  });

  it('holds at most prefetch entries pending when handlers take their time', async () => {
    const { mostPending, mostRunning } = await consumeAll('prefetch-slow', 8, 80, 5);
    expect(mostPending).toBeLessThanOrEqual(8);
    expect(mostRunning).toBeLessThanOrEqual(8);
    expect(mostRunning).toBeGreaterThan(1);
  });
});
