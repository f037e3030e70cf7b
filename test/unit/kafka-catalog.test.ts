// What the catalogue tells the Kafka transport: a channel's Kafka binding (topic, partitions,
// replicas, topic configuration) and a message's ordering key reach the generated registry and
// topology; a wrong one is refused at its line with a hint.
import { describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

function doc(binding: string, orderingKey: string): string {
  return `asyncapi: 3.0.0
info: { title: Orders, version: 1.0.0, x-service: order-service }
channels:
  orderCreated:
    address: business.order.created
    messages: { OrderCreated: { $ref: '#/components/messages/OrderCreated' } }
    bindings:
      kafka:
${binding}
        bindingVersion: 0.5.0
components:
  messages:
    OrderCreated:
      name: order.created
      x-ordering-key: ${orderingKey}
      x-consumers: [billing-service]
      payload:
        type: object
        required: [order_id]
        properties:
          order_id: { type: string }
`;
}

const GOOD = doc(`        topic: shop-orders
        partitions: 6
        replicas: 3
        topicConfiguration: { retention.ms: 604800000, cleanup.policy: [delete] }`, 'order_id');

describe('the Kafka binding and ordering key of the catalogue', () => {
  it('reach the registry entry and the topology', async () => {
    const dir = tempDir();
    writeTree(dir, { 'orders.yaml': GOOD });
    const { catalog } = await loadCatalog(dir, { cwd: dir });
    const [event] = catalog.events;
    expect(event?.kafkaTopic).toEqual({ topic: 'shop-orders', partitions: 6, replicas: 3, topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': 604800000 } });
    expect(event?.orderingKey).toBe('order_id');
    const files = emit(catalog);
    const binding = "bindings: { kafka: { topic: 'shop-orders', partitions: 6, replicas: 3, topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': 604800000 } } },";
    expect(files.get('registry.ts')).toContain(`destination: 'business.order.created',\n      ${binding}\n      orderingKey: 'order_id',`);
    expect(files.get('topology.ts')).toContain(`{ kind: 'business', destination: 'business.order.created', ${binding.slice(0, -1)} },`);
  });

  it('refuses an ordering key the payload does not have, naming file, line and the properties it has', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/orders.yaml': doc('        topic: shop-orders', 'orderid') });
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/orders\.yaml:\d+:\d+/);
    expect(result.stderr).toContain("x-ordering-key 'orderid' is not a property of the payload");
    expect(result.stderr).toContain('order_id');
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses a partition count that is not a whole number, at its line', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/orders.yaml': doc(`        topic: shop-orders
        partitions: 2.5`, 'order_id') });
    const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/orders\.yaml:10:\d+: .*partitions/);
    expect(result.stderr).toContain('nothing was written');
  });
});
