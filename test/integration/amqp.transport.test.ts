// RabbitMQ-specific behaviour: channel rebuilds, publisher window and buffer, topology, redaction.
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventClient, PublishBufferFullError, createEnvelope, type LogEntry, type TopologySpec } from '../../runtime/index.js';
import { AmqpTransport, ExchangeNotFoundError, deadLetterExchangeName, deadLetterQueueName, redactUrl, retryQueueName } from '../../runtime/amqp/index.js';
import { ALL_TENANTS, TENANT_HEADER } from '../../runtime/amqp/headers.js';
import { drainUntil } from '../hardening/support/broker.js';
import { RABBITMQ_URL, RawBroker } from './support/amqp.js';
import { makeFixture, uniqueName, waitFor, type Fixture, type TestEvents } from './support/fixtures.js';

let raw: RawBroker;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  raw = await RawBroker.connect();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await raw.close();
});

async function start(label: string, options: Parameters<typeof AmqpTransport.connect>[0] = {}) {
  const fixture: Fixture = makeFixture(label);
  const transport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: `eventsmith-test-${label}`, ...options });
  cleanups.push(async () => {
    await transport.close({ timeoutMs: 2000 });
    await raw.deleteTopology(fixture.topology);
  });
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: `urn:test:${label}`, ownsTransport: false });
  return { fixture, transport, client };
}

