/**
 * Array keywords, after Confluent's ArraySchemaDiff. Tuple items (`items` as a list) added or
 * removed are judged by the tuple's content model: open (extra items allowed), closed
 * (`additionalItems: false`) or partially open (an `additionalItems` schema).
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import { compareSchemas, compareSubschema } from './compare.js';
import type { Definitions, DiffContext } from './context.js';
import { compareLimit } from './scalars.js';
import { deref, isUnconstrained, schemaList } from './shape.js';

export function compareArrays(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  if (!Array.isArray(o.items) || !Array.isArray(u.items)) {
    // One schema for every item; a tuple on one side has no such schema (Confluent's getAllItemSchema).
    const single = (s: JsonSchemaObject): JsonSchemaObject => (Array.isArray(s.items) ? {} : s);
    compareSubschema(ctx, 'items', single(o), single(u));
  }
  compareTuples(ctx, o, u);
  compareAdditionalItems(ctx, o, u);
  compareLimit(ctx, 'maxItems', 'MAX_ITEMS', o, u);
  compareLimit(ctx, 'minItems', 'MIN_ITEMS', o, u);
  if ((o.uniqueItems === true) !== (u.uniqueItems === true)) ctx.addAt('uniqueItems', o.uniqueItems === true ? 'UNIQUE_ITEMS_REMOVED' : 'UNIQUE_ITEMS_ADDED');
  compareSubschema(ctx, 'contains', o, u);
}

function additionalItemsOf(s: JsonSchemaObject, definitions: Definitions): { permits: boolean; schema?: JsonSchema } {
  const value = s.additionalItems;
  if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) return { permits: true };
  const resolved = deref(value, definitions);
  if (resolved === false) return { permits: false };
  return isUnconstrained(resolved) ? { permits: true } : { permits: true, schema: value };
}

function compareTuples(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = Array.isArray(o.items) ? schemaList(o.items) : [];
  const after = Array.isArray(u.items) ? schemaList(u.items) : [];
  const oModel = additionalItemsOf(o, ctx.originalDefinitions);
  const uModel = additionalItemsOf(u, ctx.updateDefinitions);
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    ctx.within(['items', String(i)], () => {
      const oItem = before[i];
      const uItem = after[i];
      if (oItem !== undefined && uItem !== undefined) compareSchemas(ctx, oItem, uItem);
      else if (oItem !== undefined) itemRemoved(ctx, uModel, oItem);
      else if (uItem !== undefined) itemAdded(ctx, oModel, uItem);
    });
  }
}

function itemRemoved(ctx: DiffContext, model: { permits: boolean; schema?: JsonSchema }, item: JsonSchema): void {
  if (model.permits && model.schema === undefined) return ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL');
  if (model.schema !== undefined) {
    const sub = ctx.sub();
    compareSchemas(sub, item, model.schema);
    ctx.addAll(sub.differences);
    return ctx.add(sub.isCompatible() ? 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  }
  ctx.add(deref(item, ctx.originalDefinitions) === false ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

function itemAdded(ctx: DiffContext, model: { permits: boolean; schema?: JsonSchema }, item: JsonSchema): void {
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

function compareAdditionalItems(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = additionalItemsOf(o, ctx.originalDefinitions);
  const after = additionalItemsOf(u, ctx.updateDefinitions);
  ctx.within(['additionalItems'], () => {
    if (before.permits !== after.permits) ctx.add(before.permits ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED');
    else if (before.schema === undefined && after.schema !== undefined) ctx.add('ADDITIONAL_ITEMS_NARROWED');
    else if (before.schema !== undefined && after.schema === undefined) ctx.add('ADDITIONAL_ITEMS_EXTENDED');
    else if (before.schema !== undefined && after.schema !== undefined) compareSchemas(ctx, before.schema, after.schema);
  });
}
