// Hostile and broken input to a consumer on the real broker: every message below is dead-lettered
// with its reason, nothing pollutes a prototype, and the consumer stays healthy and keeps handling
// the valid message sent after each hostile one. Unique queue names per run (makeFixture).
import type { Options } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, DEFAULT_MAX_MESSAGE_BYTES, EventClient, MessageTooLargeError, type LogEntry } from '../../runtime/index.js';
import { AmqpTransport, deadLetterQueueName } from '../../runtime/amqp/index.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { Broker, drainUntil, RABBITMQ_URL } from './support/broker.js';

const LIMIT = 64 * 1024;
const CT = 'application/cloudevents+json; charset=utf-8';

function envelopeJson(data: unknown, type = 'test.order_shipped', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...createEnvelope({ type, version: 1, source: 'urn:hostile', data }), ...extra });
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

interface HostileCase {
  name: string;
  reason: string;
  body: string | Buffer;
  props?: Options.Publish;
  /** Published through the fixture's exchange instead of straight onto the queue. */
  viaExchange?: boolean;
}

const VALID_PREFIX = Buffer.from(envelopeJson({ text: 'x' }).replace('"x"', '"'));

const CASES: HostileCase[] = [
  { name: 'oversized', reason: 'message-too-large', body: envelopeJson({ text: 'x'.repeat(LIMIT) }), props: { contentType: CT } },
  { name: 'oversized-junk', reason: 'message-too-large', body: Buffer.alloc(LIMIT + 1, 0x7b) },
  { name: 'deep-data', reason: 'too-deeply-nested', body: envelopeJson({ text: 'deep' }).replace('"data":{"text":"deep"}', `"data":{"text":"deep","n":${nested(5000)}}`) },
  { name: 'deep-array', reason: 'too-deeply-nested', body: `${'['.repeat(30_000)}${']'.repeat(30_000)}` },
  { name: 'just-too-deep', reason: 'too-deeply-nested', body: envelopeJson({ text: 'deep' }).replace('"data":{"text":"deep"}', `"data":{"text":"deep","n":${nested(63)}}`) },
  { name: 'proto-in-data', reason: 'forbidden-key', body: envelopeJson({ text: 'p' }).replace('"data":{"text":"p"}', '"data":{"text":"p","__proto__":{"polluted":true}}') },
  { name: 'proto-escaped', reason: 'forbidden-key', body: envelopeJson({ text: 'p' }).replace('"data":{"text":"p"}', '"data":{"text":"p","\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true}}') },
  { name: 'proto-top-level', reason: 'forbidden-key', body: envelopeJson({ text: 'p' }).replace('{', '{"__proto__":{"polluted":true},') },
  { name: 'constructor-prototype', reason: 'forbidden-key', body: envelopeJson({ text: 'p' }).replace('"data":{"text":"p"}', '"data":{"text":"p","constructor":{"prototype":{"polluted":true}}}') },
  { name: 'proto-deep-in-array', reason: 'forbidden-key', body: envelopeJson({ text: 'p' }).replace('"data":{"text":"p"}', '"data":{"text":"p","list":[1,{"x":[{"__proto__":{"polluted":true}}]}]}') },
  { name: 'invalid-utf8', reason: 'invalid-utf8', body: Buffer.concat([VALID_PREFIX, Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]) },
  { name: 'overlong-utf8', reason: 'invalid-utf8', body: Buffer.concat([VALID_PREFIX, Buffer.from([0xc0, 0xaf]), Buffer.from('"}}')]) },
  { name: 'content-type-text', reason: 'unsupported-content-type', body: envelopeJson({ text: 'ct' }), props: { contentType: 'text/plain' } },
  { name: 'content-type-xml', reason: 'unsupported-content-type', body: '<event type="test.order_shipped"/>', props: { contentType: 'application/xml' } },
  { name: 'content-type-latin1', reason: 'unsupported-content-type', body: envelopeJson({ text: 'ct' }), props: { contentType: 'application/json; charset=iso-8859-1' } },
  { name: 'content-encoding-gzip', reason: 'unsupported-content-type', body: envelopeJson({ text: 'ct' }), props: { contentType: CT, contentEncoding: 'gzip' } },
  { name: 'empty-body', reason: 'invalid-json', body: '' },
  { name: 'bare-payload', reason: 'invalid-envelope', body: JSON.stringify({ text: 'no envelope' }) },
  { name: 'json-null', reason: 'invalid-envelope', body: 'null' },
  { name: 'forged-amqp-type', reason: 'invalid-envelope', body: envelopeJson({ text: 'f' }, 'test.low_note'), props: { type: 'test.order_shipped' } },
  { name: 'forged-specversion', reason: 'invalid-envelope', body: envelopeJson({ text: 'f' }, 'test.order_shipped', { specversion: '0.3' }) },
  { name: 'forged-version-string', reason: 'invalid-envelope', body: envelopeJson({ text: 'f' }, 'test.order_shipped', { eventversion: '1' }) },
  { name: 'forged-binary-data', reason: 'invalid-envelope', body: envelopeJson({ text: 'f' }, 'test.order_shipped', { data_base64: 'AAAA' }) },
  { name: 'forged-empty-id', reason: 'invalid-envelope', body: envelopeJson({ text: 'f' }, 'test.order_shipped', { id: '' }) },
  { name: 'forged-payload', reason: 'validation-failed', body: envelopeJson({ text: { toString: 'x' } }) },
  { name: 'forged-unknown-type', reason: 'unknown-type', body: envelopeJson({ text: 'f' }, 'admin.grant_everything') },
  // Origin headers set by the producer must not survive a delivery through a named exchange.
  { name: 'forged-origin-headers', reason: 'validation-failed', body: envelopeJson({ text: 7 }), viaExchange: true, props: { headers: { 'x-eventsmith-original-exchange': 'evil.exchange', 'x-eventsmith-original-routing-key': 'evil.key' } } },
];

