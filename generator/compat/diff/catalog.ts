/**
 * BASE and HEAD compared event version by event version. One (type, version) is one contract:
 * its payload and headers are compared with each other only, so an incompatible change made as a
 * new version (the old one kept) passes, and the same change inside one version does not.
 */
import { rabbitmqRoute } from '../../model/bindings.js';
import type { CatalogEvent, ChannelParameter, JsonValue } from '../../model/catalog.js';
import { standaloneSchema } from '../../model/json-schema.js';
import type { Side } from '../inputs/side.js';
import { canonical } from '../schema/shape.js';
import type { Policy, RawChange } from '../types.js';
import { compareEventSchemas } from './events.js';

export interface CompareOptions {
  policy: Policy;
  /** Today as YYYY-MM-DD, for sunset dates. */
  today: string;
}

const keyOf = (e: Pick<CatalogEvent, 'type' | 'version'>): string => `${e.type}@${e.version}`;

export function compareCatalogs(base: Side, head: Side, options: CompareOptions): RawChange[] {
  const headByKey = new Map(head.catalog.events.map((e) => [keyOf(e), e]));
  const baseByKey = new Map(base.catalog.events.map((e) => [keyOf(e), e]));
  const baseTypes = new Set(base.catalog.events.map((e) => e.type));
  const headTypes = new Set(head.catalog.events.map((e) => e.type));
  const changes: RawChange[] = [];
  for (const b of base.catalog.events) {
    const h = headByKey.get(keyOf(b));
    if (h) changes.push(...compareMetadata(head, b, h), ...compareEventSchemas(base, head, b, h, options.policy));
    else changes.push(removed(base, head, b, headTypes.has(b.type), baseTypes, options.today));
  }
  for (const h of head.catalog.events) {
    if (!baseByKey.has(keyOf(h))) changes.push(catalogChange(head, h, baseTypes.has(h.type) ? 'EVENT_VERSION_ADDED' : 'EVENT_TYPE_ADDED', ''));
  }
  return changes;
}

function catalogChange(side: Side, event: CatalogEvent, rule: string, pointer: string, values: { before?: JsonValue; after?: JsonValue; note?: string } = {}, isBase = false): RawChange {
  return {
    rule,
    event: event.type,
    version: event.version,
    pointer,
    // Catalogue rules have no direction: both readings see the same thing.
    seen: { backward: rule, forward: rule },
    side: isBase ? 'base' : 'head',
    file: side.display(event.source.file),
    line: event.source.line,
    ...values,
  };
}

function compareMetadata(head: Side, b: CatalogEvent, h: CatalogEvent): RawChange[] {
  const fields: [string, string, JsonValue, JsonValue][] = [
    ['CHANNEL_ADDRESS_CHANGED', '/channel/address', b.channel.address, h.channel.address],
    // The rule ids are older than the neutral names: configs and CI logs name them, so they stay.
    ['ROUTING_KEY_CHANGED', '/destination', b.destination, h.destination],
    // The exchange the event reaches on RabbitMQ: the one the catalogue names, else its kind's.
    ['EXCHANGE_CHANGED', '/bindings/amqp/exchange', rabbitmqRoute(b).exchange, rabbitmqRoute(h).exchange],
    ['EVENT_KIND_CHANGED', '/kind', b.kind, h.kind],
    ['URGENCY_CHANGED', '/urgency', b.urgency, h.urgency],
  ];
  const changes = fields.filter(([, , before, after]) => before !== after).map(([rule, pointer, before, after]) => catalogChange(head, h, rule, pointer, { before, after }));
  if (!b.deprecated && h.deprecated) changes.push(catalogChange(head, h, 'EVENT_DEPRECATED', '/deprecated', h.sunset ? { note: `sunset ${h.sunset}` } : {}));
  changes.push(...serviceChanges(head, b, h, 'producers', 'PRODUCER'), ...serviceChanges(head, b, h, 'consumers', 'CONSUMER'));
  changes.push(...replyChanges(head, b, h), ...parameterChanges(head, b, h));
  return changes;
}

/** Each reply (type and version) a command gains or loses, one change per reply. */
function replyChanges(head: Side, b: CatalogEvent, h: CatalogEvent): RawChange[] {
  const name = (reply: { type: string; version: number }) => `${reply.type} v${reply.version}`;
  const before = new Set(b.replies.map(name));
  const after = new Set(h.replies.map(name));
  return [
    ...[...after].filter((reply) => !before.has(reply)).map((reply) => catalogChange(head, h, 'REPLY_ADDED', '/replies', { after: reply })),
    ...[...before].filter((reply) => !after.has(reply)).map((reply) => catalogChange(head, h, 'REPLY_REMOVED', '/replies', { before: reply })),
  ];
}

/**
 * What a `{parameter}` both sides have accepts, and its default. A parameter added or removed
 * changes the destination itself, which ROUTING_KEY_CHANGED reports.
 */
