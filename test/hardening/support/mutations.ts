// Mutated catalogues for the loader fuzzer, as fast-check arbitraries, one per class. A class is
// "cheap" when the loader's own checks reject it before the AsyncAPI parser runs (YAML syntax,
// aliases, nesting, references, version, forbidden keys) and "expensive" when it reaches the
// parser (5–300 ms per document).
import fc from 'fast-check';
import { parse as parseYaml, parseDocument, stringify as stringifyYaml } from 'yaml';
import { DOCUMENT, DOCUMENT_FILE, FRAGMENT, FRAGMENT_FILE } from './catalogue.js';

export interface MutatedCatalogue {
  /** Relative path → content. */
  files: Record<string, string | Uint8Array>;
  strict: boolean;
  /** What was done, for the failure report. */
  label: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

const BASE_DOC = parseYaml(DOCUMENT) as Json;
const BASE_FRAGMENT = parseYaml(FRAGMENT) as Json;

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Every path to a node under `root`, root excluded, in document order. */
function allPaths(root: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(root)) root.forEach((item, i) => (out.push([...prefix, i]), allPaths(item, [...prefix, i], out)));
  else if (root !== null && typeof root === 'object') for (const [key, child] of Object.entries(root)) out.push([...prefix, key]), allPaths(child, [...prefix, key], out);
  return out;
}

function objectPaths(root: Json): Path[] {
  return [[], ...allPaths(root)].filter((p) => {
    const v = getAt(root, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
}

function getAt(root: Json, path: Path): Json | undefined {
  let current: Json | undefined = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, Json>)[segment];
  }
  return current;
}

function setOwn(target: Record<string, Json> | Json[], key: string | number, value: Json): void {
  // defineProperty: an own property even for keys like '__proto__'.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parent = getAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object') setOwn(parent as Record<string, Json>, path[path.length - 1]!, value);
  return root;
}

function deleteAt(root: Json, path: Path): void {
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, Json>)[key];
}

function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length]!;
}

const serialise = (value: Json, json: boolean): string => (json ? JSON.stringify(value, null, 2) : stringifyYaml(value, { aliasDuplicateObjects: false }));

function catalogue(doc: string | Uint8Array, options: { json?: boolean; fragment?: string | Uint8Array; strict: boolean; label: string }): MutatedCatalogue {
  return {
    files: { [options.json ? DOCUMENT_FILE.replace(/\.yaml$/, '.json') : DOCUMENT_FILE]: doc, [FRAGMENT_FILE]: options.fragment ?? FRAGMENT },
    strict: options.strict,
    label: options.label,
  };
}

// ---------------------------------------------------------------------------------------------
// Values and keys the structural mutations write.

const oddStrings = fc.constantFrom('', ' ', '../../escape', '../../../tmp/escaped', 'a/../../b', '$(touch /tmp/pwned)', '\u0000', '\u2028', '2099-13-45', '3.0.0', 'x'.repeat(5000), 'business.#', '*', '{x}', 'con', 'NUL', '.', '..');
const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  oddStrings,
  fc.constant(null).map((): Json => []),
  fc.constant(null).map((): Json => ({})),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), oddStrings), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 }),
);
const oddKeys = fc.oneof(
  fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__'),
  fc.constantFrom('constructor', 'prototype', 'toString', 'hasOwnProperty', '$ref', '$id', '$schema', 'x-kind', 'x-version', 'x-producers', 'name', 'payload', 'type', 'required', 'properties', 'items', 'allOf', 'oneOf', 'enum', 'const', 'default', '', ' ', 'a.b', 'a/b', '~1', '%', 'x-', 'X-Kind'),
);
const META_FIELDS = ['x-version', 'x-kind', 'x-urgency', 'x-severity', 'x-producers', 'x-consumers', 'x-tenant-scoped', 'x-sunset', 'x-deprecated', 'x-priority', 'x-event-type', 'x-service', 'name', 'payload', 'examples', 'traits', 'headers', 'correlationId'];