let raw: Broker;
let fixture: Fixture;
let transport: AmqpTransport;
let client: EventClient<TestEvents>;
const logs: LogEntry[] = [];
const handled: string[] = [];

beforeAll(async () => {
  raw = await Broker.connect();
  fixture = makeFixture('hostile');
  transport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-test-hostile', maxMessageBytes: LIMIT, logger: (entry) => void logs.push(entry) });
  await transport.declareTopology(fixture.topology);
  client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:hostile' });
  client.on('test.order_shipped', (data) => void handled.push(data.text));
  client.on('test.low_note', (data) => void handled.push(`low:${data.text}`));
  await client.consume(fixture.queue.name, { prefetch: 1 });
});

afterAll(async () => {
  await client?.close({ timeoutMs: 2000 });
  if (fixture !== undefined) await raw.deleteTopology(fixture.topology);
  await raw?.close();
});

async function sendRaw(c: HostileCase): Promise<void> {
  const body = typeof c.body === 'string' ? Buffer.from(c.body, 'utf8') : c.body;
  const props = { messageId: `hostile:${c.name}`, ...c.props };
  if (c.viaExchange) {
    const key = fixture.registry.find((d) => d.type === 'test.order_shipped')!.destination;
    await raw.publish(fixture.exchange, key, body, props);
  } else {
    await raw.sendToQueue(fixture.queue.name, body, props);
  }
}

