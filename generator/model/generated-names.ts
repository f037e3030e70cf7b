/**
 * The naming rule of generated code: every exported name is a function of the thing it names
 * alone (its event type and version, its schema's key or pin, its domain, its service), never of
 * what else the catalogue holds. Adding an event or a schema therefore never renames an existing
 * export; when two things would get one name, that is reported (checks.ts and the schema reader)
 * with both places and the way to pin another name: `x-eventsmith-name`.
 *
 * The only names that give way are the fixed ones the templates declare (`EventType`, …): those
 * never change with the catalogue, so a suffix chosen against them is stable too.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CatalogEvent, JsonSchema } from './catalog.js';
import { camelName, isSafeIdentifier, pascalName } from './identifiers.js';

/** The extension key that pins a generated name on a message or a schema. */
export const NAME_PIN_KEY = 'x-eventsmith-name';

/** Names the templates declare themselves. */
export const FIXED_EXPORTS: ReadonlySet<string> = new Set([
  'EVENT_TYPES', 'EventType', 'ALL_EVENT_TYPES', 'isEventType',
  'EVENT_REGISTRY', 'LATEST_VERSIONS', 'EventPayloads', 'EventPayload', 'VersionedEventPayload', 'EventVersion', 'LatestVersion',
  'EventDefinition', 'getEventDefinition', 'parseEvent', 'parseEventVersion', 'safeParseEvent', 'isValidEvent',
  'ServiceName', 'SERVICE_NAMES', 'CHANNELS', 'SERVICE_SOURCES', 'SubscriptionOptions', 'topologyFor',
  'BusinessEventType', 'AlertEventType', 'NotificationEventType', 'RecommendationEventType', 'CommandEventType',
  'CommandReplies', 'ReplyPayload', 'EVENT_KINDS', 'CATALOG', 'Events',
  // No longer declared (the vocabulary types come from the runtime, and the topology no longer
  // names RabbitMQ objects), but still reserved, so that no catalogue definition changes its name.
  'EventKind', 'Urgency', 'Severity', 'Priority', 'DIRECT_EXCHANGE', 'EXCHANGES', 'SERVICE_BINDINGS',
]);

/** `base`, or `base_2`, `base_3`…: the first that with every suffix avoids the fixed names. */
export function avoidFixed(base: string, suffixes: readonly string[]): string {
  let name = base;
  for (let n = 2; suffixes.some((s) => FIXED_EXPORTS.has(name + s)); n++) name = `${base}_${n}`;
  return name;
}

/** Suffixes of the names an event version declares (`XV1`, `XV1Schema`, `XV1JsonSchema`). */
export const EVENT_SUFFIXES = ['', 'Schema', 'JsonSchema'] as const;
/** Suffixes of the names a latest alias or a definition declares (`X`, `XSchema`). */
export const TYPE_SUFFIXES = ['', 'Schema'] as const;

/** The PascalCase stem of an event's names: its pin, else its type (`inventory.stock_added` → `InventoryStockAdded`). */
export function eventStem(event: Pick<CatalogEvent, 'type' | 'pinnedName'>): string {
  return event.pinnedName ?? pascalName(event.type);
}

/** Base of an event version's names, e.g. `InventoryStockAddedV2`. */
export function eventVersionBase(event: Pick<CatalogEvent, 'type' | 'version' | 'pinnedName'>): string {
  return avoidFixed(`${eventStem(event)}V${event.version}`, EVENT_SUFFIXES);
}

/** Base of the names of an event type's latest version, e.g. `InventoryStockAdded`. */
export function latestBase(event: Pick<CatalogEvent, 'type' | 'pinnedName'>): string {
  return avoidFixed(eventStem(event), TYPE_SUFFIXES);
}

