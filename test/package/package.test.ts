/**
 * Packaging end to end, as a user meets eventsmith: `npm pack` this repository, install the tarball
 * (with TypeScript 5, not the repository's compiler) into a fresh ESM project, generate from the
 * catalogue there with `npx eventsmith generate`, type-check the generated code plus a small program
 * under strict NodeNext, compile it and run it against RabbitMQ (a private vhost): it publishes an
 * event and consumes it through the installed `eventsmith/runtime`. A second project installs no
 * broker client at all: its service runs on the in-memory transport, the CLI still generates, and
 * asking for the RabbitMQ transport names the package to install. A third is CommonJS (no
 * `"type": "module"`): its compiled `require` calls load the ESM-only package (Node.js 20.19+
 * loads ES modules through `require`; TypeScript 5.8+ allows it under NodeNext).
 *
 * Each project starts as a user's does: `npx eventsmith init`, `npx eventsmith generate`, `npx tsc
 * --noEmit` and the scaffolded test (`npm test`) pass in the ESM project and in the CommonJS one (which
 * is also told what CommonJS needs); the ESM project then follows the README's "The first hour" line by
 * line, its RabbitMQ program included. This repository's catalogue is generated beside the scaffold
 * (repo-catalog → src/repo-events) for the programs above. The tarball is packed once for all.
 *
 * The tarball holds what a user needs and nothing else: no dist/generated (this repository's own
 * generated code), no examples or tests, the docs; the README states its packed size, within 25%.
 *
 * Packs with --ignore-scripts: `prepare` would rebuild dist/ while the other test files import it.
 * `npm test` builds dist/ first (pretest); run `npm run build` before running this file alone.
 * Needs the npm registry (the tarball's dependencies and typescript@5 are installed from it).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createVhost, type TestVhost } from '../helpers/vhost.js';

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

interface Snapshot {
  catalog: { events: Array<{ type: string; version: number; examples: Array<{ payload: unknown }> }> };
}

/** The environment npm gives `npm test` describes this repository's package; the nested npm must not see it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(key) || key === 'INIT_CWD' || key === 'npm_config_local_prefix') continue;
    env[key] = value;
  }
  return { ...env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false', ...extra };
}

const timings: string[] = [];

async function sh(command: string, args: readonly string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = cleanEnv()): Promise<string> {
  const started = Date.now();
  try {
    const { stdout } = await execFileAsync(command, [...args], { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    timings.push(`${[command === process.execPath ? 'node' : command, ...args.slice(0, 2)].join(' ')} ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return stdout;
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string; code?: unknown; signal?: unknown };
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd} (code ${String(failure.code)}, signal ${String(failure.signal)}):\n${failure.stdout ?? ''}\n${failure.stderr ?? failure.message}`);
  }
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    // Check the installed declarations too (eventsmith's, zod's, amqplib's), as a strict project may.
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

/** The program on this repository's catalogue, compiled apart from the scaffold (whose own tsconfig.json init wrote). */
function repoTsconfig(compilerOptions: Record<string, unknown>): unknown {
  return { compilerOptions, include: ['src/repo-main.ts'] };
}

/** v1 of inventory.stock_added is still in the catalogue: every consumer of it upcasts v1 (it would not compile otherwise). */
const FROM_V1 = `const fromV1 = (v1: VersionedEventPayload<'inventory.stock_added', 1>): EventPayload<'inventory.stock_added'> => ({
  tenant_id: v1.tenant_id,
  ingredient_id: v1.ingredient_id,
  location_id: '00000000-0000-4000-8000-000000000000',
  quantity: { value: v1.quantity, unit: 'kg' },
  source: 'purchase_order',
  received_at: v1.received_at,
});`;

