/**
 * How the catalogue's words become Redis keys. Fixed here so every service and operator finds them
 * the same way (prefix `eventsmith` by default):
 * - events of kind `k` are appended to the stream `eventsmith:<k>` — one stream per kind, as
 *   a system's `events`, `commands`, `notifications` streams are; a catalogue's Redis binding
 *   (`bindings.redis.stream`) gives an event a stream of its own;
 * - high and critical events go to `<stream>:urgent`, which consumers read first (two urgency levels);
 * - events sent to one service go to `eventsmith:service:<service>`;
 * - subscription `s` is the consumer group `s` on each stream it reads; its retries wait in the
 *   sorted set `eventsmith:retry:<s>` until due, then come back through the stream
 *   `eventsmith:retry:<s>:due`; its dead letters go to the stream `eventsmith:dlq:<s>`;
 * - a requester's replies arrive on `eventsmith:reply:<id>`;
 * - the hash `eventsmith:routes:<stream>` names each subscription reading the stream and the
 *   destinations it takes, so that a publisher can tell an event nobody takes (`mandatory`).
 */
import { bindingOf, type TransportBindings } from '../bindings.js';
import type { ChannelSpec, SubscriptionSpec } from '../topology.js';
import { EVENT_KINDS, type EventKind, type Urgency } from '../urgency.js';

export const DEFAULT_PREFIX = 'eventsmith';

export class RedisNames {
  constructor(readonly prefix: string = DEFAULT_PREFIX) {}

  /** The stream of `kind`, or the one the catalogue's Redis binding names. */
  stream(kind: EventKind, bindings?: TransportBindings): string {
    const named = bindingOf(bindings, 'redis').stream;
    return typeof named === 'string' && named.length > 0 ? named : `${this.prefix}:${kind}`;
  }

  /** Where a message of `urgency` goes on `stream`: high and critical ones wait apart, read first. */
  byUrgency(stream: string, urgency: Urgency): string {
    return urgency === 'high' || urgency === 'critical' ? this.urgent(stream) : stream;
  }

  urgent(stream: string): string {
    return `${stream}:urgent`;
  }

  /** The streams a source reads from (both urgency levels are added by the caller). */
  streamsOf(source: ChannelSpec): string[] {
    const named = bindingOf(source.bindings, 'redis').stream;
    if (typeof named === 'string' && named.length > 0) return [named];
    return source.kind === undefined ? EVENT_KINDS.map((kind) => this.stream(kind)) : [this.stream(source.kind)];
  }

  service(service: string): string {
    return `${this.prefix}:service:${service}`;
  }

  retrySet(subscription: string): string {
    return `${this.prefix}:retry:${subscription}`;
  }

  retryStream(subscription: string): string {
    return `${this.prefix}:retry:${subscription}:due`;
  }

  deadLetters(subscription: string): string {
    return `${this.prefix}:dlq:${subscription}`;
  }

  /** The hash of every subscription reading `stream`, with the destinations it takes: publishers check it. */
  routes(stream: string): string {
    return `${this.prefix}:routes:${stream}`;
  }

  reply(id: string): string {
    return `${this.prefix}:reply:${id}`;
  }

  /** Every stream the group of `spec` reads, most urgent first. */
  subscriptionStreams(spec: Pick<SubscriptionSpec, 'name' | 'service' | 'sources'>): { urgent: string[]; normal: string[] } {
    const base = new Set<string>();
    for (const source of spec.sources) for (const stream of this.streamsOf(source)) base.add(stream);
    if (spec.service !== undefined) base.add(this.service(spec.service));
    const normal = [...base].sort();
    return { urgent: normal.map((stream) => this.urgent(stream)), normal: [...normal, this.retryStream(spec.name)] };
  }
}
