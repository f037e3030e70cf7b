// `eventsmith dlq inspect` and `dlq replay` against the real broker: counts, samples, order kept,
// confirms before acks, and an interrupted replay (the process killed midway) that loses nothing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, EventClient, NonRetryableError } from '../../runtime/index.js';
import { AmqpTransport, deadLetterQueueName } from '../../runtime/amqp/index.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { makeFixture, sleep, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { Broker, drainUntil, RABBITMQ_URL, type RawMessage } from '../hardening/support/broker.js';

const TYPES = ['test.order_shipped', 'test.low_note', 'test.order_placed'] as const;
const REASONS = ['validation-failed', 'max-attempts-exceeded', 'non-retryable', 'unhandled-type'] as const;

let broker: Broker;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  broker = await Broker.connect();
});

afterAll(async () => {
  for (const fixture of fixtures) await broker.deleteTopology(fixture.topology);
  await broker.close();
});

/** A fixture with its topology declared (queue, DLX, DLQ, retry queues), nobody consuming. */
async function declared(label: string): Promise<Fixture & { dlq: string; keyOf: (type: string) => string }> {
  const fixture = makeFixture(label);
  fixtures.push(fixture);
  const transport = await AmqpTransport.connect({ url: RABBITMQ_URL });
  await transport.declareTopology(fixture.topology);
  await transport.close();
  const keyOf = (type: string) => fixture.registry.find((d) => d.type === type)!.destination;
  return { ...fixture, dlq: deadLetterQueueName(fixture.queue.name), keyOf };
}

function payloadFor(type: (typeof TYPES)[number], i: number): unknown {
  return type === 'test.order_placed' ? { orderId: `o-${i}`, quantity: i + 1 } : { text: `m-${i}` };
}

interface Planted {
  id: string;
  type: string;
  reason: string;
}

/** Puts `count` dead letters on the DLQ exactly as the runtime's consumer writes them. */
async function plant(fixture: Awaited<ReturnType<typeof declared>>, count: number, override: (i: number) => Partial<{ exchange: string; routingKey: string; noOrigin: boolean }> = () => ({})): Promise<Planted[]> {
  const planted: Planted[] = [];
  const items = Array.from({ length: count }, (_, i) => {
    const type = TYPES[i % TYPES.length]!;
    const reason = REASONS[Math.floor(i / 3) % REASONS.length]!;
    const envelope = createEnvelope({ type, version: 1, source: 'urn:test:dlq', data: payloadFor(type, i) });
    planted.push({ id: envelope.id, type, reason });
    const o = override(i);
    const headers: Record<string, unknown> = {
      'x-death-reason': reason,
      'x-eventsmith-error': `failure ${i}`,
      'x-eventsmith-attempts': 3,
      'x-eventsmith-attempt': 3,
      'x-eventsmith-queue': fixture.queue.name,
      'x-eventsmith-dead-lettered-at': new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)).toISOString(),
    };
    if (!o.noOrigin) {
      headers['x-eventsmith-original-exchange'] = o.exchange ?? fixture.exchange;
      headers['x-eventsmith-original-routing-key'] = o.routingKey ?? fixture.keyOf(type);
    }
    return {
      exchange: '',
      routingKey: fixture.dlq,
      content: JSON.stringify(envelope),
      options: { messageId: envelope.id, type, contentType: 'application/cloudevents+json; charset=utf-8', headers },
    };
  });
  await broker.publishMany(items);
  return planted;
}

function idsOf(messages: RawMessage[]): string[] {
  return messages.map((m) => m.messageId ?? '');
}

