// Property-based fuzzing of the catalogue loader. Every mutated catalogue must end in success or a
// CatalogError whose diagnostics name an existing file and a line in it: never another exception,
// never a hang (each run is bounded; the loader runs in a worker thread that is terminated when it
// overruns), and, through the CLI, never a write outside --out.
//
// Counts: CI runs the default; EVENTSMITH_FUZZ_SCALE=N multiplies every class (N=10 ≈ 100,000).
// EVENTSMITH_FUZZ_SEED fixes fast-check's seed to replay a failure.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';
import { DOCUMENT, DOCUMENT_FILE, FRAGMENT, FRAGMENT_FILE } from './support/catalogue.js';
import { CHEAP_CLASSES, CLASSES, EXPENSIVE_CLASSES, type CheapClass, type ClassName, type ExpensiveClass, type MutatedCatalogue } from './support/mutations.js';

const SCALE = Math.max(1, Number(process.env.EVENTSMITH_FUZZ_SCALE ?? 1));
const SEED = process.env.EVENTSMITH_FUZZ_SEED === undefined ? undefined : Number(process.env.EVENTSMITH_FUZZ_SEED);

/** Runs per class in CI (× SCALE). Cheap classes fail in the loader's own checks, before the AsyncAPI parser. */
const CHEAP_COUNTS: Record<CheapClass, number> = {
  'text-bytes': 1500,
  'text-structure': 1200,
  alias: 1000,
  deep: 700,
  refs: 2000,
  header: 1000,
  forbidden: 1300,
  'random-file': 1050,
};
/** Classes that reach the AsyncAPI parser (~0.3 s each): fewer, on several workers at once. */
const EXPENSIVE_COUNTS: Record<ExpensiveClass, number> = {
  structure: 130,
  'text-bytes (valid YAML)': 50,
  'text-structure (valid YAML)': 20,
  'random-file (valid YAML)': 30,
  'data-refs': 20,
};
const WORKERS = Math.max(2, Math.min(4, os.availableParallelism()));
const CLI_SAMPLE = 60;
/** No single load may take longer; the slowest legitimate ones (parser + examples) take ~0.5 s. */
const PER_RUN_LIMIT_MS = 10_000;

/** Diagnostics produced before the AsyncAPI parser runs. */
const EARLY_CODES = new Set([
  'yaml-syntax',
  'yaml-aliases',
  'yaml-recursive-alias',
  'too-deep',
  'broken-ref',
  'invalid-ref',
  'circular-ref',
  'forbidden-key',
  'not-asyncapi',
  'unsupported-asyncapi-version',
  'unsupported-schema-format',
  'no-catalog',
  'file-too-large',
]);

interface WorkerDiagnostic {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

type WorkerResult =
  | { kind: 'ok'; events: number; ms: number }
  | { kind: 'catalog-error'; diagnostics: WorkerDiagnostic[]; ms: number }
  | { kind: 'error'; name: string; message: string; stack: string; ms: number };

interface ClassStats {
  runs: number;
  ok: number;
  early: number;
  parser: number;
  totalMs: number;
  maxMs: number;
}

class LoaderWorker {
  private worker: Worker | undefined;
  private nextId = 1;

