/**
 * The Redis publisher writes the envelope's JSON text into XADD: the size limit still counts its
 * UTF-8 bytes (not its characters), and text outside ASCII reaches the consumer unchanged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EventClient, MessageTooLargeError } from '../../runtime/index.js';
import { RedisTransport } from '../../runtime/redis/index.js';
import { makeFixture, waitFor, type TestEvents } from '../integration/support/fixtures.js';
import { RawRedis, REDIS_URL } from '../integration/support/redis.js';

const redis = await RawRedis.connect();
const fixture = makeFixture('redis-message-bytes');

afterAll(async () => {
  await redis.deleteTopology(fixture.topology);
  await redis.close();
});

describe('Redis message bytes', () => {
  it('refuses an envelope over maxMessageBytes in UTF-8 bytes and delivers multi-byte text intact', async () => {
    const transport = await RedisTransport.connect({ url: REDIS_URL, maxMessageBytes: 2048 });
    await transport.declareTopology(fixture.topology);
    const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:bytes' });
    const handled: string[] = [];
    client.on('test.order_shipped', (data) => void handled.push(data.text));
    await client.consume(fixture.queue.name);
    // 600 characters, 1,800 bytes of text: over the limit only when counted in bytes with the envelope around it.
    const wide = '€'.repeat(600);
    await expect(client.publish('test.order_shipped', 1, { text: `${wide}x` })).resolves.toBeDefined();
    await expect(client.publish('test.order_shipped', 1, { text: wide + '€'.repeat(100) })).rejects.toBeInstanceOf(MessageTooLargeError);
    const mixed = 'é€𝄞 ü ✓';
    await client.publish('test.order_shipped', 1, { text: mixed });
    await waitFor(() => handled.length === 2, 10_000, 'the two events that fit');
    expect(handled).toEqual([`${wide}x`, mixed]);
    await client.close();
  });
});
