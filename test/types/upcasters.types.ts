/**
 * Type tests: a consumer of an event whose older versions are still in the catalogue must upcast
 * them, or it does not compile (at run time they would be dead-lettered as unhandled). Checked by
 * `npm run typecheck` and test/golden/compile.test.ts: each `@ts-expect-error` must meet an error.
 */
import { MemoryTransport } from '../../runtime/index.js';
import { productionService, type EventPayload, type VersionedEventPayload } from '../../generated/index.js';

const { consumer, events } = productionService.createProductionService({ transport: new MemoryTransport() });
const book = (stock: EventPayload<'inventory.stock_added'>): void => void stock.quantity.value;
const fromV1 = (v1: VersionedEventPayload<'inventory.stock_added', 1>): EventPayload<'inventory.stock_added'> => ({
  tenant_id: v1.tenant_id,
  ingredient_id: v1.ingredient_id,
  location_id: '00000000-0000-4000-8000-000000000000',
  quantity: { value: v1.quantity, unit: 'kg' },
  source: 'purchase_order',
  received_at: v1.received_at,
});

// inventory.stock_added has versions 1 and 2: the latest handler plus an upcaster for v1 compiles.
consumer.on('inventory.stock_added', book, { 1: fromV1 });
// The upcaster's parameter is typed by the version it converts.
consumer.on('inventory.stock_added', book, { 1: (v1) => fromV1({ ...v1, quantity: v1.quantity * 1000 }) });
// The same on the catalogue-wide facade.
events.on('inventory.stock_added', book, { 1: fromV1 });

// @ts-expect-error — v1 is still in the catalogue and nothing upcasts it (Expected 3 arguments)
consumer.on('inventory.stock_added', book);
// @ts-expect-error — the upcasters leave out version 1 (Property '1' is missing)
consumer.on('inventory.stock_added', book, {});
// @ts-expect-error — an upcaster must return the latest version's payload
consumer.on('inventory.stock_added', book, { 1: (v1) => v1 });
// @ts-expect-error — the facade asks for the upcaster too
events.on('inventory.stock_added', book);

// An event with a single version takes no upcasters at all.
consumer.on('inventory.low_stock_alert', (alert) => void alert.ingredient_id);
// @ts-expect-error — there is no older version to upcast
consumer.on('inventory.low_stock_alert', (alert) => void alert.ingredient_id, {});