// ---------------------------------------------------------------------------------------------
// Expensive: structural mutations that keep the YAML valid, so the AsyncAPI parser runs.

const structuralOp = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), to: fc.nat(), key: oddKeys }),
  fc.record({ op: fc.constant('retype' as const), at: fc.nat(), value: jsonValue }),
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: oddKeys }),
  fc.record({ op: fc.constant('meta' as const), message: fc.nat(), field: fc.constantFrom(...META_FIELDS), value: jsonValue }),
);

type StructuralOp = Record<string, unknown> & { op: 'delete' | 'duplicate' | 'retype' | 'rename' | 'meta' };

function applyStructural(root: Json, ops: readonly StructuralOp[]): { doc: Json; label: string } {
  let doc = clone(root);
  const labels: string[] = [];
  for (const op of ops) {
    const paths = allPaths(doc);
    if (paths.length === 0) break;
    const at = pick(paths, op.at as number);
    switch (op.op) {
      case 'delete':
        deleteAt(doc, at);
        labels.push(`delete ${at.join('.')}`);
        break;
      case 'duplicate': {
        const targets = [[], ...paths].filter((p) => {
          const v = getAt(doc, p);
          return v !== null && typeof v === 'object';
        });
        const to = pick(targets, op.to as number);
        const target = getAt(doc, to) as Record<string, Json> | Json[];
        const copy = clone(getAt(doc, at) ?? null);
        if (Array.isArray(target)) target.push(copy);
        else setOwn(target, op.key as string, copy);
        labels.push(`duplicate ${at.join('.')} → ${to.join('.')}.${String(op.key)}`);
        break;
      }
      case 'retype':
        doc = setAt(doc, at, op.value as Json);
        labels.push(`retype ${at.join('.')} = ${JSON.stringify(op.value).slice(0, 40)}`);
        break;
      case 'rename': {
        const parent = getAt(doc, at.slice(0, -1));
        const key = at[at.length - 1]!;
        if (parent !== null && typeof parent === 'object' && !Array.isArray(parent) && typeof key === 'string') {
          const value = parent[key]!;
          delete parent[key];
          setOwn(parent, op.key as string, value);
          labels.push(`rename ${at.join('.')} → ${String(op.key)}`);
        }
        break;
      }
      case 'meta': {
        const messages = Object.keys((getAt(doc, ['components', 'messages']) ?? {}) as Record<string, Json>);
        if (messages.length === 0) break;
        const name = pick(messages, op.message as number);
        const message = getAt(doc, ['components', 'messages', name]);
        if (message !== null && typeof message === 'object' && !Array.isArray(message)) setOwn(message, op.field as string, op.value as Json);
        labels.push(`set ${name}.${String(op.field)} = ${JSON.stringify(op.value).slice(0, 40)}`);
        break;
      }
    }
  }
  return { doc, label: labels.join('; ') };
}

export const structureClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({ ops: fc.array(structuralOp, { minLength: 1, maxLength: 3 }), json: fc.boolean(), strict: fc.boolean(), inFragment: fc.boolean() })
  .map(({ ops, json, strict, inFragment }) => {
    if (inFragment && ops.length === 1) {
      const { doc, label } = applyStructural(BASE_FRAGMENT, ops as StructuralOp[]);
      return catalogue(DOCUMENT, { fragment: serialise(doc, false), strict, label: `fragment: ${label}` });
    }
    const { doc, label } = applyStructural(BASE_DOC, ops as StructuralOp[]);
    return catalogue(serialise(doc, json), { json, strict, label });
  });

// ---------------------------------------------------------------------------------------------
// Cheap classes.

const STRUCTURAL_BYTES = [...':-{}[]"\'&*!|>#%@`,?\t\n \\'].map((c) => c.charCodeAt(0));

