/**
 * `eventsmith init`: scaffolds a project that generates, type-checks and tests from the first
 * minute (see init-files.ts for what it writes). It never overwrites a file unasked: it first plans
 * every write, and when one would replace an existing file (or an npm script of the same name) it
 * lists them all and writes nothing. The files are then written next to their targets and renamed
 * into place, so an error leaves nothing half-written.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OutputError } from '../emit/write.js';
import { CatalogError } from '../load/diagnostics.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Command } from './command.js';
import { CONFIG_FILES } from './config.js';
import type { CommandContext } from './context.js';
import {
  CONFIG_TEXT,
  DOCUMENT_TEXT,
  NPM_PLACEHOLDER_TEST,
  SCAFFOLD_CATALOG,
  SCAFFOLD_CONFIG,
  SCAFFOLD_DOCUMENT,
  SCAFFOLD_OUT,
  SCAFFOLD_SCRIPTS,
  SCAFFOLD_TEST,
  TEST_TEXT,
  tsconfigText,
} from './init-files.js';

const HELP = `Usage: eventsmith init [--dir DIR] [--force]

Scaffolds a project in the working directory (or DIR, created if missing):
  ${SCAFFOLD_DOCUMENT.padEnd(26)}a catalogue of one domain with one event (AsyncAPI 3.0)
  ${SCAFFOLD_CONFIG.padEnd(26)}catalog: ${SCAFFOLD_CATALOG}, out: ${SCAFFOLD_OUT}, strict
  ${SCAFFOLD_TEST.padEnd(26)}a first test (node:test): publish with the generated publisher,
  ${''.padEnd(26)}consume with the generated consumer, on the in-memory transport
  ${'tsconfig.json'.padEnd(26)}strict, NodeNext, src/ compiled to dist/ (only when there is none)
  ${'package.json'.padEnd(26)}the scripts generate, check and test, added to an existing one
  ${''.padEnd(26)}(its other fields untouched), or a new one with "type": "module"

It overwrites nothing: when a file it would write exists (or package.json has a generate, check or
test script of its own), it lists them all, writes nothing and exits 2. Move them aside, or pass
--force to overwrite them. A CommonJS project (no "type": "module") works on Node.js 20.19+ with
TypeScript 5.8+; init says what that means.

Options:
  --dir DIR   the project folder                                         [default: .]
  --force     overwrite the files (and replace the scripts) it lists
  -h, --help  show this help

Exit codes: 0 created, 2 an existing file would be overwritten, or bad usage.`;

export const initCommand: Command = {
  name: 'init',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseArgs({
      args: [...argv],
      options: { dir: { type: 'string' }, force: { type: 'boolean', default: false } },
      allowPositionals: false,
      strict: true,
    });
    const root = path.resolve(ctx.cwd, values.dir ?? '.');
    const plan = planInit(root);
    const shown = displayDir(ctx.cwd, root);
    if (plan.conflicts.length > 0 && !values.force) {
      const n = plan.conflicts.length;
      ctx.err(`eventsmith: init would overwrite ${n === 1 ? 'an existing file' : `${n} existing files`} in ${shown}; nothing was written:`);
      for (const conflict of plan.conflicts) ctx.err(`  ${conflict}`);
      ctx.err(`Move ${n === 1 ? 'it' : 'them'} aside and run 'eventsmith init' again, scaffold into an empty folder ('eventsmith init --dir my-service'), or overwrite ${n === 1 ? 'it' : 'them'} with 'eventsmith init --force'.`);
      return EXIT_BAD_INPUT;
    }
    writeAll(root, plan.writes);
    report(ctx, shown, plan);
    return EXIT_OK;
  },
};

interface PlannedWrite {
  /** Relative to the project folder, forward slashes. */
  file: string;
  content: string;
  /** What it is, for the summary. */
  about: string;
}

interface InitPlan {
  writes: PlannedWrite[];
  /** Every existing file (or script) a write would replace, as shown to the user. */
  conflicts: string[];
  esm: boolean;
  /** Packages the project still has to install, with the command line that does. */
  installs: string[];
  /** Set when an existing tsconfig.json was left as it is. */
  keptTsconfig: boolean;
}

