/**
 * The content-hash cache of `eventsmith generate`: when nothing that the output depends on changed
 * since a run that succeeded, the output that run produced is used again instead of loading and
 * emitting the catalogue (seconds for a large one).
 *
 * What the output depends on, and so what the key covers: the content of every catalogue file the
 * run read (the documents and every fragment, JSON Schema or `.avsc` file they reach through
 * `$ref`), the list of documents in the catalogue folder (a new document changes the output without
 * changing any file read before), eventsmith itself (its version, the code of the generator and its
 * templates, the versions of the libraries it depends on), the config file and the options. Nothing
 * is trusted by timestamp: every file is read and hashed, so the cache cannot go stale.
 *
 * It lives in `node_modules/.cache/eventsmith` when the working directory has a `node_modules`
 * folder (where build tools keep theirs), else in `.eventsmith-cache`; deleting it is always safe.
 * Only successful runs are stored: a catalogue with problems is loaded again, and reported again.
 *
 * This module is imported by the CLI before anything heavy (the parser, the emitter), so that a
 * run answered from the cache never loads them: keep its imports to node built-ins.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverCatalog } from '../load/discover.js';

/** Changes when the layout of a cache entry changes; older entries are then ignored. */
const ENTRY_FORMAT = 3;

export interface GenerateCacheOptions {
  /** Catalogue folder or document, absolute. */
  catalog: string;
  strict: boolean;
  /** Text of the config file the options came from, if any. */
  configText?: string;
  /** Folder the cache lives in. */
  dir: string;
}

/** What a run produced. */
export interface GenerateResult {
  /** Distinct event types and versions, for the summary line. */
  types: number;
  versions: number;
  files: ReadonlyMap<string, string>;
  /** The run's warnings as printed: a run answered from the cache prints them again. */
  warnings: readonly string[];
}

interface Entry {
  format: number;
  tool: string;
  options: string;
  documents: string[];
  /** Every file the run read, absolute, with the hash of its content. */
  inputs: [string, string][];
  types: number;
  versions: number;
  warnings: string[];
  /** The output files in order, with their length in bytes in the blob. */
  outputs: [string, number][];
  /** File name of the blob: the output files' contents one after the other. */
  blob: string;
  /** SHA-256 of the blob: an output folder whose files, in order, hash to it holds this output. */
  blobHash: string;
}

/**
 * A run's output found in the cache. The usual case is an output folder that already holds it:
 * that is checked by hashing the folder's files in order against the blob's SHA-256 (each file read
 * into one reused buffer), so neither the blob (the size of the output) nor a copy of each output
 * file is read into fresh memory. The blob itself is read only when the folder differs.
 */
export class CacheHit {
  readonly types: number;
  readonly versions: number;
  readonly warnings: readonly string[];

  constructor(
    private readonly entry: Entry,
    private readonly blobFile: string,
  ) {
    this.types = entry.types;
    this.versions = entry.versions;
    this.warnings = entry.warnings;
  }

  get size(): number {
    return this.entry.outputs.length;
  }

  /** Whether `outDir` holds exactly these files, byte for byte (by SHA-256), and nothing else. */
  matches(outDir: string): boolean {
    if (countFiles(outDir, this.size + 1) !== this.size) return false;
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(this.entry.outputs.reduce((max, [, bytes]) => Math.max(max, bytes + 1), 1));
    for (const [rel, bytes] of this.entry.outputs) {
      let fd: number;
      try {
        fd = openSync(path.join(outDir, rel), 'r');
      } catch {
        return false;
      }
      try {
        // One byte more than expected is asked for, so a longer file reads long and fails.
        let read = 0;
        for (let n = -1; n !== 0 && read <= bytes; read += n) n = readSync(fd, buffer, read, bytes + 1 - read, null);
        if (read !== bytes) return false;
        hash.update(buffer.subarray(0, bytes));
      } catch {
        return false;
      } finally {
        closeSync(fd);
      }
    }
    return hash.digest('hex') === this.entry.blobHash;
  }

  /** The output files; undefined when the blob cannot be read or is not the one the entry names. */
  result(): GenerateResult | undefined {
    let blob: Buffer;
    try {
      blob = readFileSync(this.blobFile);
    } catch {
      return undefined;
    }
    if (hashText(blob) !== this.entry.blobHash) return undefined;
    const files = new Map<string, string>();
    let offset = 0;
    for (const [rel, bytes] of this.entry.outputs) {
      files.set(rel, blob.toString('utf8', offset, offset + bytes));
      offset += bytes;
    }
    return { types: this.types, versions: this.versions, files, warnings: this.warnings };
  }
}

/** Default cache folder for a run in `cwd` (see above). */
export function defaultCacheDir(cwd: string): string {
  const modules = path.join(cwd, 'node_modules');
  return existsSync(modules) ? path.join(modules, '.cache', 'eventsmith') : path.join(cwd, '.eventsmith-cache');
}