describe('hostile messages to a consumer (real broker)', () => {
  it(`dead-letters each of ${CASES.length} hostile messages with its reason and handles the valid message after each`, async () => {
    const before = client.health().reconnects;
    for (const [index, c] of CASES.entries()) {
      await sendRaw(c);
      await client.publish('test.order_shipped', 1, { text: `valid-${index}` });
      await waitFor(() => handled.length === index + 1, 5000, `valid message after '${c.name}'`);
    }
    expect(handled).toEqual(CASES.map((_c, index) => `valid-${index}`));

    const dlq = deadLetterQueueName(fixture.queue.name);
    const letters = await drainUntil(raw, dlq, CASES.length);
    expect(letters).toHaveLength(CASES.length);
    for (const c of CASES) {
      const letter = letters.find((l) => l.messageId === `hostile:${c.name}`);
      expect(letter, c.name).toBeDefined();
      expect([c.name, letter?.reason]).toEqual([c.name, c.reason]);
      expect(String(letter?.error), c.name).not.toBe('');
      expect(letter?.headers['x-eventsmith-queue'], c.name).toBe(fixture.queue.name);
    }
    // The dead letter keeps the original bytes: an operator can read exactly what arrived.
    const utf8 = letters.find((l) => l.messageId === 'hostile:invalid-utf8')!;
    expect(utf8.bytes.equals(CASES.find((c) => c.name === 'invalid-utf8')!.body as Buffer)).toBe(true);
    const forged = letters.find((l) => l.messageId === 'hostile:forged-origin-headers')!;
    expect(forged.headers['x-eventsmith-original-exchange']).toBe(fixture.exchange);
    expect(forged.headers['x-eventsmith-original-routing-key']).not.toBe('evil.key');

    // No prototype was touched, and the consumer is as healthy as before.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const health = client.health();
    expect(health).toMatchObject({ status: 'connected', healthy: true, reconnects: before });
    expect(health.consumers).toEqual([expect.objectContaining({ active: true, inFlight: 0 })]);
    expect(logs.filter((entry) => entry.event === 'amqp.channel.error' || entry.event === 'amqp.consumer.unexpected_error')).toEqual([]);
    expect(client.metrics()).toMatchObject({ consumed: CASES.length, deadLettered: CASES.length, retried: 0 });
    expect(await raw.messageCount(fixture.queue.name)).toBe(0);
  });

  it('accepts the harmless forms: a scalar constructor key, application/json, no content type, JSON nested 60 levels', async () => {
    const start = handled.length;
    // A fresh envelope (own id) each, or the idempotency store would absorb them as duplicates.
    const base = (): string => envelopeJson({ text: 'ok' });
    await raw.sendToQueue(fixture.queue.name, Buffer.from(base().replace('"data":{"text":"ok"}', '"data":{"text":"ctor","constructor":"a string"}')), { contentType: CT });
    await raw.sendToQueue(fixture.queue.name, Buffer.from(base().replace('"text":"ok"', '"text":"plain-json"')), { contentType: 'application/json' });
    await raw.sendToQueue(fixture.queue.name, Buffer.from(base().replace('"text":"ok"', '"text":"no-ct"')));
    await raw.sendToQueue(fixture.queue.name, Buffer.from(base().replace('"data":{"text":"ok"}', `"data":{"text":"nested","n":${nested(60)}}`)));
    await waitFor(() => handled.length === start + 4, 5000, 'four harmless messages');
    expect(handled.slice(start)).toEqual(['ctor', 'plain-json', 'no-ct', 'nested']);
    expect(await raw.messageCount(deadLetterQueueName(fixture.queue.name))).toBe(0);
  });

  it('publish refuses a message over maxMessageBytes before it is sent', async () => {
    const published = client.metrics().publishFailed;
    await expect(client.publish('test.order_shipped', 1, { text: 'y'.repeat(LIMIT) })).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(client.metrics().publishFailed).toBe(published + 1);
  });

  it(`the default limit is ${DEFAULT_MAX_MESSAGE_BYTES} bytes`, async () => {
    const other = makeFixture('hostile-default');
    const t = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-test-hostile-default' });
    try {
      await t.declareTopology(other.topology);
      const c = new EventClient<TestEvents>({ transport: t, registry: other.registry, source: 'urn:test', ownsTransport: false });
      const seen: number[] = [];
      c.on('test.order_shipped', (data) => void seen.push(data.text.length));
      await c.consume(other.queue.name);
      const big = envelopeJson({ text: 'z'.repeat(DEFAULT_MAX_MESSAGE_BYTES) });
      await raw.sendToQueue(other.queue.name, Buffer.from(big), { messageId: 'big' });
      const fits = envelopeJson({ text: 'z'.repeat(DEFAULT_MAX_MESSAGE_BYTES - 400) });
      expect(Buffer.byteLength(fits)).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
      await raw.sendToQueue(other.queue.name, Buffer.from(fits));
      await waitFor(() => seen.length === 1, 5000, 'the message that fits');
      const letters = await drainUntil(raw, deadLetterQueueName(other.queue.name), 1);
      expect(letters[0]?.reason).toBe('message-too-large');
      await c.close({ timeoutMs: 2000 });
    } finally {
      await t.close({ timeoutMs: 2000 });
      await raw.deleteTopology(other.topology);
    }
  });
});
