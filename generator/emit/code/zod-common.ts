/**
 * Shared plumbing for the zod builders: the recursion interface, keyword readers that reject
 * malformed schemas with a clear message, and the layout rules that keep output deterministic.
 */
import type { JsonSchema, JsonSchemaObject, JsonValue } from '../../model/catalog.js';
import { stringLiteral } from './literals.js';

/** Generated code, plus what an enclosing z.intersection must know about it. */
export interface Built {
  code: string;
  /**
   * When the code's root is a strict object, the keys it allows (see zod-intersect.ts). A function
   * because answering it for a `$ref` means looking at the definition, done only when needed.
   */
  closed?: () => readonly string[] | undefined;
}

/** What the per-type builders need from the main builder. */
export interface SchemaEmitter {
  /** Code for `schema` at JSON pointer `path`; continuation lines start with `indent`. */
  expr(schema: JsonSchema, path: string, indent: string): string;
  /** Records a keyword that is not (fully) enforced. */
  warn(path: string, message: string): void;
  /**
   * Code for an object property's schema. When it reaches a definition of the current reference
   * cycle, the result is a getter body instead (zod 4's way to declare recursive objects so that
   * TypeScript can still infer their type), with the references inside it made direct, and its
   * code is laid out one level deeper than `indent` (the getter's body).
   */
  property(schema: JsonSchema, path: string, indent: string): { code: string; getter: boolean };
}

export const INDENT = '  ';

/** Calls whose arguments are all single-line stay on one line up to this width. */
const INLINE_WIDTH = 80;

/**
 * `callee(a, b)` on one line when every argument is single-line and it fits, otherwise one
 * argument per line with a trailing comma. Arguments must be rendered at `indent + INDENT`.
 */
export function call(callee: string, args: readonly string[], indent: string): string {
  const inline = `${callee}(${args.join(', ')})`;
  // A multi-line callee (`z.looseObject({…}).refine`) only adds its last line to the width.
  const width = inline.length - (callee.lastIndexOf('\n') + 1);
  if (args.every((arg) => !arg.includes('\n')) && width <= INLINE_WIDTH) return inline;
  const inner = indent + INDENT;
  return `${callee}(\n${args.map((arg) => `${inner}${arg},\n`).join('')}${indent})`;
}

/** `[a, b]` inline when short, else one item per line (items rendered at `indent + INDENT`). */
export function arrayCode(items: readonly string[], indent: string): string {
  const inline = `[${items.join(', ')}]`;
  if (items.every((item) => !item.includes('\n')) && inline.length <= INLINE_WIDTH) return inline;
  const inner = indent + INDENT;
  return `[\n${items.map((item) => `${inner}${item},\n`).join('')}${indent}]`;
}

/** `callee([a, b])`, the list inline when short, else one item per line (items at `indent + INDENT`). */
export function listCall(callee: string, items: readonly string[], indent: string): string {
  return `${callee}(${arrayCode(items, indent)})`;
}

/** `.refine(check, message)` appended to `base`; `check` must be rendered at `indent + INDENT`. */
export function refine(base: string, check: string, message: string, indent: string): string {
  return call(`${base}.refine`, [check, stringLiteral(message)], indent);
}

export function numberCode(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

export function isSchemaObject(value: JsonValue | undefined): value is JsonSchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSchema(value: JsonValue | undefined): value is JsonSchema {
  return typeof value === 'boolean' || isSchemaObject(value);
}

/** Appends one JSON-pointer segment (RFC 6901 escaping). */
export function pointer(path: string, ...segments: (string | number)[]): string {
  return segments.reduce<string>(
    (acc, segment) => `${acc}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`,
    path,
  );
}

function invalid(path: string, keyword: string, expected: string): never {
  throw new Error(`Invalid schema at ${path}: "${keyword}" must be ${expected}`);
}

/** Reads a number keyword; throws when present with another type. */
export function numberKeyword(schema: JsonSchemaObject, keyword: string, path: string): number | undefined {
  const value = schema[keyword];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') invalid(path, keyword, 'a number');
  return value;
}

/** Reads a non-negative integer keyword (lengths, counts). */
export function countKeyword(schema: JsonSchemaObject, keyword: string, path: string): number | undefined {
  const value = numberKeyword(schema, keyword, path);
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) invalid(path, keyword, 'a non-negative integer');
  return value;
}

export function schemaKeyword(schema: JsonSchemaObject, keyword: string, path: string): JsonSchema | undefined {
  const value = schema[keyword];
  if (value === undefined) return undefined;
  if (!isSchema(value)) invalid(path, keyword, 'a schema');
  return value;
}

export function schemaListKeyword(schema: JsonSchemaObject, keyword: string, path: string): JsonSchema[] | undefined {
  const value = schema[keyword];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every(isSchema)) {
    invalid(path, keyword, 'a non-empty array of schemas');
  }
  return value;
}

export function schemaMapKeyword(
  schema: JsonSchemaObject,
  keyword: string,
  path: string,
): [string, JsonSchema][] | undefined {
  const value = schema[keyword];
  if (value === undefined) return undefined;
  if (!isSchemaObject(value)) invalid(path, keyword, 'an object of schemas');
  return Object.entries(value).map(([name, sub]) => {
    if (!isSchema(sub)) invalid(pointer(path, keyword, name), name, 'a schema');
    return [name, sub];
  });
}

export function stringListKeyword(schema: JsonSchemaObject, keyword: string, path: string): string[] | undefined {
  const value = schema[keyword];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    invalid(path, keyword, 'an array of strings');
  }
  return value;
}
