/**
 * The catalogue kept in memory between rebuilds of `generate --watch`: the load pipeline
 * (generator/pipeline) with caches. A file is read and parsed as YAML again only when its content
 * changed (by content hash), and a document goes through @asyncapi/parser again only when its own
 * content or the content of a file it reaches through `$ref` changed; each load gets a parser of
 * its own (see createParser). The events of documents that were not parsed again are reused
 * (BuildCache), and so is the verdict on their examples; the model is otherwise rebuilt exactly as a
 * cold `generate` builds it, and must equal it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Parser } from '@asyncapi/parser';
import { createParser } from '../load/asyncapi-parser.js';
import { sortDiagnostics, type Diagnostic } from '../load/diagnostics.js';
import { acceptParsed, hasParserErrors, parseDocuments, precheckDocument, type ParsedDocument } from '../load/parse.js';
import type { KnownFiles } from '../load/discover.js';
import { SourceSet, type SourceFile } from '../load/sources.js';
import { editedSourceFile } from '../load/yaml-edit.js';
import { BuildCache, type BuiltCatalog } from '../model/build.js';
import type { Catalog } from '../model/catalog.js';
import { runPipeline } from '../pipeline/pipeline.js';
import { editedMessages, messageExcerpt, spliceMessages } from './message-edit.js';

export interface IncrementalOptions {
  strict: boolean;
  cwd: string;
}

export interface IncrementalResult {
  catalog: Catalog;
  /** Catalogue root (documents are searched under it). */
  root: string;
  /** Documents that went through the parser in this run (paths relative to the root). */
  reparsed: string[];
  /** Of those, the ones of which only edited messages went through it (see message-edit.ts). */
  excerpted: string[];
  /** Every catalogue file this run read (documents and the fragments they reach), absolute. */
  files: string[];
  /** True when nothing the model depends on changed since the last successful load (same model). */
  unchanged: boolean;
  /** Warnings of this load, sorted (see LoadedCatalog.warnings). */
  warnings: Diagnostic[];
}

interface CachedFile {
  hash: string;
  file: SourceFile | undefined;
  /** File parts of the `$ref`s in the file, once asked for: walking a big document takes a while. */
  refs?: ReadonlySet<string>;
}

interface CachedDocument {
  /** Hash over the document's content and the content of every file it reaches. */
  key: string;
  /** Content hash of each file the document reaches (itself included), by absolute path. */
  reached: ReadonlyMap<string, string>;
  parsed: ParsedDocument;
}

interface DocumentKey {
  key: string;
  reached: ReadonlyMap<string, string>;
}

const MISSING = 'missing';

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * A SourceSet that hands out the SourceFile of a previous run when the file's content is the same,
 * so unchanged files are not parsed as YAML again. Within one run each file is read once.
 */
class CachedSourceSet extends SourceSet {
  private readonly thisRun = new Map<string, CachedFile>();

  constructor(
    root: string,
    cwd: string,
    private readonly cache: Map<string, CachedFile>,
    texts: ReadonlyMap<string, string>,
  ) {
    super(root, cwd, texts);
  }

  override load(abs: string): SourceFile | undefined {
    return this.entry(abs).file;
  }

  /**
   * A file this run read: a problem the AsyncAPI parser finds in a fragment is placed in the
   * fragment through this, also when the file came from the cache or was read in part (the base
   * class knows only the files it parsed itself).
   */
  override loaded(abs: string): SourceFile | undefined {
    return this.thisRun.get(abs)?.file ?? super.loaded(abs);
  }

  /** Content hash of `abs` as this run saw it ('missing' when it cannot be read). */
  hashOf(abs: string): string {
    return this.entry(abs).hash;
  }

  /** File parts of the `$ref`s in `abs` that point into other files (empty when it cannot be read). */
  externalRefsOf(abs: string): ReadonlySet<string> {
    const entry = this.entry(abs);
    entry.refs ??= entry.file ? externalRefs(entry.file.value) : new Set();
    return entry.refs;
  }

  readFiles(): string[] {
    return [...this.thisRun.entries()].filter(([, entry]) => entry.file !== undefined).map(([abs]) => abs).sort();
  }

