/**
 * Loading a catalogue once (`generate`, `docs`, `check`, and the library API): the pipeline run
 * cold, its model, the files it read and, when asked for, positions inside event schemas.
 */
import { sortDiagnostics, type Diagnostic } from '../load/diagnostics.js';
import type { Catalog } from '../model/catalog.js';
import { schemaLocator, type SchemaLocator } from '../model/locate.js';
import { runPipeline } from './pipeline.js';

export interface LoadOptions {
  strict?: boolean;
  cwd?: string;
  /** Also return `locate`, which keeps the parsed sources alive to map schema paths to lines. */
  locate?: boolean;
}

export interface LoadedCatalog {
  catalog: Catalog;
  /** Every file read (documents and the fragments they reach), absolute paths, sorted. */
  files: string[];
  /** The documents of the catalogue, absolute paths, sorted. */
  documents: string[];
  /** The content of each file read, as this load read it, by absolute path. */
  texts: ReadonlyMap<string, string>;
  /** Folder that the model's relative paths start from. */
  root: string;
  /** Things probably wrong that did not stop the load (e.g. an example that fails its schema outside strict mode), sorted. */
  warnings: Diagnostic[];
  /** Positions inside event schemas; only when asked for with `locate: true`. */
  locate?: SchemaLocator;
}

/** Loads the catalogue at `target` (a folder or one document); throws a CatalogError listing every problem. */
export async function loadCatalog(target: string, options: LoadOptions = {}): Promise<LoadedCatalog> {
  const run = await runPipeline(target, { strict: options.strict ?? false, cwd: options.cwd });
  const files = run.sources.loadedFiles();
  const texts = new Map(files.map((abs) => [abs, run.sources.loaded(abs)!.text]));
  const loaded: LoadedCatalog = { catalog: run.built.catalog, files, documents: run.documents, texts, root: run.root, warnings: sortDiagnostics(run.sources.warnings) };
  if (options.locate) loaded.locate = schemaLocator(run.sources, run.built.origins);
  return loaded;
}
