/**
 * The docs' own model: the catalogue regrouped the way a reader looks for things (domains → event
 * types → versions; services; exchanges), with anchor ids and payload rows worked out once, so the
 * HTML and Markdown renderers only lay it out.
 */
import { rabbitmqRoute } from '../model/bindings.js';
import type { Catalog, CatalogEvent } from '../model/catalog.js';
import { versionSteps, type DiffVersions, type VersionStep } from './changes.js';
import { payloadFields, type FieldRow } from './fields.js';
import { IdAllocator, slug } from './ids.js';

export interface DocsVersion {
  event: CatalogEvent;
  /** Anchor of this version's column / section. */
  id: string;
  payload: FieldRow[];
  headers: FieldRow[] | undefined;
}

export interface DocsEventType {
  type: string;
  domain: string;
  /** Anchor of the event's page section. */
  id: string;
  /** Ascending by version; the last is the current one. */
  versions: DocsVersion[];
  latest: CatalogEvent;
  /** Producers and consumers of any version, sorted. */
  producers: string[];
  consumers: string[];
  /** Undefined when no compatibility checker was wired in. */
  steps: VersionStep[] | undefined;
}

export interface DocsDomain {
  name: string;
  id: string;
  /** Markdown file of the domain, `<slug>.md`; unique. */
  file: string;
  /** Titles of the documents its events are declared in. */
  documents: string[];
  events: DocsEventType[];
}

export interface DocsService {
  name: string;
  id: string;
  publishes: DocsEventType[];
  consumes: DocsEventType[];
}

/** A RabbitMQ exchange the catalogue's events are published to (see rabbitmqRoute). */
export interface DocsExchange {
  name: string;
  id: string;
  events: DocsEventType[];
}

export interface DocsSite {
  title: string;
  domains: DocsDomain[];
  services: DocsService[];
  exchanges: DocsExchange[];
  /** All event types, in domain order. */
  events: DocsEventType[];
  versionCount: number;
  /** Whether the changes between versions were computed. */
  hasChanges: boolean;
}

export interface SiteOptions {
  title?: string;
  diffVersions?: DiffVersions;
}

export function buildSite(catalog: Catalog, options: SiteOptions = {}): DocsSite {
  // Every catalogue-derived id has a `prefix-`, so none can equal the page's fixed ids (`overview`…);
  // ids derived from them use `_`, which slugs never contain, so they cannot collide either.
  const ids = new IdAllocator();
  const byType = groupBy(catalog.events, (e) => e.type);
  const events: DocsEventType[] = [...byType.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([type, versionsOfType]) => {
      const sorted = [...versionsOfType].sort((a, b) => a.version - b.version);
      const id = ids.allocate('ev', type);
      return {
        type,
        domain: sorted[0]!.domain,
        id,
        versions: sorted.map((event) => ({
          event,
          id: `${id}_v${event.version}`,
          payload: payloadFields(event.payload, catalog.definitions),
          headers: event.headers === undefined ? undefined : payloadFields(event.headers, catalog.definitions),
        })),
        latest: sorted[sorted.length - 1]!,
        producers: unique(sorted.flatMap((e) => e.producers)),
        consumers: unique(sorted.flatMap((e) => e.consumers)),
        steps: versionSteps(sorted, catalog, options.diffVersions),
      };
    });
  const titles = new Map(catalog.documents.map((d) => [d.file, d.title]));
  const files = new Set<string>(['index']);
  const domains = [...groupBy(events, (e) => e.domain).entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, domainEvents]): DocsDomain => {
      let file = slug(name);
      for (let n = 2; files.has(file); n++) file = `${slug(name)}-${n}`;
      files.add(file);
      const documents = unique(domainEvents.flatMap((e) => e.versions.map((v) => titles.get(v.event.source.file) ?? v.event.source.file)));
      return { name, id: ids.allocate('domain', name), file: `${file}.md`, documents, events: domainEvents };
    });
  const ordered = domains.flatMap((d) => d.events);
  const serviceNames = unique(ordered.flatMap((e) => [...e.producers, ...e.consumers]));
  const services = serviceNames.map((name) => ({
    name,
    id: ids.allocate('service', name),
    publishes: ordered.filter((e) => e.producers.includes(name)),
    consumes: ordered.filter((e) => e.consumers.includes(name)),
  }));
  const exchangeOf = (event: CatalogEvent): string => rabbitmqRoute(event).exchange;
  const exchanges = unique(ordered.flatMap((e) => e.versions.map((v) => exchangeOf(v.event)))).map((name) => ({
    name,
    id: ids.allocate('exchange', name),
    events: ordered.filter((e) => e.versions.some((v) => exchangeOf(v.event) === name)),
  }));
  return {
    title: options.title ?? 'Event catalogue',
    domains,
    services,
    exchanges,
    events: ordered,
    versionCount: catalog.events.length,
    hasChanges: options.diffVersions !== undefined,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compare);
}

/** Code-unit order, not locale order: the output must not depend on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
