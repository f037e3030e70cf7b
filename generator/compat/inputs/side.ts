/**
 * BASE and HEAD: a catalogue to compare, from a folder, one AsyncAPI document, a snapshot written by
 * `generate`, a git commit (the catalogue folder as it was then), or `ref:path` as git reads it
 * (`origin/main:catalog`, `HEAD~1:catalog/orders.yaml`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CatalogError, type Diagnostic } from '../../load/diagnostics.js';
import type { Catalog } from '../../model/catalog.js';
import { loadCatalog } from '../../pipeline/load-catalog.js';
import type { SchemaLocator } from '../../model/locate.js';
import { READABLE_SNAPSHOT_VERSIONS, SNAPSHOT_FORMAT, snapshotEvents } from '../../model/snapshot.js';
import { extractCatalogAt, GitInputError, splitRefPath } from './git.js';

export interface Side {
  /** How messages name it: the ref or path given, or "working tree". */
  label: string;
  catalog: Catalog;
  /** Lines inside schemas; absent for snapshots, which only keep each event's own position. */
  locate?: SchemaLocator;
  /** A catalogue-relative file as the user should read it (relative to the working directory). */
  display(rel: string): string;
}

export interface OpenOptions {
  cwd: string;
  /** The catalogue folder or file in the working tree (--catalog or the config). */
  catalog: string;
}

export interface OpenedSide {
  side: Side;
  dispose(): void;
}

/** Opens `spec` (undefined: the working tree's catalogue). Throws CatalogError on bad input. */
export async function openSide(spec: string | undefined, options: OpenOptions): Promise<OpenedSide> {
  const { cwd } = options;
  const relTo = (abs: string): string => path.relative(cwd, abs).split(path.sep).join('/') || '.';
  if (spec === undefined) return folderSide('working tree', options.catalog, options);
  const abs = path.resolve(cwd, spec);
  if (existsSync(abs)) {
    if (statSync(abs).isFile() && isSnapshot(abs)) {
      const root = statSync(options.catalog, { throwIfNoEntry: false })?.isFile() ? path.dirname(options.catalog) : options.catalog;
      const side: Side = { label: spec, catalog: readSnapshot(abs, relTo(abs)), display: (rel) => relTo(path.join(root, rel)) };
      return { side, dispose: () => {} };
    }
    return folderSide(spec, abs, options);
  }
  const refPath = splitRefPath(spec);
  const ref = refPath?.ref ?? spec;
  let extracted;
  try {
    extracted = extractCatalogAt(cwd, ref, options.catalog, refPath?.path);
  } catch (error) {
    if (error instanceof GitInputError) throw inputError(spec, error.message, 'Give BASE / HEAD as a git ref (main, HEAD~1, a tag or a commit), ref:path as git reads it (origin/main:catalog, HEAD~1:catalog/orders.yaml), a catalogue folder, an AsyncAPI file or a snapshot JSON.');
    throw error;
  }
  const { dir, cleanup } = extracted;
  try {
    const loaded = await loadCatalog(extracted.target, { cwd, locate: true });
    // Positions read as the same file in the working tree, where the user will open it.
    const root = path.join(extracted.toplevel, path.relative(dir, loaded.root));
    const side: Side = { label: spec, catalog: loaded.catalog, display: (rel) => relTo(path.join(root, rel)) };
    if (loaded.locate) side.locate = loaded.locate;
    return { side, dispose: cleanup };
  } catch (error) {
    cleanup();
    // Problems in a catalogue at a commit name the commit, not the temporary folder.
    if (error instanceof CatalogError) throw new CatalogError(error.diagnostics.map((d) => renamed(d, dir, ref)));
    throw error;
  }
}

async function folderSide(label: string, target: string, options: OpenOptions): Promise<OpenedSide> {
  const loaded = await loadCatalog(target, { cwd: options.cwd, locate: true });
  const side: Side = {
    label,
    catalog: loaded.catalog,
    display: (rel) => path.relative(options.cwd, path.join(loaded.root, rel)).split(path.sep).join('/'),
  };
  if (loaded.locate) side.locate = loaded.locate;
  return { side, dispose: () => {} };
}

function isSnapshot(file: string): boolean {
  if (!file.endsWith('.json')) return false;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown };
    return value.format === SNAPSHOT_FORMAT;
  } catch {
    return false;
  }
}

function readSnapshot(file: string, display: string): Catalog {
  const value = JSON.parse(readFileSync(file, 'utf8')) as { formatVersion?: unknown; catalog?: Partial<Catalog> };
  if (!READABLE_SNAPSHOT_VERSIONS.includes(value.formatVersion)) {
    throw inputError(display, `snapshot format version ${String(value.formatVersion)} is not supported`, 'Regenerate the snapshot with this version of eventsmith (npx eventsmith generate).');
  }
  const catalog = value.catalog;
  if (!catalog || !Array.isArray(catalog.events) || typeof catalog.definitions !== 'object' || catalog.definitions === null) {
    throw inputError(display, 'the snapshot has no catalogue (events and definitions)', 'Regenerate the snapshot with npx eventsmith generate.');
  }
  return { events: snapshotEvents(value.formatVersion, catalog.events), definitions: catalog.definitions, documents: catalog.documents ?? [] };
}

function inputError(file: string, message: string, hint: string): CatalogError {
  return new CatalogError([{ code: 'check-input', file, line: 0, column: 0, message, hint }]);
}

function renamed(d: Diagnostic, dir: string, ref: string): Diagnostic {
  const rel = path.relative(dir, path.resolve(d.file));
  return rel.startsWith('..') || path.isAbsolute(rel) ? d : { ...d, file: `${ref}:${rel.split(path.sep).join('/')}` };
}
