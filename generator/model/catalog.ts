/**
 * The Catalog model: the one plain, typed picture of the event catalogue.
 *
 * Loaders build it from parsed AsyncAPI documents; emitters, the compatibility checker and the
 * docs read it. Nothing downstream of the model touches YAML or parser objects, so every field
 * here is plain JSON-compatible data (the snapshot is this model serialised).
 */
import type { EventKind, Severity, Urgency } from '../../runtime/urgency.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON Schema (draft-07 vocabulary, which AsyncAPI schemas extend). References are normalised
 * by the loader: every `$ref` points at `#/$defs/<name>`, a key of {@link Catalog.definitions}.
 */
export type JsonSchema = boolean | JsonSchemaObject;
export interface JsonSchemaObject {
  [keyword: string]: JsonValue;
}

/**
 * The catalogue's vocabulary (event kinds, urgencies, alert severities) is the runtime's, defined
 * once in runtime/urgency.ts; how RabbitMQ honours urgency (priority) is in runtime/amqp/priority.ts.
 */
export type { EventKind, Severity, Urgency };
export type { Priority } from '../../runtime/amqp/priority.js';

export interface SourceLocation {
  /** Path relative to the catalogue root, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface EventExample {
  name?: string;
  summary?: string;
  payload: JsonValue;
  headers?: JsonValue;
}

export interface EventRef {
  type: string;
  version: number;
}

/** A channel's Kafka binding as the catalogue gives it; only the fields it sets. */
export interface KafkaTopicBinding {
  topic?: string;
  partitions?: number;
  replicas?: number;
  /** Topic-level configuration, e.g. `retention.ms`, `cleanup.policy`. */
  topicConfiguration?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/**
 * A `{parameter}` of a channel address (AsyncAPI channel `parameters`): the publisher gives a value
 * for it, which fills one word of the destination. The runtime's DestinationParameter, plus its
 * description.
 */
export interface ChannelParameter {
  description?: string;
  /** The values it may take. */
  enum?: string[];
  /** A regular expression (unicode) its values match. */
  pattern?: string;
  /** The value used when the publisher gives none. */
  default?: string;
}

export interface CatalogEvent {
  /** Dot-separated event type, e.g. `inventory.stock_added`. Stable across versions. */
  type: string;
  /** First segment of the type: the group in `EVENT_TYPES`. */
  domain: string;
  /** The type without its domain, e.g. `stock_added`. */
  name: string;
  /** Integer major version; a breaking payload change is a new version. */
  version: number;
  kind: EventKind;
  urgency: Urgency;
  /** Alerts only: the severity the urgency came from. */
  severity?: Severity;
  title?: string;
  summary?: string;
  description: string;
  /** Services that publish this event, sorted. */
  producers: string[];
  /** Services that consume this event, sorted. */
  consumers: string[];
  /** When true the payload carries a required tenant property (`tenant_id`, or {@link tenantField}). */
  tenantScoped: boolean;
  /** The payload property naming the tenant when it is not `tenant_id` (`x-tenant-field`, e.g. `company_id`). */
  tenantField?: string;
  deprecated: boolean;
  /** ISO date after which a deprecated version may be removed. */
  sunset?: string;
  channel: {
    /** Channel key in its document. */
    id: string;
    /** The AsyncAPI channel address, when the channel has one. */
    address: string | null;
  };
  /**
   * Where the event is published, in the catalogue's words (runtime/destinations.ts): the channel
   * address, else the default destination of its kind. May contain `{parameter}` placeholders from
   * the channel address. On RabbitMQ it is the routing key.
   */
  destination: string;
  /** The `{parameters}` of the destination, by name, in address order; absent when it has none. */
  parameters?: Record<string, ChannelParameter>;
  /**
   * The AMQP exchange a channel binding of the catalogue names, when it is not the exchange of the
   * event's kind anyway (`eventsmith.<kind>`, see exchangeFor in runtime/amqp/names.ts).
   */
  amqpExchange?: string;
  /** The Redis stream a channel binding of the catalogue names (`bindings.redis.stream`); default: the stream of the event's kind. */
  redisStream?: string;
  /**
   * What the channel's Kafka binding says (AsyncAPI `bindings.kafka`: `topic`, `partitions`,
   * `replicas`, `topicConfiguration`); default topic: `<domain>-events` (runtime/kafka/names.ts).
   */
  kafkaTopic?: KafkaTopicBinding;
  /**
   * The payload field whose value orders the event (`x-ordering-key`): events with one value are
   * handled in publish order where the broker partitions (Kafka: the record key).
   */
  orderingKey?: string;
  /**
   * The PascalCase stem the message pins for its generated names (`x-eventsmith-name`), instead of
   * the one its type gives: `<Stem>V<n>`, `<Stem>` and the publisher method `<stem>`.
   */
  pinnedName?: string;
  payload: JsonSchema;
  /**
   * The payload's Avro schema as written, when the catalogue describes the payload in Avro;
   * `payload` is then its JSON Schema, and `check` judges changes by Avro's resolution rules.
   */
  payloadAvro?: JsonValue;
  headers?: JsonSchema;
  examples: EventExample[];
  /** Commands only: the messages that may answer it. */
  replies: EventRef[];
  /** Key the message is defined under (components or channel messages), after following `$ref`s; one per definition, whichever documents reach it. */
  messageId: string;
  /** Where the message is declared. */
  source: SourceLocation;
  /** Where its payload schema is declared. */
  payloadSource: SourceLocation;
}

export interface CatalogDocument {
  file: string;
  asyncapi: string;
  title: string;
  version: string;
}

export interface Catalog {
  /** Every event version, sorted by type then version. */
  events: CatalogEvent[];
  /** Named schemas reached through `$ref`, shared by events; sorted by name. */
  definitions: Record<string, JsonSchema>;
  /** The documents the catalogue was built from, sorted by file. */
  documents: CatalogDocument[];
}
