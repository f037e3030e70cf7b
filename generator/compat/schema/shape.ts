/** Reading JSON Schema keywords the way the comparison needs them: references followed, absence and "anything" told apart. */
import type { JsonSchema, JsonSchemaObject, JsonValue } from '../../model/catalog.js';
import type { Definitions } from './context.js';

const MODEL_REF = /^#\/\$defs\/(.+)$/;
/** Keywords that never change which documents are valid. */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'example', '$comment', '$id', '$schema', 'deprecated', 'readOnly', 'writeOnly', 'nullable']);
export const COMBINATORS = ['allOf', 'anyOf', 'oneOf'] as const;
export type Combinator = (typeof COMBINATORS)[number];

/** Follows model references (`#/$defs/Name`); an unknown name reads as "anything", as a validator that cannot resolve it would not reject. */
export function deref(schema: JsonSchema, definitions: Definitions): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 64 && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    const match = MODEL_REF.exec(current.$ref);
    const target = match ? definitions[match[1]!] : undefined;
    if (target === undefined) return true;
    current = target;
  }
  return current;
}

export function asSchema(value: JsonValue | undefined): JsonSchema | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  return undefined;
}

export function asObject(schema: JsonSchema): JsonSchemaObject {
  return typeof schema === 'object' ? schema : {};
}

/** `true`, `{}`, or only annotations and `x-` extensions: every document is valid. */
export function isUnconstrained(schema: JsonSchema): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  return Object.keys(schema).every((key) => (ANNOTATIONS.has(key) && !(key === 'nullable' && schema.nullable === true)) || key.startsWith('x-'));
}

/** A schema that is one combinator and nothing else (annotations aside), as Confluent's CombinedSchema. */
export function pureCombinator(schema: JsonSchemaObject): Combinator | undefined {
  const keys = Object.keys(schema).filter((key) => !ANNOTATIONS.has(key) && !key.startsWith('x-'));
  const only = keys.length === 1 ? keys[0] : undefined;
  return COMBINATORS.find((c) => c === only && Array.isArray(schema[c]) && schema[c].length > 0);
}

/** Keywords by which a registry's schema loader recognises an object, array, string or number schema without `type`. */
const SNIFFED: readonly (readonly string[])[] = [
  ['properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties'],
  ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'unevaluatedItems'],
  ['minLength', 'maxLength', 'pattern', 'format'],
  ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
];

/**
 * How many schemas a registry's loader (everit, as Confluent uses it) reads this one as: one per
 * keyword group present (`enum`, each of `allOf` / `anyOf` / `oneOf`, `not`, `const`, and the typed
 * part: `type`, or each type whose keywords appear without it). Several are an implicit allOf of
 * them, which the registry never matches with a schema read as one: a group added or removed next
 * to others (an `enum` dropped from `type: string`, a `oneOf` added to an object) changes the type.
 */
export function registryParts(schema: JsonSchemaObject): number {
  let parts = 0;
  if (Array.isArray(schema.enum)) parts++;
  for (const c of COMBINATORS) if (Array.isArray(schema[c]) && schema[c].length > 0) parts++;
  if (asSchema(schema.not) !== undefined) parts++;
  if (schema.const !== undefined) parts++;
  if (schema.type !== undefined) parts++;
  else for (const keywords of SNIFFED) if (keywords.some((k) => schema[k] !== undefined)) parts++;
  return parts;
}

export function schemaList(value: JsonValue | undefined): JsonSchema[] {
  return Array.isArray(value) ? value.map((v) => asSchema(v) ?? true) : [];
}

export function schemaMap(value: JsonValue | undefined): Record<string, JsonSchema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, JsonSchema> = {};
  for (const [key, child] of Object.entries(value)) {
    const schema = asSchema(child);
    if (schema !== undefined) out[key] = schema;
  }
  return out;
}

export function numberAt(schema: JsonSchemaObject, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** JSON text with sorted keys: equal values give equal text. */
export function canonical(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k]!)]));
}

const REGEX_CACHE = new Map<string, RegExp | null>();

/** Does a patternProperties pattern match a name? An invalid pattern matches nothing. */
export function patternMatches(pattern: string, name: string): boolean {
  let regex = REGEX_CACHE.get(pattern);
  if (regex === undefined) {
    regex = compile(pattern);
    REGEX_CACHE.set(pattern, regex);
  }
  return regex?.test(name) ?? false;
}

function compile(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return null;
    }
  }
}
