// The shared behavioural suite against Redis 8.6 (scripts/redis-8, a server of this file's own on a
// free port), where consumers take idle entries over with the read itself (XREADGROUP … CLAIM)
// instead of XAUTOCLAIM: the same guarantees on both kinds of server.
import { afterAll, beforeAll } from 'vitest';
import { RedisTransport } from '../../runtime/redis/index.js';
import { PrivateRedis, redis8Binary } from '../redis/support/private-redis.js';
import { waitFor } from './support/fixtures.js';
import { RawRedis } from './support/redis.js';
import { defineTransportSuite } from './support/transport-suite.js';

let server: PrivateRedis;
let redis: RawRedis;
beforeAll(async () => {
  server = await PrivateRedis.start({ binary: redis8Binary() });
  redis = await RawRedis.connect(server.url);
}, 600_000);
afterAll(async () => {
  await redis?.close();
  await server?.stop();
});

function fixtureStream(subscription: string): string {
  return subscription.replace(/\.events$/, '.stream');
}

defineTransportSuite('redis 8.6 (XREADGROUP CLAIM)', {
  create: () => RedisTransport.connect({ url: server.url, claimIdleMs: 2000 }),
  injectRaw: async (_transport, subscription, content) => {
    await redis.append(fixtureStream(subscription), { body: content });
  },
  deadLetters: async (_transport, subscription, count) => {
    await waitFor(async () => (await redis.deadLetters(subscription)).length >= count, 10_000, `${count} dead letters`);
    return (await redis.deadLetters(subscription)).map((letter) => ({ content: Buffer.from(letter['body-base64'] ?? '', 'base64').toString('utf8'), reason: letter.reason, error: letter.error }));
  },
  cleanup: (topology) => redis.deleteTopology(topology),
  redeliveryMs: 3000,
});
