// Interoperability with the CloudEvents JS SDK's Kafka binding, on the local broker: what the Kafka
// transport writes (binary and structured mode) the SDK decodes into the same event, and what the
// SDK encodes, written by a producer that knows nothing of eventsmith, eventsmith consumes and handles.
import { randomUUID } from 'node:crypto';
import { CloudEvent, Kafka, type CloudEventV1, type KafkaMessage } from 'cloudevents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventClient, type Envelope } from '../../runtime/index.js';
import { KafkaTransport, type WireMode } from '../../runtime/kafka/index.js';
import { makeFixture, waitFor, type Fixture, type TestEvents } from '../integration/support/fixtures.js';
import { KAFKA_BROKERS, RawKafka, type RawRecord } from '../integration/support/kafka.js';

let kafka: RawKafka;
const fixtures: Fixture[] = [];
const clients: Array<EventClient<TestEvents>> = [];

beforeAll(() => {
  kafka = new RawKafka();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close({ timeoutMs: 5000 })));
  for (const fixture of fixtures) await kafka.deleteTopology(fixture.topology);
  await kafka.close();
});

/** The fixture's own topic (its Kafka binding), where every fixture event goes. */
function topicOf(fixture: Fixture): string {
  return `${fixture.prefix}.topic`;
}

async function client(fixture: Fixture, mode: WireMode, source: string): Promise<EventClient<TestEvents>> {
  const transport = await KafkaTransport.connect({ brokers: KAFKA_BROKERS, clientId: 'es-test-cloudevents', mode });
  const events = new EventClient<TestEvents>({ transport, registry: fixture.registry, source });
  clients.push(events);
  await transport.declareTopology(fixture.topology);
  return events;
}

/** A record as read from the broker, in the shape the SDK's Kafka binding takes. */
function sdkMessage(record: RawRecord): KafkaMessage<string> {
  return { key: record.key ?? '', value: record.value, headers: record.headers, body: record.value };
}

function single(decoded: CloudEventV1<unknown> | CloudEventV1<unknown>[]): CloudEventV1<unknown> {
  if (Array.isArray(decoded)) throw new Error(`expected one event, the SDK decoded a batch of ${decoded.length}`);
  return decoded;
}

describe('CloudEvents JS SDK Kafka binding', () => {
  for (const mode of ['binary', 'structured'] as const) {
    it(`decodes what the Kafka transport writes in ${mode} mode into the same event`, async () => {
      const fixture = makeFixture(`ce-${mode}`);
      fixtures.push(fixture);
      const publisher = await client(fixture, mode, 'urn:eventsmith:order-service');
      const sent = await publisher.publish('test.order_placed', 2, { orderId: 'o-42', quantity: 3, currency: 'EUR' }, { key: 'o-42', tenantId: 'acme-bakery', correlationId: 'corr-7' });

      const [record] = await kafka.read(topicOf(fixture), 1);
      expect(record).toBeDefined();
      const headers = record!.headers;
      if (mode === 'binary') {
        expect(headers['ce_id']).toBe(sent.id);
        expect(JSON.parse(record!.value)).toEqual(sent.data);
      } else {
        expect(headers['content-type']).toMatch(/^application\/cloudevents\+json/);
        expect(Object.keys(headers).some((name) => name.startsWith('ce_'))).toBe(false);
      }

      expect(Kafka.isEvent(sdkMessage(record!))).toBe(true);
      const event = single(Kafka.toEvent(sdkMessage(record!)));
      expect(event.specversion).toBe('1.0');
      expect(event.id).toBe(sent.id);
      expect(event.type).toBe('test.order_placed');
      expect(event.source).toBe('urn:eventsmith:order-service');
      expect(event.time).toBe(new Date(sent.time).toISOString());
      expect(event.datacontenttype).toBe(sent.datacontenttype);
      expect(event.data).toEqual({ orderId: 'o-42', quantity: 3, currency: 'EUR' });
      // The binding maps the record key to the partitionkey extension.
      expect(event['partitionkey']).toBe('o-42');
      // Extensions: header values are text in binary mode (the SDK keeps them as text), JSON values in structured mode.
      const extensions: Record<string, unknown> = { eventversion: sent.eventversion, tenantid: sent.tenantid, correlationid: sent.correlationid, urgency: sent.urgency };
      for (const [name, value] of Object.entries(extensions)) {
        expect(value, name).toBeDefined();
        expect(String(event[name]), name).toBe(String(value));
      }
      expect(event['eventversion']).toBe(mode === 'binary' ? '2' : 2);
      expect(event['tenantid']).toBe('acme-bakery');
      expect(event['correlationid']).toBe('corr-7');
    });
  }

  it('eventsmith consumes and handles records the SDK encodes, in binary and in structured mode', async () => {
    const fixture = makeFixture('ce-sdk');
    fixtures.push(fixture);
    const consumer = await client(fixture, 'binary', 'urn:eventsmith:inventory-service');
    const handled: Array<{ envelope: Envelope; data: TestEvents['test.order_placed'][2] }> = [];
    consumer.on('test.order_placed', 2, (data, ctx) => {
      handled.push({ envelope: ctx.envelope, data });
    });
    await consumer.consume(fixture.queue.name);

    const made = (orderId: string) =>
      new CloudEvent<TestEvents['test.order_placed'][2]>({
        id: randomUUID(),
        type: 'test.order_placed',
        source: 'urn:example:storefront',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: { orderId, quantity: 2, currency: 'EUR' },
        eventversion: 2,
        tenantid: 'acme-bakery',
        partitionkey: orderId,
      });
    const binaryEvent = made('o-binary');
    const structuredEvent = made('o-structured');

    const binary = Kafka.binary(binaryEvent);
    // The SDK leaves the data as an object and header values as they were typed: the application
    // serializes them, as a producer in any language would.
    await kafka.produce(topicOf(fixture), JSON.stringify(binary.value), { key: String(binary.key), headers: textHeaders(binary.headers) });
    const structured = Kafka.structured(structuredEvent);
    await kafka.produce(topicOf(fixture), structured.value, { key: String(structured.key), headers: textHeaders(structured.headers) });

    await waitFor(() => handled.length >= 2, 20_000, 'both SDK records handled');
    const byId = new Map(handled.map((entry) => [entry.envelope.id, entry]));
    for (const event of [binaryEvent, structuredEvent]) {
      const entry = byId.get(event.id);
      expect(entry, event.id).toBeDefined();
      expect(entry!.data).toEqual(event.data);
      expect(entry!.envelope.type).toBe('test.order_placed');
      expect(entry!.envelope.source).toBe('urn:example:storefront');
      expect(entry!.envelope.eventversion).toBe(2);
      expect(entry!.envelope.tenantid).toBe('acme-bakery');
    }
    expect(consumer.metrics().deadLettered).toBe(0);
  });
});

function textHeaders(headers: Record<string, unknown>): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) text[name] = String(value);
  return text;
}
