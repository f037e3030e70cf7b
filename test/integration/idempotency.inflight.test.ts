// Deduplication of an id whose handler is still running (no broker: the memory transport). A copy
// of it (a redelivery after a reconnect, a publisher re-send) must never be acked before that
// handler completed: the copy waits for its outcome, and runs the handler itself if it failed. A
// second client sharing the store gets 'in-progress' and retries.
import { describe, expect, it } from 'vitest';
import { EventClient, MemoryIdempotencyStore, MemoryTransport, type ClaimResult, type Decision, type IdempotencyStore, type Transport } from '../../runtime/index.js';
import { makeFixture, sleep, waitFor, type TestEvents } from './support/fixtures.js';

interface Settled {
  id: string;
  attempt: number;
  settlement: Decision;
  /** Handler runs that had finished successfully when this copy settled. */
  completedRuns: number;
}

/** Passes everything through; records each delivery's arrival and settlement. */
function observing(transport: Transport, log: { arrived: number; settled: Settled[] }, completedRuns: () => number): Transport {
  return {
    name: transport.name,
    declareTopology: (spec) => transport.declareTopology(spec),
    publish: (envelope, target) => transport.publish(envelope, target),
    request: (envelope, target, options) => transport.request(envelope, target, options),
    subscribe: (spec, handler) =>
      transport.subscribe(spec, async (message) => {
        log.arrived++;
        const settlement = await handler(message);
        log.settled.push({ id: settlement.envelopeId ?? '', attempt: message.attempt, settlement, completedRuns: completedRuns() });
        return settlement;
      }),
    health: () => transport.health(),
    close: (options) => transport.close(options),
  };
}

function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/**
 * The in-memory store behind answers that come later, like a shared store's over the network: the
 * dispatcher goes another way for a store that answers synchronously, and both must behave alike.
 */
class LaterStore implements IdempotencyStore {
  private readonly inner = new MemoryIdempotencyStore();
  claim(id: string): Promise<ClaimResult> {
    return later(() => this.inner.claim(id));
  }
  complete(id: string): Promise<void> {
    return later(() => this.inner.complete(id));
  }
  release(id: string): Promise<void> {
    return later(() => this.inner.release(id));
  }
}

function later<T>(answer: () => T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(answer()), 1));
}

const STORES: Array<[string, () => IdempotencyStore | undefined]> = [
  ['the default in-memory store (answers at once)', () => undefined],
  ['a store answering later', () => new LaterStore()],
];

async function setup(label: string, store: IdempotencyStore | undefined) {
  const fixture = makeFixture(label);
  const transport = new MemoryTransport();
  await transport.declareTopology(fixture.topology);
  const log = { arrived: 0, settled: [] as Settled[] };
  const runs = { started: 0, completed: 0, failed: 0, concurrent: 0, maxConcurrent: 0 };
  const client = new EventClient<TestEvents>({ transport: observing(transport, log, () => runs.completed), registry: fixture.registry, source: 'urn:test:inflight', ...(store === undefined ? {} : { idempotencyStore: store }) });
  const publishCopies = async (id: string, copies: number) => {
    for (let i = 0; i < copies; i++) await client.publish('test.order_shipped', 1, { text: id }, { id });
  };
  return { fixture, transport, log, runs, client, publishCopies };
}

