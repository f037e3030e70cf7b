/**
 * What OpenTelemetry costs, side by side in one run: the same publish + consume of a generated
 * event through the in-memory transport (no broker, so the instrumentation's own cost is the
 * largest share it can ever be) and through RabbitMQ (a vhost of its own), with
 *
 * - `off`: `telemetry: false`, the runtime without any instrumentation (the baseline);
 * - `no SDK`: `@opentelemetry/api` installed but no SDK registered, the default for a service that
 *   has not set up OpenTelemetry;
 * - `SDK`: a tracer provider with a batch span processor and a meter provider with a periodic
 *   reader, both exporting to a no-op exporter, and what the Node SDK registers globally by default:
 *   the async-hooks context manager and the W3C trace-context and baggage propagators (so the trace
 *   context is written into every envelope and read back, as in a real service). Every span and
 *   metric is recorded; only the export is free;
 * - `off again`, the same as `off`: an A/A control whose ratios against `off` show how far two
 * identical runs drift apart on the shared machine (see compare()).
 *
 * Rounds run the four in random order so a slow spell of the shared machine hits each; a ratio is
 * the median of the per-round ratios against `off`, logged with their spread. CPU time per message
 * is reported beside the rate.
 *
 * Beside them, `sdkFloor`: the CPU the SDK itself takes per message for what the `SDK` variant
 * records (a producer and a consumer span with the same attributes, the trace context injected and
 * extracted through the same propagators, two histogram records), with
 * nothing of eventsmith around it. Set against `off`, it is the least overhead any instrumentation
 * of this traffic could have with this SDK setup.
 */
import { loadavg } from 'node:os';
import { ROOT_CONTEXT, SpanKind, context, defaultTextMapGetter as defaultGetter, defaultTextMapSetter as defaultSetter, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, ExportResultCode, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EventClient, MemoryTransport } from 'eventsmith/runtime';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { EVENT_REGISTRY } from '../dist/generated/index.js';
import { PAYLOAD } from './runtime.mjs';
import { collectGarbage } from './lib/gc.mjs';
import { log, median, shuffled, windowed } from './lib/stats.mjs';
import { createVhost } from './lib/vhost.mjs';

const TYPE = 'inventory.stock_added';
const VERSION = 2;
const WINDOW = 1000;
const SUBSCRIPTION = { name: 'bench-otel.events', sources: [{ kind: 'business', destination: `business.${TYPE}` }] };

/** Takes every batch and drops it: what the SDK costs without the cost of a backend. */
const noopExporter = {
  export: (_items, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
  forceFlush: async () => {},
};

/** The Node SDK's default propagators (`OTEL_PROPAGATORS=tracecontext,baggage`). */
const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });

function sdk() {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopExporter)] });
  const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: noopExporter, exportIntervalMillis: 1000 })] });
  return { tracerProvider, meterProvider };
}

/** Publishes `total` events (1,000 in flight) and resolves once all were handled: messages per second and CPU µs per message. */
async function roundTrip(connect, total, telemetry) {
  const transport = await connect();
  await transport.declareTopology({ subscriptions: [SUBSCRIPTION] });
  const client = new EventClient({ transport, registry: EVENT_REGISTRY, source: 'urn:eventsmith:inventory-service', telemetry });
  let handled = 0;
  let allHandled;
  const done = new Promise((resolve) => (allHandled = resolve));
  client.on(TYPE, VERSION, () => {
    if (++handled === total) allHandled();
  });
  await client.consume(SUBSCRIPTION.name, { prefetch: 1000 });
  // Loads the API before the clock starts: its one-time import is not what is measured.
  total += 1;
  await client.publish(TYPE, VERSION, PAYLOAD);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const measured = total - 1;
  await windowed(measured, WINDOW, () => client.publish(TYPE, VERSION, PAYLOAD));
  await done;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await client.close();
  return { rate: measured / seconds, cpuMicros: (used.user + used.system) / measured };
}

/** CPU µs per message of the SDK calls alone for one published and consumed message (see the header). */
async function sdkFloor(total) {
  const { tracerProvider, meterProvider } = sdk();
  const tracer = tracerProvider.getTracer('eventsmith');
  const meter = meterProvider.getMeter('eventsmith');
  const seconds = { unit: 's' };
  const sendDuration = meter.createHistogram('messaging.client.operation.duration', seconds);
  const processDuration = meter.createHistogram('messaging.process.duration', seconds);
  const sendMetric = { 'messaging.system': 'memory', 'messaging.operation.name': 'send', 'messaging.destination.name': `business.${TYPE}` };
  const processMetric = { 'messaging.system': 'memory', 'messaging.operation.name': 'process', 'messaging.destination.name': SUBSCRIPTION.name, 'messaging.consumer.group.name': SUBSCRIPTION.name, 'eventsmith.outcome': 'acked' };
  const envelope = (id) => ({ 'messaging.message.id': id, 'cloudevents.event_id': id, 'cloudevents.event_type': TYPE, 'cloudevents.event_source': 'urn:eventsmith:inventory-service', 'eventsmith.event.version': VERSION });
  const one = (i) => {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const send = tracer.startSpan(`send business.${TYPE}`, { kind: SpanKind.PRODUCER }, ROOT_CONTEXT);
    send.setAttributes({ ...envelope(id), ...sendMetric, 'messaging.operation.type': 'send' });
    const carrier = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, send), carrier, defaultSetter);
    send.end();
    sendDuration.record(0.001, sendMetric);
    const consume = tracer.startSpan(`process ${SUBSCRIPTION.name}`, { kind: SpanKind.CONSUMER }, propagator.extract(ROOT_CONTEXT, carrier, defaultGetter));
    consume.setAttributes({ ...envelope(id), ...processMetric, 'messaging.operation.type': 'process', 'messaging.destination.subscription.name': SUBSCRIPTION.name, 'messaging.message.body.size': 300, 'eventsmith.delivery.attempt': 1 });
    consume.end();
    processDuration.record(0.001, processMetric);
  };
  // Yields every window like the round trips do, so the batch span processor's timer runs as there.
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      one(i);
      if (i % WINDOW === WINDOW - 1) await new Promise(setImmediate);
    }
  };
  await run(Math.min(total, 5_000));
  collectGarbage();
  const cpu = process.cpuUsage();
  await run(total);
  const used = process.cpuUsage(cpu);
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  return (used.user + used.system) / total;
}

