/**
 * JSON Schema 2019-09 / 2020-12 keywords in the zod builder: every case builds code, evaluates it,
 * and runs each sample through the zod schema and through ajv's validator for the draft the case is
 * written in (Ajv2020 or Ajv2019, + ajv-formats), the reference for JSON Schema semantics. Samples
 * the case calls valid must be accepted by both, and come out of `parse` unchanged; invalid ones
 * rejected by both. The generated code must also type-check under strict TypeScript.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stringLiteral } from '../../generator/emit/code/literals.js';
import { buildZod, zodExpression, type ZodContext } from '../../generator/emit/code/zod.js';
import type { JsonSchema } from '../../generator/model/catalog.js';

const ajv2020 = new Ajv2020({ strict: false });
const ajv2019 = new Ajv2019({ strict: false });
formats.default(ajv2020);
formats.default(ajv2019);

interface Case {
  name: string;
  /** The draft the schema is written in, which picks the reference validator. */
  draft: '2019-09' | '2020-12';
  given: JsonSchema;
  defs?: Record<string, JsonSchema>;
  lazy?: string[];
  valid: unknown[];
  invalid: unknown[];
}

function context(lazy: readonly string[] = [], definitions: Record<string, JsonSchema> = {}): ZodContext {
  return { refName: (name) => `defs[${stringLiteral(name)}]`, lazyRefs: new Set(lazy), definitions };
}

function evaluate(code: string, defs: Record<string, z.ZodType>): z.ZodType {
  const schema: unknown = new Function('z', 'defs', `return ${code};`)(z, defs);
  if (!(schema instanceof z.ZodType)) throw new Error(`not a zod schema: ${code}`);
  return schema;
}

function compile(test: Case): { zod: z.ZodType; code: string } {
  const defs: Record<string, z.ZodType> = {};
  for (const [name, schema] of Object.entries(test.defs ?? {})) defs[name] = evaluate(zodExpression(schema, context(test.lazy, test.defs)), defs);
  const code = zodExpression(test.given, context(test.lazy, test.defs));
  return { zod: evaluate(code, defs), code };
}

function reference(test: Case): (data: unknown) => boolean {
  const ajv = test.draft === '2020-12' ? ajv2020 : ajv2019;
  const schema = typeof test.given === 'boolean' ? test.given : { ...test.given, $defs: test.defs ?? {} };
  const validate = ajv.compile(schema);
  return (data) => validate(data) === true;
}

const str: JsonSchema = { type: 'string' };
const int: JsonSchema = { type: 'integer' };