function planInit(root: string): InitPlan {
  const writes: PlannedWrite[] = [];
  const conflicts: string[] = [];
  const exists = (rel: string): boolean => existsSync(path.join(root, rel));

  const pkg = planPackageJson(root);
  conflicts.push(...pkg.conflicts);

  // A second config file next to an existing one would be ambiguous: the existing one is the one to replace.
  const configFile = CONFIG_FILES.find(exists) ?? SCAFFOLD_CONFIG;
  const configText = configFile.endsWith('.json') ? `${JSON.stringify({ catalog: SCAFFOLD_CATALOG, out: SCAFFOLD_OUT, strict: true }, null, 2)}\n` : CONFIG_TEXT;
  const candidates: PlannedWrite[] = [
    { file: SCAFFOLD_DOCUMENT, content: DOCUMENT_TEXT, about: 'the shop domain: one event, shop.order_placed (AsyncAPI 3.0)' },
    { file: configFile, content: configText, about: `catalog: ${SCAFFOLD_CATALOG}, out: ${SCAFFOLD_OUT}, strict` },
    { file: SCAFFOLD_TEST, content: TEST_TEXT, about: 'a first test: publish and consume shop.order_placed in memory (node:test)' },
  ];
  for (const candidate of candidates) {
    if (exists(candidate.file)) conflicts.push(candidate.file);
    writes.push(candidate);
  }
  const keptTsconfig = exists('tsconfig.json');
  if (!keptTsconfig) writes.push({ file: 'tsconfig.json', content: tsconfigText(pkg.esm), about: `strict, NodeNext, src/ compiled to dist/${pkg.esm ? '' : ' (CommonJS)'}` });
  writes.push({ file: 'package.json', content: pkg.content, about: pkg.about });
  return { writes, conflicts, esm: pkg.esm, installs: pkg.installs, keptTsconfig };
}

interface PackagePlan {
  content: string;
  about: string;
  conflicts: string[];
  esm: boolean;
  installs: string[];
}

type Manifest = Record<string, unknown> & { scripts?: Record<string, unknown>; type?: unknown };

function planPackageJson(root: string): PackagePlan {
  const file = path.join(root, 'package.json');
  const installs = ['npm install eventsmith', 'npm install --save-dev typescript @types/node'];
  if (!existsSync(file)) {
    const manifest = { name: packageName(root), version: '0.1.0', private: true, type: 'module', scripts: { ...SCAFFOLD_SCRIPTS } };
    return { content: `${JSON.stringify(manifest, null, 2)}\n`, about: `new: "type": "module", scripts ${Object.keys(SCAFFOLD_SCRIPTS).join(', ')}`, conflicts: [], esm: true, installs };
  }
  const text = readFileSync(file, 'utf8');
  const manifest = parseManifest(text);
  const scripts = manifest.scripts ?? {};
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) {
    throw new CatalogError([{ code: 'init', file: 'package.json', line: 0, column: 0, message: '"scripts" is not an object', hint: 'Make "scripts" an object (or remove it), then run eventsmith init again.' }]);
  }
  const conflicts: string[] = [];
  const added: string[] = [];
  const merged: Record<string, unknown> = { ...scripts };
  for (const [name, command] of Object.entries(SCAFFOLD_SCRIPTS)) {
    const current = scripts[name];
    if (current === command) continue;
    if (current !== undefined && !(name === 'test' && typeof current === 'string' && NPM_PLACEHOLDER_TEST.test(current))) {
      conflicts.push(`package.json (its "${name}" script: ${JSON.stringify(current)}; init's: ${JSON.stringify(command)})`);
    }
    merged[name] = command;
    added.push(name);
  }
  const updated: Manifest = { ...manifest, scripts: merged };
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  const deps = { ...asRecord(manifest.dependencies), ...asRecord(manifest.devDependencies) };
  const missingDev = ['typescript', '@types/node'].filter((name) => !(name in deps));
  return {
    content: added.length === 0 ? text : `${JSON.stringify(updated, null, indent)}${text.endsWith('\n') ? '\n' : ''}`,
    about: added.length === 0 ? 'scripts generate, check and test already there' : `scripts added: ${added.join(', ')} (other fields untouched)`,
    conflicts,
    esm: manifest.type === 'module',
    installs: [...('eventsmith' in deps ? [] : ['npm install eventsmith']), ...(missingDev.length > 0 ? [`npm install --save-dev ${missingDev.join(' ')}`] : [])],
  };
}

