/**
 * Spans and metrics of one client, following the OpenTelemetry messaging semantic conventions:
 * a producer span `send {destination}` per publish, a consumer span `process {destination}` per
 * handled message, joined through the W3C trace context that travels in the envelope
 * (`traceparent` / `tracestate`, the CloudEvents distributed-tracing extension). Recorded above
 * the transport seam, so every transport gets it once and the same.
 */
import type { Attributes, Context, Counter, Histogram, Meter, MeterProvider, ObservableCallback, ObservableCounter, ObservableGauge, ObservableUpDownCounter, ProxyTracerProvider, Span, SpanOptions, TextMapGetter, TextMapSetter, Tracer, TracerProvider } from '@opentelemetry/api';
import type { ConsumeObserver, ConsumeOutcome, MessageObservation } from '../consume/observer.js';
import type { Envelope } from '../envelope.js';
import type { ConsumerHealth, Decision, InboundMessage, PublishTarget } from '../transport.js';
import type { OtelApi } from './load.js';
import type { TelemetryOptions } from './options.js';
import { ATTR, DURATION_BUCKETS, METRIC, messagingSystem } from './semconv.js';

const SCOPE = 'eventsmith';

/** Caches keyed by destination are dropped past this size, should a client send to unbounded destinations. */
const MAX_CACHED = 1000;

/**
 * The consumer span context of each envelope whose handler runs without a context manager (none
 * registered): a publish from inside the handler takes it as parent, so the handler's publishes
 * stay in its trace either way. Weak: it goes with the envelope. Only filled when needed, since an
 * entry costs more than the rest of the bookkeeping of a message (the garbage collector treats
 * each as an ephemeron).
 */
const processContexts = new WeakMap<Envelope, Context>();

/** How an envelope leaves: published, sent as a request awaiting its reply, or sent as a reply. */
export type SendMode = 'publish' | 'request' | 'reply';

/** One send in progress; ended once by {@link done} or {@link failed}. */
export interface Sending {
  readonly traceId: string | undefined;
  done(reply?: Envelope): void;
  failed(error: unknown): void;
}

/**
 * One metric series (instrument and attribute set), built once and reused for every message: its
 * increments this turn of the event loop wait in `pending`. The SDK sorts and serializes the
 * attributes of every `add` to find their series, which cost as much as the rest of a record, so
 * increments go out summed, one `add` per series and turn.
 */
interface Series {
  readonly counter: Counter;
  readonly attributes: Attributes;
  pending: number;
}

/** What every send to one (low-cardinality) destination shares: its span name and metric series. */
interface SendRoute {
  readonly spanName: string;
  readonly series: Series;
}

/** What every message of one subscription shares: its metric series per outcome (without an error type). */
type ProcessSeries = Partial<Record<ConsumeOutcome, Series>>;

export class Telemetry implements ConsumeObserver {
  /** @internal */ readonly tracer: Tracer;
  private readonly sent: Counter;
  private readonly sendDuration: Histogram;
  private readonly consumed: Counter;
  private readonly processDuration: Histogram;
  private readonly inFlight: ObservableUpDownCounter;
  private readonly lag: ObservableGauge;
  private readonly skipped: ObservableCounter;
  private consumerCallbacks: { inFlight: ObservableCallback; lag: ObservableCallback; skipped: ObservableCallback } | undefined;
  /** The global tracer provider's proxy, whose delegate is the SDK's once one is registered. */
  private readonly globalTracing: ProxyTracerProvider | undefined;
  private readonly noTracing: TracerProvider | undefined;
  /** A meter provider that records: given, or registered before this client was built (the metrics API has no proxy). */
  private readonly metering: boolean;
  /** Span options shared by every producer span (the SDK only reads them). */
  private readonly producer: SpanOptions;
  private readonly sendRoutes = new Map<string, SendRoute>();
  /** Failed sends' series, by destination and error type. */
  private readonly failedSendSeries = new Map<string, Series>();
  private readonly processSeries = new Map<string, ProcessSeries>();
  /** Failed messages' series, by subscription, outcome and error type. */
  private readonly failedProcessSeries = new Map<string, Series>();
  /** `process {destination}`, by destination. */
  private readonly processNames = new Map<string, string>();
  /** Series with increments waiting for the end of this turn. */
  private readonly pendingSeries: Series[] = [];
  private countsScheduled = false;
  readonly system: string;

