/**
 * MemoryIdempotencyStore past its capacity: which completed ids it still remembers (the most
 * recent, recency refreshed by a duplicate), and that claimed ids are never what it forgets.
 */
import { describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '../../runtime/idempotency.js';

function completeAll(store: MemoryIdempotencyStore, ids: readonly string[]): void {
  for (const id of ids) {
    expect(store.claim(id)).toBe('claimed');
    store.complete(id);
  }
}

describe('MemoryIdempotencyStore beyond its capacity', () => {
  it('forgets the least recently completed or found ids first', () => {
    const store = new MemoryIdempotencyStore(3);
    completeAll(store, ['a', 'b', 'c']);
    // A duplicate of 'a' makes it the most recent: 'b' goes first, then 'c'.
    expect(store.claim('a')).toBe('duplicate');
    completeAll(store, ['d']);
    expect(store.size).toBe(3);
    expect(store.claim('a')).toBe('duplicate');
    expect(store.claim('c')).toBe('duplicate');
    expect(store.claim('d')).toBe('duplicate');
    expect(store.claim('b')).toBe('claimed');
    store.complete('b');
    // 'a' was found again last before 'c' and 'd': order now a, c, d, b by last use; 'a' is oldest.
    expect(store.size).toBe(3);
    expect(store.claim('c')).toBe('duplicate');
    expect(store.claim('d')).toBe('duplicate');
    expect(store.claim('b')).toBe('duplicate');
    expect(store.claim('a')).toBe('claimed');
  });

  it('never forgets a claim in progress, however many ids complete meanwhile', () => {
    const store = new MemoryIdempotencyStore(10);
    expect(store.claim('running')).toBe('claimed');
    completeAll(store, Array.from({ length: 1000 }, (_, i) => `done-${i}`));
    expect(store.claim('running')).toBe('in-progress');
    expect(store.size).toBe(10);
    store.complete('running');
    expect(store.claim('running')).toBe('duplicate');
    // The ten most recent are remembered, the one before them is not.
    for (let i = 991; i < 1000; i++) expect(store.claim(`done-${i}`)).toBe('duplicate');
    expect(store.claim('done-990')).toBe('claimed');
  });

  it('keeps remembering exactly the most recent ids over many times its capacity, with hot duplicates among them', () => {
    const capacity = 50;
    const store = new MemoryIdempotencyStore(capacity);
    const hot = 'hot';
    completeAll(store, [hot]);
    for (let i = 0; i < 20_000; i++) {
      completeAll(store, [`id-${i}`]);
      expect(store.claim(hot)).toBe('duplicate');
    }
    expect(store.size).toBe(capacity);
    expect(store.claim(hot)).toBe('duplicate');
    for (let i = 20_000 - capacity + 1; i < 20_000; i++) expect(store.claim(`id-${i}`)).toBe('duplicate');
    expect(store.claim(`id-${20_000 - capacity}`)).toBe('claimed');
  });

  it('a released claim is forgotten; releasing a completed id changes nothing', () => {
    const store = new MemoryIdempotencyStore(2);
    expect(store.claim('x')).toBe('claimed');
    store.release('x');
    expect(store.size).toBe(0);
    expect(store.claim('x')).toBe('claimed');
    store.complete('x');
    store.release('x');
    expect(store.claim('x')).toBe('duplicate');
    expect(store.size).toBe(1);
  });
});
