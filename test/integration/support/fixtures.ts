// Shared test fixtures: a small zod-validated registry and a topology, with unique names per test.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { EventDefinition, SubscriptionSpec, TopologySpec, TransportBindings } from '../../../runtime/index.js';

export const OrderPlacedV1 = z.object({ orderId: z.string().min(1), quantity: z.number().int().positive() });
export const OrderPlacedV2 = OrderPlacedV1.extend({ currency: z.string().length(3) });
export const Note = z.object({ text: z.string() });
export const CheckStock = z.object({ sku: z.string() });
export const StockChecked = z.object({ sku: z.string(), available: z.number().int() });

export interface TestEvents {
  'test.order_placed': { 1: z.infer<typeof OrderPlacedV1>; 2: z.infer<typeof OrderPlacedV2> };
  'test.order_shipped': { 1: z.infer<typeof Note> };
  'test.low_note': { 1: z.infer<typeof Note> };
  'test.critical_alarm': { 1: z.infer<typeof Note> };
  'test.check_stock': { 1: z.infer<typeof CheckStock> };
  'test.stock_checked': { 1: z.infer<typeof StockChecked> };
}

export function uniqueName(label: string): string {
  return `es-test.${label}.${randomBytes(4).toString('hex')}`;
}

/**
 * Every fixture event goes to a destination under the fixture's own prefix. Its bindings name a
 * RabbitMQ exchange, a Redis stream and a Kafka topic of the fixture's own, so that tests running side by side
 * never share (or delete) one; other transports ignore them.
 */
function define<T>(bindings: TransportBindings, prefix: string, type: string, version: number, schema: z.ZodType<T>, extra: Partial<Pick<EventDefinition, 'kind' | 'urgency'>> = {}): EventDefinition<T> {
  return {
    type,
    version,
    kind: extra.kind ?? 'business',
    urgency: extra.urgency ?? 'medium',
    destination: `${prefix}.${type}`,
    bindings,
    validate: (data) => schema.safeParse(data),
  };
}

export interface Fixture {
  /** The fixture's RabbitMQ exchange (its AMQP binding). */
  exchange: string;
  /** The destination prefix every fixture event is published under. */
  prefix: string;
  queue: SubscriptionSpec;
  topology: TopologySpec;
  registry: EventDefinition[];
}

/** One subscription taking every destination under the fixture's prefix, of every kind. */
export function makeFixture(label: string, retry: SubscriptionSpec['retry'] = { maxAttempts: 3, baseDelayMs: 50 }): Fixture {
  const prefix = uniqueName(label);
  const exchange = `${prefix}.x`;
  const bindings = fixtureBindings(prefix);
  const queue: SubscriptionSpec = { name: `${prefix}.events`, sources: [{ destination: `${prefix}.#`, bindings }], retry };
  const registry = [
    define(bindings, prefix, 'test.order_placed', 1, OrderPlacedV1),
    define(bindings, prefix, 'test.order_placed', 2, OrderPlacedV2),
    define(bindings, prefix, 'test.order_shipped', 1, Note),
    define(bindings, prefix, 'test.low_note', 1, Note, { urgency: 'low' }),
    define(bindings, prefix, 'test.critical_alarm', 1, Note, { kind: 'alert', urgency: 'critical' }),
    define(bindings, prefix, 'test.check_stock', 1, CheckStock, { kind: 'command' }),
    define(bindings, prefix, 'test.stock_checked', 1, StockChecked),
  ] as EventDefinition[];
  return { exchange, prefix, queue, topology: { subscriptions: [queue] }, registry };
}

/**
 * The fixture's own RabbitMQ exchange, Redis stream and Kafka topic. The topic has one partition,
 * so that unkeyed events keep the order the suite publishes them in, as in a queue or a stream.
 */
export function fixtureBindings(prefix: string): TransportBindings {
  return { amqp: { exchange: `${prefix}.x` }, redis: { stream: `${prefix}.stream` }, kafka: { topic: `${prefix}.topic`, partitions: 1 } };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes; keeps tests bounded without fixed sleeps. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(10);
  }
}
