/**
 * Validation and normalisation by @asyncapi/parser. Each document is parsed once; the parser's
 * problems are mapped back through our own YAML trees so that a problem inside a referenced
 * fragment points at the fragment, not at the document that references it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AsyncAPIDocumentInterface, Diagnostic as ParserDiagnostic, Parser } from '@asyncapi/parser';
import { AVRO_SCHEMA_FORMAT } from '../model/avro.js';
import type { ParsedInput } from '../model/inputs.js';
import type { RefTarget, SourceFile, SourceSet } from './sources.js';

/** A document the parser accepted: what the model is built from. */
export type ParsedDocument = ParsedInput<SourceFile>;

const ERROR_SEVERITY = 0;

/** Validates `files` with `parser`, one made by createParser() for this load of the catalogue. */
export async function parseDocuments(sources: SourceSet, files: readonly string[], parser: Parser): Promise<ParsedDocument[]> {
  const parsed: ParsedDocument[] = [];
  for (const abs of files) {
    const file = sources.load(abs);
    if (!file || !precheckDocument(sources, file)) continue;
    const accepted = acceptParsed(sources, file, await parser.parse(file.text, { source: abs }));
    if (accepted) parsed.push(accepted);
  }
  return parsed;
}

/**
 * What is checked before a document goes to @asyncapi/parser: the `asyncapi` field, a supported
 * version, and our own pass over references and schema formats. False (problems reported) when
 * the document must not be parsed.
 */
export function precheckDocument(sources: SourceSet, file: SourceFile): boolean {
  if (!isObject(file.value) || typeof file.value.asyncapi !== 'string') {
    sources.report(file, ['asyncapi'], 'not-asyncapi', "the 'asyncapi' field must be a version string such as '3.0.0'", "Start the document with `asyncapi: 3.1.0` (3.0.0 and 2.6.0 are read too).");
    return false;
  }
  const version = file.value.asyncapi;
  if (!/^(3\.[01]\.\d+|2\.6\.\d+)$/.test(version)) {
    sources.report(file, ['asyncapi'], 'unsupported-asyncapi-version', `AsyncAPI ${version} is not supported`, 'Use AsyncAPI 3.1.0 or 3.0.0 (2.6.0 is read too).');
    return false;
  }
  // Our own pass first: it pins broken references and unsupported formats to the exact file and
  // line, where the parser would report them against the document, or as a cascade of schema errors.
  return precheck(sources, file);
}

/** The parser's verdict on `file`: its errors reported (mapped to our files), the document when there are none. */
export function acceptParsed(sources: SourceSet, file: SourceFile, result: { document?: AsyncAPIDocumentInterface; diagnostics: readonly ParserDiagnostic[] }): ParsedDocument | undefined {
  const errors = result.diagnostics.filter((d) => d.severity === ERROR_SEVERITY);
  for (const d of withoutEchoes(errors)) reportParserDiagnostic(sources, file, d);
  return result.document && errors.length === 0 && !dataCycles(sources, file, result.document) ? { file, document: result.document } : undefined;
}

/** Whether the parser found an error in `diagnostics`. */
export function hasParserErrors(diagnostics: readonly ParserDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === ERROR_SEVERITY);
}

/** What the schema validator says about an object when one of its branches failed further down. */
const BRANCH_FAILURE = /^"[^"]*" property must match ("(then|else)" schema|exactly one schema in oneOf|a schema in anyOf)$/;

/**
 * The parser's errors without the echoes of a deeper one: a negative `minLength` in a payload is
 * reported at the keyword and again, as "payload must match the else schema", at the payload;
 * the second says nothing the first does not. When the deeper error is in a referenced fragment,
 * its path is the fragment's, so any error found in another file counts as the deeper one.
 */
function withoutEchoes(errors: readonly ParserDiagnostic[]): ParserDiagnostic[] {
  const within = (outer: ParserDiagnostic, inner: ParserDiagnostic): boolean =>
    inner.path.length > outer.path.length && outer.path.every((segment, i) => String(segment) === String(inner.path[i]));
  const elsewhere = (outer: ParserDiagnostic, inner: ParserDiagnostic): boolean => inner.source !== outer.source && !BRANCH_FAILURE.test(inner.message);
  return errors.filter((d) => !(BRANCH_FAILURE.test(d.message) && errors.some((other) => other !== d && (within(d, other) || elsewhere(d, other)))));
}

