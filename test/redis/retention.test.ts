/**
 * Stream retention on the local Redis: appends trim by count and by age, and a group that falls
 * further behind than the stream keeps is reported (log and counter) before its entries go.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient, type LogEntry } from '../../runtime/index.js';
import { RedisTransport, type RetentionOptions } from '../../runtime/redis/index.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const fixtures: Fixture[] = [];
const redis = await RawRedis.connect();

afterAll(async () => {
  for (const fixture of fixtures) await redis.deleteTopology(fixture.topology);
  await redis.close();
});

async function publisher(label: string, retention: RetentionOptions) {
  const fixture = makeFixture(label);
  fixtures.push(fixture);
  const logs: LogEntry[] = [];
  const transport = await RedisTransport.connect({ url: REDIS_URL, retention: { watchEveryMs: 100, ...retention }, logger: (entry) => logs.push(entry) });
  // The subscription exists but nobody consumes: every entry stays unread.
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:retention' });
  return { fixture, transport, client, logs, stream: `${fixture.prefix}.stream` };
}

describe('Redis stream retention', () => {
  it('trims by count and warns that a group is further behind than the stream keeps', async () => {
    const { transport, client, logs, stream } = await publisher('retention-count', { maxLength: 5, exact: true });
    for (let i = 0; i < 20; i++) await client.publish('test.order_shipped', 1, { text: `n${i}` });
    expect(Number(await redis.client.sendCommand(['XLEN', stream]))).toBe(5);
    await waitFor(() => transport.health().details!.retentionWarnings > 0, 5000, 'a retention warning');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', event: 'redis.retention.unread_at_risk', stream }));
    await client.close();
  });

  it('trims by age', async () => {
    const { client, stream } = await publisher('retention-age', { maxAgeMs: 200, exact: true });
    for (let i = 0; i < 5; i++) await client.publish('test.order_shipped', 1, { text: `old${i}` });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.publish('test.order_shipped', 1, { text: 'new' });
    expect(Number(await redis.client.sendCommand(['XLEN', stream]))).toBe(1);
    await client.close();
  });

  it('says nothing while every group keeps up', async () => {
    const { transport, client, logs, fixture } = await publisher('retention-quiet', { maxLength: 1000 });
    const handled: string[] = [];
    client.on('test.order_shipped', (data) => void handled.push(data.text));
    await client.consume(fixture.queue.name);
    for (let i = 0; i < 20; i++) await client.publish('test.order_shipped', 1, { text: `n${i}` });
    await waitFor(() => handled.length === 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(transport.health().details!.retentionWarnings).toBe(0);
    expect(logs.filter((entry) => entry.event === 'redis.retention.unread_at_risk')).toEqual([]);
    await client.close();
  });
});
