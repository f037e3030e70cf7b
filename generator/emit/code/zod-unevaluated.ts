/**
 * `unevaluatedProperties` / `unevaluatedItems` (JSON Schema 2019-09 and 2020-12).
 *
 * A property (item) is *evaluated* when a keyword of the schema, or of a subschema the instance
 * validated against, looked at it: `properties`, `patternProperties`, `additionalProperties` (and
 * `prefixItems`, `items`, `additionalItems`, `contains`), or a nested `unevaluated*` keyword, through
 * `allOf`, the branches of `anyOf` / `oneOf` that match, `if` / `then` / `else` as the condition
 * goes, `dependentSchemas` whose key is present, and `$ref`. The rest must match the
 * `unevaluated*` schema (`false`: there must be none).
 *
 * Two forms:
 * - Without applicators (no allOf, anyOf, oneOf, if, $ref, dependentSchemas, schema
 *   dependencies, and for items no `contains`), only the schema's own keywords evaluate anything,
 *   so `unevaluatedProperties` means `additionalProperties` and `unevaluatedItems` means the rest
 *   of the tuple (or `items`): {@link foldUnevaluated} rewrites it so, and the object or tuple
 *   type comes out closed (`z.strictObject`, a tuple without rest element) as it should.
 * - Otherwise a `.refine` on the whole schema computes, per property (item), whether it was
 *   evaluated, running the applicators' subschemas (anyOf branches, the if condition) on the
 *   instance as the specification does. As in ajv 8, the reference, `contains` counts every item
 *   as evaluated (2020-12 counts those it matched: ajv, and so this, accept a little more).
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import { stringLiteral, regexLiteral } from './literals.js';
import { INDENT, arrayCode, isSchemaObject, pointer, refine, type SchemaEmitter } from './zod-common.js';
import { inferTypes, refTarget } from './zod-keywords.js';

const APPLICATORS = ['allOf', 'anyOf', 'oneOf', 'if', '$ref', 'dependentSchemas'] as const;

function hasApplicators(schema: JsonSchemaObject): boolean {
  if (APPLICATORS.some((keyword) => schema[keyword] !== undefined)) return true;
  const dependencies = schema.dependencies;
  return isSchemaObject(dependencies) && Object.values(dependencies).some((dep) => !Array.isArray(dep));
}

function builtAs(schema: JsonSchemaObject, type: 'object' | 'array'): boolean {
  const declared = schema.type;
  if (declared === undefined) return inferTypes(schema).includes(type);
  return declared === type || (Array.isArray(declared) && declared.includes(type));
}

/**
 * The schema with `unevaluated*` folded into the keywords they then mean, when no applicator can
 * evaluate anything (see the file comment); the schema itself otherwise.
 */
export function foldUnevaluated(schema: JsonSchemaObject): JsonSchemaObject {
  if (schema.unevaluatedProperties === undefined && schema.unevaluatedItems === undefined) return schema;
  if (hasApplicators(schema)) return schema;
  const out: JsonSchemaObject = { ...schema };
  const properties = schema.unevaluatedProperties;
  if (properties !== undefined && builtAs(schema, 'object')) {
    if (schema.additionalProperties === undefined) out.additionalProperties = properties;
    delete out.unevaluatedProperties;
  }
  const items = schema.unevaluatedItems;
  if (items !== undefined && schema.contains === undefined && builtAs(schema, 'array')) {
    if (schema.prefixItems !== undefined) {
      if (schema.items === undefined) out.items = items;
    } else if (Array.isArray(schema.items)) {
      if (schema.additionalItems === undefined) out.additionalItems = items;
    } else if (schema.items === undefined) {
      out.items = items;
    }
    delete out.unevaluatedItems;
  }
  return out;
}

export interface EvaluationInput {
  emitter: SchemaEmitter;
  definitions: Readonly<Record<string, JsonSchema>> | undefined;
}

