/**
 * View models of the messaging layer: the topology every service declares, the `Events` facade
 * typed by event kind, and one module per service with a publisher (a method per event it
 * publishes) and a consumer (handlers for what it consumes).
 */
import { subscriptionPattern } from '../../runtime/destinations.js';
import type { CatalogEvent, EventKind, KafkaTopicBinding } from '../model/catalog.js';
import { publisherMethodName } from '../model/generated-names.js';
import { kebabName, pascalName } from '../model/identifiers.js';
import { docComment, propertyKey, stringLiteral } from './code/literals.js';
import { domainKey, eventKey } from './names.js';

const KIND_UNIONS: Record<EventKind, string> = {
  business: 'BusinessEventType',
  alert: 'AlertEventType',
  notification: 'NotificationEventType',
  recommendation: 'RecommendationEventType',
  command: 'CommandEventType',
};

const KIND_CALL: Record<EventKind, { call: string; options: string }> = {
  business: { call: 'publishBusinessEvent', options: 'PublishOptions' },
  alert: { call: 'publishAlert', options: 'AlertOptions' },
  notification: { call: 'publishNotification', options: 'PublishOptions' },
  recommendation: { call: 'publishRecommendation', options: 'PublishOptions' },
  command: { call: 'request', options: 'RequestOptions' },
};

/*
 * Each view below reads only the fields of an event listed for it (its type takes a Pick of those
 * fields, so the compiler holds it to them) and the order of the events. emit keeps each file's
 * text with those fields of every event in order (see emit.ts, viewKey), and makes the file again
 * only when one of them changed: a save that rewords a description re-renders neither the topology
 * nor the events facade, nor the modules of services the event is not part of.
 */

/** What topology.ts is made from. */
export const TOPOLOGY_FIELDS = ['type', 'kind', 'domain', 'destination', 'severity', 'amqpExchange', 'redisStream', 'kafkaTopic', 'producers', 'consumers', 'replies'] as const satisfies readonly (keyof CatalogEvent)[];
export type TopologyEvent = Pick<CatalogEvent, (typeof TOPOLOGY_FIELDS)[number]>;

/** What events.ts is made from. */
export const EVENTS_FIELDS = ['type', 'version', 'kind', 'sunset', 'replies'] as const satisfies readonly (keyof CatalogEvent)[];
export type EventsEvent = Pick<CatalogEvent, (typeof EVENTS_FIELDS)[number]>;

/** What a service's module is made from. */
export const SERVICE_FIELDS = ['type', 'kind', 'domain', 'name', 'pinnedName', 'title', 'summary', 'description', 'destination', 'parameters', 'producers', 'consumers', 'replies'] as const satisfies readonly (keyof CatalogEvent)[];
export type ServiceEvent = Pick<CatalogEvent, (typeof SERVICE_FIELDS)[number]>;

/** The latest version of each event type, in type order (events come sorted by type, then version). */
export function latestEvents<E extends Pick<CatalogEvent, 'type'>>(events: readonly E[]): E[] {
  const latest = new Map<string, E>();
  for (const event of events) latest.set(event.type, event);
  return [...latest.values()];
}

/**
 * The events `service` receives as replies to the commands it sends: they come back on the
 * request's own reply address (RabbitMQ direct reply-to, a Redis or Kafka reply stream of the
 * requester), never through its subscription, so they take no place in it.
 */
function repliesReceivedBy(latest: readonly Pick<CatalogEvent, 'kind' | 'producers' | 'replies'>[], service: string): Set<string> {
  return new Set(latest.filter((e) => e.kind === 'command' && e.producers.includes(service)).flatMap((e) => e.replies.map((r) => r.type)));
}

/** The latest versions of the events `service` consumes from its subscription: what it receives, less the replies to its own requests. */
function subscribedEvents<E extends Pick<CatalogEvent, 'type' | 'kind' | 'producers' | 'consumers' | 'replies'>>(latest: readonly E[], service: string): E[] {
  const replies = repliesReceivedBy(latest, service);
  return latest.filter((e) => e.consumers.includes(service) && !replies.has(e.type));
}

