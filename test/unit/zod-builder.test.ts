/**
 * zod builder: every case builds code, evaluates it, and checks each sample against both the zod
 * schema and ajv (+ ajv-formats), the reference for JSON Schema semantics. Valid samples must also
 * come out of `parse` unchanged: validators never rewrite payloads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stringLiteral } from '../../generator/emit/code/literals.js';
import { buildZod, zodExpression, type ZodContext } from '../../generator/emit/code/zod.js';
import type { JsonSchema, JsonSchemaObject } from '../../generator/model/catalog.js';

const ajv = new Ajv({ strict: false, allErrors: false });
formats.default(ajv);

interface Case {
  name: string;
  given: JsonSchema;
  /** Named schemas reachable as `#/$defs/<name>`, built in order. */
  defs?: Record<string, JsonSchema>;
  /** Def names referenced with z.lazy. */
  lazy?: string[];
  valid: unknown[];
  invalid: unknown[];
}

type Defs = Record<string, z.ZodType>;

function context(lazy: readonly string[] = [], definitions: Record<string, JsonSchema> = {}): ZodContext {
  return { refName: (name) => `defs[${stringLiteral(name)}]`, lazyRefs: new Set(lazy), definitions };
}

/** Evaluates generated code with nothing in scope but `z` and the defs table. */
function evaluate(code: string, defs: Defs = {}): z.ZodType {
  const schema: unknown = new Function('z', 'defs', `return ${code};`)(z, defs);
  if (!(schema instanceof z.ZodType)) throw new Error(`not a zod schema: ${code}`);
  return schema;
}

function compile(test: Pick<Case, 'given' | 'defs' | 'lazy'>): { zod: z.ZodType; code: string } {
  const defs: Defs = {};
  for (const [name, schema] of Object.entries(test.defs ?? {})) {
    defs[name] = evaluate(zodExpression(schema, context(test.lazy, test.defs)), defs);
  }
  const code = zodExpression(test.given, context(test.lazy, test.defs));
  return { zod: evaluate(code, defs), code };
}

function ajvValidate(test: Pick<Case, 'given' | 'defs'>): (data: unknown) => boolean {
  const schema = typeof test.given === 'boolean' ? test.given : { ...test.given, $defs: test.defs ?? {} };
  const validate = ajv.compile(schema);
  return (data) => validate(data) === true;
}

function expectAgreement(test: Case): void {
  const { zod, code } = compile(test);
  const validate = ajvValidate(test);
  for (const sample of test.valid) {
    const result = zod.safeParse(sample);
    expect(result.success, `zod should accept ${JSON.stringify(sample)} with\n${code}`).toBe(true);
    expect(result.data, 'parsing must not change the payload').toEqual(sample);
    expect(validate(sample), `ajv should accept ${JSON.stringify(sample)}`).toBe(true);
  }
  for (const sample of test.invalid) {
    expect(zod.safeParse(sample).success, `zod should reject ${JSON.stringify(sample)} with\n${code}`).toBe(false);
    expect(validate(sample), `ajv should reject ${JSON.stringify(sample)}`).toBe(false);
  }
}

const money: JsonSchema = {
  type: 'object',
  properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } },
  required: ['amount', 'currency'],
  additionalProperties: false,
};

