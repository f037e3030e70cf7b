/**
 * A payload JSON Schema as a tree of field rows: what the docs' payload tables show. References
 * into the catalogue's definitions are followed (and named), `allOf` parts are merged, and a
 * definition that contains itself is shown once and then marked recursive instead of expanded.
 */
import type { Catalog, JsonSchema, JsonSchemaObject, JsonValue } from '../model/catalog.js';
import { constraintsOf, type Constraint } from './constraints.js';

export interface FieldRow {
  /** Property name; `[n]` for tuple items, `option n` for oneOf/anyOf, `*` for other keys. */
  name: string;
  /** Path from the payload root, e.g. `lines[].sku`; unique within one payload. */
  path: string;
  /** e.g. `string`, `integer | null`, `array of Money`, `object`. */
  type: string;
  /** Definition the schema comes from, shown beside the type. */
  ref?: string;
  required: boolean;
  constraints: Constraint[];
  description?: string;
  /** Fields of a nested object, of an array's object items, or the options of a union. */
  children: FieldRow[];
  /** The definition contains itself: its fields are listed further up the tree. */
  recursive: boolean;
}

type Definitions = Catalog['definitions'];
const MODEL_REF = /^#\/\$defs\/(.+)$/;

/** The rows of a payload: its properties, or one `(payload)` row when it is not an object. */
export function payloadFields(schema: JsonSchema, definitions: Definitions): FieldRow[] {
  const root = describe(schema, definitions, [], '', '', true);
  if (root.children.length > 0 && root.type === 'object') return root.children;
  return [{ ...root, name: '(payload)', path: '(payload)' }];
}

interface Resolved {
  schema: JsonSchemaObject;
  ref?: string;
}

/** Follows `$ref`s; keywords beside a `$ref` (a description, say) override the definition's. */
function resolve(schema: JsonSchema, definitions: Definitions): Resolved {
  let current: JsonSchemaObject = typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : schema;
  let ref: string | undefined;
  for (let hops = 0; hops < 32; hops++) {
    const target = typeof current.$ref === 'string' ? MODEL_REF.exec(current.$ref)?.[1] : undefined;
    const definition = target === undefined ? undefined : definitions[target];
    if (target === undefined || definition === undefined) break;
    const { $ref: _ignored, ...siblings } = current;
    ref ??= target;
    current = { ...(typeof definition === 'boolean' ? {} : definition), ...siblings };
  }
  return ref === undefined ? { schema: current } : { schema: current, ref };
}

/** `allOf` as one schema: properties and required lists joined; for other keywords the first wins. */
function mergeAllOf(schema: JsonSchemaObject, definitions: Definitions): JsonSchemaObject {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const properties: Record<string, JsonValue> = {};
  const required = new Set<string>();
  let merged: JsonSchemaObject = {};
  // The schema's own keywords (its description, say) come first and so win over the parts'.
  for (const part of [rest, ...(allOf as JsonSchema[]).map((p) => mergeAllOf(resolve(p, definitions).schema, definitions))]) {
    Object.assign(properties, isObject(part.properties) ? part.properties : {});
    for (const name of Array.isArray(part.required) ? part.required : []) if (typeof name === 'string') required.add(name);
    merged = { ...part, ...merged };
  }
  if (Object.keys(properties).length === 0) return merged;
  return { ...merged, properties, required: [...required] };
}

function describe(schema: JsonSchema, definitions: Definitions, stack: readonly string[], parentPath: string, name: string, required: boolean): FieldRow {
  const { schema: raw, ref } = resolve(schema, definitions);
  const path = parentPath === '' ? name : name.startsWith('[') ? `${parentPath}${name}` : `${parentPath}.${name}`;
  const row: FieldRow = { name, path, type: 'any', required, constraints: [], children: [], recursive: false };
  if (ref !== undefined) row.ref = ref;
  if (typeof schema === 'boolean') row.type = schema ? 'any' : 'nothing';
  const s = mergeAllOf(raw, definitions);
  const description = typeof s.description === 'string' ? s.description : typeof s.title === 'string' ? s.title : undefined;
  if (description !== undefined) row.description = description;
  row.constraints = constraintsOf(s);
  if (s.deprecated === true) row.constraints.push({ label: 'deprecated', values: [] });
  if (typeof schema !== 'boolean') row.type = typeLabel(s, definitions);
  if (ref !== undefined && stack.includes(ref)) {
    row.recursive = true;
    return row;
  }
  const inner = ref === undefined ? stack : [...stack, ref];
  row.children = childrenOf(s, definitions, inner, path, row);
  return row;
}

function childrenOf(s: JsonSchemaObject, definitions: Definitions, stack: readonly string[], path: string, row: FieldRow): FieldRow[] {
  const children: FieldRow[] = [];
  if (isObject(s.properties)) {
    const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
    for (const [key, child] of Object.entries(s.properties)) children.push(describe(asSchema(child), definitions, stack, path, key, required.has(key)));
  }
  if (isObject(s.additionalProperties)) children.push(describe(asSchema(s.additionalProperties), definitions, stack, path, '*', false));
  if (Array.isArray(s.items)) {
    s.items.forEach((item, i) => children.push(describe(asSchema(item), definitions, stack, path, `[${i}]`, true)));
  } else if (s.items !== undefined) {
    const items = describe(asSchema(s.items), definitions, stack, path, '[]', true);
    // An array of objects lists the objects' fields; an array of scalars shows their constraints.
    if (items.children.length > 0 || items.recursive) {
      if (items.recursive) row.recursive = true;
      children.push(...items.children);
    }
    row.constraints.push(...items.constraints.map((c) => ({ label: `each: ${c.label}`, values: c.values })));
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = s[keyword];
    if (Array.isArray(options)) options.forEach((option, i) => children.push(describe(asSchema(option), definitions, stack, path, `option ${i + 1}`, false)));
  }
  return children;
}

function typeLabel(s: JsonSchemaObject, definitions: Definitions): string {
  if (typeof s.type === 'string') return s.type === 'array' ? arrayLabel(s, definitions) : s.type;
  if (Array.isArray(s.type)) return s.type.map((t) => (t === 'array' ? arrayLabel(s, definitions) : String(t))).join(' | ');
  if (isObject(s.properties)) return 'object';
  if (s.items !== undefined) return arrayLabel(s, definitions);
  const values = Array.isArray(s.enum) ? s.enum : 'const' in s ? [s.const ?? null] : undefined;
  if (values) return [...new Set(values.map(jsonType))].join(' | ');
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const options = s[keyword];
    if (Array.isArray(options)) return options.map((o) => shortLabel(asSchema(o), definitions)).join(' | ');
  }
  return 'any';
}

function arrayLabel(s: JsonSchemaObject, definitions: Definitions): string {
  if (Array.isArray(s.items)) return 'tuple';
  return s.items === undefined ? 'array' : `array of ${shortLabel(asSchema(s.items), definitions)}`;
}

/** A definition's name if the schema is a reference, else its type. */
function shortLabel(schema: JsonSchema, definitions: Definitions): string {
  const { schema: s, ref } = resolve(schema, definitions);
  return ref ?? (typeof schema === 'boolean' ? 'any' : typeLabel(mergeAllOf(s, definitions), definitions));
}

function jsonType(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSchema(value: JsonValue): JsonSchema {
  return typeof value === 'boolean' || isObject(value) ? value : {};
}
