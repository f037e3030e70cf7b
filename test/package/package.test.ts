/**
 * Packaging end to end, as a user meets eventsmith: `npm pack` this repository, install the tarball
 * (with TypeScript 5, not the repository's compiler) into a fresh ESM project, generate from the
 * catalogue there with `npx eventsmith generate`, type-check the generated code plus a small program
 * under strict NodeNext, compile it and run it against RabbitMQ (a private vhost): it publishes an
 * event and consumes it through the installed `eventsmith/runtime`. A second project installs no
 * broker client at all: its service runs on the in-memory transport, the CLI still generates, and
 * asking for the RabbitMQ transport names the package to install.
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

function mainSource(payload: unknown): string {
  return `// Written by test/package/package.test.ts: a user's program on the installed package.
import { randomUUID } from 'node:crypto';
import type { Envelope } from 'eventsmith/runtime';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { EVENT_TYPES, inventoryService, procurementService, type EventPayload } from './events/index.js';

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
});
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
import { EVENT_TYPES, inventoryService, procurementService, type EventPayload } from './events/index.js';

const stock: EventPayload<'inventory.stock_added'> = ${JSON.stringify(payload, null, 2)};
const transport = new MemoryTransport();
const inventory = inventoryService.createInventoryService({ transport, ownsTransport: false });
const procurement = procurementService.createProcurementService({ transport, ownsTransport: false });
const delivered = new Promise<Envelope>((resolve) => {
  procurement.consumer.on(EVENT_TYPES.INVENTORY.STOCK_ADDED, (_data, ctx) => resolve(ctx.envelope));
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

describe('npm package', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'eventsmith-package-'));
  let vhost: TestVhost | undefined;

  afterAll(async () => {
    await vhost?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs into a fresh project whose generated code compiles (TypeScript 5, strict NodeNext) and runs against the broker', { timeout: 240_000 }, async () => {
    expect(existsSync(path.join(REPO_ROOT, 'dist/runtime/index.js')), 'dist/ is missing: run `npm run build` (npm test does)').toBe(true);

    // 1. Pack.
    const packJson = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO_ROOT, 60_000);
    const [packed] = JSON.parse(packJson.slice(packJson.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    expect(packed).toBeDefined();
    const files = packed!.files.map((file) => file.path);
    for (const needed of ['package.json', 'bin/eventsmith.js', 'dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/runtime/zod.js', 'dist/generator/cli/main.js', 'dist/generator/index.d.ts']) {
      expect(files, `tarball lacks ${needed}`).toContain(needed);
    }
    expect(files.some((file) => file.startsWith('templates/'))).toBe(true);
    expect(files.filter((file) => /^(test|runtime|generator|catalog|generated|node_modules)\//.test(file))).toEqual([]);
    const tarball = path.join(work, packed!.filename);
    expect(existsSync(tarball)).toBe(true);

    // 2. A fresh ESM project with the tarball and TypeScript 5.
    const app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'eventsmith-package-test-app', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
    // Broker clients are optional peer dependencies: a RabbitMQ service installs amqplib itself.
    await sh('npm', ['install', tarball, 'amqplib', 'typescript@^5', '@types/node@^20', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 180_000);
    expect((await sh('npx', ['--no-install', 'tsc', '--version'], app, 30_000)).trim()).toMatch(/^Version 5\./);

    // 3. Generate from this repository's catalogue with the installed CLI.
    cpSync(path.join(REPO_ROOT, 'catalog'), path.join(app, 'catalog'), { recursive: true });
    await sh('npx', ['--no-install', 'eventsmith', 'generate', '--catalog', 'catalog', '--out', 'src/events', '--strict'], app, 60_000);
    expect(existsSync(path.join(app, 'src/events/index.ts'))).toBe(true);
    const generated = readFileSync(path.join(app, 'src/events/schemas/inventory.ts'), 'utf8');
    expect(generated).toContain("from 'eventsmith/zod'");

    // 4. A program on the generated code; type-check, compile, run.
    const snapshot = JSON.parse(readFileSync(path.join(app, 'src/events/catalog.snapshot.json'), 'utf8')) as Snapshot;
    const versions = snapshot.catalog.events.filter((event) => event.type === 'inventory.stock_added').sort((a, b) => a.version - b.version);
    const payload = versions[versions.length - 1]?.examples[0]?.payload;
    expect(payload).toBeDefined();
    writeFileSync(path.join(app, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    writeFileSync(path.join(app, 'src/main.ts'), mainSource(payload));
    await sh('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.'], app, 120_000);
    await sh('npx', ['--no-install', 'tsc', '-p', '.'], app, 120_000);
    expect(existsSync(path.join(app, 'dist/main.js'))).toBe(true);

    vhost = await createVhost(`eventsmith-package-${randomUUID().slice(0, 4)}`);
    const output = await sh(process.execPath, ['dist/main.js'], app, 60_000, cleanEnv({ RABBITMQ_URL: vhost.url }));
    expect(output.trim().split('\n')).toEqual(['OK']);
    console.info(`package test: ${timings.join(', ')}`);
  });

  it('runs a service on the in-memory transport with no broker client installed', { timeout: 240_000 }, async () => {
    const packJson = await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO_ROOT, 60_000);
    const [packed] = JSON.parse(packJson.slice(packJson.indexOf('['))) as Array<{ filename: string }>;
    const tarball = path.join(work, packed!.filename);
    const app = path.join(work, 'memory-app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'eventsmith-package-memory-app', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
    await sh('npm', ['install', tarball, 'typescript@^5', '@types/node@^20', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 180_000);
    expect(existsSync(path.join(app, 'node_modules/amqplib')), 'amqplib was installed although nothing asked for it').toBe(false);
    expect(existsSync(path.join(app, 'node_modules/@platformatic/kafka')), '@platformatic/kafka was installed although nothing asked for it').toBe(false);

    cpSync(path.join(REPO_ROOT, 'catalog'), path.join(app, 'catalog'), { recursive: true });
    await sh('npx', ['--no-install', 'eventsmith', 'generate', '--catalog', 'catalog', '--out', 'src/events', '--strict'], app, 60_000);
    const snapshot = JSON.parse(readFileSync(path.join(app, 'src/events/catalog.snapshot.json'), 'utf8')) as Snapshot;
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
});
