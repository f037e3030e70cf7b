/**
 * `eventsmith dlq inspect|replay --transport redis` against the local Redis: a subscription's dead
 * letters are counted by reason and type without being taken, and replayed to the stream they
 * came from (handled again, successfully) or onto the subscription's own retry stream.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEnvelope, EventClient } from '../../runtime/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { runCli } from '../helpers/cli.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const fixtures: Fixture[] = [];
const redis = await RawRedis.connect();

afterAll(async () => {
  for (const fixture of fixtures) await redis.deleteTopology(fixture.topology);
  await redis.close();
});

async function consumerWithDeadLetters(label: string) {
  const fixture = makeFixture(label, { maxAttempts: 1 });
  fixtures.push(fixture);
  const transport = await RedisTransport.connect({ url: REDIS_URL });
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:dlq' });
  let healthy = false;
  const handled: string[] = [];
  client.on('test.order_shipped', (data) => {
    if (!healthy) throw new Error('downstream is down');
    handled.push(data.text);
  });
  await client.consume(fixture.queue.name);
  for (const text of ['a', 'b', 'c']) await client.publish('test.order_shipped', 1, { text });
  const stream = `${fixture.prefix}.stream`;
  await redis.append(stream, { body: 'not json' });
  await redis.append(stream, { body: JSON.stringify(createEnvelope({ type: 'test.nobody', version: 1, source: 'urn:x', data: {} })) });
  const dlq = redis.names.deadLetters(fixture.queue.name);
  await waitFor(async () => (await redis.deadLetters(fixture.queue.name)).length === 5, 10_000, 'five dead letters');
  return { fixture, client, dlq, handled, heal: () => (healthy = true) };
}

describe('eventsmith dlq on Redis', () => {
  it('inspects a dead-letter stream by reason and type, leaving it as it was', async () => {
    const { client, dlq, fixture } = await consumerWithDeadLetters('dlq-inspect');
    const result = await runCli(['dlq', 'inspect', '--transport', 'redis', '--url', REDIS_URL, '--queue', dlq, '--json'], process.cwd());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { total: number; byReason: Record<string, number>; byType: Record<string, number> };
    expect(report.total).toBe(5);
    expect(report.byReason).toEqual({ 'max-attempts-exceeded': 3, 'invalid-json': 1, 'unknown-type': 1 });
    expect(report.byType).toMatchObject({ 'test.order_shipped': 3, 'test.nobody': 1 });
    expect((await redis.deadLetters(fixture.queue.name)).length).toBe(5);
    await client.close();
  });

  it('replays one event type to the stream it came from, where it is handled again', async () => {
    const { client, dlq, handled, heal, fixture } = await consumerWithDeadLetters('dlq-replay');
    heal();
    const result = await runCli(['dlq', 'replay', '--transport', 'redis', '--url', REDIS_URL, '--queue', dlq, '--event', 'test.order_shipped'], process.cwd());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/replayed 3 of 5/);
    await waitFor(() => handled.length === 3, 10_000, 'replayed events handled');
    expect(handled.sort()).toEqual(['a', 'b', 'c']);
    expect((await redis.deadLetters(fixture.queue.name)).map((letter) => letter.reason).sort()).toEqual(['invalid-json', 'unknown-type']);
    await client.close();
  });

  it('replays onto the subscription that dead-lettered them with --to-queue', async () => {
    const { client, dlq, handled, heal, fixture } = await consumerWithDeadLetters('dlq-to-queue');
    heal();
    const result = await runCli(['dlq', 'replay', '--transport', 'redis', '--url', REDIS_URL, '--queue', dlq, '--event', 'test.order_shipped', '--to-queue', '--limit', '2'], process.cwd());
    expect(result.code, result.stderr).toBe(0);
    await waitFor(() => handled.length === 2, 10_000, 'replayed events handled');
    expect((await redis.deadLetters(fixture.queue.name)).length).toBe(3);
    await client.close();
  });
});