  private entry(abs: string): CachedFile {
    const seen = this.thisRun.get(abs);
    if (seen) return seen;
    let text: string | undefined;
    try {
      text = this.readText(abs);
    } catch {
      text = undefined;
    }
    const cached = this.cache.get(abs);
    // The same text as last time is the same content: comparing is far quicker than hashing ~300 KB.
    const same = cached?.file !== undefined && text !== undefined && cached.file.text === text;
    const hash = same ? cached.hash : text === undefined ? MISSING : hashText(text);
    let entry: CachedFile;
    if (cached && cached.hash === hash && cached.file !== undefined) {
      entry = cached;
    } else {
      // An edit of a few lines is read as YAML by itself (see yaml-edit.ts); anything else is
      // parsed (and its problems reported) by the SourceSet itself, exactly as in a cold run.
      const edited = cached?.file !== undefined && text !== undefined ? editedSourceFile(cached.file, text) : undefined;
      const file = edited ?? super.load(abs);
      entry = { hash: file ? hashText(file.text) : hash, file };
      if (file) this.cache.set(abs, entry);
      else this.cache.delete(abs);
    }
    this.thisRun.set(abs, entry);
    return entry;
  }
}

export class IncrementalCatalog {
  private readonly files = new Map<string, CachedFile>();
  private readonly documents = new Map<string, CachedDocument>();
  /** Events read from documents, reused while a document's ParsedDocument (above) is. */
  private readonly builds = new BuildCache<SourceFile>();
  /** What discovery found last time: files whose text is the same are not told apart again. */
  private readonly known: KnownFiles = new Map();
  /** The last successful load, and the documents (with their keys) it was built from. */
  private last: { fingerprint: string; built: BuiltCatalog<SourceFile>; result: IncrementalResult } | undefined;

  constructor(
    readonly target: string,
    private readonly options: IncrementalOptions,
  ) {}

  /** Loads the catalogue, reusing what did not change; throws a CatalogError listing every problem. */
  async load(): Promise<IncrementalResult> {
    const reparsed: string[] = [];
    const excerpted: string[] = [];
    let fingerprint = '';
    const run = await runPipeline(this.target, this.options, {
      openSources: (root, _cwd, texts) => new CachedSourceSet(root, this.options.cwd, this.files, texts),
      parse: (sources, documents) => this.parse(sources, documents, reparsed, excerpted),
      unchanged: (sources, documents) => {
        // Same documents, same content, same fragments: the model is the one built last time.
        fingerprint = documents.map((abs) => `${abs}\0${this.documents.get(abs)?.key ?? ''}`).join('\0');
        const last = this.last;
        if (reparsed.length === 0 && last?.fingerprint === fingerprint && sources.diagnostics.length === 0) return last.built;
        // Something changed: the last model no longer holds, whether or not this load succeeds.
        this.last = undefined;
        return undefined;
      },
      builds: this.builds,
      known: this.known,
    });
    if (run.reused && this.last !== undefined) return { ...this.last.result, reparsed: [], excerpted: [], unchanged: true };
    const files = run.sources.readFiles();
    const used = new Set(files);
    for (const abs of [...this.files.keys()]) if (!used.has(abs)) this.files.delete(abs);
    const result: IncrementalResult = { catalog: run.built.catalog, root: run.root, reparsed, excerpted, files, unchanged: false, warnings: sortDiagnostics(run.sources.warnings) };
    this.last = { fingerprint, built: run.built, result };
    return result;
  }

