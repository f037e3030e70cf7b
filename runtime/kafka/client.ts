/** @platformatic/kafka, loaded on first connect (see peer.ts). */
import { loadPeer } from '../peer.js';

export type PlatformaticKafka = typeof import('@platformatic/kafka');

let loading: Promise<PlatformaticKafka> | undefined;

export function loadKafka(): Promise<PlatformaticKafka> {
  loading ??= loadPeer('@platformatic/kafka', 'eventsmith/runtime/kafka', () => import('@platformatic/kafka')).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export const DEFAULT_KAFKA_BROKERS = ['127.0.0.1:19092'];

/** `KAFKA_BOOTSTRAP` (comma-separated `host:port`), else the local broker of scripts/kafka-broker. */
export function defaultBrokers(): string[] {
  const configured = process.env.KAFKA_BOOTSTRAP;
  if (configured === undefined || configured.trim() === '') return DEFAULT_KAFKA_BROKERS;
  return configured.split(',').map((address) => address.trim()).filter((address) => address.length > 0);
}

/** Kafka's own error code name when the client carries one (e.g. `UNKNOWN_TOPIC_OR_PARTITION`), for decisions and messages. */
export function kafkaErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The client puts the code name beside a prose message ('The coordinator is not aware of this member.'): both, so callers can match the name.
  const code = (error as { apiId?: unknown }).apiId;
  const parts = [typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message];
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) for (const inner of nested.slice(0, 3)) parts.push(kafkaErrorText(inner));
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== error) parts.push(kafkaErrorText(cause));
  return parts.filter((part) => part.length > 0).join(': ');
}

/** Closes a consumer, leaving its group at once (so its partitions move now, not after the session timeout); never rejects. */
export function closeConsumer(consumer: { close(force: boolean, callback: (error?: Error | null) => void): void }): Promise<Error | undefined> {
  return new Promise((resolve) => {
    try {
      consumer.close(true, (error) => resolve(error ?? undefined));
    } catch (error) {
      resolve(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
