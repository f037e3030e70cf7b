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

/**
 * A traced event's headers: its tenant and its own W3C trace context (for tools that read the
 * broker's headers only). A class of its own so that the publisher tells them from the shared
 * untraced ones with one `instanceof`, and hands amqplib their values in a {@link WireHeaders}.
 */
export class TracedHeaders {
  readonly [TENANT_HEADER]: string;
  // Declared, not defined: an absent one is no property at all, as in the plain object it replaces.
  declare traceparent?: string;
  declare tracestate?: string;

  constructor(tenant: string, traceparent: string | undefined, tracestate: string | undefined) {
    this[TENANT_HEADER] = tenant;
    if (traceparent !== undefined) this.traceparent = traceparent;
    if (tracestate !== undefined) this.tracestate = tracestate;
  }
}

/**
 * What amqplib is given as a traced message's headers: that message's values written into one
 * object reused for every message with the same headers. amqplib makes a message's headers the
 * prototype of a new object (see tenantHeaders); an object that serves as a prototype for the
 * first time gets a prototype map of its own and is then encoded on a slow path, so a fresh one
 * per message cost ~2 µs more than a reused one (Args.publish + encodeProperties, 200,000
 * messages: 4.7 against 2.6 µs). Reusing one is safe because amqplib encodes the whole frame
 * inside `channel.publish` and keeps no reference to the headers; the message keeps its own
 * {@link TracedHeaders} for a re-send. One per publisher: publishes never interleave within one.
 */
export class WireHeaders {
  /** By which of traceparent (1) and tracestate (2) are present: one stable set of keys each. */
  private readonly byKeys: Array<Record<string, string> | undefined> = [];

  /** `options` itself when its headers are not a traced message's, else a copy with reused headers. */
  options(options: Options.Publish): Options.Publish {
    const headers: unknown = options.headers;
    return headers instanceof TracedHeaders ? { ...options, headers: this.of(headers) } : options;
  }

  private of(headers: TracedHeaders): Record<string, string> {
    const { traceparent, tracestate } = headers;
    const keys = (traceparent === undefined ? 0 : 1) | (tracestate === undefined ? 0 : 2);
    let wire = this.byKeys[keys];
    if (wire === undefined) {
      wire = { [TENANT_HEADER]: '' };
      if (traceparent !== undefined) wire.traceparent = '';
      if (tracestate !== undefined) wire.tracestate = '';
      this.byKeys[keys] = wire;
    }
    wire[TENANT_HEADER] = headers[TENANT_HEADER];
    if (traceparent !== undefined) wire.traceparent = traceparent;
    if (tracestate !== undefined) wire.tracestate = tracestate;
    return wire;
  }
}

/** The AMQP properties of an event: CloudEvents' AMQP binding (structured mode) plus our tenant and trace-context headers. */
export function publishOptions(envelope: Envelope, target: PublishTarget): Options.Publish {
  const tenant = envelope.tenantid ?? ALL_TENANTS;
  const headers = envelope.traceparent === undefined && envelope.tracestate === undefined ? tenantHeaders(tenant) : new TracedHeaders(tenant, envelope.traceparent, envelope.tracestate);
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
