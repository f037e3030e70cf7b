/**
 * A plain description of exchanges and queues, read by both transports. Naming is fixed here so
 * every service, operator and dashboard finds a queue's retry and dead-letter companions the same
 * way: for queue `billing.events`, `billing.events.retry.1…n`, `billing.events.dlx` → `billing.events.dlq`.
 */

export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

export interface ExchangeSpec {
  name: string;
  type: ExchangeType;
  /** Default true. */
  durable?: boolean;
}

export interface BindingSpec {
  exchange: string;
  /** Topic pattern for topic exchanges (`*` one word, `#` zero or more). */
  routingKey: string;
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

/**
 * One consuming queue with its retry delay queues and dead-letter queue.
 *
 * `queueType: 'quorum'` trades priorities for replication: quorum queues on RabbitMQ 3.x ignore
 * `x-max-priority` entirely (critical events wait behind low ones), and RabbitMQ 4.x gives them just
 * two levels (priority 0–4 is normal, 5 and above is high), so `medium` (5), `high` (8) and `critical`
 * (10) all collapse into one level. Choose quorum for queues where losing a node must not lose
 * messages and ordering by urgency matters less; keep the classic default where urgency ordering is
 * the point. The retry and dead-letter queues follow the main queue's type.
 */
export interface QueueSpec {
  name: string;
  bindings?: readonly BindingSpec[];
  /** Default 'classic'. */
  queueType?: 'classic' | 'quorum';
  /** Default 10 (the catalogue's highest priority); ignored for quorum queues. */
  maxPriority?: number;
  retry?: RetryPolicy;
  /**
   * Bind the queue for one tenant: it receives that tenant's events and events of no tenant, and
   * the broker routes nothing of any other tenant to it. On RabbitMQ each binding goes through the
   * queue's own headers exchange (`<name>.tenant`), bound to the original exchange with the
   * original routing key, and to the queue on the `eventsmith-tenant` header.
   */
  tenant?: string;
}

export interface TopologySpec {
  exchanges?: readonly ExchangeSpec[];
  queues?: readonly QueueSpec[];
}

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

export const DEFAULT_MAX_PRIORITY = 10;

/** The conventional queue of a consuming service: `<service>.events`. */
export function serviceQueueName(service: string): string {
  return `${service}.events`;
}

/** The tenant of events that concern every tenant (no `tenantid`), on the wire; reserved, never a tenant id. */
export const ALL_TENANTS = '*';

/** The queue of a service consuming for one tenant: `<service>.events.tenant.<tenant>`. */
export function tenantQueueName(service: string, tenant: string): string {
  return `${serviceQueueName(service)}.tenant.${tenant}`;
}

/** The headers exchange between a tenant-bound queue and the exchanges it is bound to. */
export function tenantExchangeName(queue: string): string {
  return `${queue}.tenant`;
}

/** A tenant id usable in a queue name and a header; throws otherwise. */
export function assertTenantId(tenant: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(tenant)) {
    throw new TypeError(`tenant id '${tenant}' must be 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit`);
  }
}

export function retryQueueName(queue: string, level: number): string {
  return `${queue}.retry.${level}`;
}

export function deadLetterExchangeName(queue: string): string {
  return `${queue}.dlx`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
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

/** One delay level per retry: attempt n (1-based) that fails waits in level n. */
export function retryDelays(policy: ResolvedRetryPolicy): number[] {
  const delays: number[] = [];
  for (let level = 1; level < policy.maxAttempts; level++) {
    delays.push(Math.round(Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (level - 1))));
  }
  return delays;
}

/** Every name a queue spec declares, e.g. for a test's cleanup. */
export function queueSpecNames(spec: QueueSpec): { queues: string[]; exchanges: string[] } {
  const levels = retryDelays(resolveRetryPolicy(spec.retry)).length;
  const retries = Array.from({ length: levels }, (_, index) => retryQueueName(spec.name, index + 1));
  const exchanges = [deadLetterExchangeName(spec.name), ...(spec.tenant === undefined ? [] : [tenantExchangeName(spec.name)])];
  return { queues: [spec.name, deadLetterQueueName(spec.name), ...retries], exchanges };
}

/** Topic matching as RabbitMQ does it: words split on '.', `*` is one word, `#` zero or more. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(pattern: string[], p: number, key: string[], k: number): boolean {
  if (p === pattern.length) return k === key.length;
  const word = pattern[p];
  if (word === '#') {
    for (let skip = k; skip <= key.length; skip++) if (matchWords(pattern, p + 1, key, skip)) return true;
    return false;
  }
  if (k === key.length) return false;
  return (word === '*' || word === key[k]) && matchWords(pattern, p + 1, key, k + 1);
}
