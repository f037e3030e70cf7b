/**
 * Spans and metrics of one client, following the OpenTelemetry messaging semantic conventions:
 * a producer span `send {destination}` per publish, a consumer span `process {destination}` per
 * handled message, joined through the W3C trace context that travels in the envelope
 * (`traceparent` / `tracestate`, the CloudEvents distributed-tracing extension). Recorded above
 * the transport seam, so every transport gets it once and the same.
 */
import type { Attributes, Context, Counter, Histogram, Meter, MeterProvider, ObservableCallback, ObservableCounter, ObservableGauge, ObservableUpDownCounter, ProxyTracerProvider, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import type { ConsumeObserver, ConsumeOutcome, MessageObservation } from '../consume/observer.js';
import type { Envelope } from '../envelope.js';
import type { ConsumerHealth, Decision, InboundMessage, PublishTarget } from '../transport.js';
import type { OtelApi } from './load.js';
import type { TelemetryOptions } from './options.js';
import { ATTR, DURATION_BUCKETS, METRIC, messagingSystem } from './semconv.js';

const SCOPE = 'eventsmith';

/**
 * The consumer span context of each envelope being handled. A publish from inside a handler takes
 * it as parent when no context manager carries the active span there (none registered), so a
 * handler's publishes stay in its trace either way. Weak: it goes with the envelope.
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

export class Telemetry implements ConsumeObserver {
  private readonly tracer: Tracer;
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
  /** Metric attributes per destination or subscription and outcome, built once: the SDK hashes them on every record anyway. */
  private readonly sendAttributes = new Map<string, Attributes>();
  private readonly processAttributes = new Map<string, Attributes>();
  /**
   * Counter increments of this turn of the event loop, by attribute set (the cached objects above):
   * the SDK sorts and serializes the attributes of every `add` to find their series, which cost as
   * much as the rest of a record, so increments go out summed, one `add` per series and turn.
   */
  private readonly pendingCounts = new Map<Attributes, { counter: Counter; count: number }>();
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
    const active = api.context.active();
    const parent = cause !== undefined && api.trace.getSpan(active) === undefined ? (processContexts.get(cause) ?? active) : active;
    const destination = mode === 'reply' ? (replyTo ?? 'reply') : (target.service ?? target.destination);
    // A reply address names one requester: it has no place in a span name or a metric.
    const lowCardinality = mode === 'reply' ? '(temporary)' : (template ?? destination);
    const span = this.tracer.startSpan(`send ${lowCardinality}`, { kind: api.SpanKind.PRODUCER }, parent);
    if (span.isRecording()) {
      // One object, one setAttributes: the SDK validates each call, and this runs per message.
      const attributes = envelopeAttributes(envelope);
      attributes[ATTR.system] = this.system;
      attributes[ATTR.operationName] = 'send';
      attributes[ATTR.operationType] = 'send';
      attributes[ATTR.destinationName] = destination;
      if (template !== undefined) attributes[ATTR.destinationTemplate] = template;
      if (mode === 'reply') attributes[ATTR.destinationTemporary] = true;
      span.setAttributes(attributes);
    }
    const carrier: Record<string, string> = {};
    api.propagation.inject(api.trace.setSpan(parent, span), carrier);
    if (carrier.traceparent !== undefined) envelope.traceparent = carrier.traceparent;
    if (carrier.tracestate !== undefined) envelope.tracestate = carrier.tracestate;
    const traceId = traceIdOf(span);
    const finish = (errorType: string | undefined): void => {
      const attributes = this.sendAttributesOf(lowCardinality, errorType);
      this.count(this.sent, attributes);
      this.sendDuration.record((performance.now() - started) / 1000, attributes);
      span.end();
    };
    return {
      traceId,
      done: (reply) => {
        if (reply !== undefined && span.isRecording()) span.addEvent('reply', { [ATTR.replyId]: reply.id, [ATTR.eventType]: reply.type });
        finish(undefined);
      },
      failed: (error) => {
        const type = errorType(error);
        span.setAttribute(ATTR.errorType, type);
        span.recordException(exceptionOf(error));
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        finish(type);
      },
    };
  }

  /** The trace of the span active here (a handler's consumer span), for log lines. */
  activeTraceId(): string | undefined {
    const span = this.api.trace.getActiveSpan();
    return span === undefined ? undefined : traceIdOf(span);
  }

  received(message: InboundMessage): MessageObservation {
    return new Processing(this, message);
  }

  /** @internal Used by {@link Processing}. */
  startProcess(message: InboundMessage, envelope: Envelope | undefined, startTime: number): { span: Span; context: Context } {
    const { api } = this;
    let parent: Context = api.ROOT_CONTEXT;
    if (envelope?.traceparent !== undefined) {
      const carrier: Record<string, string> = { traceparent: envelope.traceparent };
      if (envelope.tracestate !== undefined) carrier.tracestate = envelope.tracestate;
      parent = api.propagation.extract(parent, carrier);
    }
    const destination = destinationOf(message);
    const span = this.tracer.startSpan(`process ${destination}`, { kind: api.SpanKind.CONSUMER, startTime: performance.timeOrigin + startTime }, parent);
    if (span.isRecording()) {
      // One object, one setAttributes (as in sending): the envelope's first, then the delivery's.
      const attributes: Attributes = envelope === undefined ? {} : envelopeAttributes(envelope);
      attributes[ATTR.system] = this.system;
      attributes[ATTR.operationName] = 'process';
      attributes[ATTR.operationType] = 'process';
      attributes[ATTR.destinationName] = destination;
      attributes[ATTR.subscriptionName] = message.subscription.name;
      attributes[ATTR.consumerGroup] = message.subscription.name;
      attributes[ATTR.bodySize] = message.body.length;
      attributes[ATTR.attempt] = message.attempt;
      span.setAttributes(attributes);
      // The transport's own: Kafka partition and offset, RabbitMQ routing key, …
      if (message.attributes !== undefined) span.setAttributes(message.attributes);
    }
    const context = api.trace.setSpan(parent, span);
    if (envelope !== undefined) processContexts.set(envelope, context);
    return { span, context };
  }

  /** @internal Used by {@link Processing}. */
  recordProcess(message: InboundMessage, outcome: ConsumeOutcome, seconds: number, errorType: string | undefined): void {
    const subscription = message.subscription.name;
    const key = `${subscription}\n${outcome}\n${errorType ?? ''}`;
    let attributes = this.processAttributes.get(key);
    if (attributes === undefined) {
      attributes = { [ATTR.system]: this.system, [ATTR.operationName]: 'process', [ATTR.destinationName]: subscription, [ATTR.consumerGroup]: subscription, [ATTR.outcome]: outcome };
      if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
      this.processAttributes.set(key, attributes);
    }
    this.count(this.consumed, attributes);
    this.processDuration.record(seconds, attributes);
  }

  private count(counter: Counter, attributes: Attributes): void {
    const pending = this.pendingCounts.get(attributes);
    if (pending === undefined) this.pendingCounts.set(attributes, { counter, count: 1 });
    else pending.count++;
    if (this.countsScheduled) return;
    this.countsScheduled = true;
    setImmediate(this.flushCounts);
  }

  private readonly flushCounts = (): void => {
    this.countsScheduled = false;
    for (const [attributes, { counter, count }] of this.pendingCounts) counter.add(count, attributes);
    this.pendingCounts.clear();
  };

  private sendAttributesOf(destination: string, errorType: string | undefined): Attributes {
    const key = errorType === undefined ? destination : `${destination}\n${errorType}`;
    let attributes = this.sendAttributes.get(key);
    if (attributes === undefined) {
      attributes = { [ATTR.system]: this.system, [ATTR.operationName]: 'send', [ATTR.destinationName]: destination };
      if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
      this.sendAttributes.set(key, attributes);
    }
    return attributes;
  }
}

