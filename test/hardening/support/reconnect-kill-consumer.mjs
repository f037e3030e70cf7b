// A consumer process for the reconnect-kill test: the default idempotency store (in memory), slow
// handlers, a prefetch large enough to hold the whole queue in flight. Each handler that runs to
// completion appends its event id to a file (the handler's side effect). Whenever something
// changes it prints one status line, `status {json}`, so the parent can tell when every handler is
// running, when the transport has reconnected and when the broker has redelivered the messages of
// the dead channel to the new one; the parent then kills it with SIGKILL.
// argv: <url> <subscription-spec-json> <registry-exchange> <destination-prefix> <completions-file> <handler-ms> <prefetch>
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { EventClient } from '../../../dist/runtime/index.js';
import { AmqpTransport } from '../../../dist/runtime/amqp/index.js';

const [url, queueJson, exchange, prefix, completions, handlerMsText, prefetchText] = process.argv.slice(2);
const queue = JSON.parse(queueJson);
const handlerMs = Number(handlerMsText);

const counts = { delivered: 0, redelivered: 0, started: 0, completed: 0 };
const transport = await AmqpTransport.connect({ url, connectionName: `reconnect-kill-consumer-${process.pid}`, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } });
await transport.declareTopology({ subscriptions: [queue] });
// Counts what the broker hands over before the client decides anything about it.
const counting = {
  name: transport.name,
  declareTopology: (spec) => transport.declareTopology(spec),
  publish: (envelope, target) => transport.publish(envelope, target),
  request: (envelope, target, options) => transport.request(envelope, target, options),
  subscribe: (spec, handler) =>
    transport.subscribe(spec, (message) => {
      if (message.redelivered) counts.redelivered++;
      else counts.delivered++;
      return handler(message);
    }),
  health: () => transport.health(),
  close: (options) => transport.close(options),
};
const registry = [{ type: 'test.order_shipped', version: 1, kind: 'business', urgency: 'medium', destination: `${prefix}.test.order_shipped`, bindings: { amqp: { exchange } }, schema: z.object({ text: z.string() }) }];
// No idempotencyStore: the client's default, a MemoryIdempotencyStore.
const client = new EventClient({ transport: counting, registry, source: 'urn:test:reconnect-kill-consumer' });
client.on('test.order_shipped', 1, async (_data, ctx) => {
  counts.started++;
  await sleep(handlerMs);
  appendFileSync(completions, `${ctx.envelope.id}\n`);
  counts.completed++;
});
await client.consume(queue.name, { prefetch: Number(prefetchText) });

let last = '';
const report = () => {
  const health = transport.health();
  const line = JSON.stringify({ ...counts, reconnects: health.reconnects, status: health.status, inFlight: health.consumers[0]?.inFlight ?? 0, metrics: client.metrics() });
  if (line !== last) process.stdout.write(`status ${line}\n`);
  last = line;
};
process.stdout.write('ready\n');
setInterval(report, 20);
