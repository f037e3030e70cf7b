/**
 * How the catalogue's words become Kafka topics. Fixed here so every service and operator finds
 * them the same way:
 * - an event goes to the topic of its domain, `<domain>-events`, the domain being the second word
 *   of its destination (`business.order.created`, `alert.order.high`, `command.order.cancel` all
 *   go to `order-events`); a catalogue's Kafka binding (`bindings.kafka.topic`, the AsyncAPI
 *   channel binding's `topic`) names another;
 * - an unkeyed event of high or critical urgency goes to `<topic>-urgent`, which consumers drain
 *   first; a keyed one stays in its key's partition, since order per key outranks urgency;
 * - events sent to one service go to `<service>-inbox`;
 * - subscription `s` is the consumer group `s`; its retries wait in `s-retry-<n>` (one topic per
 *   attempt, so every record of a topic waits the same delay and the head is always due first)
 *   and its dead letters go to `s-dlq`;
 * - a requester's replies arrive on `eventsmith-replies-<id>`, deleted when it closes.
 * Topic names may hold letters, digits, `.`, `_` and `-` only (Kafka's rule), at most 249 characters.
 */
import { bindingOf, type TransportBindings } from '../bindings.js';
import type { ChannelSpec, SubscriptionSpec } from '../topology.js';
import type { Urgency } from '../urgency.js';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** A source spanning several domains (`alert.*.high`) cannot be read without naming its topic. */
export class TopicNotDerivableError extends Error {
  constructor(destination: string) {
    super(`destination '${destination}' names no single domain (its second word is a wildcard), so it has no topic of its own on Kafka: give the channel a Kafka binding (bindings.kafka.topic) or list one source per domain`);
    this.name = 'TopicNotDerivableError';
  }
}

export class KafkaNames {
  /** The topic `destination` is published to. */
  topic(destination: string, bindings?: TransportBindings): string {
    const named = bindingOf(bindings, 'kafka').topic;
    if (typeof named === 'string' && named.length > 0) return legal(named);
    const domain = destination.split('.')[1] ?? destination;
    if (domain === '*' || domain === '#' || domain.includes('{')) throw new TopicNotDerivableError(destination);
    return legal(`${domain}-events`);
  }

  /** Where a record of `urgency` goes on `topic`: see the module comment. */
  lane(topic: string, urgency: Urgency, keyed: boolean): string {
    return !keyed && (urgency === 'high' || urgency === 'critical') ? this.urgent(topic) : topic;
  }

  urgent(topic: string): string {
    return legal(`${topic}-urgent`);
  }

  inbox(service: string): string {
    return legal(`${sanitize(service)}-inbox`);
  }

  retry(subscription: string, attempt: number): string {
    return legal(`${sanitize(subscription)}-retry-${attempt}`);
  }

  deadLetters(subscription: string): string {
    return legal(`${sanitize(subscription)}-dlq`);
  }

  replies(id: string): string {
    return legal(`eventsmith-replies-${id}`);
  }

  /** The topics a source reads: its topic and that topic's urgent lane. */
  topicsOf(source: ChannelSpec): string[] {
    const topic = this.topic(source.destination, source.bindings);
    return [topic, this.urgent(topic)];
  }

  /** Every topic the group of `spec` reads (retry topics apart: see {@link retryTopics}). */
  subscriptionTopics(spec: Pick<SubscriptionSpec, 'service' | 'sources'>): string[] {
    const topics = new Set<string>();
    for (const source of spec.sources) for (const topic of this.topicsOf(source)) topics.add(topic);
    if (spec.service !== undefined) topics.add(this.inbox(spec.service));
    return [...topics].sort();
  }

  /**
   * The retry topics of a subscription whose policy allows `maxAttempts` attempts: one per retry,
   * and at least one, the topic only this subscription reads (dead letters replayed onto the
   * subscription go there).
   */
  retryTopics(subscription: string, maxAttempts: number): string[] {
    return Array.from({ length: Math.max(1, maxAttempts - 1) }, (_unused, index) => this.retry(subscription, index + 1));
  }
}

/** Service and subscription names may hold characters Kafka refuses in a topic name. */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]/g, '_');
}

function legal(topic: string): string {
  if (!LEGAL_TOPIC.test(topic)) throw new Error(`'${topic}' is not a legal Kafka topic name (letters, digits, '.', '_', '-', at most 249 characters)`);
  return topic;
}
