/**
 * Consumer crash: a consumer process killed with SIGKILL mid-batch loses nothing. Its unacked
 * messages go back to the queue and a new consumer receives each of them, flagged redelivered;
 * together the two handled every published event, and the only events handled twice are ones the
 * killed process finished but could not ack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { AmqpTransport, deadLetterQueueName } from '../../runtime/amqp/index.js';
import { RABBITMQ_URL, RawBroker } from './support/amqp.js';
import { makeFixture, sleep, waitFor, type TestEvents } from './support/fixtures.js';

const TOTAL = 500;
const PREFETCH = 20;
const HANDLER_DELAY_MS = 20;
/** Kill once the child has finished this many: well inside the batch (it handles ~PREFETCH per HANDLER_DELAY_MS). */
const KILL_AFTER = 50;
const CHILD_SCRIPT = fileURLToPath(new URL('./support/crash-consumer.mjs', import.meta.url));

const fixture = makeFixture('crash', { maxAttempts: 3, baseDelayMs: 50 });
const queue = fixture.queue.name;
let raw: RawBroker;
let child: ChildProcess | undefined;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  raw = await RawBroker.connect();
});

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ChildReport {
  started: Set<string>;
  done: Set<string>;
  exit: ChildExit | undefined;
  exited: Promise<ChildExit>;
  stderr: string;
}

function startChild(): ChildReport {
  const destination = fixture.registry.find((definition) => definition.type === 'test.order_shipped')?.destination;
  const spec = { url: RABBITMQ_URL, queue: fixture.queue, exchange: fixture.exchange, destination, prefetch: PREFETCH, delayMs: HANDLER_DELAY_MS };
  const proc = spawn(process.execPath, [CHILD_SCRIPT], { env: { ...process.env, ES_CRASH_SPEC: JSON.stringify(spec) }, stdio: ['pipe', 'pipe', 'pipe'] });
  child = proc;
  const report: ChildReport = {
    started: new Set(),
    done: new Set(),
    exit: undefined,
    exited: new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        report.exit = { code, signal };
        resolve(report.exit);
      }),
    ),
    stderr: '',
  };
  let pending = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (report.stderr += chunk));
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [what, id] = line.split(' ');
      if (what === 'start' && id !== undefined) report.started.add(id);
      else if (what === 'done' && id !== undefined) report.done.add(id);
    }
  });
  return report;
}

describe('consumer crash', () => {
  it('a consumer process killed mid-batch: a new consumer receives every unacked message, flagged redelivered', { timeout: 60_000 }, async () => {
    // Publish everything first, so the child works through a backlog.
    const producerTransport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-test-crash-producer', connectTimeoutMs: 5000 });
    closers.push(() => producerTransport.close({ timeoutMs: 2000 }));
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:crash-producer' });
    const envelopes = await Promise.all(Array.from({ length: TOTAL }, (_, i) => producer.publish('test.order_shipped', 1, { text: `crash-${i}` })));
    const published = new Set(envelopes.map((envelope) => envelope.id));
    expect(published.size).toBe(TOTAL);
    expect(await raw.messageCount(queue)).toBe(TOTAL);

    // The doomed consumer: handles slowly, PREFETCH at a time, and is SIGKILLed mid-batch.
    const first = startChild();
    await waitFor(() => first.done.size >= KILL_AFTER || first.exit !== undefined, 20_000, `the child to handle ${KILL_AFTER} events`).catch((error: unknown) => {
      throw new Error(`${String(error)}; child stderr: ${first.stderr}`);
    });
    if (first.exit !== undefined) throw new Error(`the child exited on its own (${JSON.stringify(first.exit)}): ${first.stderr}`);
    child?.kill('SIGKILL');
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    const childDone = new Set(first.done);
    const childStarted = new Set(first.started);
    // Killed mid-batch: some finished, some still running (up to PREFETCH unacked).
    expect(childDone.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(childDone.size).toBeLessThan(TOTAL);
    const interrupted = [...childStarted].filter((id) => !childDone.has(id));
    expect(interrupted.length).toBeGreaterThan(0);
    for (const id of childStarted) expect(published.has(id)).toBe(true);

    // The replacement consumer, in this process.
    const transport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-test-crash-replacement', connectTimeoutMs: 5000 });
    const consumer = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:crash-replacement' });
    closers.push(() => consumer.close({ timeoutMs: 2000 }));
    await transport.declareTopology(fixture.topology);
    const calls: Array<{ id: string; redelivered: boolean }> = [];
    consumer.on('test.order_shipped', 1, (_data, ctx) => void calls.push({ id: ctx.envelope.id, redelivered: ctx.redelivered }));
    await consumer.consume(queue, { prefetch: 50 });

    const union = (): Set<string> => new Set([...childDone, ...calls.map((call) => call.id)]);
    await waitFor(() => union().size >= TOTAL, 20_000, 'every published event handled by one of the two consumers');
    await waitFor(async () => (await raw.messageCount(queue)) === 0 && consumer.health().consumers.every((c) => c.inFlight === 0), 10_000, 'queue drained');
    await sleep(300); // a stray extra delivery would show up here

    const second = new Map(calls.map((call) => [call.id, call.redelivered]));
    // The replacement handled each event once, and together they covered exactly what was published.
    expect(calls).toHaveLength(second.size);
    const all = union();
    expect(all.size).toBe(TOTAL);
    for (const id of all) expect(published.has(id)).toBe(true);
    const overlap = [...childDone].filter((id) => second.has(id));
    expect(second.size).toBe(TOTAL - childDone.size + overlap.length);

    // Every message the child had but did not finish came back, flagged redelivered.
    for (const id of interrupted) expect(second.get(id)).toBe(true);
    // Handled twice only when the kill fell between the handler's end and its ack: a redelivery.
    for (const id of overlap) expect(second.get(id)).toBe(true);
    // Only what the child held unacked (at most its prefetch) is redelivered; the rest is first delivery.
    const redelivered = [...second].filter(([, flag]) => flag).map(([id]) => id);
    expect(redelivered.length).toBeGreaterThanOrEqual(interrupted.length);
    expect(redelivered.length).toBeLessThanOrEqual(PREFETCH);
    for (const [id, flag] of second) if (!flag) expect(childStarted.has(id)).toBe(false);

    expect(consumer.metrics()).toMatchObject({ consumed: second.size, duplicates: 0, deadLettered: 0, retried: 0 });
    expect(await raw.messageCount(deadLetterQueueName(queue))).toBe(0);
    console.info(`consumer crash: child finished ${childDone.size}, interrupted ${interrupted.length}, redelivered ${redelivered.length}, handled twice ${overlap.length}`);
  });
});
