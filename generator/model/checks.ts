/**
 * Checks that need the whole catalogue: duplicate event versions, names that clash once they are
 * identifiers, tenant scoping, replies, and examples that must validate against their payload.
 */
import { DEFAULT_TENANT_FIELD } from '../../runtime/registry.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { BuiltCatalog, EventOrigin } from './build.js';
import type { CatalogEvent, JsonSchema, JsonSchemaObject } from './catalog.js';
import { surelyValid } from './example-check.js';
import { exportedNames, NAME_PIN_KEY, publisherMethodName, type NameOwner } from './generated-names.js';
import { constantName } from './identifiers.js';
import type { CatalogSources, SourceFileRef } from './inputs.js';
import { DRAFT_07, DRAFT_2019_09, DRAFT_2020_12, eventSchemaId, standaloneSchema } from './json-schema.js';

// ajv-formats ships CommonJS with a default export that TypeScript sees as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface CheckOptions {
  /** Examples that fail their schema are errors; otherwise they are warnings. */
  strict: boolean;
}

export function checkCatalog<F extends SourceFileRef>(sources: CatalogSources<F>, built: BuiltCatalog<F>, options: CheckOptions): void {
  const { catalog, origins } = built;
  const at = (event: CatalogEvent): EventOrigin<F> => origins.get(event)!;
  checkDuplicates(sources, catalog.events, at);
  checkIdentifierClashes(sources, catalog.events, at);
  checkGeneratedNames(sources, built, at);
  for (const event of catalog.events) {
    const field = event.tenantField ?? DEFAULT_TENANT_FIELD;
    if (event.tenantScoped && !requiresTenant(event.payload, catalog.definitions, field)) {
      const { file, pointer } = at(event);
      sources.report(file, [...pointer, 'payload'], 'tenant-id-missing', `event '${event.type}' v${event.version} is tenant-scoped but its payload does not require '${field}'`, `Add \`${field}\` to the payload's properties and to its \`required\` list${field === DEFAULT_TENANT_FIELD ? ', name the property that holds the tenant with `x-tenant-field`,' : ''} or set \`x-tenant-scoped: false\`.`);
    }
  }
  checkExamples(sources, built, at, options.strict);
}

function checkDuplicates<F extends SourceFileRef>(sources: CatalogSources<F>, events: readonly CatalogEvent[], at: (e: CatalogEvent) => EventOrigin<F>): void {
  const seen = new Map<string, CatalogEvent>();
  for (const event of events) {
    const key = `${event.type}@${event.version}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, event);
      continue;
    }
    const { file, pointer } = at(event);
    // Messages shared through `$ref` are one event already (shared-messages.ts): these are two definitions.
    const elsewhere = first.source.file !== event.source.file;
    const hint = elsewhere
      ? `Two different messages claim this type and version. If they describe one event, define the message once (for instance in a shared file such as common/messages.yaml) and $ref it from every document that uses it; if this one is a new version, give it the next \`x-version\`; otherwise give it another name.`
      : 'Give the new message the next `x-version`, or remove one of the two declarations.';
    sources.report(file, namePointer(sources, file, pointer), 'duplicate-event', `event '${event.type}' version ${event.version} is defined twice: here and at ${first.source.file}:${first.source.line}:${first.source.column}`, hint);
  }
}

/** The field that gives the message its type, else the message itself (its type is then its key). */
function namePointer<F extends SourceFileRef>(sources: CatalogSources<F>, file: F, pointer: readonly string[]): string[] {
  for (const field of ['x-event-type', 'name']) {
    if (sources.resolve(file, [...pointer, field]) !== undefined) return [...pointer, field];
  }
  return [...pointer];
}

