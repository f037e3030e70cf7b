/**
 * Builds the Catalog model from parsed AsyncAPI documents. This is the only module that reads
 * parser objects; the parser's intent API makes AsyncAPI 2.6, 3.0 and 3.1 look alike here. Schemas are
 * read from our own YAML trees (through a SchemaReader) so they keep names and positions. What it
 * reads comes in through the interfaces of inputs.ts; the loader provides them.
 */
import type { AsyncAPIDocumentInterface, ChannelInterface, MessageInterface } from '@asyncapi/parser';
import { exchangeFor } from '../../runtime/amqp/names.js';
import { defaultDestination, domainOf } from '../../runtime/destinations.js';
import type { Catalog, CatalogDocument, CatalogEvent, EventExample, EventRef, JsonSchema, JsonValue, KafkaTopicBinding } from './catalog.js';
import { AVRO_SCHEMA_FORMAT } from './avro.js';
import { readChannelParameters } from './channel-parameters.js';
import { NAME_PIN_KEY, pinProblem } from './generated-names.js';
import type { CatalogSources, Claim, ClaimedDefinition, ParsedInput, SchemaReader, SourceFileRef } from './inputs.js';
import { declaredEventType, documentService, messageDefinition, ownerGroup } from './message-names.js';
import { warnUnknownExtensions } from './extensions.js';
import { readMetadata, STRICT_FIELDS } from './metadata.js';
import { sameData } from './same-data.js';
import { mergeSharedMessages } from './shared-messages.js';

export interface BuildOptions {
  /** Require every eventsmith metadata field (see docs/catalog-format.md). */
  strict: boolean;
}

/** Where an event came from, for problems found after the model is built. */
export interface EventOrigin<F extends SourceFileRef = SourceFileRef> {
  file: F;
  pointer: string[];
}

export interface BuiltCatalog<F extends SourceFileRef = SourceFileRef> {
  catalog: Catalog;
  origins: Map<CatalogEvent, EventOrigin<F>>;
  /** Where each definition's schema is written. */
  definitionOrigins: Map<string, EventOrigin<F>>;
}

const JSON_SCHEMA_FORMATS = /^(application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema\+json|schema\+yaml|schema)(;version=[\w.-]+)?)$/;

/** What reading one document gave, kept to skip reading it again (see BuildCache). */
interface DocumentBuild<F extends SourceFileRef> {
  strict: boolean;
  /** The schema names claimed before this document was read. */
  before: readonly Claim[];
  /** The names this document claimed, with their definitions. */
  claimed: readonly ClaimedDefinition<F>[];
  document: CatalogDocument;
  /** Replaced by the events of a later build that are equal to them (see BuildCache.keepEqualEvents). */
  events: readonly [CatalogEvent, EventOrigin<F>][];
}

/**
 * Per-document results of buildCatalog, for a process that builds the catalogue again after a small
 * change (`generate --watch`). A document is read again unless it is the same ParsedDocument as last
 * time (which the caller hands out only while the document and every file it reaches are
 * unchanged), it was read without a problem, and the documents before it claimed the same schema
 * names (a schema given a name an earlier one holds is a clash, found by reading). Otherwise the result is exactly that of a fresh build.
 */
export class BuildCache<F extends SourceFileRef = SourceFileRef> {
  private readonly documents = new WeakMap<ParsedInput<F>, DocumentBuild<F>>();

  lookup(parsed: ParsedInput<F>, strict: boolean, schemas: SchemaReader<F>): DocumentBuild<F> | undefined {
    const cached = this.documents.get(parsed);
    return cached && cached.strict === strict && schemas.hasClaimed(cached.before) ? cached : undefined;
  }

  store(parsed: ParsedInput<F>, build: DocumentBuild<F>): void {
    this.documents.set(parsed, build);
  }

  /** The events of the last build by {@link eventKey}, and the definitions that build collected. */
  private last: { events: Map<string, CatalogEvent>; definitions: Record<string, JsonSchema> } | undefined;

