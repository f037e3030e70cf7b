/**
 * Catalog model in, generated files out (as text, keyed by path inside the output folder).
 * View models are computed here; templates only place the finished fragments.
 */
import { createHash } from 'node:crypto';
import type { Catalog, CatalogEvent, JsonSchemaObject, JsonValue } from '../model/catalog.js';
import { latestIsDefinition } from '../model/generated-names.js';
import { DRAFT_2019_09, DRAFT_2020_12, eventSchemaId, standaloneSchema } from '../model/json-schema.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION } from '../model/snapshot.js';
import { docComment, jsonLiteral, stringLiteral } from './code/literals.js';
import { zodExpression } from './code/zod.js';
import { directRefs, orderDefinitions } from './graph.js';
import { CatalogNames, domainKey, domainModule, eventKey } from './names.js';
import { stableJson, stableJsonReusing, type ReusedText } from './stable-json.js';
import { bindingsLiteral, EVENTS_FIELDS, eventsView, parametersLiteral, SERVICE_FIELDS, serviceModule, serviceNames, serviceView, TOPOLOGY_FIELDS, topologyView } from './services.js';
import { render } from './templates.js';
import { GENERATED_MARKER } from './write.js';

const HEADER = `// ${GENERATED_MARKER} from the event catalogue. DO NOT EDIT.\n// Regenerate with: npx eventsmith generate`;
const JSON_COMMENT = `${GENERATED_MARKER} from the event catalogue. DO NOT EDIT.`;

export interface EmitOptions {
  /**
   * The date (YYYY-MM-DD) sunsets are judged by: an older version whose `x-sunset` is on or before it
   * is past its sunset, and consumers may drop it. A fixed value (the config's `sunsetAsOf`), never
   * the clock, so that one catalogue always gives the same code. Default: none, every version live.
   */
  sunsetAsOf?: string;
}

export function emit(catalog: Catalog, options: EmitOptions = {}): Map<string, string> {
  jsonSchemas = new Map();
  fragments.startEmit();
  wholeFiles.startEmit();
  try {
    return emitFiles(catalog, options);
  } finally {
    jsonSchemas = undefined;
    fragments.endEmit();
    wholeFiles.endEmit();
  }
}

/**
 * Whole files by a key that holds everything each is made from, kept from one emit to the next: a
 * process that emits again after a small change (`generate --watch`) renders only the files whose
 * inputs changed. Files not emitted by the latest emit are dropped.
 */
class FileMemo {
  private texts = new Map<string, { key: string; text: string }>();
  private used = new Set<string>();
  /** Files this emit made (not taken from the memo): what a test can see the memo do. */
  made: string[] = [];

  startEmit(): void {
    this.used = new Set();
    this.made = [];
  }

  endEmit(): void {
    for (const file of [...this.texts.keys()]) if (!this.used.has(file)) this.texts.delete(file);
  }

  get(file: string, key: string, make: () => string): string {
    this.used.add(file);
    const kept = this.texts.get(file);
    if (kept?.key === key) return kept.text;
    const text = make();
    this.texts.set(file, { key, text });
    this.made.push(file);
    return text;
  }
}

const wholeFiles = new FileMemo();

/** The files the last emit made rather than took from its memo of whole files (for tests). */
export function lastEmitMade(): readonly string[] {
  return wholeFiles.made;
}

/**
 * A number for each distinct text, never given to another text: the keys of whole files are made
 * of these, so that they stay short (the text of every event's fields, joined, was most of the
 * time spent on keys). Emptied past a size no catalogue reaches; a text then gets a new number,
 * which at worst makes a file again.
 */
const textIds = new Map<string, number>();
let nextTextId = 0;

function idOf(text: string): number {
  let id = textIds.get(text);
  if (id === undefined) {
    if (textIds.size >= 200_000) textIds.clear();
    textIds.set(text, (id = nextTextId++));
  }
  return id;
}

/**
 * The id (idOf) of the JSON of the fields of `event` a view reads (services.ts), made once per
 * event object. None of those fields is ever null, so JSON's null for a missing one cannot stand
 * for another value.
 */
