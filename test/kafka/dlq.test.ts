/**
 * `eventsmith dlq inspect|replay --transport kafka` against the local broker: a subscription's dead
 * letters are counted by reason and type without being taken, and replayed to the topic they came
 * from (handled again, successfully) or onto the subscription's own retry topic; what replay leaves
 * behind is still there for the next inspection, and nothing is replayed twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEnvelope, EventClient } from '../../runtime/index.js';
import { KafkaTransport } from '../../runtime/kafka/index.js';
import { runCli } from '../helpers/cli.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { KAFKA_BROKERS, RawKafka } from '../integration/support/kafka.js';

const fixtures: Fixture[] = [];
const kafka = new RawKafka();
const BOOTSTRAP = KAFKA_BROKERS.join(',');

afterAll(async () => {
  for (const fixture of fixtures) {
    await kafka.deleteTopology(fixture.topology);
    await kafka.deleteGroups([`${kafka.names.deadLetters(fixture.queue.name)}.replay`]);
  }
  await kafka.close();
});

async function consumerWithDeadLetters(label: string) {
  const fixture = makeFixture(label, { maxAttempts: 1 });
  fixtures.push(fixture);
  const transport = await KafkaTransport.connect({ brokers: KAFKA_BROKERS, clientId: 'es-test-dlq' });
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:dlq' });
  let healthy = false;
  const handled: string[] = [];
  client.on('test.order_shipped', (data) => {
    if (!healthy) throw new Error('downstream is down');
    handled.push(data.text);
  });
  await client.consume(fixture.queue.name);
  for (const text of ['a', 'b', 'c']) await client.publish('test.order_shipped', 1, { text });
  const topic = `${fixture.prefix}.topic`;
  await kafka.produce(topic, 'not json');
  await kafka.produce(topic, JSON.stringify(createEnvelope({ type: 'test.nobody', version: 1, source: 'urn:x', data: {} })));
  const dlq = kafka.names.deadLetters(fixture.queue.name);
  await waitFor(async () => (await kafka.read(dlq, 5, 2000)).length === 5, 15_000, 'five dead letters');
  return { fixture, client, dlq, handled, heal: () => (healthy = true) };
}

interface Report {
  total: number;
  byReason: Record<string, number>;
  byType: Record<string, number>;
  samples: Array<{ origin?: { exchange: string } }>;
}

async function inspect(dlq: string): Promise<Report> {
  const result = await runCli(['dlq', 'inspect', '--transport', 'kafka', '--url', BOOTSTRAP, '--queue', dlq, '--json'], process.cwd());
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

describe('eventsmith dlq on Kafka', () => {
  it('inspects a dead-letter topic by reason and type, leaving it as it was', async () => {
    const { client, dlq, fixture } = await consumerWithDeadLetters('kdlq-inspect');
    const report = await inspect(dlq);
    expect(report.total).toBe(5);
    expect(report.byReason).toEqual({ 'max-attempts-exceeded': 3, 'invalid-json': 1, 'unknown-type': 1 });
    expect(report.byType).toMatchObject({ 'test.order_shipped': 3, 'test.nobody': 1 });
    expect(report.samples.find((sample) => sample.origin !== undefined)?.origin?.exchange).toBe(`${fixture.prefix}.topic`);
    expect((await inspect(dlq)).total).toBe(5);
    await client.close();
  }, 60_000);

  it('replays one event type to the topic it came from, where it is handled again; the rest stays for later', async () => {
    const { client, dlq, handled, heal } = await consumerWithDeadLetters('kdlq-replay');
    heal();
    const result = await runCli(['dlq', 'replay', '--transport', 'kafka', '--url', BOOTSTRAP, '--queue', dlq, '--event', 'test.order_shipped'], process.cwd());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/replayed 3 of 5/);
    await waitFor(() => handled.length === 3, 15_000, 'replayed events handled');
    expect(handled.sort()).toEqual(['a', 'b', 'c']);
    const after = await inspect(dlq);
    expect(after.byReason).toEqual({ 'invalid-json': 1, 'unknown-type': 1 });
    // A second replay of the same type finds nothing left to move.
    const again = await runCli(['dlq', 'replay', '--transport', 'kafka', '--url', BOOTSTRAP, '--queue', dlq, '--event', 'test.order_shipped'], process.cwd());
    expect(again.stdout).toMatch(/replayed 0 of 2/);
    await client.close();
  }, 60_000);

  it('replays onto the subscription that dead-lettered them with --to-queue', async () => {
    const { client, dlq, handled, heal } = await consumerWithDeadLetters('kdlq-to-queue');
    heal();
    const result = await runCli(['dlq', 'replay', '--transport', 'kafka', '--url', BOOTSTRAP, '--queue', dlq, '--event', 'test.order_shipped', '--to-queue', '--limit', '2'], process.cwd());
    expect(result.code, result.stderr).toBe(0);
    await waitFor(() => handled.length === 2, 15_000, 'replayed events handled');
    expect((await inspect(dlq)).total).toBe(3);
    await client.close();
  }, 60_000);

  it('names a dead-letter topic that does not exist, without a stack trace', async () => {
    const result = await runCli(['dlq', 'inspect', '--transport', 'kafka', '--url', BOOTSTRAP, '--queue', 'es-test.no-such-subscription-dlq'], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/topic 'es-test\.no-such-subscription-dlq' does not exist/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