  /**
   * The events of a build, where each event that is equal (sameData: every field, key order
   * included) to an event of the last build is that event object again, in `events` and in the
   * `fresh` document builds they were read in. A save usually changes one message of a document,
   * but its document is read whole again, and every event of it would be a new object: what is
   * kept with an event object (its emitted texts, the verdict on its examples) would be made again
   * for all of them. Only while the definitions are the same (sameData) too: an event's payload
   * refers to definitions by name, so an equal payload with other definitions is another schema,
   * and examples found valid against the old one must be validated again.
   */
  keepEqualEvents(events: [CatalogEvent, EventOrigin<F>][], definitions: Record<string, JsonSchema>, fresh: readonly DocumentBuild<F>[]): [CatalogEvent, EventOrigin<F>][] {
    const last = this.last;
    let kept: [CatalogEvent, EventOrigin<F>][] = events;
    if (last !== undefined && sameData(definitions, last.definitions)) {
      const replaced = new Map<CatalogEvent, CatalogEvent>();
      kept = events.map((pair) => {
        const [event, origin] = pair;
        const earlier = last.events.get(eventKey(event));
        if (earlier === undefined || earlier === event || !sameData(event, earlier)) return pair;
        replaced.set(event, earlier);
        return [earlier, origin];
      });
      if (replaced.size > 0) for (const build of fresh) build.events = build.events.map((pair) => (replaced.has(pair[0]) ? [replaced.get(pair[0])!, pair[1]] : pair));
    }
    this.last = { events: new Map(kept.map(([event]) => [eventKey(event), event])), definitions };
    return kept;
  }
}

/** An event's type, version and place (the identity mergeSharedMessages gives it). */
function eventKey(event: CatalogEvent): string {
  return `${event.type}\0${event.version}\0${event.source.file}:${event.source.line}:${event.source.column}`;
}

/**
 * The model of the documents `parsed`, in their order. `schemas` is a fresh reader over `sources`;
 * problems are reported to `sources`.
 */
export function buildCatalog<F extends SourceFileRef>(
  sources: CatalogSources<F>,
  schemas: SchemaReader<F>,
  parsed: readonly ParsedInput<F>[],
  options: BuildOptions,
  cache?: BuildCache<F>,
): BuiltCatalog<F> {
  const read: [CatalogEvent, EventOrigin<F>][] = [];
  const documents: CatalogDocument[] = [];
  /** Documents read (not taken from the cache) in this build. */
  const fresh: DocumentBuild<F>[] = [];
  for (const doc of parsed) {
    let build = cache?.lookup(doc, options.strict, schemas);
    if (build) schemas.replay(build.claimed);
    else {
      const before = schemas.claimsSoFar();
      const problems = sources.diagnostics.length;
      const warnings = sources.warnings.length;
      const { file, document } = doc;
      const entry: CatalogDocument = { file: file.rel, asyncapi: document.version(), title: document.info().title(), version: document.info().version() };
      const built = buildDocumentEvents(sources, schemas, file, document, options);
      build = { strict: options.strict, before, claimed: schemas.claimedSince(before.length), document: entry, events: built };
      fresh.push(build);
      // A document read with warnings is read again next time, so that its warnings are too.
      if (cache && sources.diagnostics.length === problems && sources.warnings.length === warnings) cache.store(doc, build);
    }
    documents.push(build.document);
    read.push(...build.events);
  }
  // Documents read one by one see a shared message once each; the catalogue holds it once.
  const definitions = schemas.collected();
  const shared = mergeSharedMessages(sources, read);
  const merged = cache === undefined ? shared : cache.keepEqualEvents(shared, definitions, fresh);
  const origins = new Map(merged);
  const events = merged.map(([event]) => event);
  events.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
  documents.sort((a, b) => a.file.localeCompare(b.file));
  const definitionOrigins = new Map<string, EventOrigin<F>>();
  for (const name of Object.keys(definitions)) {
    const origin = schemas.definitionOrigin(name);
    if (origin !== undefined) definitionOrigins.set(name, { file: origin.file, pointer: [...origin.pointer] });
  }
  return { catalog: { events, definitions, documents }, origins, definitionOrigins };
}

interface MessageUse {
  channel: ChannelInterface;
  message: MessageInterface;
  sentBy: boolean;
  receivedBy: boolean;
  replies: MessageInterface[];
}

