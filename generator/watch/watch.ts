/**
 * `eventsmith generate --watch`: generates once, then again whenever a catalogue file is saved.
 * The parsed catalogue stays in memory (see IncrementalCatalog), only changed outputs are written
 * (see ChangedFilesWriter), and a broken catalogue is reported as `file:line:column: message`
 * while the previous output stays in place; the next good save recovers. Stops on SIGINT/SIGTERM
 * (or when `signal` aborts).
 */
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { emit } from '../emit/emit.js';
import { OutputError, type OutputDiff } from '../emit/write.js';
import { eventCounts, plural } from '../cli/counts.js';
import { CatalogError, formatDiagnostic } from '../load/diagnostics.js';
import type { CommandContext } from '../cli/context.js';
import { IncrementalCatalog } from './incremental.js';
import { ChangedFilesWriter } from './write-changed.js';

export interface WatchOptions {
  catalog: string;
  out: string;
  strict: boolean;
  /** The date sunsets are judged by (config `sunsetAsOf`); none: every version is live. */
  sunsetAsOf?: string;
  /** Quiet time after the last file event before rebuilding; editors save in several steps. Default 20. */
  debounceMs?: number;
  /** Stops watching when aborted; default: on SIGINT or SIGTERM. */
  signal?: AbortSignal;
}

/** Catalogue files: documents and fragments, and the Avro schemas they reach through `$ref`. */
const WATCHED_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.avsc']);
const SKIPPED_DIRECTORIES = new Set(['node_modules']);

export async function watchCatalog(options: WatchOptions, ctx: CommandContext): Promise<number> {
  const catalog = new IncrementalCatalog(options.catalog, { strict: options.strict, cwd: ctx.cwd });
  const writer = new ChangedFilesWriter(options.out);
  const out = path.resolve(options.out);
  const outDisplay = displayPath(ctx.cwd, out);
  const watchers = new Map<string, FSWatcher>();
  const debounceMs = options.debounceMs ?? 20;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const rebuild = async (): Promise<void> => {
    const started = performance.now();
    let files: string[] = [];
    try {
      const loaded = await catalog.load();
      files = loaded.files;
      // A save that changed nothing (or an editor touching a file) rewrites and prints nothing.
      if (loaded.unchanged) return;
      for (const warning of loaded.warnings) ctx.err(formatDiagnostic(warning));
      const output = emit(loaded.catalog, options.sunsetAsOf === undefined ? {} : { sunsetAsOf: options.sunsetAsOf });
      const diff = writer.write(output);
      const parsed = loaded.reparsed.length === 0 ? 'no document re-parsed' : `re-parsed ${loaded.reparsed.join(', ')}`;
      ctx.out(`${clock()} eventsmith: ${describeDiff(diff)} → ${outDisplay} (${eventCounts(loaded.catalog.events)}, ${plural(output.size, 'file')}; ${parsed}) in ${seconds(started)}s`);
    } catch (error) {
      if (error instanceof CatalogError) {
        for (const d of [...error.diagnostics, ...error.warnings]) ctx.err(formatDiagnostic(d));
        ctx.err(`${clock()} eventsmith: ${plural(error.diagnostics.length, 'problem')} found; ${outDisplay} keeps its previous content. Watching for changes…`);
      } else if (error instanceof OutputError) {
        ctx.err(`${clock()} eventsmith: ${error.message}`);
      } else {
        ctx.err(`${clock()} eventsmith: internal error, please report it:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
    if (!stopped) watchFolders(files);
  };

  const schedule = (): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) {
        again = true;
        return;
      }
      running = rebuild().finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
    }, debounceMs);
  };

  /** One watcher per folder of the catalogue (and per folder of a fragment outside it). */
  const watchFolders = (files: readonly string[]): void => {
    const wanted = new Set<string>();
    const root = rootFolder(options.catalog);
    if (root !== undefined) for (const dir of folders(root, out)) wanted.add(dir);
    for (const file of files) wanted.add(path.dirname(file));
    for (const [dir, watcher] of watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (watchers.has(dir) || !existsSync(dir)) continue;
      try {
        const watcher = watch(dir, (_event, name) => {
          const file = name === null ? '' : String(name);
          if (file.startsWith('.eventsmith-')) return;
          if (file === '' || WATCHED_EXTENSIONS.has(path.extname(file).toLowerCase()) || path.extname(file) === '') schedule();
        });
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, watcher);
      } catch {
        // The folder vanished between listing and watching; the next rebuild lists again.
      }
    }
  };

  const signal = options.signal ?? processSignal();
  // Watching starts before the first build, so a save made while it runs is not missed.
  watchFolders([]);
  await rebuild();
  ctx.out(`eventsmith: watching ${displayPath(ctx.cwd, path.resolve(options.catalog))} for changes (Ctrl+C to stop)`);
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  stopped = true;
  clearTimeout(timer);
  for (const watcher of watchers.values()) watcher.close();
  watchers.clear();
  await running;
  ctx.out('eventsmith: stopped watching');
  return 0;
}

function processSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

function rootFolder(catalog: string): string | undefined {
  const abs = path.resolve(catalog);
  try {
    return statSync(abs).isDirectory() ? abs : path.dirname(abs);
  } catch {
    return existsSync(path.dirname(abs)) ? path.dirname(abs) : undefined;
  }
}

/** `dir` and its sub-folders, minus hidden ones, node_modules and the output folder. */
function folders(dir: string, out: string): string[] {
  const found = [dir];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (full === out) continue;
    found.push(...folders(full, out));
  }
  return found;
}

/** What a regeneration did to the output folder: "no change", "1 file differs", "3 files differ". */
export function describeDiff(diff: OutputDiff): string {
  const n = diff.added.length + diff.changed.length + diff.removed.length;
  return n === 0 ? 'no change' : `${n} file${n === 1 ? ' differs' : 's differ'}`;
}

/** Local wall-clock time of a report, HH:MM:SS: which save a line is about. */
function clock(): string {
  const now = new Date();
  return [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(2);
}

function displayPath(cwd: string, target: string): string {
  const rel = path.relative(cwd, target);
  return rel === '' ? '.' : rel.startsWith('..') ? target : rel;
}
