/**
 * A fast, conservative first pass over catalogue examples. Compiling an ajv validator costs about
 * a millisecond per schema, and each example schema is used once or twice, so on a catalogue of a
 * thousand events compiling was most of the cost of the checks. This interpreter answers `true`
 * only when it is certain that ajv (draft-07, `strict: false`, ajv-formats' full formats) accepts the
 * example; for any keyword, format or shape it does not model exactly, and for every failure, it
 * answers `false`, and the caller then compiles the ajv validator as before. So results and
 * messages are ajv's, always; only the examples that pass the interpreter skip the compile.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import type { JsonSchema, JsonSchemaObject } from './catalog.js';

// CommonJS default export, as TypeScript sees it from an ES module.
const ucs2length = ((ucs2lengthModule as unknown as { default?: (s: string) => number }).default ?? ucs2lengthModule) as unknown as (s: string) => number;

/** Keywords that do not constrain the instance (x-… extensions are ignored by ajv too). */
const ANNOTATIONS = new Set(['$schema', '$comment', 'title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', 'definitions']);
const MAX_DEPTH = 64;
const DEFINITION_REF = /^#\/definitions\/([^/~%]+)$/;

type Verdict = boolean;

/**
 * True only when ajv would surely compile the standalone schema `root` without an error and accept
 * `data` against it. The whole schema is checked, not only the parts the example reaches: a schema
 * ajv cannot compile (a bad pattern in a property the example leaves out, say) must still reach ajv,
 * whose error is reported.
 */
export function surelyValid(root: JsonSchemaObject, data: unknown): boolean {
  const definitions = root.definitions;
  const defs = typeof definitions === 'object' && definitions !== null && !Array.isArray(definitions) ? (definitions as Record<string, JsonSchema>) : {};
  try {
    return wellFormed(root, defs, new Set()) && valid(root, data, defs, 0);
  } catch {
    return false;
  }
}

