/**
 * spliceMessages puts the parser's result for edited messages into the document parsed last time.
 * It copies only the objects on the way to an edited message and shares the rest with the previous
 * document, which stays as it was; a document with a cycle (a recursive schema) is copied whole.
 * Either way the result is what parsing the whole edited document gives.
 */
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { createParser } from '../../generator/load/asyncapi-parser.js';
import { editedMessages, messageExcerpt, spliceMessages } from '../../generator/watch/message-edit.js';

const documentText = (description: string, recursive: boolean): string => `asyncapi: 3.0.0
info: { title: Shop, version: 1.0.0 }
channels:
  orders:
    address: business.shop.order_placed
    messages:
      OrderPlaced: { $ref: '#/components/messages/OrderPlaced' }
      OrderCancelled: { $ref: '#/components/messages/OrderCancelled' }
operations:
  publishOrders:
    action: send
    channel: { $ref: '#/channels/orders' }
components:
  schemas:
    Node:
      type: object
      properties:
        name: { type: string }
${recursive ? "        children: { type: array, items: { $ref: '#/components/schemas/Node' } }\n" : ''}  messages:
    OrderPlaced:
      name: shop.order_placed
      description: ${description}
      payload: { $ref: '#/components/schemas/Node' }
    OrderCancelled:
      name: shop.order_cancelled
      payload: { type: object, properties: { id: { type: string } } }
`;

async function parsed(text: string): Promise<AsyncAPIDocumentInterface> {
  const result = await createParser().parse(text, { source: 'shop.yaml' });
  if (!result.document) throw new Error(JSON.stringify(result.diagnostics));
  return result.document;
}

/** A parsed document's JSON, an object met again inside itself (a recursive schema) written as a marker. */
function shape(value: unknown): string {
  const inside = new Set<object>();
  const walk = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    if (inside.has(node)) return '<cycle>';
    inside.add(node);
    const out = Array.isArray(node) ? node.map(walk) : Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    inside.delete(node);
    return out;
  };
  return JSON.stringify(walk(value));
}

describe('spliceMessages', () => {
  it.each([
    ['shares what the edit did not reach with the previous document', false],
    ['copies a document with a recursive schema whole', true],
  ])('%s, and gives what a whole parse gives', async (_, recursive) => {
    const [oldText, newText] = [documentText('Placed.', recursive), documentText('An order was placed.', recursive)];
    const previous = await parsed(oldText);
    const previousShape = shape(previous.json());
    const edited = editedMessages(parseYaml(oldText), parseYaml(newText));
    expect(edited).toEqual(['OrderPlaced']);
    const excerpt = messageExcerpt(parseYaml(newText) as Record<string, unknown>, edited!);
    const spliced = spliceMessages(previous, await parsed(JSON.stringify(excerpt)), edited!, newText);
    expect(shape(spliced.json())).toBe(shape((await parsed(newText)).json()));
    // The previous document is as it was.
    expect(shape(previous.json())).toBe(previousShape);
    const messages = (doc: AsyncAPIDocumentInterface) => (doc.json() as { components: { messages: Record<string, unknown>; schemas: Record<string, unknown> } }).components;
    expect(messages(spliced).messages.OrderPlaced).not.toBe(messages(previous).messages.OrderPlaced);
    // Shared when nothing on the way is a cycle; a whole copy otherwise.
    expect(messages(spliced).messages.OrderCancelled === messages(previous).messages.OrderCancelled).toBe(!recursive);
    expect(messages(spliced).schemas === messages(previous).schemas).toBe(!recursive);
  });
});