const cases: Case[] = [
  // Booleans and types
  { name: 'true schema', given: true, valid: [1, 'a', null, {}, []], invalid: [] },
  { name: 'false schema', given: false, valid: [], invalid: [1, null, {}] },
  { name: 'empty schema', given: {}, valid: [1, 'a', null, { a: 1 }, [1]], invalid: [] },
  { name: 'string', given: { type: 'string' }, valid: ['', 'a'], invalid: [1, null, {}, []] },
  { name: 'number', given: { type: 'number' }, valid: [0, -1.5, 1e300], invalid: ['1', null, true] },
  { name: 'integer', given: { type: 'integer' }, valid: [0, -7, 1e15], invalid: [1.5, '1', null] },
  { name: 'boolean', given: { type: 'boolean' }, valid: [true, false], invalid: [0, 'true', null] },
  { name: 'null', given: { type: 'null' }, valid: [null], invalid: [0, '', false, {}] },
  { name: 'type array with null', given: { type: ['string', 'null'] }, valid: ['a', null], invalid: [1, {}] },
  { name: 'type array union', given: { type: ['string', 'integer'] }, valid: ['a', 3], invalid: [1.5, null, []] },
  { name: 'type integer and number', given: { type: ['integer', 'number'] }, valid: [1, 1.5], invalid: ['1'] },
  { name: 'only null in type array', given: { type: ['null'] }, valid: [null], invalid: ['a'] },
  {
    name: 'per-type keywords apply to their type only',
    given: { type: ['string', 'number'], minLength: 2, minimum: 10 },
    valid: ['ab', 10],
    invalid: ['a', 9],
  },
  { name: 'type with unrelated keyword', given: { type: 'string', minimum: 5 }, valid: ['a'], invalid: [6] },

  // enum and const
  { name: 'string enum', given: { type: 'string', enum: ['red', 'green'] }, valid: ['red', 'green'], invalid: ['blue', 1, null] },
  { name: 'single string enum', given: { enum: ['only'] }, valid: ['only'], invalid: ['other'] },
  { name: 'mixed enum', given: { enum: ['a', 1, true, null] }, valid: ['a', 1, true, null], invalid: ['1', 0, false] },
  { name: 'enum with null', given: { enum: ['a', 'b', null] }, valid: ['a', 'b', null], invalid: ['c', 0] },
  { name: 'enum filtered by type', given: { type: 'string', enum: ['a', 1] }, valid: ['a'], invalid: [1] },
  { name: 'enum nothing left', given: { type: 'number', enum: ['a'] }, valid: [], invalid: ['a', 1] },
  {
    name: 'enum with object and array values',
    given: { enum: [{ a: 1, b: [1, 2] }, [1, 'x'], 'plain'] },
    valid: [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, [1, 'x'], 'plain'],
    invalid: [{ a: 1 }, { a: 1, b: [1, 2], c: 3 }, [1], [1, 'x', 2], 'other'],
  },
  {
    name: 'enum with extra keywords applying to some values',
    given: { enum: ['abc', 'a', 5], minLength: 2 },
    valid: ['abc', 5],
    invalid: ['a', 6],
  },
  { name: 'const string', given: { const: 'fixed' }, valid: ['fixed'], invalid: ['Fixed', null] },
  { name: 'const number', given: { const: 0 }, valid: [0, -0], invalid: [1, '0', false] },
  { name: 'const null', given: { const: null }, valid: [null], invalid: [0, 'null'] },
  { name: 'const object', given: { const: { k: [true, null] } }, valid: [{ k: [true, null] }], invalid: [{ k: [true] }, { k: [true, null], z: 1 }, {}] },
  { name: 'const with enum', given: { enum: ['a', 'b'], const: 'b' }, valid: ['b'], invalid: ['a'] },

  // strings and formats
  { name: 'string lengths count code points', given: { type: 'string', minLength: 2, maxLength: 3 }, valid: ['ab', 'abc', '😀😀', '😀😀😀'], invalid: ['a', '😀', 'abcd', '😀😀😀😀'] },
  { name: 'pattern is unanchored unicode', given: { type: 'string', pattern: '\\p{Lu}\\d' }, valid: ['xA1y', 'É9'], invalid: ['a1', 'A'] },
  { name: 'pattern with slashes and quotes', given: { type: 'string', pattern: "^a/b'c\"$" }, valid: ["a/b'c\""], invalid: ['a/bc'] },
  {
    name: 'format uuid (ajv-formats, not RFC 9562 only)',
    given: { type: 'string', format: 'uuid' },
    valid: ['123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000001', 'urn:uuid:123E4567-E89B-12D3-A456-426614174000', 'ffffffff-ffff-0fff-cfff-ffffffffffff'],
    invalid: ['123e4567e89b12d3a456426614174000', '123e4567-e89b-12d3-a456-42661417400g', ' 123e4567-e89b-12d3-a456-426614174000'],
  },
  {
    name: 'format date-time',
    given: { type: 'string', format: 'date-time' },
    valid: ['2024-02-29T10:00:00Z', '2024-01-01t10:00:00.123456z', '2024-01-01 10:00:00+01:00', '2024-01-01T10:00:00+0100', '2024-01-01T10:00:00-01', '2016-12-31T23:59:60Z', '2016-12-31T23:59:60.5+00:00'],
    invalid: ['2024-01-01T10:00:00', '2023-02-29T10:00:00Z', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:00Z', '2024-01-01T10:00:00+24:00', '2024-01-01T10:00:00+01:', '2024-01-01T23:59:60+01:00', '2024-01-01', '2024-01-01TT10:00:00Z'],
  },
  {
    name: 'format date',
    given: { type: 'string', format: 'date' },
    valid: ['2024-02-29', '2000-02-29', '0000-02-29', '1999-12-31'],
    invalid: ['1900-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '2024-1-1', '2024-01-01T00:00:00Z'],
  },
  {
    name: 'format time',
    given: { type: 'string', format: 'time' },
    valid: ['10:00:00Z', '23:59:59.999+05:30', '23:59:60Z'],
    invalid: ['10:00:00', '10:00Z', '25:00:00Z'],
  },
  {
    name: 'format email',
    given: { type: 'string', format: 'email' },
    valid: ['a@b.co', 'first.last+tag@example.com', "o'hara!#$%@ex-ample.org", 'A@B.CO'],
    invalid: ['a@', '@b.co', 'a b@c.d', 'a..b@c.d', 'a@-b.c', 'a@localhost'],
  },
  {
    name: 'format uri (no rewriting, unlike z.url)',
    given: { type: 'string', format: 'uri' },
    valid: ['https://example.com/a?b=c#d', 'urn:isbn:0451450523', 'mailto:a@b.c', 'HTTP://EXAMPLE.COM'],
    invalid: ['example.com', '/relative/path', ' https://example.com', 'https://exa mple.com', ''],
  },
  { name: 'format ipv4', given: { type: 'string', format: 'ipv4' }, valid: ['127.0.0.1'], invalid: ['256.0.0.1', '1.2.3'] },
  { name: 'format hostname', given: { type: 'string', format: 'hostname' }, valid: ['example.com', 'A-b.c'], invalid: ['-a.com', 'a..b'] },
  { name: 'format duration', given: { type: 'string', format: 'duration' }, valid: ['P1D', 'PT1H30M'], invalid: ['P', '1D'] },
  { name: 'format password is an annotation', given: { type: 'string', format: 'password' }, valid: ['anything'], invalid: [1] },
  { name: 'string format ignored on numbers', given: { type: ['string', 'number'], format: 'date' }, valid: ['2024-01-01', 5], invalid: ['x'] },
  { name: 'format with lengths', given: { type: 'string', format: 'email', maxLength: 6 }, valid: ['a@b.co'], invalid: ['ab@b.co'] },

  // numbers
  { name: 'minimum / maximum', given: { type: 'number', minimum: 1, maximum: 3 }, valid: [1, 2.5, 3], invalid: [0.999, 3.001] },
  { name: 'exclusive bounds (draft-07)', given: { type: 'number', exclusiveMinimum: 1, exclusiveMaximum: 3 }, valid: [1.001, 2.999], invalid: [1, 3] },
  { name: 'negative bounds', given: { type: 'integer', minimum: -5, maximum: -0 }, valid: [-5, 0], invalid: [-6, 1] },
  { name: 'multipleOf integer step', given: { type: 'integer', multipleOf: 5 }, valid: [0, 10, -15], invalid: [7] },
  { name: 'multipleOf decimal step', given: { type: 'number', multipleOf: 0.5 }, valid: [1.5, 2], invalid: [1.25] },
  { name: 'int32 format', given: { type: 'integer', format: 'int32' }, valid: [2147483647, -2147483648], invalid: [2147483648, 1.5] },
  { name: 'number keywords without type', given: { minimum: 0 }, valid: [0, 5], invalid: [-1] },

  // arrays
  { name: 'array of strings', given: { type: 'array', items: { type: 'string' } }, valid: [[], ['a']], invalid: [[1], 'a', {}] },
  { name: 'array without items', given: { type: 'array' }, valid: [[], [1, 'a', null]], invalid: [{}] },
  { name: 'min / max items', given: { type: 'array', minItems: 1, maxItems: 2 }, valid: [[1], [1, 2]], invalid: [[], [1, 2, 3]] },
  {
    name: 'tuple, open by default, may be shorter',
    given: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
    valid: [[], ['a'], ['a', 1], ['a', 1, 'extra', null]],
    invalid: [[1], ['a', 'b']],
  },
  {
    name: 'tuple closed with minItems',
    given: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false, minItems: 1 },
    valid: [['a'], ['a', 1]],
    invalid: [[], ['a', 1, 2]],
  },
  {
    name: 'tuple with additionalItems schema and bounds',
    given: { type: 'array', items: [{ type: 'string' }], additionalItems: { type: 'boolean' }, minItems: 2, maxItems: 3 },
    valid: [['a', true], ['a', true, false]],
    invalid: [['a'], ['a', 1], ['a', true, true, true]],
  },
  {
    name: 'uniqueItems uses deep equality',
    given: { type: 'array', uniqueItems: true },
    valid: [[], [1, '1', [1], { a: 1 }, { a: 2 }, null, true]],
    invalid: [[1, 1], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [[1, [2]], [1, [2]]], [0, -0]],
  },
  { name: 'contains', given: { type: 'array', contains: { type: 'integer', minimum: 5 } }, valid: [[1, 5], [7]], invalid: [[], [1, 2]] },

  // objects
  {
    name: 'open object keeps unknown fields',
    given: { type: 'object', properties: { id: { type: 'string' }, note: { type: 'string' } }, required: ['id'] },
    valid: [{ id: 'a' }, { id: 'a', note: 'n', future: { nested: [1] } }],
    invalid: [{}, { id: 1 }, { id: 'a', note: null }, 'a', [], null],
  },
  {
    name: 'closed object',
    given: money,
    valid: [{ amount: 1, currency: 'EUR' }],
    invalid: [{ amount: 1 }, { amount: 1, currency: 'EUR', extra: 1 }, { amount: 1, currency: 'eur' }],
  },
  {
    name: 'additionalProperties schema',
    given: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: { type: 'number' } },
    valid: [{ id: 'a', x: 1 }, { y: 2 }],
    invalid: [{ id: 'a', x: 'b' }, { id: 1 }],
  },
  { name: 'record', given: { type: 'object', additionalProperties: { type: 'integer' } }, valid: [{}, { a: 1, b: 2 }], invalid: [{ a: 1.5 }] },
  { name: 'empty closed object', given: { type: 'object', additionalProperties: false }, valid: [{}], invalid: [{ a: 1 }] },
  { name: 'required without schema', given: { type: 'object', required: ['a'] }, valid: [{ a: null }, { a: 1, b: 2 }], invalid: [{}, { b: 1 }] },
  { name: 'object keywords without type', given: { properties: { a: { type: 'string' } }, required: ['a'] }, valid: [{ a: 'x' }], invalid: [{ a: 1 }, {}] },
  { name: 'min / max properties', given: { type: 'object', minProperties: 1, maxProperties: 2 }, valid: [{ a: 1 }, { a: 1, b: 2 }], invalid: [{}, { a: 1, b: 2, c: 3 }] },
  { name: 'propertyNames', given: { type: 'object', propertyNames: { pattern: '^[a-z]+$', maxLength: 3 } }, valid: [{}, { abc: 1 }], invalid: [{ A: 1 }, { abcd: 1 }] },
  {
    name: 'patternProperties with additionalProperties false',
    given: { type: 'object', properties: { id: { type: 'string' } }, patternProperties: { '^x-': { type: 'number' } }, additionalProperties: false },
    valid: [{ id: 'a' }, { id: 'a', 'x-n': 1 }, { 'x-a': 1, 'x-b': 2 }],
    invalid: [{ id: 'a', 'x-n': 'no' }, { id: 'a', other: 1 }],
  },
  {
    name: 'patternProperties with additionalProperties schema',
    given: { type: 'object', patternProperties: { '^n_': { type: 'number' }, '^s_': { type: 'string' } }, additionalProperties: { type: 'boolean' } },
    valid: [{ n_a: 1, s_b: 'x', other: true }],
    invalid: [{ n_a: 'x' }, { s_b: 1 }, { other: 1 }],
  },
  { name: 'empty patternProperties, closed', given: { type: 'object', patternProperties: {}, additionalProperties: false }, valid: [{}], invalid: [{ a: 1 }] },
  {
    name: 'dependencies',
    given: { type: 'object', dependencies: { card: ['billing'], vip: { required: ['level'] } } },
    valid: [{}, { card: 1, billing: 2 }, { vip: true, level: 1 }, { billing: 1 }],
    invalid: [{ card: 1 }, { vip: true }],
  },
  {
    name: 'property descriptions do not change validation',
    given: { type: 'object', properties: { a: { type: 'string', description: 'An "a".\nSecond line */' } }, required: ['a'] },
    valid: [{ a: '' }],
    invalid: [{}],
  },

  // composition and references
  {
    name: 'allOf intersects (open objects merge)',
    given: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'number' } }, required: ['b'] }] },
    valid: [{ a: 'x', b: 1 }, { a: 'x', b: 1, c: null }],
    invalid: [{ a: 'x' }, { b: 1 }, { a: 1, b: 1 }],
  },
  {
    name: 'allOf with three members',
    given: { allOf: [{ type: 'integer' }, { minimum: 1 }, { maximum: 3 }] },
    valid: [1, 3],
    invalid: [0, 4, 2.5],
  },
  {
    name: 'allOf of two closed objects rejects each other (as JSON Schema does)',
    given: { allOf: [{ type: 'object', properties: { a: {} }, additionalProperties: false }, { type: 'object', properties: { b: {} }, additionalProperties: false }] },
    valid: [{}],
    invalid: [{ a: 1 }, { b: 1 }],
  },
  {
    name: 'allOf keeps a closed member closed (zod 4.6 intersections alone would not)',
    given: { allOf: [{ type: 'object', properties: { a: {} }, additionalProperties: false }, { properties: { b: {} } }] },
    valid: [{}, { a: 1 }],
    invalid: [{ b: 1 }, { a: 1, c: 1 }],
  },
  {
    name: 'allOf with a $ref to a closed definition',
    given: { allOf: [{ $ref: '#/$defs/Money' }, { type: 'object', properties: { note: { type: 'string' } } }] },
    defs: { Money: money },
    valid: [{ amount: 1, currency: 'EUR' }],
    invalid: [{ amount: 1, currency: 'EUR', note: 'x' }, { amount: 1 }],
  },
  {
    name: 'allOf of two $refs, the first closed',
    given: { allOf: [{ $ref: '#/$defs/Money' }, { $ref: '#/$defs/Noted' }] },
    defs: { Money: money, Noted: { type: 'object', properties: { note: { type: 'string' } } } },
    valid: [{ amount: 1, currency: 'EUR' }],
    invalid: [{ amount: 1, currency: 'EUR', note: 'x' }],
  },
  {
    name: 'closed $ref with siblings, through an alias',
    given: { $ref: '#/$defs/Alias', properties: { extra: { type: 'string' } } },
    defs: { Money: money, Alias: { $ref: '#/$defs/Money' } },
    valid: [{ amount: 1, currency: 'EUR' }],
    invalid: [{ amount: 1, currency: 'EUR', extra: 'x' }],
  },
  {
    name: 'allOf with an object const',
    given: { allOf: [{ const: { a: 1 } }, { type: 'object' }] },
    valid: [{ a: 1 }],
    invalid: [{ a: 1, b: 2 }, {}],
  },
  {
    name: 'nullable closed object in allOf',
    given: { allOf: [{ type: ['object', 'null'], properties: { a: {} }, additionalProperties: false }, { type: ['object', 'null'] }] },
    valid: [null, { a: 1 }],
    invalid: [{ b: 1 }, 'x'],
  },
  { name: 'closed object requiring a non-property', given: { type: 'object', required: ['x'], additionalProperties: false }, valid: [], invalid: [{}, { x: 1 }] },
  { name: 'anyOf', given: { anyOf: [{ type: 'string' }, { type: 'number', minimum: 0 }] }, valid: ['a', 0], invalid: [-1, null] },
  {
    name: 'oneOf is exclusive',
    given: { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 10 }] },
    valid: [1, 10.5],
    invalid: [10, 'a', 0.5],
  },
  { name: 'single-member oneOf', given: { oneOf: [{ type: 'string' }] }, valid: ['a'], invalid: [1] },
  {
    name: 'oneOf with required-only branches',
    given: { type: 'object', properties: { a: {}, b: {} }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
    valid: [{ a: 1 }, { b: 1 }],
    invalid: [{}, { a: 1, b: 1 }],
  },
  { name: 'not', given: { type: 'string', not: { enum: ['admin', 'root'] } }, valid: ['alice'], invalid: ['admin', 'root', 1] },
  {
    name: 'if / then / else',
    given: { type: 'object', if: { properties: { kind: { const: 'card' } }, required: ['kind'] }, then: { required: ['last4'] }, else: { required: ['iban'] } },
    valid: [{ kind: 'card', last4: '1234' }, { kind: 'sepa', iban: 'x' }, { iban: 'x' }],
    invalid: [{ kind: 'card' }, { kind: 'sepa' }, {}],
  },
  { name: '$ref', given: { $ref: '#/$defs/Money' }, defs: { Money: money }, valid: [{ amount: 1, currency: 'EUR' }], invalid: [{ amount: 1 }] },
  {
    name: '$ref in a property with siblings applied (ajv 8)',
    given: { type: 'object', properties: { price: { $ref: '#/$defs/Code', maxLength: 3, description: 'Price code' } } },
    defs: { Code: { type: 'string', minLength: 2 } },
    valid: [{}, { price: 'ab' }],
    invalid: [{ price: 'a' }, { price: 'abcd' }],
  },
  {
    name: '$ref with escaped name',
    given: { $ref: '#/$defs/a~1b%20c' },
    defs: { 'a/b c': { type: 'boolean' } },
    valid: [true],
    invalid: ['true'],
  },
  {
    name: 'recursive $ref through z.lazy',
    given: { $ref: '#/$defs/Node' },
    defs: { Node: { type: 'object', properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } }, required: ['value'] } },
    lazy: ['Node'],
    valid: [{ value: 1 }, { value: 1, children: [{ value: 2, children: [] }] }],
    invalid: [{ value: 1, children: [{}] }, { value: 1, children: [{ value: 'x' }] }],
  },

  // OpenAPI nullable and annotations
  { name: 'nullable with type', given: { type: 'string', nullable: true }, valid: ['a', null], invalid: [1] },
  { name: 'nullable with enum needs null in enum (as ajv)', given: { type: 'string', nullable: true, enum: ['a'] }, valid: ['a'], invalid: [null, 'b'] },
  {
    name: 'annotations are ignored, defaults are not applied',
    given: { type: 'object', properties: { n: { type: 'integer', default: 5, title: 'N', examples: [1], readOnly: true, deprecated: true, $comment: 'c', 'x-unit': 'kg' } } },
    valid: [{}, { n: 1 }],
    invalid: [{ n: 'x' }],
  },
];

