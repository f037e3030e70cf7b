/** fast-check generators of JSON Schemas covering the keyword families the checker compares, 2019-09 / 2020-12 keywords included. */
import fc from 'fast-check';
import type { JsonSchema, JsonSchemaObject } from '../../generator/model/catalog.js';

const NAMES = ['id', 'name', 'qty', 'tags', 'note'] as const;
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Drops keys whose value is undefined, so schemas stay plain JSON. */
function clean(record: Record<string, unknown>): JsonSchemaObject {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as JsonSchemaObject;
}

const stringSchema = fc
  .record({ maxLength: maybe(fc.integer({ min: 1, max: 40 })), minLength: maybe(fc.integer({ min: 0, max: 5 })), pattern: maybe(fc.constantFrom('^a', '^[0-9]+$')), format: maybe(fc.constantFrom('uuid', 'date')), enum: maybe(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 3 })) })
  .map((r) => clean({ type: 'string', ...r }));

const numberSchema = fc
  .record({ type: fc.constantFrom('number', 'integer'), maximum: maybe(fc.integer({ min: 0, max: 100 })), minimum: maybe(fc.integer({ min: -10, max: 0 })), exclusiveMaximum: maybe(fc.integer({ min: 0, max: 100 })), multipleOf: maybe(fc.constantFrom(1, 2, 4, 0.5)) })
  .map(clean);

const leaf: fc.Arbitrary<JsonSchema> = fc.oneof(
  stringSchema,
  numberSchema,
  fc.constant<JsonSchema>({ type: 'boolean' }),
  fc.constant<JsonSchema>({ type: 'null' }),
  fc.constant<JsonSchema>({ type: ['string', 'null'] }),
  fc.constantFrom<JsonSchema>(true, {}, { const: 'fixed' }, { description: 'anything' }),
);

export const schemaArb: fc.Arbitrary<JsonSchema> = fc.letrec<{ schema: JsonSchema; object: JsonSchema; array: JsonSchema; prefixed: JsonSchema; union: JsonSchema }>((tie) => ({
  schema: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('object'), tie('array'), tie('prefixed'), tie('union')),
  object: fc
    .record({
      properties: fc.dictionary(fc.constantFrom(...NAMES), tie('schema'), { maxKeys: 4 }),
      required: fc.subarray([...NAMES], { maxLength: 3 }),
      additionalProperties: maybe(fc.oneof(fc.boolean(), tie('schema'))),
      patternProperties: maybe(fc.record({ '^x_': tie('schema') })),
      maxProperties: maybe(fc.integer({ min: 1, max: 9 })),
      dependencies: maybe(fc.record({ id: fc.subarray(['name', 'qty']) })),
      dependentRequired: maybe(fc.record({ name: fc.subarray(['id', 'qty']) })),
      dependentSchemas: maybe(fc.record({ qty: tie('schema') })),
      unevaluatedProperties: maybe(fc.oneof(fc.boolean(), tie('schema'))),
      if: maybe(fc.constant<JsonSchema>({ required: ['id'] })),
      then: maybe(tie('schema')),
    })
    .map((r) => clean({ type: 'object', ...r })),
  array: fc
    .record({
      items: maybe(fc.oneof(tie('schema'), fc.array(tie('schema'), { minLength: 1, maxLength: 3 }))),
      additionalItems: maybe(fc.oneof(fc.boolean(), tie('schema'))),
      maxItems: maybe(fc.integer({ min: 1, max: 9 })),
      uniqueItems: maybe(fc.boolean()),
      contains: maybe(tie('schema')),
      minContains: maybe(fc.integer({ min: 0, max: 3 })),
      maxContains: maybe(fc.integer({ min: 1, max: 5 })),
      unevaluatedItems: maybe(fc.oneof(fc.boolean(), tie('schema'))),
    })
    .map((r) => clean({ type: 'array', ...r })),
  prefixed: fc
    .record({
      prefixItems: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }),
      items: maybe(fc.oneof(fc.boolean(), tie('schema'))),
      unevaluatedItems: maybe(fc.oneof(fc.boolean(), tie('schema'))),
    })
    .map((r) => clean({ type: 'array', ...r })),
  union: fc.tuple(fc.constantFrom('oneOf', 'anyOf', 'allOf'), fc.array(tie('schema'), { minLength: 1, maxLength: 3 })).map(([k, branches]) => ({ [k]: branches }) as JsonSchema),
})).schema;

/** An object with an open content model (no additionalProperties, no patternProperties). */
export const openObjectArb: fc.Arbitrary<JsonSchemaObject> = fc
  .record({ properties: fc.dictionary(fc.constantFrom(...NAMES), schemaArb, { maxKeys: 4 }), required: fc.subarray([...NAMES], { maxLength: 2 }) })
  .map((r) => ({ type: 'object', ...r }) as JsonSchemaObject);

/** A schema and a small edit of it, so that pairs are related (independent pairs rarely share structure). */
export const relatedPairArb: fc.Arbitrary<[JsonSchema, JsonSchema]> = fc.oneof(
  fc.tuple(schemaArb, schemaArb),
  fc.tuple(schemaArb, schemaArb, fc.constantFrom(...NAMES), fc.nat(5)).map(([a, extra, name, edit]): [JsonSchema, JsonSchema] => [a, edited(a, extra, name, edit)]),
);

function edited(schema: JsonSchema, extra: JsonSchema, name: string, edit: number): JsonSchema {
  const s: JsonSchemaObject = typeof schema === 'object' ? structuredClone(schema) : {};
  const properties = (typeof s.properties === 'object' && s.properties !== null && !Array.isArray(s.properties) ? s.properties : {}) as Record<string, JsonSchema>;
  switch (edit) {
    case 0:
      return { ...s, properties: { ...properties, [name]: extra } };
    case 1:
      return { ...s, properties: Object.fromEntries(Object.entries(properties).filter(([k]) => k !== name)) };
    case 2:
      return { ...s, additionalProperties: s.additionalProperties === false };
    case 3:
      return { ...s, maxLength: typeof s.maxLength === 'number' ? s.maxLength - 1 : 10 };
    case 4:
      return { oneOf: [schema, { type: 'null' }] };
    default:
      return { ...s, required: [...(Array.isArray(s.required) ? s.required : []), name] };
  }
}
