/**
 * `safeParseEvent` reports every issue of an invalid payload faster by walking only the subtrees
 * that hold a problem (runtime/issue-collector.ts). The list must stay the one zod's own parse
 * gives: same issues, same order, same paths and messages. Checked on every event of the project
 * catalogue and of the golden catalogues (unions, records, tuples, 2020-12 keywords, Avro), on
 * their examples mutated at random.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CatalogDefinition } from '../../runtime/catalog-registry.js';
import * as project from '../../generated/index.js';
import * as asyncapi31 from '../golden/asyncapi-3.1/index.js';
import * as avro from '../golden/avro/index.js';
import * as jsonSchema2020 from '../golden/json-schema-2020/index.js';
import * as schemaFeatures from '../golden/schema-features/index.js';
import * as socialMedia from '../golden/social-media-3.0/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

interface Catalogue {
  name: string;
  snapshot: string;
  registry: Record<string, Record<number, CatalogDefinition>>;
  safeParseEvent(type: string, version: number, data: unknown): { success: boolean; error?: { issues: unknown[] }; data?: unknown };
}

const CATALOGUES: Catalogue[] = [
  { name: 'project', snapshot: '../../generated/catalog.snapshot.json', registry: project.EVENT_REGISTRY, safeParseEvent: project.safeParseEvent },
  { name: 'schema-features', snapshot: '../golden/schema-features/catalog.snapshot.json', registry: schemaFeatures.EVENT_REGISTRY, safeParseEvent: schemaFeatures.safeParseEvent },
  { name: 'json-schema-2020', snapshot: '../golden/json-schema-2020/catalog.snapshot.json', registry: jsonSchema2020.EVENT_REGISTRY, safeParseEvent: jsonSchema2020.safeParseEvent },
  { name: 'avro', snapshot: '../golden/avro/catalog.snapshot.json', registry: avro.EVENT_REGISTRY, safeParseEvent: avro.safeParseEvent },
  { name: 'asyncapi-3.1', snapshot: '../golden/asyncapi-3.1/catalog.snapshot.json', registry: asyncapi31.EVENT_REGISTRY, safeParseEvent: asyncapi31.safeParseEvent },
  { name: 'social-media-3.0', snapshot: '../golden/social-media-3.0/catalog.snapshot.json', registry: socialMedia.EVENT_REGISTRY, safeParseEvent: socialMedia.safeParseEvent },
] as unknown as Catalogue[];

interface Seed {
  type: string;
  version: number;
  payload: Json;
}

function seeds(catalogue: Catalogue): Seed[] {
  const snapshot = JSON.parse(readFileSync(new URL(catalogue.snapshot, import.meta.url), 'utf8')) as { catalog: { events: Array<{ type: string; version: number; examples: Array<{ payload: Json }> }> } };
  return snapshot.catalog.events.flatMap((event) => event.examples.map((example) => ({ type: event.type, version: event.version, payload: example.payload })));
}

function paths(root: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(root)) root.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (root !== null && typeof root === 'object') for (const [key, child] of Object.entries(root)) paths(child, [...prefix, key], out);
  return out;
}

const REPLACEMENTS: Json[] = [null, 0, -1, 1.5, 'x', '', 'not-a-uuid', true, [], {}, [1, 'a'], { unexpected: 1 }, 'Z'.repeat(300)];

/** Replaces, deletes or adds at a path; returns the mutated copy. */
function mutate(value: Json, path: Path, how: number): Json {
  const copy = structuredClone(value);
  if (path.length === 0) return REPLACEMENTS[how % REPLACEMENTS.length] ?? null;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (how === REPLACEMENTS.length) delete parent[last];
  else if (how === REPLACEMENTS.length + 1) (parent as Record<string, Json>)[`${String(last)}_extra`] = 'extra';
  else if (how === REPLACEMENTS.length + 2 && Array.isArray(parent[last])) (parent[last] as Json[]).push(structuredClone((parent[last] as Json[])[0] ?? null));
  else parent[last] = REPLACEMENTS[how % REPLACEMENTS.length] ?? null;
  return copy;
}

