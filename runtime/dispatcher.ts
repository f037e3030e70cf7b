/**
 * Turns one delivery into a settlement: look up the definition, pick the handler for the event's
 * version, validate, deduplicate, run. Everything a retry cannot fix (unknown event, bad payload,
 * a {@link NonRetryableError}) is dead-lettered at once; only handler failures are retried.
 */
import { runWithCause } from './context.js';
import type { Envelope } from './envelope.js';
import { NonRetryableError, errorMessage } from './errors.js';
import type { ClaimResult, IdempotencyStore } from './idempotency.js';
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

  /**
   * Synchronous whenever the store and the handler are (the in-memory store always is): a promise
   * only where something is awaited. Each await costs a microtask, and with async context tracking
   * on a promise hook call too, on every delivery.
   */
  dispatch(delivery: Delivery): Settlement | Promise<Settlement> {
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
    if (store === undefined) return this.runHandler(new Handling(handler, validated.data, delivery, undefined, ''));
    const id = envelope.id;
    const running = this.running.get(id);
    if (running !== undefined) return this.afterRunning(running, delivery);
    // Made once: a fresh string is hashed again by every lookup it is used for.
    const handling = new Handling(handler, validated.data, delivery, store, this.storeKey(id));
    let claimed: ClaimResult | Promise<ClaimResult>;
    try {
      claimed = store.claim(handling.key);
    } catch (error) {
      this.finish(handling, false);
      throw error;
    }
    if (typeof claimed === 'string') return this.afterClaim(handling, claimed);
    this.goesAsync(handling);
    return claimed.then(
      (claim) => this.afterClaim(handling, claim),
      (error: unknown) => {
        this.finish(handling, false);
        throw error;
      },
    );
  }

  /** What the store answered for a deduplicated delivery; the handler runs only on `claimed`. */
  private afterClaim(handling: Handling, claim: ClaimResult): Settlement | Promise<Settlement> {
    const { id, type } = handling.delivery.envelope;
    if (claim === 'duplicate') {
      this.finish(handling, true);
      return this.duplicate(id, type);
    }
    if (claim === 'in-progress') {
      this.finish(handling, false);
      this.options.log({ level: 'info', event: 'consume.claimed_elsewhere', id, type, attempt: handling.delivery.attempt });
      return { settle: 'retry', reason: `event ${id} is being handled elsewhere (claimed in the idempotency store)` };
    }
    return this.runHandler(handling);
  }

  private runHandler(handling: Handling): Settlement | Promise<Settlement> {
    let running: Promise<void> | void;
    try {
      running = runWithCause(handling.delivery.envelope, () => handling.handler(handling.data, handling.delivery));
    } catch (error) {
      return this.handlerFailed(handling, error);
    }
    if (running === undefined) return this.handlerDone(handling);
    this.goesAsync(handling);
    return Promise.resolve(running).then(
      () => this.handlerDone(handling),
      (error: unknown) => this.handlerFailed(handling, error),
    );
  }

  /** The handler completed: the id is recorded as handled (when deduplicating) before the ack. */
  private handlerDone(handling: Handling): Settlement | Promise<Settlement> {
    const store = handling.store;
    if (store === undefined) return this.consumed();
    return this.afterStore(handling, store, undefined);
  }

  /** The handler threw: its claim is released so a retry may claim the id again. */
  private handlerFailed(handling: Handling, error: unknown): Settlement | Promise<Settlement> {
    const { delivery, store } = handling;
    const { id, type, eventversion: version } = delivery.envelope;
    const reason = errorMessage(error);
    let settlement: Settlement;
    if (error instanceof NonRetryableError) settlement = { settle: 'dead-letter', reason: 'non-retryable', error: reason, exception: error };
    else {
      // One warning per failed attempt: the last attempt's is the dead letter's, which the pipeline logs with this error.
      if (delivery.attempt < delivery.maxAttempts) this.options.log({ level: 'warn', event: 'consume.handler_failed', id, type, version, attempt: delivery.attempt, error: reason });
      settlement = { settle: 'retry', reason, exception: error };
    }
    if (store === undefined) return settlement;
    return this.afterStore(handling, store, settlement);
  }

  /**
   * Records the handling's end in the store, then ends the id's handling in this process: copies
   * waiting for it learn whether it completed. `failed`: the handler's failure, whose claim is
   * released; undefined: it completed, the id is recorded as handled and the delivery counted as
   * consumed. A store that failed to record fails the delivery (it is retried), and the id counts
   * as not completed.
   */
  private afterStore(handling: Handling, store: IdempotencyStore, failed: Settlement | undefined): Settlement | Promise<Settlement> {
    const completed = failed === undefined;
    let recorded: Promise<void> | void;
    try {
      recorded = completed ? store.complete(handling.key) : store.release(handling.key);
    } catch (error) {
      this.finish(handling, false);
      throw error;
    }
    if (recorded === undefined) {
      this.finish(handling, completed);
      return failed ?? this.consumed();
    }
    this.goesAsync(handling);
    return Promise.resolve(recorded).then(
      () => {
        this.finish(handling, completed);
        return failed ?? this.consumed();
      },
      (error: unknown) => {
        this.finish(handling, false);
        throw error;
      },
    );
  }

  private consumed(): Settlement {
    this.options.metrics.consumed++;
    return { settle: 'ack' };
  }

  /**
   * The handling is about to wait for the store or the handler: from now on until it finishes,
   * copies of its id arriving in this process wait for its outcome ({@link running}). A handling
   * that never waits is not recorded there at all: no other delivery can run before it finishes,
   * and recording it cost a map insert and delete on every delivery.
   */
  private goesAsync(handling: Handling): void {
    if (handling.waits) return;
    handling.waits = true;
    this.running.set(handling.delivery.envelope.id, null);
  }

  /** The handling ended: copies waiting for it learn whether it completed. */
  private finish(handling: Handling, completed: boolean): void {
    if (!handling.waits) return;
    handling.waits = false;
    const id = handling.delivery.envelope.id;
    const waiting = this.running.get(id);
    this.running.delete(id);
    if (waiting != null) for (const wake of waiting) wake(completed);
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

/** One delivery on its way through its handler, with what finishing it needs. */
class Handling {
  /** Whether it is recorded in {@link Dispatcher.running}: it waited, or waits, for its store or handler. */
  waits = false;

  constructor(
    readonly handler: BoundHandler,
    readonly data: unknown,
    readonly delivery: Delivery,
    readonly store: IdempotencyStore | undefined,
    /** The id as claimed in the store (see {@link DispatcherOptions.scope}); empty without a store. */
    readonly key: string,
  ) {}
}

/** Today's date as YYYY-MM-DD, in UTC like the catalogue's dates. */
function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}