  private async spawn(): Promise<Worker> {
    const worker = new Worker(new URL('./support/load-worker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return worker;
  }

  async load(dir: string, strict: boolean): Promise<WorkerResult> {
    this.worker ??= await this.spawn();
    const worker = this.worker;
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<WorkerResult>((resolve, reject) => {
        const onMessage = (message: WorkerResult & { id: number }) => {
          if (message.id !== id) return;
          worker.off('message', onMessage);
          resolve(message);
        };
        worker.on('message', onMessage);
        worker.once('error', (error) => reject(new Error(`the loader crashed its worker: ${String(error)}`)));
        worker.once('exit', (code) => reject(new Error(`the loader worker exited (${code})`)));
        timer = setTimeout(() => reject(new Error(`hang: no result within ${PER_RUN_LIMIT_MS} ms`)), PER_RUN_LIMIT_MS);
        worker.postMessage({ id, dir, strict });
      });
    } catch (error) {
      this.worker = undefined;
      await worker.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
    }
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

function writeCatalogue(dir: string, catalogue: MutatedCatalogue): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(catalogue.files)) {
    const target = path.join(dir, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** Lines as an editor counts them (CR, LF and CRLF all end a line, as in YAML). */
function lineCount(file: string): number {
  return readFileSync(file, 'utf8').split(/\r\n|\r|\n/).length;
}

/** Every diagnostic names a file that exists and a line inside it (only a missing catalogue has no line). */
function checkDiagnostics(dir: string, diagnostics: readonly WorkerDiagnostic[], label: string): void {
  expect(diagnostics.length, label).toBeGreaterThan(0);
  for (const d of diagnostics) {
    const where = `${label} → ${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`;
    expect(typeof d.message === 'string' && d.message.length > 0, where).toBe(true);
    expect(typeof d.file === 'string' && d.file.length > 0, where).toBe(true);
    const abs = path.resolve(dir, d.file);
    expect(existsSync(abs), where).toBe(true);
    if (d.code === 'no-catalog') continue;
    expect(statSync(abs).isFile(), where).toBe(true);
    expect(Number.isInteger(d.line) && d.line >= 1 && d.line <= lineCount(abs) + 1, where).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 1, where).toBe(true);
  }
}

const stats = new Map<ClassName, ClassStats>();
const loaders = Array.from({ length: WORKERS }, () => new LoaderWorker());
let work: string;

function newStats(name: ClassName): ClassStats {
  const s: ClassStats = { runs: 0, ok: 0, early: 0, parser: 0, totalMs: 0, maxMs: 0 };
  stats.set(name, s);
  return s;
}

/** Checks one result and counts it; throws (fails the property) on anything but success or a located CatalogError. */
function record(s: ClassStats, dir: string, catalogue: MutatedCatalogue, result: WorkerResult): void {
  s.runs++;
  s.totalMs += result.ms;
  s.maxMs = Math.max(s.maxMs, result.ms);
  if (result.kind === 'error') throw new Error(`${catalogue.label}: uncaught ${result.name}: ${result.message}\n${result.stack.split('\n').slice(0, 8).join('\n')}`);
  expect(result.ms, catalogue.label).toBeLessThan(PER_RUN_LIMIT_MS);
  if (result.kind === 'ok') {
    s.ok++;
    s.parser++;
    return;
  }
  checkDiagnostics(dir, result.diagnostics, catalogue.label);
  if (result.diagnostics.every((d) => EARLY_CODES.has(d.code))) s.early++;
  else s.parser++;
}

beforeAll(() => {
  // The workers load the compiled loader; `npm test` builds it first (pretest).
  const built = path.join(REPO_ROOT, 'dist/generator/load/sources.js');
  const source = path.join(REPO_ROOT, 'generator/load/sources.ts');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) throw new Error('dist/ is older than generator/load: run `npm run build` first');
  work = tempDir('eventsmith-fuzz-');
});

afterAll(async () => {
  await Promise.all(loaders.map((loader) => loader.close()));
  const rows = [...stats.entries()].map(([name, s]) => `${name.padEnd(28)} ${String(s.runs).padStart(6)} runs  ok ${String(s.ok).padStart(5)}  rejected early ${String(s.early).padStart(6)}  reached parser ${String(s.parser).padStart(5)}  mean ${(s.totalMs / Math.max(1, s.runs)).toFixed(1).padStart(6)} ms  max ${s.maxMs.toFixed(0).padStart(5)} ms`);
  const total = [...stats.values()].reduce((sum, s) => sum + s.runs, 0);
  console.info(`loader fuzz: ${total} mutated catalogues\n${rows.join('\n')}`);
});

describe('loader fuzzing', () => {
  it('the unmutated catalogue loads', async () => {
    const dir = path.join(work, 'base');
    writeCatalogue(dir, { files: { [DOCUMENT_FILE]: DOCUMENT, [FRAGMENT_FILE]: FRAGMENT }, strict: true, label: 'base' });
    const result = await loaders[0]!.load(dir, true);
    expect(result).toMatchObject({ kind: 'ok', events: 2 });
  });

  for (const name of Object.keys(CHEAP_COUNTS) as CheapClass[]) {
    const runs = CHEAP_COUNTS[name] * SCALE;
    it(`${name}: ${runs} mutated catalogues end in success or a file:line diagnostic`, { timeout: 900_000 }, async () => {
      const s = newStats(name);
      const dir = path.join(work, name);
      await fc.assert(
        fc.asyncProperty(CHEAP_CLASSES[name], async (catalogue) => {
          writeCatalogue(dir, catalogue);
          record(s, dir, catalogue, await loaders[0]!.load(dir, catalogue.strict));
        }),
        { numRuns: runs, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
      );
      expect(s.runs).toBe(runs);
    });
  }

  for (const name of Object.keys(EXPENSIVE_COUNTS) as ExpensiveClass[]) {
    const runs = EXPENSIVE_COUNTS[name] * SCALE;
    it(`${name}: ${runs} mutated catalogues (AsyncAPI parser reached, ${WORKERS} workers) end in success or a file:line diagnostic`, { timeout: 1_800_000 }, async () => {
      const s = newStats(name);
      const seed = SEED ?? Math.floor(Math.random() * 2 ** 31);
      // Sampled up front (no shrinking) so that several workers can share the work; the seed and
      // the label of a failing catalogue reproduce it.
      const samples = fc.sample(EXPENSIVE_CLASSES[name], { numRuns: runs, seed });
      const failures: string[] = [];
      let next = 0;
      await Promise.all(
        loaders.map(async (loader, slot) => {
          const dir = path.join(work, `${name.replace(/\W+/g, '-')}-${slot}`);
          for (let i = next++; i < samples.length; i = next++) {
            const catalogue = samples[i]!;
            writeCatalogue(dir, catalogue);
            try {
              record(s, dir, catalogue, await loader.load(dir, catalogue.strict));
            } catch (error) {
              failures.push(`#${i} (seed ${seed}) ${catalogue.label}: ${error instanceof Error ? error.message : String(error)}\n${JSON.stringify(catalogue.files).slice(0, 4000)}`);
            }
          }
        }),
      );
      expect(failures).toEqual([]);
      expect(s.runs).toBe(runs);
    });
  }

  it(`at least 10,000 mutated catalogues ran`, () => {
    const total = [...stats.values()].reduce((sum, s) => sum + s.runs, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
  });

  it(`through the CLI (${CLI_SAMPLE} mutated catalogues): nothing is written outside --out, a failure leaves --out untouched`, { timeout: 600_000 }, async () => {
    // A previous, valid output in --out: a failed run must leave it byte for byte.
    const template = tempDir('eventsmith-fuzz-cli-');
    writeCatalogue(path.join(template, 'catalog'), { files: { [DOCUMENT_FILE]: DOCUMENT, [FRAGMENT_FILE]: FRAGMENT }, strict: false, label: 'base' });
    expect((await runCli(['generate', '--catalog', 'catalog', '--out', 'out'], template)).code).toBe(0);
    const baseOut = hashTree(path.join(template, 'out'));
    const mixed = fc.oneof(...Object.values(CLASSES));
    let succeeded = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(mixed, fc.boolean(), async (catalogue, withPrevious) => {
        const root = tempDir('eventsmith-fuzz-cli-');
        writeCatalogue(path.join(root, 'catalog'), catalogue);
        writeFileSync(path.join(root, 'keep.txt'), 'not eventsmith’s');
        mkdirSync(path.join(root, 'sibling'));
        writeFileSync(path.join(root, 'sibling', 'file.txt'), 'neither');
        if (withPrevious) cpSync(path.join(template, 'out'), path.join(root, 'out'), { recursive: true });
        // The generate cache is eventsmith's own folder (README, "The cache"): a successful run
        // may create it, a failed one stores nothing; everything else outside --out stays as it was.
        const outside = (): Record<string, string> => Object.fromEntries(Object.entries(snapshotOutside(root)).filter(([file]) => !file.startsWith('.eventsmith-cache/')));
        const before = outside();
        const result = await runCli(['generate', '--catalog', 'catalog', '--out', 'out', ...(catalogue.strict ? ['--strict'] : [])], root);
        expect([0, 2], `${catalogue.label}\n${result.stderr}`).toContain(result.code);
        expect(result.stderr, catalogue.label).not.toContain('internal error');
        expect(outside(), catalogue.label).toEqual(before);
        if (result.code === 0) {
          succeeded++;
          expect(existsSync(path.join(root, 'out')), catalogue.label).toBe(true);
        } else {
          failed++;
          expect(existsSync(path.join(root, '.eventsmith-cache')), catalogue.label).toBe(false);
          if (withPrevious) expect(hashTree(path.join(root, 'out')), catalogue.label).toBe(baseOut);
          else expect(existsSync(path.join(root, 'out')), catalogue.label).toBe(false);
          // Each problem line reads file:line:column (or names the catalogue when there is none).
          const problems = result.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('  ') && !l.startsWith('eventsmith:'));
          for (const line of problems) expect(line, catalogue.label).toMatch(/^(catalog\/[^:]+:\d+:\d+: |\S*catalog: )/);
        }
        rmSync(root, { recursive: true, force: true });
      }),
      { numRuns: CLI_SAMPLE * SCALE, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
    );
    console.info(`loader fuzz (CLI): ${succeeded} generated, ${failed} refused`);
  });
});

/** Every path under `root` except `out/`, with its content hash: what the CLI must not touch. */
function snapshotOutside(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (childRel === 'out') continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        entries[`${childRel}/`] = 'dir';
        walk(abs, childRel);
      } else entries[childRel] = createHash('sha256').update(readFileSync(abs)).digest('hex');
    }
  };
  walk(root, '');
  return entries;
}
