/**
 * `eventsmith generate --watch` as a user runs it: the real executable, a catalogue edited on disk.
 * A save regenerates and rewrites only the outputs that changed; a broken save is reported as
 * file:line:column and the previous output stays; the next good save recovers; a fragment change
 * re-parses exactly the documents that reach it; SIGINT stops it cleanly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

describe('eventsmith generate --watch', () => {
  it('regenerates on save, rewrites only what changed, survives a broken save and recovers', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/orders.yaml': ORDERS, 'catalog/billing.yaml': BILLING, 'catalog/shared/money.yaml': MONEY });
    const out = path.join(dir, 'out');
    const w = startWatch(dir, ['--catalog', 'catalog', '--out', 'out']);
    await until('the first build', () => /watching catalog/.test(w.stdout));
    expect(w.stderr).toBe('');
    expect(w.stdout).toMatch(/2 events \(2 versions\) → out: \d+ files, \d+ rewritten, in \d+\.\d+s \(re-parsed billing\.yaml, orders\.yaml\)/);
    const schemaFile = path.join(out, 'json-schema/order.created.v1.json');
    const billingSchema = path.join(out, 'json-schema/billing.invoice_issued.v1.json');
    expect(readFileSync(schemaFile, 'utf8')).toContain('An order was placed.');
    const billingMtime = statSync(billingSchema).mtimeMs;

    // A save: the output follows, only the orders document is parsed again, and only the files
    // whose content changed are rewritten.
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace('An order was placed.', 'A customer placed an order.'));
    await until('the rebuild', () => readFileSync(schemaFile, 'utf8').includes('A customer placed an order.'));
    await until('the summary line', () => count(w.stdout, /rewritten/) === 2);
    const line = w.stdout.trim().split('\n').at(-1)!;
    expect(line).toMatch(/\(re-parsed orders\.yaml\)$/);
    const [, total, rewritten] = /: (\d+) files, (\d+) rewritten/.exec(line)!.map(Number);
    expect(rewritten).toBeGreaterThan(0);
    expect(rewritten).toBeLessThan(total! / 2);
    expect(statSync(billingSchema).mtimeMs).toBe(billingMtime);

    // A broken save: reported as file:line:column, the previous output stays, and it keeps running.
    const good = hashTree(out);
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace("      x-consumers: [billing-service]\n", "      x-consumers: [billing-service\n"));
    await until('the error report', () => /keeps its previous content/.test(w.stderr));
    expect(w.stderr).toMatch(/catalog\/orders\.yaml:\d+:\d+: /);
    expect(hashTree(out)).toBe(good);
    expect(w.child.exitCode).toBeNull();

    // What only the catalogue checks find (an example that does not validate) is a warning outside
    // --strict: reported as file:line:column, and the output follows the catalogue.
    const rebuilds = count(w.stdout, /rewritten/);
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace('amount: 12.5', 'amount: -1'));
    await until('the warning', () => /warning: example .*does not match/.test(w.stderr));
    expect(w.stderr).toMatch(/catalog\/orders\.yaml:\d+:\d+: warning: example .*does not match its payload schema: total\.amount must be >= 0/);
    await until('the rebuild with a warning', () => count(w.stdout, /rewritten/) === rebuilds + 1);
    expect(count(w.stderr, /keeps its previous content/)).toBe(1);

    // Fixed: it recovers.
    writeFileSync(path.join(dir, 'catalog/orders.yaml'), ORDERS.replace('An order was placed.', 'Fixed again.'));
    await until('the recovery', () => readFileSync(schemaFile, 'utf8').includes('Fixed again.'));

    // A fragment change re-parses the documents that reach it, and only those.
    writeFileSync(path.join(dir, 'catalog/shared/money.yaml'), MONEY.replace('currency: { type: string', () => 'currency: { description: ISO 4217 code, type: string'));
    await until('the fragment rebuild', () => readFileSync(schemaFile, 'utf8').includes('ISO 4217 code'));
    await until('its summary line', () => count(w.stdout, /rewritten/) === 5);
    expect(w.stdout.trim().split('\n').at(-1)).toMatch(/\(re-parsed orders\.yaml\)$/);

    // SIGINT stops it with exit code 0.
    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
    expect(w.stdout).toMatch(/stopped watching/);
  }, 180_000);

  it('refuses --watch together with --check', async () => {
    const dir = tempDir();
    const w = startWatch(dir, ['--check']);
    expect(await w.exit).toBe(2);
    expect(w.stderr).toMatch(/--watch and --check cannot be used together/);
  });
});
