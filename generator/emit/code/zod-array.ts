/**
 * `type: array`: `items` (one schema or a tuple), `additionalItems`, `minItems`/`maxItems`,
 * `uniqueItems` and `contains`.
 */
import type { JsonSchemaObject } from '../../model/catalog.js';
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

/**
 * A JSON Schema tuple also accepts arrays shorter than `items`, so positions at or past `minItems`
 * are optional; `additionalItems` (default: anything) becomes the rest element.
 */
function tupleExpr(schema: JsonSchemaObject, path: string, indent: string, emitter: SchemaEmitter): string {
  const inner = indent + INDENT;
  const minItems = countKeyword(schema, 'minItems', path) ?? 0;
  const maxItems = countKeyword(schema, 'maxItems', path);
  const items = schemaListKeyword(schema, 'items', path) ?? [];
  const elements = items.map((item, index) => {
    const code = emitter.expr(item, pointer(path, 'items', index), inner);
    return index < minItems ? code : `${code}.optional()`;
  });
  const additional = schemaKeyword(schema, 'additionalItems', path) ?? true;
  const rest = additional === false ? '' : `, ${emitter.expr(additional, pointer(path, 'additionalItems'), indent)}`;
  let code = `z.tuple(${arrayCode(elements, indent)}${rest})`;
  const checks: string[] = [];
  if (minItems > items.length) checks.push(`z.minLength(${minItems})`);
  if (maxItems !== undefined && (additional !== false || maxItems < items.length)) checks.push(`z.maxLength(${maxItems})`);
  if (checks.length > 0) code = call(`${code}.check`, checks, indent);
  return code;
}

export function arrayExpr(schema: JsonSchemaObject, path: string, indent: string, emitter: SchemaEmitter): string {
  const inner = indent + INDENT;
  let code: string;
  if (Array.isArray(schema.items) && schema.items.length > 0) {
    code = tupleExpr(schema, path, indent, emitter);
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
  const contains = schemaKeyword(schema, 'contains', path);
  if (contains !== undefined) {
    const sub = emitter.expr(contains, pointer(path, 'contains'), inner);
    code = refine(
      code,
      `(items) => items.some((item) => ${sub}.safeParse(item).success)`,
      'Must contain a matching item',
      indent,
    );
  }
  return code;
}
