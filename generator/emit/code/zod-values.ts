/**
 * `enum` and `const`: a fixed set of JSON values as zod code. Scalars use `z.enum`/`z.literal`;
 * an object or array value becomes a structural schema (`z.strictObject`/`z.tuple` of literals),
 * which is exactly JSON Schema's deep equality — key order ignored, no extra keys or items.
 */
import type { JsonValue } from '../../model/catalog.js';
import { propertyKey, stringLiteral } from './literals.js';
import { INDENT, isSchemaObject, listCall, numberCode } from './zod-common.js';

type Scalar = string | number | boolean | null;

function isScalar(value: JsonValue): value is Scalar {
  return value === null || typeof value !== 'object';
}

function scalarCode(value: Scalar): string {
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberCode(value);
  return String(value);
}

/** JSON with sorted keys: equal exactly for the JSON values JSON Schema considers equal. */
export function canonical(value: JsonValue): string {
  return JSON.stringify(value, (_key, item: JsonValue) =>
    isSchemaObject(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}

/** A schema accepting exactly `value`. */
export function literalSchema(value: JsonValue, indent: string): string {
  if (isScalar(value)) return `z.literal(${scalarCode(value)})`;
  const inner = indent + INDENT;
  if (Array.isArray(value)) return listCall('z.tuple', value.map((item) => literalSchema(item, inner)), indent);
  const entries = Object.entries(value);
  if (entries.length === 0) return 'z.strictObject({})';
  const lines = entries.map(([key, item]) => `${inner}${propertyKey(key)}: ${literalSchema(item, inner)},\n`);
  return `z.strictObject({\n${lines.join('')}${indent}})`;
}

function scalarsExpr(scalars: readonly Scalar[], indent: string): string {
  const strings = scalars.filter((value): value is string => typeof value === 'string');
  const onlyNull = scalars.length - strings.length === 1 && scalars.includes(null);
  // z.enum reads best for string sets; null rides along as `.nullable()`.
  if (strings.length >= 2 && (strings.length === scalars.length || onlyNull)) {
    return `${listCall('z.enum', strings.map(stringLiteral), indent)}${onlyNull ? '.nullable()' : ''}`;
  }
  const [only] = scalars;
  if (scalars.length === 1 && only !== undefined) return `z.literal(${scalarCode(only)})`;
  return listCall('z.literal', scalars.map(scalarCode), indent);
}

/** A schema accepting exactly the given values (duplicates ignored). */
export function valuesExpr(values: readonly JsonValue[], indent: string): string {
  const seen = new Set<string>();
  const unique = values.filter((value) => {
    const key = canonical(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const scalars = unique.filter(isScalar);
  const composites = unique.filter((value) => !isScalar(value));
  const optionCount = composites.length + (scalars.length > 0 ? 1 : 0);
  if (optionCount === 0) return 'z.never()';
  const at = optionCount > 1 ? indent + INDENT : indent;
  const options = [
    ...(scalars.length > 0 ? [scalarsExpr(scalars, at)] : []),
    ...composites.map((value) => literalSchema(value, at)),
  ];
  return options.length === 1 && options[0] !== undefined ? options[0] : listCall('z.union', options, indent);
}