/** A command's replies as a type: reply event type → its versions, in type order. */
function repliesType(event: Pick<CatalogEvent, 'replies'>): string {
  const versions = new Map<string, number[]>();
  for (const reply of event.replies) versions.set(reply.type, [...(versions.get(reply.type) ?? []), reply.version]);
  const entries = [...versions.entries()].sort(([a], [b]) => compare(a, b));
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([type, list]) => `${stringLiteral(type)}: ${[...new Set(list)].sort((a, b) => a - b).join(' | ')}`).join('; ')} }`;
}

export function serviceNames(events: readonly Pick<CatalogEvent, 'producers' | 'consumers'>[]): string[] {
  return [...new Set(events.flatMap((e) => [...e.producers, ...e.consumers]))].sort();
}

/** A `ChannelSpec` as the model gives it; `amqpExchange` and `redisStream` only when the catalogue names one. */
interface Channel {
  kind: EventKind;
  destination: string;
  amqpExchange?: string;
  redisStream?: string;
  kafkaTopic?: KafkaTopicBinding;
}

/** Where `event` is published; placeholders become `*`, the pattern of every destination they fill in. */
function channelOf(event: TopologyEvent): Channel {
  return withBindings({ kind: event.kind, destination: subscriptionPattern(event.kind, event.domain, event.destination, undefined) }, event);
}

/** What a consumer of `event` subscribes with: placeholders become `*`, alerts are taken at every severity. */
function sourceOf(event: TopologyEvent): Channel {
  return withBindings({ kind: event.kind, destination: subscriptionPattern(event.kind, event.domain, event.destination, event.severity) }, event);
}

function withBindings(channel: Channel, event: Pick<CatalogEvent, 'amqpExchange' | 'redisStream' | 'kafkaTopic'>): Channel {
  return {
    ...channel,
    ...(event.amqpExchange === undefined ? {} : { amqpExchange: event.amqpExchange }),
    ...(event.redisStream === undefined ? {} : { redisStream: event.redisStream }),
    ...(event.kafkaTopic === undefined ? {} : { kafkaTopic: event.kafkaTopic }),
  };
}

function channelKey(channel: Channel): string {
  return JSON.stringify([channel.kind, channel.destination, channel.amqpExchange ?? null, channel.redisStream ?? null, channel.kafkaTopic ?? null]);
}

/** Distinct channels, first occurrence kept, in the order given. */
function distinct(channels: readonly Channel[]): Channel[] {
  const seen = new Map<string, Channel>();
  for (const channel of channels) if (!seen.has(channelKey(channel))) seen.set(channelKey(channel), channel);
  return [...seen.values()];
}

/** Code-unit order, not locale order: the output must not depend on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `TransportBindings` literal of an event or channel whose catalogue names an AMQP exchange or a Redis stream. */
export function bindingsLiteral(named: Pick<Channel, 'amqpExchange' | 'redisStream' | 'kafkaTopic'>): string | undefined {
  const parts: string[] = [];
  if (named.amqpExchange !== undefined) parts.push(`amqp: { exchange: ${stringLiteral(named.amqpExchange)} }`);
  if (named.redisStream !== undefined) parts.push(`redis: { stream: ${stringLiteral(named.redisStream)} }`);
  if (named.kafkaTopic !== undefined) parts.push(`kafka: ${kafkaLiteral(named.kafkaTopic)}`);
  return parts.length === 0 ? undefined : `{ ${parts.join(', ')} }`;
}

/** The Kafka binding as an object literal, fields in a fixed order so the output is deterministic. */
function kafkaLiteral(binding: KafkaTopicBinding): string {
  const fields: string[] = [];
  if (binding.topic !== undefined) fields.push(`topic: ${stringLiteral(binding.topic)}`);
  if (binding.partitions !== undefined) fields.push(`partitions: ${binding.partitions}`);
  if (binding.replicas !== undefined) fields.push(`replicas: ${binding.replicas}`);
  if (binding.topicConfiguration !== undefined) {
    const config = Object.entries(binding.topicConfiguration).map(([name, value]) => `${stringLiteral(name)}: ${Array.isArray(value) ? `[${value.map((item: string) => stringLiteral(item)).join(', ')}]` : typeof value === 'string' ? stringLiteral(value) : String(value)}`);
    fields.push(`topicConfiguration: { ${config.join(', ')} }`);
  }
  return `{ ${fields.join(', ')} }`;
}

/** The registry's `parameters` literal (what the runtime checks values against); undefined without parameters. */
export function parametersLiteral(event: Pick<CatalogEvent, 'parameters'>): string | undefined {
  if (event.parameters === undefined) return undefined;
  const entries = Object.entries(event.parameters).map(([name, p]) => {
    const fields = [
      ...(p.enum === undefined ? [] : [`enum: [${p.enum.map(stringLiteral).join(', ')}]`]),
      ...(p.pattern === undefined ? [] : [`pattern: ${stringLiteral(p.pattern)}`]),
      ...(p.default === undefined ? [] : [`default: ${stringLiteral(p.default)}`]),
    ];
    return `${propertyKey(name)}: {${fields.length === 0 ? '' : ` ${fields.join(', ')} `}}`;
  });
  return `{ ${entries.join(', ')} }`;
}

/**
 * The options parameter of a publisher method: optional, unless the destination has parameters
 * without a default, whose values are then required and typed (`'eu' | 'us'` for an enum).
 */
function optionsParameter(event: Pick<CatalogEvent, 'parameters'>, optionsType: string): string {
  if (event.parameters === undefined) return `options?: ${optionsType}`;
  const fields = Object.entries(event.parameters).map(([name, p]) => `${propertyKey(name)}${p.default === undefined ? '' : '?'}: ${p.enum === undefined ? 'string' : p.enum.map(stringLiteral).join(' | ')}`);
  const required = Object.values(event.parameters).some((p) => p.default === undefined);
  // Omit: PublishOptions' own `params` (any string record) would let misspelt names through.
  return `options${required ? '' : '?'}: Omit<${optionsType}, 'params'> & { params${required ? '' : '?'}: { ${fields.join('; ')} } }`;
}

/** Lines of a publisher method's doc comment that say what each destination parameter is. */
function parameterDocs(event: Pick<CatalogEvent, 'parameters' | 'destination'>): string[] {
  if (event.parameters === undefined) return [];
  return Object.entries(event.parameters).map(([name, p]) => {
    const allowed = [p.enum === undefined ? undefined : `one of ${p.enum.join(', ')}`, p.pattern === undefined ? undefined : `matching /${p.pattern}/`, p.default === undefined ? undefined : `default ${p.default}`].filter((x) => x !== undefined);
    const sentence = `\`params.${name}\` fills \`{${name}}\` in \`${event.destination}\`${allowed.length === 0 ? '' : ` (${allowed.join(', ')})`}`;
    const description = p.description?.trim();
    return description === undefined || description === '' ? `${sentence}.` : `${sentence}: ${/[.!?]$/.test(description) ? description : `${description}.`}`;
  });
}

