/**
 * Object keywords, after Confluent's ObjectSchemaDiff. A property added or removed is judged by
 * the content model of the object that lacks it: open (any other property allowed), closed
 * (`additionalProperties: false`) or partially open (the name falls under `patternProperties` or an
 * `additionalProperties` schema, which is then compared with the property's schema).
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import { compareSchemas, compareSubschema } from './compare.js';
import type { Definitions, DiffContext } from './context.js';
import { compareLimit } from './scalars.js';
import { asObject, deref, isUnconstrained, patternMatches, schemaMap, stringList } from './shape.js';

type Content = { kind: 'open' } | { kind: 'closed' } | { kind: 'partial'; schema: JsonSchema };

export function compareObjects(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  compareRequired(ctx, o, u);
  compareProperties(ctx, o, u);
  comparePatternProperties(ctx, o, u);
  compareDependencies(ctx, o, u);
  compareAdditionalProperties(ctx, o, u);
  compareLimit(ctx, 'maxProperties', 'MAX_PROPERTIES', o, u);
  compareLimit(ctx, 'minProperties', 'MIN_PROPERTIES', o, u);
  compareSubschema(ctx, 'propertyNames', o, u);
}

/** What an object says about a name it does not declare. */
function contentFor(s: JsonSchemaObject, name: string, definitions: Definitions): Content {
  for (const [pattern, schema] of Object.entries(schemaMap(s.patternProperties))) {
    if (patternMatches(pattern, name)) return { kind: 'partial', schema };
  }
  const additional = additionalOf(s, definitions);
  if (!additional.permits) return { kind: 'closed' };
  return additional.schema === undefined ? { kind: 'open' } : { kind: 'partial', schema: additional.schema };
}

function additionalOf(s: JsonSchemaObject, definitions: Definitions): { permits: boolean; schema?: JsonSchema } {
  const value = s.additionalProperties;
  if (value === undefined || value === null || (typeof value !== 'boolean' && typeof value !== 'object') || Array.isArray(value)) return { permits: true };
  const resolved = deref(value, definitions);
  if (resolved === false) return { permits: false };
  return isUnconstrained(resolved) ? { permits: true } : { permits: true, schema: value };
}

function hasDefault(schema: JsonSchema | undefined, definitions: Definitions): boolean {
  return schema !== undefined && asObject(deref(schema, definitions)).default !== undefined;
}

function compareRequired(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const oProps = schemaMap(o.properties);
  const uProps = schemaMap(u.properties);
  const oReq = new Set(stringList(o.required));
  const uReq = new Set(stringList(u.required));
  // Names declared on both sides, and names required without a property schema on either side;
  // a property added or removed is judged with its content model in compareProperties.
  const names = new Set([...Object.keys(oProps).filter((n) => n in uProps), ...[...oReq, ...uReq].filter((n) => !(n in oProps) && !(n in uProps))]);
  for (const name of names) {
    const before = oReq.has(name);
    const after = uReq.has(name);
    if (before && !after) ctx.within(['required', name], () => ctx.add('REQUIRED_ATTRIBUTE_REMOVED'));
    else if (!before && after) {
      const type = hasDefault(uProps[name], ctx.updateDefinitions) ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED';
      ctx.within(['required', name], () => ctx.add(type));
    }
  }
}

function compareProperties(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const oProps = schemaMap(o.properties);
  const uProps = schemaMap(u.properties);
  const oReq = new Set(stringList(o.required));
  const uReq = new Set(stringList(u.required));
  for (const name of new Set([...Object.keys(oProps), ...Object.keys(uProps)])) {
    ctx.within(['properties', name], () => {
      const before = oProps[name];
      const after = uProps[name];
      if (before !== undefined && after !== undefined) compareSchemas(ctx, before, after);
      else if (after !== undefined) propertyAdded(ctx, contentFor(o, name, ctx.originalDefinitions), after, uReq.has(name));
      else if (before !== undefined) propertyRemoved(ctx, contentFor(u, name, ctx.updateDefinitions), before, oReq.has(name));
    });
  }
}