function tally<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('eventsmith dlq inspect', () => {
  it('counts by reason and event type, shows samples, and leaves every message in place and in order', async () => {
    const fixture = await declared('dlq-inspect');
    // Three real dead letters from the runtime first, then planted ones.
    const transport = await AmqpTransport.connect({ url: RABBITMQ_URL });
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:dlq' });
    client.on('test.order_shipped', () => {
      throw new NonRetryableError('refused by a business rule');
    });
    await client.consume(fixture.queue.name);
    await broker.sendToQueue(fixture.queue.name, 'not json', { messageId: 'real-junk' });
    await client.publish('test.order_shipped', 1, { text: 'refused' });
    await broker.sendToQueue(fixture.queue.name, JSON.stringify(createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 5 } })), { messageId: 'real-invalid' });
    await waitFor(async () => (await broker.messageCount(fixture.dlq)) === 3, 5000, 'three real dead letters');
    await client.close({ timeoutMs: 2000 });
    const planted = await plant(fixture, 250);

    const result = await runCli(['dlq', 'inspect', '--queue', fixture.dlq, '--json', '--url', RABBITMQ_URL], REPO_ROOT);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { total: number; inspected: number; byReason: Record<string, number>; byType: Record<string, number>; samples: Array<{ reason: string; position: number; body: string; origin?: unknown }> };
    expect(report.total).toBe(253);
    expect(report.inspected).toBe(253);
    const reasons = tally(planted, (p) => p.reason);
    reasons['invalid-json'] = 1;
    reasons['non-retryable'] = (reasons['non-retryable'] ?? 0) + 1;
    reasons['validation-failed'] = (reasons['validation-failed'] ?? 0) + 1;
    expect(report.byReason).toEqual(reasons);
    const types = tally(planted, (p) => p.type);
    types['(unreadable)'] = 1;
    types['test.order_shipped'] = (types['test.order_shipped'] ?? 0) + 2;
    expect(report.byType).toEqual(types);
    for (const [reason, n] of Object.entries(tally(report.samples, (s) => s.reason))) expect(n, reason).toBeLessThanOrEqual(3);
    expect(new Set(report.samples.map((s) => s.reason))).toEqual(new Set(Object.keys(reasons)));
    expect(report.samples.find((s) => s.reason === 'invalid-json')?.body).toBe('not json');

    // The broker requeues what the first inspection returned asynchronously; wait until all are back.
    await waitFor(async () => (await broker.messageCount(fixture.dlq)) === 253, 5000, 'inspected messages back in the queue');
    const text = await runCli(['dlq', 'inspect', '--queue', fixture.dlq, '--url', RABBITMQ_URL], REPO_ROOT);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/holds 253 messages; 253 inspected and returned in order/);
    expect(text.stdout).toMatch(/by reason:\n(.|\n)*validation-failed +\d+/);

    // Nothing lost, nothing reordered: the queue reads back exactly as it was filled.
    const after = await drainUntil(broker, fixture.dlq, 253);
    expect(after).toHaveLength(253);
    expect(idsOf(after).slice(3)).toEqual(planted.map((p) => p.id));
    // The three real dead letters first (their relative order depends on the consumer's concurrency).
    expect(after.slice(0, 3).map((m) => m.content)).toContain('not json');
    expect(after.every((m) => m.redelivered)).toBe(true);
  });

  it('fails clearly on a missing queue or an unreachable broker', async () => {
    const missing = await runCli(['dlq', 'inspect', '--queue', 'es-test.no-such-queue', '--url', RABBITMQ_URL], REPO_ROOT);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/queue 'es-test\.no-such-queue' does not exist \(the dead-letter queue of 'es-test\.no-such-queue' is 'es-test\.no-such-queue\.dlq'\)/);
    const down = await runCli(['dlq', 'inspect', '--queue', 'x.dlq', '--url', 'amqp://guest:secret@127.0.0.1:1'], REPO_ROOT);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1/);
    expect(down.stderr).not.toContain('secret');
    const usage = await runCli(['dlq', 'peek', '--queue', 'x'], REPO_ROOT);
    expect(usage.code).toBe(2);
  });
});

