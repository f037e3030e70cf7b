/**
 * Where a group goes when its position is out of the range its partition holds (the broker answers
 * OFFSET_OUT_OF_RANGE to every fetch from there, for ever): the records before it were deleted by
 * retention before the group read them, or the topic was emptied and filled again. Kafka's own
 * clients do the same with `auto.offset.reset`.
 */

/** `earliest`: the first record still held (default); `latest`: the end, skipping what is held too. */
export type OffsetReset = 'earliest' | 'latest';

export interface PartitionRange {
  /** The first offset the broker still holds. */
  first: bigint;
  /** The offset the next record will get. */
  end: bigint;
}

export interface PositionReset {
  from: bigint;
  to: bigint;
  /** Records never handled: lost to retention (and, with `latest`, those still held but passed over). */
  skipped: number;
}

/**
 * The new position of a group that would read `from` next, or `undefined` when `from` is inside
 * the partition's range and nothing needs moving. Records before `fetchedUpTo` were fetched
 * already (they are being handled, not skipped).
 */
export function resetPosition(from: bigint, range: PartitionRange, reset: OffsetReset, fetchedUpTo?: bigint): PositionReset | undefined {
  if (from >= range.first && from <= range.end) return undefined;
  const to = reset === 'latest' ? range.end : range.first;
  const firstUnread = fetchedUpTo !== undefined && fetchedUpTo > from ? fetchedUpTo : from;
  return { from, to, skipped: to > firstUnread ? Number(to - firstUnread) : 0 };
}