  constructor(
    readonly api: OtelApi,
    options: TelemetryOptions,
    transport: string,
  ) {
    this.system = messagingSystem(transport);
    const tracerProvider = (options.tracerProvider as TracerProvider | undefined) ?? api.trace.getTracerProvider();
    if (tracerProvider instanceof api.ProxyTracerProvider) {
      this.globalTracing = tracerProvider;
      this.noTracing = new api.ProxyTracerProvider().getDelegate();
    }
    this.tracer = tracerProvider.getTracer(SCOPE);
    this.producer = Object.freeze({ kind: api.SpanKind.PRODUCER });
    const meter: Meter = ((options.meterProvider as MeterProvider | undefined) ?? api.metrics.getMeterProvider()).getMeter(SCOPE);
    this.metering = meter !== api.createNoopMeter();
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: DURATION_BUCKETS } };
    this.sent = meter.createCounter(METRIC.sent, { unit: '{message}', description: 'Messages the client sent (published, requests, replies).' });
    this.sendDuration = meter.createHistogram(METRIC.operationDuration, { ...seconds, description: 'Duration of a send until the broker took the message (a request: until its reply).' });
    this.consumed = meter.createCounter(METRIC.consumed, { unit: '{message}', description: 'Messages the client consumed, by outcome.' });
    this.processDuration = meter.createHistogram(METRIC.processDuration, { ...seconds, description: 'Duration of handling one message, from arrival to decision.' });
    this.inFlight = meter.createObservableUpDownCounter(METRIC.inFlight, { unit: '{message}', description: 'Messages being handled now.' });
    this.lag = meter.createObservableGauge(METRIC.lag, { unit: '{message}', description: 'Messages waiting for a subscription, where the transport can tell.' });
    this.skipped = meter.createObservableCounter(METRIC.skipped, { unit: '{message}', description: 'Messages a consumer passed over because the broker no longer held them (Kafka retention).' });
    // The SDK runs observable callbacks before it reads the synchronous instruments, so a collection
    // always includes the increments still waiting for the end of this turn.
    if (this.metering) this.inFlight.addCallback(this.flushCounts);
  }

  /**
   * Whether anything is recorded now: an SDK's tracer provider (registered at any time) or a meter
   * that records. When not, the client skips telemetry altogether, which is what keeps a service
   * with the API installed but no SDK at (almost) no cost.
   */
  get recording(): boolean {
    return this.metering || this.globalTracing === undefined || this.globalTracing.getDelegate() !== this.noTracing;
  }

  /**
   * Reports each consumer's in-flight messages and lag from `consumers()` (the transport's health)
   * when metrics are collected: read then, rather than counted on every message.
   */
  observeConsumers(consumers: () => readonly ConsumerHealth[]): void {
    if (this.consumerCallbacks !== undefined) return;
    const attributesOf = (consumer: ConsumerHealth): Attributes => ({ [ATTR.system]: this.system, [ATTR.consumerGroup]: consumer.subscription, [ATTR.destinationName]: consumer.subscription });
    this.consumerCallbacks = {
      inFlight: (result) => {
        for (const consumer of consumers()) result.observe(consumer.inFlight, attributesOf(consumer));
      },
      lag: (result) => {
        for (const consumer of consumers()) if (consumer.lag !== undefined) result.observe(consumer.lag, attributesOf(consumer));
      },
      skipped: (result) => {
        for (const consumer of consumers()) if (consumer.skipped !== undefined) result.observe(consumer.skipped, attributesOf(consumer));
      },
    };
    this.inFlight.addCallback(this.consumerCallbacks.inFlight);
    this.lag.addCallback(this.consumerCallbacks.lag);
    this.skipped.addCallback(this.consumerCallbacks.skipped);
  }

  /** Stops reporting consumers (the client closed). */
  close(): void {
    this.flushCounts();
    this.inFlight.removeCallback(this.flushCounts);
    if (this.consumerCallbacks === undefined) return;
    this.inFlight.removeCallback(this.consumerCallbacks.inFlight);
    this.lag.removeCallback(this.consumerCallbacks.lag);
    this.skipped.removeCallback(this.consumerCallbacks.skipped);
    this.consumerCallbacks = undefined;
  }

  /**
   * Starts the producer span of `envelope` and writes its trace context into the envelope, before
   * the transport serializes it. `cause` is the envelope being handled, if any.
   */
  sending(envelope: Envelope, target: PublishTarget, mode: SendMode, cause: Envelope | undefined, replyTo: string | undefined, template: string | undefined): Sending {
    const { api } = this;
    const started = performance.now();
    let parent = api.context.active();
    if (cause !== undefined && api.trace.getSpan(parent) === undefined) parent = processContexts.get(cause) ?? parent;
    const destination = mode === 'reply' ? (replyTo ?? 'reply') : (target.service ?? target.destination);
    // A reply address names one requester: it has no place in a span name or a metric.
    const route = this.sendRoute(mode === 'reply' ? '(temporary)' : (template ?? destination));
    const span = this.tracer.startSpan(route.spanName, this.producer, parent);
    // One object, one setAttributes: the SDK validates each call, and this runs per message.
    if (span.isRecording()) span.setAttributes(sendAttributes(envelope, this.system, destination, template, mode === 'reply'));
    api.propagation.inject(api.trace.setSpan(parent, span), envelope, envelopeSetter);
    return new Send(this, span, route, started);
  }

  /** The trace of the span active here (a handler's consumer span), for log lines. */
  activeTraceId(): string | undefined {
    const span = this.api.trace.getActiveSpan();
    return span === undefined ? undefined : traceIdOf(span);
  }

  received(message: InboundMessage): MessageObservation {
    return new Processing(this, message);
  }

  /** @internal The span name of a consumer span from `destination`. */
  processName(destination: string): string {
    return remembered(this.processNames, destination, () => `process ${destination}`);
  }

  /** @internal Used by {@link Send}: the metrics of a send that ended. */
  sendEnded(route: SendRoute, started: number, errorType: string | undefined): void {
    const series = errorType === undefined ? route.series : this.failedSendSeriesOf(route, errorType);
    this.count(series);
    this.sendDuration.record((performance.now() - started) / 1000, series.attributes);
  }

  /** @internal Used by {@link Processing}. */
  recordProcess(message: InboundMessage, outcome: ConsumeOutcome, seconds: number, errorType: string | undefined): void {
    const series = errorType === undefined ? this.processSeriesOf(message.subscription.name, outcome) : this.failedProcessSeriesOf(message.subscription.name, outcome, errorType);
    this.count(series);
    this.processDuration.record(seconds, series.attributes);
  }

  private count(series: Series): void {
    if (series.pending++ === 0) this.pendingSeries.push(series);
    if (this.countsScheduled) return;
    this.countsScheduled = true;
    setImmediate(this.flushCounts);
  }

  private readonly flushCounts = (): void => {
    this.countsScheduled = false;
    for (const series of this.pendingSeries) {
      series.counter.add(series.pending, series.attributes);
      series.pending = 0;
    }
    this.pendingSeries.length = 0;
  };

  private sendRoute(destination: string): SendRoute {
    return remembered(this.sendRoutes, destination, () => ({ spanName: `send ${destination}`, series: this.series(this.sent, { [ATTR.system]: this.system, [ATTR.operationName]: 'send', [ATTR.destinationName]: destination }) }));
  }

  private failedSendSeriesOf(route: SendRoute, errorType: string): Series {
    const destination = route.series.attributes[ATTR.destinationName] as string;
    return remembered(this.failedSendSeries, `${destination}\n${errorType}`, () => this.series(this.sent, { ...route.series.attributes, [ATTR.errorType]: errorType }));
  }

  private processSeriesOf(subscription: string, outcome: ConsumeOutcome): Series {
    const bySubscription = remembered(this.processSeries, subscription, (): ProcessSeries => ({}));
    return (bySubscription[outcome] ??= this.series(this.consumed, this.processAttributes(subscription, outcome)));
  }

  private failedProcessSeriesOf(subscription: string, outcome: ConsumeOutcome, errorType: string): Series {
    return remembered(this.failedProcessSeries, `${subscription}\n${outcome}\n${errorType}`, () => this.series(this.consumed, { ...this.processAttributes(subscription, outcome), [ATTR.errorType]: errorType }));
  }

  private processAttributes(subscription: string, outcome: ConsumeOutcome): Attributes {
    return { [ATTR.system]: this.system, [ATTR.operationName]: 'process', [ATTR.destinationName]: subscription, [ATTR.consumerGroup]: subscription, [ATTR.outcome]: outcome };
  }

  private series(counter: Counter, attributes: Attributes): Series {
    // Frozen: the same object goes to the SDK with every record, and must stay as it was.
    return { counter, attributes: Object.freeze(attributes), pending: 0 };
  }
}

