/**
 * The seam between the broker-neutral client and a concrete broker. Everything above it speaks
 * envelopes and settlements; acks, nacks, channels and delay queues stay below it, so the in-memory
 * transport can stand in for RabbitMQ in users' unit tests.
 */
import type { Envelope } from './envelope.js';
import type { TopologySpec } from './topology.js';

export interface PublishRoute {
  exchange: string;
  routingKey: string;
  /** 0–10; higher is delivered first from a priority queue. Default 0. */
  priority?: number;
  /** Survive a broker restart. Default true. */
  persistent?: boolean;
  /** Reject the publish when no queue is bound for it. Default true. */
  mandatory?: boolean;
}

/**
 * Why a message was dead-lettered; the value of the `x-death-reason` header. Handlers may pass
 * their own reason strings too.
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
  | 'non-retryable'
  | 'max-attempts-exceeded';

export type Settlement =
  | { settle: 'ack' }
  | { settle: 'retry'; reason: string }
  | { settle: 'dead-letter'; reason: DeadLetterReason | (string & {}); error?: string };

export interface Delivery {
  envelope: Envelope;
  queue: string;
  exchange: string;
  routingKey: string;
  /** 1 on first delivery, incremented by every retry. */
  attempt: number;
  maxAttempts: number;
  /** The broker delivered this copy before (a lost ack); a duplicate is likely. */
  redelivered: boolean;
  /** Set when the sender awaits a reply (request/reply). */
  replyTo?: string;
  /** Sends `envelope` to the requester; rejects when the message carries no reply address. */
  reply(envelope: Envelope): Promise<void>;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<Settlement>;

export interface SettlementOutcome {
  queue: string;
  outcome: 'acked' | 'retried' | 'dead-lettered' | 'abandoned';
  reason?: string;
  envelopeId?: string;
  attempt: number;
}

export interface SubscribeSpec {
  /** A queue from a topology already declared on this transport. */
  queue: string;
  /** Unacknowledged messages handled at once. Default 100. */
  prefetch?: number;
  /** Told how each message ended; for counters. Must not throw. */
  onOutcome?: (outcome: SettlementOutcome) => void;
}

export interface Subscription {
  readonly queue: string;
  /** Stops new deliveries and waits for handlers in flight (up to `timeoutMs`, default 10 s). */
  cancel(options?: { timeoutMs?: number }): Promise<void>;
}

export interface RequestOptions {
  timeoutMs: number;
}

export type TransportStatus = 'connecting' | 'connected' | 'reconnecting' | 'closing' | 'closed';

export interface ConsumerHealth {
  queue: string;
  active: boolean;
  inFlight: number;
  prefetch: number;
}

export interface TransportHealth {
  transport: string;
  status: TransportStatus;
  /** Connected and every consumer active. */
  healthy: boolean;
  channels: number;
  consumers: ConsumerHealth[];
  publisher: { inFlight: number; buffered: number };
  reconnects: number;
  /** Last connection or channel error, credentials redacted. */
  lastError?: string;
  /**
   * Set while the broker blocks publishing (RabbitMQ memory or disk alarm), with its reason:
   * publishes wait (up to `maxBufferedPublishes`, then `PublishBufferFullError`) until it lifts.
   */
  blocked?: string;
}

export interface CloseOptions {
  /** Upper bound for waiting on handlers and unconfirmed publishes. Default 10 s. */
  timeoutMs?: number;
}

export interface Transport {
  /** Idempotent; transports that reconnect re-declare it after every reconnect. */
  declareTopology(spec: TopologySpec): Promise<void>;
  /** Resolves once the broker has taken responsibility for the message. */
  publish(envelope: Envelope, route: PublishRoute): Promise<void>;
  subscribe(spec: SubscribeSpec, handler: DeliveryHandler): Promise<Subscription>;
  /** Publishes a command and resolves with the first reply, or rejects after `timeoutMs`. */
  request(envelope: Envelope, route: PublishRoute, options: RequestOptions): Promise<Envelope>;
  health(): TransportHealth;
  /** Cancels consumers, waits for in-flight handlers and confirms, then disconnects. */
  close(options?: CloseOptions): Promise<void>;
}
