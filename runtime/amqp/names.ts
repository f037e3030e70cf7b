/**
 * How the catalogue's words become RabbitMQ objects. Fixed here so every service, operator and
 * dashboard finds them the same way:
 * - an event of kind `k` is published to the topic exchange `eventsmith.<k>` (a catalogue's AMQP
 *   channel binding may name another), with its destination as the routing key;
 * - events sent to one service go through the direct exchange `eventsmith.direct`, keyed by service;
 * - subscription `s` is the queue `s`, with retry delay queues `s.retry.1…n`, and dead letters go
 *   through `s.dlx` to `s.dlq`; a tenant-bound queue is reached through its headers exchange `s.tenant`.
 */
import { bindingOf, type TransportBindings } from '../bindings.js';
import { resolveRetryPolicy, retryDelays, type SubscriptionSpec } from '../topology.js';
import type { EventKind } from '../urgency.js';

export const EXCHANGE_PREFIX = 'eventsmith';

/** Exchange of direct service-to-service messages; each service's queue is bound to it by service name. */
export const DIRECT_EXCHANGE = `${EXCHANGE_PREFIX}.direct`;

/** The exchange of `kind`, or the one the catalogue's AMQP binding names. */
export function exchangeFor(kind: EventKind, bindings?: TransportBindings): string {
  const named = bindingOf(bindings, 'amqp').exchange;
  return typeof named === 'string' && named.length > 0 ? named : `${EXCHANGE_PREFIX}.${kind}`;
}

/** The exchange name the catalogue's AMQP binding gives, if any. */
export function boundExchange(bindings?: TransportBindings): string | undefined {
  const named = bindingOf(bindings, 'amqp').exchange;
  return typeof named === 'string' && named.length > 0 ? named : undefined;
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

/** The headers exchange between a tenant-bound queue and the exchanges it is bound to. */
export function tenantExchangeName(queue: string): string {
  return `${queue}.tenant`;
}

/** Every queue and exchange a subscription declares on RabbitMQ besides the shared exchanges, e.g. for a test's cleanup. */
export function subscriptionObjects(spec: Pick<SubscriptionSpec, 'name' | 'retry' | 'tenant'>): { queues: string[]; exchanges: string[] } {
  const levels = retryDelays(resolveRetryPolicy(spec.retry)).length;
  const retries = Array.from({ length: levels }, (_, index) => retryQueueName(spec.name, index + 1));
  const exchanges = [deadLetterExchangeName(spec.name), ...(spec.tenant === undefined ? [] : [tenantExchangeName(spec.name)])];
  return { queues: [spec.name, deadLetterQueueName(spec.name), ...retries], exchanges };
}
