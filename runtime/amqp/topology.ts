/**
 * Declares a neutral {@link TopologySpec} on RabbitMQ (naming in names.ts). Every declaration is
 * idempotent, so it runs again after each reconnect (a broker restarted without durable state
 * comes back empty).
 *
 * Channels and subscription sources become topic exchanges, one per event kind (or the exchange a
 * catalogue's AMQP binding names); a source without a kind binds every kind's exchange.
 * Per subscription `q`:
 * - `q`: durable, `x-max-priority` (classic only), `x-dead-letter-exchange: q.dlx`, so messages the
 *   broker itself rejects or drops still end in the DLQ; bound to each source's exchange with the
 *   source's destination pattern as routing key, and to `eventsmith.direct` by service name;
 * - `q.dlx` (fanout) → `q.dlq`: dead letters, kept until an operator looks at them;
 * - `q.retry.<n>`: no consumers; `x-message-ttl` = the n-th delay, then the broker dead-letters the
 *   message back to `q` through the default exchange. A per-queue TTL (not per-message) keeps each
 *   delay queue FIFO, so a long delay never holds a short one back.
 */
import type { Channel } from 'amqplib';
import { assertTenantId, resolveRetryPolicy, retryDelays, type ChannelSpec, type SubscriptionSpec, type TopologySpec } from '../topology.js';
import { EVENT_KINDS } from '../urgency.js';
import { ALL_TENANTS, TENANT_HEADER } from './headers.js';
import { boundExchange, deadLetterExchangeName, deadLetterQueueName, DIRECT_EXCHANGE, exchangeFor, retryQueueName, tenantExchangeName } from './names.js';
import { DEFAULT_MAX_PRIORITY } from './priority.js';

/**
 * How RabbitMQ stores subscriptions. `quorum` trades priorities for replication: quorum queues on
 * RabbitMQ 3.x ignore `x-max-priority` entirely (critical events wait behind low ones), and 4.x
 * gives them just two levels (priority 0–4 normal, 5 and above high), so `medium`, `high` and
 * `critical` collapse into one. Choose quorum where losing a node must not lose messages and
 * ordering by urgency matters less; keep the classic default where urgency ordering is the point.
 * The retry and dead-letter queues follow the main queue's type.
 */
export interface QueueOptions {
  /** Default `classic`. */
  queueType?: 'classic' | 'quorum';
  /** Priority levels of classic queues. Default 10. */
  maxPriority?: number;
}

/** The exchanges a channel or source is published through. */
export function exchangesOf(channel: ChannelSpec): string[] {
  const bound = boundExchange(channel.bindings);
  if (bound !== undefined) return [bound];
  return channel.kind === undefined ? EVENT_KINDS.map((kind) => exchangeFor(kind)) : [exchangeFor(channel.kind)];
}

export async function declareTopology(channel: Channel, spec: TopologySpec, queues: QueueOptions): Promise<void> {
  const exchanges = new Set<string>();
  for (const source of [...(spec.channels ?? []), ...(spec.subscriptions ?? []).flatMap((s) => s.sources)]) {
    for (const exchange of exchangesOf(source)) exchanges.add(exchange);
  }
  if ((spec.subscriptions ?? []).some((s) => s.service !== undefined)) await channel.assertExchange(DIRECT_EXCHANGE, 'direct', { durable: true });
  for (const exchange of [...exchanges].sort()) await channel.assertExchange(exchange, 'topic', { durable: true });
  for (const subscription of spec.subscriptions ?? []) await declareQueue(channel, subscription, queues);
}

async function declareQueue(channel: Channel, spec: SubscriptionSpec, options: QueueOptions): Promise<void> {
  const quorum = options.queueType === 'quorum';
  // Classic is the broker default; naming it explicitly would make the declaration unequal to a
  // queue that an older deployment declared without the argument (PRECONDITION_FAILED).
  const typeArgs: Record<string, unknown> = quorum ? { 'x-queue-type': 'quorum' } : {};
  const dlx = deadLetterExchangeName(spec.name);
  const dlq = deadLetterQueueName(spec.name);

  await channel.assertExchange(dlx, 'fanout', { durable: true });
  await channel.assertQueue(dlq, { durable: true, arguments: { ...typeArgs } });
  await channel.bindQueue(dlq, dlx, '');

  const mainArgs: Record<string, unknown> = { ...typeArgs, 'x-dead-letter-exchange': dlx };
  if (!quorum) mainArgs['x-max-priority'] = options.maxPriority ?? DEFAULT_MAX_PRIORITY;
  await channel.assertQueue(spec.name, { durable: true, arguments: mainArgs });

  const delays = retryDelays(resolveRetryPolicy(spec.retry));
  for (const [index, delay] of delays.entries()) {
    await channel.assertQueue(retryQueueName(spec.name, index + 1), {
      durable: true,
      arguments: { ...typeArgs, 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': spec.name },
    });
  }
  const bindings = bindingsOf(spec);
  if (spec.tenant !== undefined) return bindForTenant(channel, spec.name, spec.tenant, bindings);
  for (const binding of bindings) await channel.bindQueue(spec.name, binding.exchange, binding.routingKey);
}

function bindingsOf(spec: SubscriptionSpec): Array<{ exchange: string; routingKey: string }> {
  const bindings = spec.sources.flatMap((source) => exchangesOf(source).map((exchange) => ({ exchange, routingKey: source.destination })));
  if (spec.service !== undefined) bindings.push({ exchange: DIRECT_EXCHANGE, routingKey: spec.service });
  return bindings;
}

/**
 * exchange --(routing key)--> `<q>.tenant` (headers) --(eventsmith-tenant = T or *)--> q. The topic
 * or direct selection stays as it is; the broker then drops what belongs to another tenant.
 */
async function bindForTenant(channel: Channel, queue: string, tenant: string, bindings: Array<{ exchange: string; routingKey: string }>): Promise<void> {
  assertTenantId(tenant);
  const filter = tenantExchangeName(queue);
  await channel.assertExchange(filter, 'headers', { durable: true });
  for (const value of [tenant, ALL_TENANTS]) {
    await channel.bindQueue(queue, filter, '', { 'x-match': 'all', [TENANT_HEADER]: value });
  }
  for (const binding of bindings) await channel.bindExchange(filter, binding.exchange, binding.routingKey);
}
