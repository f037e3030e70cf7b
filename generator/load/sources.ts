/**
 * Catalogue files as text plus a YAML syntax tree, so that any JSON pointer into a document (or
 * into the fragments it reaches through `$ref`) can be turned back into a file, line and column.
 * JSON files go through the same YAML parser: JSON is YAML, and one parser means one position model.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { CatalogSources } from '../model/inputs.js';
import type { Diagnostic } from './diagnostics.js';

/** Aliases expand to copies; a small file could otherwise expand to gigabytes (a YAML bomb). */
export const MAX_ALIAS_COUNT = 200;
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** How every catalogue file is parsed as YAML (besides the line counter). */
export const YAML_OPTIONS = { uniqueKeys: true, prettyErrors: true, strict: true } as const;
/**
 * Deepest nesting of mappings and sequences accepted. Real catalogues stay far below; the loader,
 * the AsyncAPI parser and the emitters all recurse over the tree, so a file nested thousands deep
 * would otherwise end in a stack overflow somewhere downstream instead of a clear diagnostic.
 */
export const MAX_NESTING_DEPTH = 100;

export interface SourceFile {
  abs: string;
  /** Path for messages: relative to the working directory. */
  display: string;
  /** Path relative to the catalogue root, forward slashes; stable across machines. */
  rel: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The file as plain JSON-compatible data; undefined when it failed to parse. */
  value: unknown;
}

export interface Position {
  file: SourceFile;
  line: number;
  column: number;
}

export interface RefTarget {
  file: SourceFile;
  pointer: string[];
}

export class SourceSet implements CatalogSources<SourceFile> {
  private readonly files = new Map<string, SourceFile | null>();
  /**
   * References that resolved, by the file they are written in and their text. The files of a
   * SourceSet never change once read, so a reference that resolved once resolves the same way
   * again; the whole-catalogue checks and problem positions follow the same few hundred
   * references thousands of times. Failures are not kept: each one is reported where it is met.
   */
  private readonly resolved = new WeakMap<SourceFile, Map<string, RefTarget>>();
  /** Locating a problem must not report the broken references it walks past a second time. */
  private quiet = 0;
  readonly diagnostics: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  /**
   * @param texts Contents already read by this load (discovery reads every catalogue file to tell
   *   documents from fragments), by absolute path: used instead of reading those files again.
   */
  constructor(
    readonly root: string,
    private readonly cwd: string = process.cwd(),
    private readonly texts?: ReadonlyMap<string, string>,
  ) {}

  /** A file's text: as discovery read it when it did, else from disk (throws when unreadable). */
  protected readText(abs: string): string {
    return this.texts?.get(abs) ?? readFileSync(abs, 'utf8');
  }

  /** Reads and parses a file once; syntax problems are recorded and give `undefined`. */
  load(abs: string): SourceFile | undefined {
    const cached = this.files.get(abs);
    if (cached !== undefined) return cached ?? undefined;
    const file = this.read(abs);
    this.files.set(abs, file ?? null);
    return file;
  }

  /** A file already read successfully, without reading anything new. */
  loaded(abs: string): SourceFile | undefined {
    return this.files.get(abs) ?? undefined;
  }

  /** Absolute paths of every file read successfully, sorted. */
  loadedFiles(): string[] {
    return [...this.files.entries()].filter(([, f]) => f !== null).map(([abs]) => abs).sort();
  }

  displayPath(abs: string): string {
    const rel = path.relative(this.cwd, abs);
    return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
  }

  /** Resolves a `$ref` string written in `from`; records a diagnostic at `at` when it cannot. */
  resolveRef(from: SourceFile, ref: string, at: string[]): RefTarget | undefined {
    let known = this.resolved.get(from);
    const hit = known?.get(ref);
    // A copy: callers build on the pointer they get.
    if (hit !== undefined) return { file: hit.file, pointer: [...hit.pointer] };
    const target = this.resolveUncached(from, ref, at);
    if (target !== undefined) {
      if (known === undefined) this.resolved.set(from, (known = new Map()));
      known.set(ref, { file: target.file, pointer: [...target.pointer] });
    }
    return target;
  }

