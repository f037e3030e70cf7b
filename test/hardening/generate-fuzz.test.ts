/**
 * Mutated real catalogues through the loader and the generator, in-process. Each run takes one
 * file of the catalogues in test/fixtures/catalogs and catalog/ (a document, loaded alone with the
 * fragments it reaches, or a shared fragment, .avsc or JSON Schema file, loaded with its whole
 * catalogue), applies one mutation (a key deleted, a scalar of another type, broken indentation, a
 * dangling $ref, a bad regular expression, a duplicated key, the file truncated…), loads it and,
 * when it loads, emits the generated files. Every run must end in generated files or in a
 * CatalogError whose every problem names a file of the catalogue and a line in it: never another
 * exception (an internal error). Hangs are bounded by the test's timeout, not timed per run.
 *
 * Size: RUNS runs (× EVENTSMITH_FUZZ_SCALE); fast-check prints the seed of a failure, and
 * EVENTSMITH_FUZZ_SEED replays it. Cases found are kept in REGRESSIONS below.
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emit } from '../../generator/emit/emit.js';
import { CatalogError } from '../../generator/load/diagnostics.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const RUNS = 150 * Math.max(1, Number(process.env.EVENTSMITH_FUZZ_SCALE ?? 1));
const SEED = process.env.EVENTSMITH_FUZZ_SEED === undefined ? undefined : Number(process.env.EVENTSMITH_FUZZ_SEED);

/** Catalogue folders, copied once into a scratch folder whose documents the runs overwrite and restore. */
const SOURCES = [path.join(REPO_ROOT, 'catalog'), ...readdirSync(path.join(REPO_ROOT, 'test/fixtures/catalogs')).map((name) => path.join(REPO_ROOT, 'test/fixtures/catalogs', name))];

interface Document {
  /** Absolute path in the scratch copy. */
  abs: string;
  text: string;
  /** What is loaded: the document itself, or for a fragment the catalogue folder that holds it. */
  target: string;
  /** The catalogue folder (problems are reported relative to it). */
  root: string;
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root)) {
    const abs = path.join(root, entry);
    if (statSync(abs).isDirectory()) out.push(...listFiles(abs));
    else if (/\.(ya?ml|json|avsc)$/.test(entry)) out.push(abs);
  }
  return out.sort();
}

function scratchCopy(): Document[] {
  const dir = tempDir('eventsmith-generate-fuzz-');
  return SOURCES.flatMap((source, i) => {
    const target = path.join(dir, `${i}-${path.basename(source)}`);
    cpSync(source, target, { recursive: true });
    return listFiles(target).map((abs) => {
      const text = readFileSync(abs, 'utf8');
      return { abs, text, target: /^\s*"?asyncapi"?\s*:/m.test(text) ? abs : target, root: target };
    });
  });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

function paths(root: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(root)) root.forEach((item, i) => (out.push([...prefix, i]), paths(item, [...prefix, i], out)));
  else if (root !== null && typeof root === 'object') for (const [key, child] of Object.entries(root)) (out.push([...prefix, key]), paths(child, [...prefix, key], out));
  return out;
}

function at(root: Json, p: Path): Json {
  let node: Json = root;
  for (const segment of p) node = (node as Record<string | number, Json>)[segment]!;
  return node;
}

