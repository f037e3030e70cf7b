/**
 * Replies come back on the request's own reply address, never through the requester's
 * subscription: the generated topology leaves them out, so a service that receives nothing but
 * the replies to its own requests gets no subscription (no durable queue, stream group or consumer
 * group) and no consumer.
 */
import { describe, expect, it } from 'vitest';
import { SERVICE_SOURCES, topologyFor, gatewayService } from '../../generated/index.js';
import { SERVICE_SOURCES as FIXTURE_SOURCES, topologyFor as fixtureTopologyFor, shopService } from '../golden/sunset-and-replies/index.js';
import { MemoryTransport } from '../../runtime/index.js';

describe('topology of requesters', () => {
  it('gives a reply-only service no subscription', () => {
    expect(SERVICE_SOURCES['gateway-service']).toEqual([]);
    expect(topologyFor('gateway-service').subscriptions).toBeUndefined();
    expect(FIXTURE_SOURCES['shop-service']).toEqual([]);
    expect(fixtureTopologyFor('shop-service').subscriptions).toBeUndefined();
  });

  it('gives a reply-only service no consumer', () => {
    expect(Object.keys(gatewayService.createGatewayService({ transport: new MemoryTransport() })).sort()).toEqual(['events', 'publisher']);
    expect(Object.keys(shopService.createShopService({ transport: new MemoryTransport() })).sort()).toEqual(['events', 'publisher']);
  });

  it('leaves the replies out of the subscription of a requester that consumes other events', () => {
    const destinations = SERVICE_SOURCES['inventory-service'].map((source) => source.destination);
    expect(destinations).toContain('business.production.batch_created');
    expect(destinations).not.toContain('business.production.batch_scheduled');
    expect(destinations).not.toContain('business.production.batch_rejected');
  });

  it('keeps the command in the subscription of the service that answers it', () => {
    expect(SERVICE_SOURCES['auth-service'].map((source) => source.destination)).toContain('command.user.validate_token');
    // warehouse-service answers reserve_stock and sends courier.book_pickup (AsyncAPI 2.6, x-replies): the courier's replies are not in its subscription.
    expect(FIXTURE_SOURCES['warehouse-service'].map((source) => source.destination)).toEqual(['command.warehouse.reserve_stock']);
    expect(FIXTURE_SOURCES['courier-service'].map((source) => source.destination)).toEqual(['command.courier.book_pickup']);
  });
});