  private resolveUncached(from: SourceFile, ref: string, at: string[]): RefTarget | undefined {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const fragment = hash === -1 ? '' : ref.slice(hash + 1);
    const report = (message: string, hint: string): undefined => {
      if (this.quiet === 0) this.report(from, at, 'broken-ref', message, hint);
      return undefined;
    };
    if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) {
      // Never fetched: generating code must not depend on the network or on what a server says today.
      const remote = /^https?:/i.test(filePart);
      return report(
        remote ? `$ref '${ref}' is a remote reference; eventsmith does not fetch schemas` : `$ref '${ref}' points outside the catalogue`,
        'Remote references are not supported: copy the schema (a JSON Schema, or an Avro .avsc) into a file of the catalogue and reference it by relative path.',
      );
    }
    if (fragment !== '' && !fragment.startsWith('/')) {
      return report(`$ref '${ref}' has a fragment that is not a JSON pointer`, "Write the fragment as a JSON pointer, e.g. '#/components/schemas/Money'.");
    }
    let decodedFile: string;
    let pointer: string[];
    try {
      decodedFile = decodeURI(filePart);
      pointer = fragment === '' ? [] : fragment.slice(1).split('/').map(unescapePointerSegment);
    } catch {
      return report(`$ref '${ref}' is not valid percent-encoding`, "Write '%' as '%25'; a '%' must be followed by two hexadecimal digits of a UTF-8 sequence.");
    }
    const file = filePart === '' ? from : this.loadReferenced(path.resolve(path.dirname(from.abs), decodedFile));
    if (!file) {
      return report(`$ref '${ref}' points to a file that does not exist or cannot be parsed`, `Check the path; it is resolved relative to ${from.display}.`);
    }
    if (file.value === undefined || !hasPath(file.value, pointer)) {
      return report(`$ref '${ref}' points to '${fragment || '/'}', which does not exist in ${file.display}`, 'Fix the JSON pointer after # so that it names an existing key.');
    }
    return { file, pointer };
  }

  /** Like {@link resolveRef}, without reporting: for walks that only ask where a reference leads. */
  resolveQuietly(from: SourceFile, ref: string): RefTarget | undefined {
    this.quiet++;
    try {
      return this.resolveRef(from, ref, []);
    } finally {
      this.quiet--;
    }
  }

  /**
   * The value at `pointer` in `file`, following `$ref`s met on the way (and at the end when
   * `followLast`), with the file that holds it and the pointer inside that file.
   */
  resolve(file: SourceFile, pointer: readonly string[], followLast = true): { target: RefTarget; value: unknown } | undefined {
    // `current.pointer` is this walk's own array (resolveRef hands out copies), extended in place.
    let current: RefTarget = { file, pointer: [] };
    let value: unknown = file.value;
    let guard: Set<string> | undefined;
    for (let i = 0; i <= pointer.length; i++) {
      // A pointer that names the `$ref` key itself stops at the reference instead of following it.
      while (isRefObject(value) && (i < pointer.length ? pointer[i] !== '$ref' : followLast)) {
        const key = `${current.file.abs}#${current.pointer.join('/')}`;
        guard ??= new Set();
        if (guard.has(key)) return undefined;
        guard.add(key);
        const next = this.resolveRef(current.file, value.$ref, [...current.pointer]);
        if (!next) return undefined;
        current = next;
        value = valueAt(next.file.value, next.pointer);
      }
      if (i === pointer.length) break;
      const segment = pointer[i]!;
      value = childOf(value, segment);
      if (value === undefined) return undefined;
      current.pointer.push(segment);
    }
    return { target: current, value };
  }

  /** Line and column of the key (or item) at `pointer`, following `$ref`s; the nearest existing parent otherwise. */
  locate(file: SourceFile, pointer: readonly string[]): Position {
    let best: RefTarget = { file, pointer: [] };
    this.quiet++;
    try {
      // The definition a reference names is where an editor should go; when the reference itself
      // is broken, its own position is the best there is, and then the nearest parent.
      const attempts: [number, boolean][] = [[pointer.length, true]];
      for (let depth = pointer.length; depth >= 0; depth--) attempts.push([depth, false]);
      for (const [depth, followLast] of attempts) {
        const found = this.resolve(file, pointer.slice(0, depth), followLast);
        if (found) {
          best = found.target;
          break;
        }
      }
    } finally {
      this.quiet--;
    }
    return positionIn(best.file, best.pointer);
  }

  report(file: SourceFile, pointer: readonly string[], code: string, message: string, hint?: string): void {
    const pos = this.locate(file, pointer);
    this.diagnostics.push({ code, file: pos.file.display, line: pos.line, column: pos.column, message, ...(hint ? { hint } : {}) });
  }

  warn(file: SourceFile, pointer: readonly string[], code: string, message: string, hint?: string): void {
    const pos = this.locate(file, pointer);
    this.warnings.push({ code, file: pos.file.display, line: pos.line, column: pos.column, message, ...(hint ? { hint } : {}), severity: 'warning' });
  }

  private loadReferenced(abs: string): SourceFile | undefined {
    return this.load(abs);
  }

  private read(abs: string): SourceFile | undefined {
    const display = this.displayPath(abs);
    const rel = path.relative(this.root, abs).split(path.sep).join('/');
    let text: string;
    try {
      text = this.readText(abs);
    } catch {
      return undefined;
    }
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      this.diagnostics.push({ code: 'file-too-large', file: display, line: 0, column: 0, message: `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`, hint: 'Split the catalogue into smaller documents.' });
      return undefined;
    }
    const lines = new LineCounter();
    let doc: Document.Parsed;
    try {
      doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
    } catch (error) {
      // The YAML library records what it understands as errors; anything it throws (a stack
      // overflow on absurd nesting) is still this file's problem, not a crash of the generator.
      const deep = error instanceof RangeError;
      this.diagnostics.push({
        code: deep ? 'too-deep' : 'yaml-syntax',
        file: display,
        line: 1,
        column: 1,
        message: deep ? `mappings and sequences nest too deeply to be read (more than ${MAX_NESTING_DEPTH} levels are refused)` : `cannot parse the file: ${firstLine(String((error as Error).message))}`,
        hint: deep ? 'Flatten the structure: move nested schemas to components/schemas and $ref them.' : 'Fix the YAML syntax of the file.',
      });
      return undefined;
    }
    if (doc.errors.length > 0) {
      // The first syntax error is the one to fix: after it the parser is guessing at the structure,
      // and one mis-indented line would otherwise show up as a dozen problems on the lines below it.
      for (const error of doc.errors.slice(0, 1)) {
        const pos = error.linePos?.[0];
        this.diagnostics.push({
          code: 'yaml-syntax',
          file: display,
          line: pos?.line ?? 1,
          column: pos?.col ?? 1,
          ...(/Maximum call stack/i.test(error.message)
            ? { code: 'too-deep', message: `mappings and sequences nest too deeply to be read (more than ${MAX_NESTING_DEPTH} levels are refused)`, hint: 'Flatten the structure: move nested schemas to components/schemas and $ref them.' }
            : {
                message: firstLine(error.message).replace(/ at line \d+, column \d+:?$/, ''),
                hint: yamlHint(error.code, error.message),
              }),
        });
      }
      return undefined;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      this.diagnostics.push({ code: 'yaml-aliases', file: display, line: 1, column: 1, message: `cannot expand YAML aliases: ${firstLine(String((error as Error).message))}`, hint: 'Reduce the use of YAML aliases (&anchor / *alias); write the repeated part once and $ref it.' });
      return undefined;
    }
    const file: SourceFile = { abs, display, rel, text, doc, lines, value };
    const shape = shapeProblem(value);
    if (shape !== undefined) {
      const pos = positionIn(file, shape.pointer);
      this.diagnostics.push({ code: shape.code, file: display, line: pos.line, column: pos.column, message: shape.message, hint: shape.hint });
      return undefined;
    }
    return file;
  }
}