describe.each(STORES)('a copy of an id whose handler is running, with %s', (_, makeStore) => {
  it('is not acked before the handler finished; then it is acked as a duplicate', async () => {
    const { fixture, log, runs, client, publishCopies, transport } = await setup('inflight-ok', makeStore());
    const handler = gate();
    client.on('test.order_shipped', 1, async () => {
      runs.started++;
      await handler.wait;
      runs.completed++;
    });
    await client.consume(fixture.queue.name, { prefetch: 10 });
    await publishCopies('evt-1', 2);
    await waitFor(() => log.arrived === 2 && runs.started === 1, 2000, 'both copies delivered, the handler running');
    await sleep(50);
    // Neither copy settled while the handler runs: the second did not get an ack as a "duplicate".
    expect(log.settled).toEqual([]);
    handler.open();
    await waitFor(() => log.settled.length === 2, 2000, 'both copies settled');
    expect(log.settled.map((s) => [s.settlement.settle, s.completedRuns])).toEqual([
      ['ack', 1],
      ['ack', 1],
    ]);
    expect(runs.started).toBe(1);
    expect(client.metrics()).toMatchObject({ consumed: 1, duplicates: 1, retried: 0, deadLettered: 0 });
    expect(transport.depth(fixture.queue.name)).toBe(0);
    await client.close();
  });

  it('runs the handler itself when the running handler failed, one copy at a time', async () => {
    const { fixture, log, runs, client, publishCopies, transport } = await setup('inflight-fail', makeStore());
    const first = gate();
    client.on('test.order_shipped', 1, async () => {
      runs.started++;
      runs.concurrent++;
      runs.maxConcurrent = Math.max(runs.maxConcurrent, runs.concurrent);
      try {
        if (runs.started === 1) {
          await first.wait;
          runs.failed++;
          throw new Error('first run fails');
        }
        await sleep(20);
        runs.completed++;
      } finally {
        runs.concurrent--;
      }
    });
    await client.consume(fixture.queue.name, { prefetch: 10 });
    await publishCopies('evt-2', 3);
    await waitFor(() => log.arrived === 3 && runs.started === 1, 2000, 'three copies delivered, the handler running');
    await sleep(50);
    expect(log.settled).toEqual([]);
    first.open();
    // The failed original is retried (memory retry delay 50 ms); one waiting copy runs the handler,
    // the other waits for that run and is acked as a duplicate; the retry finds the id completed.
    await waitFor(() => log.settled.length === 4, 3000, 'every copy and the retry settled');
    expect(runs).toMatchObject({ started: 2, failed: 1, completed: 1, maxConcurrent: 1 });
    const settled = log.settled.map((s) => `${s.settlement.settle}@${s.attempt} after ${s.completedRuns}`);
    expect(settled).toEqual(['retry@1 after 0', 'ack@1 after 1', 'ack@1 after 1', 'ack@2 after 1']);
    expect(client.metrics()).toMatchObject({ consumed: 1, duplicates: 2, retried: 1, deadLettered: 0 });
    expect(transport.deadLetters(fixture.queue.name)).toEqual([]);
    expect(transport.depth(fixture.queue.name)).toBe(0);
    await client.close();
  });
});

/** Claims at once, records a handler's end only once `recording` is open: the end is what is awaited. */
class RecordsLaterStore implements IdempotencyStore {
  private readonly inner = new MemoryIdempotencyStore();
  constructor(private readonly recording: Promise<void>) {}
  claim(id: string): ClaimResult {
    return this.inner.claim(id);
  }
  complete(id: string): Promise<void> {
    return this.recording.then(() => this.inner.complete(id));
  }
  release(id: string): Promise<void> {
    return this.recording.then(() => this.inner.release(id));
  }
}

describe('a copy of an id whose handler finished but whose end the store has not recorded yet', () => {
  it('waits for the record, then is acked as a duplicate: neither handled again nor retried', async () => {
    const recording = gate();
    const { fixture, log, runs, client, publishCopies, transport } = await setup('inflight-recording', new RecordsLaterStore(recording.wait));
    client.on('test.order_shipped', 1, () => {
      runs.started++;
      runs.completed++;
    });
    await client.consume(fixture.queue.name, { prefetch: 10 });
    await publishCopies('evt-4', 2);
    await waitFor(() => log.arrived === 2 && runs.completed === 1, 2000, 'both copies delivered, the handler done');
    await sleep(50);
    expect(log.settled).toEqual([]);
    recording.open();
    await waitFor(() => log.settled.length === 2, 2000, 'both copies settled');
    expect(log.settled.map((s) => s.settlement.settle)).toEqual(['ack', 'ack']);
    expect(runs.started).toBe(1);
    expect(client.metrics()).toMatchObject({ consumed: 1, duplicates: 1, retried: 0, deadLettered: 0 });
    expect(transport.depth(fixture.queue.name)).toBe(0);
    await client.close();
  });
});

