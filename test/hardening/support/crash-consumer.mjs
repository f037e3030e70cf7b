// A consumer process for the consumer-kill test: handles events of a queue with a file-backed
// idempotency store, appends each handled id to an effects file (the handler's side effect), and
// can kill itself with SIGKILL at one chosen point of the n-th delivery:
//   after-complete  the handler ran and the store recorded completion; the ack was not sent yet
//   mid-handler     the id is claimed in the store; the handler has not done its work yet
// argv: <url> <queue-spec-json> <registry-exchange> <store-dir> <effects-file> <kill-mode|none> <kill-at>
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { EventClient } from '../../../dist/runtime/index.js';
import { AmqpTransport } from '../../../dist/runtime/amqp/index.js';
import { FileIdempotencyStore } from './file-idempotency-store.mjs';

const [url, queueJson, exchange, prefix, storeDir, effects, killMode, killAtText] = process.argv.slice(2);
const queue = JSON.parse(queueJson);
const killAt = Number(killAtText);
const die = () => process.kill(process.pid, 'SIGKILL');

let handled = 0;
const store = new FileIdempotencyStore(storeDir, {
  leaseMs: 1500,
  onCompleted: () => {
    if (killMode === 'after-complete' && handled === killAt) die();
  },
});
const transport = await AmqpTransport.connect({ url, connectionName: `crash-consumer-${process.pid}` });
await transport.declareTopology({ subscriptions: [queue] });
const registry = [{ type: 'test.order_shipped', version: 1, kind: 'business', urgency: 'medium', destination: `${prefix}.test.order_shipped`, bindings: { amqp: { exchange } }, schema: z.object({ text: z.string() }) }];
const client = new EventClient({ transport, registry, source: 'urn:test:crash-consumer', idempotencyStore: store });
client.on('test.order_shipped', 1, (_data, ctx) => {
  handled++;
  if (killMode === 'mid-handler' && handled === killAt) die();
  appendFileSync(effects, `${ctx.envelope.id} ${process.pid}\n`);
});
await client.consume(queue.name, { prefetch: 1 });
process.stdout.write('ready\n');
// The parent stops the survivor with SIGTERM once the queue is drained; report its counters.
process.on('SIGTERM', async () => {
  await client.close({ timeoutMs: 2000 });
  process.stdout.write(`${JSON.stringify({ handled, metrics: client.metrics() })}\n`);
  process.exit(0);
});
