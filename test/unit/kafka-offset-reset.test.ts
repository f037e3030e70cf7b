/** Where a Kafka group goes when its position lies outside what the partition holds (retention ran past it). */
import { describe, expect, it } from 'vitest';
import { resetPosition } from '../../runtime/kafka/offset-reset.js';
import { PartitionLog } from '../../runtime/kafka/partition-log.js';

describe('resetPosition', () => {
  it('leaves a position inside the held range, its end included, where it is', () => {
    expect(resetPosition(6n, { first: 6n, end: 10n }, 'earliest')).toBeUndefined();
    expect(resetPosition(10n, { first: 6n, end: 10n }, 'latest')).toBeUndefined();
  });

  it('moves a position below the first held record to it (earliest) or to the end (latest), counting what is skipped', () => {
    expect(resetPosition(2n, { first: 6n, end: 10n }, 'earliest')).toEqual({ from: 2n, to: 6n, skipped: 4 });
    expect(resetPosition(2n, { first: 6n, end: 10n }, 'latest')).toEqual({ from: 2n, to: 10n, skipped: 8 });
  });

  it('does not count records fetched already (being handled) as skipped', () => {
    // Committed at 2, fetched up to 5, retention took everything below 6: only offset 5 was never read.
    expect(resetPosition(2n, { first: 6n, end: 10n }, 'earliest', 5n)).toEqual({ from: 2n, to: 6n, skipped: 1 });
    expect(resetPosition(2n, { first: 6n, end: 10n }, 'earliest', 8n)).toEqual({ from: 2n, to: 6n, skipped: 0 });
  });

  it('moves a position past the end (the topic emptied and filled again) back, skipping nothing', () => {
    expect(resetPosition(50n, { first: 0n, end: 10n }, 'earliest')).toEqual({ from: 50n, to: 0n, skipped: 0 });
    expect(resetPosition(50n, { first: 0n, end: 10n }, 'latest')).toEqual({ from: 50n, to: 10n, skipped: 0 });
  });
});

describe('PartitionLog.resetTo', () => {
  it('never commits a settled record below the reset position, which would move the group back', () => {
    const log = new PartitionLog<{ offset: bigint; settled: boolean }>('t', 0);
    const old = { offset: 3n, settled: false };
    log.add(old);
    log.resetTo(6n);
    old.settled = true;
    log.advance();
    expect(log.pendingCommit()).toBeUndefined();
    const next = { offset: 6n, settled: true };
    expect(log.add(next)).toBe(true);
    log.advance();
    expect(log.pendingCommit()).toBe(7n);
  });

  it('takes records again from a position below what it fetched once it holds none', () => {
    const log = new PartitionLog<{ offset: bigint; settled: boolean }>('t', 0);
    log.add({ offset: 40n, settled: true });
    log.advance();
    log.resetTo(0n);
    expect(log.add({ offset: 0n, settled: false })).toBe(true);
  });
});