function propertyAdded(ctx: DiffContext, content: Content, schema: JsonSchema, required: boolean): void {
  const withDefault = hasDefault(schema, ctx.updateDefinitions);
  if (content.kind === 'open') {
    if (required) ctx.add(withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    else ctx.add(isUnconstrained(deref(schema, ctx.updateDefinitions)) ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL' : 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
    return;
  }
  if (content.kind === 'partial') {
    const sub = ctx.sub();
    compareSchemas(sub, content.schema, schema);
    ctx.addAll(sub.differences);
    ctx.add(sub.isCompatible() ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  }
  if (!required) ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
  else ctx.add(withDefault ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL' : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
}

function propertyRemoved(ctx: DiffContext, content: Content, schema: JsonSchema, required: boolean): void {
  if (content.kind === 'open') return ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL');
  if (content.kind === 'partial') {
    const sub = ctx.sub();
    compareSchemas(sub, schema, content.schema);
    ctx.addAll(sub.differences);
    return ctx.add(sub.isCompatible() ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL' : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL');
  }
  if (deref(schema, ctx.originalDefinitions) === false) return ctx.add('PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL');
  // Confluent reports both as PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL; its lenient policy
  // accepts only the optional one (schema-registry#4292), so the two get their own ids here.
  ctx.add(required ? 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL' : 'OPTIONAL_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
}

function comparePatternProperties(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = schemaMap(o.patternProperties);
  const after = schemaMap(u.patternProperties);
  for (const pattern of new Set([...Object.keys(before), ...Object.keys(after)])) {
    ctx.within(['patternProperties', pattern], () => {
      const oSchema = before[pattern];
      const uSchema = after[pattern];
      if (oSchema !== undefined && uSchema !== undefined) return compareSchemas(ctx, oSchema, uSchema);
      if (uSchema !== undefined) {
        // A closed object had no such names, unless one of its declared properties matches.
        const closed = !additionalOf(o, ctx.originalDefinitions).permits && !Object.keys(schemaMap(o.properties)).some((n) => patternMatches(pattern, n));
        return ctx.add(closed ? 'PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL' : 'PATTERN_PROPERTY_ADDED');
      }
      const fallback = additionalOf(u, ctx.updateDefinitions);
      if (!fallback.permits) return ctx.add('PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
      if (fallback.schema !== undefined) compareSchemas(ctx, oSchema, fallback.schema);
      ctx.add('PATTERN_PROPERTY_REMOVED');
    });
  }
}

function compareDependencies(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = dependencies(o);
  const after = dependencies(u);
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    ctx.within(['dependencies', name], () => {
      const oDep = before.get(name);
      const uDep = after.get(name);
      const oList = Array.isArray(oDep) ? oDep : undefined;
      const uList = Array.isArray(uDep) ? uDep : undefined;
      if (oList && !uList) ctx.add('DEPENDENCY_ARRAY_REMOVED', { before: oList });
      else if (!oList && uList) ctx.add('DEPENDENCY_ARRAY_ADDED', { after: uList });
      else if (oList && uList) {
        const grew = oList.every((n) => uList.includes(n));
        const shrank = uList.every((n) => oList.includes(n));
        if (!(grew && shrank)) ctx.add(grew ? 'DEPENDENCY_ARRAY_EXTENDED' : shrank ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED', { before: oList, after: uList });
      }
      const oSchema = Array.isArray(oDep) ? undefined : oDep;
      const uSchema = Array.isArray(uDep) ? undefined : uDep;
      if (oSchema !== undefined && uSchema === undefined) ctx.add('DEPENDENCY_SCHEMA_REMOVED');
      else if (oSchema === undefined && uSchema !== undefined) ctx.add('DEPENDENCY_SCHEMA_ADDED');
      else if (oSchema !== undefined && uSchema !== undefined) compareSchemas(ctx, oSchema, uSchema);
    });
  }
}

function dependencies(s: JsonSchemaObject): Map<string, string[] | JsonSchema> {
  const out = new Map<string, string[] | JsonSchema>();
  const value = s.dependencies;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [name, dep] of Object.entries(value)) {
    if (Array.isArray(dep)) out.set(name, stringList(dep));
    else if (typeof dep === 'boolean' || (typeof dep === 'object' && dep !== null)) out.set(name, dep);
  }
  return out;
}

function compareAdditionalProperties(ctx: DiffContext, o: JsonSchemaObject, u: JsonSchemaObject): void {
  const before = additionalOf(o, ctx.originalDefinitions);
  const after = additionalOf(u, ctx.updateDefinitions);
  ctx.within(['additionalProperties'], () => {
    if (before.permits !== after.permits) ctx.add(after.permits ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED');
    else if (before.schema === undefined && after.schema !== undefined) ctx.add('ADDITIONAL_PROPERTIES_NARROWED');
    else if (before.schema !== undefined && after.schema === undefined) ctx.add('ADDITIONAL_PROPERTIES_EXTENDED');
    else if (before.schema !== undefined && after.schema !== undefined) compareSchemas(ctx, before.schema, after.schema);
  });
}
