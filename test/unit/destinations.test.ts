/**
 * Destinations and transport bindings as the generator emits them: registry entries carry the
 * destination, and `bindings` only for an AMQP exchange the catalogue names that is not the
 * exchange of the event's kind anyway; topology.ts lists channels by kind and each service's
 * sources (placeholders as `*`, alerts at every severity).
 */
import { describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { tempDir, writeTree } from '../helpers/cli.js';

const DOC = `asyncapi: 3.0.0
info: { title: Shop, version: 1.0.0, x-service: shop-service }
channels:
  placed:
    address: 'orders.{region}.placed'
    messages: { OrderPlaced: { $ref: '#/components/messages/OrderPlaced' } }
    bindings: { amqp: { is: routingKey, exchange: { name: shop.orders, type: topic } } }
  shipped:
    address: business.shop.order_shipped
    messages: { OrderShipped: { $ref: '#/components/messages/OrderShipped' } }
    bindings: { amqp: { is: routingKey, exchange: { name: eventsmith.business, type: topic } } }
  lowStock:
    messages: { LowStock: { $ref: '#/components/messages/LowStock' } }
components:
  messages:
    OrderPlaced:
      name: shop.order_placed
      x-consumers: [billing-service]
      payload: { type: object }
    OrderShipped:
      name: shop.order_shipped
      x-consumers: [billing-service]
      payload: { type: object }
    LowStock:
      name: shop.low_stock
      x-kind: alert
      x-severity: urgent
      x-consumers: [billing-service]
      payload: { type: object }
`;

async function generated(): Promise<Map<string, string>> {
  const dir = tempDir();
  writeTree(dir, { 'shop.yaml': DOC });
  const { catalog } = await loadCatalog(dir, { cwd: dir });
  expect(catalog.events.map((e) => [e.type, e.destination, e.amqpExchange])).toEqual([
    ['shop.low_stock', 'alert.shop.urgent', undefined],
    ['shop.order_placed', 'orders.{region}.placed', 'shop.orders'],
    ['shop.order_shipped', 'business.shop.order_shipped', undefined],
  ]);
  return emit(catalog);
}

describe('destinations in generated code', () => {
  it('registry entries: destination always, bindings only for an exchange of another name', async () => {
    const registry = (await generated()).get('registry.ts')!;
    expect(registry).toContain("destination: 'orders.{region}.placed',\n      parameters: { region: {} },\n      bindings: { amqp: { exchange: 'shop.orders' } },");
    expect(registry).toContain("destination: 'business.shop.order_shipped',\n      producers");
    expect(registry).toContain("destination: 'alert.shop.urgent',\n      producers");
    expect(registry.match(/bindings:/g)).toHaveLength(1);
    expect(registry).not.toMatch(/routingKey|exchange: 'eventsmith|priority/);
  });

  it('topology: channels by kind, sources as patterns', async () => {
    const topology = (await generated()).get('topology.ts')!;
    const block = (name: string): string => topology.slice(topology.indexOf(`export const ${name}`), topology.indexOf('];', topology.indexOf(`export const ${name}`)));
    expect(block('CHANNELS').split('\n').slice(1)).toEqual([
      "  { kind: 'alert', destination: 'alert.shop.urgent' },",
      "  { kind: 'business', destination: 'business.shop.order_shipped' },",
      "  { kind: 'business', destination: 'orders.*.placed', bindings: { amqp: { exchange: 'shop.orders' } } },",
      '',
    ]);
    expect(topology).toContain(`  'billing-service': [
    { kind: 'alert', destination: 'alert.shop.*' },
    { kind: 'business', destination: 'orders.*.placed', bindings: { amqp: { exchange: 'shop.orders' } } },
    { kind: 'business', destination: 'business.shop.order_shipped' },
  ],`);
  });
});

describe('a Redis stream named by the catalogue', () => {
  const REDIS_DOC = `asyncapi: 3.0.0
info: { title: Users, version: 1.0.0, x-service: user-service }
channels:
  userEvents:
    address: business.user.created
    messages: { UserCreated: { $ref: '#/components/messages/UserCreated' } }
    bindings: { redis: { stream: merp.user-events } }
components:
  messages:
    UserCreated:
      name: user.created
      x-consumers: [audit-service]
      payload: { type: object }
`;

  it('reaches registry entries and topology as a Redis binding', async () => {
    const dir = tempDir();
    writeTree(dir, { 'users.yaml': REDIS_DOC });
    const { catalog } = await loadCatalog(dir, { cwd: dir });
    expect(catalog.events.map((e) => [e.type, e.redisStream])).toEqual([['user.created', 'merp.user-events']]);
    const files = emit(catalog);
    expect(files.get('registry.ts')).toContain("destination: 'business.user.created',\n      bindings: { redis: { stream: 'merp.user-events' } },");
    expect(files.get('topology.ts')).toContain("{ kind: 'business', destination: 'business.user.created', bindings: { redis: { stream: 'merp.user-events' } } },");
  });
});
