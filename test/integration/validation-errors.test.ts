// Validation errors say which event (type and version), which field, and what was expected: at
// publish (an EventValidationError, the zod error as its cause), in a dead letter's error text, and
// from the generated parse functions.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEnvelope, EventClient, EventValidationError, MemoryTransport, silentLogger } from '../../runtime/index.js';
import { defineRegistry, payloadValidator, type CatalogDefinition } from '../../runtime/catalog-registry.js';
import { makeFixture, waitFor, type TestEvents } from './support/fixtures.js';

const clients: EventClient<TestEvents>[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ timeoutMs: 1000 })));
});

async function service(): Promise<{ client: EventClient<TestEvents>; transport: MemoryTransport; queue: string }> {
  const fixture = makeFixture('validation', { maxAttempts: 1, baseDelayMs: 10 });
  const transport = new MemoryTransport();
  await transport.declareTopology(fixture.topology);
  const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:validation', logger: silentLogger });
  clients.push(client);
  return { client, transport, queue: fixture.queue.name };
}

describe('validation errors', () => {
  it('at publish: name the event, its version, each field and what it expected', async () => {
    const { client } = await service();
    const error = await client.publish('test.order_placed', 2, { orderId: 'o1', quantity: 'three' as unknown as number, currency: 'EURO' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventValidationError);
    const invalid = error as EventValidationError;
    expect(invalid.code).toBe('VALIDATION_FAILED');
    expect(invalid.type).toBe('test.order_placed');
    expect(invalid.version).toBe(2);
    expect(invalid.issues.map((issue) => issue.field)).toEqual(['quantity', 'currency']);
    expect(invalid.issues[0]?.expected).toBe('number');
    expect(invalid.message).toBe(
      "invalid payload for 'test.order_placed' version 2: field 'quantity': Invalid input: expected number, received string; field 'currency': Too big: expected string to have exactly 3 characters",
    );
    expect(invalid.cause).toBeInstanceOf(z.ZodError);
  });

  it('in a dead letter: the error text names the event, its version and the field', async () => {
    const { client, transport, queue } = await service();
    client.on('test.order_shipped', 1, () => {});
    await client.consume(queue);
    transport.injectRaw(queue, JSON.stringify(createEnvelope({ type: 'test.order_shipped', version: 1, source: 'urn:x', data: { text: 42 } })));
    await waitFor(() => transport.deadLetters(queue).length === 1, 5000, 'the dead letter');
    const [letter] = transport.deadLetters(queue);
    expect(letter?.reason).toBe('validation-failed');
    expect(letter?.error).toBe("invalid payload for 'test.order_shipped' version 1: field 'text': Invalid input: expected string, received number");
  });

  it('from the generated parse functions: nested fields by their path, the payload itself by name', () => {
    const Shape = z.object({ lines: z.array(z.object({ sku: z.string() })) });
    const definition: CatalogDefinition<'order.taken'> = {
      type: 'order.taken', version: 1, kind: 'business', urgency: 'medium', destination: 'business.order.taken', producers: [], consumers: [],
      tenantScoped: false, deprecated: false, replies: [], schema: Shape, validate: payloadValidator(Shape), jsonSchema: {},
    };
    const { parseEvent, parseEventVersion } = defineRegistry<{ 'order.taken': { 1: z.infer<typeof Shape> } }, { 'order.taken': 1 }>({ 'order.taken': { 1: definition } }, { 'order.taken': 1 });
    expect(() => parseEvent('order.taken', { lines: [{ sku: 5 }] })).toThrow(
      new EventValidationError('order.taken', 1, [{ field: 'lines[0].sku', path: ['lines', 0, 'sku'], message: 'Invalid input: expected string, received number', expected: 'string' }]),
    );
    const error = (() => {
      try {
        return parseEventVersion('order.taken', 1, 'not an object');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as Error).message).toBe("invalid payload for 'order.taken' version 1: the payload: Invalid input: expected object, received string");
  });
});
