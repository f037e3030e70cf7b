import { describe, expect, it } from 'vitest';
import { consumePipeline } from '../../runtime/consume/pipeline.js';
import { createEnvelope, parseEnvelope, type Envelope } from '../../runtime/envelope.js';
import { decodeEnvelope, decodeRecord, encodeEnvelope } from '../../runtime/kafka/wire.js';
import type { InboundMessage, SubscriptionInfo } from '../../runtime/transport.js';

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

/**
 * decodeEnvelope hands the pipeline an envelope it would otherwise parse from decodeRecord's body:
 * for every record it must either decline (undefined: the pipeline then judges the body, so a bad
 * record keeps its reason and detail) or give exactly the envelope the body's path gives.
 */
describe('Kafka binary mode: the envelope decoded without a body', () => {
  const limits = { maxMessageBytes: 2048, maxJsonDepth: 8 };
  const subscription: SubscriptionInfo = { name: 'wire-test', retry: { maxAttempts: 1, baseDelayMs: 0, factor: 1, maxDelayMs: 0 }, ...limits };
  const seen: Envelope[] = [];
  const pipeline = consumePipeline(
    (delivery) => {
      seen.push(delivery.envelope);
      return Promise.resolve({ settle: 'ack' });
    },
    () => {},
  );

  /** What the pipeline makes of the record: the envelope it dispatches, or the dead-letter reason and detail. */
  async function judge(message: Omit<InboundMessage, 'subscription' | 'attempt' | 'redelivered' | 'reply'>): Promise<{ envelope: Envelope } | { reason: string; error: string }> {
    seen.length = 0;
    const decision = await pipeline({ ...message, subscription, attempt: 1, redelivered: false, reply: () => Promise.resolve() });
    if (decision.settle === 'dead-letter') return { reason: decision.reason, error: decision.error };
    expect(decision.settle).toBe('ack');
    return { envelope: seen[0]! };
  }

  async function bothWays(value: Buffer | undefined, headers: Map<string, string>): Promise<{ decoded: boolean; general: Awaited<ReturnType<typeof judge>> }> {
    const { body, contentType } = decodeRecord(value, headers);
    const general = await judge(contentType === undefined ? { body } : { body, contentType });
    const envelope = decodeEnvelope(value, headers, limits);
    if (envelope === undefined) return { decoded: false, general };
    // Decoded: the pipeline takes it as it is, and it must be what the body gave.
    const fast = await judge({ body: Buffer.alloc(0), envelope, ...(contentType === undefined ? {} : { contentType }) });
    expect(fast).toEqual(general);
    return { decoded: true, general };
  }

  function record(data: unknown, change: (headers: Map<string, string>) => void = () => {}): { value: Buffer; headers: Map<string, string> } {
    const sent = createEnvelope({ type: 'orders.placed', version: 2, source: 'urn:test', data, tenantid: 'acme', urgency: 'high', correlationid: 'c-1' });
    const { value, headers } = encodeEnvelope(sent, 'binary');
    headers.set('eventsmith-destination', 'business.orders.placed');
    change(headers);
    return { value, headers };
  }

  it('decodes a well-formed event to the envelope its body gives', async () => {
    for (const data of [{ order: 'o-1', lines: [{ sku: 'a', quantity: 2 }] }, null, 'text', 42, [], { nested: { deeper: [1, { x: true }] } }]) {
      const { value, headers } = record(data);
      const { decoded, general } = await bothWays(value, headers);
      expect(decoded, JSON.stringify(data)).toBe(true);
      expect(general).toMatchObject({ envelope: { type: 'orders.placed', eventversion: 2, data, tenantid: 'acme', urgency: 'high', correlationid: 'c-1' } });
    }
  });

  it('decodes awkward header values exactly as the body path does', async () => {
    for (const text of ['with "quotes"', 'back\\slash', 'tab\tand\nnewline', 'nul\u0000char', 'line\u2028separator', 'emoji 🎉', 'lone \ud800 surrogate', '']) {
      const { value, headers } = record({ ok: 1 }, (h) => h.set('ce_correlationid', text));
      expect((await bothWays(value, headers)).decoded, text).toBe(true);
    }
    // Both datacontenttype sources: the content-type header is last in the body, so it wins.
    const both = record({ ok: 1 }, (h) => h.set('ce_datacontenttype', 'text/plain'));
    expect((await bothWays(both.value, both.headers)).decoded).toBe(true);
  });

  it('declines every record the pipeline refuses, which keeps its reason and detail', async () => {
    const cases: Array<[string, { value: Buffer | undefined; headers: Map<string, string> }]> = [
      ['invalid-json', { ...record({}), value: Buffer.from('{"text": nope}') }],
      ['invalid-json', { ...record({}), value: Buffer.from('{"a":1} trailing') }],
      ['invalid-utf8', { ...record({}), value: Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]) }],
      ['invalid-envelope', record({}, (h) => h.delete('ce_id'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_eventversion', 'one'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_eventversion', '-0'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_eventversion', '9'.repeat(400)))],
      ['invalid-envelope', record({}, (h) => h.set('ce_specversion', '0.3'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_time', 'yesterday'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_urgency', 'whenever'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_Upper', 'x'))],
      ['invalid-envelope', record({}, (h) => h.set('ce_data_base64', 'AAAA'))],
      [
        'invalid-envelope',
        record({}, (h) => {
          h.delete('content-type');
          h.set('ce_datacontenttype', 'text/plain');
        }),
      ],
      ['forbidden-key', { ...record({}), value: Buffer.from('{"__proto__":{"polluted":true}}') }],
      ['forbidden-key', { ...record({}), value: Buffer.from('{"a":{"constructor":{"prototype":{}}}}') }],
      ['forbidden-key', record({}, (h) => h.set('ce___proto__', 'x'))],
      ['too-deeply-nested', record({ a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } })],
      ['unsupported-content-type', record({}, (h) => h.set('content-type', 'application/xml'))],
      ['message-too-large', record({ text: 'x'.repeat(limits.maxMessageBytes) })],
    ];
    for (const [i, [reason, { value, headers }]] of cases.entries()) {
      const { decoded, general } = await bothWays(value, headers);
      expect({ i, decoded, general: 'reason' in general ? general.reason : 'dispatched' }).toEqual({ i, decoded: false, general: reason });
    }
  });

  it('declines a body just over the size limit and decodes none that the pipeline would refuse for size', async () => {
    for (let length = limits.maxMessageBytes - 700; length <= limits.maxMessageBytes; length += 7) {
      const { value, headers } = record({ text: 'é'.repeat(Math.floor(length / 2)) });
      const { decoded, general } = await bothWays(value, headers);
      if (decoded) expect(general).toHaveProperty('envelope');
    }
  });

  it('leaves records outside its plain case to the body path: structured mode, extension attributes, a value that only parses spliced', async () => {
    const structured = encodeEnvelope(createEnvelope({ type: 'orders.placed', version: 1, source: 'urn:test', data: {} }), 'structured');
    const extension = record({}, (h) => h.set('ce_partitionkey', 'k'));
    // Not JSON alone, yet JSON once spliced into the body: the body path decides what it is.
    const spliced = { ...record({}), value: Buffer.from('null,"id":"forged"') };
    for (const { value, headers } of [structured, extension, spliced]) expect(decodeEnvelope(value, headers, limits)).toBeUndefined();
    expect((await bothWays(extension.value, extension.headers)).general).toHaveProperty('envelope');
  });
});