function checkIdentifierClashes<F extends SourceFileRef>(sources: CatalogSources<F>, events: readonly CatalogEvent[], at: (e: CatalogEvent) => EventOrigin<F>): void {
  const byName = new Map<string, string>();
  const reported = new Set<string>();
  // The event declared later (by file, then line) is the one reported: it is usually the new one.
  const inSourceOrder = [...events].sort((a, b) => a.source.file.localeCompare(b.source.file) || a.source.line - b.source.line);
  for (const event of inSourceOrder) {
    // Exported TypeScript names are checked with every other export in checkGeneratedNames.
    const names = [`EVENT_TYPES.${constantName(event.domain)}.${constantName(event.name)}`, `the file json-schema/${eventSchemaId({ type: event.type, version: 1 })}`];
    for (const name of names) {
      const other = byName.get(name);
      if (other === undefined) byName.set(name, event.type);
      else if (other !== event.type && !reported.has(event.type)) {
        reported.add(event.type);
        const { file, pointer } = at(event);
        sources.report(file, [...pointer, 'name'], 'identifier-clash', `event types '${other}' and '${event.type}' both become '${name}' in generated code`, 'Rename one of them so that they differ in more than punctuation or case.');
      }
    }
  }
}

function requiresTenant(schema: JsonSchema, definitions: Record<string, JsonSchema>, field: string): boolean {
  if (typeof schema !== 'object') return false;
  if (typeof schema.$ref === 'string') {
    const target = definitions[schema.$ref.replace('#/$defs/', '')];
    return target !== undefined && requiresTenant(target, definitions, field);
  }
  if (Array.isArray(schema.required) && schema.required.includes(field)) return true;
  return Array.isArray(schema.allOf) && schema.allOf.some((branch) => requiresTenant(branch as JsonSchema, definitions, field));
}

/**
 * Compiled example validators, by the text of their schema. Compiling is most of the cost of the
 * checks; a process that loads the catalogue again (`generate --watch`) compiles only the schemas
 * that changed. Validators of schemas no longer in the catalogue are dropped on each load.
 */
let cachedAjv: Map<string, Ajv> | undefined;
let cachedValidators = new Map<string, ValidateFunction>();

/** The ajv for the draft a standalone schema declares (see draftOf): each reads its keywords. */
function exampleAjv(draft: unknown): Ajv {
  // Each validator runs on a handful of examples, so ajv's code optimisation passes (which cost as
  // much as generating the code) would not pay for themselves. Validation results are the same.
  // Unknown formats are reported by the loader (schema-keywords.ts), at the keyword; ajv would print its own line.
  const options = { strict: false, allErrors: true, validateSchema: false, logger: false, code: { optimize: false } } as const;
  const key = draft === DRAFT_2020_12 || draft === DRAFT_2019_09 ? draft : DRAFT_07;
  cachedAjv ??= new Map();
  let ajv = cachedAjv.get(key);
  if (ajv === undefined) {
    ajv = addFormats(key === DRAFT_2020_12 ? new Ajv2020(options) : key === DRAFT_2019_09 ? new Ajv2019(options) : new Ajv(options));
    cachedAjv.set(key, ajv);
  }
  return ajv;
}

/**
 * Events whose examples were found valid. An event object is only ever handed out again by the
 * BuildCache: for a document that did not change and reaches only files that did not change, or
 * in place of an equal event while the definitions are equal too (BuildCache.keepEqualEvents), so
 * its payload, its examples and the definitions it uses are still the ones that were checked.
 */
const validatedEvents = new WeakSet<CatalogEvent>();

interface Place<F extends SourceFileRef> {
  file: F;
  pointer: string[];
  /** `file:line:col`, for naming it in another place's report. */
  text: string;
  /** For reporting the later of two in source order. */
  order: [string, number, number];
}

const PIN_HINT = `Pin another name on one of them with \`${NAME_PIN_KEY}: <PascalCaseName>\` on the message or the schema (docs/catalog-format.md, "Generated names"); names never change by themselves when something is added.`;

/**
 * Two things that would be exported under one name, and two events one service publishes whose
 * publisher methods would share a name: each name is the thing's own (generated-names.ts), so a
 * clash is the catalogue's to settle with a pin, never settled by renaming one behind its back.
 * The one written later (by file, then line) is reported: it is usually the new one.
 */