function channelLiteral(channel: Channel): string {
  const literal = bindingsLiteral(channel);
  const bindings = literal === undefined ? '' : `, bindings: ${literal}`;
  return `{ kind: ${stringLiteral(channel.kind)}, destination: ${stringLiteral(channel.destination)}${bindings} }`;
}

function union(literals: readonly string[]): string {
  return literals.length === 0 ? ' never' : literals.map((l) => `\n  | ${l}`).join('');
}

export function topologyView(events: readonly TopologyEvent[], header: string) {
  const latest = latestEvents(events);
  const services = serviceNames(events);
  const channels = distinct(events.map(channelOf)).sort(
    (a, b) => compare(a.kind, b.kind) || compare(a.destination, b.destination) || compare(a.amqpExchange ?? '', b.amqpExchange ?? '') || compare(a.redisStream ?? '', b.redisStream ?? '') || compare(a.kafkaTopic?.topic ?? '', b.kafkaTopic?.topic ?? ''),
  );
  return {
    header,
    serviceUnion: union(services.map(stringLiteral)),
    channels: channels.map(channelLiteral),
    services: services.map((service) => ({
      literal: stringLiteral(service),
      sources: distinct(subscribedEvents(latest, service).map(sourceOf)).map(channelLiteral),
    })),
  };
}

/**
 * The older versions past their sunset as of `asOf`: `x-sunset` on or before it. Without a date none
 * is: generation never reads the clock, so one catalogue always gives the same code.
 */
