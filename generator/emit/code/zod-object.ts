/**
 * `type: object`. The object constructor follows `additionalProperties`:
 * - absent/true → `z.looseObject`: open models accept and KEEP unknown fields, so consumers built
 *   from an older catalogue still read (and forward) events from newer producers;
 * - false → `z.strictObject`;
 * - a schema → `z.object({...}).catchall(schema)` (`z.record` when there are no properties).
 * Keywords zod has no counterpart for (`patternProperties`, `propertyNames`, `dependencies`,
 * `dependentRequired`, `dependentSchemas`, `minProperties`, `maxProperties`) become `.refine`
 * checks.
 */
import type { JsonSchema, JsonSchemaObject } from '../../model/catalog.js';
import { docComment, propertyKey, regexLiteral, stringLiteral } from './literals.js';
import {
  INDENT,
  arrayCode,
  call,
  countKeyword,
  isSchemaObject,
  pointer,
  refine,
  schemaKeyword,
  schemaMapKeyword,
  stringListKeyword,
  type Built,
  type SchemaEmitter,
} from './zod-common.js';
import { checkPattern } from './zod-string.js';

interface ObjectInput {
  schema: JsonSchemaObject;
  path: string;
  indent: string;
  emitter: SchemaEmitter;
}

function shapeCode({ schema, path, indent, emitter }: ObjectInput): string {
  const inner = indent + INDENT;
  const properties = schemaMapKeyword(schema, 'properties', path) ?? [];
  const required = new Set(stringListKeyword(schema, 'required', path) ?? []);
  // A required name without a schema must be present with any value.
  const missing = [...required].filter((name) => !properties.some(([known]) => known === name));
  const entries: [string, JsonSchema, string][] = [
    ...properties.map(([name, sub]): [string, JsonSchema, string] => [name, sub, pointer(path, 'properties', name)]),
    ...missing.map((name): [string, JsonSchema, string] => [name, true, pointer(path, 'required')]),
  ];
  if (entries.length === 0) return '{}';
  const lines = entries.map(([name, sub, subPath]) => {
    if (name === '__proto__') emitter.warn(subPath, 'property "__proto__" is not validated (zod skips it)');
    const description = isSchemaObject(sub) && typeof sub.description === 'string' ? sub.description : undefined;
    const optional = required.has(name) ? '' : '.optional()';
    const { code, getter } = emitter.property(sub, subPath, inner);
    if (getter) {
      return `${docComment(description, inner)}${inner}get ${propertyKey(name)}() {\n${inner}${INDENT}return ${code}${optional};\n${inner}},\n`;
    }
    return `${docComment(description, inner)}${inner}${propertyKey(name)}: ${code}${optional},\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

/** A check over every `[key, item]` entry of the object. */
function everyEntry(check: string): string {
  return `(value) => Object.entries(value).every(([key, item]) => ${check})`;
}

/**
 * With `patternProperties`, a key matching a pattern is not "additional", which zod's strict and
 * catchall objects cannot express; the object stays loose and both rules become checks.
 */
function patternChecks(input: ObjectInput, base: string, additional: boolean | string): string {
  const { schema, path, indent, emitter } = input;
  const inner = indent + INDENT;
  const patterns = schemaMapKeyword(schema, 'patternProperties', path) ?? [];
  let code = base;
  for (const [pattern, sub] of patterns) {
    checkPattern(pattern, pointer(path, 'patternProperties', pattern));
    const subCode = emitter.expr(sub, pointer(path, 'patternProperties', pattern), inner);
    const check = everyEntry(`!${regexLiteral(pattern)}.test(key) || ${subCode}.safeParse(item).success`);
    code = refine(code, check, `Properties matching ${pattern} must match their schema`, indent);
  }
  if (additional === true) return code;
  const known = Object.keys(isSchemaObject(schema.properties) ? schema.properties : {}).map(stringLiteral);
  const allowed = [
    ...(known.length > 0 ? [`${arrayCode(known, inner)}.includes(key)`] : []),
    ...patterns.map(([pattern]) => `${regexLiteral(pattern)}.test(key)`),
  ];
  if (additional === false) {
    const check =
      allowed.length === 0
        ? '(value) => Object.keys(value).length === 0'
        : `(value) => Object.keys(value).every((key) => ${allowed.join(' || ')})`;
    return refine(code, check, 'Additional properties are not allowed', indent);
  }
  const check = everyEntry([...allowed, `${additional}.safeParse(item).success`].join(' || '));
  return refine(code, check, 'Additional properties must match their schema', indent);
}

/**
 * Draft-07 `dependencies` (a list of names the key requires, or a schema the object must match),
 * and its 2019-09 halves `dependentRequired` (lists) and `dependentSchemas` (schemas).
 */
function dependencyChecks({ schema, path, indent, emitter }: ObjectInput, base: string): string {
  const inner = indent + INDENT;
  let code = base;
  for (const keyword of ['dependencies', 'dependentRequired', 'dependentSchemas'] as const) {
    const dependencies = schema[keyword];
    if (dependencies === undefined) continue;
    if (!isSchemaObject(dependencies)) throw new Error(`Invalid schema at ${path}: "${keyword}" must be an object`);
    const at = pointer(path, keyword);
    for (const name of Object.keys(dependencies)) {
      const guard = `!Object.hasOwn(value, ${stringLiteral(name)})`;
      const list = keyword === 'dependentRequired' || (keyword === 'dependencies' && Array.isArray(dependencies[name]));
      if (list) {
        const names = stringListKeyword(dependencies, name, at) ?? [];
        const check = `(value) => ${guard} || ${arrayCode(names.map(stringLiteral), inner)}.every((key) => Object.hasOwn(value, key))`;
        code = refine(code, check, `Property ${name} requires ${names.join(', ')}`, indent);
        continue;
      }
      const dependency = schemaKeyword(dependencies, name, at);
      if (dependency === undefined) continue;
      const subCode = emitter.expr(dependency, pointer(path, keyword, name), inner);
      const check = `(value) => ${guard} || ${subCode}.safeParse(value).success`;
      code = refine(code, check, `Objects with ${name} must match its dependency schema`, indent);
    }
  }
  return code;
}

/** The object constructor `additionalProperties` calls for (see the file comment). */
function baseObject(input: ObjectInput, shape: string, additional: boolean | string): Built {
  const { schema, path, indent } = input;
  if (schema.patternProperties !== undefined) return { code: patternChecks(input, `z.looseObject(${shape})`, additional) };
  if (additional === true) return { code: `z.looseObject(${shape})` };
  if (additional !== false) {
    if (shape === '{}') return { code: call('z.record', ['z.string()', additional], indent) };
    return { code: call(`z.object(${shape}).catchall`, [additional], indent) };
  }
  const keys = Object.keys(isSchemaObject(schema.properties) ? schema.properties : {});
  // A required name that is not a property is an additional property: nothing can match.
  const required = stringListKeyword(schema, 'required', path) ?? [];
  if (required.some((name) => !keys.includes(name))) return { code: 'z.never()' };
  return { code: `z.strictObject(${shape})`, closed: () => keys };
}

export function objectExpr(schema: JsonSchemaObject, path: string, indent: string, emitter: SchemaEmitter): Built {
  const input: ObjectInput = { schema, path, indent, emitter };
  const inner = indent + INDENT;
  // true / false, or the code of the schema every additional property must match.
  const additionalSchema = schemaKeyword(schema, 'additionalProperties', path) ?? true;
  let additional: boolean | string =
    typeof additionalSchema === 'boolean'
      ? additionalSchema
      : emitter.expr(additionalSchema, pointer(path, 'additionalProperties'), inner);
  if (additional === 'z.unknown()') additional = true;
  if (additional === 'z.never()') additional = false;
  const base = baseObject(input, shapeCode(input), additional);
  if (base.code === 'z.never()') return base;

  let code = base.code;
  const propertyNames = schemaKeyword(schema, 'propertyNames', path);
  if (propertyNames !== undefined) {
    const names = emitter.expr(propertyNames, pointer(path, 'propertyNames'), inner);
    const check = `(value) => Object.keys(value).every((key) => ${names}.safeParse(key).success)`;
    code = refine(code, check, 'Invalid property name', indent);
  }
  const minProperties = countKeyword(schema, 'minProperties', path);
  if (minProperties !== undefined) {
    const check = `(value) => Object.keys(value).length >= ${minProperties}`;
    code = refine(code, check, `Must have at least ${minProperties} properties`, indent);
  }
  const maxProperties = countKeyword(schema, 'maxProperties', path);
  if (maxProperties !== undefined) {
    const check = `(value) => Object.keys(value).length <= ${maxProperties}`;
    code = refine(code, check, `Must have at most ${maxProperties} properties`, indent);
  }
  // Refinements keep a strict root strict: `closed` still applies.
  return { ...base, code: dependencyChecks(input, code) };
}