const JSON_SCHEMA_FORMAT = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema(\+json|\+yaml)?)(;version=[\w.-]+)?$/;

/** Checks every `$ref` the document reaches (each file once) and every `schemaFormat`; false when something is wrong. */
function precheck(sources: SourceSet, document: SourceFile): boolean {
  const before = sources.diagnostics.length;
  const queue: SourceFile[] = [document];
  const walked = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (walked.has(file.abs)) continue;
    walked.add(file.abs);
    walk(file.value, [], (node, pointer) => {
      if (Object.prototype.hasOwnProperty.call(node, '$ref') && typeof node.$ref !== 'string') {
        // The AsyncAPI parser takes every `$ref` key for a reference and crashes on one that is not a string.
        sources.report(file, [...pointer, '$ref'], 'invalid-ref', `$ref must be a string (a path and/or a JSON pointer), not ${describeValue(node.$ref)}`, "Write the reference as a string, e.g. `$ref: '#/components/schemas/Money'`; a schema property cannot be named '$ref' (every tool reads it as a reference): rename it.");
      }
      if (typeof node.$ref === 'string') {
        const target = sources.resolveRef(file, node.$ref, [...pointer, '$ref']);
        if (target && target.file !== file) queue.push(target.file);
        if (target && refChainLoops(sources, target)) {
          sources.report(file, [...pointer, '$ref'], 'circular-ref', `$ref '${node.$ref}' leads through references back to itself and never reaches a schema`, 'A reference must end at a definition; break the loop of references that only point at each other.');
        }
      }
      if (Object.prototype.hasOwnProperty.call(node, '__proto__')) {
        sources.report(file, [...pointer, '__proto__'], 'forbidden-key', "the key '__proto__' is not supported", "JavaScript tools (the AsyncAPI parser among them) read '__proto__' as an object's prototype, not as a property: rename it.");
      }
      if (typeof node.schemaFormat === 'string' && !JSON_SCHEMA_FORMAT.test(node.schemaFormat) && !AVRO_SCHEMA_FORMAT.test(node.schemaFormat)) {
        sources.report(file, [...pointer, 'schemaFormat'], 'unsupported-schema-format', `schema format '${node.schemaFormat}' is not supported`, 'Write the schema as JSON Schema / AsyncAPI Schema (the default format) or Avro (application/vnd.apache.avro;version=1.9.0); RAML and Protobuf schemas cannot be turned into validators.');
      }
    });
  }
  return sources.diagnostics.length === before;
}

/**
 * Whether following `$ref` after `$ref` from `start` comes back to a reference already passed
 * (`X: {$ref: Y}`, `Y: {$ref: X}`): the AsyncAPI parser loops forever on such a chain. Recursion
 * through a schema (`children: {items: {$ref: Tree}}`) is fine and not a chain.
 */
function refChainLoops(sources: SourceSet, start: RefTarget): boolean {
  const seen = new Set<string>();
  let target: RefTarget | undefined = start;
  while (target !== undefined) {
    const key = `${target.file.abs}#/${target.pointer.join('/')}`;
    if (seen.has(key)) return true;
    seen.add(key);
    const value = sources.resolve(target.file, target.pointer, false)?.value;
    if (!isObject(value) || typeof value.$ref !== 'string') return false;
    target = sources.resolveQuietly(target.file, value.$ref);
  }
  return false;
}

/**
 * The parser resolves every `$ref`, also inside data (examples, extensions); one that points at
 * an object containing it (`examples: [{payload: {$ref: '#/components/messages/M'}}]` inside M)
 * makes the data cyclic, which no JSON consumer downstream can handle. Schemas (payload, headers)
 * may recurse and are left to the schema reader. True when a cycle was reported.
 */
function dataCycles(sources: SourceSet, file: SourceFile, document: AsyncAPIDocumentInterface): boolean {
  let found = false;
  for (const message of document.allMessages().all()) {
    const json = message.json() as Record<string, unknown>;
    const base = (message.meta()?.pointer ?? '').split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const [key, value] of Object.entries(json)) {
      if (key === 'payload' || key === 'headers') continue;
      const cycle = cyclePath(value);
      if (cycle === undefined) continue;
      found = true;
      sources.report(file, [...base, key, ...cycle], 'circular-ref', `'${key}' of this message contains itself through a $ref, so its data never ends`, 'Examples and extensions are data: write the value out instead of referencing an object that contains it.');
    }
  }
  return found;
}

