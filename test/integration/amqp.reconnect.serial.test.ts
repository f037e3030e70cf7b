// SERIAL: closes every connection on the broker mid-stream. Run alone, never in parallel with
// other broker tests: `npx vitest run test/integration/amqp.reconnect.serial.test.ts`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient, type LogEntry, type Transport } from '../../runtime/index.js';
import { AmqpTransport, deadLetterQueueName } from '../../runtime/amqp/index.js';
import { RABBITMQ_URL, RawBroker } from './support/amqp.js';
import { makeFixture, sleep, waitFor, type TestEvents } from './support/fixtures.js';

const run = promisify(execFile);
const TOTAL = 10_000;
const fixture = makeFixture('reconnect', { maxAttempts: 3, baseDelayMs: 50 });

afterAll(async () => {
  const raw = await RawBroker.connect();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

describe('reconnect under load (serial)', () => {
  it('loses no confirmed event and absorbs the duplicates when all connections are closed mid-stream', { timeout: 120_000 }, async () => {
    const logs: LogEntry[] = [];
    const options = { url: RABBITMQ_URL, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, logger: (entry: LogEntry) => void logs.push(entry) };
    const publisherTransport = await AmqpTransport.connect({ ...options, connectionName: 'eventsmith-serial-publisher' });
    const consumerTransport = await AmqpTransport.connect({ ...options, connectionName: 'eventsmith-serial-consumer' });
    await publisherTransport.declareTopology(fixture.topology);
    await consumerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: publisherTransport, registry: fixture.registry, source: 'urn:test:producer' });
    // Pass-through (not a mock): counts every delivery the broker hands to the client.
    let deliveries = 0;
    const counting: Transport = {
      name: consumerTransport.name,
      declareTopology: (spec) => consumerTransport.declareTopology(spec),
      publish: (envelope, target) => consumerTransport.publish(envelope, target),
      request: (envelope, target, requestOptions) => consumerTransport.request(envelope, target, requestOptions),
      subscribe: (spec, handler) =>
        consumerTransport.subscribe(spec, (message) => {
          deliveries++;
          return handler(message);
        }),
      health: () => consumerTransport.health(),
      close: (closeOptions) => consumerTransport.close(closeOptions),
    };
    const consumer = new EventClient<TestEvents>({ transport: counting, registry: fixture.registry, source: 'urn:test:consumer' });

    const handledCount = new Map<string, number>();
    let handlerCalls = 0;
    consumer.on('test.order_shipped', async (_data, ctx) => {
      handlerCalls++;
      handledCount.set(ctx.envelope.id, (handledCount.get(ctx.envelope.id) ?? 0) + 1);
      // A little work, so deliveries are in flight (unacked) when the connection dies.
      if (handlerCalls % 50 === 0) await sleep(1);
    });
    await consumer.consume(fixture.queue.name, { prefetch: 200 });

    const confirmed: string[] = [];
    const failures: unknown[] = [];
    const publishes: Promise<void>[] = [];
    let kill: Promise<unknown> | undefined;
    // Paced so the broker-side close lands while thousands are still to be sent and many are unconfirmed.
    for (let sent = 0; sent < TOTAL; sent += 200) {
      for (let i = sent; i < Math.min(TOTAL, sent + 200); i++) {
        publishes.push(
          producer.publish('test.order_shipped', 1, { text: `event-${i}` }).then(
            (envelope) => void confirmed.push(envelope.id),
            (error: unknown) => void failures.push(error),
          ),
        );
      }
      if (sent === 2000) kill = run('rabbitmqctl', ['close_all_connections', 'test']);
      await sleep(publisherTransport.health().reconnects === 0 ? 20 : 2);
    }
    await kill;
    await Promise.all(publishes);

    expect(failures).toEqual([]);
    expect(confirmed).toHaveLength(TOTAL);
    expect(publisherTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(consumerTransport.health().reconnects).toBeGreaterThanOrEqual(1);

    await waitFor(() => handledCount.size === TOTAL, 60_000, 'every confirmed event consumed');
    const raw = await RawBroker.connect();
    try {
      await waitFor(async () => (await raw.messageCount(fixture.queue.name)) === 0 && consumer.health().consumers.every((c) => c.inFlight === 0), 30_000, 'queue drained');
      await sleep(200);
      expect(await raw.messageCount(deadLetterQueueName(fixture.queue.name))).toBe(0);
    } finally {
      await raw.close();
    }

    // Every confirmed id was handled, each exactly once; every extra delivery was a counted duplicate.
    for (const id of confirmed) expect(handledCount.get(id)).toBe(1);
    expect(handlerCalls).toBe(TOTAL);
    const metrics = consumer.metrics();
    expect(metrics.consumed).toBe(TOTAL);
    expect(metrics.deadLettered).toBe(0);
    expect(deliveries).toBe(TOTAL + metrics.duplicates);
    expect(producer.metrics()).toMatchObject({ published: TOTAL, confirmed: TOTAL, publishFailed: 0 });
    expect(logs.some((entry) => entry.event === 'amqp.connection.lost')).toBe(true);
    const resent = logs.filter((entry) => entry.event === 'amqp.publisher.channel_closed').reduce((sum, entry) => sum + Number(entry.resent), 0);
    console.info(`reconnect test: publishes re-sent=${resent}, duplicates absorbed=${metrics.duplicates}, reconnects=${publisherTransport.health().reconnects}`);

    await consumer.close({ timeoutMs: 5000 });
    await producer.close({ timeoutMs: 5000 });
  });
});