describe('buildZod agrees with ajv', () => {
  it('covers at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
  it.each(cases)('$name', (test) => expectAgreement(test));
});

/** Text that breaks out of a naive string, template, comment or regex literal and sets a global. */
const HOSTILE = [
  "'); globalThis.pwned = 1; ('",
  '"); globalThis.pwned = 1; ("',
  '`${globalThis.pwned = 1}`',
  "\\'); globalThis.pwned = 1; //",
  '*/ globalThis.pwned = 1; /*',
  "x\n'); globalThis.pwned = 1; //\n",
  "\u2028'); globalThis.pwned = 1; //\u2029",
  "\r\n}); globalThis.pwned = 1; ({",
  '</script><script>globalThis.pwned = 1</script>',
  '\\u0027); globalThis.pwned = 1; //',
  '/); globalThis.pwned = 1; (/',
];

const globals = globalThis as Record<string, unknown>;

/** Escapes RegExp syntax characters (the only identity escapes allowed with the `u` flag). */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

describe('hostile catalogue text', () => {
  beforeEach(() => {
    delete globals.pwned;
  });

  it.each(HOSTILE)('as property name, description, title and default: %j', (text) => {
    const given: JsonSchema = {
      type: 'object',
      description: text,
      properties: { [text]: { type: 'string', description: text, title: text, default: text, examples: [text], $comment: text } },
      required: [text],
      additionalProperties: false,
    };
    expectAgreement({ name: text, given, valid: [{ [text]: text }], invalid: [{}, { [text]: 1 }, { [text]: text, other: 1 }] });
    expect(globals.pwned).toBeUndefined();
  });

  it('as enum values and const', () => {
    expectAgreement({ name: 'enum', given: { enum: HOSTILE }, valid: HOSTILE, invalid: ['x', ...HOSTILE.map((text) => `${text} `)] });
    const object = Object.fromEntries(HOSTILE.map((text) => [text, text]));
    expectAgreement({ name: 'const', given: { const: object }, valid: [object], invalid: [{}, { ...object, x: 1 }] });
    expect(globals.pwned).toBeUndefined();
  });

  it.each(HOSTILE)('in patterns, patternProperties and propertyNames: %j', (text) => {
    const pattern = `^${escapeRegExp(text)}$`;
    expectAgreement({ name: 'pattern', given: { type: 'string', pattern }, valid: [text], invalid: [`${text}x`, 'x'] });
    expectAgreement({
      name: 'patternProperties',
      given: { type: 'object', patternProperties: { [pattern]: { const: text } }, additionalProperties: false, propertyNames: { pattern } },
      valid: [{}, { [text]: text }],
      invalid: [{ [text]: 'x' }, { other: text }],
    });
    expect(globals.pwned).toBeUndefined();
  });

  it('in dependency names, refinement messages and $ref names', () => {
    const [first = '', second = ''] = HOSTILE;
    expectAgreement({
      name: 'dependencies',
      given: { type: 'object', dependencies: { [first]: [second], [second]: { required: [first] } } },
      valid: [{}, { [first]: 1, [second]: 2 }],
      invalid: [{ [first]: 1 }, { [second]: 1 }],
    });
    for (const text of HOSTILE) {
      const pointer = encodeURIComponent(text.replace(/~/g, '~0').replace(/\//g, '~1'));
      expectAgreement({ name: 'ref', given: { $ref: `#/$defs/${pointer}` }, defs: { [text]: { const: text } }, valid: [text], invalid: ['x'] });
    }
    expect(globals.pwned).toBeUndefined();
  });

  it('a __proto__ property neither sets the shape prototype nor pollutes Object.prototype', () => {
    const { code, unsupported } = buildZod(
      { type: 'object', properties: { ['__proto__']: { type: 'number' }, a: { type: 'string' } }, required: ['a'] },
      context(),
    );
    expect(code).toContain("['__proto__']: z.number().optional(),");
    expect(unsupported).toEqual(['#/properties/__proto__: property "__proto__" is not validated (zod skips it)']);
    const schema = evaluate(code);
    expect(schema.safeParse({ a: 'x' }).success).toBe(true);
    expect(schema.safeParse({ a: 1 }).success).toBe(false);
    expect(Object.prototype).not.toHaveProperty('type');
    expect(Object.prototype).not.toHaveProperty('a');
  });
});

describe('known differences from ajv (deliberate)', () => {
  it.each<{ name: string; given: JsonSchema; sample: unknown; zod: boolean }>([
    { name: 'integers beyond 2^53 - 1 are rejected (precision already lost)', given: { type: 'integer' }, sample: 2 ** 53, zod: false },
    { name: 'multipleOf tolerates binary rounding (19.99 is a multiple of 0.01)', given: { type: 'number', multipleOf: 0.01 }, sample: 19.99, zod: true },
    { name: 'a type inferred from keywords rejects other JSON types', given: { properties: { a: { type: 'string' } } }, sample: 'not an object', zod: false },
    { name: 'leap seconds only at offset zero', given: { type: 'string', format: 'date-time' }, sample: '2016-12-31T00:59:60+01:00', zod: false },
  ])('$name', ({ given, sample, zod }) => {
    expect(compile({ given }).zod.safeParse(sample).success).toBe(zod);
    expect(ajvValidate({ given })(sample)).toBe(!zod);
  });

  it('shared quirk: a property named like an Object.prototype member is read from the prototype', () => {
    const test = { given: { type: 'object', properties: { constructor: { type: 'string' } } } satisfies JsonSchemaObject };
    expect(compile(test).zod.safeParse({}).success).toBe(false);
    expect(ajvValidate(test)({})).toBe(false);
  });
});

describe('reporting and errors', () => {
  it('reports what it does not enforce, with JSON pointers', () => {
    const { unsupported } = buildZod(
      {
        type: 'object',
        $dynamicRef: '#meta',
        'x-internal': true,
        properties: {
          re: { type: 'string', format: 'regex' },
          odd: { type: 'string', format: 'made-up' },
          both: { allOf: [{ $ref: '#/$defs/Closed' }, { type: 'object' }] },
        },
      },
      { refName: (name) => name, lazyRefs: new Set() },
    );
    expect(unsupported).toEqual([
      '#: keyword "$dynamicRef" is not supported (ignored)',
      '#/properties/both/allOf/0: additionalProperties: false of "Closed" is not enforced next to other allOf members (definition not in ZodContext.definitions)',
      '#/properties/odd: format "made-up" is not validated',
      '#/properties/re: format "regex" is not validated',
    ]);
  });

  it('validates any string for an unknown format, like ajv', () => {
    expectAgreement({ name: 'unknown format', given: { type: 'string', format: 'made-up' }, valid: ['anything'], invalid: [1] });
  });

  it.each<[string, JsonSchema, RegExp]>([
    ['invalid pattern', { type: 'string', pattern: '(' }, /#: "pattern" is not a valid ECMA-262 \(unicode\) regular expression/],
    ['pattern invalid only with the u flag', { properties: { a: { pattern: '\\-' } } }, /#\/properties\/a: "pattern"/],
    ['external $ref', { $ref: 'other.json#/Money' }, /Unsupported \$ref at #: "other.json#\/Money"/],
    ['deep $ref', { $ref: '#/$defs/Money/properties/amount' }, /Unsupported \$ref/],
    ['malformed keyword', { type: 'string', minLength: '3' }, /#: "minLength" must be a number/],
    ['unknown type', { type: 'text' }, /"type" must name JSON Schema types/],
    ['negative length', { type: 'string', maxLength: -1 }, /#: "maxLength" must be a non-negative integer/],
    ['empty anyOf', { anyOf: [] }, /"anyOf" must be a non-empty array of schemas/],
    ['non-positive multipleOf', { type: 'number', multipleOf: 0 }, /"multipleOf" must be greater than 0/],
  ])('throws on %s', (_name, given, message) => {
    expect(() => buildZod(given, context())).toThrow(message);
  });
});

describe('layout', () => {
  it('is readable: one property per line, 2-space indent, docs above properties', () => {
    const { code } = buildZod(
      {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Stable identifier.' },
          total: { $ref: '#/$defs/Money', description: 'Gross total.\nIncludes VAT.' },
          lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] }, minItems: 1 },
          status: { enum: ['open', 'closed'] },
        },
        required: ['id', 'total'],
      },
      { refName: (name) => `${name}Schema`, lazyRefs: new Set(), indent: '  ' },
    );
    expect(code).toBe(
      [
        'z.looseObject({',
        '    /** Stable identifier. */',
        '    id: z.string(),',
        '    /**',
        '     * Gross total.',
        '     * Includes VAT.',
        '     */',
        '    total: MoneySchema,',
        '    lines: z.array(',
        '      z.looseObject({',
        '        sku: z.string(),',
        '      }),',
        '    ).min(1).optional(),',
        "    status: z.enum(['open', 'closed']).optional(),",
        '  })',
      ].join('\n'),
    );
  });

  it('is deterministic', () => {
    const given = cases.map((test) => test.given);
    expect(given.map((schema) => zodExpression(schema, context()))).toEqual(given.map((schema) => zodExpression(schema, context())));
  });
});

describe('generated code', () => {
  it('type-checks under strict TypeScript, unused parameters included', () => {
    const schemas: JsonSchema[] = [
      ...cases.flatMap((test) => [test.given, ...Object.values(test.defs ?? {})]),
      { type: 'object', properties: Object.fromEntries(HOSTILE.map((text) => [text, { type: 'string', description: text }])) },
      { enum: HOSTILE },
    ];
    const lines = schemas.map((schema, index) => `export const schema${index} = ${zodExpression(schema, context(['Node']))};`);
    const dir = mkdtempSync(join(tmpdir(), 'zod-builder-'));
    try {
      // The check file resolves `zod` through a link to this project's node_modules.
      symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
      const file = join(dir, 'check.ts');
      writeFileSync(file, ["import { z } from 'zod';", 'declare const defs: Record<string, z.ZodType>;', ...lines, ''].join('\n'));
      const args = ['--ignoreConfig', '--noEmit', '--strict', '--noUnusedLocals', '--noUnusedParameters', '--skipLibCheck'];
      const options = ['--target', 'es2022', '--lib', 'es2023', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node'];
      let output = '';
      try {
        execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), ...args, ...options, file], { encoding: 'utf8' });
      } catch (error) {
        output = String((error as { stdout?: unknown }).stdout ?? error);
      }
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
