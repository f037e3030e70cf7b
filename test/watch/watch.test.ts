/**
 * `eventsmith generate --watch` as a user runs it: the real executable, a catalogue edited on disk.
 * A save regenerates and rewrites only the outputs that changed; a broken save is reported as
 * file:line:column and the previous output stays; the next good save recovers; a fragment change
 * re-parses exactly the documents that reach it; SIGINT stops it cleanly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDiff } from '../../generator/watch/watch.js';
import { hashTree, REPO_ROOT, tempDir, writeTree } from '../helpers/cli.js';

const ORDERS = `asyncapi: 3.0.0
info:
  title: Order events
  version: 1.0.0
  x-service: order-service
channels:
  orderCreated:
    address: business.order.created
    messages:
      OrderCreated:
        $ref: '#/components/messages/OrderCreated'
operations:
  publishOrderCreated:
    action: send
    channel: { $ref: '#/channels/orderCreated' }
components:
  messages:
    OrderCreated:
      name: order.created
      description: An order was placed.
      x-consumers: [billing-service]
      payload:
        type: object
        required: [order_id, total]
        properties:
          order_id: { type: string, format: uuid }
          total:
            $ref: './shared/money.yaml#/components/schemas/Money'
      examples:
        - payload: { order_id: 2f0c1f4e-8d1c-4f57-9d7e-3b9e6c1a2b3c, total: { amount: 12.5, currency: EUR } }
`;

const BILLING = `asyncapi: 3.0.0
info:
  title: Billing events
  version: 1.0.0
  x-service: billing-service
channels:
  invoiceIssued:
    address: business.billing.invoice_issued
    messages:
      InvoiceIssued:
        $ref: '#/components/messages/InvoiceIssued'
operations:
  publishInvoiceIssued:
    action: send
    channel: { $ref: '#/channels/invoiceIssued' }
components:
  messages:
    InvoiceIssued:
      name: billing.invoice_issued
      description: An invoice was issued.
      payload:
        type: object
        required: [invoice_id]
        properties:
          invoice_id: { type: string }
`;

const MONEY = `components:
  schemas:
    Money:
      type: object
      required: [amount, currency]
      properties:
        amount: { type: number, minimum: 0 }
        currency: { type: string, pattern: '^[A-Z]{3}$' }
`;

interface Watcher {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

const running: Watcher[] = [];

afterEach(() => {
  for (const w of running.splice(0)) if (w.child.exitCode === null) w.child.kill('SIGKILL');
});

function startWatch(cwd: string, args: string[]): Watcher {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/eventsmith.js'), 'generate', '--watch', ...args], { cwd });
  const watcher: Watcher = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout.on('data', (d: Buffer) => (watcher.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (watcher.stderr += d.toString()));
  running.push(watcher);
  return watcher;
}

async function until(what: string, condition: () => boolean, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const count = (text: string, pattern: RegExp): number => (text.match(new RegExp(pattern, 'g')) ?? []).length;
/** The line each regeneration prints. */
const REPORT = /eventsmith: (no change|\d+ files? differs?) → /;

