/**
 * Type tests on the sunset-and-replies fixture, generated with `sunsetAsOf: 2026-01-01`
 * (test/golden/cases.ts): warehouse.parcel_shipped v1 is past its sunset, v2 is live, v3 is the
 * latest; warehouse.bin_moved v1 is past its sunset, v2 the latest. A consumer must upcast every live older version and may drop a version past its sunset;
 * the reply-only shop-service gets no consumer. Checked by `npm run typecheck` and
 * test/golden/compile.test.ts: each `@ts-expect-error` must meet an error.
 */
import { MemoryTransport } from '../../runtime/index.js';
import { billingService, shopService, warehouseService, type EventPayload, type SunsetVersions, type VersionedEventPayload } from '../golden/sunset-and-replies/index.js';

const transport = new MemoryTransport();
const { consumer, events } = billingService.createBillingService({ transport });

const bill = (parcel: EventPayload<'warehouse.parcel_shipped'>): void => void parcel.weight_grams;
const fromV2 = (v2: VersionedEventPayload<'warehouse.parcel_shipped', 2>): EventPayload<'warehouse.parcel_shipped'> => ({ ...v2, weight_grams: 0 });
const fromV1 = (v1: VersionedEventPayload<'warehouse.parcel_shipped', 1>): EventPayload<'warehouse.parcel_shipped'> => ({ ...v1, carrier: 'unknown', weight_grams: 0 });

// v1 is past its sunset: the upcaster for the live v2 is enough.
consumer.on('warehouse.parcel_shipped', bill, { 2: fromV2 });
// An upcaster for the version past its sunset may still be given (while its last events drain).
consumer.on('warehouse.parcel_shipped', bill, { 1: fromV1, 2: fromV2 });
events.on('warehouse.parcel_shipped', bill, { 2: fromV2 });

// @ts-expect-error — v2 is live (sunset 2027-12-31, after 2026-01-01): it must be upcast (Property '2' is missing)
consumer.on('warehouse.parcel_shipped', bill, { 1: fromV1 });
// @ts-expect-error — no upcasters at all while v2 is live (Expected 3 arguments)
consumer.on('warehouse.parcel_shipped', bill);
// @ts-expect-error — an upcaster for a version past its sunset is still typed by that version
consumer.on('warehouse.parcel_shipped', bill, { 1: (v1) => v1, 2: fromV2 });

// bin_moved's only older version is past its sunset: the upcasters are optional.
consumer.on('warehouse.bin_moved', (moved) => void moved.aisle);
consumer.on('warehouse.bin_moved', (moved) => void moved.aisle, { 1: (v1) => ({ ...v1, aisle: 'unknown' }) });
// @ts-expect-error — an upcaster must still return the latest payload
consumer.on('warehouse.bin_moved', (moved) => void moved.aisle, { 1: (v1) => v1 });

// What the generation judged past its sunset, as a type.
const past: SunsetVersions = { 'warehouse.bin_moved': 1, 'warehouse.parcel_shipped': 1 };
void past;

// The reply-only service sends its command and reads replies from the request: it has no consumer
// (and no subscription: test/unit/reply-topology.test.ts).
const shop = shopService.createShopService({ transport });
// @ts-expect-error — shop-service consumes nothing from a subscription
void shop.consumer;
export async function reserve(): Promise<number> {
  const reply = await shop.publisher.reserveStock({ sku: 'FLOUR', quantity: 3 });
  return reply.type === 'warehouse.stock_unavailable' ? reply.data.available : reply.data.reservation_id.length;
}

// The replier answers with a declared reply, and with nothing else.
warehouseService.createWarehouseService({ transport }).consumer.on('warehouse.reserve_stock', async (request, ctx) => {
  await ctx.reply('warehouse.stock_unavailable', 1, { sku: request.sku, available: 0 });
  // @ts-expect-error — parcel_shipped is not a reply to reserve_stock
  await ctx.reply('warehouse.parcel_shipped', 3, { parcel_id: 'p', carrier: 'c', weight_grams: 1 });
});
