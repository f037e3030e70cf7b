/** Static facts about JSON Schema keywords and values, shared by the zod builders. */
import type { JsonSchemaObject, JsonValue } from '../../model/catalog.js';

export const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'] as const;
export type TypeName = (typeof TYPES)[number];

/** Keywords per type, used to infer a missing `type`. */
const TYPE_KEYWORDS: readonly [TypeName, readonly string[]][] = [
  [
    'object',
    [
      'properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties', 'maxProperties',
      'dependencies', 'dependentRequired', 'dependentSchemas',
    ],
  ],
  ['array', ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains']],
  ['string', ['minLength', 'maxLength', 'pattern']],
  ['number', ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']],
];

/** Formats that only constrain numbers (ajv-formats); every other format constrains strings. */
export const NUMBER_FORMATS: ReadonlySet<string> = new Set(['int32', 'int64', 'float', 'double']);

/**
 * Keywords of any type. `unevaluatedProperties` / `unevaluatedItems` (2019-09) depend on what the
 * applicators around them evaluated, so they are checked on the whole schema, not per type.
 */
const GENERIC_KEYWORDS = [
  'type', 'enum', 'const', '$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'nullable', 'format',
  'unevaluatedProperties', 'unevaluatedItems',
];

/** Keywords that never affect validation. */
const ANNOTATIONS = [
  'title', 'description', 'default', 'examples', 'example', '$comment', 'readOnly', 'writeOnly', 'deprecated',
  '$id', '$schema', '$defs', 'definitions', 'contentEncoding', 'contentMediaType', 'discriminator', 'externalDocs', 'xml',
];

/** Every keyword the builder understands; others (except `x-*`) are reported. */
export const KNOWN_KEYWORDS: ReadonlySet<string> = new Set([
  ...GENERIC_KEYWORDS,
  ...ANNOTATIONS,
  ...TYPE_KEYWORDS.flatMap(([, keywords]) => keywords),
]);

export function isType(value: JsonValue): value is TypeName {
  return typeof value === 'string' && (TYPES as readonly string[]).includes(value);
}

export function jsonType(value: JsonValue): TypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

export function matchesType(value: JsonValue, type: TypeName): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  return jsonType(value) === type;
}

/** The types a schema without `type` is built as: those its keywords belong to. */
export function inferTypes(schema: JsonSchemaObject): TypeName[] {
  const types = TYPE_KEYWORDS.filter(([, keywords]) => keywords.some((keyword) => schema[keyword] !== undefined)).map(
    ([type]) => type,
  );
  const format = schema.format;
  if (typeof format === 'string') {
    const formatType = NUMBER_FORMATS.has(format) ? 'number' : 'string';
    if (!types.includes(formatType)) types.push(formatType);
  }
  return types;
}

/** `#/$defs/<name>` → name (URI-fragment and JSON-pointer decoded, as ajv resolves it). */
export function refTarget(ref: JsonValue, path: string): string {
  const match = typeof ref === 'string' ? /^#\/\$defs\/([^/]+)$/.exec(ref) : null;
  if (match?.[1] === undefined) {
    throw new Error(`Unsupported $ref at ${path}: ${JSON.stringify(ref)} (expected "#/$defs/<name>")`);
  }
  let segment = match[1];
  try {
    segment = decodeURIComponent(segment);
  } catch {
    // Not percent-encoded: use the name as written.
  }
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