/**
 * An alias inside its own anchor (`a: &a {self: *a}`) makes the data cyclic, and deep nesting
 * exhausts the stack of every recursive consumer downstream: both are refused here, iteratively.
 * `depth`: how deep `root` itself sits in its file.
 */
export function shapeProblem(root: unknown, depth = 0): { code: string; pointer: string[]; message: string; hint: string } | undefined {
  const path: unknown[] = [];
  const pointer: string[] = [];
  const onPath = new Set<unknown>();
  // Each frame: the container and the keys of it still to visit.
  const frames: Array<{ entries: Array<[string, unknown]>; next: number }> = [];
  const enter = (value: unknown, key: string | undefined): ReturnType<typeof shapeProblem> | 'leaf' => {
    if (typeof value !== 'object' || value === null) return 'leaf';
    if (key !== undefined) pointer.push(key);
    if (onPath.has(value)) {
      return { code: 'yaml-recursive-alias', pointer: [...pointer], message: 'a YAML alias refers to a node that contains it, so the data never ends', hint: 'Do not use an alias (*name) inside its own anchor (&name); for a recursive schema, use $ref.' };
    }
    if (depth + frames.length >= MAX_NESTING_DEPTH) {
      return { code: 'too-deep', pointer: [...pointer], message: `mappings and sequences nest deeper than ${MAX_NESTING_DEPTH} levels`, hint: 'Flatten the structure: move nested schemas to components/schemas and $ref them.' };
    }
    onPath.add(value);
    path.push(value);
    frames.push({ entries: Array.isArray(value) ? value.map((item, i): [string, unknown] => [String(i), item]) : Object.entries(value), next: 0 });
    return undefined;
  };
  const first = enter(root, undefined);
  if (first !== undefined && first !== 'leaf') return first;
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next >= frame.entries.length) {
      frames.pop();
      onPath.delete(path.pop());
      pointer.pop();
      continue;
    }
    const [key, child] = frame.entries[frame.next++]!;
    const problem = enter(child, key);
    if (problem !== undefined && problem !== 'leaf') return problem;
  }
  return undefined;
}

