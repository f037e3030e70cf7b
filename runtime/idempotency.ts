/**
 * Exactly-once handling on top of at-least-once delivery: a broker redelivers after a lost ack, and
 * the publisher re-sends after a lost confirm, so the same envelope id can arrive more than once.
 * A copy is acknowledged without running its handler only once a handler for the id has completed.
 */

/**
 * What {@link IdempotencyStore.claim} found for an id:
 *
 * - `claimed`: no one has completed or holds the id; the caller now holds it and runs the handler,
 *   then calls `complete` (success) or `release` (failure).
 * - `duplicate`: a handler for the id has completed (`complete` was called). The delivery is
 *   acknowledged without running the handler. Never answered for an id that is only claimed.
 * - `in-progress`: the id is claimed but not completed: a handler for it may be running (another
 *   process, or another client on the same store) or may have died mid-handler. The delivery is
 *   retried later, never acknowledged, so an event whose handler has not done its work is not
 *   lost. A shared store answers it until the claim is completed, released or expires.
 *
 * A copy that arrives while the same client (dispatcher) still runs the id's handler does not get
 * here: it waits for that handler in the process and takes its outcome.
 */
export type ClaimResult = 'claimed' | 'duplicate' | 'in-progress';

/**
 * Implement this over Redis or a database table to share deduplication across instances. A claim
 * that is neither completed nor released (the process died mid-handler) should expire in a shared
 * store, or the event will never be handled again. The client passes ids scoped by its service
 * (`<source>|<event id>`): services sharing one store each handle every event, their replicas once.
 */
export interface IdempotencyStore {
  /**
   * Reserves `id` for one handler: `claimed` if no one completed or holds it, `duplicate` only if a
   * handler for it completed, `in-progress` while it is claimed but not completed (see {@link ClaimResult}).
   */
  claim(id: string): Promise<ClaimResult> | ClaimResult;
  /** The handler succeeded: remember `id` for good; later claims answer `duplicate`. */
  complete(id: string): Promise<void> | void;
  /** The handler failed: forget the claim so a retry may claim and handle `id`. */
  release(id: string): Promise<void> | void;
}

/**
 * Per-process store remembering the most recent `capacity` completed ids (LRU). It deduplicates
 * redeliveries to this process only, which covers reconnects and publisher re-sends. Answers
 * synchronously: `duplicate` for a completed id; `in-progress` for an id claimed and neither
 * completed nor released yet (held by another client sharing this store: its copy is retried);
 * `claimed` otherwise. Claims do not expire: they end with the process, and the handler holding them.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly completed = new Map<string, true>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError('capacity must be a positive integer');
  }

  claim(id: string): ClaimResult {
    // Claimed but not completed: its handler has not done its work, so no copy may be acked for it.
    if (this.inProgress.has(id)) return 'in-progress';
    if (this.completed.has(id)) {
      // Refresh recency: a hot duplicate should not be the next one evicted.
      this.completed.delete(id);
      this.completed.set(id, true);
      return 'duplicate';
    }
    this.inProgress.add(id);
    return 'claimed';
  }

  complete(id: string): void {
    this.inProgress.delete(id);
    this.completed.set(id, true);
    if (this.completed.size > this.capacity) {
      const oldest = this.completed.keys().next();
      if (oldest.done !== true) this.completed.delete(oldest.value);
    }
  }

  release(id: string): void {
    this.inProgress.delete(id);
  }

  get size(): number {
    return this.completed.size;
  }
}
