// SERIAL: has the broker force-close this client's connection (rabbitmqctl close_connection) and
// refuses it for a while (permissions cleared in a private vhost). Only this test's own connection
// and vhost are touched, but it runs with the serial suite, away from timing-sensitive tests.
//
// `health()` before, during and after a server-side disconnect; graceful shutdown beyond what the
// shared transport suite covers (it checks that close waits for one running handler): close stops
// taking messages, leaves the rest queued, and is bounded by its timeout, unfinished work requeued.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventClient, type LogEntry } from '../../runtime/index.js';
import { AmqpTransport } from '../../runtime/amqp/index.js';
import { createVhost, type TestVhost } from '../helpers/vhost.js';
import { RABBITMQ_URL, RawBroker } from './support/amqp.js';
import { makeFixture, sleep, waitFor, type TestEvents } from './support/fixtures.js';

const run = promisify(execFile);

/** The broker-side id (`<rabbit@host.…>`) of the connection whose client-provided name is `name`. */
async function connectionPid(name: string): Promise<string> {
  let found: string | undefined;
  await waitFor(
    async () => {
      const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties', '--no-table-headers']);
      found = stdout
        .split('\n')
        .find((line) => line.includes(`{"connection_name","${name}"}`))
        ?.split('\t')[0];
      return found !== undefined;
    },
    10_000,
    `connection '${name}' listed by rabbitmqctl`,
  );
  return found as string;
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('health() across a server-side disconnect (serial)', () => {
  let vhost: TestVhost;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    vhost = await createVhost('eventsmith-health');
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    await vhost?.remove();
  });

  it('reports connected, then reconnecting while the broker refuses it, then connected with consumers resumed', { timeout: 60_000 }, async () => {
    const fixture = makeFixture('health');
    const queue = fixture.queue.name;
    const name = `eventsmith-health-${randomBytes(4).toString('hex')}`;
    const logs: LogEntry[] = [];
    const transport = await AmqpTransport.connect({ url: vhost.url, connectionName: name, connectTimeoutMs: 5000, reconnect: { initialDelayMs: 100, maxDelayMs: 400 }, logger: (entry) => void logs.push(entry) });
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:health' });
    closers.push(() => client.close({ timeoutMs: 2000 }));
    await transport.declareTopology(fixture.topology);
    const handled: string[] = [];
    client.on('test.order_shipped', 1, (data) => void handled.push(data.text));
    await client.consume(queue, { prefetch: 5 });
    await client.publish('test.order_shipped', 1, { text: 'before' });
    await waitFor(() => handled.includes('before') && client.health().consumers[0]?.inFlight === 0, 5000, 'delivery before the disconnect, settled');

    // Before: one publish channel and one consumer channel.
    const before = client.health();
    expect(before).toMatchObject({ transport: 'amqp', status: 'connected', healthy: true, details: { channels: 2 }, reconnects: 0, publisher: { inFlight: 0, buffered: 0 } });
    expect(before.consumers).toEqual([{ subscription: queue, active: true, inFlight: 0, prefetch: 5 }]);
    const firstPid = await connectionPid(name);

    // The broker closes this connection and, for now, refuses to let it back into the vhost.
    await run('rabbitmqctl', ['-q', 'clear_permissions', '-p', vhost.name, 'guest']);
    await run('rabbitmqctl', ['-q', 'close_connection', firstPid, 'eventsmith health test']);
    await waitFor(() => client.health().status !== 'connected', 5000, 'the client to notice the forced close');
    await waitFor(() => logs.some((entry) => entry.event === 'amqp.reconnect.scheduled'), 10_000, 'a refused reconnect attempt');

    const during = client.health();
    expect(during).toMatchObject({ status: 'reconnecting', healthy: false, details: { channels: 0 }, reconnects: 1 });
    expect(during.consumers).toEqual([{ subscription: queue, active: false, inFlight: 0, prefetch: 5 }]);
    // amqplib reports the refused handshake only as "Expected ConnectionOpenOk; got <ConnectionClose …>".
    expect(during.lastError).toMatch(/CONNECTION_FORCED|ConnectionOpenOk|ConnectionClose|NOT_ALLOWED/);
    expect(during.lastError).not.toContain('guest:guest');
    expect(logs.some((entry) => entry.event === 'amqp.connection.lost')).toBe(true);
    // A publish while disconnected waits in the buffer, and health shows it.
    const buffered = client.publish('test.order_shipped', 1, { text: 'during' });
    expect(client.health().publisher).toEqual({ inFlight: 0, buffered: 1 });
    await sleep(300);
    expect(client.health().status).toBe('reconnecting');

    // The broker lets it back in: reconnected (a new broker-side connection), consumer resumed.
    await run('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost.name, 'guest', '.*', '.*', '.*']);
    await waitFor(() => client.health().status === 'connected', 15_000, 'the automatic reconnect');
    await buffered;
    const after = client.health();
    expect(after).toMatchObject({ status: 'connected', healthy: true, details: { channels: 2 }, reconnects: 1 });
    expect(after.consumers).toEqual([expect.objectContaining({ subscription: queue, active: true, prefetch: 5 })]);
    expect(await connectionPid(name)).not.toBe(firstPid);

    await client.publish('test.order_shipped', 1, { text: 'after' });
    await waitFor(() => handled.includes('during') && handled.includes('after'), 10_000, 'deliveries after the reconnect');
    expect(handled).toEqual(['before', 'during', 'after']);
    expect(client.metrics()).toMatchObject({ published: 3, confirmed: 3, consumed: 3, deadLettered: 0 });
  });
});

