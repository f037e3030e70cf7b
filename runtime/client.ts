/**
 * The API services use: publish, request and handle events by type and version. Broker-neutral:
 * everything broker-specific sits behind the {@link Transport}; everything catalogue-specific comes
 * in through the registry, so the client works the same with generated and hand-written definitions.
 */
import { consumePipeline } from './consume/pipeline.js';
import type { Delivery } from './consume/delivery.js';
import { causalIds, currentCause } from './context.js';
import { resolveDestination } from './destinations.js';
import { createEnvelope, type CreateEnvelopeInput, type Envelope, type Urgency } from './envelope.js';
import { Dispatcher } from './dispatcher.js';
import { MissingTenantError, TenantMismatchError, UndeclaredReplyError, UnknownEventError, UnroutableError } from './errors.js';
import { ALL_TENANTS } from './topology.js';
import { eventValidationError } from './validation-error.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js';
import { consoleWarnings, emptyMetrics, safeLogger, type ClientMetrics, type LogEntry, type Logger } from './observability.js';
import type { ProducerInput } from './producer-input.js';
import { DEFAULT_TENANT_FIELD, EventRegistry, payloadTenant, type EventMap, type EventRef, type EventRegistryInput, type EventTypeOf, type EventVersionOf, type ResolvedDefinition } from './registry.js';
import type { CloseOptions, ConsumerFailure, MessageHandler, PublishTarget, SettlementOutcome, Subscription, Transport, TransportHealth } from './transport.js';
import { loadOtelApi } from './telemetry/load.js';
import type { TelemetryOptions } from './telemetry/options.js';
import { Telemetry, type SendMode, type Sending } from './telemetry/telemetry.js';

export interface EventClientOptions {
  transport: Transport;
  registry: EventRegistryInput | EventRegistry;
  /** CloudEvents `source` of everything this service publishes, e.g. `urn:eventsmith:inventory-service`. */
  source: string;
  /** Default: an in-memory LRU of 100,000 ids. `false` turns deduplication off. */
  idempotencyStore?: IdempotencyStore | false;
  /**
   * Receives one structured entry per thing that happens. Default {@link consoleWarnings}: warnings
   * and errors (a failing handler, a dead letter) as JSON lines on the console; `silentLogger` for none.
   */
  logger?: Logger;
  /** A known event with no handler: dead-letter it (default, so nothing vanishes unnoticed) or ack it. */
  unhandled?: 'dead-letter' | 'ack';
  /** Whether `close()` also closes the transport. Default true. */
  ownsTransport?: boolean;
  /**
   * OpenTelemetry spans and metrics, when `@opentelemetry/api` is installed: by default through the
   * globally registered providers (what the Node SDK registers); `false` turns them off.
   */
  telemetry?: TelemetryOptions | false;
}

export interface PublishOptions {
  id?: string;
  time?: Date | string;
  /** Default: the payload's `tenant_id`, else the consumed event's tenant. */
  tenantId?: string;
  /** Default: inherited from the event being handled (see {@link HandlerContext}). */
  correlationId?: string;
  causationId?: string;
  /** Overrides the definition's urgency for this message (the envelope's `urgency`; how soon the broker delivers it). */
  urgency?: Urgency;
  /** Values for `{placeholders}` in the definition's destination. */
  params?: Readonly<Record<string, string>>;
  /** Publish to this destination instead of the definition's (e.g. an alert at another severity). */
  destination?: string;
  /** Deliver to this service's subscription only (service-to-service), not to the destination's subscribers. */
  toService?: string;
  /** Ordering key: events with one key keep their order where the broker partitions. Default: the payload field the definition names. */
  key?: string;
  /** Survive a broker restart. Default true. */
  persistent?: boolean;
  /** Fail with `UnroutableError` when no subscription takes the event, where the broker can tell. Default true. */
  mandatory?: boolean;
}

export interface RequestOptions extends PublishOptions {
  /** Default 5000. */
  timeoutMs?: number;
}

