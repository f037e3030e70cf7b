/** Enum / const, string and number keywords (Confluent's EnumSchemaDiff, ConstSchemaDiff, StringSchemaDiff, NumberSchemaDiff). */
import type { JsonSchemaObject, JsonValue } from '../../model/catalog.js';
import type { DiffContext } from './context.js';
import { canonical, numberAt } from './shape.js';

/** A limit keyword: `<PREFIX>_ADDED | _REMOVED | _INCREASED | _DECREASED`. */
export function compareLimit(ctx: DiffContext, keyword: string, prefix: string, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = numberAt(o, keyword);
  const after = numberAt(u, keyword);
  if (before === after) return;
  const change = before === undefined ? 'ADDED' : after === undefined ? 'REMOVED' : before < after ? 'INCREASED' : 'DECREASED';
  ctx.addAt(keyword, `${prefix}_${change}`, { before, after });
}

/** `const` is an enum of one value, as Confluent reports a changed const as ENUM_ARRAY_CHANGED. */
function allowedValues(s: JsonSchemaObject): { keyword: string; values: JsonValue[] } | undefined {
  if (s.const !== undefined) return { keyword: 'const', values: [s.const] };
  if (Array.isArray(s.enum)) return { keyword: 'enum', values: s.enum };
  return undefined;
}

export function compareEnums(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = allowedValues(o);
  const after = allowedValues(u);
  if (!before && !after) return;
  const values = { before: before ? rawValue(o, before.keyword) : undefined, after: after ? rawValue(u, after.keyword) : undefined };
  if (!before) return ctx.addAt(after!.keyword, 'ENUM_ARRAY_NARROWED', values);
  if (!after) return ctx.addAt(before.keyword, 'ENUM_ARRAY_EXTENDED', values);
  // A registry reads `const` and `enum` as schemas of different classes, never compared value by value.
  if (before.keyword !== after.keyword) return ctx.addAt(after.keyword, 'TYPE_CHANGED', values);
  const old = new Set(before.values.map((v) => canonical(v)));
  const now = new Set(after.values.map((v) => canonical(v)));
  const kept = [...old].every((v) => now.has(v));
  const onlyKept = [...now].every((v) => old.has(v));
  if (kept && onlyKept) return;
  ctx.addAt(after.keyword, kept ? 'ENUM_ARRAY_EXTENDED' : onlyKept ? 'ENUM_ARRAY_NARROWED' : 'ENUM_ARRAY_CHANGED', values);
}

function rawValue(s: JsonSchemaObject, keyword: string): JsonValue | undefined {
  return s[keyword];
}

export function compareStrings(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  compareLimit(ctx, 'maxLength', 'MAX_LENGTH', o, u);
  compareLimit(ctx, 'minLength', 'MIN_LENGTH', o, u);
  compareText(ctx, 'pattern', 'PATTERN', o, u);
  compareText(ctx, 'format', 'FORMAT', o, u);
}

function compareText(ctx: DiffContext, keyword: string, prefix: string, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = typeof o[keyword] === 'string' ? o[keyword] : undefined;
  const after = typeof u[keyword] === 'string' ? u[keyword] : undefined;
  if (before === after) return;
  const change = before === undefined ? 'ADDED' : after === undefined ? 'REMOVED' : 'CHANGED';
  ctx.addAt(keyword, `${prefix}_${change}`, { before, after });
}

export function compareNumbers(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const on = numericLimits(o);
  const un = numericLimits(u);
  compareLimit(ctx, 'maximum', 'MAXIMUM', on, un);
  compareLimit(ctx, 'minimum', 'MINIMUM', on, un);
  compareLimit(ctx, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', on, un);
  compareLimit(ctx, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM', on, un);
  const before = numberAt(o, 'multipleOf');
  const after = numberAt(u, 'multipleOf');
  if (before === after) return;
  const change =
    before === undefined ? 'ADDED' : after === undefined ? 'REMOVED' : isMultiple(after, before) ? 'EXPANDED' : isMultiple(before, after) ? 'REDUCED' : 'CHANGED';
  ctx.addAt('multipleOf', `MULTIPLE_OF_${change}`, { before, after });
}

/** Draft-04 boolean `exclusiveMaximum: true` turns `maximum` into an exclusive limit; read both drafts as draft-07. */
function numericLimits(s: JsonSchemaObject): JsonSchemaObject {
  const out: JsonSchemaObject = { ...s };
  for (const [exclusive, inclusive] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']] as const) {
    if (typeof s[exclusive] === 'boolean') {
      delete out[exclusive];
      if (s[exclusive] === true && typeof s[inclusive] === 'number') {
        out[exclusive] = s[inclusive];
        delete out[inclusive];
      }
    }
  }
  return out;
}

/** Is `a` an integer multiple of `b`? Decimal steps (0.01) are compared with a tolerance, not by truncation. */
function isMultiple(a: number, b: number): boolean {
  if (b === 0) return false;
  const q = a / b;
  return Math.abs(q - Math.round(q)) < 1e-9 * Math.max(1, Math.abs(q));
}
