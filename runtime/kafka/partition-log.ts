/**
 * Commit bookkeeping for one partition. Kafka keeps one position per partition and group: every
 * record before it counts as handled. Records of different keys are handled side by side and
 * finish out of order, so the position may only move past a record once it and every record
 * before it are settled: never past an unfinished one, or a crash would lose it.
 */
import { Deque } from '../deque.js';

export interface TrackedRecord {
  readonly offset: bigint;
  settled: boolean;
}

export class PartitionLog<R extends TrackedRecord> {
  private readonly records = new Deque<R>();
  /** The next offset to commit: every record before it is settled. */
  private settledUpTo: bigint | undefined;
  private lastSeen: bigint | undefined;
  /** The position last handed to the broker. */
  committed: bigint | undefined;
  /** Set when the partition was revoked: its records are no longer ours to commit. */
  detached = false;

  constructor(readonly topic: string, readonly partition: number) {}

  /**
   * Takes a fetched record; false when it is a copy of one already tracked or settled (the client
   * fetches again from the committed position after a rebalance or a lost connection).
   */
  add(record: R): boolean {
    if (this.settledUpTo !== undefined && record.offset < this.settledUpTo) return false;
    if (this.lastSeen !== undefined && record.offset <= this.lastSeen) return false;
    this.lastSeen = record.offset;
    this.records.push(record);
    return true;
  }

  /** Drops settled records from the front; returns the new position when it moved. */
  advance(): bigint | undefined {
    let moved: bigint | undefined;
    for (let head = this.records.peek(); head !== undefined && head.settled; head = this.records.peek()) {
      this.records.shift();
      moved = head.offset + 1n;
    }
    if (moved !== undefined) this.settledUpTo = moved;
    return moved;
  }

  /** The position to commit if it is ahead of what was committed. */
  pendingCommit(): bigint | undefined {
    if (this.settledUpTo === undefined) return undefined;
    return this.committed === undefined || this.settledUpTo > this.committed ? this.settledUpTo : undefined;
  }

  /** The offset after the last record fetched, if any was. */
  get nextOffset(): bigint | undefined {
    return this.lastSeen === undefined ? undefined : this.lastSeen + 1n;
  }

  /**
   * The group's position was moved to `position` (committed there already) because the records
   * before it are gone: settled records below it are never committed again, which would move the
   * group back. A partition emptied and filled again (position at or below what was fetched)
   * accepts records from the position on once nothing is held.
   */
  resetTo(position: bigint): void {
    this.committed = position;
    if (this.settledUpTo === undefined || this.settledUpTo < position) this.settledUpTo = position;
    if (this.lastSeen !== undefined && this.lastSeen >= position && this.records.length === 0) {
      this.lastSeen = position - 1n;
      this.settledUpTo = position;
    }
  }

  /** Records held: the unsettled ones and the settled ones waiting behind one. */
  get held(): number {
    return this.records.length;
  }

  /** Every record not yet settled, oldest first. */
  *pending(): Iterable<R> {
    yield* this.records;
  }
}