const viewFields = new WeakMap<CatalogEvent, Map<readonly (keyof CatalogEvent)[], number>>();

function fieldsOf(event: CatalogEvent, fields: readonly (keyof CatalogEvent)[]): number {
  let made = viewFields.get(event);
  if (made === undefined) viewFields.set(event, (made = new Map()));
  let id = made.get(fields);
  if (id === undefined) made.set(fields, (id = idOf(JSON.stringify(fields.map((field) => event[field])))));
  return id;
}

/** Key of a view made from `fields` of every event, in order. */
function viewKey(events: readonly CatalogEvent[], fields: readonly (keyof CatalogEvent)[]): string {
  return events.map((event) => fieldsOf(event, fields)).join(',');
}

/**
 * Keys of the services' modules. A service's view reads its own events (those it publishes or
 * consumes) whole, and of every other event only its type (which version of a type is the latest
 * depends on the others) and that it is not one of them: an event it is not part of has no effect
 * on it beyond that. So each key is the types of all events in order, then the place and fields of
 * each of the service's own events.
 */
function serviceKeys(events: readonly CatalogEvent[]): Map<string, string> {
  const types = viewKey(events, TYPE_FIELD);
  const own = new Map<string, string[]>();
  events.forEach((event, index) => {
    for (const service of new Set([...event.producers, ...event.consumers])) {
      let list = own.get(service);
      if (list === undefined) own.set(service, (list = []));
      list.push(`${index} ${fieldsOf(event, SERVICE_FIELDS)}`);
    }
  });
  return new Map([...own].map(([service, list]) => [service, `${types};${list.join(',')}`]));
}

const TYPE_FIELD = ['type'] as const;

/**
 * Code fragments of one event (its zod expression, its JSON Schema literal) by the text of what
 * they are made from, kept from one emit to the next. A process that emits again after a small
 * change (`generate --watch`) rebuilds only the fragments of events that changed. Fragments not
 * used by the latest emit are dropped, so the memo never outgrows one catalogue.
 */
class FragmentMemo {
  private previous = new Map<string, string>();
  private current = new Map<string, string>();

  startEmit(): void {
    this.current = new Map();
  }