/**
 * Whether the names of an event type's latest version (`UserSignedUp`, `UserSignedUpSchema`) are
 * those of a shared schema declared under the same name that is, word for word, the event's payload
 * (`payload: { $ref: '#/components/schemas/UserSignedUp' }`, the way many AsyncAPI documents write
 * it). Then both names mean one thing, and the schema's own export serves as the alias. The answer
 * depends on the event and that schema alone, so it is as stable as every other name; should a
 * later version's payload be another schema, the two become a clash, reported like any other.
 */
export function latestIsDefinition(event: Pick<CatalogEvent, 'type' | 'pinnedName' | 'payload'>, definitions: Readonly<Record<string, JsonSchema>>): boolean {
  const base = latestBase(event);
  const schema = Object.hasOwn(definitions, base) ? definitions[base] : undefined;
  return schema !== undefined && definitionBase(base) === base && isDeepStrictEqual(schema, event.payload);
}

/** Base of a shared definition's names: the definition's name (its key, or its pin). */
export function definitionBase(name: string): string {
  return avoidFixed(name, TYPE_SUFFIXES);
}

/** Union type of a domain's event types, e.g. `InventoryEventType`. */
export function domainTypeName(domain: string): string {
  const preferred = `${pascalName(domain)}EventType`;
  return avoidFixed(FIXED_EXPORTS.has(preferred) ? `${pascalName(domain)}DomainEventType` : preferred, ['']);
}

/** Namespace under which `index.ts` re-exports a service's module, e.g. `inventoryService`. */
export function serviceNamespaceName(service: string): string {
  return avoidFixed(camelName(service), ['']);
}

/** Publisher method of an event: its name within its domain (`order.cancelled` → `cancelled`), or its pin in camelCase. */
export function publisherMethodName(event: Pick<CatalogEvent, 'name' | 'pinnedName'>): string {
  return event.pinnedName === undefined ? camelName(event.name) : camelName(event.pinnedName);
}

/** Why `value` cannot be a pinned name, or undefined when it can. */
export function pinProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[A-Z][A-Za-z0-9_]*$/.test(value)) return `${NAME_PIN_KEY} must be a PascalCase identifier (a capital letter, then letters, digits or _), not ${JSON.stringify(value)}`;
  if (!isSafeIdentifier(value)) return `${NAME_PIN_KEY} '${value}' is a reserved word or a global that generated code relies on`;
  return undefined;
}

/** Something in the catalogue that gets exported names. */
export type NameOwner =
  | { kind: 'event'; event: CatalogEvent }
  | { kind: 'definition'; name: string }
  | { kind: 'domain'; domain: string; event: CatalogEvent }
  | { kind: 'service'; service: string; event: CatalogEvent };

/** Every name `index.ts` exports for the catalogue (fixed names aside), with what each names. */
export function exportedNames(events: readonly CatalogEvent[], definitions: Readonly<Record<string, JsonSchema>>): [string, NameOwner][] {
  const names: [string, NameOwner][] = [];
  const add = (base: string, suffixes: readonly string[], owner: NameOwner): void => {
    for (const suffix of suffixes) names.push([base + suffix, owner]);
  };
  const latest = new Map<string, CatalogEvent>();
  for (const event of events) {
    add(eventVersionBase(event), EVENT_SUFFIXES, { kind: 'event', event });
    latest.set(event.type, event);
  }
  for (const event of latest.values()) if (!latestIsDefinition(event, definitions)) add(latestBase(event), TYPE_SUFFIXES, { kind: 'event', event });
  const domains = new Map<string, CatalogEvent>();
  const services = new Map<string, CatalogEvent>();
  for (const event of events) {
    if (!domains.has(event.domain)) domains.set(event.domain, event);
    for (const service of [...event.producers, ...event.consumers]) if (!services.has(service)) services.set(service, event);
  }
  for (const [domain, event] of domains) add(domainTypeName(domain), [''], { kind: 'domain', domain, event });
  for (const [service, event] of services) add(serviceNamespaceName(service), [''], { kind: 'service', service, event });
  for (const name of Object.keys(definitions)) add(definitionBase(name), TYPE_SUFFIXES, { kind: 'definition', name });
  return names;
}
