// The behavioural suite every Transport must pass, written once and run against RabbitMQ and the
// in-memory transport. Each test declares its own uniquely named topology and removes it afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EventClient,
  NonRetryableError,
  RequestTimeoutError,
  UnroutableError,
  createEnvelope,
  resolveRetryPolicy,
  retryDelays,
  type Envelope,
  type HandlerContext,
  type SubscriptionSpec,
  type TopologySpec,
  type Transport,
} from '../../../runtime/index.js';
import { makeFixture, sleep, waitFor, type Fixture, type TestEvents } from './fixtures.js';

export interface DeadLetterView {
  content: string;
  reason: unknown;
  error: unknown;
}

export interface TransportHarness {
  create(): Promise<Transport>;
  /** Puts raw bytes on `queue`, bypassing the runtime. */
  injectRaw(transport: Transport, queue: string, content: string): Promise<void>;
  /** Waits until `queue`'s dead-letter queue holds `count` messages and returns them. */
  deadLetters(transport: Transport, queue: string, count: number): Promise<DeadLetterView[]>;
  cleanup(topology: TopologySpec): Promise<void>;
  /**
   * How long a message that a consumer left unsettled takes to reach another consumer of its
   * subscription (e.g. a takeover after an idle time). The suite waits this long before it
   * concludes that nothing comes back. Default 500 ms.
   */
  redeliveryMs?: number;
  /**
   * What the broker does with an event published to a destination no subscription takes, on a
   * topic or exchange that exists. `refused` (RabbitMQ's mandatory flag, Redis's route table):
   * publish rejects with UnroutableError. `kept` (Kafka: a topic keeps every record for its
   * retention, and a subscription declared later may start from the earliest): publish resolves.
   * Default `refused`.
   */
  unroutedDestinations?: 'refused' | 'kept';
}

