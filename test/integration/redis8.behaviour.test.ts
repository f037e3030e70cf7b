// The shared behavioural suite against Redis 8.6 (scripts/redis-8, a server of this file's own on a
// free port), where consumers take idle entries over with the read itself (XREADGROUP … CLAIM)
// instead of XAUTOCLAIM: the same guarantees on both kinds of server.
import { afterAll, beforeAll } from 'vitest';
import { PrivateRedis, redis8Binary } from '../redis/support/private-redis.js';
import { RawRedis, redisHarness } from './support/redis.js';
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

defineTransportSuite(
  'redis 8.6 (XREADGROUP CLAIM)',
  redisHarness(
    () => server.url,
    () => redis,
  ),
);
