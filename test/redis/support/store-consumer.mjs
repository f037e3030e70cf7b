// A consumer process sharing a RedisIdempotencyStore with its siblings, for
// test/redis/idempotency.processes.test.ts: it consumes one RabbitMQ queue and appends the id of
// each event its handler ran for to the effects file. Prints `ready` when consuming; stops on SIGTERM.
// argv: <amqp url> <subscription-spec-json> <exchange> <destination-prefix> <effects-file> <key-prefix>
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { EventClient } from '../../../dist/runtime/index.js';
import { AmqpTransport } from '../../../dist/runtime/amqp/index.js';
import { RedisIdempotencyStore } from '../../../dist/runtime/redis/index.js';

const [url, subscriptionJson, exchange, prefix, effects, keyPrefix] = process.argv.slice(2);
const subscription = JSON.parse(subscriptionJson);
const registry = [{ type: 'test.order_shipped', version: 1, kind: 'business', urgency: 'medium', destination: `${prefix}.test.order_shipped`, bindings: { amqp: { exchange } }, schema: z.object({ text: z.string() }) }];

const store = await RedisIdempotencyStore.connect({ url: process.env.REDIS_URL, keyPrefix, leaseMs: 5000 });
const transport = await AmqpTransport.connect({ url, connectionName: `store-consumer-${process.pid}` });
await transport.declareTopology({ subscriptions: [subscription] });
const client = new EventClient({ transport, registry, source: 'urn:test:store-consumer', idempotencyStore: store });
client.on('test.order_shipped', 1, async (_data, ctx) => {
  await sleep(5);
  appendFileSync(effects, `${ctx.envelope.id} ${process.pid}\n`);
});
await client.consume(subscription.name, { prefetch: 20 });
process.stdout.write('ready\n');

process.on('SIGTERM', async () => {
  await client.close({ timeoutMs: 5000 });
  await store.close();
  process.stdout.write(`${JSON.stringify(client.metrics())}\n`);
  process.exit(0);
});
