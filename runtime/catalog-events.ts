/**
 * The catalogue-bound face of the runtime. Generated code subclasses {@link CatalogEvents} with the
 * catalogue's own types (payloads by type and version, latest versions, service names) and binds
 * it to the generated registry and topology; this class holds the behaviour, so generated files
 * stay declarations only.
 */
import { EventClient, type EventClientOptions, type EventHandler, type HandlerContext, type PublishOptions, type ReplyVersions, type RequestOptions } from './client.js';
import { alertDestination, domainOf } from './destinations.js';
import type { Envelope } from './envelope.js';
import type { ProducerInput } from './producer-input.js';
import type { EventRegistryInput, EventTypeOf, EventVersionOf } from './registry.js';
import { assertTenantId, serviceSubscriptionName, tenantSubscriptionName, type RetryPolicy, type SubscriptionSpec, type TopologySpec } from './topology.js';
import { SEVERITY_URGENCY, type EventKind, type Severity, type Urgency } from './urgency.js';
import type { CloseOptions, Subscription, Transport, TransportHealth } from './transport.js';
import type { ClientMetrics } from './observability.js';

/** Latest version per event type: `{ 'inventory.stock_added': 2, … }`. */
export type LatestVersionMap<M extends object> = { readonly [T in keyof M]: keyof M[T] & number };

export type LatestPayload<M extends object, L extends LatestVersionMap<M>, T extends keyof M> = M[T][L[T] & keyof M[T]];

/** The versions of `T` older than its latest that the catalogue still holds: producers may still send them. */
export type OlderVersions<M extends object, L extends LatestVersionMap<M>, T extends keyof M> = Exclude<keyof M[T] & number, L[T]>;

/**
 * Per event type, the older versions past their sunset (generated `SunsetVersions`: `x-sunset` on or
 * before the date the generation was told to judge sunsets by): a consumer may drop them.
 */
export type SunsetMap<M extends object> = { readonly [T in keyof M]?: number };

/** The versions of `T` past their sunset. */
export type SunsetVersionsOf<X extends object, T> = T extends keyof X ? X[T] & number : never;

/** The older versions of `T` still live (not past their sunset): consumers must take them. */
export type LiveOlderVersions<M extends object, L extends LatestVersionMap<M>, T extends keyof M, X extends SunsetMap<M> = NoSunsets> = Exclude<OlderVersions<M, L, T>, SunsetVersionsOf<X, T>>;

/** No version past its sunset. */
export type NoSunsets = Record<never, never>;

/**
 * Converts each older version's payload into the latest one, so one handler serves every version.
 * One for every live older version: an event the catalogue still holds may still be sent; one for a
 * version past its sunset may be given, and need not.
 */
export type Upcasters<M extends object, L extends LatestVersionMap<M>, T extends keyof M, X extends SunsetMap<M> = NoSunsets> = {
  readonly [V in LiveOlderVersions<M, L, T, X>]: (data: M[T][V]) => LatestPayload<M, L, T>;
} & {
  readonly [V in Extract<OlderVersions<M, L, T>, SunsetVersionsOf<X, T>>]?: (data: M[T][V]) => LatestPayload<M, L, T>;
};

/**
 * What `on()` takes after the handler: nothing for an event with one version; otherwise the
 * upcasters, required while an older version is live, so that leaving out the argument
 * (`Expected 3 arguments`) or one version (`Property '1' is missing`) is a compile error rather than
 * dead letters at run time. When every older version is past its sunset they are optional.
 */
export type UpcasterArgs<M extends object, L extends LatestVersionMap<M>, T extends keyof M, X extends SunsetMap<M> = NoSunsets> = [OlderVersions<M, L, T>] extends [never]
  ? []
  : [LiveOlderVersions<M, L, T, X>] extends [never]
    ? [upcastersForVersionsPastTheirSunset?: Upcasters<M, L, T, X>]
    : [upcastersForEveryLiveOlderVersion: Upcasters<M, L, T, X>];

/** Per command: the events that may answer it, type → versions (generated `CommandReplies`). */
export type CommandReplyMap<M extends object> = { readonly [C in keyof M]?: ReplyVersions<M> };

/** No command declares a reply. */
export type NoReplies = Record<never, never>;

/** What a handler of `T` may answer with: the replies the catalogue declares when `T` is a command, else nothing. */
export type RepliesOf<M extends object, R extends CommandReplyMap<M>, T extends keyof M> = T extends keyof R ? Extract<R[T], ReplyVersions<M>> : NoReplies;

/**
 * The reply to command `C` as its requester gets it: a union of one envelope per declared reply type
 * and version, told apart by `type` (and `eventversion`), so `if (reply.type === 'x.y')` narrows `data`.
 */
