/**
 * Generated names are the named thing's own: adding to a catalogue never changes an existing
 * export. The base catalogue's export lists (every exported name of every generated file, and each
 * publisher's methods) are committed; each addition in test/fixtures/catalogs/stable-names/additions
 * is generated next to the base, and the base's exports must all still be there, in the same file.
 * Additions that would get a name the base already holds are refused, naming both places and the pin.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.js';
import { CatalogError } from '../../generator/load/diagnostics.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/catalogs/stable-names');
const GOLDEN = path.join(REPO_ROOT, 'test/golden/stable-names/exports.json');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

type ExportLists = Record<string, string[]>;

/** Exported names of each generated TypeScript module, and `Class#method` for each publisher method. */
function exportLists(files: ReadonlyMap<string, string>): ExportLists {
  const lists: ExportLists = {};
  for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!rel.endsWith('.ts')) continue;
    const names = [...content.matchAll(/^export (?:const|type|class|function|interface|enum) ([A-Za-z0-9_$]+)|^export \* as ([A-Za-z0-9_$]+)/gm)].map((m) => (m[1] ?? m[2])!);
    for (const publisher of content.matchAll(/^export class (\w+Publisher) \{([\s\S]*?)^\}/gm)) {
      for (const method of publisher[2]!.matchAll(/^ {2}([a-zA-Z_$][\w$]*)\(data:/gm)) names.push(`${publisher[1]}#${method[1]}`);
    }
    lists[rel] = names.sort();
  }
  return lists;
}

/** The base catalogue with `addition`'s files beside it, in a fresh folder. */
function catalogWith(addition: string | undefined): string {
  const dir = tempDir('eventsmith-stable-names-');
  cpSync(path.join(FIXTURE, 'base'), dir, { recursive: true });
  if (addition !== undefined) cpSync(path.join(FIXTURE, 'additions', addition), dir, { recursive: true });
  return dir;
}

async function generated(addition: string | undefined): Promise<ExportLists> {
  const { catalog } = await loadCatalog(catalogWith(addition), { strict: false, cwd: REPO_ROOT });
  return exportLists(emit(catalog));
}

async function refusal(addition: string): Promise<string> {
  try {
    await loadCatalog(catalogWith(addition), { strict: false, cwd: REPO_ROOT });
  } catch (error) {
    if (error instanceof CatalogError) return error.message;
    throw error;
  }
  throw new Error(`the catalogue with ${addition} was accepted`);
}

const additions = readdirSync(path.join(FIXTURE, 'additions')).sort();
const accepted = additions.filter((a) => !a.endsWith('-clash'));

describe('generated names stay put when the catalogue grows', () => {
  it('the base catalogue exports what the committed list says', async () => {
    const base = await generated(undefined);
    if (UPDATE) writeFileSync(GOLDEN, `${JSON.stringify(base, null, 2)}\n`);
    expect(base).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
    // What the additions would have renamed before names were stable:
    expect(base['services/shop.ts']).toContain('ShopPublisher#cancelled');
    expect(base['definitions.ts']).toEqual(['OrderItem', 'OrderItemSchema']);
  });

  it.each(accepted)('adding %s keeps every existing export, in the same file', async (addition) => {
    const base = JSON.parse(readFileSync(GOLDEN, 'utf8')) as ExportLists;
    const after = await generated(addition);
    for (const [file, names] of Object.entries(base)) {
      expect(after[file], file).toBeDefined();
      const missing = names.filter((name) => !after[file]!.includes(name));
      expect(missing, `exports of ${file} that ${addition} took away`).toEqual([]);
    }
    // Something was added, so the comparison saw the new catalogue.
    expect(Object.values(after).flat().length).toBeGreaterThan(Object.values(base).flat().length);
  });

  it('an event whose payload is the schema of its own name has that schema as its latest alias', async () => {
    const { catalog } = await loadCatalog(catalogWith('payload-named-schema'), { strict: false, cwd: REPO_ROOT });
    const files = emit(catalog);
    const lists = exportLists(files);
    expect(lists['definitions.ts']).toEqual(expect.arrayContaining(['ShippingDispatched', 'ShippingDispatchedSchema']));
    const domain = Object.entries(lists).find(([rel]) => rel === 'schemas/shipping.ts')![1];
    expect(domain).toEqual(expect.arrayContaining(['ShippingDispatchedV1', 'ShippingDispatchedV1Schema']));
    expect(domain).not.toContain('ShippingDispatched');
  });

  it('a pinned addition gets the pinned names', async () => {
    expect((await generated('short-name-pinned'))['services/shop.ts']).toEqual(expect.arrayContaining(['ShopPublisher#cancelled', 'ShopPublisher#paymentCancelled']));
    expect((await generated('schema-name-pinned'))['definitions.ts']).toEqual(['LedgerOrderItem', 'LedgerOrderItemSchema', 'OrderItem', 'OrderItemSchema']);
    expect((await generated('type-name-pinned'))['schemas/order.ts']).toEqual(expect.arrayContaining(['OrderItemListed', 'OrderItemListedV1']));
  });

  it('an Avro named type takes its pin as an attribute', async () => {
    const dir = tempDir('eventsmith-stable-names-');
    cpSync(path.join(REPO_ROOT, 'test/fixtures/catalogs/avro'), dir, { recursive: true });
    const avsc = path.join(dir, 'schemas/payment-captured.avsc');
    writeFileSync(avsc, readFileSync(avsc, 'utf8').replace('"name": "CardBrand",', '"name": "CardBrand", "x-eventsmith-name": "PaymentCardBrand",'));
    const { catalog } = await loadCatalog(dir, { strict: false, cwd: REPO_ROOT });
    expect(Object.keys(catalog.definitions)).toContain('PaymentCardBrand');
    expect(Object.keys(catalog.definitions)).not.toContain('CardBrand');
  });

  it.each([
    ['short-name-clash', /shop\.yaml:\d+:\d+: the publisher method of event 'order\.cancelled' in service 'shop' and the publisher method of event 'payment\.cancelled' at payments\.yaml:\d+:\d+ would both be named 'cancelled\(\)'/, /`x-eventsmith-name: OrderCancelled` on 'order\.cancelled' makes its method `orderCancelled\(\)`, or `x-eventsmith-name: PaymentCancelled` on 'payment\.cancelled' makes its method `paymentCancelled\(\)`/],
    ['schema-name-clash', /(accounting|shop)\.yaml:\d+:\d+: this schema and the one at (shop|accounting)\.yaml:\d+:\d+ would both be named 'OrderItem'/, /x-eventsmith-name: <PascalCaseName>/],
    ['type-name-clash', /catalogue\.yaml:\d+:\d+: event 'order\.item' and schema 'OrderItem' at shop\.yaml:\d+:\d+ would both be named 'OrderItem'|shop\.yaml:\d+:\d+: schema 'OrderItem' and event 'order\.item' at catalogue\.yaml:\d+:\d+ would both be named 'OrderItem'/, /x-eventsmith-name: <PascalCaseName>/],
  ])('adding %s is refused, naming both places and how to pin a name', async (addition, clash, hint) => {
    const message = await refusal(addition);
    expect(message).toMatch(clash);
    expect(message).toMatch(hint);
  });
});
