/**
 * Per-key order across rebalances: members of one consumer group join and leave while keyed
 * events flow (KEYS keys × PER_KEY sequence numbers). For every key, a handler for sequence n may
 * start only once sequence n-1 was handled to completion (by any member): a copy handled twice is
 * allowed (a partition moved before its commit), a gap or an inversion is not. Every sequence
 * number of every key is handled at least once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient } from '../../runtime/index.js';
import { RawKafka } from '../integration/support/kafka.js';
import { sleep, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { connectKafka, partitionedFixture } from './support/faults.js';

const KEYS = 20;
const PER_KEY = 50;
const PARTITIONS = 6;

const fixture = partitionedFixture('kafka-rebalance', PARTITIONS);
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  const raw = new RawKafka();
  await raw.deleteTopology(fixture.topology);
  await raw.close();
});

interface Violation {
  member: string;
  key: string;
  seq: number;
  completedUpTo: number;
}

describe('Kafka: members joining and leaving while keyed events flow', () => {
  it('per-key order holds: sequence n is handled only after n-1 completed; every sequence handled', { timeout: 60_000 }, async () => {
    const producerTransport = await connectKafka({ clientId: 'es-test-rebalance-producer' });
    closers.push(() => producerTransport.close({ timeoutMs: 2000 }));
    await producerTransport.declareTopology(fixture.topology);
    const producer = new EventClient<TestEvents>({ transport: producerTransport, registry: fixture.registry, source: 'urn:test:rebalance-producer', ownsTransport: false });

    const completed = new Map<string, Set<number>>();
    const violations: Violation[] = [];
    const handledBy = new Map<string, number>();
    let handlerRuns = 0;
    const isCompleted = (key: string, seq: number) => completed.get(key)?.has(seq) ?? false;

    const members = new Map<string, EventClient<TestEvents>>();
    const join = async (member: string) => {
      const transport = await connectKafka({ clientId: `es-test-rebalance-${member}`, heartbeatIntervalMs: 300, sessionTimeoutMs: 6000 });
      await transport.declareTopology(fixture.topology);
      const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:rebalance-consumer' });
      closers.push(() => client.close({ timeoutMs: 2000 }));
      client.on('test.order_shipped', 1, async ({ text }) => {
        const [key = '', seqText = ''] = text.split(':');
        const seq = Number(seqText);
        handlerRuns++;
        if (seq > 0 && !isCompleted(key, seq - 1)) {
          const done = completed.get(key) ?? new Set<number>();
          violations.push({ member, key, seq, completedUpTo: Math.max(-1, ...done) });
        }
        // A little work, so that handlers are running whenever a partition moves.
        await sleep(Math.floor(Math.random() * 40));
        let done = completed.get(key);
        if (done === undefined) completed.set(key, (done = new Set()));
        done.add(seq);
        handledBy.set(member, (handledBy.get(member) ?? 0) + 1);
      });
      await client.consume(fixture.queue.name, { prefetch: 50 });
      members.set(member, client);
    };
    const leave = async (member: string) => {
      const client = members.get(member);
      members.delete(member);
      await client?.close({ timeoutMs: 10_000 });
    };

    await join('a');
    // Membership changes while the events flow: b and c join, a leaves, a' joins, b leaves.
    const churn: Record<number, () => Promise<void>> = {
      8: () => join('b'),
      16: () => join('c'),
      24: () => leave('a'),
      32: () => join('a2'),
      40: () => leave('b'),
    };
    const changes: Array<Promise<void>> = [];
    for (let seq = 0; seq < PER_KEY; seq++) {
      // Each key's sequence n is on the broker before its n+1 is sent.
      await Promise.all(Array.from({ length: KEYS }, (_, k) => producer.publish('test.order_shipped', 1, { text: `key-${k}:${seq}` }, { key: `key-${k}` })));
      const change = churn[seq];
      if (change !== undefined) changes.push(change());
      await sleep(100);
    }
    await Promise.all(changes);

    const missing = () => {
      const gaps: string[] = [];
      for (let k = 0; k < KEYS; k++) for (let seq = 0; seq < PER_KEY; seq++) if (!isCompleted(`key-${k}`, seq)) gaps.push(`key-${k}:${seq}`);
      return gaps;
    };
    await waitFor(() => missing().length === 0, 40_000, 'every sequence of every key handled');

    expect(violations.slice(0, 10)).toEqual([]);
    // The churn moved partitions: every member that came and went handled events.
    expect([...handledBy.keys()].sort()).toEqual(['a', 'a2', 'b', 'c']);
    console.info(`kafka rebalance order: ${KEYS * PER_KEY} events, ${handlerRuns} handler runs (${handlerRuns - KEYS * PER_KEY} again after a move); per member ${JSON.stringify(Object.fromEntries(handledBy))}`);
  });
});
