// SERIAL (by the fault list; it disturbs no one): a consumer process killed with SIGKILL after its
// handler ran but before its ack, and killed mid-handler, with an idempotency store shared by
// processes (a folder of claim files). The store decides: a completed id redelivered to the next
// consumer is acknowledged as a duplicate; an id claimed by a dead process is retried until the
// claim's lease runs out, then handled. Each event's effect happens exactly once.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { AmqpTransport } from '../../runtime/amqp/index.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { Broker, RABBITMQ_URL } from './support/broker.js';
import { restoreBroker } from './support/faults.js';

const CHILD = path.join(REPO_ROOT, 'test/hardening/support/crash-consumer.mjs');
const fixtures: Fixture[] = [];

afterAll(async () => {
  await restoreBroker();
  const broker = await Broker.connect();
  for (const fixture of fixtures) await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stop(): void;
}

function startConsumer(fixture: Fixture, prefix: string, store: string, effects: string, mode: 'after-complete' | 'mid-handler' | 'none', killAt: number): Promise<Child> {
  const child = spawn(process.execPath, [CHILD, RABBITMQ_URL, JSON.stringify(fixture.queue), fixture.exchange, prefix, store, effects, mode, String(killAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve({ exited, stdout: () => out, stop: () => child.kill('SIGTERM') });
    });
    void exited.then(({ code, signal }) => reject(new Error(`consumer exited before it was ready (${code ?? signal})`)));
  });
}

function effectCounts(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(file)) return counts;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const id = line.split(' ')[0]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function scenario(mode: 'after-complete' | 'mid-handler') {
  const TOTAL = 200;
  const KILL_AT = 50;
  // Retries (for an id claimed elsewhere) wait 0.4, 0.6, 0.9, 1.35 s…: longer in sum than the 1.5 s lease.
  const fixture = makeFixture(`fault-kill-${mode}`, { maxAttempts: 8, baseDelayMs: 400, factor: 1.5 });
  fixtures.push(fixture);
  const prefix = fixture.queue.name.replace(/\.events$/, '');
  const dir = tempDir('eventsmith-kill-');
  const store = path.join(dir, 'store');
  const effects = path.join(dir, 'effects.log');

  const transport = await AmqpTransport.connect({ url: RABBITMQ_URL });
  await transport.declareTopology(fixture.topology);
  const producer = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:kill' });
  const ids: string[] = [];
  for (let i = 0; i < TOTAL; i++) ids.push((await producer.publish('test.order_shipped', 1, { text: `kill-${i}` })).id);
  await producer.close();

  const first = await startConsumer(fixture, prefix, store, effects, mode, KILL_AT);
  const death = await first.exited;
  expect(death.signal).toBe('SIGKILL');
  const byFirst = effectCounts(effects).size;

  const second = await startConsumer(fixture, prefix, store, effects, 'none', 0);
  const broker = await Broker.connect();
  try {
    await waitFor(async () => effectCounts(effects).size === TOTAL && (await broker.messageCount(fixture.queue.name)) === 0, 60_000, 'every event handled');
    second.stop();
    await second.exited;
    const report = JSON.parse(second.stdout().trim().split('\n').pop()!) as { handled: number; metrics: { consumed: number; duplicates: number; retried: number; deadLettered: number } };
    const counts = effectCounts(effects);
    const dlq = await broker.messageCount(`${fixture.queue.name}.dlq`);
    console.info(`consumer killed ${mode} at #${KILL_AT}: first process effects ${byFirst}, second process handler runs ${report.handled}, duplicates ${report.metrics.duplicates}, retried ${report.metrics.retried}, effects ${[...counts.values()].reduce((a, b) => a + b, 0)} for ${counts.size} ids, DLQ ${dlq}`);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(dlq).toBe(0);
    return { byFirst, report };
  } finally {
    await broker.close();
  }
}

describe('consumer process killed around its ack, idempotency store shared by processes (serial)', () => {
  it('killed after the handler ran and completion was recorded, before the ack: the next consumer acks it as a duplicate', { timeout: 120_000 }, async () => {
    const { byFirst, report } = await scenario('after-complete');
    expect(byFirst).toBe(50);
    expect(report.metrics).toMatchObject({ duplicates: 1, retried: 0, deadLettered: 0, consumed: 150 });
    expect(report.handled).toBe(150);
  });

  it('killed mid-handler, before its work: the next consumer retries while the claim is live, then handles it once', { timeout: 120_000 }, async () => {
    const { byFirst, report } = await scenario('mid-handler');
    expect(byFirst).toBe(49);
    expect(report.metrics.duplicates).toBe(0);
    expect(report.metrics.retried).toBeGreaterThanOrEqual(1);
    expect(report.metrics).toMatchObject({ deadLettered: 0, consumed: 151 });
    expect(report.handled).toBe(151);
  });
});
