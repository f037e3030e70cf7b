/**
 * Real-time notifications over Redis Pub/Sub: a subscription taking a real-time destination gets
 * each notification through the same pipeline, a gateway listening for one user gets that user's
 * only, nothing is stored for whoever was not listening (at-most-once), and an invalid one is
 * recorded as a dead letter.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventClient, type EventDefinition, type Envelope } from '../../runtime/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { sleep, uniqueName, waitFor } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const Push = z.object({ user_id: z.string(), text: z.string() });
interface Events {
  'test.push': { 1: z.infer<typeof Push> };
}

const redis = await RawRedis.connect();
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await redis.close();
});

async function setup(label: string) {
  const prefix = uniqueName(label);
  const destination = `${prefix}.notification.push`;
  const registry: EventDefinition[] = [{ type: 'test.push', version: 1, kind: 'notification', urgency: 'medium', destination, validate: (data) => Push.safeParse(data) }];
  const subscription = { name: `${prefix}.events`, sources: [{ kind: 'notification' as const, destination: `${prefix}.notification.#` }], retry: { maxAttempts: 2, baseDelayMs: 20 } };
  const connect = () => RedisTransport.connect({ url: REDIS_URL, realtime: { destinations: [`${prefix}.notification.#`] } });
  const publisherTransport = await connect();
  const publisher = new EventClient<Events>({ transport: publisherTransport, registry, source: 'urn:test:realtime' });
  cleanups.push(async () => {
    await publisher.close();
    await redis.deleteTopology({ subscriptions: [subscription] });
  });
  return { prefix, destination, registry, subscription, connect, publisher, publisherTransport };
}

describe('real-time notifications over Redis Pub/Sub', () => {
  it('reach a subscription through the consume pipeline', async () => {
    const { registry, subscription, connect, publisher } = await setup('realtime-sub');
    const transport = await connect();
    await transport.declareTopology({ subscriptions: [subscription] });
    const consumer = new EventClient<Events>({ transport, registry, source: 'urn:test:realtime-consumer' });
    const seen: string[] = [];
    consumer.on('test.push', 1, (data) => void seen.push(data.text));
    await consumer.consume(subscription.name);
    await publisher.publish('test.push', 1, { user_id: 'u-1', text: 'hello' });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual(['hello']);
    expect(consumer.metrics()).toMatchObject({ consumed: 1 });
    await consumer.close();
  });

  it("reach a gateway listening for one user, and only that user's", async () => {
    const { publisher, publisherTransport } = await setup('realtime-user');
    const mine: Envelope[] = [];
    const stop = await publisherTransport.listenForUser('u-42', (envelope) => void mine.push(envelope));
    await publisher.publish('test.push', 1, { user_id: 'u-7', text: 'not yours' });
    await publisher.publish('test.push', 1, { user_id: 'u-42', text: 'yours' });
    await waitFor(() => mine.length === 1);
    await sleep(100);
    expect(mine.map((envelope) => (envelope.data as { text: string }).text)).toEqual(['yours']);
    await stop();
  });

  it('are at-most-once: a listener that starts later gets nothing of what was sent before', async () => {
    const { registry, subscription, connect, publisher } = await setup('realtime-late');
    await publisher.publish('test.push', 1, { user_id: 'u-1', text: 'into the void' });
    const transport = await connect();
    await transport.declareTopology({ subscriptions: [subscription] });
    const consumer = new EventClient<Events>({ transport, registry, source: 'urn:test:realtime-late' });
    const seen: string[] = [];
    consumer.on('test.push', 1, (data) => void seen.push(data.text));
    await consumer.consume(subscription.name);
    await publisher.publish('test.push', 1, { user_id: 'u-1', text: 'now' });
    await waitFor(() => seen.length === 1);
    await sleep(100);
    expect(seen).toEqual(['now']);
    await consumer.close();
  });

  it('records an invalid notification in the dead-letter stream and keeps listening', async () => {
    const { destination, registry, subscription, connect } = await setup('realtime-poison');
    const transport = await connect();
    await transport.declareTopology({ subscriptions: [subscription] });
    const consumer = new EventClient<Events>({ transport, registry, source: 'urn:test:realtime-poison' });
    const seen: string[] = [];
    consumer.on('test.push', 1, (data) => void seen.push(data.text));
    await consumer.consume(subscription.name);
    await redis.client.sendCommand(['PUBLISH', `eventsmith:pubsub:notification:${destination}`, '{"not": "an envelope"']);
    await waitFor(async () => (await redis.deadLetters(subscription.name)).length === 1);
    expect((await redis.deadLetters(subscription.name))[0]).toMatchObject({ reason: 'invalid-json', stream: `pubsub:${destination}` });
    expect(transport.health().healthy).toBe(true);
    await consumer.close();
  });
});
