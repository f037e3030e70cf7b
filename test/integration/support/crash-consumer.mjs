// A consumer in a process of its own, for test/integration/consumer-crash.test.ts: the test kills it
// with SIGKILL mid-batch. It uses the built runtime exactly as a service would (`eventsmith/runtime`,
// resolved through the package's own exports) and reports on stdout, one line each:
//   ready                       consuming
//   start <id> <redelivered>    the handler began
//   done <id> <redelivered>     the handler finished (the ack follows; a kill may land in between)
// stdout is a pipe, which Node writes synchronously on Linux, so a line is out before the next step.
// Input: ES_CRASH_SPEC, JSON { url, queue (SubscriptionSpec), exchange, destination, prefetch, delayMs }.
import { EventClient } from 'eventsmith/runtime';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { z } from 'eventsmith/zod';

const spec = JSON.parse(process.env.ES_CRASH_SPEC ?? 'null');
if (spec === null) {
  process.stderr.write('ES_CRASH_SPEC is not set\n');
  process.exit(2);
}

// Never outlive the test: exit when the parent goes away (stdin closes) or after a minute.
process.stdin.on('end', () => process.exit(4));
process.stdin.resume();
setTimeout(() => process.exit(3), 60_000).unref();

const Note = z.object({ text: z.string() });
const registry = [
  {
    type: 'test.order_shipped',
    version: 1,
    kind: 'business',
    urgency: 'medium',
    destination: spec.destination,
    bindings: { amqp: { exchange: spec.exchange } },
    validate: (data) => Note.safeParse(data),
  },
];

const transport = await AmqpTransport.connect({ url: spec.url, connectionName: `eventsmith-crash-consumer-${process.pid}`, connectTimeoutMs: 10_000 });
await transport.declareTopology({ subscriptions: [spec.queue] });
const client = new EventClient({ transport, registry, source: 'urn:test:crash-consumer' });
client.on('test.order_shipped', 1, async (_data, ctx) => {
  process.stdout.write(`start ${ctx.envelope.id} ${ctx.redelivered ? 1 : 0}\n`);
  await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
  process.stdout.write(`done ${ctx.envelope.id} ${ctx.redelivered ? 1 : 0}\n`);
});
await client.consume(spec.queue.name, { prefetch: spec.prefetch });
process.stdout.write('ready\n');
