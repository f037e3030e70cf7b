/**
 * Turns payload and header schemas as written (with `$ref`s across files) into the model's form:
 * every reference becomes `#/$defs/<Name>`, a named definition shared by the whole catalogue. Names
 * come from where the schema is declared (`…/schemas/Money` → `Money`) or from its pin
 * (`x-eventsmith-name`), never from what else the catalogue holds, so shared types keep their names
 * in generated code whatever is added; two schemas that would get one name are reported with both
 * places. Recursion terminates because a definition is named before it is read.
 */
import path from 'node:path';
import type { JsonSchema, JsonSchemaObject, JsonValue } from '../model/catalog.js';
import { NAME_PIN_KEY, pinProblem } from '../model/generated-names.js';
import { pascalName } from '../model/identifiers.js';
import type { Claim, ClaimedDefinition, SchemaReader } from '../model/inputs.js';
import type { AvroNamed } from '../model/avro.js';
import { avroToJsonSchema } from './avro.js';
import { keywordProblems } from './schema-keywords.js';
import { isRefObject, type SourceFile, type SourceSet } from './sources.js';

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set([
  'additionalProperties', 'additionalItems', 'contains', 'propertyNames', 'not', 'if', 'then', 'else', 'items',
  'unevaluatedProperties', 'unevaluatedItems',
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems']);
/** Keywords whose value maps names to schemas (`dependencies` also holds name lists, kept as they are). */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'dependencies', 'dependentSchemas']);
/** Local definition containers: reached through `$ref`, so they are dropped once references are rewritten. */
const DEFINITION_CONTAINERS = new Set(['definitions', '$defs']);

export const DEFS_PREFIX = '#/$defs/';

export class SchemaCollector implements SchemaReader<SourceFile> {
  private readonly definitions = new Map<string, JsonSchema>();
  /** `file#pointer` of a referenced schema → its definition name. */
  private readonly names = new Map<string, string>();
  /** Definition name → the schema that holds it. */
  private readonly owners = new Map<string, { key: string; origin: DefinitionOrigin }>();
  /** Every claim so far, in order: what a document claimed is replayed when it is not read again. */
  private readonly claims: Claim[] = [];

  constructor(
    private readonly sources: SourceSet,
    private readonly options: { strict: boolean } = { strict: false },
  ) {}

  /** The schema at `pointer`; a `$ref` at the root is inlined, so an event's payload is its own schema. */
  root(file: SourceFile, pointer: readonly string[]): JsonSchema | undefined {
    const found = this.sources.resolve(file, pointer, true);
    if (!found) return undefined;
    return this.convert(found.target.file, found.target.pointer, found.value);
  }

  /**
   * The Avro schema at `pointer` (a `$ref` at the root is followed, e.g. to a `.avsc` file) as
   * written, and its JSON Schema. Named types other than the root record become definitions,
   * shared by every event whose schema is in the same place.
   */
  avro(file: SourceFile, pointer: readonly string[]): { schema: JsonSchema; avro: JsonValue } | undefined {
    const found = this.sources.resolve(file, pointer, true);
    if (!found) return undefined;
    const at = found.target;
    const schema = avroToJsonSchema(found.value, {
      report: (inner, code, message, hint) => this.sources.report(at.file, [...at.pointer, ...inner], code, message, hint),
      define: (node: AvroNamed, build) => {
        const key = `${at.file.abs}#/${[...at.pointer, ...node.pointer].join('/')}`;
        let name = this.names.get(key);
        if (name === undefined) {
          const origin = { file: at.file, pointer: [...at.pointer, ...node.pointer] };
          name = this.nameOf(origin.file, origin.pointer, this.sources.resolve(origin.file, origin.pointer, false)?.value, pascalName(node.name));
          const hint = `Pin another name on one of them: add the attribute \`"${NAME_PIN_KEY}": "<PascalCaseName>"\` to the Avro type (docs/catalog-format.md, "Generated names").`;
          if (this.claim(key, name, origin, `Avro type '${node.fullname}'`, hint)) {
            // Named before it is built, so that a recursive type refers to itself.
            this.definitions.set(name, true);
            this.definitions.set(name, build());
          }
        }
        return `${DEFS_PREFIX}${name}`;
      },
    });
    return schema === undefined ? undefined : { schema, avro: found.value as JsonValue };
  }

  /** Where the schema that definition `name` was given to is written. */
  definitionOrigin(name: string): DefinitionOrigin | undefined {
    return this.owners.get(name)?.origin;
  }

