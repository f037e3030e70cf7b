// A consumer process on the Redis transport for test/redis/durability.serial.test.ts. Prints
// `ready` when consuming and `started <id>` when a handler begins; appends `<id>` to the effects
// file when a handler completes. Killed by the test with SIGKILL.
// argv: <redis url> <subscription-spec-json> <stream> <destination-prefix> <effects-file> <handler-ms> <prefetch> <claim-idle-ms>
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { EventClient } from '../../../dist/runtime/index.js';
import { RedisTransport } from '../../../dist/runtime/redis/index.js';

const [url, subscriptionJson, stream, prefix, effects, handlerMs, prefetch, claimIdleMs] = process.argv.slice(2);
const subscription = JSON.parse(subscriptionJson);
const registry = [{ type: 'test.order_shipped', version: 1, kind: 'business', urgency: 'medium', destination: `${prefix}.test.order_shipped`, bindings: { redis: { stream } }, schema: z.object({ text: z.string() }) }];
const transport = await RedisTransport.connect({ url, connectionName: `fault-consumer-${process.pid}`, claimIdleMs: Number(claimIdleMs) });
await transport.declareTopology({ subscriptions: [subscription] });
const client = new EventClient({ transport, registry, source: 'urn:test:fault-consumer' });
client.on('test.order_shipped', 1, async (_data, ctx) => {
  process.stdout.write(`started ${ctx.envelope.id}\n`);
  await sleep(Number(handlerMs));
  appendFileSync(effects, `${ctx.envelope.id}\n`);
});
await client.consume(subscription.name, { prefetch: Number(prefetch) });
process.stdout.write('ready\n');
setInterval(() => {
  const health = transport.health();
  process.stdout.write(`health ${JSON.stringify({ status: health.status, reconnects: health.reconnects })}\n`);
}, 100).unref();
// Outlive nothing: the test kills this process; a minute is the hard stop.
setTimeout(() => process.exit(3), 60_000).unref();