export function hashText(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export class GenerateCache {
  private readonly optionsKey: string;
  private readonly name: string;

  constructor(private readonly options: GenerateCacheOptions) {
    this.optionsKey = hashText(JSON.stringify([options.catalog, options.strict, options.configText ?? null]));
    // One entry per catalogue and options: a new run replaces the entry it made last time.
    this.name = `generate-${this.optionsKey.slice(0, 24)}`;
  }

  private get entryFile(): string {
    return path.join(this.options.dir, `${this.name}.json`);
  }

  /** The output of an earlier run whose inputs are all unchanged; undefined otherwise. */
  lookup(): CacheHit | undefined {
    let entry: Entry;
    try {
      entry = JSON.parse(readFileSync(this.entryFile, 'utf8')) as Entry;
    } catch {
      return undefined;
    }
    if (entry.format !== ENTRY_FORMAT || entry.options !== this.optionsKey || entry.tool !== toolKey()) return undefined;
    let documents: string[];
    const texts = new Map<string, string>();
    try {
      documents = discoverCatalog(this.options.catalog, texts).documents;
    } catch {
      return undefined;
    }
    if (documents.length !== entry.documents.length || documents.some((d, i) => d !== entry.documents[i])) return undefined;
    for (const [file, hash] of entry.inputs) {
      let text = texts.get(file);
      try {
        text ??= readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      if (hashText(text) !== hash) return undefined;
    }
    // The blob is read only if the output folder does not already hold it (see CacheHit).
    const blobFile = path.join(this.options.dir, entry.blob);
    try {
      if (statSync(blobFile).size !== entry.outputs.reduce((sum, [, bytes]) => sum + bytes, 0)) return undefined;
    } catch {
      return undefined;
    }
    return new CacheHit(entry, blobFile);
  }

  /**
   * Stores a successful run: `inputs` are the files it read with the hashes of the content it read
   * (not read again here, so a file saved during the run cannot be stored with the old output).
   */
  store(documents: readonly string[], inputs: ReadonlyMap<string, string>, output: GenerateResult): void {
    const contents = [...output.files.entries()].map(([rel, text]): [string, Buffer] => [rel, Buffer.from(text, 'utf8')]);
    const blob = Buffer.concat(contents.map(([, bytes]) => bytes));
    const blobHash = hashText(blob);
    const blobName = `${this.name}-${blobHash.slice(0, 16)}.out`;
    const entry: Entry = {
      format: ENTRY_FORMAT,
      tool: toolKey(),
      options: this.optionsKey,
      documents: [...documents],
      inputs: [...inputs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      types: output.types,
      versions: output.versions,
      warnings: [...output.warnings],
      outputs: contents.map(([rel, bytes]) => [rel, bytes.length]),
      blob: blobName,
      blobHash,
    };
    const temporary = (file: string): string => `${file}.${process.pid}.tmp`;
    const blobFile = path.join(this.options.dir, blobName);
    try {
      mkdirSync(this.options.dir, { recursive: true });
      // Each file is written aside and renamed, the blob before the entry that names it: a
      // concurrent run reads a whole entry and its blob, or misses.
      writeFileSync(temporary(blobFile), blob);
      renameSync(temporary(blobFile), blobFile);
      writeFileSync(temporary(this.entryFile), JSON.stringify(entry));
      renameSync(temporary(this.entryFile), this.entryFile);
      for (const name of readdirSync(this.options.dir)) {
        if (name.startsWith(`${this.name}-`) && name.endsWith('.out') && name !== blobName) rmSync(path.join(this.options.dir, name), { force: true });
      }
    } catch {
      // A cache that cannot be written (read-only folder, full disk) only costs the next run time.
      rmSync(temporary(blobFile), { force: true });
      rmSync(temporary(this.entryFile), { force: true });
    }
  }
}

/** Files under `dir`, counting up to `limit`. */
function countFiles(dir: string, limit: number): number {
  let count = 0;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (count >= limit) return;
      if (entry.isDirectory()) walk(path.join(current, entry.name));
      else count++;
    }
  };
  try {
    walk(dir);
  } catch {
    return -1;
  }
  return count;
}

let tool: string | undefined;

/**
 * Hash over what eventsmith is: its package.json, every file of the generator's code (so a build
 * of a changed generator never reuses output of the old one, version bump or not), its templates,
 * and the installed versions of its dependencies.
 */
export function toolKey(): string {
  if (tool !== undefined) return tool;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const generatorDir = path.dirname(here);
  const packageRoot = findPackageRoot(generatorDir);
  const hash = createHash('sha256');
  const packageJson = readFileSync(path.join(packageRoot, 'package.json'), 'utf8');
  hash.update(packageJson);
  for (const dir of [generatorDir, path.join(packageRoot, 'templates')]) {
    for (const file of filesUnder(dir)) hash.update(file.slice(dir.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  const dependencies = Object.keys((JSON.parse(packageJson) as { dependencies?: Record<string, string> }).dependencies ?? {}).sort();
  for (const dependency of dependencies) hash.update(`${dependency}@${installedVersion(packageRoot, dependency)}\0`);
  tool = hash.digest('hex');
  return tool;
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('eventsmith: cannot find its package root; the installation is incomplete');
  }
}

function installedVersion(packageRoot: string, name: string): string {
  for (let dir = packageRoot; ; dir = path.dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
    } catch {
      if (path.dirname(dir) === dir) return 'missing';
    }
  }
}

/** Files under `dir`, recursively, sorted; maps and declarations left out (they do not run). */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/\.(map|d\.ts)$/.test(entry.name)) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}
