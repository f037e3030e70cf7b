/**
 * The front of eventsmith, in one place: catalogue folder or file in, Catalog model out, or a
 * CatalogError carrying every problem found (syntax, specification, eventsmith's own rules,
 * examples). The stages, in order: discover the documents → read their files (YAML trees with
 * positions) → parse and validate each document (our prechecks, then @asyncapi/parser) → build the
 * model → the checks that need the whole catalogue (duplicates, name clashes, tenant scoping,
 * examples).
 *
 * `generate`, `docs` and `check` load once (loadCatalog). `generate --watch` loads again on every
 * save and passes a {@link LoadReuse} that hands out what did not change (IncrementalCatalog); the
 * stages and their order stay these, so a warm load gives exactly what a cold one gives.
 */
import { createParser } from '../load/asyncapi-parser.js';
import { CatalogError } from '../load/diagnostics.js';
import { discoverCatalog, DiscoveryError, type DiscoveredCatalog, type KnownFiles } from '../load/discover.js';
import { parseDocuments, type ParsedDocument } from '../load/parse.js';
import { SchemaCollector } from '../load/schemas.js';
import { SourceSet, type SourceFile } from '../load/sources.js';
import { buildCatalog, type BuildCache, type BuiltCatalog } from '../model/build.js';
import { checkCatalog } from '../model/checks.js';

export interface PipelineOptions {
  /** Require every eventsmith metadata field (see docs/catalog-format.md). */
  strict: boolean;
  /** Problems name files relative to this folder. Default: the process's working directory. */
  cwd?: string;
}

/**
 * What a process that loads the same catalogue again keeps between loads. Each stage it replaces
 * must give what the cold stage gives for the same files: reuse saves time, it never changes a
 * model or a problem.
 */
export interface LoadReuse<S extends SourceSet = SourceSet> {
  /** The sources of one load; cold: a fresh SourceSet. `texts`: files discovery read, by absolute path. */
  openSources(root: string, cwd: string | undefined, texts: ReadonlyMap<string, string>): S;
  /** Parses and validates `documents` (absolute, sorted), keeping their order; cold: each with one fresh parser. */
  parse(sources: S, documents: readonly string[]): Promise<ParsedDocument[]>;
  /**
   * Asked once parsing is done: a model built by an earlier load that still holds (the same
   * documents with the same content, and no problem so far), so that building and checking are
   * skipped; undefined to build.
   */
  unchanged?(sources: S, documents: readonly string[]): BuiltCatalog<SourceFile> | undefined;
  /** Per-document build results (see BuildCache). */
  builds?: BuildCache<SourceFile>;
  /** What earlier discoveries found (see KnownFiles). */
  known?: KnownFiles;
}

export interface PipelineRun<S extends SourceSet = SourceSet> {
  /** Folder that the model's relative paths start from. */
  root: string;
  /** The documents discovered, absolute paths, sorted. */
  documents: string[];
  sources: S;
  built: BuiltCatalog<SourceFile>;
  /** The model is the one {@link LoadReuse.unchanged} handed back. */
  reused: boolean;
}

const COLD: LoadReuse = {
  openSources: (root, cwd, texts) => new SourceSet(root, cwd, texts),
  parse: (sources, documents) => parseDocuments(sources, documents, createParser()),
};

/** Runs every stage on `target`; throws a CatalogError listing every problem found. */
export async function runPipeline(target: string, options: PipelineOptions): Promise<PipelineRun>;
export async function runPipeline<S extends SourceSet>(target: string, options: PipelineOptions, reuse: LoadReuse<S>): Promise<PipelineRun<S>>;
export async function runPipeline(target: string, options: PipelineOptions, reuse: LoadReuse = COLD): Promise<PipelineRun> {
  // Discovery reads every catalogue file to tell documents from fragments; the sources reuse that read.
  const texts = new Map<string, string>();
  const { root, documents } = discover(target, texts, reuse.known);
  const sources = reuse.openSources(root, options.cwd, texts);
  const parsed = await reuse.parse(sources, documents);
  const earlier = reuse.unchanged?.(sources, documents);
  if (earlier !== undefined) return { root, documents, sources, built: earlier, reused: true };
  const built = buildCatalog(sources, new SchemaCollector(sources, { strict: options.strict }), parsed, { strict: options.strict }, reuse.builds);
  // Whole-catalogue checks on a model built with problems would only repeat them.
  if (sources.diagnostics.length === 0) checkCatalog(sources, built, { strict: options.strict });
  if (sources.diagnostics.length > 0) throw new CatalogError(sources.diagnostics, sources.warnings);
  return { root, documents, sources, built, reused: false };
}

function discover(target: string, texts: Map<string, string>, known: KnownFiles | undefined): DiscoveredCatalog {
  try {
    return discoverCatalog(target, texts, known);
  } catch (error) {
    if (error instanceof DiscoveryError) {
      throw new CatalogError([{ code: 'no-catalog', file: target, line: 0, column: 0, message: error.message, hint: 'Point --catalog at a folder of AsyncAPI documents or at one document.' }]);
    }
    throw error;
  }
}