describe('graceful shutdown with handlers in flight (serial file)', () => {
  const fixture = makeFixture('graceful-close');
  const queue = fixture.queue.name;
  let raw: RawBroker;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    raw = await RawBroker.connect();
  });
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    await raw.deleteTopology(fixture.topology);
    await raw.close();
  });

  async function client(label: string, logs: LogEntry[] = []): Promise<EventClient<TestEvents>> {
    const transport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: `eventsmith-test-${label}`, connectTimeoutMs: 5000, logger: (entry) => void logs.push(entry) });
    await transport.declareTopology(fixture.topology);
    const created = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: `urn:test:${label}` });
    closers.push(() => created.close({ timeoutMs: 1000 }));
    return created;
  }

  it('stops taking messages, waits for the running handlers, acks them and leaves the rest queued', { timeout: 30_000 }, async () => {
    const producer = await client('graceful-producer');
    await Promise.all(Array.from({ length: 10 }, (_, i) => producer.publish('test.order_shipped', 1, { text: `g-${i}` })));
    await producer.close({ timeoutMs: 2000 });

    const consumer = await client('graceful-consumer');
    const gates = Array.from({ length: 10 }, () => deferred());
    let started = 0;
    let finished = 0;
    consumer.on('test.order_shipped', 1, async () => {
      const gate = gates[started++];
      await gate?.promise;
      finished++;
    });
    await consumer.consume(queue, { prefetch: 3 });
    await waitFor(() => started === 3, 5000, 'three handlers running');
    expect(consumer.health().consumers[0]?.inFlight).toBe(3);

    let closed = false;
    const closing = consumer.close({ timeoutMs: 10_000 }).then(() => void (closed = true));
    await sleep(200);
    expect(closed).toBe(false); // still waiting for the handlers
    expect(finished).toBe(0);
    // One handler ends and acks, freeing a prefetch slot while close still waits for the other two:
    // a consumer still subscribed would be handed a fourth message now.
    gates[0]?.resolve();
    await waitFor(() => finished === 1, 5000, 'the first handler to finish');
    await sleep(300);
    expect(started).toBe(3);
    expect(closed).toBe(false);
    for (const gate of gates) gate.resolve();
    await closing;

    expect(started).toBe(3);
    expect(finished).toBe(3);
    expect(consumer.metrics()).toMatchObject({ consumed: 3, retried: 0, deadLettered: 0 });
    expect(consumer.health().status).toBe('closed');
    expect(await raw.messageCount(queue)).toBe(7);
  });

  it('is bounded by its timeout: a stuck handler does not hold close, and its message goes back to the queue', { timeout: 30_000 }, async () => {
    const producer = await client('graceful-stuck-producer');
    await Promise.all(Array.from({ length: 4 }, (_, i) => producer.publish('test.order_shipped', 1, { text: `s-${i}` })));
    await producer.close({ timeoutMs: 2000 });
    const before = await raw.messageCount(queue);
    expect(before).toBeGreaterThanOrEqual(4);
    const logs: LogEntry[] = [];
    const consumer = await client('graceful-stuck', logs);
    const gate = deferred();
    let started = 0;
    consumer.on('test.order_shipped', 1, async () => {
      started++;
      await gate.promise;
    });
    await consumer.consume(queue, { prefetch: 2 });
    await waitFor(() => started === 2, 5000, 'two handlers running');

    const t0 = Date.now();
    await consumer.close({ timeoutMs: 500 });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3000);
    expect(consumer.health().status).toBe('closed');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', event: 'amqp.consumer.cancel_timeout', subscription: queue, inFlight: 2 }));
    // Never acked, so requeued when the connection closed: nothing lost.
    await waitFor(async () => (await raw.messageCount(queue)) === before, 5000, 'the unfinished messages requeued');
    gate.resolve(); // the abandoned handlers end; their acks have no channel to go to and must not throw
    await sleep(50);
    expect(started).toBe(2);
  });
});
