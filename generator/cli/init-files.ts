/**
 * What `eventsmith init` writes: a catalogue of one domain (shop) with one event
 * (shop.order_placed, sent by checkout-service, received by shipping-service), the config that
 * points `generate` at it, a first test on the in-memory transport, and, when the project has none,
 * a strict tsconfig.json. The test uses node:test, which Node.js ships, so the project needs no test
 * runner beyond the TypeScript compiler it needs anyway for the generated code.
 */

/** Where the generated code goes; the test imports it from here. */
export const SCAFFOLD_OUT = 'src/events';
export const SCAFFOLD_CATALOG = 'catalog';
export const SCAFFOLD_CONFIG = 'eventsmith.config.yaml';
export const SCAFFOLD_DOCUMENT = `${SCAFFOLD_CATALOG}/shop.yaml`;
export const SCAFFOLD_TEST = 'src/order-placed.test.ts';

/** The npm scripts init adds. `test` compiles (which type-checks the test and the generated code) and runs the compiled tests. */
export const SCAFFOLD_SCRIPTS: Readonly<Record<string, string>> = {
  generate: 'eventsmith generate',
  check: `eventsmith check --base ${SCAFFOLD_OUT}/catalog.snapshot.json`,
  test: 'tsc -p . && node --test dist/*.test.js',
};

/** The `test` script `npm init` writes: a placeholder, replaced without asking. */
export const NPM_PLACEHOLDER_TEST = /^echo "Error: no test specified" && exit 1$/;

export const CONFIG_TEXT = `# eventsmith reads this file from the folder it runs in; paths are relative to it.
catalog: ${SCAFFOLD_CATALOG}           # the AsyncAPI documents (searched recursively)
out: ${SCAFFOLD_OUT}            # generated code; replaced whole on every run, do not edit it
strict: true               # every event states all of its metadata (see docs/catalog-format.md)
`;

export const DOCUMENT_TEXT = `# One domain of the catalogue: the shop. Add events under components.messages (and a channel
# and an operation for each); add domains as more documents in this folder.
# The format and every x- field: node_modules/eventsmith/docs/catalog-format.md
asyncapi: 3.0.0
info:
  title: Shop events
  version: 1.0.0
  description: Orders placed in the web shop.
defaultContentType: application/json

channels:
  shopOrderPlaced:
    address: business.shop.order_placed
    messages:
      OrderPlaced:
        $ref: '#/components/messages/OrderPlaced'

operations:
  publishOrderPlaced:
    action: send
    channel: { $ref: '#/channels/shopOrderPlaced' }

components:
  messages:
    OrderPlaced:
      name: shop.order_placed            # the event type: domain first, lowercase, dot-separated
      title: Order placed
      summary: A customer placed an order.
      description: Emitted once per order, after the order is stored.
      x-version: 1                       # a new major version is a new message with x-version: 2
      x-kind: business                   # business | alert | notification | recommendation | command
      x-urgency: medium                  # low | medium | high | critical
      x-tenant-scoped: false
      x-producers: [checkout-service]
      x-consumers: [shipping-service]
      payload:
        $ref: '#/components/schemas/OrderPlacedPayload'
      examples:
        - name: two-books
          payload:
            order_id: 0b9c1a52-6a4e-4a3f-9d55-2f0c7a8e31b4
            customer_email: ada@example.com
            total_cents: 4200
            placed_at: '2026-01-15T10:30:00Z'

  schemas:
    OrderPlacedPayload:
      type: object
      required: [order_id, customer_email, total_cents, placed_at]
      properties:
        order_id: { type: string, format: uuid }
        customer_email: { type: string, format: email }
        total_cents: { type: integer, minimum: 0 }
        placed_at: { type: string, format: date-time }
`;

export const TEST_TEXT = `// A first test: checkout-service publishes shop.order_placed with its generated publisher and
// shipping-service's generated consumer handles it, on the in-memory transport (no broker needed).
// Run it with \`npm test\` after \`npm run generate\`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryTransport, type Envelope } from 'eventsmith/runtime';
import { checkoutService, EVENT_TYPES, shippingService, type EventPayload } from './events/index.js';

test('shipping-service handles the order checkout-service placed', { timeout: 10_000 }, async () => {
  const transport = new MemoryTransport();
  const checkout = checkoutService.createCheckoutService({ transport, ownsTransport: false });
  const shipping = shippingService.createShippingService({ transport, ownsTransport: false });

  const handled = new Promise<{ order: EventPayload<'shop.order_placed'>; envelope: Envelope }>((resolve) => {
    shipping.consumer.on(EVENT_TYPES.SHOP.ORDER_PLACED, (order, ctx) => resolve({ order, envelope: ctx.envelope }));
  });
  await shipping.consumer.start();
  await checkout.events.start();

  const order = {
    order_id: '0b9c1a52-6a4e-4a3f-9d55-2f0c7a8e31b4',
    customer_email: 'ada@example.com',
    total_cents: 4200,
    placed_at: '2026-01-15T10:30:00Z',
  };
  const sent = await checkout.publisher.orderPlaced(order);
  const received = await handled;

  assert.deepEqual(received.order, order);
  assert.equal(received.envelope.id, sent.id);
  assert.equal(received.envelope.type, 'shop.order_placed');

  await Promise.all([checkout.events.close(), shipping.events.close()]);
  await transport.close();
});
`;

/**
 * Strict, NodeNext (the resolution that reads eventsmith's \`exports\`), sources in src/ compiled to
 * dist/. A CommonJS project gets the same without verbatimModuleSyntax, which would refuse its
 * \`import\` statements (TypeScript compiles them to \`require\`).
 */
export function tsconfigText(esm: boolean): string {
  const compilerOptions: Record<string, unknown> = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    isolatedModules: true,
    ...(esm ? { verbatimModuleSyntax: true } : { esModuleInterop: true }),
    forceConsistentCasingInFileNames: true,
    skipLibCheck: true,
    rootDir: 'src',
    outDir: 'dist',
  };
  return `${JSON.stringify({ compilerOptions, include: ['src'] }, null, 2)}\n`;
}
