// A consumer process for test/kafka/consumer-kill.test.ts, which kills it with SIGKILL while its
// handlers run. It uses the built runtime as a service would (`eventsmith/runtime`,
// `eventsmith/runtime/kafka`) and reports on stdout, one line each (a pipe: written synchronously,
// so a line is out before the next step):
//   assigned <json>   the partitions this member holds (after every change)
//   start <id>        the handler began
//   done <id>         the handler finished (the commit follows; a kill may land in between)
// Input: ES_KILL_SPEC, JSON { brokers, queue (SubscriptionSpec), destination, bindings, prefetch, delayMs, sessionTimeoutMs }.
import { EventClient } from 'eventsmith/runtime';
import { KafkaTransport } from 'eventsmith/runtime/kafka';
import { z } from 'eventsmith/zod';

const spec = JSON.parse(process.env.ES_KILL_SPEC ?? 'null');
if (spec === null) {
  process.stderr.write('ES_KILL_SPEC is not set\n');
  process.exit(2);
}

// Never outlive the test: exit when the parent goes away (stdin closes) or after a minute.
process.stdin.on('end', () => process.exit(4));
process.stdin.resume();
setTimeout(() => process.exit(3), 60_000).unref();

const Note = z.object({ text: z.string() });
const registry = [{ type: 'test.order_shipped', version: 1, kind: 'business', urgency: 'medium', destination: spec.destination, bindings: spec.bindings, validate: (data) => Note.safeParse(data) }];

const transport = await KafkaTransport.connect({ brokers: spec.brokers, clientId: `es-test-kill-${process.pid}`, sessionTimeoutMs: spec.sessionTimeoutMs, heartbeatIntervalMs: 500 });
await transport.declareTopology({ subscriptions: [spec.queue] });
const client = new EventClient({ transport, registry, source: 'urn:test:kill-consumer' });
client.on('test.order_shipped', 1, async (_data, ctx) => {
  process.stdout.write(`start ${ctx.envelope.id}\n`);
  await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
  process.stdout.write(`done ${ctx.envelope.id}\n`);
});
await client.consume(spec.queue.name, { prefetch: spec.prefetch });
let last = '';
setInterval(() => {
  const assigned = JSON.stringify(transport.health().details.assignments[spec.queue.name] ?? []);
  if (assigned !== last) process.stdout.write(`assigned ${assigned}\n`);
  last = assigned;
}, 20);
