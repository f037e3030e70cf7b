/**
 * One event per message definition. Each document is read on its own, so a message defined once
 * (in a shared fragment, or in one document) and reached through `$ref` from several documents
 * comes back once per document, each copy knowing only what that document does with it. Here the
 * copies become one event: its identity is where the message is written (file, line, column of
 * the definition, after every `$ref`), so two documents naming one definition agree by
 * construction, and two different definitions claiming one type and version stay two events for
 * the duplicate check to report.
 *
 * What the documents add up: producers and consumers (each document contributes its service for
 * its `send` / `receive` operations, unless the message declares `x-producers` / `x-consumers`,
 * which then are the same list in every copy) and replies. Where the event goes must be one place:
 * documents that give the message a channel address must give the same one (and the same broker
 * bindings); a document whose channel has no address follows the others.
 */
import type { EventOrigin } from './build.js';
import type { CatalogEvent, EventRef } from './catalog.js';
import type { CatalogSources, SourceFileRef } from './inputs.js';

/** `uses` in document order; the result keeps the order of each definition's first use. */
export function mergeSharedMessages<F extends SourceFileRef>(sources: CatalogSources<F>, uses: readonly (readonly [CatalogEvent, EventOrigin<F>])[]): [CatalogEvent, EventOrigin<F>][] {
  const byDefinition = new Map<string, [CatalogEvent, EventOrigin<F>][]>();
  for (const [event, origin] of uses) {
    const key = `${event.source.file}:${event.source.line}:${event.source.column}`;
    const group = byDefinition.get(key);
    if (group) group.push([event, origin]);
    else byDefinition.set(key, [[event, origin]]);
  }
  return [...byDefinition.values()].map((group) => (group.length === 1 ? group[0]! : mergeGroup(sources, group)));
}

function mergeGroup<F extends SourceFileRef>(sources: CatalogSources<F>, group: readonly [CatalogEvent, EventOrigin<F>][]): [CatalogEvent, EventOrigin<F>] {
  const routed = group.find(([event]) => event.channel.address !== null) ?? group[0]!;
  const [primary, primaryOrigin] = routed;
  for (const [event, origin] of group) {
    if (event.channel.address === null || sameRoute(event, primary)) continue;
    const where = sources.locate(primaryOrigin.file, ['channels', primary.channel.id]);
    sources.report(
      origin.file,
      ['channels', event.channel.id],
      'conflicting-channel',
      `event '${event.type}' v${event.version} (defined at ${event.source.file}:${event.source.line}) goes to ${describeRoute(event)} here, but to ${describeRoute(primary)} in ${where.file.rel}:${where.line}`,
      'Every document that sends or receives a message must name the same channel address and bindings for it: make the two channels agree (or move the channel to a shared file and $ref it from both).',
    );
  }
  const first = group[0]!;
  const merged: CatalogEvent = {
    ...withoutRoute(first[0]),
    ...routeOf(primary),
    producers: union(group.map(([event]) => event.producers)),
    consumers: union(group.map(([event]) => event.consumers)),
    channel: primary.channel,
    replies: unionRefs(group.flatMap(([event]) => event.replies)),
  };
  return [merged, first[1]];
}

/** What an event takes from the channel a document puts its message on (the rest comes from the message). */
const ROUTE_FIELDS = ['destination', 'amqpExchange', 'redisStream', 'kafkaTopic'] as const;
type Route = Pick<CatalogEvent, (typeof ROUTE_FIELDS)[number]>;

function routeOf(event: CatalogEvent): Route {
  const route: Partial<Route> = {};
  for (const field of ROUTE_FIELDS) if (event[field] !== undefined) Object.assign(route, { [field]: event[field] });
  return route as Route;
}

function withoutRoute(event: CatalogEvent): Omit<CatalogEvent, keyof Route> {
  const { destination: _destination, amqpExchange: _amqpExchange, redisStream: _redisStream, kafkaTopic: _kafkaTopic, ...rest } = event;
  return rest;
}

function sameRoute(a: CatalogEvent, b: CatalogEvent): boolean {
  return JSON.stringify(routeOf(a)) === JSON.stringify(routeOf(b));
}

function describeRoute(event: CatalogEvent): string {
  const bindings = [
    event.amqpExchange === undefined ? '' : `AMQP exchange '${event.amqpExchange}'`,
    event.redisStream === undefined ? '' : `Redis stream '${event.redisStream}'`,
    event.kafkaTopic === undefined ? '' : `Kafka binding ${JSON.stringify(event.kafkaTopic)}`,
  ].filter((b) => b !== '');
  return `'${event.destination}'${bindings.length > 0 ? ` (${bindings.join(', ')})` : ''}`;
}

/** Code-unit order, as the rest of the model sorts names: the output must not depend on the locale. */
function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function unionRefs(refs: readonly EventRef[]): EventRef[] {
  const seen = new Map(refs.map((r) => [`${r.type}@${r.version}`, r]));
  return [...seen.values()].sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
}