describe('eventsmith generate --watch', () => {
  it('regenerates on save, rewrites only what changed, survives a broken save and recovers', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/orders.yaml': ORDERS, 'catalog/billing.yaml': BILLING, 'catalog/shared/money.yaml': MONEY });
    const out = path.join(dir, 'out');
    const w = startWatch(dir, ['--catalog', 'catalog', '--out', 'out']);
    await until('the first build', () => /watching catalog/.test(w.stdout));
    expect(w.stderr).toBe('');
    expect(w.stdout).toMatch(/^\d\d:\d\d:\d\d eventsmith: \d+ files differ → out \(2 events \(2 versions\), \d+ files; re-parsed billing\.yaml, orders\.yaml\) in \d+\.\d+s$/m);
    const schemaFile = path.join(out, 'json-schema/order.created.v1.json');
    const billingSchema = path.join(out, 'json-schema/billing.invoice_issued.v1.json');
    expect(readFileSync(schemaFile, 'utf8')).toContain('An order was placed.');
    const billingMtime = statSync(billingSchema).mtimeMs;

    // A save: the output follows, only the orders document is parsed again, and only the files
    // whose content changed are rewritten.
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace('An order was placed.', 'A customer placed an order.'));
    await until('the rebuild', () => readFileSync(schemaFile, 'utf8').includes('A customer placed an order.'));
    await until('the summary line', () => count(w.stdout, REPORT) === 2);
    const line = w.stdout.trim().split('\n').at(-1)!;
    expect(line).toMatch(/^\d\d:\d\d:\d\d eventsmith: \d+ files? differs? → out \(.*; re-parsed orders\.yaml\) in \d+\.\d+s$/);
    const [, rewritten, total] = /: (\d+) files? differs? → out \(2 events \(2 versions\), (\d+) files;/.exec(line)!.map(Number);
    expect(rewritten).toBeGreaterThan(0);
    expect(rewritten).toBeLessThan(total! / 2);
    expect(statSync(billingSchema).mtimeMs).toBe(billingMtime);

    // A broken save: reported as file:line:column, the previous output stays, and it keeps running.
    const good = hashTree(out);
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace("      x-consumers: [billing-service]\n", "      x-consumers: [billing-service\n"));
    await until('the error report', () => /keeps its previous content/.test(w.stderr));
    expect(w.stderr).toMatch(/catalog\/orders\.yaml:\d+:\d+: /);
    expect(w.stderr).toMatch(/^\d\d:\d\d:\d\d eventsmith: 1 problem found; out keeps its previous content/m);
    expect(hashTree(out)).toBe(good);
    expect(w.child.exitCode).toBeNull();

    // What only the catalogue checks find (an example that does not validate) is a warning outside
    // --strict: reported as file:line:column, and the output follows the catalogue.
    const rebuilds = count(w.stdout, REPORT);
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace('amount: 12.5', 'amount: -1'));
    await until('the warning', () => /warning: example .*does not match/.test(w.stderr));
    expect(w.stderr).toMatch(/catalog\/orders\.yaml:\d+:\d+: warning: example .*does not match its payload schema: total\.amount must be >= 0/);
    await until('the rebuild with a warning', () => count(w.stdout, REPORT) === rebuilds + 1);
    expect(count(w.stderr, /keeps its previous content/)).toBe(1);

    // Fixed: it recovers.
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace('An order was placed.', 'Fixed again.'));
    await until('the recovery', () => readFileSync(schemaFile, 'utf8').includes('Fixed again.'));

    // A fragment change re-parses the documents that reach it, and only those.
    writeFileSync(path.join(dir, 'catalog/shared/money.yaml'), MONEY.replace('currency: { type: string', () => 'currency: { description: ISO 4217 code, type: string'));
    await until('the fragment rebuild', () => readFileSync(schemaFile, 'utf8').includes('ISO 4217 code'));
    await until('its summary line', () => count(w.stdout, REPORT) === 5);
    expect(w.stdout.trim().split('\n').at(-1)).toMatch(/; re-parsed orders\.yaml\) in \d+\.\d+s$/);

    // A save that changes no output (a comment) is reported as such.
    writeFileSync(path.join(dir, 'catalog/shared/money.yaml'), `# Money, shared.\n${readFileSync(path.join(dir, 'catalog/shared/money.yaml'), 'utf8')}`);
    await until('the no-change line', () => count(w.stdout, REPORT) === 6);
    expect(w.stdout.trim().split('\n').at(-1)).toMatch(/^\d\d:\d\d:\d\d eventsmith: no change → out \(/);

    // SIGINT stops it with exit code 0.
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    expect(w.stdout).toMatch(/stopped watching/);
  }, 180_000);

  it('regenerates when an Avro schema (.avsc) that a document reaches is saved', async () => {
    const dir = tempDir();
    cpSync(path.join(REPO_ROOT, 'test/fixtures/catalogs/avro'), path.join(dir, 'catalog'), { recursive: true });
    const w = startWatch(dir, ['--catalog', 'catalog', '--out', 'out']);
    await until('the first build', () => /watching catalog/.test(w.stdout));
    const avsc = path.join(dir, 'catalog/schemas/payment-captured.avsc');
    const schemaFiles = () => readdirSync(path.join(dir, 'out/json-schema')).map((f) => readFileSync(path.join(dir, 'out/json-schema', f), 'utf8')).join('\n');
    expect(schemaFiles()).not.toContain('A card payment was captured and settled.');
    writeFileSync(avsc, readFileSync(avsc, 'utf8').replace('A card payment was captured.', 'A card payment was captured and settled.'));
    // The watch writes the files before it prints its line about them: wait for both.
    const rebuilt = /files? differs? → out .*re-parsed orders\.yaml/;
    await until('the rebuild and its line', () => schemaFiles().includes('A card payment was captured and settled.') && rebuilt.test(w.stdout.trim().split('\n').at(-1) ?? ''));
    expect(w.stdout.trim().split('\n').at(-1)).toMatch(rebuilt);
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  }, 120_000);

  it('says how many output files differ, plural right', () => {
    const diff = (added: number, changed: number, removed: number) => ({
      added: Array.from({ length: added }, (_, i) => `a${i}`),
      changed: Array.from({ length: changed }, (_, i) => `c${i}`),
      removed: Array.from({ length: removed }, (_, i) => `r${i}`),
      unchanged: 0,
    });
    expect(describeDiff(diff(0, 0, 0))).toBe('no change');
    expect(describeDiff(diff(0, 1, 0))).toBe('1 file differs');
    expect(describeDiff(diff(1, 1, 1))).toBe('3 files differ');
  });

  it('refuses --watch together with --check', async () => {
    const dir = tempDir();
    const w = startWatch(dir, ['--check']);
    expect(await w.exit).toBe(2);
    expect(w.stderr).toMatch(/--watch and --check cannot be used together/);
  });
});
