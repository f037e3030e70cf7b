/** Where and how a neutral {@link PublishTarget} goes on RabbitMQ: exchange, routing key, properties. */
import type { Options } from 'amqplib';
import type { Envelope } from '../envelope.js';
import type { PublishTarget } from '../transport.js';
import { ALL_TENANTS, CONTENT_TYPE, TENANT_HEADER } from './headers.js';
import { DIRECT_EXCHANGE, exchangeFor } from './names.js';
import { URGENCY_PRIORITY } from './priority.js';

export interface AmqpRoute {
  exchange: string;
  routingKey: string;
}

/** The kind's exchange with the destination as routing key; a message for one service goes through the direct exchange. */
export function routeOf(target: PublishTarget): AmqpRoute {
  if (target.service !== undefined) return { exchange: DIRECT_EXCHANGE, routingKey: target.service };
  return { exchange: exchangeFor(target.kind, target.bindings), routingKey: target.destination };
}

/**
 * Untraced events share one headers object per tenant. amqplib makes every message's headers the
 * prototype of a new object (`Object.create(options.headers)` in `Args.publish`); V8 turns each new
 * prototype into a prototype map of its own and then walks it slowly when encoding the table, which
 * cost more CPU per message than the rest of the publish path (a fresh object each publish: ~11 µs
 * for amqplib's options handling; a shared one: ~3 µs). The shared objects are never mutated: a
 * traced event gets a fresh object. Bounded, so many tenants cannot grow it without limit.
 */
const sharedHeaders = new Map<string, Readonly<Record<string, string>>>();
const MAX_SHARED_HEADERS = 1024;

function tenantHeaders(tenant: string): Readonly<Record<string, string>> {
  let headers = sharedHeaders.get(tenant);
  if (headers === undefined) {
    if (sharedHeaders.size >= MAX_SHARED_HEADERS) sharedHeaders.clear();
    headers = { [TENANT_HEADER]: tenant };
    sharedHeaders.set(tenant, headers);
  }
  return headers;
}

/** The AMQP properties of an event: CloudEvents' AMQP binding (structured mode) plus our tenant and trace-context headers. */
export function publishOptions(envelope: Envelope, target: PublishTarget): Options.Publish {
  const tenant = envelope.tenantid ?? ALL_TENANTS;
  let headers: Readonly<Record<string, string>>;
  if (envelope.traceparent === undefined && envelope.tracestate === undefined) headers = tenantHeaders(tenant);
  else {
    // The trace context as headers too (W3C names), for tools that read the broker's headers only.
    const traced: Record<string, string> = { [TENANT_HEADER]: tenant };
    if (envelope.traceparent !== undefined) traced.traceparent = envelope.traceparent;
    if (envelope.tracestate !== undefined) traced.tracestate = envelope.tracestate;
    headers = traced;
  }
  const options: Options.Publish = {
    messageId: envelope.id,
    contentType: CONTENT_TYPE,
    type: envelope.type,
    timestamp: Math.floor(Date.parse(envelope.time) / 1000),
    persistent: target.persistent ?? true,
    mandatory: target.mandatory ?? true,
    priority: URGENCY_PRIORITY[target.urgency],
    headers,
  };
  if (envelope.correlationid !== undefined) options.correlationId = envelope.correlationid;
  return options;
}
