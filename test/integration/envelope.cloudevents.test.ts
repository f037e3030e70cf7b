// Interop with the official CloudEvents SDK: no broker involved, only the wire format.
import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { createEnvelope, parseEnvelope, serializeEnvelope } from '../../runtime/index.js';

const sample = () =>
  createEnvelope({
    type: 'inventory.stock_added',
    version: 2,
    source: 'urn:eventsmith:inventory-service',
    data: { tenant_id: 'acme', sku: 'FLOUR-1', quantity: 12 },
    correlationid: 'corr-1',
    causationid: 'cause-1',
    tenantid: 'acme',
    urgency: 'high',
    dataschema: 'https://schemas.example/inventory/stock_added/2',
  });

describe('envelope ↔ CloudEvents SDK', () => {
  it('createEnvelope writes CloudEvents 1.0 structured JSON', () => {
    const envelope = sample();
    expect(envelope.specversion).toBe('1.0');
    expect(envelope.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.isNaN(Date.parse(envelope.time))).toBe(false);
    expect(envelope.datacontenttype).toBe('application/json');
    for (const key of Object.keys(envelope)) expect(key).toMatch(/^[a-z0-9]+$/);
  });

  it('the SDK reads what we write (constructor and HTTP structured mode)', () => {
    const envelope = sample();
    const json = serializeEnvelope(envelope).toString('utf8');

    const event = new CloudEvent(JSON.parse(json) as Record<string, unknown>);
    expect(event.validate()).toBe(true);
    expect(event.id).toBe(envelope.id);
    expect(event.type).toBe('inventory.stock_added');
    expect(event.source).toBe('urn:eventsmith:inventory-service');
    expect(event.data).toEqual(envelope.data);
    expect(event['eventversion']).toBe(2);
    expect(event['correlationid']).toBe('corr-1');
    expect(event['urgency']).toBe('high');

    const fromHttp = HTTP.toEvent({ headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: json });
    const single = Array.isArray(fromHttp) ? fromHttp[0] : fromHttp;
    expect(single?.id).toBe(envelope.id);
    expect(single?.['causationid']).toBe('cause-1');
    expect(single?.data).toEqual(envelope.data);
  });

  it('we parse what the SDK serialises', () => {
    const event = new CloudEvent({
      type: 'billing.invoice_paid',
      source: '/billing',
      datacontenttype: 'application/json',
      data: { invoice: 'INV-1', amount: 10.5 },
      eventversion: 1,
      correlationid: 'flow-9',
    });
    const message = HTTP.structured(event);
    const parsed = parseEnvelope(String(message.body));
    expect(parsed).toMatchObject({ ok: true });
    if (!parsed.ok) return;
    expect(parsed.envelope).toMatchObject({ id: event.id, type: 'billing.invoice_paid', source: '/billing', eventversion: 1, correlationid: 'flow-9', data: { invoice: 'INV-1', amount: 10.5 } });
    expect(parseEnvelope(JSON.stringify(event)).ok).toBe(true);
  });

  it('parseEnvelope is strict', () => {
    const good = JSON.parse(serializeEnvelope(sample()).toString()) as Record<string, unknown>;
    const variant = (patch: Record<string, unknown>, drop?: string) => {
      const copy: Record<string, unknown> = { ...good, ...patch };
      if (drop !== undefined) delete copy[drop];
      return JSON.stringify(copy);
    };
    expect(parseEnvelope('not json')).toMatchObject({ ok: false, reason: 'invalid-json' });
    expect(parseEnvelope('[1,2]')).toMatchObject({ ok: false, reason: 'invalid-envelope' });
    expect(parseEnvelope(variant({ specversion: '0.3' }))).toMatchObject({ ok: false, reason: 'invalid-envelope' });
    for (const required of ['id', 'source', 'type', 'specversion', 'data', 'eventversion']) {
      expect(parseEnvelope(variant({}, required)), required).toMatchObject({ ok: false, reason: 'invalid-envelope' });
    }
    expect(parseEnvelope(variant({ eventversion: 1.5 }))).toMatchObject({ ok: false });
    expect(parseEnvelope(variant({ time: 'yesterday' }))).toMatchObject({ ok: false });
    expect(parseEnvelope(variant({ eventVersion: 1 }))).toMatchObject({ ok: false });
    expect(parseEnvelope(variant({ datacontenttype: 'text/plain' }))).toMatchObject({ ok: false });
    expect(parseEnvelope(variant({ urgency: 'whenever' }))).toMatchObject({ ok: false });
    // Optional attributes, present with another type than a string, each named.
    for (const name of ['dataschema', 'correlationid', 'causationid', 'tenantid', 'traceparent', 'tracestate']) {
      for (const value of [5, true, { nested: 'x' }, ['x']]) {
        expect(parseEnvelope(variant({ [name]: value })), `${name}: ${JSON.stringify(value)}`).toMatchObject({ ok: false, reason: 'invalid-envelope', detail: `'${name}' must be a string` });
      }
    }
    // A time of the right shape that names no instant, read right after a valid one.
    for (const time of ['2026-13-01T00:00:00Z', '2026-01-01T25:00:00Z']) {
      expect(parseEnvelope(variant({ time: '2026-01-01T00:00:00Z' }))).toMatchObject({ ok: true });
      expect(parseEnvelope(variant({ time })), time).toMatchObject({ ok: false, detail: "'time' is not an RFC 3339 timestamp" });
    }
    expect(parseEnvelope(Buffer.from(variant({})))).toMatchObject({ ok: true });
  });
});