type PublishFn<M extends object> = <T extends EventTypeOf<M>, V extends EventVersionOf<M, T>>(type: T, version: V, data: ProducerInput<M[T][V]>, options?: PublishOptions) => Promise<Envelope<M[T][V]>>;

/**
 * The events a handler may answer with, type → versions. A command's handler in generated code gets
 * the replies the catalogue declares for it; a handler of any other event gets none (`{}`).
 */
export type ReplyVersions<M extends object> = { readonly [T in EventTypeOf<M>]?: number };

/** Every event at every version: what a hand-written client's handlers may answer with. */
export type AnyReply<M extends object> = { readonly [T in EventTypeOf<M>]: EventVersionOf<M, T> };

type ReplyFn<M extends object, A extends ReplyVersions<M>> = <T extends keyof A & EventTypeOf<M>, V extends A[T] & EventVersionOf<M, T>>(
  type: T,
  version: V,
  data: ProducerInput<M[T][V]>,
  options?: PublishOptions,
) => Promise<Envelope<M[T][V]>>;

export interface HandlerContext<M extends object = EventMap, A extends ReplyVersions<M> = AnyReply<M>> {
  envelope: Envelope;
  type: string;
  version: number;
  /** 1 on first delivery. */
  attempt: number;
  maxAttempts: number;
  redelivered: boolean;
  /** Publishes with correlation and causation taken from the event being handled. */
  publish: PublishFn<M>;
  /**
   * Answers a request (command) with one of the replies `A` allows. Rejects if the sender did not ask
   * for a reply, and with an {@link UndeclaredReplyError} (nothing sent) when the registry declares
   * the command's replies and this is not one of them.
   */
  reply: ReplyFn<M, A>;
}

export type EventHandler<TData, M extends object = EventMap, A extends ReplyVersions<M> = AnyReply<M>> = (data: TData, context: HandlerContext<M, A>) => Promise<void> | void;

export class EventClient<M extends object = EventMap> {
  readonly registry: EventRegistry;
  private readonly transport: Transport;
  private readonly log: Logger;
  /** False with the default logger, which drops debug entries: they are then not built at all. */
  private readonly logsDebug: boolean;
  private readonly counters: ClientMetrics = emptyMetrics();
  private readonly dispatcher: Dispatcher;
  private readonly pipeline: MessageHandler;
  /** How a publish is sent: made once, not as a closure per message. */
  private readonly sendPublish = <TData>(envelope: Envelope<TData>, target: PublishTarget): Promise<unknown> => this.transport.publish(envelope, target);
  private readonly subscriptions = new Set<Subscription>();
  /** Per definition, the target of a publish without options (see {@link targetFor}). */
  private readonly defaultTargets = new Map<ResolvedDefinition, PublishTarget>();
  /** The last retry or dead letter per subscription, for health(). */
  private readonly lastFailures = new Map<string, ConsumerFailure>();
  /** Set once `@opentelemetry/api` is loaded (never, when it is not installed or turned off). */
  private telemetry: Telemetry | undefined;
  /** Pending while the API loads; the first publishes and `consume()` wait for it, later ones do not. */
  private telemetryLoading: Promise<void> | undefined;

