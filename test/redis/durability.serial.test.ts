/**
 * SERIAL (it starts, crashes and restarts a redis-server of its own): the Redis transport under
 * faults, counting every event whose publish resolved. "Nothing lost" means each such id was
 * handled to completion at least once, or sits in the dead-letter stream with its reason.
 *
 * - a consumer killed with SIGKILL mid-batch: another consumer of the group claims its pending
 *   entries once idle, and finishes them;
 * - Redis crashed (SIGKILL) and restarted from its AOF while a publisher publishes and a consumer
 *   consumes: both recover;
 * - a consumer whose connection Redis closed, then killed: a fresh consumer handles everything;
 * - poison entries dead-lettered with their reasons while the consumer stays healthy.
 *
 * All of it twice: on the machine's Redis 7 (takeover by XAUTOCLAIM) and on Redis 8.6 from
 * scripts/redis-8 (takeover by the read itself, XREADGROUP … CLAIM).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { createEnvelope, EventClient } from '../../runtime/index.js';
import { RedisNames, RedisTransport } from '../../runtime/redis/index.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { makeFixture, sleep, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import type { LogEntry } from '../../runtime/index.js';
import { PrivateRedis, redis8Binary } from './support/private-redis.js';

const CHILD = path.join(REPO_ROOT, 'test/redis/support/fault-consumer.mjs');
const CLAIM_IDLE_MS = 1000;

const SERVERS = [
  { server: 'Redis 7 (XAUTOCLAIM)', binary: () => 'redis-server', takeover: 'XAUTOCLAIM' },
  { server: 'Redis 8.6 (XREADGROUP CLAIM)', binary: redis8Binary, takeover: 'XREADGROUP CLAIM' },
];

describe.each(SERVERS)('Redis transport under faults on $server (serial)', ({ binary, takeover }) => {
let redis: PrivateRedis;

beforeAll(async () => {
  redis = await PrivateRedis.start({ binary: binary() });
}, 600_000);

afterAll(async () => {
  await redis?.stop();
});

interface Child {
  started: Set<string>;
  healthLines: () => string[];
  kill(): Promise<void>;
}

function startConsumer(fixture: Fixture, effects: string, handlerMs: number, prefetch: number): Promise<Child> {
  const args = [CHILD, redis.url, JSON.stringify(fixture.queue), `${fixture.prefix}.stream`, fixture.prefix, effects, String(handlerMs), String(prefetch), String(CLAIM_IDLE_MS)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = new Set<string>();
  const health: string[] = [];
  let buffer = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('started ')) started.add(line.slice('started '.length));
        else if (line.startsWith('health ')) health.push(line.slice('health '.length));
        else if (line === 'ready') resolve({ started, healthLines: () => health, kill: async () => void (child.kill('SIGKILL'), await exited) });
      }
    });
    void exited.then(() => reject(new Error('consumer exited before it was ready')));
  });
}

function completed(effects: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(effects)) return counts;
  for (const id of readFileSync(effects, 'utf8').split('\n').filter(Boolean)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

async function publisher(fixture: Fixture) {
  const transport = await RedisTransport.connect({ url: redis.url, connectionName: 'durability-publisher' });
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:durability' });
  return { transport, client };
}

/** A consumer in this process recording its handler runs, to finish what others left, and how it took entries over. */
async function drainer(fixture: Fixture, effects: string) {
  const claims: LogEntry[] = [];
  const logger = (entry: LogEntry) => void (entry.event === 'redis.consumer.claimed' && claims.push(entry));
  const transport = await RedisTransport.connect({ url: redis.url, connectionName: 'durability-drainer', claimIdleMs: CLAIM_IDLE_MS, logger });
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:drainer' });
  const attempts: number[] = [];
  client.on('test.order_shipped', (_data, ctx) => {
    attempts.push(ctx.attempt);
    appendFileSync(effects, `${ctx.envelope.id}\n`);
  });
  await client.consume(fixture.queue.name, { prefetch: 50 });
  return { client, transport, attempts, claims };
}

  it('a consumer killed mid-batch: another consumer of the group claims its pending entries and finishes them', { timeout: 60_000 }, async () => {
    const fixture = makeFixture('redis-kill', { maxAttempts: 5, baseDelayMs: 50 });
    const effects = path.join(tempDir('eventsmith-redis-kill-'), 'effects.log');
    const { client: producer } = await publisher(fixture);
    const consumer = await startConsumer(fixture, effects, 400, 40);
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await producer.publish('test.order_shipped', 1, { text: `k${i}` })).id);
    await waitFor(() => consumer.started.size >= 60 && completed(effects).size >= 10, 20_000, 'handlers running in the consumer');
    await consumer.kill();
    const byFirst = completed(effects).size;
    const unfinished = [...consumer.started].filter((id) => !completed(effects).has(id)).length;
    const drain = await drainer(fixture, effects);
    await waitFor(() => ids.every((id) => completed(effects).has(id)), 30_000, 'every confirmed event handled');
    console.info(`redis kill -9 mid-batch: 200 confirmed; first consumer completed ${byFirst}, was running ${unfinished} when killed; the second took them over (attempts ≥ 2: ${drain.attempts.filter((a) => a >= 2).length})`);
    expect(unfinished).toBeGreaterThan(0);
    expect(drain.attempts.filter((attempt) => attempt >= 2).length).toBeGreaterThanOrEqual(unfinished);
    // Taken over the way this server allows, each with the delivery count Redis keeps for it.
    expect(drain.claims.length).toBeGreaterThanOrEqual(unfinished);
    expect(new Set(drain.claims.map((claim) => claim.by))).toEqual(new Set([takeover]));
    expect(drain.claims.every((claim) => typeof claim.deliveries === 'number' && claim.deliveries >= 2)).toBe(true);
    await drain.client.close();
    await producer.close();
  });

  it('Redis crashed and restarted from its AOF mid-stream: publisher and consumer recover, every confirmed event is handled', { timeout: 90_000 }, async () => {
    const fixture = makeFixture('redis-restart', { maxAttempts: 5, baseDelayMs: 50 });
    const effects = path.join(tempDir('eventsmith-redis-restart-'), 'effects.log');
    const { client: producer, transport: producerTransport } = await publisher(fixture);
    const drain = await drainer(fixture, effects);
    const confirmed: string[] = [];
    let failed = 0;
    const publishes: Array<Promise<void>> = [];
    for (let i = 0; i < 1500; i++) {
      if (i === 500) {
        await redis.crash();
        setTimeout(() => void redis.restart(), 500);
      }
      publishes.push(producer.publish('test.order_shipped', 1, { text: `r${i}` }).then((envelope) => void confirmed.push(envelope.id), () => void failed++));
      if (i % 50 === 0) await sleep(5);
    }
    await Promise.all(publishes);
    await waitFor(() => confirmed.every((id) => completed(effects).has(id)), 45_000, 'every confirmed event handled');
    await waitFor(() => drain.transport.health().status === 'connected' && producerTransport.health().status === 'connected', 10_000, 'both connected');
    console.info(`redis crash and AOF restart: published 1500, confirmed ${confirmed.length}, failed ${failed}, handled ${completed(effects).size}, reconnects producer ${producerTransport.health().reconnects} consumer ${drain.transport.health().reconnects}`);
    expect(confirmed.length).toBeGreaterThan(1000);
    expect(drain.transport.health().healthy).toBe(true);
    // One lost connection is one reconnect, however many attempts it took (as on RabbitMQ).
    expect([producerTransport.health().reconnects, drain.transport.health().reconnects]).toEqual([1, 1]);
    await drain.client.close();
    await producer.close();
  });

  it('a consumer whose connection Redis closed, then killed: a fresh consumer handles every confirmed event', { timeout: 60_000 }, async () => {
    const fixture = makeFixture('redis-disconnect-kill', { maxAttempts: 5, baseDelayMs: 50 });
    const effects = path.join(tempDir('eventsmith-redis-disconnect-'), 'effects.log');
    const { client: producer } = await publisher(fixture);
    const consumer = await startConsumer(fixture, effects, 8000, 100);
    const ids: string[] = [];
    for (let i = 0; i < 150; i++) ids.push((await producer.publish('test.order_shipped', 1, { text: `d${i}` })).id);
    await waitFor(() => consumer.started.size >= 100, 10_000, 'handlers running');
    // Redis closes every client connection (the test's own server: nobody else is on it).
    const admin = createClient({ url: redis.url });
    await admin.connect();
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
    await admin.close();
    await waitFor(() => consumer.healthLines().some((line) => (JSON.parse(line) as { reconnects: number }).reconnects >= 1), 10_000, 'the consumer to reconnect');
    await consumer.kill();
    const running = [...consumer.started].filter((id) => !completed(effects).has(id)).length;
    expect(running).toBeGreaterThan(0);
    const drain = await drainer(fixture, effects);
    await waitFor(() => ids.every((id) => completed(effects).has(id)), 30_000, 'every confirmed event handled');
    console.info(`redis disconnect then kill: 150 confirmed, ${running} were running when killed, all handled by a fresh consumer`);
    await drain.client.close();
    await producer.close();
  });

  it('poison entries are dead-lettered with their reasons while the consumer stays healthy', { timeout: 30_000 }, async () => {
    const fixture = makeFixture('redis-poison', { maxAttempts: 2, baseDelayMs: 20 });
    const transport = await RedisTransport.connect({ url: redis.url, maxMessageBytes: 2048 });
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:poison' });
    const handled: string[] = [];
    client.on('test.order_shipped', (data) => void handled.push(data.text));
    await client.consume(fixture.queue.name);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const stream = `${fixture.prefix}.stream`;
    const append = (body: string) => raw.sendCommand(['XADD', stream, '*', 'body', body]);
    await append('{not json');
    await append(JSON.stringify(createEnvelope({ type: 'test.nobody', version: 1, source: 'urn:x', data: {} })));
    await append(JSON.stringify(createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 42 } })));
    await append(JSON.stringify(createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 'x'.repeat(4096) } })));
    await client.publish('test.order_shipped', 1, { text: 'valid' });
    const names = new RedisNames();
    const letters = async () => (await raw.sendCommand(['XRANGE', names.deadLetters(fixture.queue.name), '-', '+'])) as Array<[string, string[]]>;
    await waitFor(async () => (await letters()).length === 4 && handled.length === 1, 10_000, 'four dead letters and the valid event');
    const reasons = (await letters()).map(([, values]) => values[values.indexOf('reason') + 1]).sort();
    expect(reasons).toEqual(['invalid-json', 'message-too-large', 'unknown-type', 'validation-failed']);
    expect(handled).toEqual(['valid']);
    expect(transport.health().healthy).toBe(true);
    await raw.close();
    await client.close();
  });
});

