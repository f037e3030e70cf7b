// SERIAL: restarts the local Kafka broker (`bash scripts/kafka-broker restart`), the one every Kafka
// test, benchmark and example on this machine shares; anything else talking to it meanwhile sees
// the outage. Run alone:
//   npx vitest run --config vitest.serial.config.ts test/kafka/broker-restart.serial.test.ts
//
// A publisher publishes continuously while the broker stops and starts again; a consumer consumes
// throughout. Both recover on their own: every event whose publish resolved is handled at least
// once, no publish is refused for the outage (the producer holds and re-sends), and health says
// what happened: reconnecting with the last error during the outage, healthy after.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient, type TransportHealth } from '../../runtime/index.js';
import type { KafkaTransport } from '../../runtime/kafka/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { RawKafka } from '../integration/support/kafka.js';
import { sleep, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { connectKafka, partitionedFixture } from './support/faults.js';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts/kafka-broker');
const fixture = partitionedFixture('kafka-restart', 3);
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  // Whatever happened above, leave a broker running for everything else (a no-op when it answers).
  await run('bash', [SCRIPT, 'ensure'], { timeout: 120_000 });
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
}, 150_000);

interface Sample {
  at: number;
  producer: Pick<TransportHealth, 'status' | 'healthy' | 'lastError'>;
  consumer: Pick<TransportHealth, 'status' | 'healthy' | 'lastError'>;
}

function brief(transport: KafkaTransport): Sample['producer'] {
  const { status, healthy, lastError } = transport.health();
  return lastError === undefined ? { status, healthy } : { status, healthy, lastError };
}

describe('Kafka: the broker restarted while events flow (serial)', () => {
  it('producers and consumers recover; every event whose publish resolved is handled; health shows the outage', { timeout: 120_000 }, async () => {
    const producerLog: string[] = [];
    const producerTransport = await connectKafka({ clientId: 'es-test-restart-producer', logger: (entry) => void producerLog.push(`${new Date().toISOString()} ${JSON.stringify(entry)}`) });
    closers.push(() => producerTransport.close({ timeoutMs: 5000 }));
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:restart-producer', ownsTransport: false });

    const consumerLog: string[] = [];
    const consumerTransport = await connectKafka({ clientId: 'es-test-restart-consumer', heartbeatIntervalMs: 500, sessionTimeoutMs: 6000, logger: (entry) => void consumerLog.push(`${new Date().toISOString()} ${JSON.stringify(entry)}`) });
    await consumerTransport.declareTopology(fixture.topology);
    const consumer = new EventClient<TestEvents>({ transport: consumerTransport, registry: fixture.registry, source: 'urn:test:restart-consumer' });
    closers.push(() => consumer.close({ timeoutMs: 5000 }));
    const handled = new Set<string>();
    consumer.on('test.order_shipped', 1, (_data, ctx) => void handled.add(ctx.envelope.id));
    await consumer.consume(fixture.queue.name, { prefetch: 100 });

    const samples: Sample[] = [];
    const sampler = setInterval(() => samples.push({ at: Date.now(), producer: brief(producerTransport), consumer: brief(consumerTransport) }), 50);
    closers.push(async () => clearInterval(sampler));

    const confirmed: string[] = [];
    const failures: string[] = [];
    const publishes: Array<Promise<void>> = [];
    let restart: { done: boolean; at: number; output: string; error?: unknown } | undefined;
    let sent = 0;
    const started = Date.now();
    // Publish before, during and for a while after the outage.
    while (restart === undefined || !restart.done || Date.now() - restart.at < 3000) {
      for (let i = 0; i < 5; i++, sent++) {
        publishes.push(
          producer.publish('test.order_shipped', 1, { text: `restart-${sent}` }, { key: `order-${sent % 10}` }).then(
            (envelope) => void confirmed.push(envelope.id),
            (error: unknown) => void failures.push(String(error)),
          ),
        );
      }
      if (restart === undefined && Date.now() - started > 1000) {
        const state: { done: boolean; at: number; output: string; error?: unknown } = { done: false, at: 0, output: '' };
        restart = state;
        run('bash', [SCRIPT, 'restart'], { timeout: 100_000 }).then(
          ({ stdout }) => Object.assign(state, { done: true, at: Date.now(), output: stdout.trim() }),
          (error: unknown) => Object.assign(state, { done: true, at: Date.now(), error }),
        );
      }
      if (restart?.error !== undefined) throw new Error(`restarting the broker failed: ${String(restart.error)}`);
      await sleep(50);
    }
    await Promise.all(publishes);
    const restartedAt = restart.at;
    expect(failures.slice(0, 3)).toEqual([]);
    expect(confirmed).toHaveLength(sent);

    await waitFor(() => confirmed.every((id) => handled.has(id)), 30_000, 'every confirmed event handled').catch((error: unknown) => {
      // What the consumer went through, to tell a stuck consumer from a slow one.
      throw new Error(`${String(error)}: handled ${confirmed.filter((id) => handled.has(id)).length} of ${confirmed.length}; restart: ${restart?.output}; consumer health now ${JSON.stringify(consumerTransport.health())}; consumer log:\n${consumerLog.slice(-25).join('\n')}`);
    });
    await waitFor(() => producerTransport.health().healthy && consumerTransport.health().healthy, 30_000, 'both transports healthy again').catch((error: unknown) => {
      throw new Error(`${String(error)}: publisher ${JSON.stringify(producerTransport.health())}; consumer ${JSON.stringify(consumerTransport.health())}; consumer log:\n${consumerLog.slice(-30).join('\n')}`);
    });
    const healthyAfterMs = Date.now() - restartedAt;
    clearInterval(sampler);

    // During the outage the publisher said it was reconnecting, and why.
    const outage = samples.filter((sample) => sample.producer.status === 'reconnecting');
    if (outage.length === 0) console.info(`the publisher never said it was reconnecting; its log:\n${producerLog.slice(-20).join('\n')}`);
    expect(outage.length).toBeGreaterThan(0);
    expect(outage.some((sample) => sample.producer.lastError !== undefined && !sample.producer.healthy)).toBe(true);
    // The consumer's transport too: not healthy while its broker was gone.
    expect(samples.some((sample) => !sample.consumer.healthy && sample.consumer.lastError !== undefined)).toBe(true);
    // Both count the outage among their reconnects.
    expect(producerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(consumerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    console.info(
      `kafka broker restart: ${restart.output}; published ${sent}, all confirmed and handled; ` +
        `publisher reconnecting in ${outage.length} samples (every 50 ms); both healthy within ${healthyAfterMs} ms of the broker being ready (a bounded wait, not a speed claim); ` +
        `last outage sample ${JSON.stringify(outage.at(-1))}`,
    );
  });
});
