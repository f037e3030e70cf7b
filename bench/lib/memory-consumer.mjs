/**
 * The consumer whose memory the memory benchmark watches: a generated production-service consumer
 * (validation, idempotency store with its default bound, ack) handling `inventory.stock_added`.
 * Prints one JSON line per `every` messages ({ n, rss, heapUsed, rssAfterGc, heapAfterGc }), then
 * exits after `total`.
 *
 *   node --expose-gc bench/lib/memory-consumer.mjs URL TOTAL EVERY WARMUP
 */
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { productionService } from '../../dist/generated/index.js';

const [url, totalArg, everyArg, warmupArg] = process.argv.slice(2);
const total = Number(totalArg);
const every = Number(everyArg);
const warmup = Number(warmupArg);
const transport = await AmqpTransport.connect({ url, connectionName: 'bench-memory-consumer' });
const service = productionService.createProductionService({ transport });
let handled = 0;
let finish;
const done = new Promise((resolve) => (finish = resolve));
service.consumer.on('inventory.stock_added', () => {
  handled++;
  if (handled % every === 0) {
    // RSS as the process runs (garbage V8 has not collected yet included), then after a full
    // collection: the resident memory the consumer actually keeps, and its live heap.
    const { rss, heapUsed } = process.memoryUsage();
    globalThis.gc();
    const collected = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ n: handled, rss, heapUsed, rssAfterGc: collected.rss, heapAfterGc: collected.heapUsed })}\n`);
  }
  if (handled === total) finish();
});
await service.consumer.start();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
await done;
await service.events.close({ timeoutMs: 5000 });
process.exit(0);
