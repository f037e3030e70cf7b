// OpenTelemetry spans and metrics on every transport, recorded by the real SDK into its in-memory
// exporters: a producer and its consumer joined in one trace across two clients, the error of a
// retried then dead-lettered event, a request/reply as one trace, and metric counts.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventClient, MemoryTransport, NonRetryableError, UnroutableError, type LogEntry, type TopologySpec, type Transport } from '../../runtime/index.js';
import { AmqpTransport } from '../../runtime/amqp/index.js';
import { KafkaTransport } from '../../runtime/kafka/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { RABBITMQ_URL, RawBroker } from './support/amqp.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from './support/fixtures.js';
import { KAFKA_BROKERS, RawKafka } from './support/kafka.js';
import { RawRedis, REDIS_URL } from './support/redis.js';

interface Harness {
  system: string;
  /** A transport for one service; `shared` is the first service's, for transports without a broker. */
  create(shared: Transport | undefined): Promise<{ transport: Transport; owns: boolean }>;
  cleanup(topology: TopologySpec): Promise<void>;
}

let raw: RawBroker;
let redis: RawRedis;
let kafka: RawKafka;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  // What the Node SDK registers: a context manager (active spans across awaits) and the W3C propagator.
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  raw = await RawBroker.connect();
  redis = await RawRedis.connect();
  kafka = new RawKafka();
});
afterAll(async () => {
  await raw.close();
  await redis.close();
  await kafka.close();
  context.disable();
  propagation.disable();
});

const harnesses: Harness[] = [
  {
    system: 'memory',
    create: async (shared) => (shared === undefined ? { transport: new MemoryTransport(), owns: true } : { transport: shared, owns: false }),
    cleanup: async () => {},
  },
  {
    system: 'rabbitmq',
    create: async () => ({ transport: await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-otel-test', connectTimeoutMs: 5000 }), owns: true }),
    cleanup: (topology) => raw.deleteTopology(topology),
  },
  {
    system: 'redis',
    create: async () => ({ transport: await RedisTransport.connect({ url: REDIS_URL }), owns: true }),
    cleanup: (topology) => redis.deleteTopology(topology),
  },
  {
    system: 'kafka',
    create: async () => ({ transport: await KafkaTransport.connect({ brokers: KAFKA_BROKERS, clientId: 'es-test-otel' }), owns: true }),
    cleanup: (topology) => kafka.deleteTopology(topology),
  },
];

/** Real SDK providers with in-memory exporters, one pair per test. */
class Recorder {
  readonly spans = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.spans)] });
  readonly metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  private readonly reader = new PeriodicExportingMetricReader({ exporter: this.metrics, exportIntervalMillis: 60_000 });
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });

  finished(): ReadableSpan[] {
    return this.spans.getFinishedSpans();
  }

  named(prefix: string): ReadableSpan[] {
    return this.finished().filter((span) => span.name.startsWith(prefix));
  }

  /** Every data point of `metric` from a fresh collection. */
  async points(metric: string): Promise<Array<DataPoint<unknown>>> {
    this.metrics.reset();
    await this.reader.forceFlush();
    const collected: ResourceMetrics[] = this.metrics.getMetrics();
    return collected.flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics.filter((data) => data.descriptor.name === metric).flatMap((data) => data.dataPoints as Array<DataPoint<unknown>>)));
  }

  async shutdown(): Promise<void> {
    await this.tracerProvider.shutdown();
    await this.meterProvider.shutdown();
  }
}