/** Random byte edits anywhere in the text (document or fragment). */
export const textBytesClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    edits: fc.array(
      fc.record({
        pos: fc.nat(),
        op: fc.constantFrom('insert', 'delete', 'replace'),
        bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom(...STRUCTURAL_BYTES), { minLength: 1, maxLength: 3 }).map((a) => Uint8Array.from(a))),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    inFragment: fc.boolean(),
    strict: fc.boolean(),
  })
  .map(({ edits, inFragment, strict }) => {
    let bytes = Buffer.from(inFragment ? FRAGMENT : DOCUMENT, 'utf8');
    for (const edit of edits) {
      const pos = edit.pos % (bytes.length + 1);
      const insert = Buffer.from(edit.bytes);
      if (edit.op === 'insert') bytes = Buffer.concat([bytes.subarray(0, pos), insert, bytes.subarray(pos)]);
      else if (edit.op === 'delete') bytes = Buffer.concat([bytes.subarray(0, pos), bytes.subarray(pos + insert.length)]);
      else bytes = Buffer.concat([bytes.subarray(0, pos), insert, bytes.subarray(pos + insert.length)]);
    }
    const label = `bytes(${inFragment ? 'fragment' : 'document'}): ${edits.map((e) => `${e.op}@${e.pos}`).join(',')}`;
    return inFragment ? catalogue(DOCUMENT, { fragment: bytes, strict, label }) : catalogue(bytes, { strict, label });
  });

/** Line-level edits that break the YAML structure: duplicated keys, indentation, truncation, unbalanced brackets. */
export const textStructureClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    op: fc.constantFrom('duplicate-line', 'indent', 'dedent', 'tab', 'truncate', 'unbalanced', 'colon', 'separator', 'directive', 'swap'),
    line: fc.nat(),
    other: fc.nat(),
    amount: fc.integer({ min: 1, max: 7 }),
    char: fc.constantFrom('[', '{', '"', "'", ']', '}', '`', '|', '>'),
    inFragment: fc.boolean(),
    strict: fc.boolean(),
  })
  .map(({ op, line, other, amount, char, inFragment, strict }) => {
    const lines = (inFragment ? FRAGMENT : DOCUMENT).split('\n');
    // Lines holding a key (`name:`), where edits break the mapping; a few ops pick any line.
    const keyLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w$-]+:/.test(l)).map(([, i]) => i);
    const i = pick(keyLines, line);
    const j = pick(keyLines, other);
    const text = lines[i]!;
    switch (op) {
      case 'duplicate-line':
        lines.splice(i, 0, text);
        break;
      case 'indent':
        lines[i] = ' '.repeat(amount) + text;
        break;
      case 'dedent':
        lines[i] = text.replace(/^\s+/, '').padStart(text.trim().length + Math.max(0, text.search(/\S/) - amount - 1), ' ');
        break;
      case 'tab':
        lines[i] = `\t${text}`;
        break;
      case 'truncate':
        lines.splice(i + 1);
        lines[i] = text.slice(0, Math.max(1, text.indexOf(':')));
        break;
      case 'unbalanced':
        lines[i] = text.replace(/:\s*(.*)$/, (_m, rest: string) => `: ${char}${rest}`);
        break;
      case 'colon':
        lines[i] = text.replace(':', ': x:');
        break;
      case 'separator':
        lines.splice(i, 0, '---');
        break;
      case 'directive':
        lines.splice(i, 0, '%YAML 1.1');
        break;
      case 'swap':
        if (lines[i]!.search(/\S/) === lines[j]!.search(/\S/)) lines.splice(i, 0, lines[j]!.replace(/^(\s*)/, '$1  ')), lines.splice(i, 0, '');
        else [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        break;
    }
    const label = `lines(${inFragment ? 'fragment' : 'document'}): ${op} @${i}`;
    const changed = lines.join('\n');
    return inFragment ? catalogue(DOCUMENT, { fragment: changed, strict, label }) : catalogue(changed, { strict, label });
  });

