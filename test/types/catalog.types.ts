/**
 * Type tests for the generated code of this repository's catalogue. Checked by `npm run typecheck`
 * and by test/golden/compile.test.ts: each `@ts-expect-error` must meet an error, so a change that
 * made these mistakes compile would fail.
 */
import {
  EVENT_REGISTRY,
  EVENT_TYPES,
  getEventDefinition,
  isValidEvent,
  parseEvent,
  parseEventVersion,
  type EventPayload,
  type EventType,
  type EventVersion,
  type InventoryEventType,
  type InventoryStockAddedV1,
  type VersionedEventPayload,
} from '../../generated/index.js';

export const stockAdded: EventType = EVENT_TYPES.INVENTORY.STOCK_ADDED;
export const inventoryType: InventoryEventType = 'inventory.low_stock_alert';

// @ts-expect-error — a misspelled event type is not an EventType
export const misspelled: EventType = 'inventory.stok_added';

// @ts-expect-error — an event of another domain is not an inventory event
export const wrongDomain: InventoryEventType = 'product.created';

// @ts-expect-error — a misspelled constant does not exist
export const missingConstant = EVENT_TYPES.INVENTORY.STOK_ADDED;

declare const body: unknown;

export function latest(): string {
  const payload = parseEvent(EVENT_TYPES.INVENTORY.STOCK_ADDED, body);
  // v2 replaced the numeric quantity by an object with a unit.
  const unit: string = payload.quantity.unit;
  // @ts-expect-error — v2 has no declared top-level `unit` (an open model types unknown fields as unknown)
  const old: string = payload.unit;
  void old;
  return unit;
}

export function versioned(): number {
  const v1: InventoryStockAddedV1 = parseEventVersion(EVENT_TYPES.INVENTORY.STOCK_ADDED, 1, body);
  return v1.quantity;
}

// @ts-expect-error — version 3 of inventory.stock_added does not exist
parseEventVersion(EVENT_TYPES.INVENTORY.STOCK_ADDED, 3, body);

export const versions: EventVersion<'inventory.stock_added'>[] = [1, 2];

export function wrongPayload(p: EventPayload<'product.price_changed'>): VersionedEventPayload<'inventory.stock_added', 1> {
  // @ts-expect-error — a price change is not a v1 stock addition
  return p;
}

// @ts-expect-error — tenant_id is a string, not a number
export const badTenant: Pick<EventPayload<'order.created'>, 'tenant_id'> = { tenant_id: 42 };

// @ts-expect-error — the M-ERP tenant is company_id (x-tenant-field), a string, not a number
export const badCompany: Pick<EventPayload<'user.created'>, 'company_id'> = { company_id: 42 };

export const urgency: 'high' = EVENT_REGISTRY['product.price_changed'][1].urgency;
export const destination: 'business.product.deleted' = EVENT_REGISTRY['product.deleted'][1].destination;

// @ts-expect-error — registry entries speak the catalogue's words: no RabbitMQ routing key
export const routingKey: string = EVENT_REGISTRY['product.deleted'][1].routingKey;

export function guarded(data: unknown): number | undefined {
  // isValidEvent is a type guard: inside, data is a v1 stock addition.
  if (isValidEvent(EVENT_TYPES.INVENTORY.STOCK_ADDED, 1, data)) return data.quantity;
  return undefined;
}

// @ts-expect-error — version 3 of inventory.stock_added does not exist
isValidEvent(EVENT_TYPES.INVENTORY.STOCK_ADDED, 3, body);

export const definitionType: EventType | undefined = getEventDefinition('inventory.stock_added')?.type;
