/**
 * The seam between the broker-neutral core and a concrete broker. Above it everything speaks the
 * catalogue's words: event kinds, destinations, urgency, subscriptions, settlements. Below it each
 * transport maps those onto its own objects (runtime/amqp for RabbitMQ; Redis
 * streams and groups; Kafka topics and partitions) and carries out what the core decided.
 *
 * A transport implements five things: declare a topology, publish (resolving only once the broker
 * took responsibility), deliver each inbound message of a subscription to the core's
 * {@link MessageHandler} and carry out the {@link Decision} it returns, request/reply, and health.
 * It never decides whether a message is valid, a duplicate, worth a retry or dead: the core does
 * (runtime/consume/pipeline.ts), once, for every transport.
 */
import type { TransportBindings } from './bindings.js';
import type { Envelope } from './envelope.js';
import type { ResolvedRetryPolicy, TopologySpec } from './topology.js';
import type { EventKind, Urgency } from './urgency.js';

/** Where and how one envelope is to be published. */
export interface PublishTarget {
  kind: EventKind;
  /** The resolved destination (no placeholders), e.g. `business.order.created`. */
  destination: string;
  /** Deliver to this service's subscription only (service-to-service), instead of the destination's subscribers. */
  service?: string;
  /** Events with the same key keep their order where the broker partitions (Kafka). */
  key?: string;
  urgency: Urgency;
  bindings?: TransportBindings;
  /** Survive a broker restart. Default true. */
  persistent?: boolean;
  /** Fail with `UnroutableError` when no subscription takes it, where the broker can tell. Default true. */
  mandatory?: boolean;
}

/**
 * Why a message was dead-lettered; handlers may give reasons of their own too. Transports record it
 * beside the dead letter (RabbitMQ: the `x-death-reason` header).
 */
export type DeadLetterReason =
  | 'invalid-json'
  | 'invalid-envelope'
  | 'invalid-utf8'
  | 'too-deeply-nested'
  | 'forbidden-key'
  | 'message-too-large'
  | 'unsupported-content-type'
  | 'missing-tenant'
  | 'tenant-mismatch'
  | 'validation-failed'
  | 'unknown-type'
  | 'unknown-version'
  | 'unhandled-type'
  /** A version whose `x-sunset` date has passed and that no handler takes: its consumers dropped it. */
  | 'sunset'
  | 'non-retryable'
  | 'max-attempts-exceeded';

/** What the core learns about a subscription from the transport that declared it. */
export interface SubscriptionInfo {
  readonly name: string;
  readonly retry: ResolvedRetryPolicy;
  /** Set for a tenant-bound subscription: any other tenant's event is dead-lettered. */
  readonly tenant?: string;
  /** Bodies larger than this are dead-lettered unread (`message-too-large`). */
  readonly maxMessageBytes: number;
  /** Deeper JSON is dead-lettered (`too-deeply-nested`). */
  readonly maxJsonDepth: number;
}

/** One message as the broker handed it over, not yet decoded. */
export interface InboundMessage {
  readonly subscription: SubscriptionInfo;
  readonly body: Buffer;
  /** The content type the broker carried beside the body, if it carries one. */
  readonly contentType?: unknown;
  readonly contentEncoding?: unknown;
  /**
   * The envelope, when the transport read it from the broker's own fields (Kafka's binary mode:
   * headers and value) and it passed every check the pipeline makes of a body (size, content type,
   * envelope.ts checkEnvelope). The pipeline then takes it as it is and leaves `body` unread. Anything
   * else leaves it unset, and the pipeline judges the body.
   */
  readonly envelope?: Envelope;
  /** An event type the broker carried beside the body (RabbitMQ's `type` property): it must match the envelope's. */
  readonly typeLabel?: unknown;
  /** 1 on first delivery, raised by every retry. */
  readonly attempt: number;
  /** The broker delivered this copy before (a lost ack); a duplicate is likely. */
  readonly redelivered: boolean;
  /** Set when the sender awaits a reply (request/reply). */
  readonly replyTo?: string;
  /**
   * What only this transport knows about the message, for its consumer span, under OpenTelemetry
   * semantic-convention names: `messaging.rabbitmq.destination.routing_key`,
   * `messaging.destination.partition.id` and `messaging.kafka.offset`, … Read-only; the core never
   * judges a message by them. `messaging.destination.name`, when given, names the span.
   */
  readonly attributes?: Readonly<Record<string, string | number>>;
  /** Sends `envelope` to the requester; rejects when the message carries no reply address. */
  reply(envelope: Envelope): Promise<void>;
}