/** YAML aliases: exponential bombs, aliases inside their own anchor, undefined aliases, merge-key bombs. */
export const aliasClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    kind: fc.constantFrom('bomb', 'merge-bomb', 'recursive-seq', 'recursive-map', 'recursive-deep', 'undefined', 'bomb-in-payload', 'bomb-in-fragment'),
    width: fc.integer({ min: 6, max: 12 }),
    levels: fc.integer({ min: 4, max: 10 }),
    strict: fc.boolean(),
  })
  .map(({ kind, width, levels, strict }) => {
    const names = Array.from({ length: levels }, (_, i) => `l${i}`);
    const bomb = (indent: string): string =>
      [`${indent}l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`, ...names.slice(1).map((n, i) => `${indent}${n}: &${n} [${Array(width).fill(`*${names[i]}`).join(', ')}]`)].join('\n');
    const label = `alias: ${kind} ${width}^${levels}`;
    switch (kind) {
      case 'bomb':
        return catalogue(`${DOCUMENT}x-bomb:\n${bomb('  ')}\n`, { strict, label });
      case 'merge-bomb': {
        const lines = [`  m0: &m0 {${Array.from({ length: width }, (_, i) => `k${i}: v`).join(', ')}}`];
        for (let l = 1; l < levels; l++) lines.push(`  m${l}: &m${l}\n${Array.from({ length: width }, (_, i) => `    c${i}:\n      <<: *m${l - 1}`).join('\n')}`);
        return catalogue(`${DOCUMENT}x-merge:\n${lines.join('\n')}\n`, { strict, label });
      }
      case 'recursive-seq':
        return catalogue(`${DOCUMENT}x-loop: &loop [1, *loop]\n`, { strict, label });
      case 'recursive-map':
        return catalogue(DOCUMENT.replace('  schemas:\n', '  schemas:\n    Loop: &loop\n      type: object\n      properties:\n        self: *loop\n'), { strict, label });
      case 'recursive-deep':
        return catalogue(`${DOCUMENT}x-loop: &loop\n  a:\n    b:\n${'      c: [{d: *loop}]\n'}`, { strict, label });
      case 'undefined':
        return catalogue(DOCUMENT.replace('x-urgency: medium', 'x-urgency: *nowhere'), { strict, label });
      case 'bomb-in-payload':
        return catalogue(DOCUMENT.replace('  schemas:\n', `  schemas:\n    Bomb:\n${bomb('      ')}\n`), { strict, label });
      case 'bomb-in-fragment':
        return catalogue(DOCUMENT, { fragment: `${FRAGMENT}x-bomb:\n${bomb('  ')}\n`, strict, label });
    }
  });

