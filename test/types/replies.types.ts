/**
 * Type tests: a command's handler replies only with the replies the catalogue declares for it, a
 * handler of any other event cannot reply, and the requester's result is a union narrowed by `type`.
 * Checked by `npm run typecheck` and test/golden/compile.test.ts: each `@ts-expect-error` must meet
 * an error.
 */
import { MemoryTransport } from '../../runtime/index.js';
import { inventoryService, productionService, type EventPayload, type ReplyEnvelope } from '../../generated/index.js';
import { courierService, warehouseService } from '../golden/sunset-and-replies/index.js';

const transport = new MemoryTransport();
const production = productionService.createProductionService({ transport });
const inventory = inventoryService.createInventoryService({ transport });

const scheduled = (request: EventPayload<'production.schedule_batch'>): EventPayload<'production.batch_scheduled'> => ({
  tenant_id: request.tenant_id,
  request_id: request.request_id,
  batch_id: '00000000-0000-4000-8000-000000000000',
  production_line: 'line-1',
  scheduled_start: '2025-03-11T02:00:00+01:00',
});

// production.schedule_batch declares production.batch_scheduled and production.batch_rejected: both compile.
production.consumer.on('production.schedule_batch', async (request, ctx) => {
  await ctx.reply('production.batch_scheduled', 1, scheduled(request));
  await ctx.reply('production.batch_rejected', 1, { tenant_id: request.tenant_id, request_id: request.request_id, reason: 'no_capacity' });
  // @ts-expect-error — user.token_validated is not a reply the catalogue declares for production.schedule_batch
  await ctx.reply('user.token_validated', 1, { company_id: 'c', request_id: request.request_id, user_id: 'u', session_id: 's', scopes: [], expires_at: '2025-03-12T08:58:10Z' });
  // @ts-expect-error — a declared reply type, at a version the catalogue does not declare
  await ctx.reply('production.batch_scheduled', 2, scheduled(request));
  // @ts-expect-error — a declared reply with another reply's payload
  await ctx.reply('production.batch_rejected', 1, scheduled(request));
});

// The same on the catalogue-wide facade, and for one explicit version.
production.events.on('production.schedule_batch', (request, ctx) => ctx.reply('production.batch_scheduled', 1, scheduled(request)).then(() => undefined));
production.events.onVersion('production.schedule_batch', 1, async (request, ctx) => {
  await ctx.reply('production.batch_rejected', 1, { tenant_id: request.tenant_id, request_id: request.request_id, reason: 'no_recipe' });
  // @ts-expect-error — not declared for this command
  await ctx.reply('inventory.reserved', 1, {} as EventPayload<'inventory.reserved'>);
});

// A handler of an event that is not a command has nothing to reply with.
production.consumer.on('inventory.low_stock_alert', async (alert, ctx) => {
  // @ts-expect-error — inventory.low_stock_alert is not a command: no reply is declared for it
  await ctx.reply('production.batch_scheduled', 1, { tenant_id: 't', request_id: alert.ingredient_id, batch_id: 'b', production_line: 'l', scheduled_start: 's' });
});

// The requester's result is a union told apart by `type`.
export async function requester(request: EventPayload<'production.schedule_batch'>): Promise<string> {
  const reply = await inventory.publisher.scheduleBatch(request);
  if (reply.type === 'production.batch_scheduled') return reply.data.production_line;
  // Narrowed by elimination: only the rejection is left.
  const rejected: 'production.batch_rejected' = reply.type;
  // @ts-expect-error — production_line is a string only in the other reply (here an unknown extra field)
  const line: string = reply.data.production_line;
  void line;
  return `${rejected}: ${reply.data.reason}`;
}

export async function facadeRequester(request: EventPayload<'production.schedule_batch'>): Promise<number> {
  const reply: ReplyEnvelope<'production.schedule_batch'> = await inventory.events.request('production.schedule_batch', request);
  switch (reply.type) {
    case 'production.batch_scheduled':
      return reply.data.batch_id.length;
    case 'production.batch_rejected':
      return reply.data.reason.length;
    default: {
      // Every declared reply is handled above: nothing else can arrive.
      const none: never = reply;
      return none;
    }
  }
}

export async function beforeNarrowing(request: EventPayload<'production.schedule_batch'>): Promise<void> {
  const reply = await inventory.publisher.scheduleBatch(request);
  // @ts-expect-error — before narrowing, the payload is either reply: batch_id is a string in one of them only
  const batch: string = reply.data.batch_id;
  // Fields both replies share are typed without narrowing.
  const request_id: string = reply.data.request_id;
  void [batch, request_id];
}

// AsyncAPI 2.6 has no operation `reply`: a command lists its replies in `x-replies`, with the same
// result (test/fixtures/catalogs/sunset-and-replies/courier.yaml).
const fixture = new MemoryTransport();
const courier = courierService.createCourierService({ transport: fixture });
courier.consumer.on('courier.book_pickup', async (booking, ctx) => {
  await ctx.reply('courier.pickup_refused', 1, { parcel_id: booking.parcel_id, reason: 'no van' });
  // @ts-expect-error — warehouse.stock_reserved answers another command
  await ctx.reply('warehouse.stock_reserved', 1, { sku: 's', reservation_id: 'r' });
});
export async function bookPickup(): Promise<string> {
  const reply = await warehouseService.createWarehouseService({ transport: fixture }).publisher.bookPickup({ parcel_id: 'P-1' });
  return reply.type === 'courier.pickup_booked' ? reply.data.pickup_at : reply.data.reason;
}
