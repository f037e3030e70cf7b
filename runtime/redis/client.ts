/** node-redis (`redis`), loaded on first connect (see peer.ts). */
import type { RedisClientType } from 'redis';
import { loadPeer } from '../peer.js';

type NodeRedis = typeof import('redis');

let loading: Promise<NodeRedis> | undefined;

export function loadRedis(): Promise<NodeRedis> {
  loading ??= loadPeer('redis', 'eventsmith/runtime/redis', () => import('redis')).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** The commands the transport sends: raw arguments in, raw RESP replies out (bulk strings as Buffers where asked). */
export type RedisConnection = RedisClientType;

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