function flowNest(depth: number, map: boolean): string {
  return map ? `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function blockNest(depth: number, seq: boolean, baseIndent: number): string {
  const lines: string[] = [];
  for (let d = 0; d < depth; d++) lines.push(`${' '.repeat(baseIndent + (seq ? 0 : d * 2))}${seq ? '- '.repeat(d + 1).trimEnd() : 'k:'}`);
  if (seq) return `${' '.repeat(baseIndent)}${'- '.repeat(depth)}leaf`;
  lines.push(`${' '.repeat(baseIndent + depth * 2)}leaf`);
  return lines.join('\n');
}

/** Nesting deeper than the loader's bound (100 levels), in every YAML and JSON style. */
export const deepClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    style: fc.constantFrom('flow-seq', 'flow-map', 'block-map', 'block-seq', 'json', 'schema', 'fragment'),
    depth: fc.oneof({ arbitrary: fc.integer({ min: 101, max: 400 }), weight: 4 }, { arbitrary: fc.integer({ min: 400, max: 3000 }), weight: 2 }, { arbitrary: fc.integer({ min: 3000, max: 20_000 }), weight: 1 }),
    strict: fc.boolean(),
  })
  .map(({ style, depth, strict }) => {
    const label = `deep: ${style} ${depth}`;
    switch (style) {
      case 'flow-seq':
        return catalogue(`${DOCUMENT}x-deep: ${flowNest(depth, false)}\n`, { strict, label });
      case 'flow-map':
        return catalogue(DOCUMENT.replace('count: {type: integer, minimum: 0}', `count: ${flowNest(depth, true)}`), { strict, label });
      case 'block-map':
        return catalogue(`${DOCUMENT}x-deep:\n${blockNest(Math.min(depth, 600), false, 2)}\n`, { strict, label });
      case 'block-seq':
        return catalogue(`${DOCUMENT}x-deep:\n${blockNest(Math.min(depth, 600), true, 2)}\n`, { strict, label });
      case 'json': {
        const json = JSON.stringify(BASE_DOC).replace(/}$/, `,"x-deep":${flowNest(depth, false)}}`);
        return catalogue(json, { json: true, strict, label });
      }
      case 'schema': {
        const schema = `${'{type: object, properties: {n: '.repeat(depth)}{type: string}${'}}'.repeat(depth)}`;
        return catalogue(DOCUMENT.replace('count: {type: integer, minimum: 0}', `count: ${schema}`), { strict, label });
      }
      case 'fragment':
        return catalogue(DOCUMENT, { fragment: FRAGMENT.replace('amount: {type: number, minimum: 0}', `amount: ${flowNest(depth, true)}`), strict, label });
    }
  });

const REF_PATHS = allPaths(BASE_DOC).filter((p) => p[p.length - 1] === '$ref');
const brokenRef = fc.oneof(
  fc.constantFrom(
    '#/components/schemas/Nope',
    '#/components/messages/ThingCreated/nope',
    './nope.yaml',
    './nope.yaml#/components/schemas/Money',
    './shared/types.yaml#/components/schemas/Nope',
    './shared/types.yaml#/components/schemas/Money/properties/amount/nope',
    'https://example.com/schemas.yaml#/Money',
    'file:///etc/passwd',
    'http://169.254.169.254/latest/meta-data',
    '#components/schemas/Money',
    '#/components/schemas/%zz',
    '%zz.yaml',
    './shared/%E0%A4%A.yaml#/x',
    '#/components/schemas/ThingCreatedPayload/properties/%',
    '../../../../../../nonexistent/elsewhere.yaml',
    './shared/',
    './shared',
    'shared/types.yaml#/components/schemas/Money/required/7',
    '#/components/schemas/ThingCreatedPayload/properties/~2',
  ),
  fc.string({ maxLength: 30 }).map((s) => `#/components/schemas/${s}x`),
  fc.string({ maxLength: 30 }).map((s) => `./${s}missing.yaml#/x`),
);

