// The shared behavioural suite against Redis Streams (127.0.0.1:6379, or REDIS_URL).
import { afterAll, beforeAll } from 'vitest';
import { RedisTransport } from '../../runtime/redis/index.js';
import { waitFor } from './support/fixtures.js';
import { RawRedis, REDIS_URL } from './support/redis.js';
import { defineTransportSuite } from './support/transport-suite.js';

let redis: RawRedis;
beforeAll(async () => {
  redis = await RawRedis.connect();
});
afterAll(async () => {
  await redis.close();
});

/** A fixture subscription `<prefix>.events` reads the fixture's own stream `<prefix>.stream` (its Redis binding). */
function fixtureStream(subscription: string): string {
  return subscription.replace(/\.events$/, '.stream');
}

defineTransportSuite('redis', {
  // A short claim time: the suite's close-and-reconsume tests must not wait 30 s for a takeover.
  create: () => RedisTransport.connect({ url: REDIS_URL, claimIdleMs: 2000 }),
  injectRaw: async (_transport, subscription, content) => {
    await redis.append(fixtureStream(subscription), { body: content });
  },
  deadLetters: async (_transport, subscription, count) => {
    await waitFor(async () => (await redis.deadLetters(subscription)).length >= count, 10_000, `${count} dead letters`);
    return (await redis.deadLetters(subscription)).map((letter) => ({ content: Buffer.from(letter['body-base64'] ?? '', 'base64').toString('utf8'), reason: letter.reason, error: letter.error }));
  },
  cleanup: (topology) => redis.deleteTopology(topology),
  // An entry a closed consumer left pending is taken over once idle for claimIdleMs (checked every third of it).
  redeliveryMs: 3000,
});
