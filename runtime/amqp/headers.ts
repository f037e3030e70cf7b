/**
 * Names the AMQP transport writes on the wire. Operators read them in the management UI and
 * tooling may filter on them, so they are part of the public contract and must not change lightly.
 */

/** Handler attempt the copy is for: 1 on first delivery, raised by every retry. */
export const ATTEMPT_HEADER = 'x-eventsmith-attempt';
/** On dead letters: why (`invalid-json`, `validation-failed`, `max-attempts-exceeded`, …). */
export const DEATH_REASON_HEADER = 'x-death-reason';
/** On retries and dead letters: the last error message, truncated. */
export const ERROR_HEADER = 'x-eventsmith-error';
/** Retries travel through the default exchange; these keep where the message first came from. */
export const ORIGINAL_EXCHANGE_HEADER = 'x-eventsmith-original-exchange';
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-eventsmith-original-routing-key';
/**
 * The event's tenant, set by the publisher from the envelope's `tenantid`, or {@link ALL_TENANTS}
 * for an event that belongs to no tenant. Tenant-bound queues are bound on it (a headers exchange),
 * so the broker never routes another tenant's event to them. No `x-` prefix: headers exchanges
 * ignore `x-` headers when matching.
 */
export const TENANT_HEADER = 'eventsmith-tenant';
export { ALL_TENANTS } from '../topology.js';
/** CloudEvents AMQP binding, structured mode. */
export const CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
