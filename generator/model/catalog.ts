/**
 * The Catalog model: the one plain, typed picture of the event catalogue.
 *
 * Loaders build it from parsed AsyncAPI documents; emitters, the compatibility checker and the
 * docs read it. Nothing downstream of the model touches YAML or parser objects, so every field
 * here is plain JSON-compatible data (the snapshot is this model serialised).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A JSON Schema (draft-07 vocabulary, which AsyncAPI schemas extend). References are normalised
 * by the loader: every `$ref` points at `#/$defs/<name>`, a key of {@link Catalog.definitions}.
 */
export type JsonSchema = boolean | JsonSchemaObject;
export interface JsonSchemaObject {
  [keyword: string]: JsonValue;
}

export const EVENT_KINDS = ['business', 'alert', 'notification', 'recommendation', 'command'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const URGENCIES = ['low', 'medium', 'high', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Alert severities as the systems we replace name them; each maps onto one urgency. */
export const SEVERITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_URGENCY: Readonly<Record<Severity, Urgency>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  urgent: 'critical',
};

/** AMQP priority per urgency; queues are declared with `x-max-priority` 10. */
export const URGENCY_PRIORITY: Readonly<Record<Urgency, Priority>> = {
  low: 1,
  medium: 5,
  high: 8,
  critical: 10,
};
export type Priority = 1 | 5 | 8 | 10;

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
  priority: Priority;
  title?: string;
  summary?: string;
  description: string;
  /** Services that publish this event, sorted. */
  producers: string[];
  /** Services that consume this event, sorted. */
  consumers: string[];
  /** When true the payload carries a required `tenant_id`. */
  tenantScoped: boolean;
  deprecated: boolean;
  /** ISO date after which a deprecated version may be removed. */
  sunset?: string;
  channel: {
    /** Channel key in its document. */
    id: string;
    /** The AsyncAPI channel address, when the channel has one. */
    address: string | null;
  };
  /** AMQP routing key; may contain `{parameter}` placeholders from the channel address. */
  routingKey: string;
  /** AMQP exchange the event is published to. */
  exchange: string;
  payload: JsonSchema;
  headers?: JsonSchema;
  examples: EventExample[];
  /** Commands only: the messages that may answer it. */
  replies: EventRef[];
  /** Key of the message in its document (components or channel messages). */
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