  constructor(private readonly options: EventClientOptions) {
    this.transport = options.transport;
    this.registry = options.registry instanceof EventRegistry ? options.registry : new EventRegistry(options.registry);
    this.log = safeLogger(options.logger, consoleWarnings);
    this.logsDebug = options.logger !== undefined;
    const idempotency = options.idempotencyStore === false ? undefined : (options.idempotencyStore ?? new MemoryIdempotencyStore());
    const log = this.log;
    // Handlers run inside their consumer span: the dispatcher's log lines name its trace.
    const dispatchLog: Logger = (entry) => {
      const traceId = this.telemetry?.activeTraceId();
      log(traceId === undefined ? entry : { ...entry, traceId });
    };
    this.dispatcher = new Dispatcher({ registry: this.registry, idempotency, scope: options.source, log: dispatchLog, metrics: this.counters, unhandled: options.unhandled ?? 'dead-letter' });
    this.pipeline = consumePipeline(
      (delivery) => this.dispatcher.dispatch(delivery),
      this.log,
      () => (this.telemetry?.recording === true ? this.telemetry : undefined),
      (subscription, failure) => void this.lastFailures.set(subscription, failure),
    );
    const telemetry = options.telemetry;
    if (telemetry !== false) {
      this.telemetryLoading = loadOtelApi()
        .then(
          (api) => {
            if (api !== undefined) this.telemetry = new Telemetry(api, telemetry ?? {}, this.transport.name);
          },
          (error: unknown) => this.log({ level: 'warn', event: 'telemetry.unavailable', error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          this.telemetryLoading = undefined;
        });
    }
  }

  /** Validates `data`, wraps it in an envelope and resolves once the broker confirmed it. Rejects with an {@link EventValidationError} naming each invalid field (the validator's error is its cause). */
  publish<T extends EventTypeOf<M>, V extends EventVersionOf<M, T>>(type: T, version: V, data: ProducerInput<M[T][V]>, options?: PublishOptions): Promise<Envelope<M[T][V]>> {
    return this.publishFrom<M[T][V]>(currentCause(), type, version, data, options ?? NO_OPTIONS, PUBLISH, this.sendPublish);
  }

  /** Sends a command and resolves with the reply envelope (validated when the registry knows its type). */
  async request<T extends EventTypeOf<M>, V extends EventVersionOf<M, T>>(type: T, version: V, data: ProducerInput<M[T][V]>, options: RequestOptions = {}): Promise<Envelope> {
    let reply: Envelope | undefined;
    await this.publishFrom(currentCause(), type, version, data, options, REQUEST, async (envelope, target) => {
      reply = await this.transport.request(envelope, target, { timeoutMs: options.timeoutMs ?? 5000 });
      return reply;
    });
    if (reply === undefined) throw new Error('request settled without a reply');
    const undeclared = this.undeclaredReply({ type, version }, reply.type, reply.eventversion);
    if (undeclared !== undefined) {
      this.log({ level: 'warn', event: 'request.undeclared_reply', id: reply.id, type: reply.type, version: reply.eventversion, command: type, error: undeclared.message });
      throw undeclared;
    }
    const definition = this.registry.get(reply.type, reply.eventversion);
    if (definition !== undefined) {
      const validated = definition.validate(reply.data);
      if (!validated.success) throw eventValidationError(reply.type, reply.eventversion, validated.error);
      return { ...reply, data: validated.data };
    }
    return reply;
  }

  /** Handles one version of an event type. */
  on<T extends EventTypeOf<M>, V extends EventVersionOf<M, T>>(type: T, version: V, handler: EventHandler<M[T][V], M>): this;
  /** Handles every version of an event type without a version-specific handler; check `context.version`. */
  on<T extends EventTypeOf<M>>(type: T, handler: EventHandler<M[T][EventVersionOf<M, T>], M>): this;
  on(type: string, versionOrHandler: number | EventHandler<never, M>, maybeHandler?: EventHandler<never, M>): this {
    const version = typeof versionOrHandler === 'number' ? versionOrHandler : undefined;
    const handler = (typeof versionOrHandler === 'number' ? maybeHandler : versionOrHandler) as EventHandler<unknown, M> | undefined;
    if (handler === undefined) throw new TypeError('on() needs a handler');
    this.dispatcher.register(type, version, (data, delivery) => handler(data, this.contextFor(delivery)));
    return this;
  }

  /** Starts delivering `subscription` (declared on the transport) to the handlers registered with {@link on}. */
  async consume(subscription: string, options: { prefetch?: number } = {}): Promise<Subscription> {
    const spec = { subscription, onOutcome: (outcome: SettlementOutcome) => this.countOutcome(outcome), ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }) };
    // The first messages may arrive at once: their spans need the API loaded.
    if (this.telemetryLoading !== undefined) await this.telemetryLoading;
    this.telemetry?.observeConsumers(() => this.transport.health().consumers);
    const consuming = await this.transport.subscribe(spec, this.pipeline);
    this.subscriptions.add(consuming);
    return consuming;
  }

  /** A snapshot of this client's counters. */
  metrics(): ClientMetrics {
    return { ...this.counters };
  }

  /** The transport's health; each consumer with the last message it retried or dead-lettered, and that message's trace. */
  health(): TransportHealth {
    const health = this.transport.health();
    if (this.lastFailures.size === 0) return health;
    return {
      ...health,
      consumers: health.consumers.map((consumer) => {
        const lastFailure = this.lastFailures.get(consumer.subscription);
        return lastFailure === undefined ? consumer : { ...consumer, lastFailure };
      }),
    };
  }

  /** Stops consuming (waiting for running handlers), then closes the transport if this client owns it. */
  async close(options: CloseOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((subscription) => subscription.cancel({ timeoutMs })));
    this.telemetry?.close();
    if (this.options.ownsTransport ?? true) await this.transport.close({ timeoutMs });
  }

  /**
   * `data` is what the caller passed; the envelope carries what validation returned, typed `TData`.
   * A plain function with one `then` rather than an async one: this runs for every message
   * published, and each await costs a microtask (and a promise hook call with context tracking on).
   */
  private publishFrom<TData>(
    cause: Envelope | undefined,
    type: string,
    version: number,
    data: unknown,
    options: PublishOptions,
    how: SendHow,
    /** Resolves once sent; for a request, with its reply (anything else it resolves with is the transport's and ignored). */
    send: (envelope: Envelope<TData>, target: PublishTarget) => Promise<unknown>,
  ): Promise<Envelope<TData>> {
    const loading = this.telemetryLoading;
    if (loading !== undefined) return this.publishAfter(loading, cause, type, version, data, options, how, send);
    let envelope: Envelope<TData>;
    let target: PublishTarget;
    let sending: Sending | undefined;
    let sent: Promise<unknown>;
    try {
      const definition = this.definition(type, version);
      const validated = definition.validate(data);
      if (!validated.success) {
        const invalid = eventValidationError(type, version, validated.error);
        this.log({ level: 'warn', event: 'publish.invalid', type, version, error: invalid.message });
        throw invalid;
      }
      // The payload's own tenant, read once: the envelope's default and what its tenant must agree with.
      const own = payloadTenant(definition, validated.data);
      envelope = this.envelopeFor(definition, validated.data as TData, own, cause, options);
      const tenantProblem = tenantError(definition, envelope, own);
      if (tenantProblem !== undefined) {
        this.log({ level: 'warn', event: 'publish.tenant_refused', type, version, error: tenantProblem.message });
        throw tenantProblem;
      }
      target = this.targetFor(definition, envelope, options);
      // Before the transport serializes the envelope: the span writes its trace context into it.
      const telemetry = this.telemetry;
      if (telemetry?.recording === true) {
        const template = options.destination === undefined && definition.destination.includes('{') ? definition.destination : undefined;
        sending = telemetry.sending(envelope, target, how.mode, cause, how.replyTo, template);
      }
      this.counters.published++;
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      sent = send(envelope, target);
    } catch (error) {
      return Promise.reject(this.publishFailed(error, envelope, target, sending));
    }
    return this.confirmed(sent, envelope, target, sending, how.mode);
  }

  /** {@link publishFrom} once the OpenTelemetry API has loaded: its own function, so publishFrom's variables are not captured by a closure. */
  private publishAfter<TData>(loading: Promise<void>, cause: Envelope | undefined, type: string, version: number, data: unknown, options: PublishOptions, how: SendHow, send: (envelope: Envelope<TData>, target: PublishTarget) => Promise<unknown>): Promise<Envelope<TData>> {
    return loading.then(() => this.publishFrom(cause, type, version, data, options, how, send));
  }

  /**
   * `envelope` once `sent` resolves, counted and (for a span) reported. A function of its own: what
   * its callbacks capture stays alive until the broker answers, 1,000 publishes in flight hold 1,000
   * of them, and each scavenge copies them, so they hold exactly these five values and no more.
   */
  private confirmed<TData>(sent: Promise<unknown>, envelope: Envelope<TData>, target: PublishTarget, sending: Sending | undefined, mode: SendMode): Promise<Envelope<TData>> {
    return sent.then(
      (answer) => {
        if (sending !== undefined) sending.done(mode === 'request' ? (answer as Envelope) : undefined);
        this.counters.confirmed++;
        // Built only for a logger that may want it: the default one prints warnings and errors only.
        if (this.logsDebug) this.log(traced({ level: 'debug', event: 'publish.confirmed', id: envelope.id, type: envelope.type, version: envelope.eventversion, destination: target.destination }, sending?.traceId));
        return envelope;
      },
      (error: unknown) => {
        throw this.publishFailed(error, envelope, target, sending);
      },
    );
  }

  /**
   * Where `envelope` goes. Publishes with no options of their own to a definition with a fixed
   * destination and no ordering key all go to one target, made once (frozen: transports only read
   * it); any other is built for its message.
   */
  private targetFor(definition: ResolvedDefinition, envelope: Envelope, options: PublishOptions): PublishTarget {
    if (options !== NO_OPTIONS || definition.orderingKey !== undefined) return targetFor(definition, envelope, options);
    const kept = this.defaultTargets.get(definition);
    if (kept !== undefined) return kept;
    const target = targetFor(definition, envelope, options);
    // Kept only for a fixed destination: a template is resolved for each message.
    if (!definition.destination.includes('{')) this.defaultTargets.set(definition, Object.freeze(target));
    return target;
  }

  /** Counts and logs a publish the transport refused or failed; returns the error to throw. */
  private publishFailed(error: unknown, envelope: Envelope, target: PublishTarget, sending: Sending | undefined): unknown {
    sending?.failed(error);
    if (error instanceof UnroutableError) this.counters.returned++;
    else this.counters.publishFailed++;
    this.log(traced({ level: 'error', event: 'publish.failed', id: envelope.id, type: envelope.type, version: envelope.eventversion, destination: target.destination, error: error instanceof Error ? error.message : String(error) }, sending?.traceId));
    return error;
  }

  /** `own`: the payload's tenant ({@link payloadTenant}). */
  private envelopeFor<TData>(definition: ResolvedDefinition, data: TData, own: string | undefined, cause: Envelope | undefined, options: PublishOptions): Envelope<TData> {
    // The payload's own tenant wins over the consumed event's: a handler may publish for another tenant only by saying so.
    const tenant = options.tenantId ?? own ?? cause?.tenantid;
    // Built field by field rather than from spreads: this runs for every message published.
    const input: CreateEnvelopeInput<TData> = { type: definition.type, version: definition.version, source: this.options.source, data, urgency: options.urgency ?? definition.urgency };
    if (options.id !== undefined) input.id = options.id;
    if (options.time !== undefined) input.time = options.time;
    if (definition.dataschema !== undefined) input.dataschema = definition.dataschema;
    if (tenant !== undefined) input.tenantid = tenant;
    // A publish outside any handling, without ids of its own, starts a flow: nothing to look up.
    if (cause !== undefined || options.correlationId !== undefined || options.causationId !== undefined) {
      const { correlationid, causationid } = causalIds(cause, options);
      if (correlationid !== undefined) input.correlationid = correlationid;
      if (causationid !== undefined) input.causationid = causationid;
    }
    return createEnvelope(input);
  }

  private contextFor(delivery: Delivery): HandlerContext<M> {
    const cause = delivery.envelope;
    return {
      envelope: cause,
      type: cause.type,
      version: cause.eventversion,
      attempt: delivery.attempt,
      maxAttempts: delivery.maxAttempts,
      redelivered: delivery.redelivered,
      publish: (type, version, data, options) => this.publishFrom(cause, type, version, data, options ?? NO_OPTIONS, PUBLISH, this.sendPublish),
      reply: (type, version, data, options = {}) => {
        const undeclared = this.undeclaredReply({ type: cause.type, version: cause.eventversion }, type, version);
        if (undeclared !== undefined) {
          this.log({ level: 'warn', event: 'reply.undeclared', id: cause.id, type, version, command: cause.type, error: undeclared.message });
          return Promise.reject(undeclared);
        }
        return this.publishFrom(cause, type, version, data, options, { mode: 'reply', replyTo: delivery.replyTo }, (envelope) => delivery.reply(envelope));
      },
    };
  }

  /** The error for a reply the registry does not declare for `command`; none when it declares no list (hand-written definitions may not). */
  private undeclaredReply(command: EventRef, type: string, version: number): UndeclaredReplyError | undefined {
    const declared = this.registry.get(command.type, command.version)?.replies;
    if (declared === undefined || declared.some((r) => r.type === type && r.version === version)) return undefined;
    return new UndeclaredReplyError(command, { type, version }, declared);
  }

  private definition(type: string, version: number): ResolvedDefinition {
    const definition = this.registry.get(type, version);
    if (definition === undefined) throw new UnknownEventError(type, this.registry.hasType(type) ? version : undefined);
    return definition;
  }

  private countOutcome(outcome: SettlementOutcome): void {
    if (outcome.outcome === 'retried') this.counters.retried++;
    else if (outcome.outcome === 'dead-lettered') this.counters.deadLettered++;
  }
}

