/** amqplib, loaded on first connect (see peer.ts). */
import { loadPeer } from '../peer.js';

type Amqplib = typeof import('amqplib');

let loading: Promise<Amqplib> | undefined;

export function loadAmqplib(): Promise<Amqplib> {
  loading ??= loadPeer('amqplib', 'eventsmith/runtime/amqp', () => import('amqplib')).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
