/**
 * `type: array`: `items` (one schema, or a tuple as draft-07 and 2019-09 write it), `prefixItems`
 * (the 2020-12 tuple, whose rest is then `items`), `additionalItems`, `minItems`/`maxItems`,
 * `uniqueItems`, and `contains` with `minContains`/`maxContains`.
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import {
  INDENT,
  arrayCode,
  call,
  countKeyword,
  pointer,
  refine,
  schemaKeyword,
  schemaListKeyword,
  type SchemaEmitter,
} from './zod-common.js';

/**
 * Items are equal when their JSON is, once object keys are sorted: JSON Schema equality ignores
 * key order, and JSON.stringify also folds -0 into 0 as JSON Schema does.
 */
function uniqueCheck(indent: string): string {
  const i = (depth: number): string => indent + INDENT.repeat(depth);
  return [
    '(items) =>',
    `${i(1)}new Set(`,
    `${i(2)}items.map((item) =>`,
    `${i(3)}JSON.stringify(item, (_key, value) =>`,
    `${i(4)}value !== null && typeof value === 'object' && !Array.isArray(value)`,
    `${i(5)}? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))`,
    `${i(5)}: value,`,
    `${i(3)}),`,
    `${i(2)}),`,
    `${i(1)}).size === items.length`,
  ].join('\n');
}

interface Tuple {
  items: JsonSchema[];
  /** The keyword whose list the items are (`prefixItems` or `items`). */
  keyword: string;
  /** What every item past the tuple must match, and the keyword that says so. */
  rest: JsonSchema;
  restKeyword: string;
}

/**
 * The tuple of an array schema, if any. 2020-12 writes it `prefixItems` with `items` as the rest;
 * draft-07 and 2019-09 write it `items: [...]` with `additionalItems` as the rest.
 */
function tupleOf(schema: JsonSchemaObject, path: string): Tuple | undefined {
  if (schema.prefixItems !== undefined) {
    const items = schemaListKeyword(schema, 'prefixItems', path) ?? [];
    if (Array.isArray(schema.items)) throw new Error(`Invalid schema at ${path}: "items" must be a schema next to "prefixItems"`);
    return { items, keyword: 'prefixItems', rest: schemaKeyword(schema, 'items', path) ?? true, restKeyword: 'items' };
  }
  if (Array.isArray(schema.items) && schema.items.length > 0) {
    const items = schemaListKeyword(schema, 'items', path) ?? [];
    return { items, keyword: 'items', rest: schemaKeyword(schema, 'additionalItems', path) ?? true, restKeyword: 'additionalItems' };
  }
  return undefined;
}

/**
 * A JSON Schema tuple also accepts arrays shorter than its items, so positions at or past
 * `minItems` are optional; the rest schema (default: anything) becomes the rest element.
 */
function tupleExpr(schema: JsonSchemaObject, tuple: Tuple, path: string, indent: string, emitter: SchemaEmitter): string {
  const inner = indent + INDENT;
  const minItems = countKeyword(schema, 'minItems', path) ?? 0;
  const maxItems = countKeyword(schema, 'maxItems', path);
  const elements = tuple.items.map((item, index) => {
    const code = emitter.expr(item, pointer(path, tuple.keyword, index), inner);
    return index < minItems ? code : `${code}.optional()`;
  });
  const closed = tuple.rest === false;
  const rest = closed ? '' : `, ${emitter.expr(tuple.rest, pointer(path, tuple.restKeyword), indent)}`;
  let code = `z.tuple(${arrayCode(elements, indent)}${rest})`;
  const checks: string[] = [];
  if (minItems > tuple.items.length) checks.push(`z.minLength(${minItems})`);
  if (maxItems !== undefined && (!closed || maxItems < tuple.items.length)) checks.push(`z.maxLength(${maxItems})`);
  if (checks.length > 0) code = call(`${code}.check`, checks, indent);
  return code;
}

/** `contains`, with `minContains` (default 1) and `maxContains` bounding how many items match. */
function containsChecks(schema: JsonSchemaObject, base: string, path: string, indent: string, emitter: SchemaEmitter): string {
  const contains = schemaKeyword(schema, 'contains', path);
  const minContains = countKeyword(schema, 'minContains', path);
  const maxContains = countKeyword(schema, 'maxContains', path);
  if (contains === undefined) return base;
  const sub = emitter.expr(contains, pointer(path, 'contains'), indent + INDENT);
  const matches = `items.filter((item) => ${sub}.safeParse(item).success).length`;
  const min = minContains ?? 1;
  let code = base;
  if (min === 1 && maxContains === undefined) {
    return refine(code, `(items) => items.some((item) => ${sub}.safeParse(item).success)`, 'Must contain a matching item', indent);
  }
  if (min > 0) code = refine(code, `(items) => ${matches} >= ${min}`, `Must contain at least ${min} matching items`, indent);
  if (maxContains !== undefined) code = refine(code, `(items) => ${matches} <= ${maxContains}`, `Must contain at most ${maxContains} matching items`, indent);
  return code;
}

export function arrayExpr(schema: JsonSchemaObject, path: string, indent: string, emitter: SchemaEmitter): string {
  const inner = indent + INDENT;
  let code: string;
  const tuple = tupleOf(schema, path);
  if (tuple !== undefined) {
    code = tupleExpr(schema, tuple, path, indent, emitter);
  } else {
    // `items: []` constrains nothing; `additionalItems` only applies next to a tuple.
    const items = Array.isArray(schema.items) ? true : (schemaKeyword(schema, 'items', path) ?? true);
    code = call('z.array', [emitter.expr(items, pointer(path, 'items'), inner)], indent);
    const minItems = countKeyword(schema, 'minItems', path);
    const maxItems = countKeyword(schema, 'maxItems', path);
    if (minItems !== undefined) code += `.min(${minItems})`;
    if (maxItems !== undefined) code += `.max(${maxItems})`;
  }
  if (schema.uniqueItems === true) code = refine(code, uniqueCheck(inner), 'Items must be unique', indent);
  return containsChecks(schema, code, path, indent, emitter);
}