export const CASES: Case[] = [
  // prefixItems (2020-12) and items as a list (draft-07 / 2019-09)
  {
    name: 'prefixItems: an open tuple',
    draft: '2020-12',
    given: { type: 'array', prefixItems: [str, int] },
    valid: [[], ['a'], ['a', 1], ['a', 1, true, null]],
    invalid: [[1], ['a', 'b'], 'a'],
  },
  {
    name: 'prefixItems with items: false (closed tuple)',
    draft: '2020-12',
    given: { type: 'array', prefixItems: [str, int], items: false },
    valid: [[], ['a', 1]],
    invalid: [['a', 1, 2], [2]],
  },
  {
    name: 'prefixItems with items as the schema of the rest',
    draft: '2020-12',
    given: { type: 'array', prefixItems: [str], items: { type: 'boolean' }, minItems: 2 },
    valid: [['a', true], ['a', true, false]],
    invalid: [['a'], ['a', 1], [true, true]],
  },
  {
    name: 'prefixItems without type (inferred array)',
    draft: '2020-12',
    given: { prefixItems: [{ const: 'point' }, { type: 'number' }, { type: 'number' }], items: false, minItems: 3 },
    valid: [['point', 1, 2]],
    invalid: [['point', 1], ['line', 1, 2], ['point', 1, 2, 3]],
  },
  {
    name: 'items as a list with additionalItems (2019-09)',
    draft: '2019-09',
    given: { type: 'array', items: [str, int], additionalItems: { type: 'boolean' } },
    valid: [[], ['a', 1], ['a', 1, true]],
    invalid: [['a', 1, 'x'], [1]],
  },
  // contains with minContains / maxContains
  {
    name: 'minContains: 2',
    draft: '2020-12',
    given: { type: 'array', contains: { type: 'integer' }, minContains: 2 },
    valid: [[1, 2], ['a', 1, 'b', 2, 3]],
    invalid: [[1], ['a'], []],
  },
  {
    name: 'maxContains: 2',
    draft: '2020-12',
    given: { type: 'array', contains: { type: 'integer' }, maxContains: 2 },
    valid: [[1], [1, 2, 'a']],
    invalid: [[], [1, 2, 3], ['a']],
  },
  {
    name: 'minContains: 0 lets an array without a match pass',
    draft: '2020-12',
    given: { type: 'array', contains: { type: 'integer' }, minContains: 0, maxContains: 1 },
    valid: [[], ['a'], [1, 'a']],
    invalid: [[1, 2]],
  },
  {
    name: 'minContains without contains is ignored',
    draft: '2019-09',
    given: { type: 'array', minContains: 3 },
    valid: [[], [1]],
    invalid: ['a'],
  },
  // dependentRequired / dependentSchemas (and draft-07 dependencies, still read)
  {
    name: 'dependentRequired',
    draft: '2019-09',
    given: { type: 'object', dependentRequired: { card: ['billing', 'expiry'] } },
    valid: [{}, { billing: 'x' }, { card: 1, billing: 'x', expiry: 'y' }],
    invalid: [{ card: 1 }, { card: 1, billing: 'x' }],
  },
  {
    name: 'dependentSchemas',
    draft: '2020-12',
    given: { type: 'object', properties: { card: str }, dependentSchemas: { card: { required: ['billing'], properties: { billing: int } } } },
    valid: [{}, { billing: 'free' }, { card: 'x', billing: 3 }],
    invalid: [{ card: 'x' }, { card: 'x', billing: 'y' }],
  },
  {
    name: 'dependencies (draft-07 form) next to dependentRequired',
    draft: '2019-09',
    given: { type: 'object', dependencies: { a: ['b'] }, dependentRequired: { c: ['d'] } },
    valid: [{}, { a: 1, b: 2 }, { c: 1, d: 2 }],
    invalid: [{ a: 1 }, { c: 1 }],
  },
  // const and if / then / else
  {
    name: 'const of an object',
    draft: '2020-12',
    given: { const: { kind: 'a', n: [1, 2] } },
    valid: [{ kind: 'a', n: [1, 2] }, { n: [1, 2], kind: 'a' }],
    invalid: [{ kind: 'a' }, { kind: 'a', n: [2, 1] }, 'a'],
  },
  {
    name: 'if / then / else on a discriminating const',
    draft: '2020-12',
    given: {
      type: 'object',
      properties: { kind: { enum: ['card', 'cash'] } },
      required: ['kind'],
      if: { properties: { kind: { const: 'card' } } },
      then: { required: ['last4'] },
      else: { not: { required: ['last4'] } },
    },
    valid: [{ kind: 'card', last4: '1234' }, { kind: 'cash' }],
    invalid: [{ kind: 'card' }, { kind: 'cash', last4: '1234' }],
  },
  // $defs with a local $ref (the loader turns local refs into catalogue definitions)
  {
    name: '$defs reached through $ref, recursively',
    draft: '2020-12',
    given: { type: 'object', properties: { root: { $ref: '#/$defs/Node' } }, required: ['root'] },
    defs: { Node: { type: 'object', properties: { name: str, children: { type: 'array', items: { $ref: '#/$defs/Node' } } }, required: ['name'], unevaluatedProperties: false } },
    lazy: ['Node'],
    valid: [{ root: { name: 'a' } }, { root: { name: 'a', children: [{ name: 'b', children: [] }] } }],
    invalid: [{ root: { name: 'a', extra: 1 } }, { root: { name: 'a', children: [{ name: 'b', extra: 1 }] } }, { root: { children: [] } }],
  },
  // unevaluatedProperties
  {
    name: 'unevaluatedProperties: false without applicators closes the object',
    draft: '2020-12',
    given: { type: 'object', properties: { a: str }, unevaluatedProperties: false },
    valid: [{}, { a: 'x' }],
    invalid: [{ b: 1 }, { a: 'x', b: 1 }],
  },
  {
    name: 'unevaluatedProperties: false sees properties declared in allOf',
    draft: '2020-12',
    given: { allOf: [{ type: 'object', properties: { a: str } }, { properties: { b: int } }], unevaluatedProperties: false },
    valid: [{}, { a: 'x', b: 1 }],
    invalid: [{ a: 'x', c: 1 }],
  },
  {
    name: 'unevaluatedProperties: false sees the properties of the matching anyOf branch only',
    draft: '2020-12',
    given: {
      type: 'object',
      properties: { kind: str },
      anyOf: [
        { properties: { kind: { const: 'a' }, a: int } },
        { properties: { kind: { const: 'b' }, b: int } },
      ],
      unevaluatedProperties: false,
    },
    valid: [{ kind: 'a', a: 1 }, { kind: 'b', b: 2 }, { kind: 'a' }],
    invalid: [{ kind: 'a', b: 1 }, { kind: 'b', a: 1 }, { kind: 'a', c: 1 }],
  },
  {
    // allOf: [{ $ref }] rather than a sibling $ref, which ajv 8 does not count next to oneOf.
    name: 'unevaluatedProperties: false with oneOf and a $ref to a shared base',
    draft: '2020-12',
    given: { allOf: [{ $ref: '#/$defs/Base' }], oneOf: [{ properties: { x: int }, required: ['x'] }, { properties: { y: int }, required: ['y'] }], unevaluatedProperties: false },
    defs: { Base: { type: 'object', properties: { id: str }, required: ['id'] } },
    valid: [{ id: 'i', x: 1 }, { id: 'i', y: 1 }],
    invalid: [{ id: 'i', x: 1, z: 1 }, { id: 'i', x: 1, y: 1 }, { id: 'i' }],
  },
  {
    name: 'unevaluatedProperties: false follows if / then / else',
    draft: '2020-12',
    given: {
      type: 'object',
      properties: { kind: str },
      if: { properties: { kind: { const: 'card' } } },
      then: { properties: { last4: str } },
      else: { properties: { iban: str } },
      unevaluatedProperties: false,
    },
    valid: [{ kind: 'card', last4: '1' }, { kind: 'sepa', iban: 'x' }],
    invalid: [{ kind: 'card', iban: 'x' }, { kind: 'sepa', last4: '1' }],
  },
  {
    name: 'unevaluatedProperties with a schema, next to patternProperties and dependentSchemas',
    draft: '2020-12',
    given: {
      type: 'object',
      patternProperties: { '^x-': {} },
      dependentSchemas: { a: { properties: { b: {} } } },
      properties: { a: {} },
      unevaluatedProperties: { type: 'integer' },
    },
    valid: [{ 'x-s': 'a', n: 1 }, { a: 1, b: 'y' }, {}],
    invalid: [{ n: 'x' }, { b: 'y' }],
  },
  {
    name: 'a nested unevaluatedProperties evaluates everything for its parent',
    draft: '2020-12',
    given: { allOf: [{ properties: { a: str }, unevaluatedProperties: { type: 'integer' } }], unevaluatedProperties: false },
    valid: [{ a: 'x', n: 1 }],
    invalid: [{ a: 'x', n: 'y' }],
  },
  {
    name: 'unevaluatedProperties ignores non-objects',
    draft: '2020-12',
    given: { anyOf: [{ type: 'string' }, { type: 'object', properties: { a: str } }], unevaluatedProperties: false },
    valid: ['text', { a: 'x' }],
    invalid: [{ b: 1 }, 3],
  },
  // unevaluatedItems
  {
    name: 'unevaluatedItems: false after prefixItems closes the tuple',
    draft: '2020-12',
    given: { type: 'array', prefixItems: [str, int], unevaluatedItems: false },
    valid: [[], ['a', 1]],
    invalid: [['a', 1, 2]],
  },
  {
    name: 'unevaluatedItems: false sees prefixItems in allOf',
    draft: '2020-12',
    given: { type: 'array', allOf: [{ prefixItems: [str] }, { prefixItems: [true, int] }], unevaluatedItems: false },
    valid: [['a', 1], ['a']],
    invalid: [['a', 1, 2]],
  },
  {
    name: 'unevaluatedItems with a schema after the matching anyOf branch',
    draft: '2020-12',
    given: { type: 'array', anyOf: [{ prefixItems: [{ const: 'one' }, int] }, { prefixItems: [{ const: 'two' }] }], unevaluatedItems: { type: 'boolean' } },
    valid: [['one', 1, true], ['two', true, false]],
    invalid: [['two', 1], ['one', 1, 'x']],
  },
  {
    // As ajv 8: `contains` counts every item as evaluated (2020-12 only those it matched).
    name: 'unevaluatedItems next to contains',
    draft: '2020-12',
    given: { type: 'array', contains: { type: 'string' }, allOf: [{ prefixItems: [int] }], unevaluatedItems: false },
    valid: [[1, 'a', 'b'], [1, 'a', true]],
    invalid: [[1], ['a', 'b']],
  },
  {
    name: 'unevaluatedItems after items as a list (2019-09)',
    draft: '2019-09',
    given: { type: 'array', allOf: [{ items: [str, int] }], unevaluatedItems: { type: 'null' } },
    valid: [['a', 1], ['a', 1, null, null]],
    invalid: [['a', 1, 2]],
  },
];

