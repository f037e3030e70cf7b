/**
 * Turns one delivery into a settlement: look up the definition, pick the handler for the event's
 * version, validate, deduplicate, run. Everything a retry cannot fix (unknown event, bad payload,
 * a {@link NonRetryableError}) is dead-lettered at once; only handler failures are retried.
 */
import { runWithCause } from './context.js';
import type { Envelope } from './envelope.js';
import { NonRetryableError, errorMessage } from './errors.js';
import type { IdempotencyStore } from './idempotency.js';
import type { ClientMetrics, Logger } from './observability.js';
import type { EventRegistry } from './registry.js';
import type { Delivery, Settlement } from './consume/delivery.js';

/** Called with the validated payload; `context` is built per delivery by the client. */
export type BoundHandler = (data: unknown, delivery: Delivery) => Promise<void> | void;

export interface DispatcherOptions {
  registry: EventRegistry;
  idempotency: IdempotencyStore | undefined;
  log: Logger;
  metrics: ClientMetrics;
  /** What to do with a known event no handler was registered for. */
  unhandled: 'dead-letter' | 'ack';
}

const ANY_VERSION = '*';

export class Dispatcher {
  private readonly handlers = new Map<string, BoundHandler>();

  constructor(private readonly options: DispatcherOptions) {}

  register(type: string, version: number | undefined, handler: BoundHandler): void {
    const key = handlerKey(type, version ?? ANY_VERSION);
    if (this.handlers.has(key)) throw new Error(`a handler for '${type}'${version === undefined ? '' : ` version ${version}`} is already registered`);
    if (!this.options.registry.hasType(type)) throw new Error(`cannot handle '${type}': not in the registry`);
    if (version !== undefined && this.options.registry.get(type, version) === undefined) throw new Error(`cannot handle '${type}' version ${version}: not in the registry`);
    this.handlers.set(key, handler);
  }

  async dispatch(delivery: Delivery): Promise<Settlement> {
    const { envelope } = delivery;
    const { type, eventversion: version } = envelope;
    const definition = this.options.registry.get(type, version);
    if (definition === undefined) {
      const known = this.options.registry.hasType(type);
      return this.reject(envelope, known ? 'unknown-version' : 'unknown-type', known ? `version ${version} of '${type}' is not in the registry` : `event type '${type}' is not in the registry`);
    }
    const handler = this.handlers.get(handlerKey(type, version)) ?? this.handlers.get(handlerKey(type, ANY_VERSION));
    if (handler === undefined) {
      if (this.options.unhandled === 'ack') return { settle: 'ack' };
      return this.reject(envelope, 'unhandled-type', `no handler registered for '${type}' version ${version}`);
    }
    const validated = definition.validate(envelope.data);
    if (!validated.success) return this.reject(envelope, 'validation-failed', errorMessage(validated.error));
    if (definition.tenantScoped === true) {
      const own = (validated.data as { tenant_id?: unknown } | null)?.tenant_id;
      if (envelope.tenantid === undefined || envelope.tenantid === '') return this.reject(envelope, 'missing-tenant', `'${type}' is tenant-scoped but the envelope names no tenant`);
      if (typeof own === 'string' && own !== envelope.tenantid) return this.reject(envelope, 'tenant-mismatch', `envelope tenant '${envelope.tenantid}' differs from the payload's tenant_id '${own}'`);
    }

    const store = this.options.idempotency;
    // Stores may answer synchronously (the in-memory one does); awaiting only real promises saves a
    // microtask per step on every delivery.
    const claimed = store === undefined ? 'claimed' : store.claim(envelope.id);
    const claim = typeof claimed === 'string' ? claimed : await claimed;
    if (claim === 'duplicate') {
      this.options.metrics.duplicates++;
      this.options.log({ level: 'debug', event: 'consume.duplicate', id: envelope.id, type });
      return { settle: 'ack' };
    }
    if (claim === 'in-progress') {
      this.options.log({ level: 'info', event: 'consume.claimed_elsewhere', id: envelope.id, type, attempt: delivery.attempt });
      return { settle: 'retry', reason: `event ${envelope.id} is being handled elsewhere (claimed in the idempotency store)` };
    }
    try {
      const running = runWithCause(envelope, () => handler(validated.data, delivery));
      if (running !== undefined) await running;
    } catch (error) {
      await store?.release(envelope.id);
      const reason = errorMessage(error);
      if (error instanceof NonRetryableError) return this.reject(envelope, 'non-retryable', reason);
      this.options.log({ level: 'warn', event: 'consume.handler_failed', id: envelope.id, type, version, attempt: delivery.attempt, error: reason });
      return { settle: 'retry', reason };
    }
    const completed = store?.complete(envelope.id);
    if (completed !== undefined) await completed;
    this.options.metrics.consumed++;
    return { settle: 'ack' };
  }

  private reject(envelope: Envelope, reason: string, error: string): Settlement {
    this.options.log({ level: 'warn', event: 'consume.rejected', id: envelope.id, type: envelope.type, version: envelope.eventversion, reason, error });
    return { settle: 'dead-letter', reason, error };
  }
}

function handlerKey(type: string, version: number | string): string {
  return `${type}@${version}`;
}
