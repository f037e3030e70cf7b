/**
 * What a service publishes to and subscribes to, in the catalogue's words: channels (destinations
 * by event kind) and subscriptions (a service's named consumer group, the destinations it takes,
 * its retry policy and tenant). Each transport maps these onto its own objects: queues on
 * RabbitMQ (runtime/amqp), streams and consumer groups on Redis, topics and groups on Kafka.
 */
import type { TransportBindings } from './bindings.js';
import type { EventKind } from './urgency.js';

/** A destination, or a pattern of destinations (`*` one word, `#` any number), of one kind of event. */
export interface ChannelSpec {
  /** Omitted: events of every kind at these destinations. */
  kind?: EventKind;
  /** A destination or a pattern (see destinations.ts). */
  destination: string;
  bindings?: TransportBindings;
}

export interface RetryPolicy {
  /** Handler attempts in total, the first delivery included. Default 5. */
  maxAttempts?: number;
  /** Delay before the second attempt; each later one multiplies by `factor`. Default 1000 ms. */
  baseDelayMs?: number;
  /** Default 2. */
  factor?: number;
  /** Upper bound of any one delay. Default 5 minutes. */
  maxDelayMs?: number;
}

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

/**
 * One consumer group: the events a service takes, with its retries and dead letters. Replicas of a
 * service share it (each event goes to one of them).
 */
export interface SubscriptionSpec {
  /**
   * Unique per broker: the queue on RabbitMQ, the consumer group on Redis and Kafka. By convention
   * `<service>.events` ({@link serviceSubscriptionName}).
   */
  name: string;
  /** The service it belongs to: events sent to this service directly are delivered here too. */
  service?: string;
  /** The destinations it takes. */
  sources: readonly ChannelSpec[];
  retry?: RetryPolicy;
  /**
   * Take only this tenant's events and events of no tenant, never another tenant's: the broker
   * filters where it can (RabbitMQ: on a tenant header), and the consumer
   * dead-letters any other tenant's event that reaches it (`tenant-mismatch`).
   */
  tenant?: string;
}

export interface TopologySpec {
  /** Destinations this service publishes to (declared so that publishing never races their creation). */
  channels?: readonly ChannelSpec[];
  subscriptions?: readonly SubscriptionSpec[];
}

/** The conventional subscription of a consuming service: `<service>.events`. */
export function serviceSubscriptionName(service: string): string {
  return `${service}.events`;
}

/** The tenant of events that concern every tenant (no `tenantid`), on the wire; reserved, never a tenant id. */
export const ALL_TENANTS = '*';

/** The subscription of a service consuming for one tenant: `<service>.events.tenant.<tenant>`. */
export function tenantSubscriptionName(service: string, tenant: string): string {
  return `${serviceSubscriptionName(service)}.tenant.${tenant}`;
}

/** A tenant id usable in a subscription name and a header; throws otherwise. */
export function assertTenantId(tenant: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(tenant)) {
    throw new TypeError(`tenant id '${tenant}' must be 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit`);
  }
}

export function resolveRetryPolicy(policy: RetryPolicy | undefined): ResolvedRetryPolicy {
  const resolved = {
    maxAttempts: policy?.maxAttempts ?? 5,
    baseDelayMs: policy?.baseDelayMs ?? 1000,
    factor: policy?.factor ?? 2,
    maxDelayMs: policy?.maxDelayMs ?? 300_000,
  };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) throw new TypeError('retry.maxAttempts must be an integer >= 1');
  if (!(resolved.baseDelayMs >= 1) || !(resolved.factor >= 1) || !(resolved.maxDelayMs >= resolved.baseDelayMs)) {
    throw new TypeError('retry delays must satisfy baseDelayMs >= 1, factor >= 1, maxDelayMs >= baseDelayMs');
  }
  return resolved;
}

/** The delay after each failed attempt: attempt n (1-based) that fails waits `retryDelays(policy)[n - 1]`. */
export function retryDelays(policy: ResolvedRetryPolicy): number[] {
  const delays: number[] = [];
  for (let level = 1; level < policy.maxAttempts; level++) {
    delays.push(Math.round(Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (level - 1))));
  }
  return delays;
}
