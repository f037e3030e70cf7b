/**
 * Every TypeScript name the generated code declares, in one place, so that files agree on names.
 * Each name follows from the thing it names alone (model/generated-names.ts): adding to the
 * catalogue never renames an existing export, and names that would collide are reported by the
 * catalogue checks before anything is emitted.
 */
import type { Catalog, CatalogEvent } from '../model/catalog.js';
import { definitionBase, domainTypeName, eventVersionBase, latestBase, serviceNamespaceName } from '../model/generated-names.js';
import { constantName, kebabName } from '../model/identifiers.js';

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
  private readonly events = new Map<string, EventNames>();
  private readonly latest = new Map<string, DeclaredNames>();
  private readonly definitions = new Map<string, DeclaredNames>();

  constructor(catalog: Catalog) {
    for (const event of catalog.events) {
      const base = eventVersionBase(event);
      this.events.set(key(event), { typeName: base, schemaName: `${base}Schema`, jsonSchemaName: `${base}JsonSchema` });
      // Events are sorted by version: the last one of a type is its latest.
      // When the payload is the schema of the same name, these are that schema's names (latestIsDefinition).
      const latest = latestBase(event);
      this.latest.set(event.type, { typeName: latest, schemaName: `${latest}Schema` });
    }
    for (const name of Object.keys(catalog.definitions)) {
      const base = definitionBase(name);
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
    return domainTypeName(domain);
  }

  /** Namespace under which `index.ts` re-exports a service's module, e.g. `inventoryService`. */
  serviceNamespace(service: string): string {
    return serviceNamespaceName(service);
  }

  definition(name: string): DeclaredNames {
    const names = this.definitions.get(name);
    if (!names) throw new Error(`eventsmith: no definition named ${name}`);
    return names;
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
