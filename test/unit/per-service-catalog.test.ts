/**
 * A catalogue of one AsyncAPI document per service whose messages and schemas are defined once in
 * shared files (test/fixtures/catalogs/social-media-*): a shared message is one event, its type
 * comes from its definition, the services and what they send and receive come from the documents,
 * and 2.6 (publish / subscribe) and 3.0 (send / receive) describe the same catalogue.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../generator/load/diagnostics.js';
import type { Catalog, CatalogEvent } from '../../generator/model/catalog.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { REPO_ROOT, tempDir, writeTree } from '../helpers/cli.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/catalogs');

async function load(dir: string): Promise<Catalog> {
  return (await loadCatalog(dir, { cwd: REPO_ROOT })).catalog;
}

async function problems(dir: string): Promise<string> {
  try {
    await loadCatalog(dir, { cwd: dir });
  } catch (error) {
    if (error instanceof CatalogError) return error.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}\n  hint: ${d.hint ?? ''}`).join('\n');
    throw error;
  }
  throw new Error(`${dir} loaded without a problem`);
}

/** What the services do with each event, the part of the model the layout decides. */
function flows(catalog: Catalog): Record<string, { producers: string[]; consumers: string[]; destination: string }> {
  return Object.fromEntries(catalog.events.map((e: CatalogEvent) => [e.type, { producers: e.producers, consumers: e.consumers, destination: e.destination }]));
}

describe.each(['social-media-3.0', 'social-media-2.6'])('%s: one document per service, shared messages', (fixture) => {
  it('has one event per shared message, named by its definition, with producers and consumers from the documents', async () => {
    const catalog = await load(path.join(FIXTURES, fixture));
    expect(catalog.documents.map((d) => d.file)).toEqual([
      'backend/asyncapi.yaml',
      'comments-service/asyncapi.yaml',
      'frontend/asyncapi.yaml',
      'notification-service/asyncapi.yaml',
      'public-api/asyncapi.yaml',
    ]);
    expect(flows(catalog)).toEqual({
      commentLiked: { producers: ['backend'], consumers: ['comments-service', 'public-api'], destination: 'comment/liked' },
      'comments.comment_changed': { producers: ['comments-service'], consumers: ['backend', 'notification-service', 'public-api'], destination: 'comment/{commentId}/changed' },
      likeComment: { producers: ['frontend'], consumers: ['backend'], destination: 'like-comment' },
      'notifications.push_sent': { producers: ['notification-service'], consumers: [], destination: 'notification/push/sent' },
      updateCommentLikes: { producers: ['backend'], consumers: ['frontend'], destination: 'update-comment-likes' },
    });
  });

  it('places each event where its message is written, and groups unnamed ones by that file', async () => {
    const catalog = await load(path.join(FIXTURES, fixture));
    for (const event of catalog.events) expect(event.source.file, event.type).toBe('common/messages.yaml');
    const liked = catalog.events.find((e) => e.type === 'commentLiked')!;
    expect({ domain: liked.domain, name: liked.name, messageId: liked.messageId }).toEqual({ domain: 'common_messages', name: 'commentLiked', messageId: 'commentLiked' });
    expect(JSON.stringify(catalog)).not.toContain('anonymous');
  });
});

it('2.6 and 3.0 forms of the fixture give the same events', async () => {
  const strip = (catalog: Catalog): unknown => catalog.events.map(({ channel: _channel, ...rest }) => rest);
  expect(strip(await load(path.join(FIXTURES, 'social-media-2.6')))).toEqual(strip(await load(path.join(FIXTURES, 'social-media-3.0'))));
});

it('two different definitions of one type and version fail, naming both places, with a hint to share the message', async () => {
  const text = await problems(path.join(FIXTURES, 'social-media-duplicate'));
  expect(text).toBe(
    "comments-service/asyncapi.yaml:19:5: event 'commentLiked' version 1 is defined twice: here and at common/messages.yaml:4:5\n" +
      '  hint: Two different messages claim this type and version. If they describe one event, define the message once (for instance in a shared file such as common/messages.yaml) and $ref it from every document that uses it; if this one is a new version, give it the next `x-version`; otherwise give it another name.',
  );
});

const SHARED = `components:
  messages:
    orderPlaced:
      payload:
        type: object
        properties:
          id: { type: string }
`;

function serviceDocument(title: string, action: 'send' | 'receive', address: string): string {
  return `asyncapi: 3.0.0
info:
  title: ${title}
  version: 1.0.0
channels:
  orders:
    address: ${address}
    messages:
      orderPlaced:
        $ref: '../common/messages.yaml#/components/messages/orderPlaced'
operations:
  ${action}Order:
    action: ${action}
    channel:
      $ref: '#/channels/orders'
`;
}