describe('two clients sharing one MemoryIdempotencyStore', () => {
  it("the copy to the second client is retried ('in-progress') while the first runs the handler, never acked; then it is a duplicate", async () => {
    const fixture = makeFixture('inflight-shared', { maxAttempts: 5, baseDelayMs: 50 });
    const other = { ...fixture.queue, name: `${fixture.queue.name}.other` };
    const transport = new MemoryTransport();
    await transport.declareTopology({ ...fixture.topology, subscriptions: [fixture.queue, other] });
    const store = new MemoryIdempotencyStore();
    const log = { arrived: 0, settled: [] as Settled[] };
    let started = 0;
    let completed = 0;
    const handler = gate();
    const clients = [fixture.queue.name, other.name].map((queue) => {
      const client = new EventClient<TestEvents>({ transport: observing(transport, log, () => completed), registry: fixture.registry, source: 'urn:test:inflight', idempotencyStore: store, ownsTransport: false });
      client.on('test.order_shipped', 1, async () => {
        started++;
        await handler.wait;
        completed++;
      });
      return { client, queue };
    });
    for (const { client, queue } of clients) await client.consume(queue);
    await clients[0]!.client.publish('test.order_shipped', 1, { text: 'shared' }, { id: 'evt-3' });
    // One client runs the handler; the other's copy comes back as a retry, not an ack.
    await waitFor(() => log.settled.length >= 1, 2000, "the second client's copy settled");
    expect(log.settled[0]).toMatchObject({ attempt: 1, completedRuns: 0, settlement: { settle: 'retry' } });
    expect(log.settled.some((s) => s.settlement.settle === 'ack')).toBe(false);
    handler.open();
    await waitFor(() => log.settled.filter((s) => s.settlement.settle === 'ack').length === 2, 3000, 'both copies acked');
    expect(log.settled.filter((s) => s.settlement.settle === 'ack').every((s) => s.completedRuns === 1)).toBe(true);
    expect(started).toBe(1);
    const metrics = clients.map(({ client }) => client.metrics());
    expect(metrics.reduce((sum, m) => sum + m.consumed, 0)).toBe(1);
    expect(metrics.reduce((sum, m) => sum + m.duplicates, 0)).toBe(1);
    expect(transport.deadLetters(fixture.queue.name)).toEqual([]);
    expect(transport.deadLetters(other.name)).toEqual([]);
    for (const { client } of clients) await client.close();
    await transport.close();
  });
});

describe('two services sharing one idempotency store', () => {
  it('each handles the event: the store scopes ids by service, replicas of one service share them', async () => {
    const fixture = makeFixture('shared-store-services');
    const billing = { ...fixture.queue, name: `${fixture.queue.name}.billing` };
    const shipping = { ...fixture.queue, name: `${fixture.queue.name}.shipping` };
    const transport = new MemoryTransport();
    await transport.declareTopology({ subscriptions: [billing, shipping] });
    const store = new MemoryIdempotencyStore();
    const handled: string[] = [];
    const service = async (name: string, source: string) => {
      const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source, idempotencyStore: store, ownsTransport: false });
      client.on('test.order_shipped', 1, () => void handled.push(source));
      await client.consume(name);
      return client;
    };
    const clients = [await service(billing.name, 'urn:test:billing'), await service(shipping.name, 'urn:test:shipping')];
    const publisher = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:publisher', ownsTransport: false });
    const id = 'same-event-for-everyone';
    await publisher.publish('test.order_shipped', 1, { text: 'x' }, { id });
    await publisher.publish('test.order_shipped', 1, { text: 'x' }, { id });
    await waitFor(() => clients.every((client) => client.metrics().duplicates === 1), 2000, 'each service to see the second copy as a duplicate');
    expect(handled.sort()).toEqual(['urn:test:billing', 'urn:test:shipping']);
    for (const client of clients) await client.close();
    await transport.close();
  });
});
