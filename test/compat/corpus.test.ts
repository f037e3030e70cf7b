/**
 * Agreement with a schema registry's verdicts, measured on the corpus in
 * test/fixtures/compat/json-schema-corpus.json: standalone JSON Schema pairs assembled from the
 * JSON Schema specification (2019-09 / 2020-12 keywords) and from the compatibility rules a schema
 * registry documents, each with the backward verdict of the registry's default (strict) reading.
 * Each pair is read as the loader reads a payload schema file: `definitions` and `$defs` become
 * catalogue definitions and local `$ref`s point at them. Every verdict must carry known rule ids.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from '../../generator/compat/check.js';
import { isRuleId } from '../../generator/compat/rules/registry.js';
import type { JsonSchema, JsonValue } from '../../generator/model/catalog.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { event, side, TODAY } from './helpers.js';

interface CorpusCase {
  description: string;
  source: 'spec' | 'registry';
  original_schema: JsonSchema;
  update_schema: JsonSchema;
  compatible: boolean;
}

const CORPUS = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/compat/json-schema-corpus.json'), 'utf8')) as { cases: CorpusCase[] };

/** A standalone schema as the loader reads a schema file: local definitions lifted, references rewritten. */
function lift(schema: JsonSchema): { payload: JsonSchema; definitions: Record<string, JsonSchema> } {
  if (typeof schema === 'boolean') return { payload: schema, definitions: {} };
  const definitions: Record<string, JsonSchema> = {};
  for (const container of ['definitions', '$defs']) {
    const found = schema[container];
    if (typeof found === 'object' && found !== null && !Array.isArray(found)) Object.assign(definitions, found);
  }
  const rewrite = <T extends JsonValue>(value: T): T => {
    if (Array.isArray(value)) return value.map(rewrite) as T;
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, JsonValue> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === 'definitions' || key === '$defs') continue;
      out[key] = key === '$ref' && typeof child === 'string' ? child.replace(/^#\/(definitions|\$defs)\//, '#/$defs/') : rewrite(child);
    }
    return out as T;
  };
  return { payload: rewrite(schema), definitions: Object.fromEntries(Object.entries(definitions).map(([name, def]) => [name, rewrite(def as JsonValue) as JsonSchema])) };
}

function verdict(c: CorpusCase): { compatible: boolean; rules: string[] } {
  const before = lift(c.original_schema);
  const after = lift(c.update_schema);
  const base = side('BASE', [event({ payload: before.payload })], before.definitions);
  const head = side('HEAD', [event({ payload: after.payload })], after.definitions);
  const result = checkCompatibility([base], head, { mode: 'backward', policy: 'strict', today: TODAY });
  return { compatible: result.compatible, rules: result.changes.map((x) => x.rule) };
}

describe('agreement with a schema registry on the JSON Schema compatibility corpus', () => {
  const results = CORPUS.cases.map((c) => ({ c, ...verdict(c) }));

  it('holds a few hundred pairs from the specification and from registry rules', () => {
    expect(CORPUS.cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CORPUS.cases.map((c) => c.description)).size).toBe(CORPUS.cases.length);
    expect(new Set(CORPUS.cases.map((c) => c.source))).toEqual(new Set(['spec', 'registry']));
  });

  it('agrees on at least 99% of the verdicts', () => {
    const misses = results.filter((r) => r.compatible !== r.c.compatible);
    const agreement = 1 - misses.length / results.length;
    const report = misses.map((r) => `${r.c.description}: expected ${r.c.compatible ? 'compatible' : 'incompatible'}, got ${r.rules.join(', ') || 'no change'}`);
    expect(agreement, report.join('\n')).toBeGreaterThanOrEqual(0.99);
  });

  it('names a rule for every incompatible verdict, and only known rules', () => {
    for (const r of results) {
      for (const rule of r.rules) expect(isRuleId(rule), rule).toBe(true);
      if (!r.compatible) expect(r.rules.length, r.c.description).toBeGreaterThan(0);
    }
  });
});
