/**
 * Example: the trace of an order saga across two services, printed as a tree. The order service
 * publishes `order.created`; the inventory service reserves stock (a span of its own inside the
 * handler) and publishes `inventory.reserved`; the order service confirms the order. No handler
 * passes a trace id around: the runtime writes the W3C trace context into each envelope and every
 * consumer span joins its producer's trace.
 *
 *   npm run example:tracing
 *
 * In memory, so it runs anywhere; with `AmqpTransport` or `RedisTransport` the trace is the same.
 * A real service exports to a backend instead of collecting spans in memory: docs/observability.md.
 */
import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MemoryTransport } from 'eventsmith/runtime';
import { inventoryService, orderService } from '../generated/index.js';

// What the OpenTelemetry Node SDK registers: a tracer provider, a context manager, the W3C propagator.
const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

// Two services on one in-memory broker. Neither is told about tracing: it comes from the globals.
const transport = new MemoryTransport();
const orders = orderService.createOrderService({ transport, ownsTransport: false, unhandled: 'ack' });
const inventory = inventoryService.createInventoryService({ transport, ownsTransport: false, unhandled: 'ack' });
const tracer = trace.getTracer('inventory-service');

let confirmed: (orderId: string) => void = () => {};
const done = new Promise<string>((resolve) => (confirmed = resolve));

inventory.consumer.on('order.created', async (order) => {
  // A span of the handler's own: it is a child of the consumer span, with no code to link them.
  const lines = await tracer.startActiveSpan('reserve stock', async (span) => {
    span.setAttribute('order.lines', order.lines.length);
    const reserved = order.lines.map(() => ({ ingredient_id: randomUUID(), location_id: randomUUID(), quantity: { value: 10, unit: 'kg' as const } }));
    span.end();
    return reserved;
  });
  const now = new Date();
  await inventory.publisher.reserved({
    tenant_id: order.tenant_id,
    reservation_id: randomUUID(),
    order_id: order.order_id,
    lines,
    expires_at: new Date(now.getTime() + 2 * 3_600_000).toISOString(),
    reserved_at: now.toISOString(),
  });
});
orders.consumer.on('inventory.reserved', (reservation) => confirmed(reservation.order_id));

await inventory.consumer.start();
await orders.consumer.start();

const orderId = randomUUID();
await orders.publisher.created({
  tenant_id: 'acme-bakery',
  order_id: orderId,
  order_number: 'ORD-20250312',
  saga_id: randomUUID(),
  customer_id: randomUUID(),
  sales_channel: 'api',
  lines: [{ product_id: randomUUID(), sku: 'PRD-CROISSANT-70', quantity: 120, unit_price: { amount: 1.5, currency: 'EUR' } }],
  subtotal: { amount: 180, currency: 'EUR' },
  tax: { amount: 9.9, currency: 'EUR' },
  total: { amount: 189.9, currency: 'EUR' },
  shipping_address: { line1: '12 Rue des Martyrs', city: 'Paris', postal_code: '75009', country: 'FR' },
  requested_delivery_date: '2025-03-13',
  created_at: new Date().toISOString(),
});
if ((await done) !== orderId) throw new Error('the saga confirmed another order');

await orders.events.close({ timeoutMs: 2000 });
await inventory.events.close({ timeoutMs: 2000 });
await transport.close();
printTraces(spans.getFinishedSpans());

/** Each trace as a tree of spans, parents first, children in the order they started. */
function printTraces(finished: ReadableSpan[]): void {
  const children = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(finished.map((span) => span.spanContext().spanId));
  for (const span of finished) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const started = (span: ReadableSpan): number => span.startTime[0] * 1e9 + span.startTime[1];
  const print = (span: ReadableSpan, prefix: string, last: boolean, root: boolean): void => {
    const a = span.attributes;
    // A send names the service it came from; a process span's name already says whose subscription it is.
    const from = a['messaging.operation.type'] === 'send' ? `from ${String(a['cloudevents.event_source'])}` : '';
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    const detail = [a['messaging.system'] ?? '', a['cloudevents.event_type'] ?? '', a['eventsmith.outcome'] ?? '', from].filter((part) => part !== '').join(' · ');
    process.stdout.write(`${prefix}${root ? '' : last ? '└─ ' : '├─ '}${span.name}  (${ms.toFixed(2)} ms${detail === '' ? '' : `; ${detail}`})\n`);
    const next = (children.get(span.spanContext().spanId) ?? []).sort((x, y) => started(x) - started(y));
    next.forEach((child, index) => print(child, root ? '' : `${prefix}${last ? '   ' : '│  '}`, index === next.length - 1, false));
  };
  for (const root of (children.get(undefined) ?? []).sort((x, y) => started(x) - started(y))) {
    process.stdout.write(`trace ${root.spanContext().traceId}\n`);
    print(root, '', true, true);
  }
}