/** `map`'s value for `key`, made and kept on first use; the map is emptied when full (MAX_CACHED). */
function remembered<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= MAX_CACHED) map.clear();
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * The envelope itself is the carrier of its trace context, read and written through these (no
 * carrier object per message). Only the W3C trace context travels: whatever else a propagator
 * writes (baggage) is dropped, and nothing else of the envelope is offered to one.
 */
const envelopeSetter: TextMapSetter<Envelope> = {
  set(envelope, key, value) {
    if (key === 'traceparent') envelope.traceparent = value;
    else if (key === 'tracestate') envelope.tracestate = value;
  },
};

const envelopeGetter: TextMapGetter<Envelope> = {
  get(envelope, key) {
    return key === 'traceparent' ? envelope.traceparent : key === 'tracestate' ? envelope.tracestate : undefined;
  },
  keys(envelope) {
    const keys: string[] = [];
    if (envelope.traceparent !== undefined) keys.push('traceparent');
    if (envelope.tracestate !== undefined) keys.push('tracestate');
    return keys;
  },
};

/** One send in progress (a class rather than closures: one is made per message). */
class Send implements Sending {
  constructor(
    private readonly telemetry: Telemetry,
    private readonly span: Span,
    private readonly route: SendRoute,
    private readonly started: number,
  ) {}