  endEmit(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  get(key: string, build: () => string): string {
    let value = this.current.get(key) ?? this.previous.get(key);
    if (value === undefined) value = build();
    this.current.set(key, value);
    this.recording?.push([key, value]);
    return value;
  }

  private recording: [string, string][] | undefined;

  /** The fragments `make` gets, with their keys: what a text made from them needs kept (see keep). */
  recorded<T>(make: () => T): { result: T; used: [string, string][] } {
    const outer = this.recording;
    const used: [string, string][] = [];
    this.recording = used;
    try {
      return { result: make(), used };
    } finally {
      this.recording = outer;
      outer?.push(...used);
    }
  }

  /**
   * Marks fragments as used by this emit without getting them: a text kept whole (a domain module
   * that did not change) still holds them, and the next emit that makes it again (after an edit
   * of one of its events) should find them.
   */
  keep(used: readonly [string, string][]): void {
    for (const [key, value] of used) this.current.set(key, value);
  }
}

const fragments = new FragmentMemo();

/**
 * Texts computed from one event alone, kept as long as the event object lives. The model is not
 * changed once built, and `generate --watch` hands the same event objects to every emit while
 * their document is unchanged, so these are computed once per event instead of once per emit.
 */
interface EventMemo {
  /** Unique to the event object: stands for all of its content in keys. */
  readonly id: number;
  /** Key of what the event's JSON Schema is made from (besides the definitions). */
  readonly schemaKey: string;
  /** Key of its payload schema. */
  readonly payloadKey: string;
  /** Its stableJson, in the snapshot. */
  stable?: ReusedText;
  /** Its JSON Schema file, and the definitions key (see definitionsKey) it was made with. */
  schemaFile?: { defsKey: string; key: string; text: string };
  /** Its fields in the registry, and the names (type, schema, JSON Schema) they were made with. */
  registry?: { key: string; text: string };
  /** Its part of registry.ts's key (see registryKey), made with `registry` (the same names). */
  registryRow?: { of: { key: string; text: string }; id: number };
  /** Definitions its payload references directly. */
  refs?: string[];
  /** The keys of its fragments in a domain module (see fragmentKeys), made with definitions key `defsKey`. */
  fragmentKeys?: { defsKey: string; zod: string; json: string; draft: string };
}

const eventMemos = new WeakMap<CatalogEvent, EventMemo>();
let nextEventMemoId = 0;

function memoOf(event: CatalogEvent): EventMemo {
  let memo = eventMemos.get(event);
  if (memo === undefined) {
    const payloadKey = JSON.stringify(event.payload);
    memo = { id: nextEventMemoId++, payloadKey, schemaKey: JSON.stringify([event.type, event.version, event.description]) + payloadKey };
    eventMemos.set(event, memo);
  }
  return memo;
}

/**
 * What a payload's zod expression depends on besides the payload: definitions and their names. A
 * digest, since it is part of every fragment's key and hashing the whole text each time was a
 * noticeable part of an emit.
 */
function definitionsKey(catalog: Catalog, names: CatalogNames): string {
  const text = JSON.stringify([catalog.definitions, Object.keys(catalog.definitions).map((name) => names.definition(name).schemaName)]);
  return createHash('sha256').update(text).digest('base64');
}

function emitFiles(catalog: Catalog, options: EmitOptions): Map<string, string> {
  const names = new CatalogNames(catalog);
  const files = new Map<string, string>();
  const domains = groupByDomain(catalog.events);

  const events = catalog.events;
  files.set('event-types.ts', render('event-types', eventTypesView(domains, names)));
  const defsKey = definitionsKey(catalog, names);
  // The definitions and the names they get are all definitionsView reads; defsKey holds both.
  files.set('definitions.ts', wholeFiles.get('definitions.ts', defsKey, () => render('definitions', definitionsView(catalog, names))));
  for (const [domain, events] of domains) {
    files.set(`${domainModule(domain)}.ts`, domainFile(domain, catalog, events, names, defsKey));
  }
  files.set('registry.ts', wholeFiles.get('registry.ts', registryKey(events, names), () => render('registry', registryView(catalog, domains, names))));
  files.set('topology.ts', wholeFiles.get('topology.ts', viewKey(events, TOPOLOGY_FIELDS), () => render('topology', topologyView(events, HEADER))));
  files.set('events.ts', wholeFiles.get('events.ts', `${JSON.stringify(options.sunsetAsOf ?? null)}\n${viewKey(events, EVENTS_FIELDS)}`, () => render('events', eventsView(events, HEADER, options.sunsetAsOf))));
  const services = serviceNames(events);
  const keys = serviceKeys(events);
  for (const service of services) {
    const file = `${serviceModule(service)}.ts`;
    files.set(file, wholeFiles.get(file, keys.get(service)!, () => render('service', serviceView(events, service, HEADER))));
  }
  const modules = [...domains.keys()].map((d) => `./${domainModule(d)}.js`);
  files.set('index.ts', wholeFiles.get('index.ts', JSON.stringify([modules, services]), () => render('index', { header: HEADER, modules, services: services.map((s) => ({ name: names.serviceNamespace(s), path: `./${serviceModule(s)}.js` })) })));
  for (const event of catalog.events) {
    // Kept with the event while the definitions are the same: building the fragment's key (the
    // event's schema as JSON) for each of 1,000 events was a good part of an emit.
    const memo = memoOf(event);
    if (memo.schemaFile?.defsKey !== defsKey) {
      const key = `file\0${defsKey}\0${memo.schemaKey}`;
      memo.schemaFile = { defsKey, key, text: fragments.get(key, () => `${JSON.stringify(eventJsonSchema(catalog, event), null, 2)}\n`) };
    } else {
      // Still in use: an event object made again with the same schema (its document re-read) finds it.
      fragments.keep([[memo.schemaFile.key, memo.schemaFile.text]]);
    }
    files.set(`json-schema/${eventSchemaId(event)}`, memo.schemaFile.text);
  }
  const eventTexts = new Map(catalog.events.map((event) => [event as object, (memoOf(event).stable ??= { text: stableJson(event) })]));
  files.set('catalog.snapshot.json', `${stableJsonReusing({ $comment: JSON_COMMENT, format: SNAPSHOT_FORMAT, formatVersion: SNAPSHOT_FORMAT_VERSION, catalog }, eventTexts)}\n`);
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function groupByDomain(events: readonly CatalogEvent[]): Map<string, CatalogEvent[]> {
  const domains = new Map<string, CatalogEvent[]>();
  for (const event of events) {
    const list = domains.get(event.domain) ?? [];
    list.push(event);
    domains.set(event.domain, list);
  }
  return new Map([...domains.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function eventTypesView(domains: Map<string, CatalogEvent[]>, names: CatalogNames) {
  const types = [...new Set([...domains.values()].flat().map((e) => e.type))];
  return {
    header: HEADER,
    domains: [...domains.entries()].map(([domain, events]) => ({
      key: domainKey(domain),
      label: domain,
      typeName: names.domainType(domain),
      events: latestOnly(events).map((event) => ({
        key: eventKey(event),
        literal: stringLiteral(event.type),
        doc: docComment(event.title ? `${event.title}: ${event.summary ?? event.description}` : event.summary ?? event.description, '    '),
      })),
    })),
    types: types.map(stringLiteral),
    union: types.map((t) => `\n  | ${stringLiteral(t)}`).join(''),
  };
}

function definitionsView(catalog: Catalog, names: CatalogNames) {
  const { order, lazy } = orderDefinitions(catalog.definitions);
  return {
    header: HEADER,
    definitions: order.map((name) => {
      const schema = catalog.definitions[name]!;
      const declared = names.definition(name);
      return {
        ...declared,
        doc: docComment(typeof schema === 'object' && typeof schema.description === 'string' ? schema.description : undefined),
        zod: zodExpression(schema, { refName: (ref) => names.definition(ref).schemaName, lazyRefs: lazy.get(name)!, definitions: catalog.definitions }),
      };
    }),
  };
}

/**
 * A domain's module, rendered again only when something it is made from changed since the last
 * emit: its event objects (see EventMemo), the names they and their definitions get, and the
 * definitions. Domain modules are the largest files, and a save usually changes one domain.
 */
const domainFiles = new Map<string, { key: string; text: string; fragments: [string, string][] }>();

function domainFile(domain: string, catalog: Catalog, events: CatalogEvent[], names: CatalogNames, defsKey: string): string {
  const used = [...new Set(events.flatMap((e) => (memoOf(e).refs ??= directRefs(e.payload))))].sort();
  const key = [
    defsKey,
    used.map((ref) => names.definition(ref).schemaName).join(','),
    ...events.map((e) => {
      const n = names.event(e);
      const latest = names.latestOf(e.type);
      return `${memoOf(e).id}:${n.typeName}:${n.schemaName}:${n.jsonSchemaName}:${latest.typeName}:${latest.schemaName}`;
    }),
  ].join('\0');
  const previous = domainFiles.get(domain);
  if (previous?.key === key) {
    fragments.keep(previous.fragments);
    return previous.text;
  }
  const made = fragments.recorded(() => render('domain-schemas', domainView(catalog, events, names, defsKey)));
  domainFiles.set(domain, { key, text: made.result, fragments: made.used });
  return made.result;
}

/**
 * The keys of an event's fragments in its domain module, kept with the event: one string each
 * that the fragment memo has seen before (and hashed), instead of one put together per emit.
 */
function fragmentKeys(event: CatalogEvent, defsKey: string): { zod: string; json: string; draft: string } {
  const memo = memoOf(event);
  if (memo.fragmentKeys?.defsKey !== defsKey) {
    memo.fragmentKeys = { defsKey, zod: `zod\0${defsKey}\0${memo.payloadKey}`, json: `json\0${defsKey}\0${memo.schemaKey}`, draft: `draft\0${defsKey}\0${memo.schemaKey}` };
  }
  return memo.fragmentKeys;
}

function domainView(catalog: Catalog, events: CatalogEvent[], names: CatalogNames, defsKey: string) {
  const used = new Set(events.flatMap((e) => directRefs(e.payload)));
  return {
    header: HEADER,
    imports: [...used].sort().map((ref) => names.definition(ref).schemaName).join(', '),
    events: events.map((event) => ({
      ...names.event(event),
      typeLabel: event.type,
      version: event.version,
      doc: docComment(eventDoc(event)),
      zod: fragments.get(fragmentKeys(event, defsKey).zod, () => zodExpression(event.payload, { refName: (ref) => names.definition(ref).schemaName, lazyRefs: new Set(), definitions: catalog.definitions })),
      jsonSchema: fragments.get(fragmentKeys(event, defsKey).json, () => jsonLiteral(eventJsonSchema(catalog, event))),
      draft: fragments.get(fragmentKeys(event, defsKey).draft, () => draftLabel(eventJsonSchema(catalog, event).$schema)),
    })),
    // An event whose payload is the schema of the same name has that schema's export as its alias.
    latest: latestOnly(events).filter((event) => !latestIsDefinition(event, catalog.definitions)).map((event) => ({
      ...names.event(event),
      typeLabel: event.type,
      version: event.version,
      aliasSchemaName: names.latestOf(event.type).schemaName,
      aliasTypeName: names.latestOf(event.type).typeName,
    })),
  };
}

/**
 * Key of registry.ts: what registryView reads of each event, in order: its domain (the imports
 * are grouped by it), type, version and names, and its fields (registryFields, which hold the
 * rest of what it reads).
 */
function registryKey(events: readonly CatalogEvent[], names: CatalogNames): string {
  return events
    .map((event) => {
      const fields = registryFields(event, names);
      const memo = memoOf(event);
      // Kept with the event while its names are the ones its fields were made with.
      if (memo.registryRow?.of !== memo.registry) {
        const { typeName, schemaName, jsonSchemaName } = names.event(event);
        memo.registryRow = { of: memo.registry!, id: idOf(JSON.stringify([event.domain, event.type, event.version, typeName, schemaName, jsonSchemaName, fields])) };
      }
      return memo.registryRow!.id;
    })
    .join(',');
}

function registryView(catalog: Catalog, domains: Map<string, CatalogEvent[]>, names: CatalogNames) {
  const byType = new Map<string, CatalogEvent[]>();
  for (const event of catalog.events) byType.set(event.type, [...(byType.get(event.type) ?? []), event]);
  return {
    header: HEADER,
    imports: [...domains.entries()].map(([domain, events]) => ({
      from: `./${domainModule(domain)}.js`,
      names: events.flatMap((e) => [names.event(e).schemaName, names.event(e).jsonSchemaName, `type ${names.event(e).typeName}`]).join(', '),
    })),
    events: [...byType.entries()].map(([type, versions]) => ({
      typeLiteral: stringLiteral(type),
      latest: versions[versions.length - 1]!.version,
      // The fields of a version as one line-broken fragment: they are most of the file, and kept with the event (see registryFields).
      versions: versions.map((event) => ({ version: event.version, typeName: names.event(event).typeName, fields: [registryFields(event, names)] })),
    })),
  };
}

/**
 * The fields of one version in EVENT_REGISTRY, one per line at the template's indentation, kept
 * with the event while the names it uses (type, schema, JSON Schema) stay the same.
 */
function registryFields(event: CatalogEvent, names: CatalogNames): string {
  const memo = memoOf(event);
  const { typeName, schemaName, jsonSchemaName } = names.event(event);
  const key = `${typeName}\0${schemaName}\0${jsonSchemaName}`;
  if (memo.registry?.key !== key) memo.registry = { key, text: registryFieldLines(event, names).join(`\n${REGISTRY_FIELD_INDENT}`) };
  return memo.registry.text;
}

/** Where templates/registry.ts.hbs places each field. */
const REGISTRY_FIELD_INDENT = '      ';

function registryFieldLines(event: CatalogEvent, names: CatalogNames): string[] {
  const list = (items: readonly string[]): string => `[${items.map(stringLiteral).join(', ')}]`;
  const replies = event.replies.map((r) => `{ type: ${stringLiteral(r.type)}, version: ${r.version} }`).join(', ');
  return [
    `type: ${stringLiteral(event.type)},`,
    `version: ${event.version},`,
    `kind: ${stringLiteral(event.kind)},`,
    `urgency: ${stringLiteral(event.urgency)},`,
    ...(event.severity ? [`severity: ${stringLiteral(event.severity)},`] : []),
    `destination: ${stringLiteral(event.destination)},`,
    ...(parametersLiteral(event) === undefined ? [] : [`parameters: ${parametersLiteral(event)},`]),
    ...(bindingsLiteral(event) === undefined ? [] : [`bindings: ${bindingsLiteral(event)},`]),
    ...(event.orderingKey === undefined ? [] : [`orderingKey: ${stringLiteral(event.orderingKey)},`]),
    `producers: ${list(event.producers)},`,
    `consumers: ${list(event.consumers)},`,
    `tenantScoped: ${event.tenantScoped},`,
    ...(event.tenantField === undefined ? [] : [`tenantField: ${stringLiteral(event.tenantField)},`]),
    `deprecated: ${event.deprecated},`,
    ...(event.sunset ? [`sunset: ${stringLiteral(event.sunset)},`] : []),
    `replies: [${replies}],`,
    `schema: ${names.event(event).schemaName},`,
    `validate: payloadValidator(${names.event(event).schemaName}),`,
    `jsonSchema: ${names.event(event).jsonSchemaName},`,
  ];
}

/** Each event's JSON Schema is both a file and a constant in its domain module: built once per emit. */
let jsonSchemas: Map<CatalogEvent, JsonSchemaObject> | undefined;

function eventJsonSchema(catalog: Catalog, event: CatalogEvent): JsonSchemaObject {
  const cached = jsonSchemas?.get(event);
  if (cached) return cached;
  const schema = buildEventJsonSchema(catalog, event);
  jsonSchemas?.set(event, schema);
  return schema;
}

function buildEventJsonSchema(catalog: Catalog, event: CatalogEvent): JsonSchemaObject {
  const header: Record<string, JsonValue> = { $id: eventSchemaId(event), $comment: JSON_COMMENT, title: `${event.type} v${event.version}` };
  if (event.description) header.description = event.description;
  return standaloneSchema(event.payload, catalog.definitions, header);
}

/** `draft-07`, `2019-09` or `2020-12`: the draft a standalone event schema declares. */
function draftLabel(declared: JsonValue | undefined): string {
  if (declared === DRAFT_2020_12) return '2020-12';
  if (declared === DRAFT_2019_09) return '2019-09';
  return 'draft-07';
}

function eventDoc(event: CatalogEvent): string {
  const lines = [event.title ?? event.type, '', event.description || event.summary || ''];
  lines.push('', `Event \`${event.type}\` version ${event.version}: ${event.kind}, urgency ${event.urgency}.`);
  lines.push(`Published to \`${event.destination}\`${event.amqpExchange === undefined ? '' : ` (AMQP exchange \`${event.amqpExchange}\`)`}.`);
  if (event.orderingKey !== undefined) lines.push(`Ordered by \`${event.orderingKey}\`: events with one value are handled in publish order (the Kafka record key).`);
  if (event.producers.length > 0) lines.push(`Produced by ${event.producers.join(', ')}.`);
  if (event.consumers.length > 0) lines.push(`Consumed by ${event.consumers.join(', ')}.`);
  if (event.deprecated) lines.push('', `@deprecated${event.sunset ? ` Sunset ${event.sunset}.` : ''}`);
  return lines.join('\n');
}

function latestOnly(events: CatalogEvent[]): CatalogEvent[] {
  const latest = new Map<string, CatalogEvent>();
  for (const event of events) latest.set(event.type, event);
  return [...latest.values()];
}