describe('2019-09 / 2020-12 keywords: buildZod agrees with ajv', () => {
  it.each(CASES)('$name ($draft)', (test) => {
    const { zod, code } = compile(test);
    const validate = reference(test);
    for (const sample of test.valid) {
      expect(validate(sample), `ajv should accept ${JSON.stringify(sample)}`).toBe(true);
      const result = zod.safeParse(sample);
      expect(result.success, `zod should accept ${JSON.stringify(sample)} with\n${code}`).toBe(true);
      expect(result.data, 'parsing must not change the payload').toEqual(sample);
    }
    for (const sample of test.invalid) {
      expect(validate(sample), `ajv should reject ${JSON.stringify(sample)}`).toBe(false);
      expect(zod.safeParse(sample).success, `zod should reject ${JSON.stringify(sample)} with\n${code}`).toBe(false);
    }
  });

  it('reports nothing as unsupported for these keywords', () => {
    for (const test of CASES) expect(buildZod(test.given, context(test.lazy, test.defs)).unsupported, test.name).toEqual([]);
  });

  it('gives a closed tuple its TypeScript tuple type', () => {
    const code = zodExpression({ type: 'array', prefixItems: [str, int], items: false, minItems: 2 }, context());
    expect(code).toBe('z.tuple([z.string(), z.number().int()])');
    expect(zodExpression({ type: 'object', properties: { a: str }, unevaluatedProperties: false }, context())).toContain('z.strictObject(');
  });

  it('rejects malformed values with the pointer', () => {
    expect(() => zodExpression({ prefixItems: [str], items: [str] }, context())).toThrow(/#: "items" must be a schema next to "prefixItems"/);
    expect(() => zodExpression({ type: 'array', contains: str, minContains: -1 }, context())).toThrow(/"minContains" must be a non-negative integer/);
    expect(() => zodExpression({ type: 'object', dependentRequired: { a: 'b' } }, context())).toThrow(/"a" must be an array of strings/);
    expect(() => zodExpression({ allOf: [{}], unevaluatedProperties: 3 }, context())).toThrow(/"unevaluatedProperties" must be a schema/);
  });

  it('type-checks under strict TypeScript, unused parameters included', () => {
    const lines = CASES.flatMap((test) => [test.given, ...Object.values(test.defs ?? {})]).map(
      (schema, index) => `export const schema${index} = ${zodExpression(schema, context(['Node'], { Base: {}, Node: {} }))};`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'zod-2020-'));
    try {
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
