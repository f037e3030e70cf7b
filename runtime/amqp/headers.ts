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
/** CloudEvents AMQP binding, structured mode. */
export const CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