function checkGeneratedNames<F extends SourceFileRef>(sources: CatalogSources<F>, built: BuiltCatalog<F>, at: (e: CatalogEvent) => EventOrigin<F>): void {
  const { catalog, definitionOrigins } = built;
  const placeOf = (owner: NameOwner): Place<F> | undefined => {
    if (owner.kind === 'definition') {
      const origin = definitionOrigins.get(owner.name);
      return origin === undefined ? undefined : place(sources, origin.file, origin.pointer);
    }
    const { file, pointer } = at(owner.event);
    return place(sources, file, namePointer(sources, file, pointer));
  };
  const reportClash = (name: string, first: [string, Place<F>], later: [string, Place<F>], hint: string): void => {
    sources.report(later[1].file, later[1].pointer, 'name-clash', `${later[0]} and ${first[0]} at ${first[1].text} would both be named '${name}' in generated code`, hint);
  };
  // Only names held by two or more owners can clash, and only their holders need a place (a line
  // and column, found by walking the YAML tree): placing every exported name of a large catalogue
  // was a third of these checks. The reports are those of placing them all: a clash is always
  // between two holders of one name, and the holders of other names never take part in it.
  const named = exportedNames(catalog.events, catalog.definitions).map(([name, owner]) => ({ name, owner, id: ownerId(owner) }));
  // A name held by two or more owners is one whose holders are not all its first holder.
  const firstHolder = new Map<string, string>();
  const shared = new Set<string>();
  for (const { name, id } of named) {
    const first = firstHolder.get(name);
    if (first === undefined) firstHolder.set(name, id);
    else if (first !== id) shared.add(name);
  }
  const placed = named.flatMap((entry) => {
    if (!shared.has(entry.name)) return [];
    const where = placeOf(entry.owner);
    return where === undefined ? [] : [{ ...entry, where }];
  });
  placed.sort((a, b) => compareOrder(a.where.order, b.where.order));
  const holders = new Map<string, (typeof placed)[number]>();
  const reportedPairs = new Set<string>();
  for (const entry of placed) {
    const holder = holders.get(entry.name);
    if (holder === undefined) holders.set(entry.name, entry);
    else if (holder.id !== entry.id && !reportedPairs.has(`${holder.id}\n${entry.id}`)) {
      reportedPairs.add(`${holder.id}\n${entry.id}`);
      reportClash(entry.name, [describe(holder.owner), holder.where], [describe(entry.owner), entry.where], PIN_HINT);
    }
  }
  const latest = new Map<string, CatalogEvent>();
  for (const event of catalog.events) latest.set(event.type, event);
  const services = [...new Set(catalog.events.flatMap((e) => e.producers))].sort();
  for (const service of services) {
    // As above: only events whose publisher methods share a name in this service are placed.
    const events = [...latest.values()].filter((e) => e.producers.includes(service)).map((event) => ({ event, method: publisherMethodName(event) }));
    const perMethod = new Map<string, number>();
    for (const { method } of events) perMethod.set(method, (perMethod.get(method) ?? 0) + 1);
    const published = events.filter(({ method }) => perMethod.get(method)! > 1).map(({ event }) => {
      const { file, pointer } = at(event);
      return { event, where: place(sources, file, namePointer(sources, file, pointer)) };
    });
    published.sort((a, b) => compareOrder(a.where.order, b.where.order));
    const methods = new Map<string, (typeof published)[number]>();
    for (const entry of published) {
      const method = publisherMethodName(entry.event);
      const holder = methods.get(method);
      if (holder === undefined) methods.set(method, entry);
      else {
        const pin = (e: CatalogEvent): string => `\`${NAME_PIN_KEY}: ${suggestedPin(e)}\` on '${e.type}' makes its method \`${publisherMethodName({ name: '', pinnedName: suggestedPin(e) })}()\``;
        const hint = `Pin another name on the message that is new: ${pin(entry.event)}, or ${pin(holder.event)}; their types keep their names (docs/catalog-format.md, "Generated names").`;
        reportClash(`${method}()`, [`the publisher method of event '${holder.event.type}'`, holder.where], [`the publisher method of event '${entry.event.type}' in service '${service}'`, entry.where], hint);
      }
    }
  }
}

/** The pin that gives an event its type's own stem, so that only its publisher method changes. */
function suggestedPin(event: CatalogEvent): string {
  return event.pinnedName ?? exportedNames([event], {})[0]![0].replace(/V\d+$/, '');
}

function ownerId(owner: NameOwner): string {
  switch (owner.kind) {
    case 'event':
      return `event ${owner.event.type}`;
    case 'definition':
      return `definition ${owner.name}`;
    case 'domain':
      return `domain ${owner.domain}`;
    case 'service':
      return `service ${owner.service}`;
  }
}

