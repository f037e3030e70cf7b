/**
 * A member of a consumer group killed with SIGKILL while its handlers run: its partitions move to
 * the other member once its session expires, and every event whose handler it had not completed is
 * handled again there (it committed only what had settled, in order). Nothing is lost: each
 * published id is handled to completion by one of the two at least once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import type { KafkaTransport } from '../../runtime/kafka/index.js';
import { KAFKA_BROKERS, RawKafka } from '../integration/support/kafka.js';
import { sleep, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { connectKafka, partitionedFixture } from './support/faults.js';

const KEYS = 20;
const PER_KEY = 20;
const PARTITIONS = 4;
/** Long enough that the killed member always has handlers running, short enough to finish a good part. */
const HANDLER_MS = 300;
/** The broker's smallest allowed session (group.min.session.timeout.ms): the dead member is noticed soonest. */
const SESSION_MS = 6000;
const CHILD_SCRIPT = fileURLToPath(new URL('./support/kill-consumer.mjs', import.meta.url));

const fixture = partitionedFixture('kafka-kill', PARTITIONS);
const closers: Array<() => Promise<unknown>> = [];
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

interface ChildReport {
  started: Set<string>;
  done: Set<string>;
  assigned: string[];
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string;
}

function startChild(): ChildReport {
  const definition = fixture.registry.find((candidate) => candidate.type === 'test.order_shipped')!;
  const spec = { brokers: KAFKA_BROKERS, queue: fixture.queue, destination: definition.destination, bindings: definition.bindings, prefetch: 100, delayMs: HANDLER_MS, sessionTimeoutMs: SESSION_MS };
  const proc = spawn(process.execPath, [CHILD_SCRIPT], { env: { ...process.env, ES_KILL_SPEC: JSON.stringify(spec) }, stdio: ['pipe', 'pipe', 'pipe'] });
  child = proc;
  const report: ChildReport = {
    started: new Set(),
    done: new Set(),
    assigned: [],
    exit: undefined,
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve((report.exit = { code, signal })))),
    stderr: '',
  };
  let pending = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (report.stderr += chunk));
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const space = line.indexOf(' ');
      const what = line.slice(0, space);
      const rest = line.slice(space + 1);
      if (what === 'start') report.started.add(rest);
      else if (what === 'done') report.done.add(rest);
      else if (what === 'assigned') report.assigned = JSON.parse(rest) as string[];
    }
  });
  return report;
}

function assignmentOf(transport: KafkaTransport): string[] {
  return transport.health().details?.assignments[fixture.queue.name] ?? [];
}

describe('Kafka: a consumer killed mid-batch', () => {
  it('its partitions move to the other member, which handles again every event whose handler had not completed; none lost', { timeout: 60_000 }, async () => {
    const producerTransport = await connectKafka({ clientId: 'es-test-kill-producer' });
    closers.push(() => producerTransport.close({ timeoutMs: 2000 }));
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:kill-producer', ownsTransport: false });
    const envelopes = await Promise.all(Array.from({ length: KEYS * PER_KEY }, (_, i) => producer.publish('test.order_shipped', 1, { text: `kill-${i}` }, { key: `order-${i % KEYS}` })));
    const published = envelopes.map((envelope) => envelope.id);

    // The doomed member starts alone, with every partition and a backlog.
    const doomed = startChild();
    const alive = () => {
      if (doomed.exit !== undefined) throw new Error(`the child exited on its own (${JSON.stringify(doomed.exit)}): ${doomed.stderr}`);
    };
    await waitFor(() => (alive(), doomed.started.size > 0 && doomed.assigned.length > 0), 30_000, 'the child to start handling');
    // Every partition the group reads: the topic's, its urgent lane's and the retry topics'.
    const all = [...doomed.assigned];

    // The surviving member joins: the group splits the partitions between the two.
    const survivorTransport = await connectKafka({ clientId: 'es-test-kill-survivor', sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 500 });
    await survivorTransport.declareTopology(fixture.topology);
    const survivor = new EventClient<TestEvents>({ transport: survivorTransport, registry: fixture.registry, source: 'urn:test:kill-consumer' });
    closers.push(() => survivor.close({ timeoutMs: 2000 }));
    const handled = new Set<string>();
    survivor.on('test.order_shipped', 1, async (_data, ctx) => {
      await sleep(5);
      handled.add(ctx.envelope.id);
    });
    await survivor.consume(fixture.queue.name, { prefetch: 100 });
    await waitFor(
      () => {
        alive();
        const theirs = assignmentOf(survivorTransport);
        return doomed.assigned.length > 0 && theirs.length > 0 && new Set([...doomed.assigned, ...theirs]).size === all.length && doomed.assigned.length + theirs.length === all.length;
      },
      30_000,
      'the partitions split between the two members',
    );
    // Mid-batch: the child finished some events of its partitions and has others running.
    const doneAfterSplit = doomed.done.size;
    await waitFor(() => (alive(), doomed.done.size >= doneAfterSplit + 10 && doomed.started.size > doomed.done.size), 30_000, 'the child to be mid-batch');

    const heldByDoomed = [...doomed.assigned];
    child?.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const started = new Set(doomed.started);
    const done = new Set(doomed.done);
    const interrupted = [...started].filter((id) => !done.has(id));
    expect(interrupted.length).toBeGreaterThan(0);

    await waitFor(() => heldByDoomed.every((partition) => assignmentOf(survivorTransport).includes(partition)), 30_000, "the dead member's partitions to move to the survivor");
    const movedAfterMs = Date.now() - killedAt;
    await waitFor(() => published.every((id) => done.has(id) || handled.has(id)), 30_000, 'every published event handled by one of the two members');

    expect(assignmentOf(survivorTransport)).toEqual([...all].sort());
    expect(all.filter((partition) => partition.startsWith(`${fixture.prefix}.topic:`))).toHaveLength(PARTITIONS);
    // Every event the dead member had started and not finished was handled again.
    expect(interrupted.filter((id) => !handled.has(id))).toEqual([]);
    expect(published.filter((id) => !done.has(id) && !handled.has(id))).toEqual([]);
    expect(survivor.metrics()).toMatchObject({ deadLettered: 0 });
    const twice = [...done].filter((id) => handled.has(id)).length;
    console.info(
      `kafka consumer kill: ${published.length} published; the killed member had ${heldByDoomed.length} partitions, finished ${done.size}, had ${interrupted.length} running; ` +
        `its partitions moved ${movedAfterMs} ms after the kill (session ${SESSION_MS} ms); handled by both ${twice}`,
    );
  });
});