function traceIdOf(span: ReadableSpan): string {
  return span.spanContext().traceId;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

for (const harness of harnesses) {
  describe(`OpenTelemetry on ${harness.system}`, () => {
    const opened: Array<{ client: EventClient<TestEvents>; fixture?: Fixture; recorder?: Recorder }> = [];

    afterEach(async () => {
      const closing = opened.splice(0).reverse();
      for (const { client } of closing) await client.close({ timeoutMs: 2000 });
      for (const { fixture } of closing) if (fixture !== undefined) await harness.cleanup(fixture.topology);
      for (const { recorder } of closing) await recorder?.shutdown();
    });

    /** Two services, each with its own client and transport (one shared transport in memory), on one fixture. */
    async function services(label: string, retry?: Fixture['queue']['retry'], logs?: LogEntry[]) {
      const fixture = makeFixture(`otel-${label}`, retry);
      const recorder = new Recorder();
      const telemetry = { tracerProvider: recorder.tracerProvider, meterProvider: recorder.meterProvider };
      const first = await harness.create(undefined);
      await first.transport.declareTopology(fixture.topology);
      const producer = new EventClient<TestEvents>({ transport: first.transport, registry: fixture.registry, source: 'urn:test:producer', telemetry });
      opened.push({ client: producer, fixture, recorder });
      const second = await harness.create(first.transport);
      if (second.owns) await second.transport.declareTopology(fixture.topology);
      const consumer = new EventClient<TestEvents>({ transport: second.transport, registry: fixture.registry, source: 'urn:test:consumer', telemetry, ownsTransport: second.owns, ...(logs === undefined ? {} : { logger: (entry: LogEntry) => void logs.push(entry) }) });
      opened.push({ client: consumer });
      return { fixture, recorder, producer, consumer, queue: fixture.queue.name };
    }

    it('a publish and its consumption are a producer and a consumer span of one trace, with the messaging attributes', async () => {
      const { fixture, recorder, producer, consumer, queue } = await services('link');
      const handled: string[] = [];
      consumer.on('test.order_placed', 1, (_data, ctx) => void handled.push(ctx.envelope.traceparent ?? 'none'));
      await consumer.consume(queue);
      const sent = await producer.publish('test.order_placed', 1, { orderId: 'o-1', quantity: 2 }, { correlationId: 'flow-1' });
      await waitFor(() => recorder.named('process').length === 1, 10_000, 'the consumer span');

      const [send] = recorder.named('send');
      const [process] = recorder.named('process');
      if (send === undefined || process === undefined) throw new Error('spans missing');
      const destination = `${fixture.prefix}.test.order_placed`;
      expect(send.name).toBe(`send ${destination}`);
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(send.attributes).toMatchObject({
        'messaging.system': harness.system,
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.destination.name': destination,
        'messaging.message.id': sent.id,
        'messaging.message.conversation_id': 'flow-1',
        'cloudevents.event_type': 'test.order_placed',
        'eventsmith.event.version': 1,
      });
      expect(process.name).toBe(`process ${queue}`);
      expect(process.kind).toBe(SpanKind.CONSUMER);
      expect(process.attributes).toMatchObject({
        'messaging.system': harness.system,
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': queue,
        'messaging.consumer.group.name': queue,
        'messaging.message.id': sent.id,
        'messaging.message.conversation_id': 'flow-1',
        'eventsmith.delivery.attempt': 1,
        'eventsmith.outcome': 'acked',
      });
      if (harness.system === 'rabbitmq') expect(process.attributes['messaging.rabbitmq.destination.routing_key']).toBe(destination);
      if (harness.system === 'kafka') expect(process.attributes).toMatchObject({ 'messaging.destination.partition.id': '0', 'messaging.kafka.offset': expect.any(Number) });
      // Linked: the consumer span is the producer span's child, in its trace, across two clients.
      expect(traceIdOf(process)).toBe(traceIdOf(send));
      expect(parentOf(process)).toBe(send.spanContext().spanId);
      expect(process.status.code).toBe(SpanStatusCode.UNSET);
      // The envelope carried the W3C trace context of the producer span.
      expect(sent.traceparent).toBe(`00-${traceIdOf(send)}-${send.spanContext().spanId}-01`);
      expect(handled).toEqual([sent.traceparent]);
      // A publish has no reply, whatever its transport's send resolved with (Redis: the entry id,
      // once the destination's route is known, so from the second publish on).
      await producer.publish('test.order_placed', 1, { orderId: 'o-2', quantity: 1 });
      await waitFor(() => recorder.named('process').length === 2, 10_000, 'the second consumer span');
      expect(recorder.named('send').flatMap((span) => span.events.map((event) => event.name))).not.toContain('reply');
    });

    it('a retried then dead-lettered event records the error status and exception on each attempt', async () => {
      const logs: LogEntry[] = [];
      const { recorder, producer, consumer, queue } = await services('failing', { maxAttempts: 2, baseDelayMs: 20 }, logs);
      consumer.on('test.order_shipped', () => {
        throw new Error('warehouse offline');
      });
      await consumer.consume(queue);
      await producer.publish('test.order_shipped', 1, { text: 'x' });
      await waitFor(() => recorder.named('process').length === 2, 10_000, 'two attempts');

      const [send] = recorder.named('send');
      const attempts = recorder.named('process').sort((a, b) => Number(a.attributes['eventsmith.delivery.attempt']) - Number(b.attributes['eventsmith.delivery.attempt']));
      expect(attempts.map((span) => span.attributes['eventsmith.outcome'])).toEqual(['retried', 'dead-lettered']);
      for (const span of attempts) {
        expect(traceIdOf(span)).toBe(send === undefined ? undefined : traceIdOf(send));
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        const exception = span.events.find((event) => event.name === 'exception');
        expect(exception?.attributes?.['exception.message']).toBe('warehouse offline');
      }
      expect(attempts[0]?.attributes['error.type']).toBe('Error');
      expect(attempts[1]?.attributes['error.type']).toBe('max-attempts-exceeded');
      expect(attempts[1]?.status.message).toMatch(/dead-lettered \(max-attempts-exceeded\): warehouse offline/);
      // Log lines name the trace: the handler's failure and the dead letter.
      const traceId = send === undefined ? undefined : traceIdOf(send);
      expect(logs.find((entry) => entry.event === 'consume.handler_failed')?.traceId).toBe(traceId);
      expect(logs.find((entry) => entry.event === 'consume.dead_lettered')?.traceId).toBe(traceId);
      // Health names the subscription's last failure and its trace.
      const health = consumer.health().consumers.find((entry) => entry.subscription === queue);
      expect(health?.lastFailure).toMatchObject({ outcome: 'dead-lettered', reason: 'max-attempts-exceeded', attempt: 2, type: 'test.order_shipped', traceId });
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    });

    it('a request and its reply are one trace: request, process, reply', async () => {
      const { recorder, producer, consumer, queue } = await services('request');
      consumer.on('test.check_stock', 1, async (data, ctx) => {
        await ctx.reply('test.stock_checked', 1, { sku: data.sku, available: 7 });
      });
      await consumer.consume(queue);
      const reply = await producer.request('test.check_stock', 1, { sku: 'flour' }, { timeoutMs: 5000 });
      expect(reply.data).toEqual({ sku: 'flour', available: 7 });
      await waitFor(() => recorder.named('send').length === 2, 5000, 'both sends');

      const request = recorder.named('send').find((span) => span.attributes['cloudevents.event_type'] === 'test.check_stock');
      const answer = recorder.named('send').find((span) => span.attributes['cloudevents.event_type'] === 'test.stock_checked');
      const [process] = recorder.named('process');
      if (request === undefined || answer === undefined || process === undefined) throw new Error('spans missing');
      expect(new Set([request, answer, process].map(traceIdOf)).size).toBe(1);
      expect(parentOf(process)).toBe(request.spanContext().spanId);
      expect(parentOf(answer)).toBe(process.spanContext().spanId);
      expect(answer.name).toBe('send (temporary)');
      expect(answer.attributes['messaging.destination.temporary']).toBe(true);
      expect(request.events.find((event) => event.name === 'reply')?.attributes?.['eventsmith.reply.id']).toBe(reply.id);
    });

    it('metrics count what was sent and consumed, by outcome', async () => {
      const { recorder, producer, consumer, queue } = await services('metrics', { maxAttempts: 1, baseDelayMs: 20 });
      const seen = new Set<string>();
      consumer.on('test.order_shipped', (data) => {
        if (data.text === 'bad') throw new NonRetryableError('refused');
        seen.add(data.text);
      });
      await consumer.consume(queue);
      await producer.publish('test.order_shipped', 1, { text: 'a' });
      await producer.publish('test.order_shipped', 1, { text: 'b' }, { id: 'same-id' });
      await producer.publish('test.order_shipped', 1, { text: 'b' }, { id: 'same-id' });
      await producer.publish('test.order_shipped', 1, { text: 'bad' });
      await waitFor(() => recorder.named('process').length === 4, 10_000, 'four handled');

      const sent = await recorder.points('messaging.client.sent.messages');
      expect(sent.reduce((sum, point) => sum + Number(point.value), 0)).toBe(4);
      const consumed = await recorder.points('messaging.client.consumed.messages');
      const byOutcome = Object.fromEntries(consumed.map((point) => [String(point.attributes['eventsmith.outcome']), point.value]));
      expect(byOutcome).toEqual({ acked: 2, duplicate: 1, 'dead-lettered': 1 });
      expect(consumed.every((point) => point.attributes['messaging.system'] === harness.system && point.attributes['messaging.consumer.group.name'] === queue)).toBe(true);
      const process = await recorder.points('messaging.process.duration');
      expect(process.reduce((sum, point) => sum + (point.value as { count: number }).count, 0)).toBe(4);
      const durations = await recorder.points('messaging.client.operation.duration');
      expect(durations.reduce((sum, point) => sum + (point.value as { count: number }).count, 0)).toBe(4);
      // Settling can outlast the process span (a dead letter is a produce on Kafka): the gauge reads health when collected.
      await waitFor(() => consumer.health().consumers.every((health) => health.inFlight === 0), 5000, 'every delivery settled');
      const inFlight = await recorder.points('eventsmith.consumer.in_flight');
      expect(inFlight.map((point) => point.value)).toEqual([0]);
    });
  });
}

describe('OpenTelemetry through the global providers', () => {
  it('records nothing while no SDK is registered, spans once one is, and nothing when turned off', async () => {
    const recorder = new Recorder();
    const fixture = makeFixture('otel-global');
    const transport = new MemoryTransport();
    await transport.declareTopology(fixture.topology);
    // Built before the SDK is registered, as a service that sets up OpenTelemetry late would be.
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:global' });
    const off = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:off', telemetry: false, ownsTransport: false });
    const handled: string[] = [];
    client.on('test.order_shipped', (data) => void handled.push(data.text));
    await client.consume(fixture.queue.name);
    try {
      const before = await client.publish('test.order_shipped', 1, { text: 'before' });
      await waitFor(() => handled.length === 1);
      expect(before.traceparent).toBeUndefined();

      trace.setGlobalTracerProvider(recorder.tracerProvider);
      const traced = await client.publish('test.order_shipped', 1, { text: 'traced' });
      const untraced = await off.publish('test.order_shipped', 1, { text: 'untraced' });
      await waitFor(() => recorder.named('process').length === 2);
      expect(traced.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(untraced.traceparent).toBeUndefined();
      expect(recorder.named('send')).toHaveLength(1);
      // The consumer records a message from an untraced producer as a trace of its own.
      expect(recorder.named('process').filter((span) => parentOf(span) === undefined)).toHaveLength(1);
      expect(recorder.finished()).toHaveLength(3);
    } finally {
      await off.close();
      await client.close();
      trace.disable();
      await recorder.shutdown();
    }
  });
});

describe('OpenTelemetry bookkeeping (in memory)', () => {
  /** One client on a memory transport, recording into `recorder`; closed by the caller. */
  async function memoryClient(label: string, recorder: Recorder) {
    const fixture = makeFixture(label, { maxAttempts: 1, baseDelayMs: 20 });
    const transport = new MemoryTransport();
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:bookkeeping', logger: () => {}, telemetry: { tracerProvider: recorder.tracerProvider, meterProvider: recorder.meterProvider } });
    return { fixture, client };
  }

  it("a handler's publish joins its consumer span's trace without a context manager", async () => {
    const recorder = new Recorder();
    const { fixture, client } = await memoryClient('otel-nocm', recorder);
    // No context manager: nothing is active inside the handler, the consumed envelope leads to its span.
    context.disable();
    try {
      client.on('test.order_placed', 1, async (data, ctx) => {
        await ctx.publish('test.order_shipped', 1, { text: data.orderId });
      });
      client.on('test.order_shipped', 1, () => {});
      await client.consume(fixture.queue.name);
      await client.publish('test.order_placed', 1, { orderId: 'o-9', quantity: 1 });
      await waitFor(() => recorder.named('process').length === 2, 5000, 'both consumer spans');

      const placed = recorder.named('send').find((span) => span.attributes['cloudevents.event_type'] === 'test.order_placed');
      const shipped = recorder.named('send').find((span) => span.attributes['cloudevents.event_type'] === 'test.order_shipped');
      const handling = recorder.named('process').find((span) => span.attributes['cloudevents.event_type'] === 'test.order_placed');
      if (placed === undefined || shipped === undefined || handling === undefined) throw new Error('spans missing');
      expect(parentOf(handling)).toBe(placed.spanContext().spanId);
      expect(parentOf(shipped)).toBe(handling.spanContext().spanId);
      expect(traceIdOf(shipped)).toBe(traceIdOf(placed));
    } finally {
      context.setGlobalContextManager(contextManager.enable());
      await client.close();
      await recorder.shutdown();
    }
  });

  it('the consumer span lasts what the process duration histogram recorded, on one clock', async () => {
    const recorder = new Recorder();
    const { fixture, client } = await memoryClient('otel-clock', recorder);
    try {
      client.on('test.order_shipped', 1, () => {});
      await client.consume(fixture.queue.name);
      await client.publish('test.order_shipped', 1, { text: 'timed' });
      await waitFor(() => recorder.named('process').length === 1, 5000, 'the consumer span');

      const [span] = recorder.named('process');
      const [point] = await recorder.points('messaging.process.duration');
      if (span === undefined || point === undefined) throw new Error('span or histogram missing');
      const seconds = span.duration[0] + span.duration[1] / 1e9;
      expect(seconds).toBeGreaterThan(0);
      // To the microsecond: the start and the end are both performance timestamps, not Date.now()'s milliseconds.
      expect(seconds).toBeCloseTo((point.value as { sum: number }).sum, 6);
    } finally {
      await client.close();
      await recorder.shutdown();
    }
  });

  it('a collection right after a burst of sends includes the increments not yet added to the SDK', async () => {
    const recorder = new Recorder();
    const { fixture, client } = await memoryClient('otel-burst', recorder);
    try {
      let handled = 0;
      client.on('test.order_shipped', 1, () => void handled++);
      await client.consume(fixture.queue.name);
      await Promise.all(Array.from({ length: 50 }, (_, i) => client.publish('test.order_shipped', 1, { text: `n${i}` })));
      // Still the turn of the last send: its increment waits for the end of the turn, the collection takes it first.
      const sent = await recorder.points('messaging.client.sent.messages');
      expect(sent.map((point) => point.value)).toEqual([50]);
      await waitFor(() => handled === 50, 5000, 'all handled');
      const consumed = await recorder.points('messaging.client.consumed.messages');
      expect(consumed.map((point) => [point.attributes['eventsmith.outcome'], point.value])).toEqual([['acked', 50]]);
      const durations = await recorder.points('messaging.process.duration');
      expect(durations.map((point) => (point.value as { count: number }).count)).toEqual([50]);
    } finally {
      await client.close();
      await recorder.shutdown();
    }
  });

  it('a failed send records its error type on the span, the sent counter and the duration histogram', async () => {
    const recorder = new Recorder();
    const { client } = await memoryClient('otel-unroutable', recorder);
    try {
      await client.publish('test.order_shipped', 1, { text: 'ok' }, { destination: 'nowhere.at.all' }).then(
        () => expect.fail('an unroutable publish resolved'),
        (error: unknown) => expect(error).toBeInstanceOf(UnroutableError),
      );
      const [span] = recorder.named('send');
      expect(span?.name).toBe('send nowhere.at.all');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes['error.type']).toBe('UnroutableError');
      const metric = { 'messaging.system': 'memory', 'messaging.operation.name': 'send', 'messaging.destination.name': 'nowhere.at.all', 'error.type': 'UnroutableError' };
      const sent = await recorder.points('messaging.client.sent.messages');
      expect(sent.map((point) => [point.attributes, point.value])).toEqual([[metric, 1]]);
      const durations = await recorder.points('messaging.client.operation.duration');
      expect(durations.map((point) => [point.attributes, (point.value as { count: number }).count])).toEqual([[metric, 1]]);
    } finally {
      await client.close();
      await recorder.shutdown();
    }
  });
});
