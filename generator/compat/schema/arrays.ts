/**
 * Array keywords, after Confluent's ArraySchemaDiff. Tuple items added or removed are judged by the
 * tuple's content model: open (extra items allowed), closed (no extra item) or partially open (a
 * schema for extra items). A tuple is `prefixItems` with `items` as the rest (2020-12), or `items`
 * as a list with `additionalItems` as the rest (draft-07, 2019-09); both forms compare with each
 * other. When the rest is not given, `unevaluatedItems` decides the content model, as it does for
 * a registry.
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import { compareSchemas, compareSubschema } from './compare.js';
import type { Definitions, DiffContext } from './context.js';
import { compareLimit } from './scalars.js';
import { asSchema, deref, isUnconstrained, schemaList } from './shape.js';

interface Rest {
  /** Whether items past the tuple are allowed at all. */
  permits: boolean;
  /** Their schema, when there is one that constrains anything. */
  schema?: JsonSchema;
}

/** The tuple of an array schema, in either form; empty when it has none. */
function tupleOf(s: JsonSchemaObject): { items: JsonSchema[]; keyword: string } {
  if (Array.isArray(s.prefixItems)) return { items: schemaList(s.prefixItems), keyword: 'prefixItems' };
  if (Array.isArray(s.items)) return { items: schemaList(s.items), keyword: 'items' };
  return { items: [], keyword: 'items' };
}

/** The keyword holding what items past the tuple must match. */
function restKeyword(s: JsonSchemaObject): 'items' | 'additionalItems' {
  return Array.isArray(s.prefixItems) ? 'items' : 'additionalItems';
}

function restOf(s: JsonSchemaObject, definitions: Definitions): Rest & { given: boolean } {
  const value = asSchema(s[restKeyword(s)]);
  if (value === undefined) return { permits: true, given: false };
  const resolved = deref(value, definitions);
  if (resolved === false) return { permits: false, given: true };
  return isUnconstrained(resolved) ? { permits: true, given: true } : { permits: true, schema: value, given: true };
}

/** What the tuple says about items past it: the rest keyword, else `unevaluatedItems` (Confluent's content model). */
function contentModel(s: JsonSchemaObject, definitions: Definitions): Rest {
  const rest = restOf(s, definitions);
  if (rest.given) return rest;
  const unevaluated = asSchema(s.unevaluatedItems);
  if (unevaluated === undefined) return { permits: true };
  const resolved = deref(unevaluated, definitions);
  if (resolved === false) return { permits: false };
  return isUnconstrained(resolved) ? { permits: true } : { permits: true, schema: unevaluated };
}