/** One message from arrival to decision: its consumer span, started once the envelope is read. */
class Processing implements MessageObservation {
  private readonly startTime = performance.now();
  private span: Span | undefined;
  private context: Context | undefined;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly message: InboundMessage,
  ) {}

  get traceId(): string | undefined {
    return this.span === undefined ? undefined : traceIdOf(this.span);
  }

  decoded(envelope: Envelope): void {
    ({ span: this.span, context: this.context } = this.telemetry.startProcess(this.message, envelope, this.startTime));
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.context === undefined ? work() : this.telemetry.api.context.with(this.context, work);
  }

  settled(outcome: ConsumeOutcome, decision: Decision, exception: unknown): void {
    const { api } = this.telemetry;
    // A message refused before its envelope was read still gets a span: it is where the error shows.
    const span = this.span ?? this.telemetry.startProcess(this.message, undefined, this.startTime).span;
    let type: string | undefined;
    if (decision.settle !== 'ack') {
      type = decision.settle === 'dead-letter' ? decision.reason : errorType(exception);
      span.setAttribute(ATTR.errorType, type);
      span.recordException(exception === undefined ? { name: type, message: decision.settle === 'dead-letter' ? decision.error : decision.reason } : exceptionOf(exception));
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: decision.settle === 'dead-letter' ? `dead-lettered (${decision.reason}): ${decision.error}` : decision.reason });
    }
    span.setAttribute(ATTR.outcome, outcome);
    span.end();
    this.telemetry.recordProcess(this.message, outcome, (performance.now() - this.startTime) / 1000, type);
  }
}

/** Where a message was consumed from: what the transport names, else its subscription. */
function destinationOf(message: InboundMessage): string {
  const named = message.attributes?.[ATTR.destinationName];
  return typeof named === 'string' ? named : message.subscription.name;
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
