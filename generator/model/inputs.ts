/**
 * What the model is built from, in the shapes the model needs. The loader (generator/load)
 * provides them: its SourceSet, ParsedDocument and SchemaCollector fit these interfaces. The model
 * declares them itself and never imports the loader, so dependencies point one way: load → model.
 *
 * Files are opaque to the model: it reads a file's catalogue-relative path and otherwise only
 * hands a file back to the {@link CatalogSources} it came from, so the file type is a parameter.
 */
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { JsonSchema, JsonValue } from './catalog.js';

/** A catalogue file, as far as the model looks into it. */
export interface SourceFileRef {
  /** Path relative to the catalogue root, forward slashes. */
  readonly rel: string;
}

/** A line and column (1-based) in a file. */
export interface SourcePosition<F extends SourceFileRef = SourceFileRef> {
  file: F;
  line: number;
  column: number;
}

/** The catalogue's files, read by JSON pointer (following `$ref`s), and the problems found in them. */
export interface CatalogSources<F extends SourceFileRef = SourceFileRef> {
  /** Problems reported so far; the model only counts them. */
  readonly diagnostics: { readonly length: number };
  /** Reports a problem at `pointer` in `file`. */
  report(file: F, pointer: readonly string[], code: string, message: string, hint?: string): void;
  /** Warnings reported so far; they do not stop a run. */
  readonly warnings: { readonly length: number };
  /** Reports a warning at `pointer` in `file`: something probably wrong that does not stop generation. */
  warn(file: F, pointer: readonly string[], code: string, message: string, hint?: string): void;
  /**
   * The value at `pointer` in `file`, following `$ref`s (the last one too, unless `followLast` is
   * false), with `target`: the file that holds it and the pointer inside that file.
   */
  resolve(file: F, pointer: readonly string[], followLast?: boolean): { value: unknown; target: { file: F; pointer: readonly string[] } } | undefined;
  /** Where `pointer` is written, following `$ref`s; the nearest existing parent otherwise. */
  locate(file: F, pointer: readonly string[]): SourcePosition<F>;
}

/** A document the AsyncAPI parser accepted, with the file it was read from. */
export interface ParsedInput<F extends SourceFileRef = SourceFileRef> {
  file: F;
  document: AsyncAPIDocumentInterface;
}

/** A referenced schema given its definition name, in the order names were given. */
export interface Claim {
  /** `file#pointer` of the referenced schema. */
  key: string;
  name: string;
}

/** A claim with the definition it named, as it stood once the document that made it was read, and where its schema is written. */
export interface ClaimedDefinition<F extends SourceFileRef = SourceFileRef> extends Claim {
  definition: JsonSchema;
  origin: { file: F; pointer: readonly string[] };
}

/**
 * Reads payload and header schemas as written into the model's form, naming the definitions they
 * reach through `$ref` (see generator/load/schemas.ts). One per build of the catalogue.
 */
export interface SchemaReader<F extends SourceFileRef = SourceFileRef> {
  /** The schema at `pointer`; a `$ref` at the root is inlined. */
  root(file: F, pointer: readonly string[]): JsonSchema | undefined;
  /** The Avro schema at `pointer` as written (a `$ref` at the root followed) and its JSON Schema; undefined when invalid (reported). */
  avro(file: F, pointer: readonly string[]): { schema: JsonSchema; avro: JsonValue } | undefined;
  /** Every definition met so far, sorted by name. */
  collected(): Record<string, JsonSchema>;
  /** The claims made so far (a copy). */
  claimsSoFar(): Claim[];
  /** Whether the claims made so far are exactly `claims`, in order. */
  hasClaimed(claims: readonly Claim[]): boolean;
  /** The claims made from index `start` on, with their definitions. */
  claimedSince(start: number): ClaimedDefinition<F>[];
  /** Makes claims recorded by {@link claimedSince} again, as reading their document would. */
  replay(claimed: readonly ClaimedDefinition<F>[]): void;
  /** Where the schema that definition `name` was given to is written. */
  definitionOrigin(name: string): { file: F; pointer: readonly string[] } | undefined;
}
