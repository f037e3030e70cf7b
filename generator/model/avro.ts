/**
 * Avro schemas (Apache Avro 1.9+ specification) read into a small typed graph: named types are
 * resolved against their namespaces, and a name used again (recursion included) is the same node.
 * The loader turns the graph into the model's JSON Schema; the compatibility checker compares two
 * graphs by Avro's schema resolution rules. Every node keeps its JSON pointer in the schema as
 * written, so problems and changes point at a line.
 */
import type { JsonValue } from './catalog.js';

/** The `schemaFormat` values of Avro that AsyncAPI lists (`+json` / `+yaml` spell how the schema is written). */
export const AVRO_SCHEMA_FORMAT = /^application\/vnd\.apache\.avro(\+json|\+yaml)?(;version=[\w.-]+)?$/;

export const AVRO_PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type AvroPrimitive = (typeof AVRO_PRIMITIVES)[number];

interface Base {
  /** JSON pointer of the node inside the schema as written (for a named type used by name: where it is defined). */
  pointer: string[];
  logicalType?: string;
  /** The attributes written on the type (precision, scale, …), for logical types. */
  attributes: Record<string, JsonValue>;
  doc?: string;
}

export interface AvroNamed extends Base {
  fullname: string;
  /** The name without its namespace. */
  name: string;
  aliases: string[];
}

export type AvroNode =
  | (Base & { kind: 'primitive'; type: AvroPrimitive })
  | (AvroNamed & { kind: 'record'; fields: AvroField[] })
  | (AvroNamed & { kind: 'enum'; symbols: string[]; default?: string })
  | (AvroNamed & { kind: 'fixed'; size: number })
  | (Base & { kind: 'array'; items: AvroNode })
  | (Base & { kind: 'map'; values: AvroNode })
  | (Base & { kind: 'union'; branches: AvroNode[] });

export interface AvroField {
  name: string;
  aliases: string[];
  type: AvroNode;
  hasDefault: boolean;
  default?: JsonValue;
  doc?: string;
  pointer: string[];
}

export interface AvroProblem {
  pointer: string[];
  message: string;
  hint: string;
}