function buildDocumentEvents<F extends SourceFileRef>(
  sources: CatalogSources<F>,
  schemas: SchemaReader<F>,
  file: F,
  document: AsyncAPIDocumentInterface,
  options: BuildOptions,
): [CatalogEvent, EventOrigin<F>][] {
  const service = documentService(document.info().json() as Record<string, unknown>, document.info().title());
  const uses = collectMessageUses(document);
  warnUnknownExtensions(sources, file, document);
  const typeOf = (m: MessageInterface): string | undefined => declaredEventType(m.json() as Record<string, unknown>, messageDefinition(sources, file, pointerOf(m)));
  const results: [CatalogEvent, EventOrigin<F>][] = [];
  for (const use of uses.values()) {
    const json = use.message.json() as Record<string, unknown>;
    const pointer = pointerOf(use.message);
    const report = (field: string, code: string, message: string, hint: string): void => sources.report(file, [...pointer, field], code, message, hint);
    const definition = messageDefinition(sources, file, pointer);
    const type = declaredEventType(json, definition);
    if (type === undefined) {
      sources.report(file, pointer, 'unnamed-message', 'this message has no event type: it has no `name`, no `x-event-type`, and is not defined under a key of a `messages` map', 'Give the message a `name` (its event type), or define it under `components/messages/<key>` and $ref it from here.');
      continue;
    }
    const meta = readMetadata(json, report);
    if (options.strict) checkStrict(json, type, report);
    const dot = type.indexOf('.');
    const domain = dot > 0 ? domainOf(type) : ownerGroup(sources, definition);
    const name = dot > 0 ? type.slice(dot + 1) : type;
    const address = use.channel.address() ?? null;
    const read = readSchema(sources, schemas, file, json, pointer, 'payload');
    const payload = read?.schema ?? true;
    const headers = readHeaders(sources, schemas, file, json, pointer);
    const description = use.message.description() ?? use.message.summary() ?? use.message.title() ?? '';
    // An exchange named by the binding that is the one of the event's kind anyway says nothing more.
    const named = exchangeOf(use.channel);
    const exchange = named === exchangeFor(meta.kind) ? undefined : named;
    const stream = redisStreamOf(use.channel);
    const channelPointer = pointerOfChannel(use.channel);
    const kafkaTopic = kafkaTopicOf(use.channel, (field, code, message, hint) => sources.report(file, [...channelPointer, 'bindings', 'kafka', field], code, message, hint));
    const orderingKey = readOrderingKey(json, payload, report);
    const parameters = readChannelParameters(address, (use.channel.json() as { parameters?: unknown }).parameters, (inner, code, message, hint) => sources.report(file, [...channelPointer, 'parameters', ...inner], code, message, hint));
    const pinnedName = readNamePin(json, report);
    const event: CatalogEvent = {
      type,
      domain,
      name,
      version: meta.version,
      kind: meta.kind,
      urgency: meta.urgency,
      ...(meta.severity ? { severity: meta.severity } : {}),
      ...optionalText('title', use.message.title()),
      ...optionalText('summary', use.message.summary()),
      description,
      producers: meta.producers ?? (use.sentBy ? [service] : []),
      consumers: meta.consumers ?? (use.receivedBy ? [service] : []),
      tenantScoped: meta.tenantScoped,
      ...(meta.tenantField === undefined ? {} : { tenantField: meta.tenantField }),
      deprecated: meta.deprecated,
      ...(meta.sunset ? { sunset: meta.sunset } : {}),
      channel: { id: use.channel.id(), address },
      destination: address ?? defaultDestination(meta.kind, type, domain, meta.severity ?? meta.urgency),
      ...(parameters === undefined ? {} : { parameters }),
      ...(exchange === undefined ? {} : { amqpExchange: exchange }),
      ...(stream === undefined ? {} : { redisStream: stream }),
      ...(kafkaTopic === undefined ? {} : { kafkaTopic }),
      ...(orderingKey === undefined ? {} : { orderingKey }),
      ...(pinnedName === undefined ? {} : { pinnedName }),
      payload,
      ...(read?.avro === undefined ? {} : { payloadAvro: read.avro }),
      ...(headers === undefined ? {} : { headers }),
      examples: readExamples(json),
      replies: uniqueRefs([...use.replies, ...listedReplies(json, meta.kind, uses, (at, code, message, hint) => sources.report(file, [...pointer, ...at], code, message, hint))].flatMap((m) => {
        const replyType = typeOf(m);
        return replyType === undefined ? [] : [{ type: replyType, version: readMetadata(m.json() as Record<string, unknown>, () => {}).version }];
      })),
      messageId: definition.key ?? use.message.id(),
      source: relPosition(sources, file, pointer),
      payloadSource: relPosition(sources, file, [...pointer, 'payload']),
    };
    results.push([event, { file, pointer }]);
  }
  return results;
}