function mainSource(payload: unknown): string {
  return `// Written by test/package/package.test.ts: a user's program on the installed package.
import { randomUUID } from 'node:crypto';
import type { Envelope } from 'eventsmith/runtime';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { EVENT_TYPES, inventoryService, procurementService, type EventPayload, type VersionedEventPayload } from './repo-events/index.js';
${FROM_V1}

const url = process.env.RABBITMQ_URL;
if (url === undefined) throw new Error('RABBITMQ_URL is not set');

const stock: EventPayload<'inventory.stock_added'> = ${JSON.stringify(payload, null, 2)};

// Never called: fails to compile if the installed types degrade to \`any\`.
export function typeChecks(publisher: ReturnType<typeof inventoryService.createInventoryService>['publisher']): void {
  // @ts-expect-error a payload of the wrong shape is refused at compile time
  void publisher.stockAdded({ not: 'a stock event' });
}

const inventory = inventoryService.createInventoryService({ transport: await AmqpTransport.connect({ url, connectionName: 'eventsmith-package-inventory', connectTimeoutMs: 10_000 }) });
const procurement = procurementService.createProcurementService({ transport: await AmqpTransport.connect({ url, connectionName: 'eventsmith-package-procurement', connectTimeoutMs: 10_000 }) });

const id = randomUUID();
let deliver: (envelope: Envelope) => void = () => {};
const delivered = new Promise<Envelope>((resolve) => {
  deliver = resolve;
});
procurement.consumer.on(EVENT_TYPES.INVENTORY.STOCK_ADDED, (data, ctx) => {
  if (ctx.envelope.id === id && data.lot_number === stock.lot_number) deliver(ctx.envelope);
}, { 1: fromV1 });
await procurement.consumer.start();
await inventory.events.start();

const sent = await inventory.publisher.stockAdded(stock, { id });
const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no delivery within 15 s')), 15_000).unref());
const received = await Promise.race([delivered, timeout]);
if (received.id !== sent.id || received.source !== 'urn:eventsmith:inventory-service') throw new Error('unexpected envelope ' + JSON.stringify(received));
await Promise.all([inventory.events.close({ timeoutMs: 2000 }), procurement.events.close({ timeoutMs: 2000 })]);
console.log('OK');
`;
}

/** A service on the in-memory transport only: what a user's unit test does, with no broker client installed. */
function memorySource(payload: unknown): string {
  return `// Written by test/package/package.test.ts: a program that needs no broker client.
import { MemoryTransport, type Envelope } from 'eventsmith/runtime';
import { EVENT_TYPES, inventoryService, procurementService, type EventPayload, type VersionedEventPayload } from './repo-events/index.js';
${FROM_V1}

const stock: EventPayload<'inventory.stock_added'> = ${JSON.stringify(payload, null, 2)};
const transport = new MemoryTransport();
const inventory = inventoryService.createInventoryService({ transport, ownsTransport: false });
const procurement = procurementService.createProcurementService({ transport, ownsTransport: false });
const delivered = new Promise<Envelope>((resolve) => {
  procurement.consumer.on(EVENT_TYPES.INVENTORY.STOCK_ADDED, (_data, ctx) => resolve(ctx.envelope), { 1: fromV1 });
});
await procurement.consumer.start();
await inventory.events.start();
const sent = await inventory.publisher.stockAdded(stock);
const received = await delivered;
if (received.id !== sent.id) throw new Error('unexpected envelope ' + JSON.stringify(received));
await Promise.all([inventory.events.close(), procurement.events.close()]);
await transport.close();

// The RabbitMQ transport, asked for without amqplib installed, says what to install.
const { AmqpTransport } = await import('eventsmith/runtime/amqp');
try {
  await AmqpTransport.connect({ connectTimeoutMs: 1000 });
  throw new Error('connected without amqplib');
} catch (error) {
  console.log(error instanceof Error ? error.message : String(error));
}
// So does the Kafka transport without @platformatic/kafka.
const { KafkaTransport } = await import('eventsmith/runtime/kafka');
try {
  await KafkaTransport.connect();
  throw new Error('connected without @platformatic/kafka');
} catch (error) {
  console.log(error instanceof Error ? error.message : String(error));
}
console.log('OK');
`;
}

