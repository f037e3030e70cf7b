/**
 * IncrementalCatalog, the model that `generate --watch` keeps between saves: whatever it reuses
 * (parsed documents, events read from unchanged documents, examples already validated), each load
 * must give exactly what a cold load of the same files gives, model or problems.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.js';
import { CatalogError, type Diagnostic } from '../../generator/load/diagnostics.js';
import type { Catalog } from '../../generator/model/catalog.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { IncrementalCatalog } from '../../generator/watch/incremental.js';
import { tempDir, writeTree } from '../helpers/cli.js';

const TYPES = `components:
  schemas:
    Money:
      type: object
      required: [amount, currency]
      properties:
        amount: { type: number, minimum: 0 }
        currency: { type: string, pattern: '^[A-Z]{3}$' }
  messageTraits:
    Audited:
      x-consumers: [audit-service]
`;

const document = (service: string, type: string, message: string, extra = ''): string => `asyncapi: 3.0.0
info:
  title: ${service}
  version: 1.0.0
  x-service: ${service}
channels:
  main:
    address: business.${type}
    messages:
      ${message}:
        $ref: '#/components/messages/${message}'
operations:
  publish:
    action: send
    channel:
      $ref: '#/channels/main'
components:
  messages:
    ${message}:
      name: ${type}
      description: Something happened.
      x-version: 1
      x-kind: business
      x-urgency: medium
      x-producers: [${service}]
      x-tenant-scoped: false
      traits:
        - $ref: './shared/types.yaml#/components/messageTraits/Audited'
      payload:
        type: object
        required: [id, total]
        properties:
          id: { type: string }
          total:
            $ref: './shared/types.yaml#/components/schemas/Money'
      examples:
        - payload: { id: x-1, total: { amount: 12.5, currency: EUR } }
${extra}`;

// Documents are read in path order: a.yaml before b.yaml.
const A = document('order-service', 'order.placed', 'OrderPlaced');
const B = document('billing-service', 'billing.invoice_issued', 'InvoiceIssued');
/** a.yaml with a Money of its own, claimed before the shared one that b.yaml uses. */
const A_OWN_MONEY = document('order-service', 'order.placed', 'OrderPlaced', `  schemas:
    Money:
      type: object
      required: [cents]
      properties:
        cents: { type: integer }
`)
  .replace("$ref: './shared/types.yaml#/components/schemas/Money'", "$ref: '#/components/schemas/Money'")
  .replace('total: { amount: 12.5, currency: EUR }', 'total: { cents: 1250 }');

function catalogue(): { dir: string; root: string } {
  const dir = tempDir();
  writeTree(dir, { 'catalog/a.yaml': A, 'catalog/b.yaml': B, 'catalog/shared/types.yaml': TYPES });
  return { dir, root: path.join(dir, 'catalog') };
}

/**
 * The model as JSON and the files emitted from it, or the problems, the same way for both loaders.
 * Emitting both in one process also checks emit's memos, which reuse work for model objects that
 * a watch keeps from one save to the next.
 */
async function outcome(load: () => Promise<{ catalog: Catalog; warnings: Diagnostic[] }>): Promise<string> {
  try {
    const { catalog, warnings } = await load();
    return `model ${JSON.stringify(catalog)}\nwarnings ${JSON.stringify(warnings)}\nfiles ${JSON.stringify([...emit(catalog)])}`;
  } catch (error) {
    if (error instanceof CatalogError) return `problems ${JSON.stringify(error.diagnostics)}`;
    throw error;
  }
}

const cold = (root: string, cwd: string, strict = true): Promise<string> => outcome(() => loadCatalog(root, { strict, cwd }));

function edit(root: string, rel: string, change: (text: string) => string): void {
  const file = path.join(root, rel);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
}

