/**
 * emit keeps whole files (definitions, registry, topology, the events facade, each service's
 * module, the index) with the fields of every event each is made from, and makes a file again only
 * when one of those changed. Over saves that change each kind of thing those files are made from,
 * a watch session's output is byte for byte what a clean `generate` writes; a reworded event makes
 * again only the modules of the services it is part of.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emit, lastEmitMade } from '../../generator/emit/emit.js';
import { IncrementalCatalog } from '../../generator/watch/incremental.js';
import { ChangedFilesWriter } from '../../generator/watch/write-changed.js';
import { hashTree, runCli, tempDir } from '../helpers/cli.js';

/** `text` with `from` replaced by `to` inside the block of message `key` only. */
const inMessage = (key: string, from: string, to: string) => (text: string): string =>
  text.replace(new RegExp(`(\\n    ${key}:\\n(?: {6}.*\\n)*?)( {6}${from.replace(/[[\]().*+?^$|{}]/g, '\\$&')}\\n)`), (_, head: string) => `${head}      ${to}\n`);

const STEPS: { what: string; change: (text: string) => string; made: (made: readonly string[]) => void }[] = [
  {
    what: 'reword StockReserved (warehouse-service sends it, shop-service receives it)',
    change: inMessage('StockReserved', 'name: warehouse.stock_reserved', 'name: warehouse.stock_reserved\n      description: Stock was put aside for an order.'),
    made: (made) => expect([...made].sort()).toEqual(['services/shop-service.ts', 'services/warehouse-service.ts']),
  },
  {
    what: 'a consumer more for ParcelShippedV3',
    change: inMessage('ParcelShippedV3', 'x-consumers: [billing-service]', 'x-consumers: [audit-service, billing-service]'),
    made: (made) => expect(made).toEqual(expect.arrayContaining(['topology.ts', 'services/audit-service.ts', 'index.ts'])),
  },
  {
    what: 'StockUnavailable no longer a reply of ReserveStock',
    change: (t) => t.replace("        - $ref: '#/channels/reserveStockReply/messages/StockUnavailable'\n", ''),
    made: (made) => expect(made).toEqual(expect.arrayContaining(['events.ts', 'registry.ts'])),
  },
  {
    what: 'a pinned name for BinMovedV2',
    change: inMessage('BinMovedV2', 'x-version: 2', 'x-version: 2\n      x-eventsmith-name: BinRelocated'),
    made: (made) => expect(made).toEqual(expect.arrayContaining(['registry.ts', 'services/warehouse-service.ts'])),
  },
  {
    what: 'bin_moved published elsewhere',
    change: (t) => t.replace('address: business.warehouse.bin_moved', 'address: business.warehouse.bins_moved'),
    made: (made) => expect(made).toEqual(expect.arrayContaining(['topology.ts'])),
  },
  {
    what: 'ReserveStock made a business event',
    change: inMessage('ReserveStock', 'x-kind: command', 'x-kind: business'),
    made: (made) => expect(made).toEqual(expect.arrayContaining(['events.ts', 'topology.ts', 'registry.ts'])),
  },
];

describe("emit's memo of whole files", () => {
  it('makes again only the files whose inputs changed, and gives what a clean generate gives', async () => {
    const dir = tempDir();
    const root = path.join(dir, 'catalog');
    cpSync(path.resolve('test/fixtures/catalogs/sunset-and-replies'), root, { recursive: true });
    const catalog = new IncrementalCatalog(root, { strict: false, cwd: dir });
    const out = path.join(dir, 'watch-out');
    const writer = new ChangedFilesWriter(out);
    writer.write(emit((await catalog.load()).catalog));
    for (const step of STEPS) {
      const file = path.join(root, 'warehouse.yaml');
      const before = readFileSync(file, 'utf8');
      writeFileSync(file, step.change(before));
      expect(readFileSync(file, 'utf8'), step.what).not.toBe(before);
      writer.write(emit((await catalog.load()).catalog));
      step.made(lastEmitMade());
      const clean = path.join(tempDir(), 'clean-out');
      const result = await runCli(['generate', '--catalog', root, '--out', clean, '--no-cache'], dir);
      expect(result.code, result.stderr).toBe(0);
      expect(hashTree(out), step.what).toBe(hashTree(clean));
    }
  }, 120_000);
});
