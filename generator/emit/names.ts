/**
 * Every TypeScript name the generated code declares, decided in one place before anything is
 * rendered, so that files agree on names and no two declarations collide.
 */
import type { Catalog, CatalogEvent } from '../model/catalog.js';
import { constantName, kebabName, pascalName } from '../model/identifiers.js';

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
  private readonly domainTypes = new Map<string, string>();

  constructor(catalog: Catalog) {
    const taken = new Set<string>();
    const claim = (...names: string[]): void => names.forEach((n) => taken.add(n));
    for (const event of catalog.events) {
      const base = `${pascalName(event.type)}V${event.version}`;
      const names = { typeName: base, schemaName: `${base}Schema`, jsonSchemaName: `${base}JsonSchema` };
      this.events.set(key(event), names);
      claim(names.typeName, names.schemaName, names.jsonSchemaName);
    }
    for (const type of new Set(catalog.events.map((e) => e.type))) {
      const base = pascalName(type);
      this.latest.set(type, { typeName: base, schemaName: `${base}Schema` });
      claim(base, `${base}Schema`);
    }
    for (const domain of new Set(catalog.events.map((e) => e.domain))) {
      const base = `${pascalName(domain)}EventType`;
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
      claim(name);
      this.domainTypes.set(domain, name);
    }
    // Shared definitions give way to event names: a definition called like an event gets a suffix.
    for (const name of Object.keys(catalog.definitions).sort()) {
      const base = pascalName(name);
      let typeName = base;
      for (let n = 2; taken.has(typeName) || taken.has(`${typeName}Schema`); n++) typeName = `${base}_${n}`;
      claim(typeName, `${typeName}Schema`);
      this.definitions.set(name, { typeName, schemaName: `${typeName}Schema` });
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