export interface AvroGraph {
  root: AvroNode;
  /** Named types by full name, in the order they are defined. */
  named: Map<string, AvroNode & AvroNamed>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads `schema` (an Avro schema as JSON data); problems are returned with their pointers, the first one stops the read. */
export function readAvroSchema(schema: unknown): { graph: AvroGraph } | { problem: AvroProblem } {
  const named = new Map<string, AvroNode & AvroNamed>();
  try {
    const root = readType(schema, '', [], named);
    return { graph: { root, named } };
  } catch (error) {
    if (error instanceof AvroSchemaError) return { problem: error.problem };
    throw error;
  }
}

class AvroSchemaError extends Error {
  constructor(readonly problem: AvroProblem) {
    super(problem.message);
  }
}

function fail(pointer: string[], message: string, hint: string): never {
  throw new AvroSchemaError({ pointer, message, hint });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(name: string): name is AvroPrimitive {
  return (AVRO_PRIMITIVES as readonly string[]).includes(name);
}

/** The full name of `name` written inside `namespace` (a dotted name is already full). */
export function qualify(name: string, namespace: string): string {
  return name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
}

function namespaceOf(fullname: string): string {
  const dot = fullname.lastIndexOf('.');
  return dot === -1 ? '' : fullname.slice(0, dot);
}

function readType(value: unknown, namespace: string, pointer: string[], named: Map<string, AvroNode & AvroNamed>): AvroNode {
  if (typeof value === 'string') {
    if (isPrimitive(value)) return { kind: 'primitive', type: value, pointer, attributes: {} };
    const found = named.get(qualify(value, namespace)) ?? named.get(value);
    if (found) return found;
    return fail(pointer, `Avro type '${value}' is not defined`, 'Define the named type (record, enum or fixed) before it is used, or write its full name with the namespace.');
  }
  if (Array.isArray(value)) {
    const branches = value.map((item, i) => readType(item, namespace, [...pointer, String(i)], named));
    if (branches.some((b) => b.kind === 'union')) fail(pointer, 'an Avro union cannot contain another union directly', 'Flatten the nested union into one list of types.');
    const seen = new Set<string>();
    for (const [i, branch] of branches.entries()) {
      const key = branch.kind === 'primitive' ? branch.type : 'fullname' in branch ? branch.fullname : branch.kind;
      if (seen.has(key)) fail([...pointer, String(i)], `the Avro union has '${key}' twice`, 'A union may hold each type (and each named type) only once.');
      seen.add(key);
    }
    return { kind: 'union', branches, pointer, attributes: {} };
  }
  if (!isObject(value)) return fail(pointer, 'an Avro schema must be a type name, a list of types (a union) or an object with a `type`', 'Write e.g. `"string"`, `["null", "string"]` or `{"type": "record", …}`.');
  if (typeof value.$ref === 'string') return fail(pointer, 'Avro schemas do not use $ref inside', 'Define the type once and use it by its name; a whole schema may be a $ref to a .avsc file.');
  const type = value.type;
  const attributes = Object.fromEntries(Object.entries(value).filter(([k]) => !['type', 'name', 'namespace', 'fields', 'symbols', 'items', 'values', 'size', 'aliases', 'doc', 'default'].includes(k))) as Record<string, JsonValue>;
  const logicalType = typeof value.logicalType === 'string' ? value.logicalType : undefined;
  const doc = typeof value.doc === 'string' ? value.doc : undefined;
  const common = { pointer, attributes, ...(logicalType ? { logicalType } : {}), ...(doc !== undefined ? { doc } : {}) };
  if (typeof type !== 'string') {
    if (type === undefined) fail(pointer, "an Avro schema object needs a 'type'", "Add `type` (e.g. 'record', 'enum', 'array', 'map', 'fixed' or a primitive).");
    // `{"type": {"type": "string"}}` or `{"type": ["null", "string"]}`: the attributes are those of the inner type.
    return readType(type, namespace, [...pointer, 'type'], named);
  }
  switch (type) {
    case 'record':
    case 'error': {
      const base = namedBase(value, namespace, pointer, named);
      const node: AvroNode & AvroNamed = { kind: 'record', ...common, ...base, fields: [] };
      named.set(base.fullname, node);
      if (!Array.isArray(value.fields)) fail(pointer, `Avro record '${base.fullname}' needs a list of 'fields'`, 'Add `fields: [{name, type}, …]` (an empty list is allowed).');
      const inner = namespaceOf(base.fullname);
      const names = new Set<string>();
      value.fields.forEach((field: unknown, i: number) => {
        const at = [...pointer, 'fields', String(i)];
        if (!isObject(field) || typeof field.name !== 'string' || !NAME.test(field.name)) fail(at, 'an Avro field needs a name made of letters, digits and _', 'Write each field as `{name, type}` with a name such as `order_id`.');
        if (names.has(field.name)) fail([...at, 'name'], `field '${field.name}' is declared twice in record '${base.fullname}'`, 'Give each field of a record its own name.');
        names.add(field.name);
        if (field.type === undefined) fail(at, `field '${field.name}' has no type`, 'Add `type` to the field.');
        const fieldType = readType(field.type, inner, [...at, 'type'], named);
        const f: AvroField = { name: field.name, aliases: stringList(field.aliases), type: fieldType, hasDefault: field.default !== undefined, pointer: at };
        if (field.default !== undefined) f.default = field.default as JsonValue;
        if (typeof field.doc === 'string') f.doc = field.doc;
        (node as { fields: AvroField[] }).fields.push(f);
      });
      return node;
    }
    case 'enum': {
      const base = namedBase(value, namespace, pointer, named);
      const symbols = stringList(value.symbols);
      if (!Array.isArray(value.symbols) || symbols.length !== value.symbols.length) fail(pointer, `Avro enum '${base.fullname}' needs 'symbols', a list of names`, 'Add `symbols: [A, B, …]`.');
      const bad = symbols.find((s) => !NAME.test(s));
      if (bad !== undefined) fail([...pointer, 'symbols'], `enum symbol '${bad}' is not an Avro name`, 'Symbols are made of letters, digits and _ and do not start with a digit.');
      if (new Set(symbols).size !== symbols.length) fail([...pointer, 'symbols'], `Avro enum '${base.fullname}' lists a symbol twice`, 'List each symbol once.');
      const node: AvroNode & AvroNamed = { kind: 'enum', ...common, ...base, symbols };
      if (typeof value.default === 'string') {
        if (!symbols.includes(value.default)) fail([...pointer, 'default'], `enum default '${value.default}' is not one of its symbols`, 'The default of an enum must be one of its symbols.');
        (node as { default?: string }).default = value.default;
      }
      named.set(base.fullname, node);
      return node;
    }
    case 'fixed': {
      const base = namedBase(value, namespace, pointer, named);
      if (typeof value.size !== 'number' || !Number.isInteger(value.size) || value.size < 0) fail(pointer, `Avro fixed '${base.fullname}' needs a 'size', a whole number of bytes`, 'Add e.g. `size: 16`.');
      const node: AvroNode & AvroNamed = { kind: 'fixed', ...common, ...base, size: value.size };
      named.set(base.fullname, node);
      return node;
    }
    case 'array':
      if (value.items === undefined) fail(pointer, "an Avro array needs 'items'", 'Add `items` with the type of the elements.');
      return { kind: 'array', ...common, items: readType(value.items, namespace, [...pointer, 'items'], named) };
    case 'map':
      if (value.values === undefined) fail(pointer, "an Avro map needs 'values'", 'Add `values` with the type of the values (keys are strings).');
      return { kind: 'map', ...common, values: readType(value.values, namespace, [...pointer, 'values'], named) };
    default:
      if (isPrimitive(type)) return { kind: 'primitive', type, ...common };
      // `{"type": "com.acme.Money"}`: a named type used by name.
      return readType(type, namespace, [...pointer, 'type'], named);
  }
}

function namedBase(value: Record<string, unknown>, namespace: string, pointer: string[], named: Map<string, AvroNode>): Pick<AvroNamed, 'fullname' | 'name' | 'aliases'> {
  if (typeof value.name !== 'string' || value.name === '') fail(pointer, `an Avro ${String(value.type)} needs a 'name'`, 'Add `name`; records, enums and fixed types are named.');
  const ns = typeof value.namespace === 'string' && !value.name.includes('.') ? value.namespace : namespace;
  const fullname = qualify(value.name, ns);
  const parts = fullname.split('.');
  if (!parts.every((p) => NAME.test(p))) fail([...pointer, 'name'], `'${fullname}' is not an Avro full name`, 'Names are made of letters, digits and _, namespaces are such names joined with dots.');
  if (isPrimitive(parts[parts.length - 1]!) && parts.length === 1) fail([...pointer, 'name'], `'${fullname}' is the name of a primitive type`, 'Choose another name.');
  if (named.has(fullname)) fail([...pointer, 'name'], `Avro type '${fullname}' is defined twice`, 'Define a named type once and use it by its name afterwards.');
  const inner = namespaceOf(fullname);
  return { fullname, name: parts[parts.length - 1]!, aliases: stringList(value.aliases).map((a) => qualify(a, inner)) };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A short name of a node's type for messages: `int`, `record com.acme.Order`, `union[null, string]`. */
export function describeAvro(node: AvroNode): string {
  switch (node.kind) {
    case 'primitive':
      return node.logicalType ? `${node.type} (${node.logicalType})` : node.type;
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.kind} ${node.fullname}`;
    case 'array':
      return `array<${describeAvro(node.items)}>`;
    case 'map':
      return `map<${describeAvro(node.values)}>`;
    case 'union':
      return node.branches.map((b) => describeAvro(b)).join(' | ');
  }
}
