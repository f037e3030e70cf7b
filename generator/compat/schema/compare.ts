/**
 * One directional comparison of two JSON Schemas, after Confluent Schema Registry's SchemaDiff:
 * differences say how the update differs from the original, and a difference outside the policy's
 * compatible set means some document valid under the original is rejected by the update.
 *
 * Confluent compares everit schema classes; here a schema is compared keyword family by keyword
 * family (types, enum, string, number, object, array, combinators), which names the same change
 * types and reads schemas that mix families (an object with a oneOf) without decomposing them.
 */
import type { JsonSchema, JsonSchemaObject, JsonValue } from '../../model/catalog.js';
import { compareArrays } from './arrays.js';
import { compareCombinators, compareConditionals, compareNot, comparePureCombinators } from './combined.js';
import type { DiffContext } from './context.js';
import { compareObjects } from './objects.js';
import { compareEnums, compareNumbers, compareStrings } from './scalars.js';
import { asObject, canonical, COMBINATORS, deref, isUnconstrained, registryParts } from './shape.js';

/** Compares `original` with `update` at the context's path; `undefined` is an absent schema. */
export function compareSchemas(ctx: DiffContext, original: JsonSchema | undefined, update: JsonSchema | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) return ctx.add('SCHEMA_ADDED');
  if (update === undefined) return ctx.add('SCHEMA_REMOVED');
  const o = deref(original, ctx.originalDefinitions);
  const u = deref(update, ctx.updateDefinitions);
  if (typeof o === 'object' && typeof u === 'object') ctx.memoized(o, u, (inner) => compareResolved(inner, o, u));
  else compareResolved(ctx, o, u);
}

/** Absent and "anything" are the same constraint, so keywords holding a schema compare through here. */
export function compareSubschema(ctx: DiffContext, keyword: string, original: JsonSchemaObject, update: JsonSchemaObject): void {
  const read = (s: JsonSchemaObject, defs: DiffContext['originalDefinitions']): JsonSchema | undefined => {
    const value = s[keyword];
    if (value === undefined || Array.isArray(value) || (typeof value !== 'object' && typeof value !== 'boolean') || value === null) return undefined;
    return isUnconstrained(deref(value, defs)) ? undefined : value;
  };
  const o = read(original, ctx.originalDefinitions);
  const u = read(update, ctx.updateDefinitions);
  if (o !== undefined || u !== undefined) ctx.within([keyword], () => compareSchemas(ctx, o, u));
}

function compareResolved(ctx: DiffContext, o: JsonSchema, u: JsonSchema): void {
  // Nothing was valid under the original, so nothing can be rejected now.
  if (o === false) return;
  if (isUnconstrained(u)) {
    if (isUnconstrained(o)) compareAnnotations(ctx, asObject(o), asObject(u));
    return;
  }
  if (u === false) return ctx.add('TYPE_CHANGED', { after: false });
  const os = asObject(o);
  const us = asObject(u);
  const oParts = registryParts(os);
  const uParts = registryParts(us);
  if (oParts !== uParts && Math.min(oParts, uParts) === 1) return ctx.add('TYPE_CHANGED', { before: shapeOf(os), after: shapeOf(us) });
  if (comparePureCombinators(ctx, os, us)) return;
  compareAnnotations(ctx, os, us);
  if (!compareTypes(ctx, os, us)) return;
  compareEnums(ctx, os, us);
  compareStrings(ctx, os, us);
  compareNumbers(ctx, os, us);
  compareObjects(ctx, os, us);
  compareArrays(ctx, os, us);
  compareCombinators(ctx, os, us);
  compareNot(ctx, os, us);
  compareConditionals(ctx, os, us);
}

function compareAnnotations(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const pairs: [string, string][] = [['$id', 'ID_CHANGED'], ['title', 'TITLE_CHANGED'], ['description', 'DESCRIPTION_CHANGED'], ['default', 'DEFAULT_CHANGED']];
  for (const [keyword, type] of pairs) {
    if (canonical(o[keyword]) !== canonical(u[keyword])) ctx.addAt(keyword, type, { before: o[keyword], after: u[keyword] });
  }
}

const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

/** The JSON types a schema admits; `undefined` when `type` does not restrict them. */
function typeSet(s: JsonSchemaObject): Set<string> | undefined {
  const declared = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === 'string') : undefined;
  if (declared === undefined) return undefined;
  const set = new Set(declared);
  if (s.nullable === true) set.add('null');
  return set;
}

function accepts(set: Set<string> | undefined, type: string): boolean {
  return set === undefined || set.has(type) || (type === 'integer' && set.has('number'));
}

function covers(wide: Set<string> | undefined, narrow: Set<string> | undefined): boolean {
  return (narrow === undefined ? ALL_TYPES : [...narrow]).every((t) => accepts(wide, t));
}

/** integer ↔ number and nothing else: Confluent's TYPE_EXTENDED / TYPE_NARROWED of a NumberSchema. */
function onlyIntegerToNumber(from: Set<string>, to: Set<string>): boolean {
  const rest = (s: Set<string>): string => [...s].filter((t) => t !== 'integer' && t !== 'number').sort().join();
  return from.has('integer') && !from.has('number') && to.has('number') && rest(from) === rest(to);
}

/** Reports type changes; false when the types share nothing, so no other keyword is worth comparing. */
function compareTypes(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): boolean {
  const O = typeSet(o);
  const U = typeSet(u);
  const wider = covers(U, O);
  const narrower = covers(O, U);
  if (wider && narrower) return true;
  const values = { before: typeValue(o), after: typeValue(u) };
  if (wider) ctx.add(U === undefined || onlyIntegerToNumber(O!, U) ? 'TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', values);
  else if (narrower) ctx.add(O === undefined || onlyIntegerToNumber(U!, O) ? 'TYPE_NARROWED' : 'SUM_TYPE_NARROWED', values);
  else {
    ctx.add('TYPE_CHANGED', values);
    return ALL_TYPES.some((t) => accepts(O, t) && accepts(U, t));
  }
  return true;
}

/** The keyword groups of a schema, for the message of a change between one and several. */
function shapeOf(s: JsonSchemaObject): JsonValue {
  const groups = ['enum', 'const', 'not', ...COMBINATORS];
  const typed: JsonSchemaObject = Object.fromEntries(Object.entries(s).filter(([key]) => !groups.includes(key)));
  const out = registryParts(typed) > 0 ? [String(typeValue(s))] : [];
  for (const keyword of groups) if (s[keyword] !== undefined) out.push(keyword);
  return out.join(' + ');
}

function typeValue(s: JsonSchemaObject): JsonValue {
  const set = typeSet(s);
  return set === undefined ? 'any' : [...set].join(' | ');
}
