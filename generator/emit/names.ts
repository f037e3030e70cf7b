/**
 * Every TypeScript name the generated code declares, decided in one place before anything is
 * rendered, so that files agree on names and no two exports of `index.ts` collide. Fixed names
 * come first, then events (their names are the API people type most), then domain unions, then
 * service namespaces, then shared definitions; a later name that is taken gets a suffix.
 */
import type { Catalog, CatalogEvent } from '../model/catalog.js';
import { camelName, constantName, kebabName, pascalName } from '../model/identifiers.js';

/** Names the templates declare themselves. */
export const FIXED_EXPORTS = [
  'EVENT_TYPES', 'EventType', 'ALL_EVENT_TYPES', 'isEventType',
  'EVENT_REGISTRY', 'LATEST_VERSIONS', 'EventPayloads', 'EventPayload', 'VersionedEventPayload', 'EventVersion', 'LatestVersion',
  'EventDefinition', 'getEventDefinition', 'parseEvent', 'parseEventVersion', 'safeParseEvent', 'isValidEvent',
  'ServiceName', 'SERVICE_NAMES', 'CHANNELS', 'SERVICE_SOURCES', 'SubscriptionOptions', 'topologyFor',
  'BusinessEventType', 'AlertEventType', 'NotificationEventType', 'RecommendationEventType', 'CommandEventType',
  'CommandReplies', 'ReplyPayload', 'EVENT_KINDS', 'CATALOG', 'Events',
  // No longer declared (the vocabulary types come from the runtime, and the topology no longer
  // names RabbitMQ objects), but still reserved, so that no catalogue definition changes its name.
  'EventKind', 'Urgency', 'Severity', 'Priority', 'DIRECT_EXCHANGE', 'EXCHANGES', 'SERVICE_BINDINGS',
];

export interface DeclaredNames {
  /** Zod schema constant, e.g. `InventoryStockAddedV2Schema`. */
  schemaName: string;
  /** Inferred TypeScript type, e.g. `InventoryStockAddedV2`. */
  typeName: string;
}

export interface EventNames extends DeclaredNames {
  jsonSchemaName: string;
}

export class CatalogNames {
  private readonly taken = new Set<string>(FIXED_EXPORTS);
  private readonly events = new Map<string, EventNames>();
  private readonly latest = new Map<string, DeclaredNames>();
  private readonly definitions = new Map<string, DeclaredNames>();
  private readonly domainTypes = new Map<string, string>();
  private readonly serviceNamespaces = new Map<string, string>();

  constructor(catalog: Catalog) {
    for (const event of catalog.events) {
      const base = this.free(`${pascalName(event.type)}V${event.version}`, ['', 'Schema', 'JsonSchema']);
      this.events.set(key(event), { typeName: base, schemaName: `${base}Schema`, jsonSchemaName: `${base}JsonSchema` });
    }
    for (const type of new Set(catalog.events.map((e) => e.type))) {
      const base = this.free(pascalName(type), ['', 'Schema']);
      this.latest.set(type, { typeName: base, schemaName: `${base}Schema` });
    }
    for (const domain of new Set(catalog.events.map((e) => e.domain))) {
      const preferred = `${pascalName(domain)}EventType`;
      this.domainTypes.set(domain, this.free(this.taken.has(preferred) ? `${pascalName(domain)}DomainEventType` : preferred, ['']));
    }
    for (const service of new Set(catalog.events.flatMap((e) => [...e.producers, ...e.consumers]))) {
      this.serviceNamespaces.set(service, this.free(camelName(service), ['']));
    }
    for (const name of Object.keys(catalog.definitions).sort()) {
      const base = this.free(pascalName(name), ['', 'Schema']);
      this.definitions.set(name, { typeName: base, schemaName: `${base}Schema` });
    }
  }

  event(event: Pick<CatalogEvent, 'type' | 'version'>): EventNames {
    return this.events.get(key(event))!;
  }

  latestOf(type: string): DeclaredNames {
    return this.latest.get(type)!;
  }

  /** Union type of a domain's event types, e.g. `InventoryEventType`. */
  domainType(domain: string): string {
    return this.domainTypes.get(domain)!;
  }

  /** Namespace under which `index.ts` re-exports a service's module, e.g. `inventoryService`. */
  serviceNamespace(service: string): string {
    return this.serviceNamespaces.get(service)!;
  }

  definition(name: string): DeclaredNames {
    const names = this.definitions.get(name);
    if (!names) throw new Error(`eventsmith: no definition named ${name}`);
    return names;
  }

  /** `base`, or `base_2`, `base_3`…: the first whose every `base + suffix` is free; then claims them. */
  private free(base: string, suffixes: readonly string[]): string {
    let name = base;
    for (let n = 2; suffixes.some((s) => this.taken.has(name + s)); n++) name = `${base}_${n}`;
    for (const s of suffixes) this.taken.add(name + s);
    return name;
  }
}

/** Key of a domain in `EVENT_TYPES`. */
export function domainKey(domain: string): string {
  return constantName(domain);
}

/** Key of an event inside its domain in `EVENT_TYPES`. */
export function eventKey(event: Pick<CatalogEvent, 'name'>): string {
  return constantName(event.name);
}

/** Module path (from the output root) of a domain's schemas. */
export function domainModule(domain: string): string {
  return `schemas/${kebabName(domain)}`;
}

function key(event: Pick<CatalogEvent, 'type' | 'version'>): string {
  return `${event.type}@${event.version}`;
}