/**
 * The replies a command lists in `x-replies`, for AsyncAPI 2.x, whose operations have no `reply`:
 * each item a `$ref` to a message of the document's channels (the parser has resolved it to that
 * message's object, which is how it is found).
 */
function listedReplies(json: Record<string, unknown>, kind: string, uses: Map<unknown, MessageUse>, report: (at: string[], code: string, message: string, hint: string) => void): MessageInterface[] {
  const listed = json['x-replies'];
  if (listed === undefined) return [];
  if (kind !== 'command') {
    report(['x-replies'], 'replies-not-command', `x-replies is set on a ${kind} event`, 'Only commands have replies: set `x-kind: command`, or remove x-replies.');
    return [];
  }
  if (!Array.isArray(listed)) {
    report(['x-replies'], 'invalid-replies', 'x-replies must be a list of $refs to messages', "Write e.g. `x-replies: [{ $ref: '#/components/messages/PickupBooked' }]`.");
    return [];
  }
  const found: MessageInterface[] = [];
  listed.forEach((item: unknown, index) => {
    const use = uses.get(item);
    if (use !== undefined) found.push(use.message);
    // Reported at the list: a position inside it would follow the $ref to the message it names.
    else report(['x-replies'], 'unknown-reply', `x-replies item ${index} is not a message of this document's channels`, "Give a $ref to a message that a channel of this document carries, e.g. `{ $ref: '#/components/messages/PickupBooked' }`.");
  });
  return found;
}

/** Each message once, with the first channel it appears in and what the document's operations do with it. */
function collectMessageUses(document: AsyncAPIDocumentInterface): Map<unknown, MessageUse> {
  const uses = new Map<unknown, MessageUse>();
  for (const channel of document.channels()) {
    for (const message of channel.messages()) {
      const key = message.json();
      if (!uses.has(key)) uses.set(key, { channel, message, sentBy: false, receivedBy: false, replies: [] });
    }
  }
  for (const operation of document.operations()) {
    const declared = operation.messages().all();
    const messages = declared.length > 0 ? declared : operation.channels().all().flatMap((c) => c.messages().all());
    const replies = operation.reply()?.messages().all() ?? [];
    for (const message of messages) {
      const use = uses.get(message.json());
      if (!use) continue;
      if (operation.isSend()) use.sentBy = true;
      else use.receivedBy = true;
      use.replies.push(...replies);
    }
  }
  return uses;
}

function pointerOf(message: MessageInterface): string[] {
  const pointer = message.meta()?.pointer ?? '';
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface ReadSchema {
  schema: JsonSchema;
  /** The Avro schema as written, when the schema is Avro. */
  avro?: JsonValue;
}

function readSchema<F extends SourceFileRef>(sources: CatalogSources<F>, schemas: SchemaReader<F>, file: F, json: Record<string, unknown>, pointer: string[], field: string): ReadSchema | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  const read = (at: string[], format: string | undefined, formatAt: string[]): ReadSchema | undefined => {
    if (format === undefined || JSON_SCHEMA_FORMATS.test(format)) {
      const schema = schemas.root(file, at);
      return schema === undefined ? undefined : { schema };
    }
    if (field === 'payload' && AVRO_SCHEMA_FORMAT.test(format)) {
      const avro = schemas.avro(file, at);
      return avro === undefined ? undefined : { schema: avro.schema, avro: avro.avro };
    }
    sources.report(file, formatAt, 'unsupported-schema-format', `schema format '${format}' is not supported${field === 'payload' ? '' : ` for ${field}`}`, UNSUPPORTED_FORMAT_HINT);
    return undefined;
  };
  if (typeof value === 'object' && !Array.isArray(value) && 'schemaFormat' in value && 'schema' in value) {
    return read([...pointer, field, 'schema'], String((value as { schemaFormat: unknown }).schemaFormat), [...pointer, field, 'schemaFormat']);
  }
  // AsyncAPI 2.x: the message's schemaFormat is the payload's.
  const format = json.schemaFormat;
  return read([...pointer, field], field === 'payload' && typeof format === 'string' ? format : undefined, [...pointer, 'schemaFormat']);
}