describe('eventsmith dlq replay', () => {
  it('--event and --limit move only the chosen messages, with confirms, to their original exchange; a consumer then handles them', async () => {
    const fixture = await declared('dlq-replay');
    const planted = await plant(fixture, 120);
    const shipped = planted.filter((p) => p.type === 'test.order_shipped');

    const first = await runCli(['dlq', 'replay', '--queue', fixture.dlq, '--event', 'test.order_shipped', '--limit', '25', '--url', RABBITMQ_URL], REPO_ROOT);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/replayed 25 of 120 messages/);
    expect(await broker.messageCount(fixture.queue.name)).toBe(25);
    expect(await broker.messageCount(fixture.dlq)).toBe(95);
    const moved = await drainUntil(broker, fixture.queue.name, 25);
    expect(idsOf(moved)).toEqual(shipped.slice(0, 25).map((p) => p.id));
    for (const message of moved) {
      expect(message.exchange).toBe(fixture.exchange);
      expect(message.routingKey).toBe(fixture.keyOf('test.order_shipped'));
      expect(message.headers['x-eventsmith-replayed']).toBe(1);
      for (const gone of ['x-death-reason', 'x-eventsmith-error', 'x-eventsmith-attempt', 'x-eventsmith-attempts', 'x-eventsmith-queue']) expect(message.headers[gone], gone).toBeUndefined();
    }
    // The rest stayed in the DLQ, in their original relative order.
    const remaining = planted.filter((p) => !moved.some((m) => m.messageId === p.id));
    const peek = await runCli(['dlq', 'inspect', '--queue', fixture.dlq, '--json', '--url', RABBITMQ_URL], REPO_ROOT);
    expect(JSON.parse(peek.stdout).total).toBe(95);

    // Put the 25 back through the exchange as they were, then replay everything to a live consumer.
    await broker.publishMany(moved.map((m) => ({ exchange: '', routingKey: fixture.dlq, content: m.bytes, options: { messageId: m.messageId!, type: 'test.order_shipped', headers: { 'x-death-reason': 'validation-failed', 'x-eventsmith-original-exchange': fixture.exchange, 'x-eventsmith-original-routing-key': fixture.keyOf('test.order_shipped'), 'x-eventsmith-queue': fixture.queue.name } } })));
    const transport = await AmqpTransport.connect({ url: RABBITMQ_URL });
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:dlq' });
    const handled: string[] = [];
    for (const type of TYPES) client.on(type, 1 as never, ((_data: unknown, ctx: { envelope: { id: string } }) => void handled.push(ctx.envelope.id)) as never);
    await client.consume(fixture.queue.name, { prefetch: 1 });
    const all = await runCli(['dlq', 'replay', '--queue', fixture.dlq, '--url', RABBITMQ_URL], REPO_ROOT);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/replayed 120 of 120 messages/);
    await waitFor(() => handled.length === 120, 10_000, 'every replayed message handled');
    expect(handled).toEqual([...remaining.map((p) => p.id), ...shipped.slice(0, 25).map((p) => p.id)]);
    expect(client.metrics()).toMatchObject({ consumed: 120, deadLettered: 0, retried: 0 });
    expect(await broker.messageCount(fixture.dlq)).toBe(0);
    await client.close({ timeoutMs: 2000 });
  });

  it('leaves in place what it cannot move: no origin, no queue bound, a missing exchange (exit code 1)', async () => {
    const fixture = await declared('dlq-stuck');
    const planted = await plant(fixture, 9, (i) => (i === 1 ? { noOrigin: true } : i === 4 ? { routingKey: 'nobody.listens.here' } : i === 7 ? { exchange: 'es-test.exchange-that-was-deleted' } : {}));
    const result = await runCli(['dlq', 'replay', '--queue', fixture.dlq, '--url', RABBITMQ_URL], REPO_ROOT);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/replayed 6 of 9 messages .*; 3 left in the queue/);
    expect(result.stdout).toMatch(/1 without origin headers/);
    expect(result.stdout).toMatch(/2 could not be routed/);
    const main = await drainUntil(broker, fixture.queue.name, 6);
    expect(idsOf(main)).toEqual(planted.filter((_p, i) => ![1, 4, 7].includes(i)).map((p) => p.id));
    const left = await drainUntil(broker, fixture.dlq, 3);
    expect(idsOf(left)).toEqual([planted[1]!.id, planted[4]!.id, planted[7]!.id]);
  });

  it('--to-queue sends each message onto the queue that dead-lettered it, not to every queue bound to its routing key', async () => {
    const fixture = await declared('dlq-to-queue');
    // Another service's queue bound to the same exchange must not see the replay.
    const other = `${fixture.queue.name}.other`;
    await broker.declareBoundQueue(other, fixture.exchange, '#');
    try {
      const planted = await plant(fixture, 6);
      const result = await runCli(['dlq', 'replay', '--queue', fixture.dlq, '--to-queue', '--url', RABBITMQ_URL], REPO_ROOT);
      expect(result.code, result.stderr).toBe(0);
      const main = await drainUntil(broker, fixture.queue.name, 6);
      expect(idsOf(main)).toEqual(planted.map((p) => p.id));
      expect(main.every((m) => m.exchange === '' && m.headers['x-eventsmith-original-exchange'] === fixture.exchange)).toBe(true);
      expect(await broker.messageCount(other)).toBe(0);
    } finally {
      await broker.deleteQueues(other);
    }
  });

  it('killed midway (SIGKILL), every message is in the DLQ or back in the main queue, at most a window (100) in both', { timeout: 120_000 }, async () => {
    const fixture = await declared('dlq-interrupt');
    const TOTAL = 20_000;
    const planted: Planted[] = [];
    for (let batch = 0; batch < TOTAL / 1000; batch++) planted.push(...(await plant(fixture, 1000)));
    expect(await broker.messageCount(fixture.dlq)).toBe(TOTAL);

    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/eventsmith.js'), 'dlq', 'replay', '--queue', fixture.dlq, '--url', RABBITMQ_URL], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let atKill = 0;
    try {
      await waitFor(async () => (atKill = await broker.messageCount(fixture.queue.name)) >= TOTAL / 4, 60_000, 'replay under way');
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    // The broker requeues the message the dead process held; wait for the counts to settle.
    let last = -1;
    for (;;) {
      const now = (await broker.messageCount(fixture.queue.name)) * 100_000 + (await broker.messageCount(fixture.dlq));
      if (now === last) break;
      last = now;
      await sleep(300);
    }
    const main = await broker.drain(fixture.queue.name);
    const dlq = await broker.drain(fixture.dlq);
    const mainIds = idsOf(main);
    const dlqIds = idsOf(dlq);
    const inBoth = mainIds.filter((id) => dlqIds.includes(id));
    console.info(`interrupted replay: ${TOTAL} dead letters, killed with ${atKill} moved; main queue ${mainIds.length}, DLQ ${dlqIds.length}, in both ${inBoth.length}`);
    expect(mainIds.length).toBeGreaterThan(0);
    expect(dlqIds.length).toBeGreaterThan(0);
    // Exact accounting: each id exactly once across both queues, plus at most one copy in both.
    expect(new Set(mainIds).size).toBe(mainIds.length);
    expect(new Set(dlqIds).size).toBe(dlqIds.length);
    expect(new Set([...mainIds, ...dlqIds])).toEqual(new Set(planted.map((p) => p.id)));
    expect(inBoth.length).toBeLessThanOrEqual(100);
    expect(mainIds.length + dlqIds.length).toBe(TOTAL + inBoth.length);
    // Both keep the original order: the main queue a prefix, the DLQ the rest.
    expect(mainIds).toEqual(planted.slice(0, mainIds.length).map((p) => p.id));
    expect(dlqIds.filter((id) => !inBoth.includes(id))).toEqual(planted.slice(mainIds.length).map((p) => p.id));
  });
});
