/**
 * Two consumer processes of one service, sharing a RedisIdempotencyStore, consume one RabbitMQ
 * queue while every event is published twice with the same id (a publisher re-send): each event's
 * handler runs exactly once across both processes, while both are alive.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { AmqpTransport } from '../../runtime/amqp/index.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { Broker, RABBITMQ_URL } from '../hardening/support/broker.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { RawRedis } from '../integration/support/redis.js';

const CHILD = path.join(REPO_ROOT, 'test/redis/support/store-consumer.mjs');
const fixture = makeFixture('shared-store', { maxAttempts: 10, baseDelayMs: 50, factor: 1.5 });
const keyPrefix = `es-test.store.${randomUUID().slice(0, 8)}:`;

afterAll(async () => {
  const broker = await Broker.connect();
  await broker.deleteTopology(fixture.topology);
  await broker.close();
  const redis = await RawRedis.connect();
  const keys = (await redis.client.sendCommand(['KEYS', `${keyPrefix}*`])) as string[];
  if (keys.length > 0) await redis.client.del(keys);
  await redis.close();
});

function startConsumer(effects: string) {
  const child = spawn(process.execPath, [CHILD, RABBITMQ_URL, JSON.stringify(fixture.queue), fixture.exchange, fixture.prefix, effects, keyPrefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve();
    });
    void exited.then(() => reject(new Error(`consumer exited early: ${out}`)));
  });
  return { ready, exited, stop: () => child.kill('SIGTERM'), metrics: () => JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number> };
}

describe('two consumer processes sharing a RedisIdempotencyStore', () => {
  it('run each event once while both are alive, though every event arrives twice', { timeout: 60_000 }, async () => {
    const TOTAL = 200;
    const effects = path.join(tempDir('eventsmith-shared-store-'), 'effects.log');
    const transport = await AmqpTransport.connect({ url: RABBITMQ_URL });
    await transport.declareTopology(fixture.topology);
    const consumers = [startConsumer(effects), startConsumer(effects)];
    await Promise.all(consumers.map((consumer) => consumer.ready));
    const producer = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:shared-store' });
    const ids: string[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const id = randomUUID();
      ids.push(id);
      // The same envelope id twice in a row: the copies land on both processes at once.
      await Promise.all([producer.publish('test.order_shipped', 1, { text: `e${i}` }, { id }), producer.publish('test.order_shipped', 1, { text: `e${i}` }, { id })]);
    }
    const lines = () => (existsSync(effects) ? readFileSync(effects, 'utf8').trim().split('\n').filter(Boolean) : []);
    const broker = await Broker.connect();
    await waitFor(async () => new Set(lines().map((line) => line.split(' ')[0])).size === TOTAL && (await broker.messageCount(fixture.queue.name)) === 0, 40_000, 'every event handled');
    // Let retried copies (claimed elsewhere while the first ran) come back and be recognised as duplicates.
    await waitFor(async () => {
      let waiting = 0;
      for (let level = 1; level <= 9; level++) waiting += await broker.messageCount(`${fixture.queue.name}.retry.${level}`).catch(() => 0);
      return waiting === 0 && (await broker.messageCount(fixture.queue.name)) === 0;
    }, 20_000, 'no copies left waiting');
    await broker.close();
    for (const consumer of consumers) consumer.stop();
    await Promise.all(consumers.map((consumer) => consumer.exited));
    const perId = new Map<string, number>();
    for (const line of lines()) perId.set(line.split(' ')[0]!, (perId.get(line.split(' ')[0]!) ?? 0) + 1);
    const pids = new Set(lines().map((line) => line.split(' ')[1]));
    const metrics = consumers.map((consumer) => consumer.metrics());
    console.info(`shared store: ${TOTAL} events × 2 copies; handler runs ${lines().length} in ${pids.size} processes; duplicates ${metrics.map((m) => m.duplicates).join('+')}, retried ${metrics.map((m) => m.retried).join('+')}`);
    expect([...perId.keys()].sort()).toEqual([...ids].sort());
    expect([...perId.values()].every((count) => count === 1)).toBe(true);
    expect(pids.size).toBe(2);
    await producer.close();
  });
});
