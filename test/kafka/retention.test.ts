/**
 * Retention: records a group had not read yet are deleted (retention.ms, or DeleteRecords here, which
 * moves the partition's start the same way). The group's committed position then points below the
 * first record the broker holds and every fetch answers OFFSET_OUT_OF_RANGE. The consumer moves on
 * from the earliest record still there (`offsetReset`, default 'earliest'), says how many records it
 * skipped in a warning, and counts them in its health and its metrics.
 */
import { Admin } from '@platformatic/kafka';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import type { LogEntry } from '../../runtime/index.js';
import { KAFKA_BROKERS, RawKafka } from '../integration/support/kafka.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { connectKafka } from './support/faults.js';

const fixture = makeFixture('kafka-retention');
const topic = `${fixture.prefix}.topic`;
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

describe('Kafka: records deleted by retention before the group read them', () => {
  it('the consumer continues from the earliest remaining record, warns with the partition and the records lost, and counts them in health and metrics', { timeout: 60_000 }, async () => {
    const ops = await connectKafka({ clientId: 'es-test-retention-ops' });
    closers.push(() => ops.close({ timeoutMs: 2000 }));
    await ops.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: ops, registry: fixture.registry, source: 'urn:test:retention-producer', ownsTransport: false });
    const published: string[] = [];
    for (let i = 0; i < 10; i++) published.push((await producer.publish('test.order_shipped', 1, { text: `record-${i}` })).id);

    // The group has read the first two records; then retention takes everything below offset 6.
    await ops.replay(fixture.queue.name, { offsets: { 0: 2n } });
    const admin = new Admin({ clientId: 'es-test-retention-admin', bootstrapBrokers: KAFKA_BROKERS, timeout: 10_000 });
    closers.push(() => admin.close());
    const deleted = await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 6n }] }] });
    expect(deleted[0]?.partitions[0]?.lowWatermark).toBe(6n);

    const logs: LogEntry[] = [];
    const transport = await connectKafka({ clientId: 'es-test-retention-consumer', logger: (entry) => void logs.push(entry) });
    await transport.declareTopology(fixture.topology);
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const meterProvider = new MeterProvider({ readers: [reader] });
    closers.push(() => meterProvider.shutdown());
    const consumer = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:retention-consumer', telemetry: { meterProvider } });
    closers.push(() => consumer.close({ timeoutMs: 2000 }));
    const handled: string[] = [];
    consumer.on('test.order_shipped', 1, (_data, ctx) => void handled.push(ctx.envelope.id));
    await consumer.consume(fixture.queue.name);

    await waitFor(() => handled.length >= 4, 20_000, 'the records left after retention handled');
    expect(handled).toEqual(published.slice(6));
    const warning = logs.find((entry) => entry.event === 'kafka.consumer.offset_reset');
    expect(warning).toMatchObject({ level: 'warn', subscription: fixture.queue.name, partition: `${topic}:0`, from: '2', to: '6', skipped: 4, reset: 'earliest' });
    expect(transport.health().details?.skipped).toEqual({ [fixture.queue.name]: { [`${topic}:0`]: 4 } });
    expect(transport.health().consumers).toEqual([expect.objectContaining({ subscription: fixture.queue.name, skipped: 4 })]);
    await reader.forceFlush();
    const points = exporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics.filter((metric) => metric.descriptor.name === 'eventsmith.consumer.skipped').flatMap((metric) => metric.dataPoints as Array<DataPoint<unknown>>)));
    expect(points.map((point) => [point.attributes['messaging.consumer.group.name'], point.value])).toEqual([[fixture.queue.name, 4]]);

    // Nothing more arrives, and the group's position follows what was handled.
    const more = (await producer.publish('test.order_shipped', 1, { text: 'after' })).id;
    await waitFor(() => handled.includes(more), 20_000, 'a record published after the reset handled');
    expect(handled).toEqual([...published.slice(6), more]);
  });
});
