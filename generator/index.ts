/**
 * `eventsmith` as a library: the pipeline stages the CLI is built from, for build tools that want
 * to load a catalogue or emit code themselves.
 */
export { main } from './cli/main.js';
export { CatalogError, formatDiagnostic } from './load/diagnostics.js';
export type { Diagnostic } from './load/diagnostics.js';
export { loadCatalog } from './pipeline/load-catalog.js';
export type { LoadedCatalog, LoadOptions } from './pipeline/load-catalog.js';
export type * from './model/catalog.js';
export { emit } from './emit/emit.js';
export { diffOutput, writeOutput } from './emit/write.js';
