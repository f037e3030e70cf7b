/**
 * The front of the pipeline: catalogue folder or file in, Catalog model out, or a CatalogError
 * carrying every problem found (syntax, specification, eventsmith's own rules, examples).
 */
import { CatalogError } from '../load/diagnostics.js';
import { discoverCatalog, DiscoveryError } from '../load/discover.js';
import { createParser } from '../load/asyncapi-parser.js';
import { parseDocuments } from '../load/parse.js';
import { SourceSet } from '../load/sources.js';
import { buildCatalog } from './build.js';
import type { Catalog } from './catalog.js';
import { checkCatalog } from './checks.js';
import { schemaLocator, type SchemaLocator } from './locate.js';

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
  /** Folder that the model's relative paths start from. */
  root: string;
  /** Positions inside event schemas; only when asked for with `locate: true`. */
  locate?: SchemaLocator;
}

export async function loadCatalog(target: string, options: LoadOptions = {}): Promise<LoadedCatalog> {
  let discovered;
  try {
    discovered = discoverCatalog(target);
  } catch (error) {
    if (error instanceof DiscoveryError) {
      throw new CatalogError([{ code: 'no-catalog', file: target, line: 0, column: 0, message: error.message, hint: 'Point --catalog at a folder of AsyncAPI documents or at one document.' }]);
    }
    throw error;
  }
  const sources = new SourceSet(discovered.root, options.cwd);
  const parsed = await parseDocuments(sources, discovered.documents, createParser());
  const built = buildCatalog(sources, parsed, { strict: options.strict ?? false });
  if (sources.diagnostics.length === 0) checkCatalog(sources, built);
  if (sources.diagnostics.length > 0) throw new CatalogError(sources.diagnostics);
  const loaded: LoadedCatalog = { catalog: built.catalog, files: sources.loadedFiles(), root: discovered.root };
  if (options.locate) loaded.locate = schemaLocator(sources, built.origins);
  return loaded;
}
