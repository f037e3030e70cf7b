/**
 * Exactly-once handling on top of at-least-once delivery: a broker redelivers after a lost ack, and
 * the publisher re-sends after a lost confirm, so the same envelope id can arrive more than once.
 */

/**
 * `in-progress`: another process holds a live claim on the id (it may still finish, or may have
 * died mid-handler): the delivery is retried later instead of acknowledged, so that an event whose
 * handler died before doing its work is not acknowledged as a duplicate. A shared store returns it
 * until the claim expires; the in-memory store never does (a claim in this process is settled by
 * the delivery that holds it).
 */
export type ClaimResult = 'claimed' | 'duplicate' | 'in-progress';

/**
 * Implement this over Redis or a database table to share deduplication across instances. A claim
 * that is neither completed nor released (the process died mid-handler) should expire in a shared
 * store, or the event will never be handled again.
 */
export interface IdempotencyStore {
  /** Reserves `id` for one handler. 'duplicate' if it was completed or is being handled now. */
  claim(id: string): Promise<ClaimResult> | ClaimResult;
  /** The handler succeeded: remember `id` for good. */
  complete(id: string): Promise<void> | void;
  /** The handler failed: forget the claim so a retry may handle `id`. */
  release(id: string): Promise<void> | void;
}

/**
 * Per-process store remembering the most recent `capacity` completed ids (LRU). It deduplicates
 * redeliveries to this process only, which covers reconnects and publisher re-sends.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly completed = new Map<string, true>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError('capacity must be a positive integer');
  }

  claim(id: string): ClaimResult {
    if (this.inProgress.has(id)) return 'duplicate';
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