const NUMBER_KEYWORDS = new Set(['minProperties', 'maxProperties', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);
const TYPES = new Set(['object', 'array', 'string', 'boolean', 'null', 'number', 'integer']);

/** Every keyword of `schema` (and of every schema inside it or referenced from it) is one this module models, with a value of the right shape. */
function wellFormed(schema: JsonSchema, defs: Record<string, JsonSchema>, seen: Set<string>): boolean {
  if (typeof schema === 'boolean') return true;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
    if (NUMBER_KEYWORDS.has(keyword)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      continue;
    }
    switch (keyword) {
      case 'type':
        if (!(Array.isArray(value) ? value.length > 0 && value.every((t) => typeof t === 'string' && TYPES.has(t)) : typeof value === 'string' && TYPES.has(value))) return false;
        break;
      case '$ref': {
        const match = typeof value === 'string' ? DEFINITION_REF.exec(value) : null;
        if (!match || !Object.prototype.hasOwnProperty.call(defs, match[1]!)) return false;
        if (!seen.has(match[1]!)) {
          seen.add(match[1]!);
          if (!wellFormed(defs[match[1]!]!, defs, seen)) return false;
        }
        break;
      }
      case 'enum':
        if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) return false;
        break;
      case 'const':
        if (!isScalar(value)) return false;
        break;
      case 'properties':
        if (!isObject(value)) return false;
        for (const [name, sub] of Object.entries(value)) {
          if (name in Object.prototype || name === '__proto__' || !wellFormed(sub as JsonSchema, defs, seen)) return false;
        }
        break;
      case 'required':
        if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) return false;
        break;
      case 'additionalProperties':
      case 'items':
        if (Array.isArray(value) || (keyword === 'additionalProperties' && schema.patternProperties !== undefined) || !wellFormed(value as JsonSchema, defs, seen)) return false;
        break;
      case 'uniqueItems':
        if (typeof value !== 'boolean') return false;
        break;
      case 'pattern':
        if (typeof value !== 'string') return false;
        new RegExp(value, 'u'); // throws, and surelyValid says false, when ajv would not compile it either
        break;
      case 'format':
        if (typeof value !== 'string' || !Object.prototype.hasOwnProperty.call(fullFormats, value)) return false;
        break;
      case 'multipleOf':
        if (typeof value !== 'number' || !(value > 0)) return false;
        break;
      case 'allOf':
      case 'anyOf':
        if (!Array.isArray(value) || value.length === 0 || !value.every((branch) => wellFormed(branch as JsonSchema, defs, seen))) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function valid(schema: JsonSchema, data: unknown, defs: Record<string, JsonSchema>, depth: number): Verdict {
  if (schema === true) return true;
  if (schema === false || typeof schema !== 'object' || schema === null || Array.isArray(schema) || depth > MAX_DEPTH) return false;
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
    if (!check(keyword, value, schema, data, defs, depth)) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function hasType(type: unknown, data: unknown): Verdict {
  switch (type) {
    case 'object':
      return isObject(data);
    case 'array':
      return Array.isArray(data);
    case 'string':
      return typeof data === 'string';
    case 'boolean':
      return typeof data === 'boolean';
    case 'null':
      return data === null;
    case 'number':
      return typeof data === 'number' && Number.isFinite(data);
    case 'integer':
      return Number.isInteger(data);
    default:
      return false;
  }
}

function check(keyword: string, value: unknown, schema: JsonSchemaObject, data: unknown, defs: Record<string, JsonSchema>, depth: number): Verdict {
  switch (keyword) {
    case 'type':
      return Array.isArray(value) ? value.some((t) => hasType(t, data)) : hasType(value, data);
    case '$ref': {
      const match = typeof value === 'string' ? DEFINITION_REF.exec(value) : null;
      if (!match || !Object.prototype.hasOwnProperty.call(defs, match[1]!)) return false;
      return valid(defs[match[1]!]!, data, defs, depth + 1);
    }
    case 'enum':
      return Array.isArray(value) && isScalar(data) && value.some((v) => isScalar(v) && v === data);
    case 'const':
      return isScalar(value) && value === data;
    case 'properties': {
      if (!isObject(value)) return false;
      if (!isObject(data)) return true;
      for (const [name, sub] of Object.entries(value)) {
        // A name that objects inherit (e.g. `constructor`) is "present" for ajv even when absent.
        if (name in Object.prototype || name === '__proto__') return false;
        if (Object.prototype.hasOwnProperty.call(data, name) && data[name] !== undefined && !valid(sub as JsonSchema, data[name], defs, depth + 1)) return false;
      }
      return true;
    }
    case 'required':
      if (!Array.isArray(value)) return false;
      if (!isObject(data)) return true;
      return value.every((name) => typeof name === 'string' && Object.prototype.hasOwnProperty.call(data, name) && data[name] !== undefined);
    case 'additionalProperties': {
      if (!isObject(data)) return true;
      if (schema.patternProperties !== undefined) return false;
      const declared = isObject(schema.properties) ? schema.properties : {};
      const extra = Object.keys(data).filter((key) => !Object.prototype.hasOwnProperty.call(declared, key));
      if (value === true) return true;
      if (value === false) return extra.length === 0;
      return extra.every((key) => valid(value as JsonSchema, data[key], defs, depth + 1));
    }
    case 'minProperties':
    case 'maxProperties': {
      if (typeof value !== 'number') return false;
      if (!isObject(data)) return true;
      const n = Object.keys(data).length;
      return keyword === 'minProperties' ? n >= value : n <= value;
    }
    case 'items':
      if (Array.isArray(value)) return false;
      if (!Array.isArray(data)) return true;
      return data.every((item) => valid(value as JsonSchema, item, defs, depth + 1));
    case 'minItems':
    case 'maxItems':
      if (typeof value !== 'number') return false;
      if (!Array.isArray(data)) return true;
      return keyword === 'minItems' ? data.length >= value : data.length <= value;
    case 'uniqueItems':
      if (value === false) return true;
      if (value !== true) return false;
      if (!Array.isArray(data)) return true;
      return data.every(isScalar) && new Set(data.map((item) => `${typeof item}:${String(item)}`)).size === data.length;
    case 'minLength':
    case 'maxLength': {
      if (typeof value !== 'number') return false;
      if (typeof data !== 'string') return true;
      const n = ucs2length(data);
      return keyword === 'minLength' ? n >= value : n <= value;
    }
    case 'pattern':
      if (typeof value !== 'string') return false;
      if (typeof data !== 'string') return true;
      return new RegExp(value, 'u').test(data);
    case 'format':
      return typeof value === 'string' && formatHolds(value, data);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      if (typeof value !== 'number') return false;
      if (typeof data !== 'number') return true;
      if (!Number.isFinite(data)) return false;
      if (keyword === 'minimum') return data >= value;
      if (keyword === 'maximum') return data <= value;
      if (keyword === 'exclusiveMinimum') return data > value;
      return data < value;
    }
    case 'multipleOf': {
      if (typeof value !== 'number' || value <= 0) return false;
      if (typeof data !== 'number') return true;
      // ajv's own test: the quotient equals parseInt of itself.
      const quotient = data / value;
      return Number.isFinite(quotient) && quotient === Number.parseInt(String(quotient), 10);
    }
    case 'allOf':
      return Array.isArray(value) && value.every((branch) => valid(branch as JsonSchema, data, defs, depth + 1));
    case 'anyOf':
      return Array.isArray(value) && value.some((branch) => valid(branch as JsonSchema, data, defs, depth + 1));
    default:
      // oneOf, not, if/then/else, patternProperties, dependencies, contains, $id…: ajv decides.
      return false;
  }
}

type FormatDefinition = RegExp | ((value: string) => boolean) | { type?: string; async?: boolean; validate: RegExp | ((value: string) => boolean) };

function formatHolds(name: string, data: unknown): Verdict {
  if (!Object.prototype.hasOwnProperty.call(fullFormats, name)) return false;
  const definition = (fullFormats as Record<string, FormatDefinition | undefined>)[name];
  if (definition === undefined) return false;
  let test: RegExp | ((value: string) => boolean);
  if (definition instanceof RegExp || typeof definition === 'function') test = definition;
  else {
    if (definition.async || (definition.type !== undefined && definition.type !== 'string')) return false;
    test = definition.validate;
  }
  if (typeof data !== 'string') return true;
  return test instanceof RegExp ? test.test(data) : test(data) === true;
}