/** How a publish leaves, for its span: a reply names the requester's address. */
interface SendHow {
  mode: SendMode;
  replyTo?: string | undefined;
}

const PUBLISH: SendHow = { mode: 'publish' };
/** What a publish without options gets: one object, not a new `{}` per message. */
const NO_OPTIONS: PublishOptions = Object.freeze({});
const REQUEST: SendHow = { mode: 'request' };

/** `entry` with the trace it belongs to, when there is one. */
function traced(entry: LogEntry, traceId: string | undefined): LogEntry {
  if (traceId !== undefined) entry.traceId = traceId;
  return entry;
}

/** Where `envelope` goes: built field by field, since this runs for every message published. */
function targetFor(definition: ResolvedDefinition, envelope: Envelope, options: PublishOptions): PublishTarget {
  const target: PublishTarget = {
    kind: definition.kind,
    destination: options.destination ?? resolveDestination(definition.destination, options.params, definition.parameters),
    urgency: envelope.urgency ?? definition.urgency,
    persistent: options.persistent ?? true,
    mandatory: options.mandatory ?? true,
  };
  if (definition.bindings !== undefined) target.bindings = definition.bindings;
  if (options.toService !== undefined) target.service = options.toService;
  const key = options.key ?? orderingKeyOf(definition, envelope.data);
  if (key !== undefined) target.key = key;
  return target;
}

function orderingKeyOf(definition: ResolvedDefinition, data: unknown): string | undefined {
  const field = definition.orderingKey;
  if (field === undefined || typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** Why `envelope` must not be sent: a tenant-scoped event without a tenant, two tenants (its own and `own`, the payload's: {@link payloadTenant}), or the reserved tenant '*'. */
export function tenantError(definition: Pick<ResolvedDefinition, 'type' | 'tenantScoped' | 'tenantField'>, envelope: Envelope, own: string | undefined): Error | undefined {
  const tenant = envelope.tenantid;
  if (tenant === ALL_TENANTS) return new TypeError(`tenant id '${ALL_TENANTS}' is reserved for events of every tenant`);
  const field = definition.tenantField ?? DEFAULT_TENANT_FIELD;
  if (tenant !== undefined && own !== undefined && own !== tenant) return new TenantMismatchError(definition.type, tenant, own, field);
  if (definition.tenantScoped === true && (tenant === undefined || tenant === '')) return new MissingTenantError(definition.type, field);
  return undefined;
}

