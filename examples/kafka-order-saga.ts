/**
 * Example: the order saga on Kafka, two services of the system wired as they run there (each with
 * a connection of its own, as if it ran alone), every event keyed by its order id so that one
 * order's events land in one partition and are handled in order:
 *
 * - order-service publishes `order.created` for two orders;
 * - inventory-service reserves stock for an order it can serve (`inventory.reserved`) and answers
 *   `inventory.reservation_failed` for one it cannot;
 * - order-service compensates a failed reservation: it publishes `order.cancelled` v2 (with its
 *   `reason_code`), which inventory-service receives too (nothing to release: nothing was reserved);
 * - a third order is reserved, then cancelled at the customer's request by a part of order-service
 *   not yet upgraded, which still publishes `order.cancelled` v1: the catalogue holds both versions,
 *   so inventory-service's handler of v2 takes v1 through the upcaster its `on()` requires, and
 *   releases the reservation.
 *
 * No publish names its record key: the catalogue's `x-ordering-key: order_id` gives it.
 *
 * Topics: one per domain (`order-events`, `inventory-events`, …), as the transport derives them;
 * consumer groups: one per service (`order-service.events`, `inventory-service.events`). The
 * example deletes every topic and group it made before it exits.
 * Run: `npm run example:kafka` (KAFKA_BOOTSTRAP or 127.0.0.1:19092: `bash scripts/kafka-broker ensure`).
 */
import { randomUUID } from 'node:crypto';
import { Admin } from '@platformatic/kafka';
import { resolveRetryPolicy, type TopologySpec } from 'eventsmith/runtime';
import { KafkaNames, KafkaTransport } from 'eventsmith/runtime/kafka';
import { inventoryService, orderService, topologyFor, type EventPayload, type OrderCancelledV1, type OrderCancelledV2 } from '../generated/index.js';
import { log, runtimeLogger } from './shared.js';