export type ReplyEnvelope<M extends object, R extends CommandReplyMap<M>, C extends keyof M> = {
  [T in keyof RepliesOf<M, R, C> & EventTypeOf<M>]: {
    [V in RepliesOf<M, R, C>[T] & EventVersionOf<M, T>]: Envelope<M[T][V]> & { readonly type: T; readonly eventversion: V };
  }[RepliesOf<M, R, C>[T] & EventVersionOf<M, T>];
}[keyof RepliesOf<M, R, C> & EventTypeOf<M>];

/** What generated code knows about the catalogue and hands to {@link CatalogEvents}. */
export interface CatalogBinding<M extends object, L extends LatestVersionMap<M>, S extends string> {
  registry: EventRegistryInput;
  latest: L;
  kinds: { readonly [T in keyof M]: EventKind };
  /** The channels and, for consuming services, their subscription with the destinations it takes. */
  topology(service: S, options?: SubscriptionOptions): TopologySpec;
}

export type SubscriptionOptions = Pick<SubscriptionSpec, 'retry'>;

export interface CatalogEventsOptions<S extends string> extends Omit<EventClientOptions, 'registry' | 'source'> {
  /** The service this process runs as: the CloudEvents source and the subscription it consumes. */
  service: S;
  /** Default `urn:eventsmith:<service>`. */
  source?: string;
  /** Unacknowledged deliveries at once; default 100. */
  prefetch?: number;
  /** Retries of this service's subscription: attempts and backoff before an event is dead-lettered. */
  retry?: RetryPolicy;
  /**
   * Consume for this tenant only, from the subscription `<service>.events.tenant.<tenant>`: it
   * takes this tenant's events and events of no tenant, never another tenant's.
   */
  tenant?: string;
}

export interface AlertOptions extends PublishOptions {
  /** Publishes to `alert.<domain>.<severity>` with the matching urgency instead of the catalogue's severity. */
  severity?: Severity;
}

export interface DirectOptions extends PublishOptions {
  urgency?: Urgency;
}

export class WrongKindError extends TypeError {
  constructor(type: string, actual: EventKind, expected: EventKind) {
    super(`'${type}' is a ${actual} event, not ${expected === 'alert' ? 'an' : 'a'} ${expected}: publish it with the method for ${actual} events`);
    this.name = 'WrongKindError';
  }
}

/**
 * `R` is the catalogue's replies per command (generated `CommandReplies`), `X` its versions past their
 * sunset (generated `SunsetVersions`); both default to none, for catalogues without them.
 */
export class CatalogEvents<M extends object, L extends LatestVersionMap<M>, S extends string, R extends CommandReplyMap<M> = NoReplies, X extends SunsetMap<M> = NoSunsets> {
  readonly client: EventClient<M>;
  readonly service: S;
  readonly transport: Transport;
  private readonly binding: CatalogBinding<M, L, S>;
  private readonly prefetch: number | undefined;
  private readonly retry: RetryPolicy | undefined;
  private subscription: Subscription | undefined;
  private readonly tenant: string | undefined;

  constructor(binding: CatalogBinding<M, L, S>, options: CatalogEventsOptions<S>) {
    const { service, source, prefetch, retry, tenant, ...clientOptions } = options;
    if (tenant !== undefined) assertTenantId(tenant);
    this.tenant = tenant;
    this.binding = binding;
    this.service = service;
    this.prefetch = prefetch;
    this.retry = retry;
    this.transport = clientOptions.transport;
    this.client = new EventClient<M>({ ...clientOptions, registry: binding.registry, source: source ?? `urn:eventsmith:${service}` });
  }

  /** Publishes the latest version of `type`; resolves when the broker confirmed it. */
  publish<T extends EventTypeOf<M>>(type: T, data: ProducerInput<LatestPayload<M, L, T>>, options?: PublishOptions): Promise<Envelope<LatestPayload<M, L, T>>> {
    return this.send(type, this.latestOf(type), data, options);
  }

  /** Publishes one explicit version of `type` (while consumers of an older version migrate). */
  publishVersion<T extends EventTypeOf<M>, V extends keyof M[T] & number>(type: T, version: V, data: ProducerInput<M[T][V]>, options?: PublishOptions): Promise<Envelope<M[T][V]>> {
    return this.send(type, version, data, options);
  }

  /** Like {@link publish}, after checking that the catalogue gives `type` the expected kind. */
  protected publishKind<T extends EventTypeOf<M>>(kind: EventKind, type: T, data: ProducerInput<LatestPayload<M, L, T>>, options?: PublishOptions): Promise<Envelope<LatestPayload<M, L, T>>> {
    const actual = this.binding.kinds[type];
    if (actual !== kind) throw new WrongKindError(type, actual, kind);
    return this.publish(type, data, options);
  }

