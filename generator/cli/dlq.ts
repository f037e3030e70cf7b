/**
 * `eventsmith dlq inspect|replay`: look into a dead-letter queue without disturbing it, and move
 * dead letters back once their cause is fixed, losing nothing if interrupted.
 */
import { parseArgs } from 'node:util';
import { redactText } from '../../runtime/amqp/redact.js';
import { brokerUrl, DlqError } from '../../runtime/amqp/dlq/broker.js';
import { formatInspectReport, inspectDeadLetters } from '../../runtime/amqp/dlq/inspect.js';
import { formatReplayReport, replayDeadLetters } from '../../runtime/amqp/dlq/replay.js';
import { inspectKafkaDeadLetters, replayKafkaDeadLetters } from '../../runtime/kafka/dlq.js';
import { inspectRedisDeadLetters, replayRedisDeadLetters } from '../../runtime/redis/dlq.js';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, type Command } from './command.js';

const HELP = `Usage: eventsmith dlq inspect --queue DLQ [--transport amqp|redis|kafka] [--url URL] [--samples N] [--json]
       eventsmith dlq replay  --queue DLQ [--transport amqp|redis|kafka] [--url URL] [--event TYPE] [--limit N] [--to-queue]

inspect  Counts the dead letters of a queue by reason and event type and shows samples. Reads
         every message without acknowledging it, then returns them all at once: nothing is lost
         or reordered (they are marked redelivered, and hidden from other consumers meanwhile).
replay   Moves dead letters back to the exchange and routing key they were first published with
         (headers x-eventsmith-original-exchange / -routing-key), one at a time, each removed
         from the dead-letter queue only after the broker confirmed the copy. Interrupted at any
         point, each message is in the dead-letter queue or back at its target (at most one in
         both; consumers deduplicate it by envelope id). Death headers are removed, so the
         message gets its full retries again; x-eventsmith-replayed counts replays.

On Redis (--transport redis) the dead letters of subscription S are the stream eventsmith:dlq:S:
inspect reads it without taking anything; replay appends each entry back to the stream it came
from (or, with --to-queue, to S's retry stream) and deletes it only after Redis accepted the copy.

On Kafka (--transport kafka) the dead letters of subscription S are the topic S-dlq. A topic cannot
be emptied: the consumer group S-dlq.replay marks how far replay went, and inspect and replay see
the dead letters after it. Replay publishes each back to its original topic (or, with --to-queue,
to S's first retry topic) and moves the mark past it once the broker acknowledged the copy; dead
letters it leaves behind (other event types, no origin) are appended again to the end of S-dlq.

Options:
  --queue DLQ     the dead-letter queue, e.g. billing-service.events.dlq, or on Redis the
                  dead-letter stream, e.g. eventsmith:dlq:billing-service.events      (required)
  --transport T   amqp (RabbitMQ), redis (Redis Streams) or kafka                    [default: amqp]
  --url URL       broker URL          [default: $RABBITMQ_URL or amqp://guest:guest@127.0.0.1:5672;
                                       on Redis $REDIS_URL or redis://127.0.0.1:6379; on Kafka
                                       host:port[,host:port…], $KAFKA_BOOTSTRAP or 127.0.0.1:19092]
  --samples N     inspect: samples shown per reason                                  [default: 3]
  --json          inspect: print the report as JSON
  --event TYPE    replay: only messages of this event type; the others stay in place
  --limit N       replay: at most N messages
  --to-queue      replay: onto the queue that dead-lettered each message (header
                  x-eventsmith-queue) instead of the original exchange, so that other services
                  bound to the same routing key do not receive it a second time
  -h, --help      show this help

Exit codes: 0 done, 1 replay left matching messages behind (no origin, unroutable), 2 usage or broker error.`;

export const dlqCommand: Command = {
  name: 'dlq',
  help: HELP,
  async run(argv, ctx) {
    const [action, ...rest] = argv;
    const { values } = parseArgs({
      args: rest,
      options: {
        queue: { type: 'string' },
        transport: { type: 'string', default: 'amqp' },
        url: { type: 'string' },
        samples: { type: 'string' },
        json: { type: 'boolean', default: false },
        event: { type: 'string' },
        limit: { type: 'string' },
        'to-queue': { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
    if (action !== 'inspect' && action !== 'replay') {
      ctx.err(`eventsmith: dlq needs an action, 'inspect' or 'replay'${action === undefined ? '' : `, not '${action}'`}\nRun 'eventsmith dlq --help' for usage.`);
      return EXIT_BAD_INPUT;
    }
    if (values.queue === undefined || values.queue === '') {
      ctx.err(`eventsmith: dlq ${action} needs --queue (the dead-letter queue, e.g. billing-service.events.dlq)`);
      return EXIT_BAD_INPUT;
    }
    if (values.transport !== 'amqp' && values.transport !== 'redis' && values.transport !== 'kafka') {
      ctx.err(`eventsmith: --transport must be 'amqp', 'redis' or 'kafka', not '${values.transport}'`);
      return EXIT_BAD_INPUT;
    }
    const redis = values.transport === 'redis';
    const kafka = values.transport === 'kafka';
    const url = redis ? (values.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : kafka ? (values.url ?? process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:19092') : brokerUrl(values.url);
    const brokers = url.split(',').map((address) => address.trim()).filter((address) => address.length > 0);
    try {
      if (action === 'inspect') {
        const samples = wholeNumber(values.samples, '--samples', 0);
        const options = { url, queue: values.queue, ...(samples === undefined ? {} : { samplesPerReason: samples }) };
        const report = redis ? await inspectRedisDeadLetters({ ...options, stream: values.queue }) : kafka ? await inspectKafkaDeadLetters({ ...options, brokers, topic: values.queue }) : await inspectDeadLetters(options);
        if (values.json) ctx.out(JSON.stringify(report, null, 2));
        else for (const line of formatInspectReport(report)) ctx.out(line);
        return EXIT_OK;
      }
      const limit = wholeNumber(values.limit, '--limit', 1);
      const options = { url, queue: values.queue, toQueue: values['to-queue'], ...(values.event === undefined ? {} : { event: values.event }), ...(limit === undefined ? {} : { limit }) };
      const report = redis ? await replayRedisDeadLetters({ ...options, stream: values.queue }) : kafka ? await replayKafkaDeadLetters({ ...options, brokers, topic: values.queue }) : await replayDeadLetters(options);
      for (const line of formatReplayReport(report, options)) ctx.out(line);
      return report.noOrigin + report.unroutable > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
    } catch (error) {
      if (error instanceof DlqError) {
        ctx.err(`eventsmith: ${error.message}`);
        return EXIT_BAD_INPUT;
      }
      // A broker-side failure mid-way (connection lost, access refused) is reported, not a crash.
      ctx.err(`eventsmith: dlq ${action} failed: ${redactText(error instanceof Error ? error.message : String(error), url)}`);
      return EXIT_BAD_INPUT;
    }
  },
};

function wholeNumber(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new DlqError(`${flag} must be a whole number of at least ${min}, got '${value}'`);
  return number;
}
