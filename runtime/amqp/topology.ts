/**
 * Declares a {@link TopologySpec} on RabbitMQ. Every declaration is idempotent, so it runs again
 * after each reconnect (a broker restarted without durable state comes back empty).
 *
 * Per queue `q`:
 * - `q`: durable, `x-max-priority` (classic only), `x-dead-letter-exchange: q.dlx`, so messages the
 *   broker itself rejects or drops still end in the DLQ;
 * - `q.dlx` (fanout) → `q.dlq`: dead letters, kept until an operator looks at them;
 * - `q.retry.<n>`: no consumers; `x-message-ttl` = the n-th delay, then the broker dead-letters the
 *   message back to `q` through the default exchange. A per-queue TTL (not per-message) keeps each
 *   delay queue FIFO, so a long delay never holds a short one back.
 */
import type { Channel } from 'amqplib';
import { ALL_TENANTS, TENANT_HEADER } from './headers.js';
import {
  assertTenantId,
  DEFAULT_MAX_PRIORITY,
  deadLetterExchangeName,
  deadLetterQueueName,
  resolveRetryPolicy,
  retryDelays,
  retryQueueName,
  tenantExchangeName,
  type QueueSpec,
  type TopologySpec,
} from '../topology.js';

export async function declareTopology(channel: Channel, spec: TopologySpec): Promise<void> {
  for (const exchange of spec.exchanges ?? []) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: exchange.durable ?? true });
  }
  for (const queue of spec.queues ?? []) await declareQueue(channel, queue);
}

async function declareQueue(channel: Channel, spec: QueueSpec): Promise<void> {
  const quorum = spec.queueType === 'quorum';
  // Classic is the broker default; naming it explicitly would make the declaration unequal to a
  // queue that an older deployment declared without the argument (PRECONDITION_FAILED).
  const typeArgs: Record<string, unknown> = quorum ? { 'x-queue-type': 'quorum' } : {};
  const dlx = deadLetterExchangeName(spec.name);
  const dlq = deadLetterQueueName(spec.name);

  await channel.assertExchange(dlx, 'fanout', { durable: true });
  await channel.assertQueue(dlq, { durable: true, arguments: { ...typeArgs } });
  await channel.bindQueue(dlq, dlx, '');

  const mainArgs: Record<string, unknown> = { ...typeArgs, 'x-dead-letter-exchange': dlx };
  if (!quorum) mainArgs['x-max-priority'] = spec.maxPriority ?? DEFAULT_MAX_PRIORITY;
  await channel.assertQueue(spec.name, { durable: true, arguments: mainArgs });

  const delays = retryDelays(resolveRetryPolicy(spec.retry));
  for (const [index, delay] of delays.entries()) {
    await channel.assertQueue(retryQueueName(spec.name, index + 1), {
      durable: true,
      arguments: { ...typeArgs, 'x-message-ttl': delay, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': spec.name },
    });
  }
  if (spec.tenant !== undefined) return bindForTenant(channel, spec, spec.tenant);
  for (const binding of spec.bindings ?? []) {
    await channel.bindQueue(spec.name, binding.exchange, binding.routingKey);
  }
}

/**
 * exchange --(routing key)--> `<q>.tenant` (headers) --(eventsmith-tenant = T or *)--> q. The topic
 * or direct selection stays as it is; the broker then drops what belongs to another tenant.
 */
async function bindForTenant(channel: Channel, spec: QueueSpec, tenant: string): Promise<void> {
  assertTenantId(tenant);
  const filter = tenantExchangeName(spec.name);
  await channel.assertExchange(filter, 'headers', { durable: true });
  for (const value of [tenant, ALL_TENANTS]) {
    await channel.bindQueue(spec.name, filter, '', { 'x-match': 'all', [TENANT_HEADER]: value });
  }
  for (const binding of spec.bindings ?? []) {
    await channel.bindExchange(filter, binding.exchange, binding.routingKey);
  }
}