export async function benchOtel({ quick }) {
  const memory = await compare(() => new MemoryTransport(), { rounds: quick ? 2 : 7, total: quick ? 5_000 : 30_000, warmup: quick ? 1_000 : 5_000 });
  const floors = [];
  for (let i = 0; i < 3; i++) floors.push(await sdkFloor(memory.messages));
  memory.sdkFloorCpuMicros = median(floors);
  log(`   SDK floor: ${memory.sdkFloorCpuMicros.toFixed(1)} CPU µs/msg for the SDK's own calls (off: ${memory.off.cpuMicros.toFixed(1)}), the least any instrumentation could add`);
  let vhost;
  try {
    vhost = await createVhost('eventsmith-bench-otel');
  } catch (error) {
    return { available: true, memory, rabbitmq: { available: false, reason: `no broker (${String(error.message).split('\n')[0]})` } };
  }
  try {
    const rabbitmq = await compare(() => AmqpTransport.connect({ url: vhost.url, connectionName: 'bench-otel' }), { rounds: quick ? 1 : 7, total: quick ? 2_000 : 10_000, warmup: quick ? 500 : 2_000 });
    return { available: true, memory, rabbitmq: { available: true, ...rabbitmq } };
  } finally {
    await vhost.remove().catch((error) => log(`could not delete vhost ${vhost.name}: ${error.message}`));
  }
}

async function compare(connect, { rounds, total, warmup }) {
  const contextManager = new AsyncLocalStorageContextManager();
  // `off again` is the A/A control: the baseline against a second run of itself in each round. Its
  // ratios are what the shared machine alone makes of two identical runs, the least a difference
  // between the others must exceed to mean anything (on RabbitMQ the CPU per message also moves
  // with how many messages each turn of the event loop finds, i.e. with how the broker was scheduled).
  const runs = { off: [], 'off again': [], 'no SDK': [], SDK: [] };
  // A warm-up of each, so JIT compilation is not charged to whichever runs first.
  for (const variant of Object.keys(runs)) await measure(variant, warmup);
  for (let round = 0; round < rounds; round++) {
    const order = shuffled(Object.keys(runs));
    for (const variant of order) runs[variant].push(await measure(variant, total));
    const off = runs.off.at(-1);
    const vsOff = (variant) => {
      const run = runs[variant].at(-1);
      return `${variant} ${(run.rate / off.rate).toFixed(3)}× (CPU ${run.cpuMicros.toFixed(1)} µs/msg, ${(run.cpuMicros / off.cpuMicros).toFixed(3)}×)`;
    };
    log(`   round ${round + 1} (${order.join(', ')}; load ${loadavg()[0].toFixed(1)}): off ${off.rate.toFixed(0)} msg/s (CPU ${off.cpuMicros.toFixed(1)} µs/msg); ${['off again', 'no SDK', 'SDK'].map(vsOff).join('; ')}`);
  }
  const summary = (variant) => {
    const rateRatios = runs[variant].map((run, i) => run.rate / runs.off[i].rate);
    const cpuRatios = runs[variant].map((run, i) => run.cpuMicros / runs.off[i].cpuMicros);
    return {
      rate: median(runs[variant].map((run) => run.rate)),
      cpuMicros: median(runs[variant].map((run) => run.cpuMicros)),
      vsOff: median(rateRatios),
      cpuVsOff: median(cpuRatios),
      // The spread of the per-round ratios whose median the two above are.
      vsOffRange: [Math.min(...rateRatios), Math.max(...rateRatios)],
      cpuVsOffRange: [Math.min(...cpuRatios), Math.max(...cpuRatios)],
    };
  };
  const result = { messages: total, rounds, off: summary('off'), offAgain: summary('off again'), noSdk: summary('no SDK'), sdk: summary('SDK') };
  const spread = ([low, high]) => `${low.toFixed(2)}–${high.toFixed(2)}`;
  for (const [label, v] of [['off again (A/A)', result.offAgain], ['no SDK', result.noSdk], ['SDK', result.sdk]]) {
    log(`   ${label} against off: rate ${v.vsOff.toFixed(3)}× (rounds ${spread(v.vsOffRange)}), CPU ${v.cpuVsOff.toFixed(3)}× (rounds ${spread(v.cpuVsOffRange)})`);
  }
  return result;

  async function measure(variant, n) {
    // What the previous run left (an SDK run leaves the most: its spans) is collected before the
    // clock starts, not charged to whichever variant happens to come next.
    collectGarbage();
    if (variant === 'off' || variant === 'off again') return roundTrip(connect, n, false);
    if (variant === 'no SDK') return roundTrip(connect, n, undefined);
    const providers = sdk();
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(propagator);
    try {
      return await roundTrip(connect, n, providers);
    } finally {
      context.disable();
      propagation.disable();
      await providers.tracerProvider.shutdown();
      await providers.meterProvider.shutdown();
    }
  }
}