describe('safeParseEvent lists exactly the issues of zod’s own parse', () => {
  for (const catalogue of CATALOGUES) {
    const all = seeds(catalogue);
    it(`${catalogue.name}: every example, mutated 1–3 times at random paths (${all.length} examples)`, () => {
      expect(all.length).toBeGreaterThan(0);
      const seed = fc.constantFrom(...all);
      const mutation = fc.tuple(fc.nat(), fc.nat({ max: REPLACEMENTS.length + 2 }));
      fc.assert(
        fc.property(seed, fc.array(mutation, { minLength: 1, maxLength: 3 }), (s, mutations) => {
          let payload = s.payload;
          for (const [at, how] of mutations) {
            const all = paths(payload);
            payload = mutate(payload, all[at % all.length] ?? [], how);
          }
          const definition = catalogue.registry[s.type]?.[s.version];
          if (definition === undefined) throw new Error(`no definition for ${s.type} v${s.version}`);
          const expected = definition.schema.safeParse(structuredClone(payload));
          const actual = catalogue.safeParseEvent(s.type, s.version, payload);
          expect(actual.success).toBe(expected.success);
          if (expected.success) expect(actual.data).toEqual(expected.data);
          else expect(actual.error?.issues).toEqual(expected.error.issues);
          // The runtime's validation (consume pipeline) gives the same list.
          const validated = definition.validate(payload);
          expect(validated.success ? undefined : validated.error.issues).toEqual(expected.success ? undefined : expected.error.issues);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('a failed result has the shape of zod’s own: own keys, accessor, prototype, a settable error, JSON', () => {
    const definition = (project.EVENT_REGISTRY as unknown as Catalogue['registry'])['inventory.stock_added']?.[2];
    if (definition === undefined) throw new Error('no inventory.stock_added v2');
    const payload = { tenant_id: 'acme', location_id: 'not-a-uuid', quantity: 'lots' };
    const results = [project.safeParseEvent('inventory.stock_added', 2, payload), definition.validate(payload)];
    for (const actual of results) {
      const expected = definition.schema.safeParse(payload);
      expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(expected));
      expect(Reflect.ownKeys(actual)).toEqual(Reflect.ownKeys(expected));
      const described = Object.getOwnPropertyDescriptor(actual, 'error');
      const zods = Object.getOwnPropertyDescriptor(expected, 'error');
      expect({ ...described, get: described?.get?.name, set: described?.set?.name }).toEqual({ ...zods, get: zods?.get?.name, set: zods?.set?.name });
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      expect(actual.error).toBeInstanceOf(z.ZodError);
      expect(actual.error).toBeInstanceOf(Error);
      expect(actual.error?.message).toBe(expected.error?.message);
      expect(actual.error).toBe(actual.error);
      const replacement = new z.ZodError([]);
      actual.error = replacement;
      expect(actual.error).toBe(replacement);
    }
  });

  it('the benchmark’s invalid payloads: one issue each, at the bad field', () => {
    const snapshot = JSON.parse(readFileSync(new URL('../../generated/catalog.snapshot.json', import.meta.url), 'utf8')) as { catalog: { events: Array<{ type: string; version: number; examples: Array<{ payload: Record<string, unknown> }> }> } };
    const example = (type: string, version: number) => structuredClone(snapshot.catalog.events.find((e) => e.type === type && e.version === version)?.examples[0]?.payload) as Record<string, unknown> & { lines: Array<Record<string, unknown> & { unit_price: { currency: string } }> };
    const small = { ...example('inventory.stock_added', 2), location_id: 'not-a-uuid' };
    const large = example('order.created', 1);
    const line = large.lines[0] as (typeof large.lines)[number];
    large.lines = Array.from({ length: 40 }, (_, i) => ({ ...structuredClone(line), quantity: 1 + i }));
    (large.lines[39] as { unit_price: { currency: string } }).unit_price.currency = 'euro';
    for (const [type, version, payload, path] of [
      ['inventory.stock_added', 2, small, ['location_id']],
      ['order.created', 1, large, ['lines', 39, 'unit_price', 'currency']],
    ] as const) {
      const result = project.safeParseEvent(type, version, payload);
      const registry = project.EVENT_REGISTRY as unknown as Catalogue['registry'];
      const expected = registry[type]?.[version]?.schema.safeParse(payload);
      expect(result.success).toBe(false);
      expect(result.error?.issues).toEqual(expected?.error?.issues);
      expect(result.error?.issues.map((issue) => issue.path)).toEqual([path]);
    }
  });
});
