/**
 * Example: the inventory service. Every two seconds it books a goods receipt (stock added); every
 * third round the stock falls low and it raises an alert and asks production to schedule a batch,
 * waiting for the typed reply. `--once` runs one full round (receipt, alert, request) and exits.
 *
 *   npm run example:inventory            (add -- --once for a single round)
 */
import { randomUUID } from 'node:crypto';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { inventoryService } from '../generated/index.js';
import { log, onShutdown, runtimeLogger } from './shared.js';

const SERVICE = 'inventory-service';
const TENANT = 'acme-bakery';
const FLOUR = '6eb6825f-5cc6-4c40-836d-f8d95f95bfa4';
const LOCATION = 'b7e3a0f4-1a6c-4c0e-9f55-3f2d8f6f0c11';
const DOUGH = '7a011418-4f94-4adb-9234-735da060f6a4';
const once = process.argv.includes('--once');

const transport = await AmqpTransport.connect({ connectionName: SERVICE, logger: runtimeLogger(SERVICE) });
const { events, publisher } = inventoryService.createInventoryService({ transport, logger: runtimeLogger(SERVICE) });
await events.start();

async function round(n: number): Promise<void> {
  const now = new Date().toISOString();
  const receipt = await publisher.stockAdded({
    tenant_id: TENANT,
    ingredient_id: FLOUR,
    location_id: LOCATION,
    quantity: { value: 25, unit: 'kg' },
    source: 'purchase_order',
    received_at: now,
  });
  log(SERVICE, 'stock_added.confirmed', { id: receipt.id, round: n });
  if (!once && n % 3 !== 0) return;

  const alert = await publisher.lowStockAlert(
    { tenant_id: TENANT, ingredient_id: FLOUR, location_id: LOCATION, on_hand: { value: 12.5, unit: 'kg' }, reorder_point: { value: 40, unit: 'kg' }, detected_at: now },
    { severity: n % 2 === 0 ? 'urgent' : 'high' },
  );
  log(SERVICE, 'low_stock_alert.confirmed', { id: alert.id, urgency: alert.urgency });

  const reply = await publisher.scheduleBatch(
    { tenant_id: TENANT, request_id: randomUUID(), product_id: DOUGH, quantity: { value: 40, unit: 'kg' }, needed_by: new Date(Date.now() + 86_400_000).toISOString(), reason: 'low_stock' },
    { timeoutMs: 5000 },
  );
  // One of the replies the catalogue declares for the command; its type tells which payload it carries.
  if (reply.type === 'production.batch_scheduled') log(SERVICE, 'schedule_batch.reply', { type: reply.type, line: reply.data.production_line, start: reply.data.scheduled_start });
  else log(SERVICE, 'schedule_batch.reply', { type: reply.type, reason: reply.data.reason });
}

if (once) {
  await round(1);
  await events.close({ timeoutMs: 5000 });
  log(SERVICE, 'stopped');
} else {
  let n = 0;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = round(++n).catch((error: unknown) => log(SERVICE, 'round.failed', { error: String(error) }));
  }, 2000);
  log(SERVICE, 'ready');
  onShutdown(SERVICE, async () => {
    clearInterval(timer);
    await running;
    await events.close({ timeoutMs: 5000 });
  });
}
