/**
 * What both example services share: a JSON-lines logger, and shutdown on SIGINT / SIGTERM that
 * stops taking messages, lets running handlers finish, then closes the connection.
 */
import { NonRetryableError, type LogEntry } from 'eventsmith/runtime';
import { UnitOfMeasureSchema, type InventoryStockAddedV1, type InventoryStockAddedV2 } from '../generated/index.js';

export function log(service: string, event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ service, event, ...fields })}\n`);
}

/** The runtime's own log events (connection, reconnects, dead letters) at info and above. */
export function runtimeLogger(service: string): (entry: LogEntry) => void {
  return (entry) => {
    if (entry.level !== 'debug') log(service, `runtime.${entry.event}`, { level: entry.level });
  };
}

export function onShutdown(service: string, close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    log(service, 'shutdown', { signal });
    close().then(
      () => {
        log(service, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log(service, 'shutdown.failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** v1 of inventory.stock_added had no location; an arrival upcast from it is booked here. */
export const UNKNOWN_LOCATION = '00000000-0000-4000-8000-000000000000';

/**
 * inventory.stock_added v1 → v2, for consumers that handle the latest version while producers may
 * still send v1: v1 was one goods receipt line with a bare number and a free-text unit.
 */
export function stockAddedFromV1(v1: InventoryStockAddedV1): InventoryStockAddedV2 {
  const unit = UnitOfMeasureSchema.safeParse(v1.unit);
  // A unit v2 cannot express would be booked wrongly: dead-letter the event for a person to look at.
  if (!unit.success) throw new NonRetryableError(`inventory.stock_added v1 has unit '${v1.unit}', which v2 has no unit for`);
  const upcast: InventoryStockAddedV2 = { tenant_id: v1.tenant_id, ingredient_id: v1.ingredient_id, location_id: UNKNOWN_LOCATION, quantity: { value: v1.quantity, unit: unit.data }, source: 'purchase_order', received_at: v1.received_at };
  if (v1.lot_number !== undefined && v1.lot_number !== '') upcast.lot_number = v1.lot_number;
  return upcast;
}