describe('AmqpTransport on RabbitMQ', () => {
  it('rebuilds the publish channel after a 404 on a missing exchange; the connection survives', async () => {
    const { transport, client, fixture } = await start('missing-exchange');
    const shipped: string[] = [];
    client.on('test.order_shipped', (data) => void shipped.push(data.text));
    await client.consume(fixture.queue.name);
    const ghost = createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 'ghost' } });

    // Valid publishes in flight around the bad one are re-sent on the rebuilt channel, not lost.
    const before = Array.from({ length: 20 }, (_, i) => client.publish('test.order_shipped', 1, { text: `before-${i}` }));
    const bad = transport.publish(ghost, { kind: 'business', destination: 'x', urgency: 'medium', bindings: { amqp: { exchange: uniqueName('no-such-exchange') } } });
    const after = Array.from({ length: 20 }, (_, i) => client.publish('test.order_shipped', 1, { text: `after-${i}` }));
    await expect(bad).rejects.toBeInstanceOf(ExchangeNotFoundError);
    await Promise.all([...before, ...after]);

    await client.publish('test.order_shipped', 1, { text: 'next' });
    await waitFor(() => shipped.length === 41, 5000, 'all valid events');
    const health = transport.health();
    expect(health.reconnects).toBe(0);
    expect(health.status).toBe('connected');
    expect(health.lastError).toMatch(/NOT_FOUND/);
  });

  it("carries each traced event's own trace context in its headers, also when re-sent after a channel rebuild", async () => {
    const { transport, fixture } = await start('trace-headers');
    const target = { kind: 'business' as const, destination: `${fixture.prefix}.shipped`, urgency: 'medium' as const, bindings: { amqp: { exchange: fixture.exchange } } };
    // Untraced, traceparent only, and traceparent with tracestate, interleaved and published in one
    // turn, with a publish to a missing exchange among them: the broker closes the channel and the
    // ones still unconfirmed are sent again on the next.
    const envelopes = Array.from({ length: 60 }, (_, i) => {
      const envelope = createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: `n-${i}` }, tenantid: i % 4 === 0 ? undefined : `tenant-${i % 3}` });
      if (i % 3 !== 0) envelope.traceparent = `00-${String(i).padStart(32, '0')}-${String(i).padStart(16, '0')}-01`;
      if (i % 3 === 2) envelope.tracestate = `vendor=${i}`;
      return envelope;
    });
    const ghost = createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 'ghost' } });
    ghost.traceparent = `00-${'f'.repeat(32)}-${'f'.repeat(16)}-01`;
    const sends = envelopes.map((envelope) => transport.publish(envelope, target));
    const bad = transport.publish(ghost, { ...target, bindings: { amqp: { exchange: uniqueName('no-such-exchange') } } });
    sends.splice(30, 0, bad);
    const outcomes = await Promise.allSettled(sends);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);

    // Every send was confirmed, so all are on the queue; a re-sent one may be there twice (at least once).
    const received = await drainUntil(raw, fixture.queue.name, envelopes.length);
    expect([...new Set(received.map((message) => message.messageId))].sort()).toEqual(envelopes.map((envelope) => envelope.id).sort());
    for (const message of received) {
      const envelope = envelopes.find((candidate) => candidate.id === message.messageId)!;
      const expected: Record<string, unknown> = { [TENANT_HEADER]: envelope.tenantid ?? ALL_TENANTS };
      if (envelope.traceparent !== undefined) expected.traceparent = envelope.traceparent;
      if (envelope.tracestate !== undefined) expected.tracestate = envelope.tracestate;
      expect(message.headers).toEqual(expected);
    }
  });

  it('re-declares and resumes consuming when its queue is deleted under it', async () => {
    const { transport, client, fixture } = await start('queue-deleted');
    const shipped: string[] = [];
    client.on('test.order_shipped', (data) => void shipped.push(data.text));
    await client.consume(fixture.queue.name);
    await client.publish('test.order_shipped', 1, { text: 'before' });
    await waitFor(() => shipped.length === 1);

    const connection = await amqp.connect(RABBITMQ_URL);
    const channel = await connection.createChannel();
    await channel.deleteQueue(fixture.queue.name);
    await connection.close();

    await waitFor(() => transport.health().consumers[0]?.active === false, 5000, 'consumer cancelled by the broker');
    await waitFor(() => transport.health().consumers[0]?.active === true, 5000, 'consumer restarted');
    await client.publish('test.order_shipped', 1, { text: 'after' });
    await waitFor(() => shipped.length === 2);
    expect(shipped).toEqual(['before', 'after']);
    expect(transport.health().reconnects).toBe(0);
  });

  it('rejects a request to a missing exchange fast', async () => {
    const { transport } = await start('rpc-missing');
    const command = createEnvelope({ type: 'test.check_stock', version: 1, source: 'urn:x', data: { sku: 'a' } });
    await expect(transport.request(command, { kind: 'command', destination: 'x', urgency: 'medium', bindings: { amqp: { exchange: uniqueName('nowhere') } } }, { timeoutMs: 5000 })).rejects.toBeInstanceOf(ExchangeNotFoundError);
  });

  it('keeps many publishes in flight (window), buffers the rest, and confirms all', async () => {
    const { transport, client, fixture } = await start('window', { maxInFlight: 500 });
    const all = Array.from({ length: 3000 }, (_, i) => client.publish('test.order_shipped', 1, { text: `m-${i}` }));
    await new Promise((resolve) => setImmediate(resolve));
    const { inFlight, buffered } = transport.health().publisher;
    expect(inFlight).toBe(500);
    expect(buffered).toBe(2500);
    await Promise.all(all);
    expect(transport.health().publisher).toEqual({ inFlight: 0, buffered: 0 });
    expect(await raw.messageCount(fixture.queue.name)).toBe(3000);
  });

  it('rejects publishes with a clear error when the buffer is full', async () => {
    const { client } = await start('buffer-full', { maxInFlight: 1, maxBufferedPublishes: 3 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => client.publish('test.order_shipped', 1, { text: `b-${i}` })));
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(fulfilled).toHaveLength(4);
    expect(rejected).toHaveLength(6);
    for (const reason of rejected) expect(reason).toBeInstanceOf(PublishBufferFullError);
    expect(String(rejected[0])).toMatch(/buffer full: 3 messages/);
  });

  it('declares retry delay queues and the dead-letter exchange/queue, idempotently, classic and quorum', async () => {
    const { transport, fixture } = await start('topology');
    await transport.declareTopology(fixture.topology);
    const name = fixture.queue.name;
    for (const queue of [name, deadLetterQueueName(name), retryQueueName(name, 1), retryQueueName(name, 2)]) {
      await expect(raw.messageCount(queue)).resolves.toBe(0);
    }
    await expect(raw.messageCount(retryQueueName(name, 3))).rejects.toThrow(/NOT_FOUND/);
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const channel = await connection.createChannel();
      await expect(channel.checkExchange(deadLetterExchangeName(name))).resolves.toBeDefined();
      await channel.close();
    } finally {
      await connection.close();
    }

    const quorumName = `${uniqueName('quorum')}.events`;
    const quorum: TopologySpec = { subscriptions: [{ name: quorumName, sources: [], retry: { maxAttempts: 2, baseDelayMs: 50 } }] };
    cleanups.push(() => raw.deleteTopology(quorum));
    // Queue type is the transport's choice: every queue this one declares is a quorum queue.
    const quorumTransport = await AmqpTransport.connect({ url: RABBITMQ_URL, queueType: 'quorum' });
    cleanups.push(() => quorumTransport.close());
    await quorumTransport.declareTopology(quorum);
    await expect(raw.messageCount(retryQueueName(quorumName, 1))).resolves.toBe(0);
  });

  it('never leaks credentials into errors or logs', async () => {
    expect(redactUrl('amqps://svc:s3cr%40t@broker.example:5671/prod?heartbeat=5')).toBe('amqps://svc:***@broker.example:5671/prod?heartbeat=5');
    const url = new URL(RABBITMQ_URL);
    url.username = 'eventsmith-nobody';
    url.password = 'hunter2-very-secret';
    const logs: LogEntry[] = [];
    const attempt = AmqpTransport.connect({ url: url.toString(), connectTimeoutMs: 1500, reconnect: { initialDelayMs: 100 }, logger: (entry) => logs.push(entry) });
    const error = await attempt.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/could not connect/);
    expect(String(error)).not.toContain('hunter2-very-secret');
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain('hunter2-very-secret');
    expect(JSON.stringify(logs)).toContain('***');
  });

  it('reports health with channels and consumers', async () => {
    const { transport, client, fixture } = await start('health-amqp');
    client.on('test.order_shipped', () => {});
    await client.consume(fixture.queue.name, { prefetch: 3 });
    const health = transport.health();
    expect(health).toMatchObject({ transport: 'amqp', status: 'connected', healthy: true, reconnects: 0 });
    expect(health.details?.channels).toBeGreaterThanOrEqual(2);
    expect(health.consumers).toEqual([{ subscription: fixture.queue.name, active: true, inFlight: 0, prefetch: 3 }]);
  });
});
