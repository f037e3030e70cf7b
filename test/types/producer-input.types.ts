/**
 * Type tests: producer inputs are exact, consumer payloads stay tolerant. Checked by
 * `npm run typecheck` and by test/golden/compile.test.ts: each `@ts-expect-error` must meet an error,
 * so a change that let a misspelt field compile again would fail.
 */
import { EventClient, MemoryTransport, type ProducerInput } from '../../runtime/index.js';
import { EVENT_REGISTRY, productService, type EventPayload, type EventPayloads, type PublishPayload } from '../../generated/index.js';
import type { PublishPayload as FeaturePublishPayload } from '../golden/schema-features/index.js';

const deleted = { tenant_id: 'acme', product_id: '6f1c1f7e-8a53-4c1e-9c1b-3a4b5c6d7e8f', deleted_at: '2026-01-01T00:00:00Z' };
const product = productService.createProductService({ transport: new MemoryTransport() });

export async function generatedPublisher(): Promise<void> {
  await product.publisher.deleted({ ...deleted, reason: 'discontinued' });
  // @ts-expect-error — a misspelt field (`reasn`) beside the required ones is a type error
  await product.publisher.deleted({ ...deleted, reasn: 'discontinued' });
  await product.events.publishBusinessEvent('product.deleted', deleted);
  // @ts-expect-error — the kind-specific method is exact as well
  await product.events.publishBusinessEvent('product.deleted', { ...deleted, hard_delet: true });
}

export async function clientAndHandlerContext(): Promise<void> {
  const client = new EventClient<EventPayloads>({ transport: new MemoryTransport(), registry: EVENT_REGISTRY, source: 'urn:test' });
  await client.publish('product.deleted', 1, deleted);
  // @ts-expect-error — the client typed by the payload map is exact too
  await client.publish('product.deleted', 1, { ...deleted, deleted_by_name: 'x' });
  client.on('product.deleted', 1, async (_data, ctx) => {
    await ctx.publish('product.deleted', 1, deleted);
    // @ts-expect-error — and so is publishing from a handler
    await ctx.publish('product.deleted', 1, { ...deleted, extra: 1 });
  });
}

// Nested objects are exact: `quantity` of inventory.stock_added v2 is an object with value and unit.
export const nested: PublishPayload<'inventory.stock_added'>['quantity'] = { value: 3, unit: 'kg' };
// @ts-expect-error — a misspelt field inside a nested object
export const nestedTypo: PublishPayload<'inventory.stock_added'>['quantity'] = { value: 3, unit: 'kg', unti: 'kg' };

// A free-form map (`details: { type: object }`) keeps every key.
export const freeForm: PublishPayload<'audit.log_created'>['details'] = { request: 'r-1', retries: 2 };

// A schema that says `additionalProperties: true` next to its properties stays open for producers.
export const declaredOpen: FeaturePublishPayload<'features.objects'>['declared'] = { a: 'x', anything: { else: [1, 'two'] } };
// … while the same object without it is exact.
// @ts-expect-error — `open` declares `a` and says nothing about other fields: closed for producers
export const defaultOpen: FeaturePublishPayload<'features.objects'>['open'] = { a: 'x', anything: 1 };

// Consumers stay tolerant: a payload from a newer producer, with a field this catalogue lacks, is a payload.
export const fromNewerProducer: EventPayload<'product.deleted'> = { ...deleted, added_later: true };

// The helper itself: index signatures of declared objects go; arrays and unions map element-wise.
type Loose = { id: string; [key: string]: unknown };
export const exactArray: ProducerInput<Loose[]> = [{ id: 'a' }];
// @ts-expect-error — an excess key inside an array element
export const excessInArray: ProducerInput<Loose[]> = [{ id: 'a', idd: 'b' }];
export const unionMember: ProducerInput<{ kind: 'a'; [key: string]: unknown } | { kind: 'b'; size: number; [key: string]: unknown }> = { kind: 'b', size: 1 };