/** What the core decided for one message; the transport carries it out, then reports the outcome. */
export type Decision =
  | { settle: 'ack'; envelopeId: string }
  | { settle: 'retry'; reason: string; delayMs: number; envelopeId: string }
  | { settle: 'dead-letter'; reason: DeadLetterReason | (string & {}); error: string; envelopeId?: string };

/**
 * The core's judgement of one message. A plain decision when it was reached without waiting (no
 * handler or store to await): a transport awaits the result either way, or carries a plain one out
 * at once and saves a microtask per message.
 */
export type MessageHandler = (message: InboundMessage) => Decision | Promise<Decision>;

export interface SettlementOutcome {
  subscription: string;
  /** `abandoned`: the decision could not be carried out (broker trouble); the broker will redeliver. */
  outcome: 'acked' | 'retried' | 'dead-lettered' | 'abandoned';
  reason?: string;
  envelopeId?: string;
  attempt: number;
}

export interface ConsumeSpec {
  /** A subscription from a topology already declared on this transport. */
  subscription: string;
  /** Unsettled messages handled at once. Default 100. */
  prefetch?: number;
  /** Told how each message ended; for counters. Must not throw. */
  onOutcome?: (outcome: SettlementOutcome) => void;
}

export interface Subscription {
  readonly name: string;
  /** Stops new deliveries and waits for handlers in flight (up to `timeoutMs`, default 10 s). */
  cancel(options?: { timeoutMs?: number }): Promise<void>;
}

export interface RequestOptions {
  timeoutMs: number;
}

export type TransportStatus = 'connecting' | 'connected' | 'reconnecting' | 'closing' | 'closed';

export interface ConsumerHealth {
  subscription: string;
  active: boolean;
  inFlight: number;
  prefetch: number;
  /** Messages waiting for this subscription, where the broker can tell cheaply. */
  lag?: number;
  /**
   * Messages this consumer passed over because the broker no longer held them when it got there
   * (Kafka: deleted by retention before the group read them), since it started.
   */
  skipped?: number;
  /** The last message of this subscription that was retried or dead-lettered (filled in by `EventClient.health()`). */
  lastFailure?: ConsumerFailure;
}

/**
 * A failed handling as health reports it: enough to find the message (its id and type) and, when
 * the service is traced, its whole trace (`traceId`, the one in the log lines and spans).
 */
export interface ConsumerFailure {
  /** ISO 8601 time of the decision. */
  at: string;
  outcome: 'retried' | 'dead-lettered';
  /** The dead-letter reason (`max-attempts-exceeded`, `validation-failed`, …) or, for a retry, the error. */
  reason: string;
  attempt: number;
  eventId?: string;
  type?: string;
  traceId?: string;
}

export interface TransportHealth<D extends object = object> {
  transport: string;
  status: TransportStatus;
  /** Connected and every consumer active. */
  healthy: boolean;
  consumers: ConsumerHealth[];
  publisher: { inFlight: number; buffered: number };
  reconnects: number;
  /** Last connection error, credentials redacted. */
  lastError?: string;
  /** What only this transport can tell (RabbitMQ: open channels, a broker alarm blocking publishes). */
  details?: D;
}

export interface CloseOptions {
  /** Upper bound for waiting on handlers and unconfirmed publishes. Default 10 s. */
  timeoutMs?: number;
}

export interface Transport {
  /** Transport name as in bindings and health: `amqp`, `redis`, `kafka`, `memory`. */
  readonly name: string;
  /** Idempotent; transports that reconnect re-declare it after every reconnect. */
  declareTopology(spec: TopologySpec): Promise<void>;
  /**
   * Resolves once the broker has taken responsibility for the message. What it resolves with is the
   * transport's own business (Redis: the entry's id, as XADD answered) and callers ignore it: a
   * transport may hand over its client's promise as it is rather than chain one more per message.
   */
  publish(envelope: Envelope, target: PublishTarget): Promise<unknown>;
  /** Delivers the subscription's messages to `handler` and carries out its decisions. */
  subscribe(spec: ConsumeSpec, handler: MessageHandler): Promise<Subscription>;
  /** Publishes a command and resolves with the first reply, or rejects after `timeoutMs`. */
  request(envelope: Envelope, target: PublishTarget, options: RequestOptions): Promise<Envelope>;
  health(): TransportHealth;
  /** Cancels consumers, waits for in-flight handlers and confirms, then disconnects. */
  close(options?: CloseOptions): Promise<void>;
}