  /** The parse stage: documents whose content and fragments did not change are handed out again. */
  private async parse(sources: CachedSourceSet, documents: readonly string[], reparsed: string[], excerpted: string[]): Promise<ParsedDocument[]> {
    const parsed: ParsedDocument[] = [];
    // Made lazily: a save that changed no document needs none.
    let parser: Parser | undefined;
    for (const abs of documents) {
      const key = this.documentKey(sources, abs);
      const cached = this.documents.get(abs);
      if (cached && key !== undefined && cached.key === key.key) {
        parsed.push(cached.parsed);
        continue;
      }
      this.documents.delete(abs);
      const rel = path.relative(sources.root, abs).split(path.sep).join('/');
      reparsed.push(rel);
      const before = sources.diagnostics.length;
      parser ??= createParser();
      const edit = cached && key ? await this.parseEdit(sources, abs, cached, key, parser) : undefined;
      if (edit !== undefined) excerpted.push(rel);
      const result = edit === undefined ? (await parseDocuments(sources, [abs], parser))[0] : edit.parsed;
      if (result) {
        parsed.push(result);
        // Only documents that parsed without a problem are kept: a broken one is parsed again (and
        // its problems reported again) on every run until it is fixed.
        if (key !== undefined && sources.diagnostics.length === before) this.documents.set(abs, { ...key, parsed: result });
      }
    }
    // Documents that were deleted or stopped being documents are forgotten.
    const current = new Set(documents);
    for (const abs of [...this.documents.keys()]) if (!current.has(abs)) this.documents.delete(abs);
    return parsed;
  }

  /**
   * A document of which only messages were edited since it last parsed without a problem, and no
   * file it reaches changed: the edited messages go through the parser, not the whole document
   * (see message-edit.ts). Undefined when that cannot be done with certainty: the caller parses
   * the whole document. `parsed` is undefined when the document has problems (reported exactly
   * as a whole parse reports them).
   */
  private async parseEdit(sources: CachedSourceSet, abs: string, cached: CachedDocument, key: DocumentKey, parser: Parser): Promise<{ parsed: ParsedDocument | undefined } | undefined> {
    const file = sources.load(abs);
    if (!file || key.reached.size !== cached.reached.size) return undefined;
    for (const [other, hash] of key.reached) {
      if (other === abs) continue;
      if (cached.reached.get(other) !== hash) return undefined;
      // A fragment that points back into the document would see the edit through a path the excerpt does not keep.
      for (const ref of sources.externalRefsOf(other)) if (path.resolve(path.dirname(other), ref) === abs) return undefined;
    }
    const edited = editedMessages(cached.parsed.file.value, file.value);
    const excerpt = edited && messageExcerpt(file.value as Record<string, unknown>, edited);
    if (!edited || !excerpt) return undefined;
    if (!precheckDocument(sources, file)) return { parsed: undefined };
    const result = await parser.parse(JSON.stringify(excerpt), { source: abs });
    // Any problem in the excerpt: the whole document is parsed, and its problems reported where they are.
    if (!result.document || hasParserErrors(result.diagnostics)) return { parsed: acceptParsed(sources, file, await parser.parse(file.text, { source: abs })) };
    const document = spliceMessages(cached.parsed.document, result.document, edited, file.text);
    const before = sources.diagnostics.length;
    const accepted = acceptParsed(sources, file, { document, diagnostics: [] });
    if (accepted) return { parsed: accepted };
    sources.diagnostics.length = before;
    return { parsed: acceptParsed(sources, file, await parser.parse(file.text, { source: abs })) };
  }

  /**
   * Hash over the document and every file it reaches through `$ref` (following references in the
   * files reached, too); undefined when the document cannot be read or parsed as YAML.
   */
  private documentKey(sources: CachedSourceSet, abs: string): DocumentKey | undefined {
    const document = sources.load(abs);
    if (!document) return undefined;
    const reached = new Map<string, string>();
    const queue = [abs];
    while (queue.length > 0) {
      const current = queue.pop()!;
      if (reached.has(current)) continue;
      reached.set(current, sources.hashOf(current));
      for (const ref of sources.externalRefsOf(current)) queue.push(path.resolve(path.dirname(current), ref));
    }
    const hash = createHash('sha1');
    for (const [file, fileHash] of [...reached.entries()].sort(([a], [b]) => a.localeCompare(b))) hash.update(file).update('\0').update(fileHash).update('\0');
    return { key: hash.digest('hex'), reached };
  }
}

/** File parts of every `$ref` in `value` that points into another file (remote ones excluded). */
function externalRefs(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key === '$ref' && typeof child === 'string') {
          const hash = child.indexOf('#');
          const filePart = hash === -1 ? child : child.slice(0, hash);
          if (filePart !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(filePart)) {
            try {
              found.add(decodeURI(filePart));
            } catch {
              // A malformed reference is reported by the loader; it reaches no file.
            }
          }
        } else visit(child);
      }
    }
  };
  visit(value);
  return found;
}