  get traceId(): string | undefined {
    return traceIdOf(this.span);
  }

  done(reply?: Envelope): void {
    if (reply !== undefined && this.span.isRecording()) this.span.addEvent('reply', { [ATTR.replyId]: reply.id, [ATTR.eventType]: reply.type });
    this.telemetry.sendEnded(this.route, this.started, undefined);
    this.span.end();
  }

  failed(error: unknown): void {
    const { span } = this;
    const type = errorType(error);
    span.setAttribute(ATTR.errorType, type);
    span.recordException(exceptionOf(error));
    span.setStatus({ code: this.telemetry.api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    this.telemetry.sendEnded(this.route, this.started, type);
    span.end();
  }
}

/** One message from arrival to decision: its consumer span, started once the envelope is read. */
class Processing implements MessageObservation {
  private readonly startTime = performance.now();
  private span: Span | undefined;
  private context: Context | undefined;
  private envelope: Envelope | undefined;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly message: InboundMessage,
  ) {}

  get traceId(): string | undefined {
    return this.span === undefined ? undefined : traceIdOf(this.span);
  }

  decoded(envelope: Envelope): void {
    this.envelope = envelope;
    this.start(envelope);
  }

  run<T>(work: () => T): T {
    const { context } = this;
    if (context === undefined) return work();
    // this and work through with() rather than a closure of our own: this runs for every message.
    return this.telemetry.api.context.with(context, runInside<T>, this, work);
  }

  /** @internal Called by {@link runInside}, inside this observation's context. */
  enteredContext(): void {
    const { context, envelope } = this;
    // Without a context manager nothing is active inside: the handler's publishes find the
    // consumer span through the envelope they were caused by (see processContexts).
    if (context !== undefined && envelope !== undefined && this.telemetry.api.context.active() !== context) processContexts.set(envelope, context);
  }

  settled(outcome: ConsumeOutcome, decision: Decision, exception: unknown): void {
    const { api } = this.telemetry;
    // A message refused before its envelope was read still gets a span: it is where the error shows.
    const span = this.span ?? this.start(undefined);
    let type: string | undefined;
    if (decision.settle !== 'ack') {
      type = decision.settle === 'dead-letter' ? decision.reason : errorType(exception);
      span.setAttribute(ATTR.errorType, type);
      span.recordException(exception === undefined ? { name: type, message: decision.settle === 'dead-letter' ? decision.error : decision.reason } : exceptionOf(exception));
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: decision.settle === 'dead-letter' ? `dead-lettered (${decision.reason}): ${decision.error}` : decision.reason });
    }
    span.setAttribute(ATTR.outcome, outcome);
    // The end as a performance timestamp like the start: the span's duration is then exact, and
    // the same as the histogram's.
    const now = performance.now();
    span.end(now);
    this.telemetry.recordProcess(this.message, outcome, (now - this.startTime) / 1000, type);
  }

  /** Starts the consumer span, as the child of the producer span whose context the envelope carries. */
  private start(envelope: Envelope | undefined): Span {
    const { telemetry, message } = this;
    const { api } = telemetry;
    let parent: Context = api.ROOT_CONTEXT;
    if (envelope?.traceparent !== undefined) parent = api.propagation.extract(parent, envelope, envelopeGetter);
    // Read once: a transport may build them when asked (a getter), for this span only.
    const own = message.attributes;
    const destination = destinationOf(message, own);
    // startTime as a performance timestamp (not epoch milliseconds): the SDK then measures the end
    // on the same clock rather than with Date.now()'s whole milliseconds.
    const span = telemetry.tracer.startSpan(telemetry.processName(destination), { kind: api.SpanKind.CONSUMER, startTime: this.startTime }, parent);
    if (span.isRecording()) span.setAttributes(processAttributes(message, own, envelope, telemetry.system, destination));
    this.span = span;
    this.context = api.trace.setSpan(parent, span);
    return span;
  }
}