const UNSUPPORTED_FORMAT_HINT = 'Write the schema in JSON Schema / AsyncAPI Schema (the default format) or, for payloads, in Avro (application/vnd.apache.avro;version=1.9.0); RAML and Protobuf schemas cannot be turned into validators.';

/** Headers may come from the message or from one of its traits; the message wins, then the last trait. */
function readHeaders<F extends SourceFileRef>(sources: CatalogSources<F>, schemas: SchemaReader<F>, file: F, json: Record<string, unknown>, pointer: string[]): JsonSchema | undefined {
  const raw = sources.resolve(file, pointer)?.value as Record<string, unknown> | undefined;
  if (raw && raw.headers !== undefined) return readSchema(sources, schemas, file, json, pointer, 'headers')?.schema;
  const traits = Array.isArray(raw?.traits) ? raw.traits : [];
  for (let i = traits.length - 1; i >= 0; i--) {
    const trait = sources.resolve(file, [...pointer, 'traits', String(i)])?.value as Record<string, unknown> | undefined;
    if (trait?.headers !== undefined) return schemas.root(file, [...pointer, 'traits', String(i), 'headers']);
  }
  return undefined;
}

function readExamples(json: Record<string, unknown>): EventExample[] {
  if (!Array.isArray(json.examples)) return [];
  return json.examples.map((raw: Record<string, unknown>) => ({
    ...optionalText('name', raw.name),
    ...optionalText('summary', raw.summary),
    payload: stripParserKeys(raw.payload) ?? null,
    ...(raw.headers === undefined ? {} : { headers: stripParserKeys(raw.headers) }),
  }));
}

function checkStrict(json: Record<string, unknown>, type: string, report: (field: string, code: string, message: string, hint: string) => void): void {
  for (const field of STRICT_FIELDS) {
    if (json[field] === undefined || json[field] === '') {
      report(field, 'missing-metadata', `event '${type}' does not declare ${field}`, `This catalogue is strict: add \`${field}\` to the message (or to a trait it uses). See docs/catalog-format.md.`);
    }
  }
  if (json['x-urgency'] === undefined && json['x-severity'] === undefined) {
    report('name', 'missing-metadata', `event '${type}' declares neither x-urgency nor x-severity`, 'Add `x-urgency: low | medium | high | critical` (alerts may use `x-severity` instead).');
  }
  if (json.payload === undefined) report('name', 'missing-metadata', `event '${type}' has no payload schema`, 'Add a `payload` JSON Schema to the message.');
  if (!Array.isArray(json.examples) || json.examples.length === 0) {
    report('name', 'missing-metadata', `event '${type}' has no example`, 'Add `examples: [{ name, payload }]` with a payload that validates.');
  }
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(type)) {
    report('name', 'invalid-event-type', `event type '${type}' is not lowercase and dot-separated`, "Name events `domain.entity_action`, e.g. 'inventory.stock_added'.");
  }
}

/** The AMQP exchange a channel binding names (AsyncAPI's `bindings.amqp.exchange.name`), if any. */
function exchangeOf(channel: ChannelInterface): string | undefined {
  const bindings = (channel.json() as { bindings?: { amqp?: { exchange?: { name?: unknown } } } }).bindings;
  const name = bindings?.amqp?.exchange?.name;
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/** The Redis stream a channel binding names (`bindings.redis.stream`), if any. */
function redisStreamOf(channel: ChannelInterface): string | undefined {
  const bindings = (channel.json() as { bindings?: { redis?: { stream?: unknown } } }).bindings;
  const stream = bindings?.redis?.stream;
  return typeof stream === 'string' && stream.length > 0 ? stream : undefined;
}

const KAFKA_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * The channel's Kafka binding (AsyncAPI's `bindings.kafka`): the fields the runtime reads, checked
 * here so that a wrong one is reported at its line instead of failing at the broker.
 */