describe('IncrementalCatalog', () => {
  it('sees a fragment as it is now, also through the AsyncAPI parser (a trait’s metadata)', async () => {
    const { dir, root } = catalogue();
    const catalog = new IncrementalCatalog(root, { strict: true, cwd: dir });
    const before = await catalog.load();
    expect(before.catalog.events.map((e) => e.consumers)).toEqual([['audit-service'], ['audit-service']]);
    // Traits are applied by the parser; one that kept the fragment as first read would miss this.
    edit(root, 'shared/types.yaml', (t) => t.replace('x-consumers: [audit-service]', 'x-consumers: [audit-service, ledger-service]'));
    const after = await catalog.load();
    expect(after.reparsed).toEqual(['a.yaml', 'b.yaml']);
    expect(after.catalog.events.map((e) => e.consumers)).toEqual([['audit-service', 'ledger-service'], ['audit-service', 'ledger-service']]);
    expect(await outcome(async () => after)).toBe(await cold(root, dir));
  });

  it('reuses the events of a document that did not change, and gives what a cold load gives', async () => {
    const { dir, root } = catalogue();
    const catalog = new IncrementalCatalog(root, { strict: true, cwd: dir });
    const first = await catalog.load();
    edit(root, 'b.yaml', (t) => t.replace('Something happened.', 'An invoice was issued.'));
    const second = await catalog.load();
    expect(second.reparsed).toEqual(['b.yaml']);
    const order = (r: typeof first) => r.catalog.events.find((e) => e.type === 'order.placed');
    expect(order(second)).toBe(order(first));
    expect(second.catalog.events.find((e) => e.type === 'billing.invoice_issued')?.description).toBe('An invoice was issued.');
    expect(await outcome(async () => second)).toBe(await cold(root, dir));
  });

  it('hands out the same event objects again for the messages a save left as they were, in a document read again', async () => {
    const dir = tempDir();
    const root = path.join(dir, 'catalog');
    cpSync(path.resolve('test/fixtures/catalogs/sunset-and-replies'), root, { recursive: true });
    const catalog = new IncrementalCatalog(root, { strict: false, cwd: dir });
    const first = await catalog.load();
    // One line of one message, so that no other message moves (an event's place is part of it).
    edit(root, 'warehouse.yaml', (t) => t.replace('reservation_id: { type: string }', 'reservation_id: { type: string, maxLength: 40 }'));
    const second = await catalog.load();
    expect(second.reparsed).toEqual(['warehouse.yaml']);
    const earlier = new Map(first.catalog.events.map((e) => [`${e.type}@${e.version}`, e]));
    const same = second.catalog.events.filter((e) => e === earlier.get(`${e.type}@${e.version}`)).map((e) => `${e.type}@${e.version}`);
    // Every event of warehouse.yaml but the edited one (and courier.yaml's, whose document was not read again).
    expect(second.catalog.events.map((e) => `${e.type}@${e.version}`).filter((key) => !same.includes(key))).toEqual(['warehouse.stock_reserved@1']);
    expect(same.filter((key) => key.startsWith('warehouse.')).length).toBeGreaterThan(4);
    expect(await outcome(async () => second)).toBe(await cold(root, dir, false));
  });

  it('tells a file that became a document (or stopped being one) from a fragment again', async () => {
    const { dir, root } = catalogue();
    const catalog = new IncrementalCatalog(root, { strict: true, cwd: dir });
    await catalog.load();
    // Written as a fragment first: discovery keeps its answer for it while its text stays the same.
    writeTree(root, { 'c.yaml': B.replace('asyncapi: 3.0.0\n', '').replace(/billing/g, 'refund') });
    expect((await catalog.load()).catalog.events.map((e) => e.type)).toEqual(['billing.invoice_issued', 'order.placed']);
    await catalog.load();
    writeTree(root, { 'c.yaml': B.replace(/billing/g, 'refund') });
    const document = await catalog.load();
    expect(document.catalog.events.map((e) => e.type)).toEqual(['billing.invoice_issued', 'order.placed', 'refund.invoice_issued']);
    expect(await outcome(async () => document)).toBe(await cold(root, dir));
    writeTree(root, { 'c.yaml': B.replace('asyncapi: 3.0.0\n', '').replace(/billing/g, 'refund') });
    expect((await catalog.load()).catalog.events.map((e) => e.type)).toEqual(['billing.invoice_issued', 'order.placed']);
  });

  it('reads an unchanged document again when an earlier one claims a name its schemas hold', async () => {
    const { dir, root } = catalogue();
    const catalog = new IncrementalCatalog(root, { strict: true, cwd: dir });
    const first = await catalog.load();
    expect(Object.keys(first.catalog.definitions)).toEqual(['Money']);
    // a.yaml now declares a Money of its own: b.yaml's shared Money would share its name, a clash.
    edit(root, 'a.yaml', () => A_OWN_MONEY);
    const clash = await outcome(() => catalog.load());
    expect(clash).toMatch(/^problems .*name-clash.*would both be named 'Money'/);
    expect(clash).toBe(await cold(root, dir));
    // Pinned, a.yaml's Money gets a name of its own and the shared one keeps `Money`.
    edit(root, 'a.yaml', () => A_OWN_MONEY.replace('    Money:\n      type: object', '    Money:\n      x-eventsmith-name: OrderMoney\n      type: object'));
    const pinned = await catalog.load();
    expect(Object.keys(pinned.catalog.definitions)).toEqual(['Money', 'OrderMoney']);
    expect(JSON.stringify(pinned.catalog.events.find((e) => e.type === 'billing.invoice_issued')?.payload)).toContain('#/$defs/Money"');
    expect(await outcome(async () => pinned)).toBe(await cold(root, dir));
  });

  it.each([
    ['reports a problem the AsyncAPI parser finds in a saved fragment at its place in the fragment, as a cold load does', 'minimum: zero', /^problems .*"file":"catalog\/shared\/types.yaml"/],
    ['validates the examples of an unchanged document again when a fragment they depend on changes', 'minimum: 100', /^problems .*invalid-example.*order\.placed.*invalid-example.*billing\.invoice_issued/],
  ])('%s', async (_, replacement, problems) => {
    const { dir, root } = catalogue();
    const catalog = new IncrementalCatalog(root, { strict: true, cwd: dir });
    await catalog.load();
    edit(root, 'shared/types.yaml', (t) => t.replace('minimum: 0', replacement));
    const result = await outcome(() => catalog.load());
    expect(result).toMatch(problems);
    expect(result).toBe(await cold(root, dir));
  });

  it('after any sequence of saves, gives what a cold load of the same files gives', async () => {
    const edits: Array<[string, string, (text: string) => string]> = [
      ['describe a', 'a.yaml', (t) => t.replace(/description: .*/, `description: Edited ${Math.random()}.`)],
      ['describe b', 'b.yaml', (t) => t.replace(/description: .*/, `description: Edited ${Math.random()}.`)],
      ['own Money in a', 'a.yaml', () => A_OWN_MONEY],
      ['shared Money in a', 'a.yaml', () => A],
      ['rename the trait’s consumer', 'shared/types.yaml', (t) => t.replace(/x-consumers: \[.*\]/, `x-consumers: [audit-${Math.floor(Math.random() * 3)}]`)],
      ['raise the minimum amount', 'shared/types.yaml', (t) => t.replace(/minimum: \d+/, 'minimum: 100')],
      ['lower the minimum amount', 'shared/types.yaml', (t) => t.replace(/minimum: \d+/, 'minimum: 0')],
      ['break b’s YAML', 'b.yaml', (t) => t.replace('    action: send', '    action: [send')],
      ['mend b’s YAML', 'b.yaml', (t) => t.replace('    action: [send', '    action: send')],
      ['drop a’s example', 'a.yaml', (t) => t.replace(/ {6}examples:\n.*\n/, '')],
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: edits.length - 1 }), { minLength: 1, maxLength: 5 }), async (steps) => {
        const { dir, root } = catalogue();
        const catalog = new IncrementalCatalog(root, { strict: true, cwd: dir });
        await catalog.load();
        for (const step of steps) {
          const [, rel, change] = edits[step]!;
          edit(root, rel, change);
          expect(await outcome(() => catalog.load()), steps.map((s) => edits[s]![0]).join(' → ')).toBe(await cold(root, dir));
        }
      }),
      { numRuns: 12, seed: 20251123 },
    );
  }, 240_000);

  it('puts only the edited messages through the parser, and gives what a cold load gives (shared channels, replies, problems, warnings)', async () => {
    // warehouse.yaml: channels with several messages, a command whose operation has a reply.
    const messages = ['ParcelShippedV1', 'ParcelShippedV3', 'BinMovedV2', 'ReserveStock', 'StockReserved', 'StockUnavailable'];
    type Step = { what: string; change: (text: string) => string; excerpt: boolean };
    /** Sets `field` first in message `key` (replacing what an earlier step set there). */
    const inMessage = (key: string, field: string, value: string) => (text: string): string =>
      text.replace(new RegExp(`\\n    ${key}:\\n(      ${field}: .*\\n)?`), `\n    ${key}:\n      ${field}: ${value}\n`);
    const STEP: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ key: fc.constantFrom(...messages), n: fc.nat(99) }).map(({ key, n }) => ({ what: `describe ${key}`, change: inMessage(key, 'summary', `Edited ${n}.`), excerpt: true })),
      fc.constantFrom(...messages).map((key) => ({ what: `title ${key}`, change: inMessage(key, 'title', 'A title'), excerpt: true })),
      fc.nat(40).map((n) => ({ what: `limit every sku to ${n + 1}`, change: (t: string) => t.replace(/sku: \{ type: string[^}]*\}/g, `sku: { type: string, maxLength: ${n + 1} }`), excerpt: true })),
      fc.constant({ what: 'an unknown extension on ReserveStock (a warning)', change: inMessage('ReserveStock', 'x-colour', 'red'), excerpt: true }),
      fc.constant({ what: 'a negative maxLength on StockReserved (a problem)', change: (t: string) => t.replace('reservation_id: { type: string }', 'reservation_id: { type: string, maxLength: -1 }'), excerpt: false }),
      fc.constant({ what: 'the reply made a message of its own channel', change: (t: string) => t.replace("- $ref: '#/channels/reserveStockReply/messages/StockUnavailable'", "- $ref: '#/channels/reserveStock/messages/ReserveStock'"), excerpt: false }),
      fc.constant({ what: 'describe the document', change: (t: string) => t.replace('  title: Warehouse events', '  title: Warehouse events (edited)'), excerpt: false }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(STEP, { minLength: 1, maxLength: 6 }), async (steps) => {
        const dir = tempDir();
        const root = path.join(dir, 'catalog');
        cpSync(path.resolve('test/fixtures/catalogs/sunset-and-replies'), root, { recursive: true });
        const catalog = new IncrementalCatalog(root, { strict: false, cwd: dir });
        await catalog.load();
        let good = true;
        for (const [i, step] of steps.entries()) {
          const label = steps.slice(0, i + 1).map((s) => s.what).join(' → ');
          const before = readFileSync(path.join(root, 'warehouse.yaml'), 'utf8');
          edit(root, 'warehouse.yaml', step.change);
          let excerpted: string[] = [];
          const got = await outcome(async () => {
            const loaded = await catalog.load();
            excerpted = loaded.excerpted;
            return loaded;
          });
          expect(got, label).toBe(await cold(root, dir, false));
          // The common save takes the short way: an edit inside messages of a document that last loaded clean.
          const changed = readFileSync(path.join(root, 'warehouse.yaml'), 'utf8') !== before;
          if (good && changed && step.excerpt && !got.startsWith('problems')) expect(excerpted, label).toEqual(['warehouse.yaml']);
          good = !got.startsWith('problems');
        }
      }),
      { numRuns: 15, seed: 20261204 },
    );
  }, 240_000);
});
