// Shared by the broker fault tests (*.serial.test.ts): broker control through rabbitmqctl, a
// ledger of what was published, confirmed, delivered and dead-lettered, and a loopback TCP proxy
// that can drop, stall or slow the connection between a client and the broker.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { AmqpTransport, type AmqpTransportOptions } from '../../../runtime/amqp/index.js';
import {
  EventClient,
  MemoryIdempotencyStore,
  type IdempotencyStore,
  type LogEntry,
  type Transport,
} from '../../../runtime/index.js';
import type { Fixture, TestEvents } from '../../integration/support/fixtures.js';
import { sleep, waitFor } from '../../integration/support/fixtures.js';
import { Broker } from './broker.js';

const exec = promisify(execFile);

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await exec('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
  return stdout;
}

/** Leaves the broker as the other tests expect it: app running, no memory alarm. Never throws. */
export async function restoreBroker(): Promise<void> {
  await rabbitmqctl('start_app').catch(() => {});
  await rabbitmqctl('set_vm_memory_high_watermark', '0.4').catch(() => {});
  await waitForBroker(60_000).catch(() => {});
}

/** Resolves once a fresh AMQP connection succeeds. */
export async function waitForBroker(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const broker = await Broker.connect();
      await broker.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

/** Every event id through a fault: which the broker confirmed, which failed, which were handled or dead-lettered. */
export class Ledger {
  readonly published: string[] = [];
  readonly confirmed = new Set<string>();
  /** Rejected publishes: their fate is unknown (the broker may or may not have them). */
  readonly unconfirmed = new Map<string, string>();
  /** Handler runs per id (the idempotency store should keep this at 1). */
  readonly handled = new Map<string, number>();
  /** Deliveries the broker handed to the client, duplicates included. */
  deliveries = 0;

  handledOnce(): boolean {
    return [...this.handled.values()].every((n) => n === 1);
  }

  /** "Nothing lost": each confirmed id was handled or sits in the DLQ with a reason. */
  lost(deadLettered: ReadonlyMap<string, string>): string[] {
    return [...this.confirmed].filter((id) => !this.handled.has(id) && !deadLettered.has(id));
  }

  summary(deadLettered: ReadonlyMap<string, string>, duplicates: number): string {
    const unknownHandled = [...this.unconfirmed.keys()].filter((id) => this.handled.has(id)).length;
    return (
      `published ${this.published.length}, confirmed ${this.confirmed.size}, unconfirmed (unknown) ${this.unconfirmed.size} (of which handled anyway ${unknownHandled}), ` +
      `handled ${this.handled.size}, dead-lettered ${deadLettered.size}, deliveries ${this.deliveries}, duplicates absorbed ${duplicates}, lost ${this.lost(deadLettered).length}`
    );
  }
}

/** A pass-through transport that counts every delivery the broker hands to the client. */
export function counting(transport: Transport, ledger: Ledger): Transport {
  return {
    name: transport.name,
    declareTopology: (spec) => transport.declareTopology(spec),
    publish: (envelope, target) => transport.publish(envelope, target),
    request: (envelope, target, options) => transport.request(envelope, target, options),
    subscribe: (spec, handler) =>
      transport.subscribe(spec, (message) => {
        ledger.deliveries++;
        return handler(message);
      }),
    health: () => transport.health(),
    close: (options) => transport.close(options),
  };
}

export interface Rig {
  ledger: Ledger;
  logs: LogEntry[];
  producerTransport: AmqpTransport;
  consumerTransport: AmqpTransport;
  producer: EventClient<TestEvents>;
  consumer: EventClient<TestEvents>;
  /** Publishes `count` events with known ids (`<label>-<n>`), recording each outcome; resolves when all settled. */
  publish(label: string, count: number, options?: { paceEvery?: number; paceMs?: number; during?: (sent: number) => Promise<void> | void }): Promise<void>;
  /** Waits until every confirmed id was handled or dead-lettered, the queue is empty and nothing is in flight; returns the dead letters. */
  settle(timeoutMs?: number): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export async function rig(fixture: Fixture, options: { producer?: AmqpTransportOptions; consumer?: AmqpTransportOptions; store?: IdempotencyStore; prefetch?: number; handler?: (id: string) => Promise<void> | void } = {}): Promise<Rig> {
  const ledger = new Ledger();
  const logs: LogEntry[] = [];
  const base: AmqpTransportOptions = { reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, logger: (entry) => void logs.push({ ...entry, loggedAt: Date.now() }), connectTimeoutMs: 30_000 };
  const producerTransport = await AmqpTransport.connect({ ...base, connectionName: 'eventsmith-fault-producer', ...options.producer });
  const consumerTransport = await AmqpTransport.connect({ ...base, connectionName: 'eventsmith-fault-consumer', ...options.consumer });
  await producerTransport.declareTopology(fixture.topology);
  await consumerTransport.declareTopology(fixture.topology);
  const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:fault-producer' });
  const consumer = new EventClient<TestEvents>({ transport: counting(consumerTransport, ledger), registry: fixture.registry, source: 'urn:test:fault-consumer', idempotencyStore: options.store ?? new MemoryIdempotencyStore() });
  consumer.on('test.order_shipped', async (_data, ctx) => {
    ledger.handled.set(ctx.envelope.id, (ledger.handled.get(ctx.envelope.id) ?? 0) + 1);
    await options.handler?.(ctx.envelope.id);
  });
  await consumer.consume(fixture.queue.name, { prefetch: options.prefetch ?? 50 });

  return {
    ledger,
    logs,
    producerTransport,
    consumerTransport,
    producer,
    consumer,
    async publish(label, count, pacing = {}) {
      const pending: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const id = `${label}-${i}`;
        ledger.published.push(id);
        pending.push(
          producer.publish('test.order_shipped', 1, { text: id }, { id }).then(
            () => void ledger.confirmed.add(id),
            (error: unknown) => void ledger.unconfirmed.set(id, error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
          ),
        );
        await pacing.during?.(i);
        if (pacing.paceEvery !== undefined && i % pacing.paceEvery === pacing.paceEvery - 1) await sleep(pacing.paceMs ?? 5);
      }
      await Promise.all(pending);
    },
    async settle(timeoutMs = 60_000) {
      const dead = new Map<string, string>();
      const dlq = `${fixture.queue.name}.dlq`;
      // A connection per look: the broker may just have been restarted under the test.
      const look = async <T>(work: (broker: Broker) => Promise<T>, fallback: T): Promise<T> => {
        try {
          const broker = await Broker.connect();
          try {
            return await work(broker);
          } finally {
            await broker.close();
          }
        } catch {
          return fallback;
        }
      };
      const collect = (broker: Broker) => broker.drain(dlq).then((letters) => letters.forEach((letter) => dead.set(letter.messageId ?? '', String(letter.reason))));
      await waitFor(async () => (await look(collect, undefined), ledger.lost(dead).length === 0), timeoutMs, 'every confirmed id handled or dead-lettered');
      await waitFor(async () => (await look((broker) => broker.messageCount(fixture.queue.name), -1)) === 0 && consumer.health().consumers.every((c) => c.inFlight === 0), timeoutMs, 'queue drained');
      // The tests use no failing handlers, so no retry is waiting in a delay queue.
      await sleep(300);
      await look(collect, undefined);
      return dead;
    },
    async close() {
      await consumer.close({ timeoutMs: 5000 }).catch(() => {});
      await producer.close({ timeoutMs: 5000 }).catch(() => {});
    },
  };
}

export type ProxyMode = 'pass' | 'stall' | { latencyMs: number; bytesPerSecond?: number };

/**
 * A TCP proxy on 127.0.0.1 in front of the broker. `drop()` destroys every open connection;
 * `stall()` keeps them open but forwards nothing (a half-dead peer: only heartbeats notice);
 * `slow()` delays every chunk. New connections always pass, so clients can reconnect.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket; stalled: boolean }>();
  private latencyMs = 0;
  connections = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(target = { host: '127.0.0.1', port: 5672 }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  drop(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
  }

  /** Existing connections stop forwarding in both directions; the client's sockets stay open, even after the broker closes its side. */
  stall(): void {
    for (const pair of this.pairs) pair.stalled = true;
  }

  /** Every chunk waits `latencyMs` (0: back to normal). */
  slow(latencyMs: number): void {
    this.latencyMs = latencyMs;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.connections++;
    const upstream = net.connect(this.target);
    const pair = { client, upstream, stalled: false };
    this.pairs.add(pair);
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (pair.stalled) return;
        const send = () => {
          if (!pair.stalled && !to.destroyed) to.write(chunk);
        };
        if (this.latencyMs > 0) {
          // Keep order: pause reading while a chunk waits.
          from.pause();
          setTimeout(() => {
            send();
            from.resume();
          }, this.latencyMs);
        } else send();
      });
    };
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    // A stalled connection stays open towards the client even when the broker gives up on it:
    // a half-open connection that only the client's own heartbeat check can detect.
    const upstreamGone = () => (pair.stalled ? upstream.destroy() : end());
    upstream.on('error', upstreamGone).on('close', upstreamGone);
  }
}