export function isRefObject(value: unknown): value is { $ref: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { $ref?: unknown }).$ref === 'string';
}

export function unescapePointerSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapePointerSegment(String(s))}`).join('');
}

function childOf(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) return /^\d+$/.test(segment) ? value[Number(segment)] : undefined;
  if (typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, segment)) {
    return (value as Record<string, unknown>)[segment];
  }
  return undefined;
}

function valueAt(value: unknown, pointer: readonly string[]): unknown {
  let current = value;
  for (const segment of pointer) current = childOf(current, segment);
  return current;
}

function hasPath(value: unknown, pointer: readonly string[]): boolean {
  return pointer.length === 0 || valueAt(value, pointer) !== undefined;
}

/**
 * The keys of each mapping located into, indexed on first use: a mapping such as
 * components/schemas holds hundreds of keys and is looked into for every event. The YAML trees are
 * never changed once parsed, so an index stays true as long as its mapping lives.
 */
const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The first entry of `map` whose key reads `key`, as a scan of its items would find it. */
function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = keyIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const item of map.items) {
      if (isPair(item) && isScalar(item.key)) {
        const name = String(item.key.value);
        if (!index.has(name)) index.set(name, item);
      }
    }
    keyIndexes.set(map, index);
  }
  return index.get(key);
}

/** Position of the key for a map entry (that is what an editor should jump to), else of the node. */
function positionIn(file: SourceFile, pointer: readonly string[]): Position {
  let node: unknown = file.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const segment of pointer) {
    if (isAlias(node)) node = node.resolve(file.doc);
    if (isMap(node)) {
      const pair = pairOf(node, segment);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  const pos = file.lines.linePos(offset);
  return { file, line: pos.line, column: pos.col };
}

/** How to fix a YAML syntax error, by the YAML library's error code. */
function yamlHint(code: string, message: string): string {
  const after = ' Fix this one first: the lines after it are read only once it is fixed.';
  if (/duplicate/i.test(message) || code === 'DUPLICATE_KEY') return 'Each key may appear once in a mapping: remove or rename the repeated key.';
  if (code === 'BAD_INDENT' || code === 'MISSING_CHAR' || /same column|indent/i.test(message)) {
    return `Indent this line like the other keys of its mapping (YAML nesting is by indentation, spaces only).${after}`;
  }
  if (code === 'TAB_AS_INDENT') return `Indent with spaces: YAML does not allow tabs for indentation.${after}`;
  return `Fix the YAML syntax at this position (indentation, quoting, or a missing colon are the usual causes).${after}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
