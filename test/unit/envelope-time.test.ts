import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkEnvelope, createEnvelope } from '../../runtime/envelope.js';

const input = { type: 'orders.placed', version: 1, source: 'urn:test', data: {} };

describe('envelope time', () => {
  afterEach(() => vi.useRealTimers());

  it('is the current time in RFC 3339, whatever time the last envelope carried', () => {
    vi.useFakeTimers();
    for (const iso of ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.001Z', '2026-03-01T09:59:59.999Z', '2031-12-31T23:59:59.999Z']) {
      vi.setSystemTime(new Date(iso));
      expect(createEnvelope(input).time).toBe(iso);
    }
  });

  it('keeps a given time, as a Date or a string', () => {
    expect(createEnvelope({ ...input, time: new Date('2026-03-01T10:00:00Z') }).time).toBe('2026-03-01T10:00:00.000Z');
    expect(createEnvelope({ ...input, time: '2026-03-01T12:00:00+02:00' }).time).toBe('2026-03-01T10:00:00.000Z');
    expect(() => createEnvelope({ ...input, time: 'yesterday' })).toThrow(/invalid event time 'yesterday'/);
  });

  it('is the time of reading for a received envelope that carries none', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-05-05T05:05:05.005Z'));
    const parsed = checkEnvelope({ specversion: '1.0', id: 'e-1', source: 'urn:test', type: 'orders.placed', eventversion: 1, data: {} });
    expect(parsed.ok && parsed.envelope.time).toBe('2026-05-05T05:05:05.005Z');
  });
});
