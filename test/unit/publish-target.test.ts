// A publish without options reuses its definition's target (client.ts, targetFor): what each
// message's options or payload change must still reach the transport, before and after the reuse.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventClient, MemoryTransport } from '../../runtime/index.js';

const Order = z.object({ orderId: z.string() });
const REGISTRY = {
  'order.placed': { 1: { type: 'order.placed', version: 1, kind: 'business', urgency: 'low', destination: 'business.order.placed', replies: [], schema: Order } },
  'order.keyed': { 1: { type: 'order.keyed', version: 1, kind: 'business', urgency: 'medium', destination: 'business.order.keyed', orderingKey: 'orderId', replies: [], schema: Order } },
} as const;

describe('publish targets', () => {
  it('keeps each publish its own destination, urgency, persistence and ordering key around publishes without options', async () => {
    const transport = new MemoryTransport();
    await transport.declareTopology({ subscriptions: [{ name: 'audit.orders', sources: [{ kind: 'business', destination: 'business.#' }] }] });
    const client = new EventClient({ transport, registry: REGISTRY, source: 'urn:shop', logger: () => {} });
    await client.publish('order.placed', 1, { orderId: 'o1' });
    await client.publish('order.placed', 1, { orderId: 'o2' }, { destination: 'business.order.rerouted', urgency: 'high', persistent: false, key: 'k2' });
    await client.publish('order.placed', 1, { orderId: 'o3' });
    await client.publish('order.keyed', 1, { orderId: 'o4' });
    await client.publish('order.keyed', 1, { orderId: 'o5' });
    const targets = transport.published().map(({ target }) => target);
    expect(targets).toEqual([
      { kind: 'business', destination: 'business.order.placed', urgency: 'low', persistent: true, mandatory: true },
      { kind: 'business', destination: 'business.order.rerouted', urgency: 'high', persistent: false, mandatory: true, key: 'k2' },
      { kind: 'business', destination: 'business.order.placed', urgency: 'low', persistent: true, mandatory: true },
      { kind: 'business', destination: 'business.order.keyed', urgency: 'medium', persistent: true, mandatory: true, key: 'o4' },
      { kind: 'business', destination: 'business.order.keyed', urgency: 'medium', persistent: true, mandatory: true, key: 'o5' },
    ]);
    await client.close();
  });
});