  /** Publishes an alert, optionally at another severity than the catalogue's. */
  protected publishAlertEvent<T extends EventTypeOf<M>>(type: T, data: ProducerInput<LatestPayload<M, L, T>>, options: AlertOptions = {}): Promise<Envelope<LatestPayload<M, L, T>>> {
    const { severity, ...rest } = options;
    if (severity === undefined) return this.publishKind('alert', type, data, rest);
    return this.publishKind('alert', type, data, { destination: alertDestination(domainOf(type), severity), urgency: SEVERITY_URGENCY[severity], ...rest });
  }

  /** Sends an event straight to one service's subscription, with an urgency of its own. */
  sendToService<T extends EventTypeOf<M>>(service: S, type: T, data: ProducerInput<LatestPayload<M, L, T>>, options: DirectOptions = {}): Promise<Envelope<LatestPayload<M, L, T>>> {
    return this.publish(type, data, { ...options, toService: service });
  }

  /**
   * Sends a command and resolves with the validated reply envelope, one of the replies the catalogue
   * declares for it (another is refused with an UndeclaredReplyError); rejects after `timeoutMs` (default 5000).
   */
  protected requestReply<T extends EventTypeOf<M>, Reply = ReplyEnvelope<M, R, T>>(type: T, data: ProducerInput<LatestPayload<M, L, T>>, options?: RequestOptions): Promise<Reply> {
    // Reply: the generated facade names ReplyEnvelope<T> through its own alias, which TypeScript cannot match with this one while T is generic.
    return this.client.request(type, this.latestOf(type) as never, data as never, options) as Promise<Reply>;
  }

  /**
   * Handles `type` at its latest version. Older versions reach the same handler through their
   * upcaster, and every live older version the catalogue holds needs one: leaving one out is a
   * compile error (it would be dead-lettered as unhandled at run time). A version past its sunset
   * (`X`) needs none; those that still arrive are dead-lettered with reason `sunset`. A command's
   * handler may reply with the replies the catalogue declares for it, and with nothing else.
   */
  on<T extends EventTypeOf<M>>(type: T, handler: EventHandler<LatestPayload<M, L, T>, M, RepliesOf<M, R, T>>, ...upcasters: UpcasterArgs<M, L, T, X>): this {
    this.client.on(type, this.latestOf(type) as never, handler as never);
    const [given = {}] = upcasters as readonly [Readonly<Record<number, (data: unknown) => LatestPayload<M, L, T>>>?];
    for (const [version, upcast] of Object.entries(given) as [string, ((data: unknown) => LatestPayload<M, L, T>) | undefined][]) {
      if (upcast === undefined) continue;
      // The client's context may reply with any event; the handler's type allows fewer, and the client refuses the rest at run time.
      this.client.on(type, Number(version) as never, ((data: unknown, context: HandlerContext<M>) => handler(upcast(data), context as never)) as never);
    }
    return this;
  }

  /** Handles one explicit version of `type`. */
  onVersion<T extends EventTypeOf<M>, V extends keyof M[T] & number>(type: T, version: V, handler: EventHandler<M[T][V], M, RepliesOf<M, R, T>>): this {
    this.client.on(type, version as never, handler as never);
    return this;
  }

  /** Declares the channels (and this service's subscription), then consumes it when the service consumes anything. */
  async start(): Promise<void> {
    const own = serviceSubscriptionName(this.service);
    const tenant = this.tenant;
    const declared = this.binding.topology(this.service, this.retry === undefined ? {} : { retry: this.retry });
    const name = tenant === undefined ? own : tenantSubscriptionName(this.service, tenant);
    const topology: TopologySpec =
      tenant === undefined ? declared : { ...declared, subscriptions: declared.subscriptions?.map((s) => (s.name === own ? { ...s, name, tenant } : s)) };
    await this.transport.declareTopology(topology);
    const consumes = topology.subscriptions?.some((s) => s.name === name) ?? false;
    if (consumes && this.subscription === undefined) {
      this.subscription = await this.client.consume(name, this.prefetch === undefined ? {} : { prefetch: this.prefetch });
    }
  }

  health(): TransportHealth {
    return this.client.health();
  }

  metrics(): ClientMetrics {
    return this.client.metrics();
  }

  /** Stops taking messages, waits for running handlers up to `timeoutMs`, then closes. */
  async close(options?: CloseOptions): Promise<void> {
    this.subscription = undefined;
    await this.client.close(options);
  }

  private latestOf<T extends EventTypeOf<M>>(type: T): number {
    return this.binding.latest[type];
  }

  /**
   * The one place where the catalogue's typing (latest-version maps) meets the client's (explicit
   * versions): both describe the same registry, which TypeScript cannot see through generics.
   */
  private send<R>(type: EventTypeOf<M>, version: number, data: unknown, options?: PublishOptions): Promise<Envelope<R>> {
    return this.client.publish(type, version as never, data as never, options) as Promise<Envelope<R>>;
  }
}