function parseManifest(text: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const before = at ? text.slice(0, Number(at[1])) : '';
    const line = at ? before.split('\n').length : 0;
    const column = at ? Number(at[1]) - before.lastIndexOf('\n') : 0;
    throw new CatalogError([{ code: 'init', file: 'package.json', line, column, message: `not valid JSON: ${message}`, hint: 'Fix package.json (npm reads it too), then run eventsmith init again.' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CatalogError([{ code: 'init', file: 'package.json', line: 1, column: 1, message: 'package.json does not hold an object', hint: 'Write a package.json object (or remove the file and let eventsmith init write one).' }]);
  }
  return parsed as Manifest;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The folder's name as an npm package name. */
function packageName(root: string): string {
  const slug = path.basename(root).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return slug === '' ? 'events-app' : slug;
}

/**
 * Each file is written beside its target and renamed over it once all are written; when anything
 * fails, the renamed files get their previous content back (or are removed) and the folders init
 * created are removed, so the project is as it was.
 */
function writeAll(root: string, writes: readonly PlannedWrite[]): void {
  const createdDirs: string[] = [];
  const staged: Array<{ temp: string; target: string; previous: string | undefined }> = [];
  const placed: typeof staged = [];
  let current = '';
  try {
    for (const write of writes) {
      current = write.file;
      const target = path.join(root, write.file);
      const dir = path.dirname(target);
      const firstCreated = mkdirSync(dir, { recursive: true });
      if (firstCreated !== undefined) createdDirs.push(...createdChain(firstCreated, dir));
      const previous = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
      const temp = `${target}.eventsmith-init-${process.pid}.tmp`;
      staged.push({ temp, target, previous });
      writeFileSync(temp, write.content);
    }
    for (const entry of staged) {
      current = path.relative(root, entry.target);
      renameSync(entry.temp, entry.target);
      placed.push(entry);
    }
  } catch (error) {
    for (const entry of staged) rmSync(entry.temp, { force: true });
    for (const entry of placed) {
      if (entry.previous === undefined) rmSync(entry.target, { force: true });
      else writeFileSync(entry.target, entry.previous);
    }
    for (const dir of createdDirs.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty: something else wrote there meanwhile; leave it.
      }
    }
    throw new OutputError(`cannot write ${current} in ${root}: ${(error as Error).message}; nothing was written.\n  hint: check that the project folder is writable and that every folder on the way to ${current} is a folder, then run eventsmith init again.`);
  }
}

/** The folders from `first` (the outermost one mkdir created) down to `dir`. */
function createdChain(first: string, dir: string): string[] {
  const chain: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    chain.unshift(current);
    if (current === first || path.dirname(current) === current) break;
  }
  return chain;
}

function report(ctx: CommandContext, shown: string, plan: InitPlan): void {
  const width = Math.max(...plan.writes.map((w) => w.file.length));
  ctx.out(`eventsmith: created in ${shown}:`);
  for (const write of plan.writes) ctx.out(`  ${write.file.padEnd(width)}  ${write.about}`);
  if (plan.keptTsconfig) {
    ctx.out(`\ntsconfig.json was already there and is kept: the generated code needs "module": "NodeNext" (or Node16), and npm test runs the tests compiled to dist/*.test.js; adjust the test script if its outDir differs.`);
  }
  if (!plan.esm) {
    ctx.out(
      `\nThis is a CommonJS project (package.json has no "type": "module"). eventsmith is an ES module package; the scaffold works as CommonJS on Node.js 20.19 or newer (require loads ES modules) with TypeScript 5.8 or newer and "module": "NodeNext". Use async function main() instead of top-level await. To switch the project to ESM instead, add "type": "module" to package.json and "verbatimModuleSyntax": true to tsconfig.json.`,
    );
  }
  const steps = [
    ...(shown === '.' ? [] : [`cd ${shown}`]),
    ...plan.installs,
    `npm run generate      # ${SCAFFOLD_CATALOG}/ → ${SCAFFOLD_OUT}/ (typed constants, validators, publishers, consumers)`,
    'npm test              # compiles, then publishes and consumes shop.order_placed in memory',
  ];
  ctx.out(`\nNext:\n${steps.map((step) => `  ${step}`).join('\n')}`);
  ctx.out(`Then on RabbitMQ: npm install amqplib, and connect the same services with AmqpTransport ("The first hour" in eventsmith's README).`);
}

function displayDir(cwd: string, target: string): string {
  const rel = path.relative(cwd, target);
  return rel === '' ? '.' : rel.startsWith('..') ? target : rel;
}
