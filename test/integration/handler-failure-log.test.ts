// A throwing handler is never silent: without a logger of its own, a client writes one warning line
// per failed attempt to the console (structured JSON), and a logger the user passes replaces it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventClient, MemoryTransport, type LogEntry } from '../../runtime/index.js';
import { makeFixture, waitFor, type TestEvents } from './support/fixtures.js';

const clients: EventClient<TestEvents>[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 1000 })));
});

async function failingService(logger?: (entry: LogEntry) => void): Promise<{ client: EventClient<TestEvents>; transport: MemoryTransport; queue: string }> {
  const fixture = makeFixture('handler-log', { maxAttempts: 2, baseDelayMs: 10 });
  const transport = new MemoryTransport();
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:handler-log', ...(logger === undefined ? {} : { logger }) });
  clients.push(client);
  client.on('test.order_shipped', 1, () => {
    throw new Error('the warehouse API answered 503');
  });
  await client.consume(fixture.queue.name);
  return { client, transport, queue: fixture.queue.name };
}

function warningLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.map((args) => {
    expect(args).toHaveLength(1);
    expect(typeof args[0]).toBe('string');
    return JSON.parse(args[0] as string) as Record<string, unknown>;
  });
}

describe('a throwing handler', () => {
  it('logs one structured warning line per failed attempt to the console by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, transport, queue } = await failingService();
    const envelope = await client.publish('test.order_shipped', 1, { text: 'parcel 7' });

    await waitFor(() => transport.deadLetters(queue).length === 1, 5000, 'the dead letter');
    const lines = warningLines(warn);
    expect(lines).toHaveLength(2);
    const [first, last] = lines;
    expect(first).toMatchObject({ level: 'warn', event: 'consume.handler_failed', type: 'test.order_shipped', version: 1, id: envelope.id, attempt: 1, error: 'the warehouse API answered 503' });
    // The last attempt's line is the dead letter's, and it still carries the handler's error.
    expect(last).toMatchObject({ level: 'warn', event: 'consume.dead_lettered', type: 'test.order_shipped', id: envelope.id, attempt: 2, reason: 'max-attempts-exceeded', error: 'the warehouse API answered 503' });
  });

  it('logs through the logger the user passes instead of the console', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const entries: LogEntry[] = [];
    const { client, transport, queue } = await failingService((entry) => entries.push(entry));
    const envelope = await client.publish('test.order_shipped', 1, { text: 'parcel 8' });

    await waitFor(() => transport.deadLetters(queue).length === 1, 5000, 'the dead letter');
    expect(warn).not.toHaveBeenCalled();
    const failures = entries.filter((entry) => entry.level === 'warn' && entry.id === envelope.id);
    expect(failures.map((entry) => [entry.event, entry.attempt])).toEqual([
      ['consume.handler_failed', 1],
      ['consume.dead_lettered', 2],
    ]);
  });
});