type Kind = 'properties' | 'items';

/** `a || b`, with `true` absorbing and `false` dropped. */
function or(parts: readonly string[]): string {
  const kept = parts.filter((part) => part !== 'false');
  if (kept.includes('true')) return 'true';
  if (kept.length === 0) return 'false';
  return kept.length === 1 ? kept[0]! : kept.map((part) => `(${part})`).join(' || ');
}

/**
 * A JavaScript condition, over `value` (the instance) and `key` (or `index` and `item`), true when
 * `schema` evaluates that property (item); `'true'` / `'false'` when it does not depend on them.
 */
function evaluated(input: EvaluationInput, kind: Kind, schema: JsonSchema, path: string, indent: string, nested: boolean, seen: ReadonlySet<string>): string {
  if (typeof schema === 'boolean') return 'false';
  const own = kind === 'properties' ? ownProperties(schema, indent, nested) : ownItems(schema, nested);
  if (own === 'true') return 'true';
  const parts = [own];
  const sub = (child: JsonSchema, at: string): string => evaluated(input, kind, child, at, indent, true, seen);
  const matches = (child: JsonSchema, at: string): string => `${input.emitter.expr(child, at, indent + INDENT)}.safeParse(value).success`;
  if (typeof schema.$ref === 'string') {
    const name = refTarget(schema.$ref, path);
    const definition = input.definitions?.[name];
    if (definition === undefined) {
      input.emitter.warn(path, `what "${name}" evaluates is not known here, so unevaluated${kind === 'properties' ? 'Properties' : 'Items'} is not enforced`);
      return 'true';
    }
    // A reference back to a definition being read applies to the same instance again: nothing new.
    if (!seen.has(name)) parts.push(evaluated(input, kind, definition, `#/$defs/${name}`, indent, true, new Set([...seen, name])));
  }
  if (Array.isArray(schema.allOf)) schema.allOf.forEach((branch, i) => parts.push(sub(branch as JsonSchema, pointer(path, 'allOf', i))));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    branches.forEach((branch, i) => {
      const at = pointer(path, keyword, i);
      const inner = sub(branch as JsonSchema, at);
      if (inner === 'false') return;
      parts.push(inner === 'true' ? matches(branch as JsonSchema, at) : `${matches(branch as JsonSchema, at)} && (${inner})`);
    });
  }
  if (isSchemaObject(schema.if) || typeof schema.if === 'boolean') {
    const condition = schema.if;
    const branch = (keyword: 'then' | 'else'): string => {
      const child = schema[keyword];
      return isSchemaObject(child) || typeof child === 'boolean' ? sub(child, pointer(path, keyword)) : 'false';
    };
    const whenTrue = or([sub(condition, pointer(path, 'if')), branch('then')]);
    const whenFalse = branch('else');
    if (whenTrue !== 'false' || whenFalse !== 'false') parts.push(`${matches(condition, pointer(path, 'if'))} ? ${whenTrue} : ${whenFalse}`);
  }
  for (const keyword of ['dependentSchemas', 'dependencies'] as const) {
    const dependencies = schema[keyword];
    if (!isSchemaObject(dependencies)) continue;
    for (const [name, dependency] of Object.entries(dependencies)) {
      if (Array.isArray(dependency) || !(isSchemaObject(dependency) || typeof dependency === 'boolean')) continue;
      const inner = sub(dependency, pointer(path, keyword, name));
      if (inner !== 'false') parts.push(`Object.hasOwn(Object(value), ${stringLiteral(name)}) && (${inner})`);
    }
  }
  return or(parts);
}

function ownProperties(schema: JsonSchemaObject, indent: string, nested: boolean): string {
  if (schema.additionalProperties !== undefined) return 'true';
  if (nested && schema.unevaluatedProperties !== undefined) return 'true';
  const parts: string[] = [];
  const names = isSchemaObject(schema.properties) ? Object.keys(schema.properties) : [];
  if (names.length > 0) parts.push(`${arrayCode(names.map(stringLiteral), indent + INDENT)}.includes(key)`);
  if (isSchemaObject(schema.patternProperties)) {
    for (const pattern of Object.keys(schema.patternProperties)) parts.push(`${regexLiteral(pattern)}.test(key)`);
  }
  return or(parts);
}