export function sunsetVersions(events: readonly Pick<CatalogEvent, 'type' | 'version' | 'sunset'>[], asOf: string | undefined): Map<string, number[]> {
  const past = new Map<string, number[]>();
  if (asOf === undefined) return past;
  const latest = new Map(latestEvents(events).map((e) => [e.type, e.version]));
  for (const event of events) {
    if (event.version === latest.get(event.type) || event.sunset === undefined || event.sunset > asOf) continue;
    past.set(event.type, [...(past.get(event.type) ?? []), event.version]);
  }
  return past;
}

export function eventsView(events: readonly EventsEvent[], header: string, sunsetAsOf?: string) {
  const latest = latestEvents(events);
  return {
    header,
    sunsetRule: sunsetAsOf === undefined ? 'none (no `sunsetAsOf` date is configured)' : `\`x-sunset\` on or before ${sunsetAsOf} (\`sunsetAsOf\`)`,
    sunsets: [...sunsetVersions(events, sunsetAsOf).entries()].map(([type, versions]) => ({ literal: stringLiteral(type), versions: versions.join(' | ') })),
    kinds: (Object.keys(KIND_UNIONS) as EventKind[]).map((kind) => ({
      kind,
      typeName: KIND_UNIONS[kind],
      union: union(latest.filter((e) => e.kind === kind).map((e) => stringLiteral(e.type))),
    })),
    commands: latest
      .filter((e) => e.kind === 'command')
      .map((e) => ({ literal: stringLiteral(e.type), replies: repliesType(e) })),
    events: latest.map((e) => ({ literal: stringLiteral(e.type), kind: stringLiteral(e.kind) })),
  };
}

export function serviceModule(service: string): string {
  return `services/${kebabName(service)}`;
}

export function serviceView(events: readonly ServiceEvent[], service: string, header: string) {
  const latest = latestEvents(events);
  const published = latest.filter((e) => e.producers.includes(service));
  const consumed = subscribedEvents(latest, service);
  const publishes = published.map((event) => {
    const { call, options } = KIND_CALL[event.kind];
    const literal = stringLiteral(event.type);
    return {
      method: publisherMethodName(event),
      literal,
      call,
      optionsType: options,
      optionsParameter: optionsParameter(event, options),
      resultType: event.kind === 'command' ? `ReplyEnvelope<${literal}>` : `Envelope<EventPayload<${literal}>>`,
      constant: `${domainKey(event.domain)}.${eventKey(event)}`,
      doc: docComment([`${event.title ?? event.type}: ${event.summary ?? event.description}`, ...parameterDocs(event)].join('\n\n'), '  '),
    };
  });
  const usedOptions = [...new Set(publishes.map((p) => p.optionsType))].sort();
  const needsEnvelope = published.some((e) => e.kind !== 'command');
  const runtimeTypes = ['CatalogEventsOptions', ...(needsEnvelope ? ['Envelope'] : []), ...(consumed.length > 0 ? ['EventHandler', 'UpcasterArgs'] : []), ...usedOptions].sort();
  const readsPayloads = consumed.length > 0 || published.some((e) => e.kind !== 'command');
  const registryTypes = [...(readsPayloads ? ['EventPayload'] : []), ...(consumed.length > 0 ? ['EventPayloads', 'LATEST_VERSIONS'] : []), ...(publishes.length > 0 ? ['PublishPayload'] : [])];
  const needsReply = published.some((e) => e.kind === 'command');
  const imports = [
    `type { ${runtimeTypes.join(', ')} } from 'eventsmith/runtime'`,
    ...(publishes.length > 0 ? ["{ EVENT_TYPES } from '../event-types.js'"] : []),
    `{ ${['Events', ...(needsReply ? ['type ReplyEnvelope'] : []), ...(consumed.length > 0 ? ['type RepliesTo', 'type SunsetVersions'] : [])].join(', ')} } from '../events.js'`,
    ...(registryTypes.length > 0 ? [`type { ${registryTypes.join(', ')} } from '../registry.js'`] : []),
  ];
  return {
    header,
    imports,
    service,
    serviceLiteral: stringLiteral(service),
    className: pascalName(service),
    publishesUnion: union(published.map((e) => stringLiteral(e.type))),
    consumesUnion: union(consumed.map((e) => stringLiteral(e.type))),
    publishes,
    consumes: consumed.length > 0,
  };
}