export function defineTransportSuite(name: string, harness: TransportHarness): void {
  describe(`transport behaviour: ${name}`, () => {
    const opened: Array<{ client: EventClient<TestEvents>; fixture?: Fixture }> = [];

    /**
     * A fixture on a fresh transport, with a client that owns it. `subscriptions` replaces the
     * fixture's one subscription (e.g. to add a second one, or give them services).
     */
    async function setup(label: string, retry?: Fixture['queue']['retry'], subscriptions?: (fixture: Fixture) => SubscriptionSpec[]) {
      const made = makeFixture(label, retry);
      const fixture = subscriptions === undefined ? made : { ...made, topology: { ...made.topology, subscriptions: subscriptions(made) } };
      const transport = await harness.create();
      const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: `urn:test:${label}` });
      opened.push({ client, fixture });
      await transport.declareTopology(fixture.topology);
      return { fixture, transport, client, queue: fixture.queue.name };
    }

    /** Another client of `fixture`: on `transport` (not owning it), or on a new transport it owns. */
    async function another(fixture: Fixture, transport?: Transport) {
      const own = transport === undefined;
      const using = transport ?? (await harness.create());
      if (own) await using.declareTopology(fixture.topology);
      const client = new EventClient<TestEvents>({ transport: using, registry: fixture.registry, source: 'urn:test:another', ownsTransport: own });
      opened.push({ client });
      return client;
    }

    afterEach(async () => {
      const closing = opened.splice(0).reverse();
      for (const { client } of closing) await client.close({ timeoutMs: 2000 });
      for (const { fixture } of closing) if (fixture !== undefined) await harness.cleanup(fixture.topology);
    });

    it('round trip: publish → consume with a validated payload and a CloudEvents envelope', async () => {
      const { client, queue } = await setup('roundtrip');
      const received: Array<{ data: unknown; envelope: Envelope }> = [];
      client.on('test.order_placed', 2, (data, ctx) => {
        received.push({ data, envelope: ctx.envelope });
      });
      await client.consume(queue);
      const sent = await client.publish('test.order_placed', 2, { orderId: 'o-1', quantity: 3, currency: 'EUR' });
      await waitFor(() => received.length === 1, 5000, 'delivery');
      expect(received[0]?.data).toEqual({ orderId: 'o-1', quantity: 3, currency: 'EUR' });
      expect(received[0]?.envelope).toMatchObject({ id: sent.id, type: 'test.order_placed', eventversion: 2, specversion: '1.0', source: 'urn:test:roundtrip', urgency: 'medium' });
      expect(client.metrics()).toMatchObject({ published: 1, confirmed: 1, consumed: 1 });
    });

    it('dispatches per version and dead-letters a version nobody handles', async () => {
      const { transport, client, queue } = await setup('versions');
      const seen: string[] = [];
      client.on('test.order_placed', 1, (data) => void seen.push(`v1:${data.orderId}`));
      client.on('test.order_shipped', (data, ctx) => void seen.push(`any:v${ctx.version}:${data.text}`));
      await client.consume(queue);
      await client.publish('test.order_placed', 1, { orderId: 'a', quantity: 1 });
      await client.publish('test.order_shipped', 1, { text: 'b' });
      await client.publish('test.order_placed', 2, { orderId: 'c', quantity: 1, currency: 'USD' });
      const letters = await harness.deadLetters(transport, queue, 1);
      await waitFor(() => seen.length === 2);
      expect(seen.sort()).toEqual(['any:v1:b', 'v1:a']);
      expect(letters[0]?.reason).toBe('unhandled-type');
    });

    it('delivers critical before low when both wait in the queue', async () => {
      const { client, queue } = await setup('priority');
      const order: string[] = [];
      client.on('test.low_note', (data) => void order.push(data.text));
      client.on('test.critical_alarm', (data) => void order.push(data.text));
      for (let i = 0; i < 5; i++) await client.publish('test.low_note', 1, { text: `low-${i}` });
      await client.publish('test.critical_alarm', 1, { text: 'critical' });
      await client.consume(queue, { prefetch: 1 });
      await waitFor(() => order.length === 6);
      expect(order[0]).toBe('critical');
      expect(order.slice(1)).toEqual(['low-0', 'low-1', 'low-2', 'low-3', 'low-4']);
    });

    it('refuses an invalid payload at publish with the zod error', async () => {
      const { client } = await setup('invalid-publish');
      const attempt = client.publish('test.order_placed', 1, { orderId: '', quantity: -1 });
      await expect(attempt).rejects.toBeInstanceOf(z.ZodError);
      await expect(attempt).rejects.toThrow(/orderId|quantity/);
      expect(client.metrics().published).toBe(0);
    });

    it('dead-letters raw junk and unknown types with a reason, and keeps consuming', async () => {
      const { transport, client, queue } = await setup('poison');
      const handled: string[] = [];
      client.on('test.order_shipped', (data) => void handled.push(data.text));
      await client.consume(queue);
      await harness.injectRaw(transport, queue, 'this is not json');
      const unknown = createEnvelope({ type: 'test.nobody_knows', version: 1, source: 'urn:x', data: {} });
      await harness.injectRaw(transport, queue, JSON.stringify(unknown));
      const badPayload = createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 42 } });
      await harness.injectRaw(transport, queue, JSON.stringify(badPayload));
      await client.publish('test.order_shipped', 1, { text: 'valid-after-junk' });
      await waitFor(() => handled.length === 1);
      expect(handled).toEqual(['valid-after-junk']);
      const letters = await harness.deadLetters(transport, queue, 3);
      const reasons = letters.map((letter) => letter.reason).sort();
      expect(reasons).toEqual(['invalid-json', 'unknown-type', 'validation-failed']);
      const junk = letters.find((letter) => letter.reason === 'invalid-json');
      expect(junk?.content).toBe('this is not json');
      expect(String(junk?.error)).not.toBe('');
      expect(client.metrics().deadLettered).toBe(3);
    });

    it('retries a failing handler: fails twice, succeeds on the third attempt, runs exactly 3 times', async () => {
      const { client, queue } = await setup('retry', { maxAttempts: 5, baseDelayMs: 50 });
      const attempts: number[] = [];
      client.on('test.order_shipped', (_data, ctx) => {
        attempts.push(ctx.attempt);
        if (attempts.length <= 2) throw new Error(`transient failure ${attempts.length}`);
      });
      await client.consume(queue);
      await client.publish('test.order_shipped', 1, { text: 'flaky' });
      await waitFor(() => client.metrics().consumed === 1, 5000, 'success');
      await sleep(300);
      expect(attempts).toEqual([1, 2, 3]);
      expect(client.metrics()).toMatchObject({ retried: 2, consumed: 1, deadLettered: 0 });
    });

    it("waits the policy's backoff between attempts", async () => {
      const policy = { maxAttempts: 4, baseDelayMs: 150, factor: 2 };
      const { client, queue } = await setup('backoff', policy);
      const seen: Array<{ attempt: number; at: number }> = [];
      client.on('test.order_shipped', (_data, ctx) => {
        seen.push({ attempt: ctx.attempt, at: Date.now() });
        if (seen.length < 4) throw new Error('not yet');
      });
      await client.consume(queue);
      await client.publish('test.order_shipped', 1, { text: 'slowly' });
      await waitFor(() => client.metrics().consumed === 1, 8000, 'success after three retries');
      expect(seen.map((entry) => entry.attempt)).toEqual([1, 2, 3, 4]);
      const gaps = seen.slice(1).map((entry, index) => entry.at - seen[index]!.at);
      // baseDelayMs·factor^(n-1) = 150, 300, 600 ms, measured loosely: a timer may fire a little early.
      const delays = retryDelays(resolveRetryPolicy(policy));
      expect(delays).toEqual([150, 300, 600]);
      gaps.forEach((gap, index) => expect(gap, `gap before attempt ${index + 2}`).toBeGreaterThanOrEqual(0.8 * delays[index]!));
      expect(client.metrics()).toMatchObject({ retried: 3, consumed: 1, deadLettered: 0 });
    });

    it('dead-letters an event of a known type at a version the registry lacks as unknown-version', async () => {
      const { transport, client, queue } = await setup('unknown-version');
      client.on('test.order_shipped', () => {});
      await client.consume(queue);
      const future = createEnvelope({ type: 'test.order_shipped', version: 9, source: 'urn:x', data: { text: 'from the future' } });
      await harness.injectRaw(transport, queue, JSON.stringify(future));
      const [letter] = await harness.deadLetters(transport, queue, 1);
      expect(letter?.reason).toBe('unknown-version');
      expect(String(letter?.error)).toMatch(/version 9/);
    });

    it('dead-letters after maxAttempts with the last error, and NonRetryableError at once', async () => {
      const { transport, client, queue } = await setup('exhaust', { maxAttempts: 3, baseDelayMs: 50 });
      let calls = 0;
      client.on('test.order_shipped', () => {
        calls++;
        throw new Error('always broken');
      });
      client.on('test.low_note', () => {
        throw new NonRetryableError('business rule says no');
      });
      await client.consume(queue);
      await client.publish('test.order_shipped', 1, { text: 'doomed' });
      await client.publish('test.low_note', 1, { text: 'refused' });
      const letters = await harness.deadLetters(transport, queue, 2);
      await sleep(200);
      expect(calls).toBe(3);
      const byReason = new Map(letters.map((letter) => [letter.reason, letter]));
      expect(String(byReason.get('max-attempts-exceeded')?.error)).toContain('always broken');
      expect(String(byReason.get('non-retryable')?.error)).toContain('business rule says no');
      expect(client.metrics()).toMatchObject({ retried: 2, deadLettered: 2, consumed: 0 });
    });

    it('handles the same envelope once when it is delivered twice', async () => {
      const { transport, client, queue, fixture } = await setup('idempotent');
      let handled = 0;
      client.on('test.order_shipped', () => void handled++);
      await client.consume(queue);
      const envelope = createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 'once' } });
      const definition = fixture.registry.find((entry) => entry.type === 'test.order_shipped')!;
      const target = { kind: definition.kind, destination: definition.destination, urgency: definition.urgency, ...(definition.bindings === undefined ? {} : { bindings: definition.bindings }) };
      await transport.publish(envelope, target);
      await transport.publish(envelope, target);
      await waitFor(() => client.metrics().duplicates === 1, 5000, 'the copy absorbed');
      await sleep(200);
      expect(handled).toBe(1);
      expect(client.metrics()).toMatchObject({ consumed: 1, duplicates: 1, deadLettered: 0 });
    });

    it("delivers a message sent to one service (toService) to that service's subscription only", async () => {
      const services = { a: '', b: '' };
      const { fixture, transport, client } = await setup('direct', undefined, (made) => {
        services.a = `${made.prefix}.svc-a`;
        services.b = `${made.prefix}.svc-b`;
        // Two services taking the same destinations: an event published to them reaches both.
        return [
          { ...made.queue, service: services.a },
          { ...made.queue, name: `${made.prefix}.other`, service: services.b },
        ];
      });
      const [subscriptionA, subscriptionB] = fixture.topology.subscriptions!;
      const clientB = await another(fixture, transport);
      const seenA: string[] = [];
      const seenB: string[] = [];
      client.on('test.order_shipped', (data) => void seenA.push(data.text));
      clientB.on('test.order_shipped', (data) => void seenB.push(data.text));
      await client.consume(subscriptionA!.name);
      await clientB.consume(subscriptionB!.name);

      await client.publish('test.order_shipped', 1, { text: 'to-everyone' });
      await client.publish('test.order_shipped', 1, { text: 'to-b' }, { toService: services.b });
      await client.publish('test.order_shipped', 1, { text: 'to-a' }, { toService: services.a });
      await waitFor(() => seenA.length >= 2 && seenB.length >= 2, 5000, 'the broadcast and the direct messages');
      await sleep(300);
      expect(seenA.sort()).toEqual(['to-a', 'to-everyone']);
      expect(seenB.sort()).toEqual(['to-b', 'to-everyone']);
    });

    it('refuses a message sent to a service no subscription belongs to', async () => {
      const { client } = await setup('direct-nobody', undefined, (made) => [{ ...made.queue, service: `${made.prefix}.svc` }]);
      const error = await client.publish('test.order_shipped', 1, { text: 'lost' }, { toService: 'es-test.nobody-is-this-service' }).catch((caught: unknown) => caught);
      expect(error, String(error)).toBeInstanceOf(UnroutableError);
      expect(client.metrics().confirmed).toBe(0);
    });

    it('rejects an unroutable mandatory publish (or keeps it, where the broker retains records)', async () => {
      const { transport, fixture } = await setup('unroutable');
      const lonely = new EventClient<TestEvents>({
        transport,
        ownsTransport: false,
        source: 'urn:test',
        registry: fixture.registry.map((definition) => ({ ...definition, destination: 'nobody.listens.here' })),
      });
      if ((harness.unroutedDestinations ?? 'refused') === 'kept') {
        await lonely.publish('test.order_shipped', 1, { text: 'kept' });
        expect(lonely.metrics()).toMatchObject({ published: 1, returned: 0, confirmed: 1 });
      } else {
        await expect(lonely.publish('test.order_shipped', 1, { text: 'lost' })).rejects.toBeInstanceOf(UnroutableError);
        await expect(lonely.publish('test.order_shipped', 1, { text: 'lost' })).rejects.toThrow(/nobody\.listens\.here/);
        expect(lonely.metrics()).toMatchObject({ published: 2, returned: 2, confirmed: 0 });
      }
      // The transport is still usable afterwards.
      await lonely.close();
      expect(transport.health().status).toBe('connected');
    });

    it('request/reply: a command gets its reply, with correlation; no responder times out', async () => {
      const { client, queue } = await setup('rpc');
      client.on('test.check_stock', async (data, ctx) => {
        if (data.sku === 'silent') return;
        await ctx.reply('test.stock_checked', 1, { sku: data.sku, available: 7 });
      });
      await client.consume(queue);
      const reply = await client.request('test.check_stock', 1, { sku: 'FLOUR' }, { timeoutMs: 3000 });
      expect(reply).toMatchObject({ type: 'test.stock_checked', data: { sku: 'FLOUR', available: 7 } });
      expect(reply.causationid).toBeDefined();
      expect(reply.correlationid).toBe(reply.causationid);
      const started = Date.now();
      await expect(client.request('test.check_stock', 1, { sku: 'silent' }, { timeoutMs: 300 })).rejects.toBeInstanceOf(RequestTimeoutError);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(250);
      expect(waited).toBeLessThan(2000);
    });

    it('request/reply: a command nobody consumes times out with RequestTimeoutError within bounds', async () => {
      const { client } = await setup('rpc-nobody');
      // Declared, so the command is routable, but nothing consumes the subscription: no reply can come.
      const started = Date.now();
      const attempt = client.request('test.check_stock', 1, { sku: 'NOBODY' }, { timeoutMs: 400 });
      await expect(attempt).rejects.toBeInstanceOf(RequestTimeoutError);
      await expect(attempt).rejects.toThrow(/test\.check_stock.*400ms/);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(350);
      expect(waited).toBeLessThan(2500);
    });

    it('propagates correlation and causation through ctx.publish and through the async context', async () => {
      const { client, queue } = await setup('causation');
      const shipped: Envelope[] = [];
      client.on('test.order_placed', 1, async (data, ctx: HandlerContext<TestEvents>) => {
        await ctx.publish('test.order_shipped', 1, { text: `ctx:${data.orderId}` });
        await helperThatOnlyKnowsTheClient(data.orderId);
      });
      client.on('test.order_shipped', (_data, ctx) => void shipped.push(ctx.envelope));
      const helperThatOnlyKnowsTheClient = async (orderId: string) => {
        await sleep(5);
        await client.publish('test.order_shipped', 1, { text: `als:${orderId}` });
      };
      await client.consume(queue);
      const first = await client.publish('test.order_placed', 1, { orderId: 'o-9', quantity: 1 }, { correlationId: 'flow-42' });
      await waitFor(() => shipped.length === 2);
      for (const envelope of shipped) {
        expect(envelope.correlationid).toBe('flow-42');
        expect(envelope.causationid).toBe(first.id);
      }
      const orphan = await client.publish('test.order_shipped', 1, { text: 'outside' });
      expect(orphan.correlationid).toBeUndefined();
    });

    it('graceful close waits for the handler in flight', async () => {
      const { client, queue, fixture } = await setup('graceful');
      let finished = false;
      let started = false;
      client.on('test.order_shipped', async () => {
        started = true;
        await sleep(400);
        finished = true;
      });
      await client.consume(queue);
      await client.publish('test.order_shipped', 1, { text: 'slow' });
      await waitFor(() => started);
      await client.close({ timeoutMs: 5000 });
      expect(finished).toBe(true);
      expect(client.metrics()).toMatchObject({ consumed: 1, retried: 0, deadLettered: 0 });
      expect(client.health().status).toBe('closed');
      // It was settled before close() returned: a client that comes after it gets only new events.
      const next = await another(fixture);
      const seen: string[] = [];
      next.on('test.order_shipped', (data) => void seen.push(data.text));
      await next.consume(queue);
      await next.publish('test.order_shipped', 1, { text: 'fresh' });
      await waitFor(() => seen.includes('fresh'), 5000, 'the next client consuming');
      await sleep(harness.redeliveryMs ?? 500);
      expect(seen).toEqual(['fresh']);
    });

    it('cancelling a consumer drains the handler in flight: it completes, is settled, and is not delivered again', async () => {
      const { transport, fixture, queue } = await setup('drain');
      const first = await another(fixture, transport);
      let started = false;
      let finished = false;
      first.on('test.order_shipped', async () => {
        started = true;
        await sleep(400);
        finished = true;
      });
      await first.consume(queue, { prefetch: 1 });
      await first.publish('test.order_shipped', 1, { text: 'in-flight' });
      await waitFor(() => started, 5000, 'the handler starting');
      await first.close({ timeoutMs: 5000 });
      expect(finished).toBe(true);
      expect(first.metrics()).toMatchObject({ consumed: 1, retried: 0, deadLettered: 0 });
      expect(transport.health().consumers.filter((consumer) => consumer.active)).toEqual([]);
      // The same subscription on the same transport, by a client with a memory of its own: a copy
      // of the drained event would run its handler again.
      const second = await another(fixture, transport);
      const seen: string[] = [];
      second.on('test.order_shipped', (data) => void seen.push(data.text));
      await second.consume(queue);
      await second.publish('test.order_shipped', 1, { text: 'after' });
      await waitFor(() => seen.includes('after'), 5000, 'the second client consuming');
      await sleep(harness.redeliveryMs ?? 500);
      expect(seen).toEqual(['after']);
      expect(second.metrics().duplicates).toBe(0);
    });

    it('reports health', async () => {
      const { client, queue } = await setup('health');
      client.on('test.order_shipped', () => {});
      await client.consume(queue, { prefetch: 7 });
      const health = client.health();
      expect(health).toMatchObject({ status: 'connected', healthy: true, publisher: { inFlight: 0, buffered: 0 } });
      expect(health.consumers).toEqual([expect.objectContaining({ subscription: queue, active: true, prefetch: 7 })]);
    });
  });
}