/** Broken `$ref`s: missing targets, remote and malformed references, reference loops. */
export const refsClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    kind: fc.constantFrom('broken', 'broken', 'broken', 'loop', 'self', 'cross-file-loop', 'fragment-broken', 'ref-anywhere'),
    at: fc.nat(),
    ref: brokenRef,
    length: fc.integer({ min: 2, max: 6 }),
    strict: fc.boolean(),
    json: fc.boolean(),
  })
  .map(({ kind, at, ref, length, strict, json }) => {
    const doc = clone(BASE_DOC) as { components: { schemas: Record<string, Json> } } & Json;
    const where = pick(REF_PATHS, at);
    switch (kind) {
      case 'broken':
        setAt(doc, where, ref);
        return catalogue(serialise(doc, json), { json, strict, label: `ref ${where.join('.')} = ${ref}` });
      case 'ref-anywhere': {
        const objects = objectPaths(doc);
        const target = pick(objects, at);
        setOwn(getAt(doc, target) as Record<string, Json>, '$ref', ref);
        return catalogue(serialise(doc, json), { json, strict, label: `ref added at ${target.join('.')} = ${ref}` });
      }
      case 'loop': {
        for (let i = 0; i < length; i++) doc.components.schemas[`L${i}`] = { $ref: `#/components/schemas/L${(i + 1) % length}` };
        setAt(doc, where, '#/components/schemas/L0');
        return catalogue(serialise(doc, json), { json, strict, label: `ref loop of ${length} at ${where.join('.')}` });
      }
      case 'self':
        setAt(doc, where, `#/${where.map(String).slice(0, -1).join('/')}`);
        return catalogue(serialise(doc, json), { json, strict, label: `self ref at ${where.join('.')}` });
      case 'cross-file-loop': {
        doc.components.schemas.Back = { $ref: './shared/types.yaml#/components/schemas/Money' };
        const fragment = FRAGMENT.replace("    Money:\n      type: object\n", `    Money:\n      $ref: '../${DOCUMENT_FILE}#/components/schemas/Back'\n    Unused:\n      type: object\n`);
        setAt(doc, where, '#/components/schemas/Back');
        return catalogue(serialise(doc, false), { fragment, strict, label: `loop across files at ${where.join('.')}` });
      }
      case 'fragment-broken':
        return catalogue(DOCUMENT, { fragment: FRAGMENT.replace('Money:', 'Mony:'), strict, label: 'fragment renamed a referenced schema' });
    }
  });

/** The `asyncapi` field deleted, retyped, or naming a version that is not supported. */
export const headerClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    value: fc.oneof(
      fc.constantFrom<Json | undefined>(undefined, 3, 3.0, 2.6, null, true, [], {}, '', '1.2.0', '2.0.0', '2.5.0', '3.1.0', '4.0.0', '3.0', 'v3.0.0', '3.0.0-rc1', ['3.0.0'], { version: '3.0.0' }),
      fc.string({ maxLength: 10 }),
    ),
    json: fc.boolean(),
    strict: fc.boolean(),
  })
  .map(({ value, json, strict }) => {
    const doc = clone(BASE_DOC) as Record<string, Json>;
    if (value === undefined) delete doc.asyncapi;
    else doc.asyncapi = value;
    // A valid version string would make this an ordinary document; the class is about broken headers.
    if (typeof doc.asyncapi === 'string' && /^(3\.0\.\d+|2\.6\.\d+)$/.test(doc.asyncapi)) doc.asyncapi = `${doc.asyncapi}x`;
    return catalogue(serialise(doc, json), { json, strict, label: `asyncapi = ${JSON.stringify(value)}` });
  });

/** `__proto__` keys anywhere (as own keys, the way a YAML file spells them) and schema formats that cannot be turned into validators. */
export const forbiddenClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    kind: fc.constantFrom('proto', 'proto', 'schema-format'),
    at: fc.nat(),
    format: fc.oneof(fc.constantFrom('application/vnd.apache.avro;version=1.9.0', 'application/raml+yaml;version=1.0', 'application/vnd.google.protobuf;version=3', 'text/plain'), fc.string({ maxLength: 12 })),
    json: fc.boolean(),
    strict: fc.boolean(),
  })
  .map(({ kind, at, format, json, strict }) => {
    const doc = clone(BASE_DOC);
    const target = pick(objectPaths(doc), at);
    const node = getAt(doc, target) as Record<string, Json>;
    if (kind === 'proto') setOwn(node, '__proto__', { polluted: true });
    // A format the loader accepts would make this an ordinary document.
    else setOwn(node, 'schemaFormat', /^application\/(vnd\.aai\.asyncapi|schema)/.test(format) ? `${format}x` : format);
    return catalogue(serialise(doc, json), { json, strict, label: `${kind} at ${target.join('.') || '/'}` });
  });