/** The path to the first value that is its own ancestor, iteratively; undefined when acyclic. */
function cyclePath(root: unknown): string[] | undefined {
  const onPath = new Set<unknown>();
  const path: string[] = [];
  const frames: Array<{ node: object; entries: Array<[string, unknown]>; next: number }> = [];
  const enter = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return false;
    if (onPath.has(value)) return true;
    onPath.add(value);
    frames.push({ node: value, entries: Array.isArray(value) ? value.map((v, i): [string, unknown] => [String(i), v]) : Object.entries(value), next: 0 });
    return false;
  };
  if (enter(root)) return [];
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    if (frame.next >= frame.entries.length) {
      frames.pop();
      onPath.delete(frame.node);
      path.pop();
      continue;
    }
    const [key, child] = frame.entries[frame.next++]!;
    path.push(key);
    if (enter(child)) return [...path];
    if (typeof child !== 'object' || child === null) path.pop();
  }
  return undefined;
}

/**
 * Calls `visit` on every object in `value` with its pointer. The pointer is one array that the walk
 * changes as it goes (a copy per node was most of the walk's time and garbage): `visit` copies it
 * to keep it.
 */
function walk(value: unknown, pointer: string[], visit: (node: Record<string, unknown>, pointer: readonly string[]) => void): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      pointer.push(String(i));
      walk(value[i], pointer, visit);
      pointer.pop();
    }
  } else if (isObject(value)) {
    visit(value, pointer);
    for (const [key, child] of Object.entries(value)) {
      pointer.push(key);
      walk(child, pointer, visit);
      pointer.pop();
    }
  }
}

function reportParserDiagnostic(sources: SourceSet, document: SourceFile, d: ParserDiagnostic): void {
  // A problem inside a referenced fragment comes with that fragment as its source and a path
  // within it; read against the document, the path would point somewhere else entirely.
  const file = sourceOf(sources, document, d);
  const pointer = d.path.map(String);
  const message = describe(d);
  if (pointer.length === 0 && d.range) {
    sources.diagnostics.push({ code: `asyncapi:${String(d.code)}`, file: file.display, line: d.range.start.line + 1, column: d.range.start.character + 1, message, hint: hintFor(d) });
    return;
  }
  sources.report(file, pointer, `asyncapi:${String(d.code)}`, message, hintFor(d));
}

/** The file a parser diagnostic is about: one this load already read (precheck reads every fragment a document reaches), else the document. */
function sourceOf(sources: SourceSet, document: SourceFile, d: ParserDiagnostic): SourceFile {
  const source = d.source;
  if (typeof source !== 'string' || source.length === 0 || source === document.abs) return document;
  const abs = source.startsWith('file://') ? fileURLToPath(source) : source;
  return path.isAbsolute(abs) ? (sources.loaded(path.normalize(abs)) ?? document) : document;
}

function describe(d: ParserDiagnostic): string {
  const where = d.path.length > 0 ? ` (at ${d.path.join('.')})` : '';
  // The parser reports its own crashes (while parsing, or in a validation rule) as a diagnostic with
  // the stack in the message: the user gets the error, not the stack.
  const crash = /^Error thrown during AsyncAPI document \w+\. Name: (\w+), message: (.*?), stack: /s.exec(d.message);
  if (crash) return `the AsyncAPI parser failed on this document (${crash[1]}: ${crash[2]!.split('\n')[0]})${where}`;
  return `${d.message}${where}`;
}

function hintFor(d: ParserDiagnostic): string {
  const code = String(d.code);
  if (code.includes('unrecognized') || /additional propert/i.test(d.message)) {
    return 'Remove the field or fix its spelling; only fields of the AsyncAPI specification and x- extensions are allowed here.';
  }
  if (code.includes('ref') || /\$ref|resolve/i.test(d.message)) return 'Check that the $ref path and the JSON pointer after # exist.';
  if (d.path.some((segment) => segment === 'payload' || segment === 'headers' || segment === 'schemas')) {
    return 'Fix the value of this schema keyword; see the JSON Schema specification (e.g. minLength is an integer ≥ 0, multipleOf a number > 0).';
  }
  return 'See the AsyncAPI specification (of the version the document declares) for the shape of this object.';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