function parameterChanges(head: Side, b: CatalogEvent, h: CatalogEvent): RawChange[] {
  const changes: RawChange[] = [];
  for (const [name, after] of Object.entries(h.parameters ?? {})) {
    const before = b.parameters?.[name];
    if (before === undefined) continue;
    const pointer = `/parameters/${name}`;
    if (before.default !== after.default) changes.push(catalogChange(head, h, 'PARAMETER_DEFAULT_CHANGED', `${pointer}/default`, { before: before.default ?? null, after: after.default ?? null }));
    for (const values of valueChanges(before, after)) changes.push(catalogChange(head, h, values.rule, `${pointer}/${values.keyword}`, values.values));
  }
  return changes;
}

type ParameterValues = Pick<ChannelParameter, 'enum' | 'pattern'>;

/**
 * Whether the values a parameter accepts shrank or grew, by `enum` and by `pattern` (compared as
 * text: two regular expressions cannot be compared for what they match).
 */
function valueChanges(before: ParameterValues, after: ParameterValues): Array<{ rule: string; keyword: 'enum' | 'pattern'; values: { before: JsonValue; after: JsonValue } }> {
  const changes: Array<{ rule: string; keyword: 'enum' | 'pattern'; values: { before: JsonValue; after: JsonValue } }> = [];
  const enumOf = (side: ParameterValues): JsonValue => (side.enum === undefined ? null : [...side.enum]);
  const enums = { before: enumOf(before), after: enumOf(after) };
  if (after.enum === undefined) {
    if (before.enum !== undefined) changes.push({ rule: 'PARAMETER_VALUES_EXTENDED', keyword: 'enum', values: enums });
  } else if (before.enum === undefined || before.enum.some((value) => !after.enum!.includes(value))) {
    changes.push({ rule: 'PARAMETER_VALUES_NARROWED', keyword: 'enum', values: enums });
  } else if (after.enum.some((value) => !before.enum!.includes(value))) {
    changes.push({ rule: 'PARAMETER_VALUES_EXTENDED', keyword: 'enum', values: enums });
  }
  if (before.pattern !== after.pattern) {
    changes.push({ rule: after.pattern === undefined ? 'PARAMETER_VALUES_EXTENDED' : 'PARAMETER_VALUES_NARROWED', keyword: 'pattern', values: { before: before.pattern ?? null, after: after.pattern ?? null } });
  }
  return changes;
}
/** Each service that starts or stops producing (consuming) the event, one change per service. */
function serviceChanges(head: Side, b: CatalogEvent, h: CatalogEvent, field: 'producers' | 'consumers', rule: 'PRODUCER' | 'CONSUMER'): RawChange[] {
  const before = new Set(b[field]);
  const after = new Set(h[field]);
  return [
    ...h[field].filter((service) => !before.has(service)).map((service) => catalogChange(head, h, `${rule}_ADDED`, `/${field}`, { note: service })),
    ...b[field].filter((service) => !after.has(service)).map((service) => catalogChange(head, h, `${rule}_REMOVED`, `/${field}`, { note: service })),
  ];
}

/**
 * An event version HEAD no longer has. It is shown at HEAD's closest trace of it (another version
 * of the type, or the event it was renamed to) with where it was in BASE; only an event HEAD has no
 * trace of is shown in BASE alone.
 */
function removed(base: Side, head: Side, b: CatalogEvent, typeKept: boolean, baseTypes: ReadonlySet<string>, today: string): RawChange {
  const renamedTo = typeKept ? undefined : head.catalog.events.find((h) => !baseTypes.has(h.type) && h.version === b.version && samePayload(base, b, head, h));
  const trace = renamedTo ?? (typeKept ? head.catalog.events.find((h) => h.type === b.type) : undefined);
  const change = (rule: string, note?: string): RawChange => {
    const values = note ? { note } : {};
    if (!trace) return catalogChange(base, b, rule, '', values, true);
    return { ...catalogChange(head, trace, rule, '', values), event: b.type, version: b.version, beforeAt: { file: base.display(b.source.file), line: b.source.line } };
  };
  if (b.deprecated && (!b.sunset || b.sunset <= today)) return change('EVENT_VERSION_RETIRED', b.sunset ? `sunset ${b.sunset}` : undefined);
  if (b.deprecated) return change('EVENT_VERSION_REMOVED_BEFORE_SUNSET', `sunset ${b.sunset}`);
  if (typeKept) return change('EVENT_VERSION_REMOVED');
  return renamedTo ? change('EVENT_TYPE_RENAMED', `now ${renamedTo.type}`) : change('EVENT_TYPE_REMOVED');
}

function samePayload(base: Side, b: CatalogEvent, head: Side, h: CatalogEvent): boolean {
  return canonical(standaloneSchema(b.payload, base.catalog.definitions)) === canonical(standaloneSchema(h.payload, head.catalog.definitions));
}