/** Whole files of random bytes or text, with or without a leading `asyncapi:` line. */
export const randomFileClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({
    body: fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8'))),
    header: fc.constantFrom('', 'asyncapi: 3.0.0\n', 'asyncapi: 3.0.0\ncomponents:\n  ', '{"asyncapi": "3.0.0", '),
    json: fc.boolean(),
    strict: fc.boolean(),
    asFragment: fc.boolean(),
  })
  .map(({ body, header, json, strict, asFragment }) => {
    const bytes = Buffer.concat([Buffer.from(header), Buffer.from(body)]);
    const label = `random ${bytes.length} bytes${asFragment ? ' (fragment)' : ''} after ${JSON.stringify(header)}`;
    return asFragment ? catalogue(DOCUMENT, { fragment: bytes, strict, label }) : catalogue(bytes, { json, strict, label });
  });

/** `$ref`s inside data (examples, extensions) that point at an object containing them, or at another message. */
export const dataRefsClass: fc.Arbitrary<MutatedCatalogue> = fc
  .record({ at: fc.nat(), target: fc.nat(), strict: fc.boolean(), json: fc.boolean() })
  .map(({ at, target, strict, json }) => {
    const doc = clone(BASE_DOC);
    const dataPaths = allPaths(doc).filter((p) => (p.includes('examples') || String(p[p.length - 1]).startsWith('x-')) && getAt(doc, p) !== null && typeof getAt(doc, p) === 'object');
    const where = pick(dataPaths, at);
    const ancestors = where.map((_s, i) => where.slice(0, i)).filter((p) => p.length > 0);
    const targets = [...ancestors, ['components', 'messages', 'ThingCreated'], ['components', 'messages', 'ThingAlert'], ['channels']];
    const to = pick(targets, target);
    const node = getAt(doc, where);
    const ref = { $ref: `#/${to.map(String).join('/')}` };
    if (Array.isArray(node)) node.push(ref);
    else setOwn(node as Record<string, Json>, 'loop', ref);
    return catalogue(serialise(doc, json), { json, strict, label: `data ref at ${where.join('.')} → ${ref.$ref}` });
  });

/**
 * Whether some file of the catalogue is not valid YAML (as the loader's YAML library reads it, with
 * the same options): such a catalogue is refused before the AsyncAPI parser runs. Text and byte
 * edits that leave the YAML valid are the expensive variants of those classes.
 */
export function breaksYaml(catalogue: MutatedCatalogue): boolean {
  return Object.values(catalogue.files).some((content) => {
    const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
    try {
      return parseDocument(text, { uniqueKeys: true, strict: true }).errors.length > 0;
    } catch {
      return true;
    }
  });
}

/** Rejected by the loader's own checks, before the AsyncAPI parser (or mostly so: the test counts). */
export const CHEAP_CLASSES = {
  'text-bytes': textBytesClass.filter(breaksYaml),
  'text-structure': textStructureClass.filter(breaksYaml),
  alias: aliasClass,
  deep: deepClass,
  refs: refsClass,
  header: headerClass,
  forbidden: forbiddenClass,
  'random-file': randomFileClass.filter(breaksYaml),
} as const;

/** Reach the AsyncAPI parser: run at lower counts, several workers at once. */
export const EXPENSIVE_CLASSES = {
  structure: structureClass,
  'text-bytes (valid YAML)': textBytesClass.filter((c) => !breaksYaml(c)),
  'text-structure (valid YAML)': textStructureClass.filter((c) => !breaksYaml(c)),
  'random-file (valid YAML)': randomFileClass.filter((c) => !breaksYaml(c)),
  'data-refs': dataRefsClass,
} as const;

export const CLASSES = { ...CHEAP_CLASSES, ...EXPENSIVE_CLASSES };

export type CheapClass = keyof typeof CHEAP_CLASSES;
export type ExpensiveClass = keyof typeof EXPENSIVE_CLASSES;
export type ClassName = CheapClass | ExpensiveClass;