  /** Every definition met so far, sorted by name. */
  collected(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.definitions.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The claims made so far (a copy). */
  claimsSoFar(): Claim[] {
    return [...this.claims];
  }

  /** Whether the claims made so far are exactly `claims`, in order. */
  hasClaimed(claims: readonly Claim[]): boolean {
    return claims.length === this.claims.length && claims.every((c, i) => c.key === this.claims[i]!.key && c.name === this.claims[i]!.name);
  }

  /** The claims made from index `start` on, with their definitions. */
  claimedSince(start: number): ClaimedDefinition<SourceFile>[] {
    return this.claims.slice(start).map((c) => ({ ...c, definition: this.definitions.get(c.name)!, origin: this.owners.get(c.name)!.origin }));
  }

  /** Makes claims recorded by {@link claimedSince} again, as reading their document would. */
  replay(claimed: readonly ClaimedDefinition<SourceFile>[]): void {
    for (const { key, name, definition, origin } of claimed) {
      this.names.set(key, name);
      this.owners.set(name, { key, origin });
      this.claims.push({ key, name });
      this.definitions.set(name, definition);
    }
  }

  private convert(file: SourceFile, pointer: readonly string[], value: unknown): JsonSchema {
    if (typeof value === 'boolean') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.sources.report(file, pointer, 'invalid-schema', 'a schema must be an object or a boolean', 'Write the schema as a mapping, e.g. `{ type: string }`.');
      return true;
    }
    if (isRefObject(value)) return this.reference(file, pointer, value.$ref);
    for (const problem of keywordProblems(value as Record<string, unknown>, this.options.strict)) {
      const report = problem.warning ? this.sources.warn.bind(this.sources) : this.sources.report.bind(this.sources);
      report(file, [...pointer, ...problem.at], problem.code, problem.message, problem.hint);
    }
    const out: JsonSchemaObject = {};
    for (const [keyword, child] of Object.entries(value as Record<string, unknown>)) {
      // The pin names the schema in generated code; it says nothing about the data.
      if (DEFINITION_CONTAINERS.has(keyword) || keyword === NAME_PIN_KEY) continue;
      const at = [...pointer, keyword];
      if (SCHEMA_LIST_KEYWORDS.has(keyword) && Array.isArray(child)) {
        out[keyword] = child.map((item, i) => this.convert(file, [...at, String(i)], item));
      } else if (SCHEMA_KEYWORDS.has(keyword)) {
        out[keyword] = this.convert(file, at, child);
      } else if (SCHEMA_MAP_KEYWORDS.has(keyword) && isPlainObject(child)) {
        out[keyword] = Object.fromEntries(
          Object.entries(child).map(([name, sub]) => [name, keyword === 'dependencies' && Array.isArray(sub) ? (sub as JsonValue) : this.convert(file, [...at, name], sub)]),
        );
      } else {
        out[keyword] = child as JsonValue;
      }
    }
    return out;
  }

  private reference(file: SourceFile, pointer: readonly string[], ref: string): JsonSchema {
    const target = this.sources.resolveRef(file, ref, [...pointer]);
    if (!target) return true;
    const key = `${target.file.abs}#/${target.pointer.join('/')}`;
    let name = this.names.get(key);
    if (name === undefined) {
      const value = this.sources.resolve(target.file, target.pointer, false)?.value;
      name = this.nameOf(target.file, target.pointer, value, declaredName(target.file, target.pointer));
      const hint = `Pin another name on one of them: add \`${NAME_PIN_KEY}: <PascalCaseName>\` to the schema (docs/catalog-format.md, "Generated names").`;
      if (this.claim(key, name, { file: target.file, pointer: target.pointer }, 'schema', hint)) {
        this.definitions.set(name, this.convert(target.file, target.pointer, value));
      }
    }
    return { $ref: `${DEFS_PREFIX}${name}` };
  }

  /** The schema's pin (`x-eventsmith-name`), else `fallback`. */
  private nameOf(file: SourceFile, pointer: readonly string[], value: unknown, fallback: string): string {
    const pin = isPlainObject(value) ? value[NAME_PIN_KEY] : undefined;
    if (pin !== undefined) {
      const problem = pinProblem(pin);
      if (problem === undefined) return pin as string;
      this.sources.report(file, [...pointer, NAME_PIN_KEY], 'invalid-name-pin', problem, 'Write e.g. `x-eventsmith-name: OrderLine`: the name the schema gets in generated code.');
    }
    return fallback;
  }

  /**
   * Gives `name` to the schema at `key`; false (and reported, naming both places) when another
   * schema holds it already. The name is the schema's own either way, so the clash is never
   * settled by renaming one of them behind the catalogue's back.
   */
  private claim(key: string, name: string, origin: DefinitionOrigin, what: string, hint: string): boolean {
    this.names.set(key, name);
    const owner = this.owners.get(name);
    if (owner !== undefined && owner.key !== key) {
      const there = this.sources.locate(owner.origin.file, owner.origin.pointer);
      this.sources.report(origin.file, origin.pointer, 'name-clash', `this ${what} and the one at ${there.file.rel}:${there.line}:${there.column} would both be named '${name}' in generated code`, hint);
      return false;
    }
    this.owners.set(name, { key, origin });
    this.claims.push({ key, name });
    return true;
  }
}

/** The last word of where a schema is declared (`…/schemas/Money` → `Money`), else its file's name. */
function declaredName(file: SourceFile, pointer: readonly string[]): string {
  const last = [...pointer].reverse().find((s) => !/^\d+$/.test(s)) ?? path.basename(file.abs, path.extname(file.abs));
  return pascalName(last);
}

/** Where a definition's schema is written. */
export interface DefinitionOrigin {
  file: SourceFile;
  pointer: readonly string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
