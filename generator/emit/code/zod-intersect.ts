/**
 * allOf (and `$ref` siblings) as `z.intersection`.
 *
 * zod 4.6 intersections report an unrecognised key only when EVERY side rejects it, so
 * `z.intersection(z.strictObject({ a }), z.looseObject({ b }))` accepts `{ a, b, c }`. JSON Schema
 * (and ajv) apply `additionalProperties: false` of each allOf member on its own. To stay faithful,
 * the intersection re-checks the keys of every member whose root is a strict object.
 */
import { stringLiteral } from './literals.js';
import { INDENT, arrayCode, call, refine, type Built } from './zod-common.js';

/** One member, rendered once at the indentation its place in the nesting gives it. */
export type Part = (indent: string) => Built;

function keysCheck(keys: readonly string[], indent: string): string {
  // `Object(value)` accepts any static type (members may be typed `unknown`) and maps a null of a
  // nullable member to `{}`; a non-object value has already failed the strict member itself.
  if (keys.length === 0) return '(value) => Object.keys(Object(value)).length === 0';
  const list = arrayCode(keys.map(stringLiteral), indent);
  return `(value) => Object.keys(Object(value)).every((key) => ${list}.includes(key))`;
}

/** Renders `parts` as nested z.intersection calls, collecting each part's result in order. */
function nest(parts: readonly Part[], indent: string, built: Built[]): string {
  const last = parts[parts.length - 1];
  if (last === undefined) return 'z.unknown()';
  if (parts.length === 1) {
    const result = last(indent);
    built.push(result);
    return result.code;
  }
  const inner = indent + INDENT;
  const left = nest(parts.slice(0, -1), inner, built);
  const right = last(inner);
  built.push(right);
  return call('z.intersection', [left, right.code], indent);
}

/**
 * A left-nested z.intersection of the parts. A single part is returned as is, keeping what its
 * parent needs to know (`closed`); an intersection of several enforces their `closed` keys.
 */
export function intersect(parts: readonly Part[], indent: string): Built {
  const [only] = parts;
  if (only === undefined) return { code: 'z.unknown()' };
  if (parts.length === 1) return only(indent);
  const built: Built[] = [];
  let code = nest(parts, indent, built);
  for (const member of built) {
    const keys = member.closed?.();
    if (keys !== undefined) {
      code = refine(code, keysCheck(keys, indent + INDENT), 'Unrecognized key (additionalProperties is false)', indent);
    }
  }
  return { code };
}
