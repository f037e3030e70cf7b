/**
 * Object keywords, after Confluent's ObjectSchemaDiff. A property added or removed is judged by
 * the content model of the object that lacks it: open (any other property allowed), closed
 * (`additionalProperties: false`) or partially open (`patternProperties`, or an
 * `additionalProperties` schema, whose schema for the name is then compared with the property's).
 * As for a registry, an object with `patternProperties` is never open: a name no pattern matches
 * falls to the `additionalProperties` schema, and without one the object counts as closed for it.
 * When `additionalProperties` is absent, `unevaluatedProperties` (2019-09) stands in for it.
 * `dependencies` is read together with its 2019-09 halves, `dependentRequired` and
 * `dependentSchemas`, so moving a dependency from one to the other is no change.
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import { compareUnevaluated } from './arrays.js';
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
  compareUnevaluated(ctx, 'unevaluatedProperties', o, u);
  compareLimit(ctx, 'maxProperties', 'MAX_PROPERTIES', o, u);
  compareLimit(ctx, 'minProperties', 'MIN_PROPERTIES', o, u);
  compareSubschema(ctx, 'propertyNames', o, u);
}

/** What an object says about a name it does not declare. */
function contentFor(s: JsonSchemaObject, name: string, definitions: Definitions): Content {
  const patterns = Object.entries(schemaMap(s.patternProperties));
  for (const [pattern, schema] of patterns) {
    if (patternMatches(pattern, name)) return { kind: 'partial', schema };
  }
  const additional = s.additionalProperties === undefined ? unevaluatedOf(s, definitions) : additionalOf(s, definitions);
  if (!additional.permits) return { kind: 'closed' };
  if (additional.schema !== undefined) return { kind: 'partial', schema: additional.schema };
  return patterns.length > 0 ? { kind: 'closed' } : { kind: 'open' };
}

function unevaluatedOf(s: JsonSchemaObject, definitions: Definitions): { permits: boolean; schema?: JsonSchema } {
  return additionalOf({ additionalProperties: s.unevaluatedProperties ?? true }, definitions);
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
    const oDep = before.get(name) ?? {};
    const uDep = after.get(name) ?? {};
    const oList = oDep.list;
    const uList = uDep.list;
    if (oList !== undefined || uList !== undefined) {
      ctx.within([uList?.keyword ?? oList!.keyword, name], () => {
        if (oList && !uList) ctx.add('DEPENDENCY_ARRAY_REMOVED', { before: oList.names });
        else if (!oList && uList) ctx.add('DEPENDENCY_ARRAY_ADDED', { after: uList.names });
        else if (oList && uList) {
          const grew = oList.names.every((n) => uList.names.includes(n));
          const shrank = uList.names.every((n) => oList.names.includes(n));
          if (!(grew && shrank)) ctx.add(grew ? 'DEPENDENCY_ARRAY_EXTENDED' : shrank ? 'DEPENDENCY_ARRAY_NARROWED' : 'DEPENDENCY_ARRAY_CHANGED', { before: oList.names, after: uList.names });
        }
      });
    }
    const oSchema = oDep.schema;
    const uSchema = uDep.schema;
    if (oSchema !== undefined || uSchema !== undefined) {
      ctx.within([uSchema?.keyword ?? oSchema!.keyword, name], () => {
        if (oSchema !== undefined && uSchema === undefined) ctx.add('DEPENDENCY_SCHEMA_REMOVED');
        else if (oSchema === undefined && uSchema !== undefined) ctx.add('DEPENDENCY_SCHEMA_ADDED');
        else if (oSchema !== undefined && uSchema !== undefined) compareSchemas(ctx, oSchema.schema, uSchema.schema);
      });
    }
  }
}

interface Dependency {
  list?: { names: string[]; keyword: string };
  schema?: { schema: JsonSchema; keyword: string };
}

/** `dependencies`, `dependentRequired` and `dependentSchemas` of an object, by property name. */
function dependencies(s: JsonSchemaObject): Map<string, Dependency> {
  const out = new Map<string, Dependency>();
  for (const keyword of ['dependencies', 'dependentRequired', 'dependentSchemas']) {
    const value = s[keyword];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const [name, dep] of Object.entries(value)) {
      const entry = out.get(name) ?? {};
      if (Array.isArray(dep) && keyword !== 'dependentSchemas') {
        entry.list = { names: [...new Set([...(entry.list?.names ?? []), ...stringList(dep)])], keyword };
      } else if (keyword !== 'dependentRequired' && (typeof dep === 'boolean' || (typeof dep === 'object' && dep !== null && !Array.isArray(dep)))) {
        entry.schema = entry.schema === undefined ? { schema: dep, keyword } : { schema: { allOf: [entry.schema.schema, dep] }, keyword };
      }
      out.set(name, entry);
    }
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