function ownItems(schema: JsonSchemaObject, nested: boolean): string {
  if (nested && schema.unevaluatedItems !== undefined) return 'true';
  const parts: string[] = [];
  if (Array.isArray(schema.prefixItems)) {
    if (schema.items !== undefined) return 'true';
    parts.push(`index < ${schema.prefixItems.length}`);
  } else if (Array.isArray(schema.items)) {
    if (schema.additionalItems !== undefined) return 'true';
    parts.push(`index < ${schema.items.length}`);
  } else if (schema.items !== undefined) {
    return 'true';
  }
  // ajv 8 counts every item as evaluated once `contains` is there (2020-12 counts those it matched).
  if (schema.contains !== undefined) return 'true';
  return or(parts);
}

/** Whether generated code reads the callback parameter `name` (so it must not be named `_name`). */
function uses(code: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.'"])${name}(?![\\w$'"])`).test(code);
}

/** The refinements for the schema's own `unevaluatedProperties` / `unevaluatedItems`, appended to `code`. */
export function unevaluatedChecks(input: EvaluationInput, schema: JsonSchemaObject, code: string, path: string, indent: string): string {
  const inner = indent + INDENT;
  let out = code;
  const properties = schema.unevaluatedProperties;
  if (properties !== undefined && properties !== true) {
    if (!(isSchemaObject(properties) || properties === false)) throw new Error(`Invalid schema at ${path}: "unevaluatedProperties" must be a schema`);
    const test = evaluated(input, 'properties', schema, path, inner, false, new Set());
    if (test !== 'true') {
      const rest = properties === false ? undefined : input.emitter.expr(properties, pointer(path, 'unevaluatedProperties'), inner);
      const guard = "typeof value !== 'object' || !value || Array.isArray(value)";
      const key = uses(test, 'key') ? 'key' : '_key';
      let check: string;
      if (rest === undefined) check = test === 'false' ? 'Object.keys(value).length === 0' : `Object.keys(value).every((${key}) => ${test})`;
      else if (test === 'false') check = `Object.values(value).every((item) => ${rest}.safeParse(item).success)`;
      else if (key === '_key') check = `Object.values(value).every((item) => ${test} || ${rest}.safeParse(item).success)`;
      else check = `Object.entries(value).every(([key, item]) => ${test} || ${rest}.safeParse(item).success)`;
      const message = rest === undefined ? 'Unevaluated properties are not allowed' : 'Unevaluated properties must match their schema';
      out = refine(out, `(value) => ${guard} || ${check}`, message, indent);
    }
  }
  const items = schema.unevaluatedItems;
  if (items !== undefined && items !== true) {
    if (!(isSchemaObject(items) || items === false)) throw new Error(`Invalid schema at ${path}: "unevaluatedItems" must be a schema`);
    const test = evaluated(input, 'items', schema, path, inner, false, new Set());
    if (test !== 'true') {
      const rest = items === false ? undefined : `${input.emitter.expr(items, pointer(path, 'unevaluatedItems'), inner)}.safeParse(item).success`;
      const body = or([test, rest ?? 'false']);
      const params = `(${uses(body, 'item') ? 'item' : '_item'}, ${uses(body, 'index') ? 'index' : '_index'})`;
      const check = body === 'false' ? 'value.length === 0' : `value.every(${params} => ${body})`;
      const message = rest === undefined ? 'Unevaluated items are not allowed' : 'Unevaluated items must match their schema';
      out = refine(out, `(value) => !Array.isArray(value) || ${check}`, message, indent);
    }
  }
  return out;
}