function kafkaTopicOf(channel: ChannelInterface, report: (field: string, code: string, message: string, hint: string) => void): KafkaTopicBinding | undefined {
  const binding = (channel.json() as { bindings?: { kafka?: Record<string, unknown> } }).bindings?.kafka;
  if (binding === undefined || binding === null || typeof binding !== 'object') return undefined;
  const result: { -readonly [K in keyof KafkaTopicBinding]: KafkaTopicBinding[K] } = {};
  const { topic, partitions, replicas, topicConfiguration } = binding;
  if (topic !== undefined) {
    if (typeof topic === 'string' && KAFKA_TOPIC_NAME.test(topic)) result.topic = topic;
    else report('topic', 'invalid-kafka-topic', `Kafka topic ${JSON.stringify(topic)} is not a legal topic name`, 'A topic name holds letters, digits, `.`, `_` and `-` only, at most 249 characters.');
  }
  for (const [field, value] of [['partitions', partitions], ['replicas', replicas]] as const) {
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) result[field] = value;
    else report(field, 'invalid-kafka-binding', `Kafka binding ${field} must be a whole number from 1, not ${JSON.stringify(value)}`, `Write e.g. \`${field}: 3\`, or leave it out for the transport's default.`);
  }
  if (topicConfiguration !== undefined && topicConfiguration !== null && typeof topicConfiguration === 'object' && !Array.isArray(topicConfiguration)) {
    const config: Record<string, string | number | boolean | readonly string[]> = {};
    for (const [name, value] of Object.entries(topicConfiguration as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') config[name] = value;
      else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) config[name] = value as string[];
      else report('topicConfiguration', 'invalid-kafka-binding', `topicConfiguration.${name} must be a string, number, boolean or list of strings`, 'Give Kafka topic settings as AsyncAPI writes them, e.g. `retention.ms: 86400000`, `cleanup.policy: [delete]`.');
    }
    if (Object.keys(config).length > 0) result.topicConfiguration = config;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/** The payload property named by `x-ordering-key`, which must be a top-level property of the payload. */
function readOrderingKey(message: Record<string, unknown>, payload: JsonSchema, report: (field: string, code: string, message: string, hint: string) => void): string | undefined {
  const key = message['x-ordering-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length === 0) {
    report('x-ordering-key', 'invalid-ordering-key', `x-ordering-key must name a payload property, not ${JSON.stringify(key)}`, 'Write e.g. `x-ordering-key: order_id`: events with the same value keep their order.');
    return undefined;
  }
  const properties = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as { properties?: unknown }).properties : undefined;
  if (typeof properties === 'object' && properties !== null && !(key in properties)) {
    report('x-ordering-key', 'unknown-ordering-key', `x-ordering-key '${key}' is not a property of the payload`, `Name one of the payload's properties: ${Object.keys(properties).join(', ')}.`);
    return undefined;
  }
  return key;
}

/** The stem the message pins for its generated names (`x-eventsmith-name`), when it pins a valid one. */
function readNamePin(message: Record<string, unknown>, report: (field: string, code: string, message: string, hint: string) => void): string | undefined {
  const pin = message[NAME_PIN_KEY];
  if (pin === undefined) return undefined;
  const problem = pinProblem(pin);
  if (problem === undefined) return pin as string;
  report(NAME_PIN_KEY, 'invalid-name-pin', problem, 'Write e.g. `x-eventsmith-name: PaymentCancelled`: its types become `PaymentCancelled`, `PaymentCancelledV<n>`, its publisher method `paymentCancelled`.');
  return undefined;
}

function pointerOfChannel(channel: ChannelInterface): string[] {
  const pointer = channel.meta()?.pointer ?? '';
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function relPosition<F extends SourceFileRef>(sources: CatalogSources<F>, file: F, pointer: string[]): CatalogEvent['source'] {
  const pos = sources.locate(file, pointer);
  return { file: pos.file.rel, line: pos.line, column: pos.column };
}

function uniqueRefs(refs: EventRef[]): EventRef[] {
  const seen = new Map(refs.map((r) => [`${r.type}@${r.version}`, r]));
  return [...seen.values()].sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
}

function stripParserKeys(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key.startsWith('x-parser-') ? undefined : v))) as JsonValue;
}

function optionalText<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value.length > 0 ? ({ [key]: value } as Record<K, string>) : {};
}