const TENANT = 'acme-bakery';
const BROKERS = (process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:19092').split(',').map((address) => address.trim());
const CROISSANT = '7a011418-4f94-4adb-9234-735da060f6a4';
const STORE = 'c0ce9a3f-3634-4415-b2d5-ebd9787326ee';

function transport(service: string): Promise<KafkaTransport> {
  return KafkaTransport.connect({ brokers: BROKERS, clientId: service, logger: runtimeLogger(service) });
}

function order(quantity: number, number: string): EventPayload<'order.created'> {
  return {
    tenant_id: TENANT,
    order_id: randomUUID(),
    order_number: number,
    saga_id: randomUUID(),
    customer_id: randomUUID(),
    sales_channel: 'api',
    lines: [{ product_id: CROISSANT, sku: 'PRD-CROISSANT-70', quantity, unit_price: { amount: 1.5, currency: 'EUR' } }],
    total: { amount: quantity * 1.5, currency: 'EUR' },
    created_at: new Date().toISOString(),
  };
}

/**
 * order.cancelled v1 → v2: v2 calls the reason `reason_code`, and every v1 reason is a v2 code
 * (v2 adds `payment_declined`, which v1 could not tell from `payment_failed`).
 */
function cancelledFromV1(v1: OrderCancelledV1): OrderCancelledV2 {
  const { reason, ...rest } = v1;
  return { ...rest, reason_code: reason };
}

// Each service here handles part of what the catalogue says it consumes: the rest is acknowledged
// (`unhandled: 'ack'`) rather than dead-lettered, the default for a real service.

// inventory-service: holds 200 croissants in the main store and reserves them first come, first served.
let onHand = 200;
const reservations = new Map<string, { id: string; quantity: number }>();
const cancelledSeen = new Set<string>();
const orderNumbers = new Map<string, string>();
const inventory = inventoryService.createInventoryService({ transport: await transport('inventory-service'), logger: runtimeLogger('inventory-service'), unhandled: 'ack' });
inventory.consumer.on('order.created', async (created) => {
  const wanted = created.lines.reduce((sum, line) => sum + line.quantity, 0);
  orderNumbers.set(created.order_id, created.order_number);
  if (wanted > onHand) {
    log('inventory-service', 'reservation.failed', { order: created.order_number, wanted, onHand });
    await inventory.publisher.reservationFailed({ tenant_id: created.tenant_id, order_id: created.order_id, reason: 'insufficient_stock', shortages: [{ ingredient_id: CROISSANT, requested: { value: wanted, unit: 'unit' }, available: { value: onHand, unit: 'unit' } }], failed_at: new Date().toISOString() });
    return;
  }
  onHand -= wanted;
  const reservation = randomUUID();
  reservations.set(created.order_id, { id: reservation, quantity: wanted });
  log('inventory-service', 'reserved', { order: created.order_number, wanted, onHand });
  await inventory.publisher.reserved({ tenant_id: created.tenant_id, reservation_id: reservation, order_id: created.order_id, lines: [{ ingredient_id: CROISSANT, location_id: STORE, quantity: { value: wanted, unit: 'unit' } }], expires_at: new Date(Date.now() + 3_600_000).toISOString(), reserved_at: new Date().toISOString() });
});
// One handler, of the latest version; v1 arrives upcast (ctx.envelope still says which version was sent).
const cancellationsSeen = new Map<string, () => void>();
inventory.consumer.on(
  'order.cancelled',
  (cancelled, ctx) => {
    const held = reservations.get(cancelled.order_id);
    if (held !== undefined) {
      reservations.delete(cancelled.order_id);
      onHand += held.quantity;
    }
    log('inventory-service', 'order.cancelled', { order: orderNumbers.get(cancelled.order_id) ?? cancelled.order_id, sentAs: `v${ctx.envelope.eventversion}`, reasonCode: cancelled.reason_code, released: held === undefined ? 'nothing reserved' : held.id, onHand });
    cancelledSeen.add(cancelled.order_id);
    cancellationsSeen.get(cancelled.order_id)?.();
  },
  { 1: cancelledFromV1 },
);
/** Resolves once inventory-service has handled the cancellation of `orderId`. */
function cancellationHandled(orderId: string): Promise<void> {
  return new Promise((resolve) => cancellationsSeen.set(orderId, resolve));
}
await inventory.consumer.start();

// order-service: places orders and runs the saga's compensation.
const numbers = new Map<string, string>();
const outcomes = new Map<string, string>();
let settle: () => void = () => {};
const settled = new Promise<void>((resolve) => (settle = resolve));
const orders = orderService.createOrderService({ transport: await transport('order-service'), logger: runtimeLogger('order-service'), unhandled: 'ack' });
const reservedFor = new Map<string, () => void>();
const reservationOf = new Map<string, string>();
orders.consumer.on('inventory.reserved', (reserved) => {
  reservationOf.set(reserved.order_id, reserved.reservation_id);
  log('order-service', 'inventory.reserved', { order: numbers.get(reserved.order_id), reservation: reserved.reservation_id });
  outcomes.set(reserved.order_id, 'confirmed');
  reservedFor.get(reserved.order_id)?.();
  if (outcomes.size === numbers.size) settle();
});
orders.consumer.on('inventory.reservation_failed', async (failed, ctx) => {
  log('order-service', 'inventory.reservation_failed', { order: numbers.get(failed.order_id), reason: failed.reason });
  // The compensation step, caused by the failure: correlation and causation follow from ctx.
  await ctx.publish('order.cancelled', 2, {
    tenant_id: failed.tenant_id,
    order_id: failed.order_id,
    saga_id: randomUUID(),
    reason_code: 'reservation_failed',
    reason_detail: `not enough stock: ${failed.shortages?.map((shortage) => `${shortage.requested.value} wanted, ${shortage.available.value} on hand`).join('; ') ?? 'unknown shortage'}`,
    cancelled_by: { type: 'service', id: 'order-service' },
    release_reservation_ids: [],
    cancelled_at: new Date().toISOString(),
  });
  log('order-service', 'order.cancelled', { order: numbers.get(failed.order_id), version: 2 });
  outcomes.set(failed.order_id, 'cancelled');
  if (outcomes.size === numbers.size) settle();
});
await orders.consumer.start();

const deadline = setTimeout(() => {
  log('example', 'timeout', { outcomes: Object.fromEntries(outcomes) });
  process.exit(1);
}, 60_000);

const first = order(120, 'ORD-20250312');
const second = order(150, 'ORD-20250313');
const compensated = cancellationHandled(second.order_id);
for (const placed of [first, second]) {
  numbers.set(placed.order_id, placed.order_number);
  await orders.publisher.created(placed);
  log('order-service', 'order.created', { order: placed.order_number, quantity: placed.lines[0]?.quantity });
}
await settled;
await compensated;

// A third order, reserved, then cancelled by the customer through a part of order-service that still sends v1.
const third = order(30, 'ORD-20250314');
numbers.set(third.order_id, third.order_number);
const thirdReserved = new Promise<void>((resolve) => reservedFor.set(third.order_id, resolve));
const thirdCancelled = cancellationHandled(third.order_id);
await orders.publisher.created(third);
log('order-service', 'order.created', { order: third.order_number, quantity: third.lines[0]?.quantity });
await thirdReserved;
const thirdReservation = reservationOf.get(third.order_id);
const legacy: OrderCancelledV1 = {
  tenant_id: TENANT,
  order_id: third.order_id,
  saga_id: third.saga_id,
  reason: 'customer_request',
  cancelled_by: { type: 'user', id: third.customer_id },
  release_reservation_ids: thirdReservation === undefined ? [] : [thirdReservation],
  cancelled_at: new Date().toISOString(),
};
await orders.events.publishVersion('order.cancelled', 1, legacy);
log('order-service', 'order.cancelled', { order: third.order_number, version: 1 });
outcomes.set(third.order_id, 'cancelled');
await thirdCancelled;
clearTimeout(deadline);
log('example', 'saga', { orders: Object.fromEntries([...outcomes].map(([id, outcome]) => [numbers.get(id) ?? id, outcome])), cancellationsSeenByInventory: cancelledSeen.size, onHand });

await Promise.all([orders, inventory].map((service) => service.events.close({ timeoutMs: 5000 })));
await removeTopology([topologyFor('order-service'), topologyFor('inventory-service')]);
log('example', 'done');

/** Deletes the consumer groups and every topic the two services' topologies made (domain topics, urgent lanes, inboxes, retry and dead-letter topics). */
async function removeTopology(topologies: TopologySpec[]): Promise<void> {
  const names = new KafkaNames();
  const topics = new Set<string>();
  const groups: string[] = [];
  for (const topology of topologies) {
    for (const channel of topology.channels ?? []) {
      try {
        for (const topic of names.topicsOf(channel)) topics.add(topic);
      } catch {
        // A destination with a placeholder in its domain word has no topic of its own.
      }
    }
    for (const subscription of topology.subscriptions ?? []) {
      for (const topic of names.subscriptionTopics(subscription)) topics.add(topic);
      for (const topic of names.retryTopics(subscription.name, resolveRetryPolicy(subscription.retry).maxAttempts)) topics.add(topic);
      topics.add(names.deadLetters(subscription.name));
      groups.push(subscription.name);
    }
  }
  const admin = new Admin({ clientId: 'kafka-order-saga-cleanup', bootstrapBrokers: BROKERS, timeout: 10_000 });
  try {
    await admin.deleteGroups({ groups });
    const existing = new Set(await admin.listTopics());
    const doomed = [...topics].filter((topic) => existing.has(topic));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    log('example', 'cleaned', { topics: doomed.length, groups: groups.length });
  } finally {
    await admin.close();
  }
}
