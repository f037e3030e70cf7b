/**
 * Example: the production service. Consumes stock arrivals and low-stock alerts from its queue,
 * and answers `production.schedule_batch` commands with a typed reply. Runs until SIGINT/SIGTERM.
 *
 *   npm run example:production
 */
import { randomUUID } from 'node:crypto';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { productionService } from '../generated/index.js';
import { log, onShutdown, runtimeLogger, stockAddedFromV1 } from './shared.js';

const SERVICE = 'production-service';
const transport = await AmqpTransport.connect({ connectionName: SERVICE, logger: runtimeLogger(SERVICE) });
const { events, consumer } = productionService.createProductionService({ transport, logger: runtimeLogger(SERVICE) });

let booked = 0;

consumer
  .on('inventory.stock_added', (stock, ctx) => {
    log(SERVICE, 'stock_added', { id: ctx.envelope.id, ingredient: stock.ingredient_id, quantity: stock.quantity.value, unit: stock.quantity.unit });
  }, { 1: stockAddedFromV1 })
  .on('inventory.low_stock_alert', (alert, ctx) => {
    log(SERVICE, 'low_stock_alert', { id: ctx.envelope.id, ingredient: alert.ingredient_id, urgency: ctx.envelope.urgency });
  })
  .on('production.schedule_batch', async (request, ctx) => {
    // A line holds three batches; after that, requests are rejected until the service restarts.
    if (booked < 3) {
      booked++;
      await ctx.reply('production.batch_scheduled', 1, {
        tenant_id: request.tenant_id,
        request_id: request.request_id,
        batch_id: randomUUID(),
        production_line: `line-${booked}`,
        scheduled_start: new Date(Date.now() + 3_600_000).toISOString(),
      });
      log(SERVICE, 'schedule_batch.accepted', { request: request.request_id, line: booked });
    } else {
      await ctx.reply('production.batch_rejected', 1, { tenant_id: request.tenant_id, request_id: request.request_id, reason: 'no_capacity' });
      log(SERVICE, 'schedule_batch.rejected', { request: request.request_id });
    }
  });

await consumer.start();
log(SERVICE, 'ready', { health: events.health().status });
onShutdown(SERVICE, () => events.close({ timeoutMs: 5000 }));
