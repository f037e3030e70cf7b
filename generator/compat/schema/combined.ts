/**
 * allOf / anyOf / oneOf and not, after Confluent's SchemaDiff special cases, CombinedSchemaDiff and
 * NotSchemaDiff. Branches are deduplicated and matched by content: every pair of branches is
 * compared, compatible pairs become edges, and a maximum matching pairs them; when it cannot cover
 * the smaller side, some branch has no compatible counterpart (COMBINED_TYPE_SUBSCHEMAS_CHANGED).
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import type { Difference } from '../types.js';
import { compareSchemas, compareSubschema } from './compare.js';
import type { DiffContext } from './context.js';
import { maximumMatching, type Edge } from './matching.js';
import { canonical, COMBINATORS, pureCombinator, schemaList, asSchema, type Combinator } from './shape.js';

/**
 * A schema that is only a combinator compared with one that is not. Returns true when it decided
 * the comparison: a singleton combinator reads as its branch; a plain schema compatible with one
 * branch of a new anyOf / oneOf is SUM_TYPE_EXTENDED; anything else is TYPE_CHANGED, as for a
 * registry (an allOf of several branches collapsed to one of them included).
 */
export function comparePureCombinators(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): boolean {
  const oc = pureCombinator(o);
  const uc = pureCombinator(u);
  if ((oc === undefined) === (uc === undefined)) return false;
  if (uc !== undefined) {
    const branches = schemaList(u[uc]);
    if (branches.length === 1) {
      compareSchemas(ctx, o, branches[0]);
      return true;
    }
    if (uc !== 'allOf' && firstCompatible(ctx, branches, (sub, b) => compareSchemas(sub, o, b))) {
      ctx.add('SUM_TYPE_EXTENDED');
      return true;
    }
  } else if (oc !== undefined) {
    const branches = schemaList(o[oc]);
    if (branches.length === 1) {
      compareSchemas(ctx, branches[0], u);
      return true;
    }
  }
  ctx.add('TYPE_CHANGED');
  return true;
}

function firstCompatible(ctx: DiffContext, branches: JsonSchema[], compare: (sub: DiffContext, branch: JsonSchema) => void): boolean {
  for (const branch of branches) {
    const sub = ctx.sub();
    compare(sub, branch);
    if (sub.isCompatible()) {
      ctx.addAll(sub.differences);
      return true;
    }
  }
  return false;
}

export function compareCombinators(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const present = (s: JsonSchemaObject): Combinator[] => COMBINATORS.filter((c) => Array.isArray(s[c]));
  const before = present(o);
  const after = present(u);
  for (const c of before.filter((k) => after.includes(k))) compareCombined(ctx, c, schemaList(o[c]), c, schemaList(u[c]));
  const removed = before.filter((k) => !after.includes(k));
  const added = after.filter((k) => !before.includes(k));
  if (removed.length === 1 && added.length === 1) return compareCombined(ctx, removed[0]!, schemaList(o[removed[0]!]), added[0]!, schemaList(u[added[0]!]));
  // A combinator that is absent constrains nothing: losing one widens, gaining one narrows.
  for (const c of removed) ctx.addAt(c, c === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_EXTENDED');
  for (const c of added) ctx.addAt(c, c === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_NARROWED');
}

function compareCombined(ctx: DiffContext, oc: Combinator, oBranches: JsonSchema[], uc: Combinator, uBranches: JsonSchema[]): void {
  // A changed combinator is reported at the same keyword whichever way the comparison reads, so
  // that its backward and forward readings meet as one change.
  const at = oc === uc ? oc : [oc, uc].sort()[0]!;
  ctx.within([at], () => {
    if (oc !== uc) {
      const type = criterionChange(oc, uc, oBranches.length, uBranches.length);
      ctx.add(type, { before: oc, after: uc });
      if (type === 'COMBINED_TYPE_CHANGED') return;
    }
    const before = distinct(oBranches);
    const after = distinct(uBranches);
    if (before.length < after.length) ctx.add(uc === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', { before: before.length, after: after.length });
    else if (before.length > after.length) ctx.add(uc === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', { before: before.length, after: after.length });
    const edges: Edge<readonly Difference[]>[] = [];
    before.forEach(({ schema: oBranch, index }, left) => {
      after.forEach(({ schema: uBranch }, right) => {
        const sub = ctx.sub(String(index));
        compareSchemas(sub, oBranch, uBranch);
        if (sub.isCompatible()) edges.push({ left, right, cost: sub.differences.length, value: sub.differences });
      });
    });
    const matching = maximumMatching(before.length, edges);
    for (const edge of matching) ctx.addAll(edge.value);
    if (matching.length < Math.min(before.length, after.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED');
  });
}

/** Confluent's compareCriteria: only changes that accept more documents are EXTENDED. */
function criterionChange(from: Combinator, to: Combinator, fromSize: number, toSize: number): string {
  if (to === 'anyOf') return 'COMBINED_TYPE_EXTENDED';
  if (to === 'oneOf') return fromSize === 1 ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED';
  return from !== to && fromSize === 1 && toSize === 1 ? 'COMBINED_TYPE_EXTENDED' : 'COMBINED_TYPE_CHANGED';
}

/** Branches once each (Confluent collapses duplicates), with their index in the keyword's list. */
function distinct(branches: JsonSchema[]): { schema: JsonSchema; index: number }[] {
  const seen = new Set<string>();
  const out: { schema: JsonSchema; index: number }[] = [];
  branches.forEach((schema, index) => {
    const key = canonical(schema);
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ schema, index });
    }
  });
  return out;
}

/** `not`: the excluded schema is compared the other way round; excluding less accepts more. */
export function compareNot(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = asSchema(o.not);
  const after = asSchema(u.not);
  if (before === undefined && after === undefined) return;
  ctx.within(['not'], () => {
    if (before === undefined) return ctx.add('NOT_TYPE_EXTENDED');
    if (after === undefined) return ctx.add('NOT_TYPE_NARROWED');
    const sub = ctx.swapped();
    compareSchemas(sub, after, before);
    // NOT_TYPE_NARROWED alone when nothing changed would be noise: equal exclusions report nothing.
    if (sub.differences.length > 0 || canonical(before) !== canonical(after)) ctx.add(sub.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED');
  });
}

/**
 * if / then / else: a conditional added narrows and one removed widens (an `if` without then /
 * else constrains nothing); a changed condition cannot be judged; with the same condition, then and
 * else compare as constraints.
 */
export function compareConditionals(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const applies = (s: JsonSchemaObject): boolean => s.if !== undefined && (s.then !== undefined || s.else !== undefined);
  const sameCondition = o.if !== undefined && u.if !== undefined && canonical(o.if) === canonical(u.if);
  if (!sameCondition) {
    if (!applies(o) && !applies(u)) return;
    return ctx.addAt('if', !applies(o) ? 'CONDITIONAL_ADDED' : !applies(u) ? 'CONDITIONAL_REMOVED' : 'CONDITIONAL_CHANGED');
  }
  compareSubschema(ctx, 'then', o, u);
  compareSubschema(ctx, 'else', o, u);
}
