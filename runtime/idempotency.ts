/**
 * Exactly-once handling on top of at-least-once delivery: a broker redelivers after a lost ack, and
 * the publisher re-sends after a lost confirm, so the same envelope id can arrive more than once.
 * A copy is acknowledged without running its handler only once a handler for the id has completed.
 */
import { Deque } from './deque.js';

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
 *
 * One map holds every id (claimed or completed) and a queue the order of completion; the oldest
 * is found at the queue's head. Finding it by iterating the map instead (its first key) slows to
 * tens of µs per message once the store is full: the map keeps deleted slots at its front until
 * it is rehashed, and an iterator walks over every one of them.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  /** Per id: {@link IN_PROGRESS}, or the sequence number of its completion (its place in {@link order}). */
  private readonly ids = new Map<string, number>();
  /**
   * Completions, oldest first: ids with the sequence number they had then. An id completed or
   * found again later has a newer place; its older one is passed over when it reaches the head.
   */
  private readonly order = new Deque<string>();
  private readonly orderSequences = new Deque<number>();
  private nextSequence = 0;
  private completedCount = 0;

  constructor(private readonly capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError('capacity must be a positive integer');
  }

  claim(id: string): ClaimResult {
    const state = this.ids.get(id);
    if (state === undefined) {
      this.ids.set(id, IN_PROGRESS);
      return 'claimed';
    }
    // Claimed but not completed: its handler has not done its work, so no copy may be acked for it.
    if (state === IN_PROGRESS) return 'in-progress';
    // Refresh recency: a hot duplicate should not be the next one evicted.
    this.remember(id);
    return 'duplicate';
  }

  complete(id: string): void {
    const state = this.ids.get(id);
    if (state === undefined || state === IN_PROGRESS) this.completedCount++;
    this.remember(id);
    while (this.completedCount > this.capacity) this.evictOldest();
  }

  release(id: string): void {
    if (this.ids.get(id) === IN_PROGRESS) this.ids.delete(id);
  }

  get size(): number {
    return this.completedCount;
  }

  /** Marks `id` completed as the most recent one. */
  private remember(id: string): void {
    const sequence = this.nextSequence++;
    this.ids.set(id, sequence);
    this.order.push(id);
    this.orderSequences.push(sequence);
    // Duplicates found again and again leave old places behind: drop them before they outnumber the ids.
    if (this.order.length > 2 * this.capacity + 1024) this.compact();
  }

  private evictOldest(): void {
    for (;;) {
      const id = this.order.shift();
      const sequence = this.orderSequences.shift();
      if (id === undefined) return;
      if (this.ids.get(id) === sequence) {
        this.ids.delete(id);
        this.completedCount--;
        return;
      }
    }
  }

  private compact(): void {
    const ids = this.order.drain();
    const sequences = this.orderSequences.drain();
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      if (this.ids.get(id) === sequences[index]) {
        this.order.push(id);
        this.orderSequences.push(sequences[index]!);
      }
    }
  }
}

/** An id claimed and neither completed nor released (completions are numbered from 0). */
const IN_PROGRESS = -1;
