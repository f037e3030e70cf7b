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

/** The AMQP properties of an event: CloudEvents' AMQP binding (structured mode) plus our tenant and trace-context headers. */
export function publishOptions(envelope: Envelope, target: PublishTarget): Options.Publish {
  const options: Options.Publish = {
    messageId: envelope.id,
    contentType: CONTENT_TYPE,
    type: envelope.type,
    timestamp: Math.floor(Date.parse(envelope.time) / 1000),
    persistent: target.persistent ?? true,
    mandatory: target.mandatory ?? true,
    priority: URGENCY_PRIORITY[target.urgency],
    headers: { [TENANT_HEADER]: envelope.tenantid ?? ALL_TENANTS },
  };
  if (envelope.correlationid !== undefined) options.correlationId = envelope.correlationid;
  // The trace context as headers too (W3C names), for tools that read the broker's headers only.
  if (envelope.traceparent !== undefined) options.headers.traceparent = envelope.traceparent;
  if (envelope.tracestate !== undefined) options.headers.tracestate = envelope.tracestate;
  return options;
}
