/**
 * `eventsmith/runtime/redis`: the Redis Streams transport. Loads node-redis (an optional peer
 * dependency of eventsmith: `npm install redis`) when it first connects.
 */
export { RedisTransport } from './transport.js';
export type { RedisHealthDetails, RedisTransportOptions } from './transport.js';
export { DEFAULT_PREFIX, RedisNames } from './names.js';
export { DEFAULT_REDIS_URL } from './client.js';
export type { RetentionOptions } from './retention.js';
export { inspectRedisDeadLetters, replayRedisDeadLetters } from './dlq.js';
export type { RedisDlqOptions } from './dlq.js';
export type { RealtimeOptions } from './realtime.js';
export { RedisIdempotencyStore } from './idempotency.js';
export type { RedisIdempotencyStoreOptions } from './idempotency.js';
