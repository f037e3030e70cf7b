/**
 * Turns one delivery into a settlement: look up the definition, pick the handler for the event's
 * version, validate, deduplicate, run. Everything a retry cannot fix (unknown event, bad payload,
 * a {@link NonRetryableError}) is dead-lettered at once; only handler failures are retried.
 */
import { runWithCause } from './context.js';
import type { Envelope } from './envelope.js';
import { NonRetryableError, errorMessage } from './errors.js';
import type { IdempotencyStore } from './idempotency.js';
import { eventValidationError } from './validation-error.js';
import type { ClientMetrics, Logger } from './observability.js';
import { DEFAULT_TENANT_FIELD, payloadTenant, type EventRegistry } from './registry.js';
import type { Delivery, Settlement } from './consume/delivery.js';

/** Called with the validated payload; `context` is built per delivery by the client. */
export type BoundHandler = (data: unknown, delivery: Delivery) => Promise<void> | void;

export interface DispatcherOptions {
  registry: EventRegistry;
  idempotency: IdempotencyStore | undefined;
  /**
   * Whose handling the store records (the client's CloudEvents source, one per service): ids are
   * claimed as `<scope>|<event id>`, so replicas of one service handle an event once between them,
   * and every other service sharing the store still handles it too.
   */
  scope: string;
  log: Logger;
  metrics: ClientMetrics;
  /** What to do with a known event no handler was registered for. */
  unhandled: 'dead-letter' | 'ack';
}

const ANY_VERSION = '*';

/** Copies waiting for a running handler's outcome (true: it completed); null while none waits. */
type Waiters = Array<(completed: boolean) => void> | null;

export class Dispatcher {
  /** By type, then by version (`*`: any version). Keyed apart rather than by a joined string, which every delivery would build and hash anew. */
  private readonly handlers = new Map<string, Map<number | typeof ANY_VERSION, BoundHandler>>();
  /**
   * Ids whose handler runs in this process (claimed, not yet completed or released), with the
   * copies of them waiting for its outcome. Only kept when deduplicating.
   */
  private readonly running = new Map<string, Waiters>();

  constructor(private readonly options: DispatcherOptions) {}

  register(type: string, version: number | undefined, handler: BoundHandler): void {
    let byVersion = this.handlers.get(type);
    if (byVersion?.has(version ?? ANY_VERSION) === true) throw new Error(`a handler for '${type}'${version === undefined ? '' : ` version ${version}`} is already registered`);
    if (!this.options.registry.hasType(type)) throw new Error(`cannot handle '${type}': not in the registry`);
    if (version !== undefined && this.options.registry.get(type, version) === undefined) throw new Error(`cannot handle '${type}' version ${version}: not in the registry`);
    if (byVersion === undefined) this.handlers.set(type, (byVersion = new Map()));
    byVersion.set(version ?? ANY_VERSION, handler);
  }

