import { describe, expect, it } from 'vitest';
import { createEnvelope, parseEnvelope } from '../../runtime/envelope.js';
import { decodeRecord, encodeEnvelope } from '../../runtime/kafka/wire.js';

/** The envelope a binary-mode record carries, as the consume pipeline reads it. */
function roundTrip(attributes: { source: string; correlationid?: string; tenantid?: string }) {
  const sent = createEnvelope({ type: 'orders.placed', version: 3, data: { text: 'a "quoted" \\ value\n' }, ...attributes });
  const { value, headers } = encodeEnvelope(sent, 'binary');
  const parsed = parseEnvelope(decodeRecord(value, headers).body);
  return { sent, parsed };
}

describe('Kafka binary mode: ce_ headers back into an envelope', () => {
  it('keeps header values that JSON must escape exactly as sent', () => {
    const awkward = ['plain', 'with "quotes"', 'back\\slash', 'tab\tand\nnewline', 'nul\u0000char', 'del\u007f', 'line\u2028separator', 'emoji 🎉', 'lone \ud800 surrogate', ''];
    for (const text of awkward) {
      const { sent, parsed } = roundTrip({ source: `urn:test:${text}`, correlationid: text, tenantid: text });
      expect(parsed.ok, text).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.envelope.source).toBe(sent.source);
      // A lone surrogate is escaped (JSON.stringify's well-formed output) and parses back to itself.
      expect(parsed.envelope.correlationid).toBe(text);
      expect(parsed.envelope.tenantid).toBe(text);
      expect(parsed.envelope.data).toEqual(sent.data);
      expect(parsed.envelope.eventversion).toBe(3);
    }
  });

  it('refuses a header value that is not the text it claims to be, as the pipeline would', () => {
    const { value, headers } = encodeEnvelope(createEnvelope({ type: 'orders.placed', version: 1, source: 'urn:test', data: {} }), 'binary');
    headers.set('ce_specversion', '0.3');
    const parsed = parseEnvelope(decodeRecord(value, headers).body);
    expect(parsed.ok).toBe(false);
  });
});