it('documents that put one message on different addresses fail, naming both channels', async () => {
  const dir = tempDir();
  writeTree(dir, {
    'common/messages.yaml': SHARED,
    'shop/asyncapi.yaml': serviceDocument('Shop', 'send', 'orders/placed'),
    'billing/asyncapi.yaml': serviceDocument('Billing', 'receive', 'orders/created'),
  });
  expect(await problems(dir)).toBe(
    "shop/asyncapi.yaml:6:3: event 'orderPlaced' v1 (defined at common/messages.yaml:3) goes to 'orders/placed' here, but to 'orders/created' in billing/asyncapi.yaml:6\n" +
      '  hint: Every document that sends or receives a message must name the same channel address and bindings for it: make the two channels agree (or move the channel to a shared file and $ref it from both).',
  );
});

it('documents that bind one message to different Kafka topics fail, naming both channels', async () => {
  const dir = tempDir();
  const withTopic = (text: string, topic: string): string => text.replace('    address: orders/placed\n', `    address: orders/placed\n    bindings:\n      kafka:\n        topic: ${topic}\n`);
  writeTree(dir, {
    'common/messages.yaml': SHARED,
    'shop/asyncapi.yaml': withTopic(serviceDocument('Shop', 'send', 'orders/placed'), 'shop-orders'),
    'billing/asyncapi.yaml': withTopic(serviceDocument('Billing', 'receive', 'orders/placed'), 'orders'),
  });
  expect(await problems(dir)).toMatch(/^shop\/asyncapi\.yaml:6:3: event 'orderPlaced' v1 \(defined at common\/messages\.yaml:3\) goes to 'orders\/placed' \(Kafka binding \{"topic":"shop-orders"\}\) here, but to 'orders\/placed' \(Kafka binding \{"topic":"orders"\}\) in billing\/asyncapi\.yaml:6\n/);
});

it('a document whose channel has no address follows the documents that give one', async () => {
  const dir = tempDir();
  writeTree(dir, {
    'common/messages.yaml': SHARED,
    'shop/asyncapi.yaml': serviceDocument('Shop', 'send', 'orders/placed'),
    'billing/asyncapi.yaml': serviceDocument('Billing', 'receive', 'orders/placed').replace('    address: orders/placed\n', ''),
  });
  expect(flows(await load(dir))).toEqual({ orderPlaced: { producers: ['shop'], consumers: ['billing'], destination: 'orders/placed' } });
});

it('a 2.6 message with no name and no key to take one from is refused, never called <anonymous-…>', async () => {
  const dir = tempDir();
  writeTree(dir, {
    'shop.yaml': `asyncapi: 2.6.0
info:
  title: Shop
  version: 1.0.0
channels:
  orders/placed:
    subscribe:
      message:
        payload:
          type: object
`,
  });
  const text = await problems(dir);
  expect(text).toMatch(/^shop\.yaml:8:7: this message has no event type/);
  expect(text).not.toContain('anonymous');
});

it('per-domain and per-service documents mix: the message declares its producers, a service document adds nothing to a declared list', async () => {
  const dir = tempDir();
  writeTree(dir, {
    'orders.yaml': `asyncapi: 3.0.0
info:
  title: Order events
  version: 1.0.0
channels:
  orderPlaced:
    address: business.order.placed
    messages:
      OrderPlaced:
        $ref: '#/components/messages/OrderPlaced'
components:
  messages:
    OrderPlaced:
      name: order.placed
      x-producers: [order-service]
      payload:
        type: object
    OrderShipped:
      name: order.shipped
      payload:
        type: object
`,
    'billing/asyncapi.yaml': `asyncapi: 3.0.0
info:
  title: Billing
  version: 1.0.0
channels:
  orderPlaced:
    address: business.order.placed
    messages:
      OrderPlaced:
        $ref: '../orders.yaml#/components/messages/OrderPlaced'
  orderShipped:
    address: business.order.shipped
    messages:
      OrderShipped:
        $ref: '../orders.yaml#/components/messages/OrderShipped'
operations:
  sendOrderPlaced:
    action: send
    channel:
      $ref: '#/channels/orderPlaced'
  receiveOrderShipped:
    action: receive
    channel:
      $ref: '#/channels/orderShipped'
`,
  });
  const catalog = await load(dir);
  expect(flows(catalog)).toEqual({
    // Declared on the message: the declaration is the whole list.
    'order.placed': { producers: ['order-service'], consumers: [], destination: 'business.order.placed' },
    // Declared nowhere: the documents' operations say who sends and receives it.
    'order.shipped': { producers: [], consumers: ['billing'], destination: 'business.order.shipped' },
  });
});