function describe(owner: NameOwner): string {
  switch (owner.kind) {
    case 'event':
      return `event '${owner.event.type}'`;
    case 'definition':
      return `schema '${owner.name}'`;
    case 'domain':
      return `the event-type union of domain '${owner.domain}' (first event here)`;
    case 'service':
      return `the namespace of service '${owner.service}' (first event here)`;
  }
}

function place<F extends SourceFileRef>(sources: CatalogSources<F>, file: F, pointer: readonly string[]): Place<F> {
  const pos = sources.locate(file, pointer);
  return { file, pointer: [...pointer], text: `${pos.file.rel}:${pos.line}:${pos.column}`, order: [pos.file.rel, pos.line, pos.column] };
}

function compareOrder(a: [string, number, number], b: [string, number, number]): number {
  return (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) || a[1] - b[1] || a[2] - b[2];
}

/**
 * Every example of every event against its payload schema; each failing example is reported (its
 * first error), all in one run. Published documents often carry examples that have drifted from
 * their schema, so outside strict mode a failing example is a warning, not a reason to stop.
 */
function checkExamples<F extends SourceFileRef>(sources: CatalogSources<F>, built: BuiltCatalog<F>, at: (e: CatalogEvent) => EventOrigin<F>, strict: boolean): void {
  const withExamples: CatalogEvent[] = [];
  const schemas: JsonSchemaObject[] = [];
  for (const event of built.catalog.events) {
    if (event.examples.length === 0 || validatedEvents.has(event)) continue;
    const schema = standaloneSchema(event.payload, built.catalog.definitions);
    // Examples the interpreter is sure ajv accepts need no compiled validator (see example-check.ts).
    if (event.examples.every((example) => surelyValid(schema, example.payload))) {
      validatedEvents.add(event);
      continue;
    }
    withExamples.push(event);
    schemas.push(schema);
  }
  const keys = schemas.map((schema) => JSON.stringify(schema));
  const wanted = new Set(keys);
  for (const [key, validate] of cachedValidators) {
    if (!wanted.has(key)) {
      for (const ajv of cachedAjv?.values() ?? []) ajv.removeSchema(validate.schema as object);
      cachedValidators.delete(key);
    }
  }
  if (withExamples.length === 0) return;
  // Created only when an example needs it: setting ajv up costs as much as a hundred compiles.
  let compileFailed = false;
  withExamples.forEach((event, index) => {
    const { file, pointer } = at(event);
    const key = keys[index]!;
    let validate = cachedValidators.get(key);
    if (validate === undefined) {
      try {
        validate = exampleAjv(schemas[index]!.$schema).compile(schemas[index]!);
      } catch (error) {
        compileFailed = true;
        sources.report(file, [...pointer, 'payload'], 'invalid-schema', `the payload schema of '${event.type}' cannot be compiled: ${(error as Error).message}`, 'Fix the JSON Schema (a pattern that is not a valid regular expression is the usual cause).');
        return;
      }
      cachedValidators.set(key, validate);
    }
    const check = validate;
    let valid = true;
    event.examples.forEach((example, i) => {
      if (check(example.payload)) return;
      valid = false;
      const first = check.errors?.[0];
      if (!first) return;
      const examplePointer = [...pointer, 'examples', String(i), 'payload', ...instanceSegments(first)];
      const message = `example ${example.name ? `'${example.name}' ` : ''}of '${event.type}' v${event.version} does not match its payload schema: ${describeError(first)}`;
      if (strict) sources.report(file, examplePointer, 'invalid-example', message, 'Fix the example so that it validates, or fix the schema if the example is right.');
      else sources.warn(file, examplePointer, 'invalid-example', message, 'Fix the example so that it validates, or fix the schema if the example is right (with --strict this is an error).');
    });
    if (valid) validatedEvents.add(event);
  });
  if (compileFailed) {
    // A failed compile may leave parts of the schema registered; start the next load afresh.
    cachedAjv = undefined;
    cachedValidators = new Map();
  }
}

function instanceSegments(error: ErrorObject): string[] {
  return error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? 'the payload' : error.instancePath.slice(1).replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') return `${where} has unknown property '${String(error.params.additionalProperty)}'`;
  if (error.keyword === 'required') return `${where} is missing required property '${String(error.params.missingProperty)}'`;
  return `${where} ${error.message ?? 'is invalid'}`;
}