/** A CommonJS program (no top-level await) on the installed package and the in-memory transport. */
function commonJsSource(payload: unknown): string {
  return `// Written by test/package/package.test.ts: a CommonJS program on the installed ESM package.
import { MemoryTransport, type Envelope } from 'eventsmith/runtime';
import { EVENT_TYPES, inventoryService, procurementService, type EventPayload, type VersionedEventPayload } from './repo-events/index.js';
${FROM_V1}

async function main(): Promise<void> {
  const stock: EventPayload<'inventory.stock_added'> = ${JSON.stringify(payload, null, 2)};
  const transport = new MemoryTransport();
  const inventory = inventoryService.createInventoryService({ transport, ownsTransport: false });
  const procurement = procurementService.createProcurementService({ transport, ownsTransport: false });
  const delivered = new Promise<Envelope>((resolve) => {
    procurement.consumer.on(EVENT_TYPES.INVENTORY.STOCK_ADDED, (_data, ctx) => resolve(ctx.envelope), { 1: fromV1 });
  });
  await procurement.consumer.start();
  await inventory.events.start();
  const sent = await inventory.publisher.stockAdded(stock);
  const received = await delivered;
  if (received.id !== sent.id) throw new Error('unexpected envelope ' + JSON.stringify(received));
  await Promise.all([inventory.events.close(), procurement.events.close()]);
  await transport.close();
  console.log('OK');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;
}

interface Packed {
  tarball: string;
  size: number;
  files: string[];
}

let packing: Promise<Packed> | undefined;

/** One `npm pack` for every project of this file. */
function pack(work: string): Promise<Packed> {
  packing ??= (async () => {
    const packJson = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO_ROOT, 60_000);
    const [packed] = JSON.parse(packJson.slice(packJson.indexOf('['))) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
    if (packed === undefined) throw new Error(`npm pack printed no tarball: ${packJson}`);
    return { tarball: path.join(work, packed.filename), size: packed.size, files: packed.files.map((file) => file.path) };
  })();
  return packing;
}

/** The README's "The first hour": its shell commands (comments dropped), in order, and the program it asks for in src/main.ts. */
function firstHour(): { commands: string[]; program: string } {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = /^## The first hour\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README has no "## The first hour" section');
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)].map((match) => ({ lang: match[1], body: match[2] ?? '' }));
  const commands = blocks.filter((block) => block.lang === 'sh').flatMap((block) => block.body.split('\n').map((line) => line.replace(/(^|\s+)#.*$/, '').trim()).filter((line) => line !== ''));
  const programs = blocks.filter((block) => block.lang === 'ts');
  if (programs.length !== 1) throw new Error(`"The first hour" should hold one TypeScript program (src/main.ts), found ${programs.length}`);
  return { commands, program: programs[0]!.body };
}

/** What the projects below install up front, from the tarball and with TypeScript 5: the README's install lines name the same packages. */
const INSTALLED_UP_FRONT = ['npm install eventsmith', 'npm install --save-dev typescript @types/node', 'npm install amqplib'];

/** `npx eventsmith init`, `npx eventsmith generate`, `npx tsc --noEmit` and the scaffolded test, in a project with the tarball installed; returns init's output. */
async function scaffoldAndTest(app: string): Promise<string> {
  const init = await sh('npx', ['--no-install', 'eventsmith', 'init'], app, 60_000);
  expect(init).toMatch(/created in \.:/);
  for (const file of ['catalog/shop.yaml', 'eventsmith.config.yaml', 'src/order-placed.test.ts', 'tsconfig.json']) expect(existsSync(path.join(app, file)), file).toBe(true);
  await sh('npx', ['--no-install', 'eventsmith', 'generate'], app, 60_000);
  expect(existsSync(path.join(app, 'src/events/services/checkout-service.ts'))).toBe(true);
  await sh('npx', ['--no-install', 'tsc', '--noEmit'], app, 120_000);
  const tested = await sh('npm', ['test'], app, 120_000);
  // node:test's summary (TAP on Node.js 20, the spec reporter on 22 and later).
  expect(tested).toMatch(/^(# |ℹ )pass 1$/m);
  expect(tested).toMatch(/^(# |ℹ )fail 0$/m);
  return init;
}

describe('npm package', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'eventsmith-package-'));
  let vhost: TestVhost | undefined;

  afterAll(async () => {
    await vhost?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs into a fresh project that follows the README\'s first hour, and whose generated code compiles (TypeScript 5, strict NodeNext) and runs against the broker', { timeout: 300_000 }, async () => {
    expect(existsSync(path.join(REPO_ROOT, 'dist/runtime/index.js')), 'dist/ is missing: run `npm run build` (npm test does)').toBe(true);

    // 1. Pack.
    const packed = await pack(work);
    const files = packed.files;
    for (const needed of ['package.json', 'bin/eventsmith.js', 'dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/runtime/zod.js', 'dist/generator/cli/main.js', 'dist/generator/index.d.ts']) {
      expect(files, `tarball lacks ${needed}`).toContain(needed);
    }
    expect(files.some((file) => file.startsWith('templates/'))).toBe(true);
    for (const doc of ['README.md', 'docs/catalog-format.md', 'docs/guarantees.md', 'docs/idempotency.md', 'docs/compatibility.md']) expect(files, `tarball lacks ${doc}`).toContain(doc);
    expect(files.filter((file) => /^(test|runtime|generator|catalog|generated|node_modules|bench|examples|scripts)\//.test(file))).toEqual([]);
    expect(files.filter((file) => /^dist\/(generated|examples|test|bench)\//.test(file))).toEqual([]);
    const stated = /packed size[^\d]*(\d+) kB/i.exec(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'))?.[1];
    expect(stated, 'README states no packed size').toBeDefined();
    const packedKb = packed.size / 1000;
    expect(Math.abs(packedKb - Number(stated)) / Number(stated), `packed ${packedKb.toFixed(0)} kB, README says ${stated} kB`).toBeLessThan(0.25);
    const tarball = packed.tarball;
    expect(existsSync(tarball)).toBe(true);

    // 2. A fresh ESM project with the tarball and TypeScript 5.
    const app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'eventsmith-package-test-app', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
    // Broker clients are optional peer dependencies: a RabbitMQ service installs amqplib itself.
    await sh('npm', ['install', tarball, 'amqplib', 'typescript@^5', '@types/node@^20', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 180_000);
    expect((await sh('npx', ['--no-install', 'tsc', '--version'], app, 30_000)).trim()).toMatch(/^Version 5\./);

    vhost = await createVhost(`eventsmith-package-${randomUUID().slice(0, 4)}`);

    // 3. The README's first hour, command by command: init, generate, type-check, the scaffolded test, then the RabbitMQ program.
    const { commands, program } = firstHour();
    expect(commands[0]).toBe('npx eventsmith init');
    expect(commands.filter((command) => command.startsWith('npm install'))).toEqual(INSTALLED_UP_FRONT);
    const outputs = new Map<string, string>();
    for (const command of commands) {
      if (INSTALLED_UP_FRONT.includes(command)) continue;
      if (command === 'npx eventsmith init') {
        outputs.set(command, await sh('npx', ['--no-install', 'eventsmith', 'init'], app, 60_000));
        continue;
      }
      // The README asks for src/main.ts before the command that runs it.
      if (command.includes('dist/main.js')) writeFileSync(path.join(app, 'src/main.ts'), program);
      outputs.set(command, await sh('sh', ['-c', command], app, 120_000, cleanEnv({ RABBITMQ_URL: vhost.url })));
    }
    expect(outputs.get('npx eventsmith init')).toMatch(/created in \.:\n {2}catalog\/shop\.yaml/);
    expect(commands).toEqual(expect.arrayContaining(['npm run generate', 'npx tsc --noEmit', 'npm test']));
    expect(outputs.get('npm test')).toMatch(/^(# |ℹ )pass 1$/m);
    expect(outputs.get('npm test')).toMatch(/^(# |ℹ )fail 0$/m);
    const firstHourOutput = outputs.get([...outputs.keys()].find((command) => command.includes('dist/main.js')) ?? '') ?? '';
    expect(firstHourOutput.trim().split('\n')).toEqual([
      expect.stringMatching(/^checkout-service published shop\.order_placed [0-9a-f-]{36}$/),
      expect.stringMatching(/^shipping-service handled shop\.order_placed [0-9a-f-]{36} \(4200 cents\)$/),
    ]);

    // 4. Generate from this repository's catalogue with the installed CLI, beside the scaffold.
    cpSync(path.join(REPO_ROOT, 'catalog'), path.join(app, 'repo-catalog'), { recursive: true });
    await sh('npx', ['--no-install', 'eventsmith', 'generate', '--catalog', 'repo-catalog', '--out', 'src/repo-events', '--strict'], app, 60_000);
    expect(existsSync(path.join(app, 'src/repo-events/index.ts'))).toBe(true);
    const generated = readFileSync(path.join(app, 'src/repo-events/schemas/inventory.ts'), 'utf8');
    expect(generated).toContain("from 'eventsmith/zod'");

    // 5. A program on the generated code; type-check, compile, run.
    const snapshot = JSON.parse(readFileSync(path.join(app, 'src/repo-events/catalog.snapshot.json'), 'utf8')) as Snapshot;
    const versions = snapshot.catalog.events.filter((event) => event.type === 'inventory.stock_added').sort((a, b) => a.version - b.version);
    const payload = versions[versions.length - 1]?.examples[0]?.payload;
    expect(payload).toBeDefined();
    writeFileSync(path.join(app, 'tsconfig.repo.json'), `${JSON.stringify(repoTsconfig(TSCONFIG.compilerOptions), null, 2)}\n`);
    writeFileSync(path.join(app, 'src/repo-main.ts'), mainSource(payload));
    // tsc exits non-zero on a type error whether it emits or not: one run type-checks and compiles.
    await sh('npx', ['--no-install', 'tsc', '-p', 'tsconfig.repo.json'], app, 120_000);
    expect(existsSync(path.join(app, 'dist/repo-main.js'))).toBe(true);

    const output = await sh(process.execPath, ['dist/repo-main.js'], app, 60_000, cleanEnv({ RABBITMQ_URL: vhost.url }));
    expect(output.trim().split('\n')).toEqual(['OK']);
    console.info(`package test: ${timings.join(', ')}`);
  });

  it('runs a service on the in-memory transport with no broker client installed', { timeout: 240_000 }, async () => {
    const { tarball } = await pack(work);
    const app = path.join(work, 'memory-app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'eventsmith-package-memory-app', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
    await sh('npm', ['install', tarball, 'typescript@^5', '@types/node@^20', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 180_000);
    expect(existsSync(path.join(app, 'node_modules/amqplib')), 'amqplib was installed although nothing asked for it').toBe(false);
    expect(existsSync(path.join(app, 'node_modules/@platformatic/kafka')), '@platformatic/kafka was installed although nothing asked for it').toBe(false);

    cpSync(path.join(REPO_ROOT, 'catalog'), path.join(app, 'repo-catalog'), { recursive: true });
    await sh('npx', ['--no-install', 'eventsmith', 'generate', '--catalog', 'repo-catalog', '--out', 'src/repo-events', '--strict'], app, 60_000);
    const snapshot = JSON.parse(readFileSync(path.join(app, 'src/repo-events/catalog.snapshot.json'), 'utf8')) as Snapshot;
    const versions = snapshot.catalog.events.filter((event) => event.type === 'inventory.stock_added').sort((a, b) => a.version - b.version);
    writeFileSync(path.join(app, 'tsconfig.json'), `${JSON.stringify({ ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, skipLibCheck: true } }, null, 2)}\n`);
    writeFileSync(path.join(app, 'src/main.ts'), memorySource(versions[versions.length - 1]?.examples[0]?.payload));
    await sh('npx', ['--no-install', 'tsc', '-p', '.'], app, 120_000);
    const output = await sh(process.execPath, ['dist/main.js'], app, 60_000);
    expect(output.trim().split('\n')).toEqual([
      expect.stringMatching(/eventsmith\/runtime\/amqp needs the 'amqplib' package.*npm install amqplib/),
      expect.stringMatching(/eventsmith\/runtime\/kafka needs the '@platformatic\/kafka' package.*npm install @platformatic\/kafka/),
      'OK',
    ]);
  });
  it('installs into a CommonJS project: init says what CommonJS needs, its scaffold and generated code compile to require calls that load the package', { timeout: 240_000 }, async () => {
    const { tarball } = await pack(work);
    const app = path.join(work, 'cjs-app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'eventsmith-package-cjs-app', version: '0.0.0', private: true }, null, 2)}\n`);
    await sh('npm', ['install', tarball, 'typescript@^5', '@types/node@^20', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 180_000);

    const init = await scaffoldAndTest(app);
    expect(init).toMatch(/This is a CommonJS project \(package\.json has no "type": "module"\)\. .*Node\.js 20\.19 or newer .*TypeScript 5\.8 or newer and "module": "NodeNext"\. Use async function main\(\) instead of top-level await\. To switch the project to ESM instead, add "type": "module" to package\.json/);
    expect(readFileSync(path.join(app, 'dist/order-placed.test.js'), 'utf8')).toContain('require("eventsmith/runtime")');

    cpSync(path.join(REPO_ROOT, 'catalog'), path.join(app, 'repo-catalog'), { recursive: true });
    await sh('npx', ['--no-install', 'eventsmith', 'generate', '--catalog', 'repo-catalog', '--out', 'src/repo-events', '--strict'], app, 60_000);
    const snapshot = JSON.parse(readFileSync(path.join(app, 'src/repo-events/catalog.snapshot.json'), 'utf8')) as Snapshot;
    const versions = snapshot.catalog.events.filter((event) => event.type === 'inventory.stock_added').sort((a, b) => a.version - b.version);
    writeFileSync(path.join(app, 'tsconfig.repo.json'), `${JSON.stringify(repoTsconfig({ ...TSCONFIG.compilerOptions, skipLibCheck: true, verbatimModuleSyntax: false }), null, 2)}\n`);
    writeFileSync(path.join(app, 'src/repo-main.ts'), commonJsSource(versions[versions.length - 1]?.examples[0]?.payload));
    await sh('npx', ['--no-install', 'tsc', '-p', 'tsconfig.repo.json'], app, 120_000);
    expect(readFileSync(path.join(app, 'dist/repo-main.js'), 'utf8')).toContain('require("eventsmith/runtime")');
    const output = await sh(process.execPath, ['dist/repo-main.js'], app, 60_000);
    expect(output.trim().split('\n')).toEqual(['OK']);
  });

  it('runs no script when installed: a git install asks nobody to allow one', () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // npm runs `prepare` (and the install hooks) for git dependencies, and warns about each one not allowed; `prepack` builds dist/ for packed copies.
    expect(Object.keys(manifest.scripts).filter((name) => ['prepare', 'preinstall', 'install', 'postinstall'].includes(name))).toEqual([]);
    expect(manifest.scripts.prepack).toBe('npm run build');
  });
});