  async dispatch(delivery: Delivery): Promise<Settlement> {
    const { envelope } = delivery;
    const { type, eventversion: version } = envelope;
    const definition = this.options.registry.get(type, version);
    if (definition === undefined) {
      const known = this.options.registry.hasType(type);
      return this.reject(envelope, known ? 'unknown-version' : 'unknown-type', known ? `version ${version} of '${type}' is not in the registry` : `event type '${type}' is not in the registry`);
    }
    const byVersion = this.handlers.get(type);
    const handler = byVersion?.get(version) ?? byVersion?.get(ANY_VERSION);
    if (handler === undefined) {
      if (this.options.unhandled === 'ack') return { settle: 'ack' };
      // A version past its sunset that nothing handles was dropped on purpose: say so, rather than look like a forgotten handler.
      if (definition.sunset !== undefined && definition.sunset <= utcToday()) {
        return this.reject(envelope, 'sunset', `'${type}' version ${version} is past its sunset (${definition.sunset}) and no handler takes it: its producers must send a later version`);
      }
      return this.reject(envelope, 'unhandled-type', `no handler registered for '${type}' version ${version}`);
    }
    const validated = definition.validate(envelope.data);
    if (!validated.success) return this.reject(envelope, 'validation-failed', eventValidationError(type, version, validated.error).message);
    if (definition.tenantScoped === true) {
      const own = payloadTenant(definition, validated.data);
      if (envelope.tenantid === undefined || envelope.tenantid === '') return this.reject(envelope, 'missing-tenant', `'${type}' is tenant-scoped but the envelope names no tenant`);
      if (own !== undefined && own !== envelope.tenantid) return this.reject(envelope, 'tenant-mismatch', `envelope tenant '${envelope.tenantid}' differs from the payload's ${definition.tenantField ?? DEFAULT_TENANT_FIELD} '${own}'`);
    }

    const store = this.options.idempotency;
    const id = envelope.id;
    // Made once: a fresh string is hashed again by every lookup it is used for.
    const key = store === undefined ? id : this.storeKey(id);
    if (store !== undefined) {
      const running = this.running.get(id);
      if (running !== undefined) return this.afterRunning(running, delivery);
      this.running.set(id, null);
    }
    let completed = false;
    try {
      if (store !== undefined) {
        // Stores may answer synchronously (the in-memory one does); awaiting only real promises saves a
        // microtask per step on every delivery.
        const claimed = store.claim(key);
        const claim = typeof claimed === 'string' ? claimed : await claimed;
        if (claim === 'duplicate') {
          completed = true;
          return this.duplicate(id, type);
        }
        if (claim === 'in-progress') {
          this.options.log({ level: 'info', event: 'consume.claimed_elsewhere', id, type, attempt: delivery.attempt });
          return { settle: 'retry', reason: `event ${id} is being handled elsewhere (claimed in the idempotency store)` };
        }
      }
      try {
        const running = runWithCause(envelope, () => handler(validated.data, delivery));
        if (running !== undefined) await running;
      } catch (error) {
        await store?.release(key);
        const reason = errorMessage(error);
        if (error instanceof NonRetryableError) return { settle: 'dead-letter', reason: 'non-retryable', error: reason, exception: error };
        // One warning per failed attempt: the last attempt's is the dead letter's, which the pipeline logs with this error.
        if (delivery.attempt < delivery.maxAttempts) this.options.log({ level: 'warn', event: 'consume.handler_failed', id, type, version, attempt: delivery.attempt, error: reason });
        return { settle: 'retry', reason, exception: error };
      }
      const recorded = store?.complete(key);
      if (recorded !== undefined) await recorded;
      completed = true;
      this.options.metrics.consumed++;
      return { settle: 'ack' };
    } finally {
      if (store !== undefined) {
        const waiting = this.running.get(id);
        this.running.delete(id);
        if (waiting != null) for (const wake of waiting) wake(completed);
      }
    }
  }

  /**
   * A copy of an id whose handler runs in this process now, e.g. redelivered after a reconnect while
   * the original runs on the dead channel (whose ack can no longer reach the broker). It is never
   * acked before that handler completed: it waits for the outcome. Completed: the copy is a
   * duplicate. Failed (the claim was released): the copy is dispatched again, claims the id and
   * runs the handler itself, or waits for another copy that got there first.
   */
  private async afterRunning(running: Waiters, delivery: Delivery): Promise<Settlement> {
    const { id, type } = delivery.envelope;
    this.options.log({ level: 'debug', event: 'consume.waiting_for_handler', id, type, attempt: delivery.attempt });
    let waiters = running;
    if (waiters === null) {
      waiters = [];
      this.running.set(id, waiters);
    }
    const list = waiters;
    const completed = await new Promise<boolean>((resolve) => list.push(resolve));
    return completed ? this.duplicate(id, type) : this.dispatch(delivery);
  }

  private duplicate(id: string, type: string): Settlement {
    this.options.metrics.duplicates++;
    this.options.log({ level: 'debug', event: 'consume.duplicate', id, type });
    return { settle: 'ack', duplicate: true };
  }

  private storeKey(id: string): string {
    return `${this.options.scope}|${id}`;
  }

  /** The consume pipeline logs every dead letter once (`consume.dead_lettered`), with the event's type and version. */
  private reject(_envelope: Envelope, reason: string, error: string): Settlement {
    return { settle: 'dead-letter', reason, error };
  }
}

/** Today's date as YYYY-MM-DD, in UTC like the catalogue's dates. */
function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}
