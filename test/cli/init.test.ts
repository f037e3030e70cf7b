/**
 * `eventsmith init`: what it scaffolds (and that `generate` reads it as it is), how it merges into
 * an existing package.json, that it overwrites nothing unasked (every file listed, nothing written,
 * the same answer every time), --force, and that a failed write leaves the folder as it was.
 * That the scaffold compiles and its test passes on an installed package: test/package.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../../generator/emit/write.js';
import { hashTree, runCli, tempDir, writeTree } from '../helpers/cli.js';

const SCAFFOLD = ['catalog/shop.yaml', 'eventsmith.config.yaml', 'package.json', 'src/order-placed.test.ts', 'tsconfig.json'];

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('eventsmith init', () => {
  it('scaffolds an empty folder: catalogue, config, a new ESM package.json, a strict tsconfig and a first test; prints them and the next commands', async () => {
    const dir = tempDir();
    const result = await runCli(['init'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(listFiles(dir).sort()).toEqual(SCAFFOLD);

    const manifest = readJson(path.join(dir, 'package.json'));
    expect(manifest.type).toBe('module');
    expect(manifest.scripts).toEqual({
      generate: 'eventsmith generate',
      check: 'eventsmith check --base src/events/catalog.snapshot.json',
      test: 'tsc -p . && node --test dist/*.test.js',
    });
    const tsconfig = readJson(path.join(dir, 'tsconfig.json')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext', verbatimModuleSyntax: true, rootDir: 'src', outDir: 'dist' });
    expect(readFileSync(path.join(dir, 'catalog/shop.yaml'), 'utf8')).toMatch(/^asyncapi: 3\.0\.0$/m);
    const test = readFileSync(path.join(dir, 'src/order-placed.test.ts'), 'utf8');
    expect(test).toContain("from 'node:test'");
    expect(test).toContain('new MemoryTransport()');

    for (const file of SCAFFOLD) expect(result.stdout).toContain(`  ${file}`);
    expect(result.stdout).toMatch(/Next:\n {2}npm install eventsmith\n {2}npm install --save-dev typescript @types\/node\n {2}npm run generate .*\n {2}npm test /);
    expect(result.stdout).not.toMatch(/CommonJS/);
  });

  it('the scaffolded catalogue generates with the scaffolded config, strict, into src/events', async () => {
    const dir = tempDir();
    expect((await runCli(['init'], dir)).code).toBe(0);
    const generated = await runCli(['generate'], dir);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/→ src\/events:/);
    for (const file of ['src/events/index.ts', 'src/events/services/checkout-service.ts', 'src/events/services/shipping-service.ts', 'src/events/catalog.snapshot.json']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'src/events/event-types.ts'), 'utf8')).toMatch(/ORDER_PLACED: 'shop\.order_placed'/);
    // The scaffolded check script compares the catalogue with the snapshot generate wrote.
    const check = await runCli(['check', '--base', 'src/events/catalog.snapshot.json'], dir);
    expect(check.code).toBe(0);
  });

  it('--dir scaffolds into another folder, created when missing, and the next commands start with cd', async () => {
    const dir = tempDir();
    const result = await runCli(['init', '--dir', 'services/shop'], dir);
    expect(result.code).toBe(0);
    expect(listFiles(path.join(dir, 'services/shop')).sort()).toEqual(SCAFFOLD);
    expect(readJson(path.join(dir, 'services/shop/package.json')).name).toBe('shop');
    expect(result.stdout).toMatch(/created in services\/shop:/);
    expect(result.stdout).toMatch(/Next:\n {2}cd services\/shop\n/);
  });

  it('adds the scripts to an existing package.json and leaves its other fields, key order and indentation alone; a CommonJS project is told what it needs', async () => {
    const dir = tempDir();
    const original = {
      name: 'legacy-app',
      version: '3.1.4',
      description: 'keeps its fields',
      main: 'index.js',
      scripts: { start: 'node index.js', test: 'echo "Error: no test specified" && exit 1' },
      dependencies: { eventsmith: '^0.1.0', express: '^4.0.0' },
      devDependencies: { typescript: '^5.8.0' },
    };
    writeTree(dir, { 'package.json': `${JSON.stringify(original, null, 4)}\n` });
    const result = await runCli(['init'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const text = readFileSync(path.join(dir, 'package.json'), 'utf8');
    const manifest = JSON.parse(text) as typeof original & { scripts: Record<string, string> };
    expect(Object.keys(manifest)).toEqual(Object.keys(original));
    expect({ ...manifest, scripts: original.scripts }).toEqual(original);
    // npm init's placeholder test script is replaced; the project's own start script stays.
    expect(manifest.scripts).toEqual({ start: 'node index.js', test: 'tsc -p . && node --test dist/*.test.js', generate: 'eventsmith generate', check: 'eventsmith check --base src/events/catalog.snapshot.json' });
    expect(text).toMatch(/^ {4}"name": "legacy-app",$/m);
    expect(text.endsWith('}\n')).toBe(true);

    // No "type": "module": CommonJS. Its tsconfig leaves out verbatimModuleSyntax (which refuses import statements in CommonJS files).
    const tsconfig = readJson(path.join(dir, 'tsconfig.json')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions.verbatimModuleSyntax).toBeUndefined();
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext' });
    expect(result.stdout).toMatch(/This is a CommonJS project \(package\.json has no "type": "module"\)/);
    expect(result.stdout).toMatch(/Node\.js 20\.19 or newer.*TypeScript 5\.8 or newer.*add "type": "module" to package\.json/s);
    // eventsmith and typescript are there already; only @types/node is missing.
    expect(result.stdout).toMatch(/Next:\n {2}npm install --save-dev @types\/node\n {2}npm run generate/);
  });

  it('keeps an existing tsconfig.json and says what the scaffold expects of it', async () => {
    const dir = tempDir();
    const tsconfig = '{\n  // the project\'s own\n  "compilerOptions": { "strict": true }\n}\n';
    writeTree(dir, { 'tsconfig.json': tsconfig, 'package.json': '{ "name": "app", "type": "module" }' });
    const result = await runCli(['init'], dir);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).toBe(tsconfig);
    expect(result.stdout).not.toMatch(/^ {2}tsconfig\.json/m);
    expect(result.stdout).toMatch(/tsconfig\.json was already there and is kept: the generated code needs "module": "NodeNext"/);
  });

  it('refuses to overwrite: lists every file it would replace, writes nothing, exits 2 and says how to proceed; the same again on every run', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'catalog/shop.yaml': 'asyncapi: 3.0.0\n# mine\n',
      'src/order-placed.test.ts': '// mine\n',
      'eventsmith.config.json': '{ "catalog": "events" }\n',
      'package.json': `${JSON.stringify({ name: 'app', type: 'module', scripts: { test: 'vitest run', generate: 'eventsmith generate' } }, null, 2)}\n`,
    });
    const before = hashTree(dir);
    const first = await runCli(['init'], dir);
    expect(first.code).toBe(2);
    expect(first.stdout).toBe('');
    expect(first.stderr.split('\n')).toEqual([
      'eventsmith: init would overwrite 4 existing files in .; nothing was written:',
      '  package.json (its "test" script: "vitest run"; init\'s: "tsc -p . && node --test dist/*.test.js")',
      '  catalog/shop.yaml',
      '  eventsmith.config.json',
      '  src/order-placed.test.ts',
      "Move them aside and run 'eventsmith init' again, scaffold into an empty folder ('eventsmith init --dir my-service'), or overwrite them with 'eventsmith init --force'.",
    ]);
    expect(hashTree(dir)).toBe(before);
    expect(existsSync(path.join(dir, 'tsconfig.json'))).toBe(false);

    const again = await runCli(['init'], dir);
    expect(again).toEqual(first);
    expect(hashTree(dir)).toBe(before);
  });

  it('a second init in a scaffolded folder refuses, names the scaffold files and changes nothing', async () => {
    const dir = tempDir();
    expect((await runCli(['init'], dir)).code).toBe(0);
    const before = hashTree(dir);
    const second = await runCli(['init'], dir);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/would overwrite 3 existing files/);
    for (const file of ['catalog/shop.yaml', 'eventsmith.config.yaml', 'src/order-placed.test.ts']) expect(second.stderr).toContain(`\n  ${file}\n`);
    expect(hashTree(dir)).toBe(before);
    expect(await runCli(['init'], dir)).toEqual(second);
  });

  it('names one file in the singular', async () => {
    const dir = tempDir();
    writeTree(dir, { 'catalog/shop.yaml': '# mine\n' });
    const result = await runCli(['init'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^eventsmith: init would overwrite an existing file in \.; nothing was written:\n {2}catalog\/shop\.yaml\nMove it aside/);
    expect(listFiles(dir)).toEqual(['catalog/shop.yaml']);
  });

  it('--force overwrites the listed files and replaces the script, keeping the rest of package.json', async () => {
    const dir = tempDir();
    writeTree(dir, {
      'catalog/shop.yaml': '# mine\n',
      'catalog/billing.yaml': '# another domain, not init\'s\n',
      'eventsmith.config.json': '{ "catalog": "events" }\n',
      'package.json': `${JSON.stringify({ name: 'app', type: 'module', scripts: { test: 'vitest run', lint: 'eslint .' }, dependencies: { zod: '^4.0.0' } }, null, 2)}\n`,
    });
    const result = await runCli(['init', '--force'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(dir, 'catalog/shop.yaml'), 'utf8')).toMatch(/name: shop\.order_placed/);
    expect(readFileSync(path.join(dir, 'catalog/billing.yaml'), 'utf8')).toBe('# another domain, not init\'s\n');
    // The existing config file is the one replaced (a second one beside it would be ambiguous), in its own format.
    expect(readJson(path.join(dir, 'eventsmith.config.json'))).toEqual({ catalog: 'catalog', out: 'src/events', strict: true });
    expect(existsSync(path.join(dir, 'eventsmith.config.yaml'))).toBe(false);
    const manifest = readJson(path.join(dir, 'package.json'));
    expect(manifest.scripts).toEqual({ test: 'tsc -p . && node --test dist/*.test.js', lint: 'eslint .', generate: 'eventsmith generate', check: 'eventsmith check --base src/events/catalog.snapshot.json' });
    expect(manifest.dependencies).toEqual({ zod: '^4.0.0' });
  });

  it('reports a package.json that is not JSON at its line and column, and writes nothing', async () => {
    const dir = tempDir();
    writeTree(dir, { 'package.json': '{\n  "name": "app",\n  "type": "module",,\n}\n' });
    const before = hashTree(dir);
    const result = await runCli(['init'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^package\.json:3:\d+: not valid JSON/);
    expect(result.stderr).toMatch(/hint: Fix package\.json/);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(hashTree(dir)).toBe(before);
  });

  it('a write that fails part-way leaves the folder as it was, with a clear error', async () => {
    const dir = tempDir();
    // src is a file, so src/order-placed.test.ts cannot be written, after catalog/ was.
    writeTree(dir, { src: 'not a folder\n' });
    const before = hashTree(dir);
    const result = await runCli(['init'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^eventsmith: cannot write src\/order-placed\.test\.ts in .*; nothing was written\./);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(hashTree(dir)).toBe(before);
    expect(listFiles(dir)).toEqual(['src']);
    expect(existsSync(path.join(dir, 'catalog'))).toBe(false);
  });

  it('is listed in the help, and prints its own', async () => {
    const main = await runCli(['--help'], tempDir());
    expect(main.stdout).toMatch(/\n {2}init +Scaffold a catalogue/);
    const help = await runCli(['init', '--help'], tempDir());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: eventsmith init \[--dir DIR\] \[--force\]/);
    expect(help.stdout).toMatch(/--force +overwrite/);
    expect(help.stdout).toMatch(/Exit codes/);
  });

  it('rejects an unknown option with exit code 2', async () => {
    const dir = tempDir();
    const result = await runCli(['init', '--overwrite'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--overwrite'/);
    expect(listFiles(dir)).toEqual([]);
  });
});