const isObject = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Object nodes that look like schemas (they have `type` or `properties`), else every object. */
function schemaLike(root: Json): Path[] {
  const objects = [[], ...paths(root)].filter((p) => isObject(at(root, p)));
  const schemas = objects.filter((p) => {
    const v = at(root, p) as Record<string, Json>;
    return 'type' in v || 'properties' in v;
  });
  return schemas.length > 0 ? schemas : objects;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

const OTHER_SCALARS: Json[] = [42, -1, 3.5, true, false, null, '', 'text', [], {}, ['a'], { nested: 1 }];

/** One mutation of `text`, chosen by `kind`, placed by `n` and `m`. */
type Mutation = (text: string, n: number, m: number) => string;

function onData(change: (data: Json, n: number, m: number) => void): Mutation {
  return (text, n, m) => {
    let data: Json;
    try {
      data = parseYaml(text) as Json;
    } catch {
      return text;
    }
    change(data, n, m);
    return stringifyYaml(data, { aliasDuplicateObjects: false });
  };
}

const MUTATIONS: Record<string, Mutation> = {
  'delete a key': onData((data, n) => {
    const keys = paths(data).filter((p) => typeof p.at(-1) === 'string');
    if (keys.length === 0) return;
    const p = pick(keys, n);
    delete (at(data, p.slice(0, -1)) as Record<string, Json>)[p.at(-1) as string];
  }),
  "change a scalar's type": onData((data, n, m) => {
    const scalars = paths(data).filter((p) => { const v = at(data, p); return v === null || typeof v !== 'object'; });
    if (scalars.length === 0) return;
    const p = pick(scalars, n);
    (at(data, p.slice(0, -1)) as Record<string | number, Json>)[p.at(-1)!] = structuredClone(pick(OTHER_SCALARS, m));
  }),
  'dangle a $ref': onData((data, n, m) => {
    const objects = [[], ...paths(data)].filter((p) => p.length > 0 && isObject(at(data, p)));
    if (objects.length === 0) return;
    const p = pick(objects, n);
    const target = pick(['#/components/schemas/Nope', './missing.yaml#/Thing', '#/components/messages/Gone', '#/nowhere/at/all', 'other.yaml', '#'], m);
    (at(data, p.slice(0, -1)) as Record<string | number, Json>)[p.at(-1)!] = { $ref: target };
  }),
  'insert a bad keyword value': onData((data, n, m) => {
    const schemas = schemaLike(data);
    const schema = at(data, pick(schemas, n)) as Record<string, Json>;
    const [keyword, value] = pick<[string, Json]>([['pattern', '([a-z'], ['pattern', '\\'], ['minLength', -1], ['multipleOf', 0], ['multipleOf', 'x'], ['format', 'uuuid'], ['maxItems', 1.5], ['required', 'id'], ['enum', []], ['type', 'strin'], ['patternProperties', { '(': { type: 'string' } }], ['additionalProperties', 'no'], ['items', [1]], ['$ref', 7]], m);
    schema[keyword] = value;
  }),
  'break indentation': (text, n, m) => {
    const lines = text.split('\n');
    const i = n % lines.length;
    const shift = (m % 5) - 2;
    lines[i] = shift >= 0 ? `${' '.repeat(shift + 1)}${lines[i]}` : lines[i]!.replace(new RegExp(`^ {1,${-shift}}`), '');
    return lines.join('\n');
  },
  'duplicate a key': (text, n) => {
    const lines = text.split('\n');
    const keyed = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w$"'-]+\s*:/.test(l));
    if (keyed.length === 0) return text;
    const [line, i] = pick(keyed, n);
    lines.splice(i + 1, 0, line);
    return lines.join('\n');
  },
  'truncate the file': (text, n) => text.slice(0, n % Math.max(1, text.length)),
  'swap two lines': (text, n, m) => {
    const lines = text.split('\n');
    const a = n % lines.length;
    const b = m % lines.length;
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return lines.join('\n');
  },
  'rename an x- key': (text, n) => {
    const keys = [...text.matchAll(/\bx-[a-z-]+(?=\s*:)/g)];
    if (keys.length === 0) return text;
    const match = pick(keys, n);
    return text.slice(0, match.index) + match[0].replace(/[aeiou](?=[^aeiou]*$)/, '') + text.slice(match.index! + match[0].length);
  },
};

const KINDS = Object.keys(MUTATIONS);

type Outcome = { kind: 'generated'; files: number } | { kind: 'refused'; problems: number };

/** Loads and generates `document`; throws on anything but a clean result or a clean CatalogError. */
async function run(document: Document, strict: boolean): Promise<Outcome> {
  const cwd = document.root;
  try {
    const { catalog } = await loadCatalog(document.target, { strict, cwd });
    return { kind: 'generated', files: emit(catalog).size };
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    expect(error.diagnostics.length).toBeGreaterThan(0);
    for (const d of error.diagnostics) {
      const file = path.resolve(cwd, d.file);
      expect(statSync(file, { throwIfNoEntry: false })?.isFile(), `${d.file} is not a file: ${d.message}`).toBe(true);
      expect(d.line, `${d.file}: ${d.message}`).toBeGreaterThanOrEqual(1);
      expect(d.line, `${d.file}: ${d.message}`).toBeLessThanOrEqual(readFileSync(file, 'utf8').split('\n').length);
      expect(d.column).toBeGreaterThanOrEqual(1);
      expect(d.message).not.toMatch(/internal error|\n\s+at /);
    }
    return { kind: 'refused', problems: error.diagnostics.length };
  }
}

/** Mutations that once ended in an internal error: [document (relative to the repository), kind, n, m]. */
const REGRESSIONS: [string, string, number, number][] = [
  // `$ref: true` (a channel reference): the AsyncAPI parser crashed on a $ref that is not a string.
  ['social-media-3.0/notification-service/asyncapi.yaml', "change a scalar's type", 861476537, 2147483619],
];

/** EVENTSMITH_FUZZ_SHOW=index,kind,n,m prints the mutated document (to write a regression case). */
if (process.env.EVENTSMITH_FUZZ_SHOW) {
  const [index, kind, n, m] = process.env.EVENTSMITH_FUZZ_SHOW.split(',');
  const document = scratchCopy()[Number(index)]!;
  console.log(document.abs, '\n', MUTATIONS[kind!]!(document.text, Number(n), Number(m)));
}

describe('mutated catalogues through the loader and the generator', () => {
  const documents = scratchCopy();

  it('has documents from every catalogue', () => {
    expect(documents.length).toBeGreaterThanOrEqual(SOURCES.length);
  });

  it.each(REGRESSIONS)('regression: %s, %s (%i, %i)', async (rel, kind, n, m) => {
    const document = documents.find((d) => d.abs.endsWith(rel))!;
    writeFileSync(document.abs, MUTATIONS[kind]!(document.text, n, m));
    try {
      await run(document, false);
    } finally {
      writeFileSync(document.abs, document.text);
    }
  });

  it(`ends every run in generated files or in problems with a file and line (${RUNS} runs)`, async () => {
    const outcomes: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.nat(documents.length - 1), fc.constantFrom(...KINDS), fc.nat(), fc.nat(), fc.boolean(), async (index, kind, n, m, strict) => {
        const document = documents[index]!;
        writeFileSync(document.abs, MUTATIONS[kind]!(document.text, n, m));
        try {
          const outcome = await run(document, strict);
          outcomes[outcome.kind] = (outcomes[outcome.kind] ?? 0) + 1;
        } finally {
          writeFileSync(document.abs, document.text);
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true },
    );
    console.info(`generate fuzz: ${JSON.stringify(outcomes)}`);
    // Both ends are reached: the mutations are not all fatal, nor all harmless.
    expect(outcomes.generated ?? 0).toBeGreaterThan(0);
    expect(outcomes.refused ?? 0).toBeGreaterThan(0);
  }, 900_000);
});
