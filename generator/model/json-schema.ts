/**
 * Standalone JSON Schema for one event: the model's `#/$defs/<Name>` references become
 * `#/definitions/<Name>` and only the definitions the schema reaches are carried along. Used for the
 * emitted `.json` files and for validating examples, so both see exactly the same schema. It
 * declares draft-07, unless it uses keywords of a later draft (see {@link draftOf}).
 */
import type { Catalog, CatalogEvent, JsonSchema, JsonSchemaObject, JsonValue } from './catalog.js';

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
export const DRAFT_2019_09 = 'https://json-schema.org/draft/2019-09/schema';
export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Keywords that draft-07 validators ignore and 2019-09 validators apply. */
const KEYWORDS_2019 = new Set(['unevaluatedProperties', 'unevaluatedItems', 'dependentRequired', 'dependentSchemas', 'minContains', 'maxContains']);

/**
 * The draft a schema needs: 2020-12 when it uses `prefixItems`, 2019-09 when it uses another
 * keyword draft-07 does not have, draft-07 otherwise (so that `items` as a list and
 * `additionalItems`, which 2020-12 no longer reads, keep their meaning).
 */
export function draftOf(schema: JsonValue): string {
  let found = DRAFT_07;
  const visit = (value: JsonValue): void => {
    if (found === DRAFT_2020_12) return;
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      // Keys of `properties` and similar maps are names, not keywords; looking at them too only
      // ever errs towards a later draft, which reads every draft-07 keyword the same way.
      if (key === 'prefixItems') found = DRAFT_2020_12;
      else if (KEYWORDS_2019.has(key) && found === DRAFT_07) found = DRAFT_2019_09;
      visit(child);
    }
  };
  visit(schema);
  return found;
}
const MODEL_REF = /^#\/\$defs\/(.+)$/;

/** Names of the definitions a schema reaches, directly or through other definitions, sorted. */
export function reachableDefinitions(schema: JsonSchema, definitions: Catalog['definitions']): string[] {
  const found = new Set<string>();
  const visit = (value: JsonValue): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        const match = key === '$ref' && typeof child === 'string' ? MODEL_REF.exec(child) : null;
        if (match) {
          const name = match[1]!;
          if (!found.has(name) && definitions[name] !== undefined) {
            found.add(name);
            visit(definitions[name]);
          }
        } else visit(child);
      }
    }
  };
  visit(schema);
  return [...found].sort();
}

export function standaloneSchema(schema: JsonSchema, definitions: Catalog['definitions'], header: JsonSchemaObject = {}): JsonSchemaObject {
  const names = reachableDefinitions(schema, definitions);
  const root: JsonSchemaObject = typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : rewriteRefs(schema);
  const out: JsonSchemaObject = { $schema: DRAFT_07, ...header, ...root };
  if (names.length > 0) {
    out.definitions = Object.fromEntries(names.map((name) => [name, rewriteRefs(definitions[name]!)]));
  }
  const draft = draftOf(out);
  if (draft !== DRAFT_07) out.$schema = draft;
  return out;
}

/**
 * File name (and `$id`) of an event version's JSON Schema. Event types are catalogue text, so
 * anything but letters, digits, dots, dashes and underscores is replaced: a type can never name a
 * path outside the output folder.
 */
export function eventSchemaId(event: Pick<CatalogEvent, 'type' | 'version'>): string {
  const safe = event.type.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_');
  return `${safe}.v${event.version}.json`;
}

function rewriteRefs<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map(rewriteRefs) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(value)) {
    const match = key === '$ref' && typeof child === 'string' ? MODEL_REF.exec(child) : null;
    out[key] = match ? `#/definitions/${match[1]}` : rewriteRefs(child);
  }
  return out as T;
}