export function compareArrays(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  // One schema for every item; a tuple on one side has no such schema (Confluent's getAllItemSchema).
  const single = (s: JsonSchemaObject): JsonSchemaObject => (Array.isArray(s.items) || Array.isArray(s.prefixItems) ? {} : s);
  compareSubschema(ctx, 'items', single(o), single(u));
  compareTuples(ctx, o, u);
  compareAdditionalItems(ctx, o, u);
  compareUnevaluatedItems(ctx, o, u);
  compareLimit(ctx, 'maxItems', 'MAX_ITEMS', o, u);
  compareLimit(ctx, 'minItems', 'MIN_ITEMS', o, u);
  if ((o.uniqueItems === true) !== (u.uniqueItems === true)) ctx.addAt('uniqueItems', o.uniqueItems === true ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED');
  compareSubschema(ctx, 'contains', o, u);
  // minContains / maxContains bound how many items match `contains`; without it they mean nothing.
  const counted = (s: JsonSchemaObject): JsonSchemaObject => (s.contains === undefined ? {} : s);
  compareLimit(ctx, 'maxContains', 'MAX_CONTAINS', counted(o), counted(u));
  compareLimit(ctx, 'minContains', 'MIN_CONTAINS', counted(o), counted(u));
}

function compareTuples(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = tupleOf(o);
  const after = tupleOf(u);
  const oModel = contentModel(o, ctx.originalDefinitions);
  const uModel = contentModel(u, ctx.updateDefinitions);
  const keyword = after.items.length > 0 ? after.keyword : before.keyword;
  for (let i = 0; i < Math.max(before.items.length, after.items.length); i++) {
    ctx.within([keyword, String(i)], () => {
      const oItem = before.items[i];
      const uItem = after.items[i];
      if (oItem !== undefined && uItem !== undefined) compareSchemas(ctx, oItem, uItem);
      else if (oItem !== undefined) itemRemoved(ctx, uModel, oItem);
      else if (uItem !== undefined) itemAdded(ctx, oModel, uItem);
    });
  }
}

function itemRemoved(ctx: DiffContext, model: Rest, item: JsonSchema): void {
  if (model.permits && model.schema === undefined) return ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
  if (model.schema !== undefined) {
    const sub = ctx.sub();
    compareSchemas(sub, item, model.schema);
    ctx.addAll(sub.differences);
    return ctx.add(sub.isCompatible() ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  }
  ctx.add(deref(item, ctx.originalDefinitions) === false ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

function itemAdded(ctx: DiffContext, model: Rest, item: JsonSchema): void {
  if (model.permits && model.schema === undefined) {
    return ctx.add(isUnconstrained(deref(item, ctx.updateDefinitions)) ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL');
  }
  if (model.schema !== undefined) {
    const sub = ctx.sub();
    compareSchemas(sub, model.schema, item);
    ctx.addAll(sub.differences);
    return ctx.add(sub.isCompatible() ? 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  }
  ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL');
}

/** The rest of a tuple: `additionalItems`, or `items` next to `prefixItems`. */
function compareAdditionalItems(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = restOf(o, ctx.originalDefinitions);
  const after = restOf(u, ctx.updateDefinitions);
  ctx.within([restKeyword(Array.isArray(u.prefixItems) || !Array.isArray(o.prefixItems) ? u : o)], () => {
    if (before.permits !== after.permits) ctx.add(before.permits ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    else if (before.schema === undefined && after.schema !== undefined) ctx.add('ADDITIONAL_ITEMS_NARROWED');
    else if (before.schema !== undefined && after.schema === undefined) ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    else if (before.schema !== undefined && after.schema !== undefined) compareSchemas(ctx, before.schema, after.schema);
  });
}

/** `unevaluatedItems`, read as Confluent reads it: `false` closes, a schema narrows, absent or `{}` allows anything. */
export function compareUnevaluated(ctx: DiffContext, keyword: 'unevaluatedItems' | 'unevaluatedProperties', o: JsonSchemaObject, u: JsonSchemaObject): void {
  const prefix = keyword === 'unevaluatedItems' ? 'UNEVALUATED_ITEMS' : 'UNEVALUATED_PROPERTIES';
  const read = (s: JsonSchemaObject, definitions: Definitions): { closed: boolean; schema?: JsonSchema } | undefined => {
    const value = asSchema(s[keyword]);
    if (value === undefined) return undefined;
    const resolved = deref(value, definitions);
    if (resolved === false) return { closed: true };
    return isUnconstrained(resolved) ? { closed: false } : { closed: false, schema: value };
  };
  const before = read(o, ctx.originalDefinitions);
  const after = read(u, ctx.updateDefinitions);
  if (before === undefined && after === undefined) return;
  ctx.within([keyword], () => {
    const wasClosed = before?.closed === true;
    const isClosed = after?.closed === true;
    if (wasClosed !== isClosed) return ctx.add(`${prefix}_${isClosed ? 'REMOVED' : 'ADDED'}`);
    if (wasClosed) return;
    const oSchema = before?.schema;
    const uSchema = after?.schema;
    if (oSchema === undefined && uSchema !== undefined) ctx.add(`${prefix}_NARROWED`);
    else if (oSchema !== undefined && uSchema === undefined) ctx.add(`${prefix}_EXTENDED`);
    else if (oSchema !== undefined && uSchema !== undefined) compareSchemas(ctx, oSchema, uSchema);
  });
}

function compareUnevaluatedItems(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  compareUnevaluated(ctx, 'unevaluatedItems', o, u);
}
