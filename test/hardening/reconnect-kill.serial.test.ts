// SERIAL (closes every connection on the broker): a consumer with the default, in-memory idempotency
// store has every handler in flight when the broker closes its connection. The transport
// reconnects and the broker redelivers the unacked messages to the new channel while the original
// handlers still run (their acks can no longer reach the broker: their channel is gone). The
// process is then killed with SIGKILL before any handler finished. No copy may have been acked on
// the strength of a handler that never completed: a fresh consumer must get, and handle, every
// event the publisher had confirmed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { AmqpTransport, subscriptionObjects } from '../../runtime/amqp/index.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';
import { makeFixture, sleep, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { Broker, RABBITMQ_URL } from './support/broker.js';
import { rabbitmqctl, waitForBroker } from './support/faults.js';

const CHILD = path.join(REPO_ROOT, 'test/hardening/support/reconnect-kill-consumer.mjs');
const TOTAL = 300;
/** Longer than everything between the first deliveries and the kill (rabbitmqctl alone takes a second or two). */
const HANDLER_MS = 12_000;
const PREFETCH = 1000;

const fixtures: Fixture[] = [];
const children = new Set<{ kill(signal: NodeJS.Signals): boolean }>();

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await waitForBroker(30_000).catch(() => {});
  const broker = await Broker.connect();
  for (const fixture of fixtures) await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 60_000);

interface Status {
  delivered: number;
  redelivered: number;
  started: number;
  completed: number;
  reconnects: number;
  status: string;
  inFlight: number;
  metrics: Record<string, number>;
}

function startConsumer(fixture: Fixture, completions: string) {
  const prefix = fixture.queue.name.replace(/\.events$/, '');
  const args = [CHILD, RABBITMQ_URL, JSON.stringify(fixture.queue), fixture.exchange, prefix, completions, String(HANDLER_MS), String(PREFETCH)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let out = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      exit = { code, signal };
      resolve(exit);
    }),
  );
  child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
  const status = (): Status | undefined => {
    const line = out.trimEnd().split('\n').reverse().find((l) => l.startsWith('status '));
    return line === undefined ? undefined : (JSON.parse(line.slice('status '.length)) as Status);
  };
  /** Waits for a status line that satisfies `check`; fails at once if the child died. */
  const until = async (check: (status: Status) => boolean, timeoutMs: number, what: string): Promise<Status> => {
    await waitFor(
      () => {
        if (exit !== undefined) throw new Error(`consumer exited (${exit.code ?? exit.signal}) while waiting for ${what}; last ${JSON.stringify(status())}`);
        const current = status();
        return current !== undefined && check(current);
      },
      timeoutMs,
      what,
    );
    return status()!;
  };
  return { child, exited, status, until };
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('consumer killed after a reconnect, redeliveries of running handlers in hand (serial)', () => {
  it('every confirmed event is handled to completion afterwards: a copy of a running handler is never acked', { timeout: 60_000 }, async () => {
    const fixture = makeFixture('reconnect-kill', { maxAttempts: 5, baseDelayMs: 200 });
    fixtures.push(fixture);
    const completions = path.join(tempDir('eventsmith-reconnect-kill-'), 'completions.log');

    // Publish and keep every id the broker confirmed.
    const producerTransport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'reconnect-kill-producer' });
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:reconnect-kill' });
    const results = await Promise.allSettled(Array.from({ length: TOTAL }, (_, i) => producer.publish('test.order_shipped', 1, { text: `reconnect-kill-${i}` })));
    await producer.close();
    const confirmed = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.id] : []));
    expect(confirmed).toHaveLength(TOTAL);

    // Every handler running, then the broker closes the consumer's connection.
    const consumer = startConsumer(fixture, completions);
    await consumer.until((s) => s.started === TOTAL, 15_000, 'every handler running');
    await rabbitmqctl('close_all_connections', 'test');
    // Reconnected, and the broker handed every unacked message over again on the new channel.
    const before = await consumer.until((s) => s.reconnects >= 1 && s.redelivered >= TOTAL, 20_000, 'reconnect and redeliveries');
    // Whatever the client decides about those copies reaches the broker in this pause.
    await sleep(500);
    const atKill = consumer.status()!;
    consumer.child.kill('SIGKILL');
    expect((await consumer.exited).signal).toBe('SIGKILL');
    // The scenario: killed mid-handler, no original handler had finished.
    expect(lines(completions)).toHaveLength(0);

    // A fresh consumer drains the queue.
    const handled = new Set<string>();
    const drainTransport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'reconnect-kill-drain' });
    await drainTransport.declareTopology(fixture.topology);
    const drainer = new EventClient<TestEvents>({ transport: drainTransport, registry: fixture.registry, source: 'urn:test:reconnect-kill-drain' });
    drainer.on('test.order_shipped', 1, (_data, ctx) => void handled.add(ctx.envelope.id));
    await drainer.consume(fixture.queue.name, { prefetch: 100 });
    const broker = await Broker.connect();
    try {
      const names = subscriptionObjects(fixture.queue).queues.filter((name) => !name.endsWith('.dlq'));
      const pending = async () => (await Promise.all(names.map((name) => broker.messageCount(name)))).reduce((a, b) => a + b, 0);
      const done = new Set(lines(completions));
      const missing = () => confirmed.filter((id) => !handled.has(id) && !done.has(id));
      // Until everything was handled, or nothing is left anywhere to handle (the queue, its retry
      // queues, the consumer) for a good while.
      let idleSince: number | undefined;
      await waitFor(
        async () => {
          if (missing().length === 0) return true;
          const idle = (await pending()) === 0 && drainer.health().consumers.every((c) => c.inFlight === 0);
          if (!idle) idleSince = undefined;
          else idleSince ??= Date.now();
          return idleSince !== undefined && Date.now() - idleSince > 1500;
        },
        30_000,
        'every confirmed event handled, or the queues empty',
      );
      await drainer.close({ timeoutMs: 5000 });
      const dead = await broker.drain(`${fixture.queue.name}.dlq`);
      const lost = missing();
      console.info(
        `reconnect-kill: confirmed ${confirmed.length}; consumer before the kill: ${JSON.stringify(atKill)} (reconnected after ${before.redelivered} redeliveries); ` +
          `handled to completion by the killed consumer ${done.size}, by the fresh one ${handled.size}; dead-lettered ${dead.length}; LOST ${lost.length} of ${confirmed.length}`,
      );
      expect(dead.map((letter) => `${letter.messageId}: ${String(letter.reason)}`)).toEqual([]);
      expect({ lost: lost.length, sample: lost.slice(0, 3) }).toEqual({ lost: 0, sample: [] });
    } finally {
      await drainer.close({ timeoutMs: 1000 }).catch(() => {});
      await broker.close();
    }
  });
});