/** What {@link Processing.run} runs inside the observation's context. */
function runInside<T>(this: Processing, work: () => T): T {
  this.enteredContext();
  return work();
}

/** Where a message was consumed from: what the transport names (in `own`, its attributes), else its subscription. */
function destinationOf(message: InboundMessage, own: InboundMessage['attributes']): string {
  const named = own?.[ATTR.destinationName];
  return typeof named === 'string' ? named : message.subscription.name;
}

/** A producer span's attributes, in one object: the SDK validates each setAttributes call. */
function sendAttributes(envelope: Envelope, system: string, destination: string, template: string | undefined, temporary: boolean): Attributes {
  const attributes = envelopeAttributes(envelope);
  attributes[ATTR.system] = system;
  attributes[ATTR.operationName] = 'send';
  attributes[ATTR.operationType] = 'send';
  attributes[ATTR.destinationName] = destination;
  if (template !== undefined) attributes[ATTR.destinationTemplate] = template;
  if (temporary) attributes[ATTR.destinationTemporary] = true;
  return attributes;
}

/** A consumer span's attributes, in one object: the envelope's, the delivery's, then the transport's own (Kafka partition and offset, RabbitMQ routing key, …). */
function processAttributes(message: InboundMessage, own: InboundMessage['attributes'], envelope: Envelope | undefined, system: string, destination: string): Attributes {
  const attributes = envelope === undefined ? {} : envelopeAttributes(envelope);
  attributes[ATTR.system] = system;
  attributes[ATTR.operationName] = 'process';
  attributes[ATTR.operationType] = 'process';
  attributes[ATTR.destinationName] = destination;
  attributes[ATTR.subscriptionName] = message.subscription.name;
  attributes[ATTR.consumerGroup] = message.subscription.name;
  attributes[ATTR.bodySize] = message.body.length;
  attributes[ATTR.attempt] = message.attempt;
  if (own !== undefined) for (const key in own) attributes[key] = own[key];
  return attributes;
}

function envelopeAttributes(envelope: Envelope): Attributes {
  const attributes: Attributes = {
    [ATTR.messageId]: envelope.id,
    [ATTR.eventId]: envelope.id,
    [ATTR.eventType]: envelope.type,
    [ATTR.eventSource]: envelope.source,
    [ATTR.eventVersion]: envelope.eventversion,
  };
  if (envelope.correlationid !== undefined) attributes[ATTR.conversationId] = envelope.correlationid;
  if (envelope.tenantid !== undefined) attributes[ATTR.tenant] = envelope.tenantid;
  return attributes;
}

function traceIdOf(span: Span): string | undefined {
  const { traceId, traceFlags } = span.spanContext();
  // An all-zero id is the API's "no trace" (no SDK and no incoming context).
  return traceId === '00000000000000000000000000000000' && traceFlags === 0 ? undefined : traceId;
}

/** `error.type` as the conventions define it: the exception's class name. */
function errorType(error: unknown): string {
  return error instanceof Error ? error.name : '_OTHER';
}

function exceptionOf(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}
