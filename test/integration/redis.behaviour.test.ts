// The shared behavioural suite against Redis Streams (127.0.0.1:6379, or REDIS_URL).
import { afterAll, beforeAll } from 'vitest';
import { RawRedis, REDIS_URL, redisHarness } from './support/redis.js';
import { defineTransportSuite } from './support/transport-suite.js';

let redis: RawRedis;
beforeAll(async () => {
  redis = await RawRedis.connect();
});
afterAll(async () => {
  await redis.close();
});

defineTransportSuite(
  'redis',
  redisHarness(
    () => REDIS_URL,
    () => redis,
  ),
);
