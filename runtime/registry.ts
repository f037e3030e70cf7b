/**
 * What the runtime needs to know about each event version. Generated code builds one
 * {@link EventDefinition} per catalogue message; the runtime never reads the catalogue itself, so
 * hand-written services and tests can build a registry by hand just as well.
 */
import { z } from 'zod';
import type { TransportBindings } from './bindings.js';
import type { DestinationParameters } from './destinations.js';
import type { EventKind, Severity, Urgency } from './urgency.js';

/** The payload property that names an event's tenant unless the catalogue says otherwise (`x-tenant-field`). */
export const DEFAULT_TENANT_FIELD = 'tenant_id';

/** The tenant the payload names in its tenant field (`tenant_id`, or the catalogue's `x-tenant-field`). */
export function payloadTenant(definition: { tenantField?: string | undefined }, data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const tenant = (data as Record<string, unknown>)[definition.tenantField ?? DEFAULT_TENANT_FIELD];
  return typeof tenant === 'string' && tenant.length > 0 ? tenant : undefined;
}

export type { EventKind, Severity, Urgency };

/**
 * Shaped like zod's `safeParse` result, so a generated definition can pass
 * `(data) => Schema.safeParse(data)` straight through; publish wraps the error in an EventValidationError
 * naming the event and each field.
 */
export type ValidationResult<T> = { success: true; data: T } | { success: false; error: Error };

export interface EventRef {
  type: string;
  version: number;
}

/** Anything with zod's `safeParse` (a zod schema, or a compiled validator). */
export interface SafeParser<T> {
  safeParse(data: unknown): ValidationResult<T>;
}

/**
 * One event version. Give either `validate` or `schema` (a zod schema; its `safeParse` is used), so
 * both hand-written definitions and the generator's registry entries fit without adapters.
 */
export interface EventDefinition<TData = unknown> {
  type: string;
  version: number;
  kind: EventKind;
  urgency: Urgency;
  /**
   * The channel address the event is published to (see destinations.ts), e.g.
   * `business.order.created`. May hold `{parameter}` placeholders, filled from publish options'
   * `params`.
   */
  destination: string;
  /** What the catalogue allows for each `{parameter}` of the destination (its channel parameters). */
  parameters?: DestinationParameters;
  /** What the catalogue says for one broker only (AsyncAPI channel bindings), by transport name. */
  bindings?: TransportBindings;
  /**
   * The payload field whose value orders events: events with the same key are delivered in the
   * order they were published where the broker partitions (Kafka). Publish options' `key` wins.
   */
  orderingKey?: string;
  validate?(data: unknown): ValidationResult<TData>;
  schema?: SafeParser<TData>;
  /**
   * Every event of this type belongs to one tenant: publishing without a tenant is refused, and a
   * consumer dead-letters one whose envelope has no tenant or disagrees with the payload's `tenant_id`.
   */
  tenantScoped?: boolean;
  /** The payload property that names the tenant (`x-tenant-field`). Default {@link DEFAULT_TENANT_FIELD}. */
  tenantField?: string;
  /**
   * The events that may answer it (the catalogue's reply messages of a command). When given, a reply
   * to this event that is not in the list is refused (UndeclaredReplyError) on both sides.
   */
  replies?: readonly EventRef[];
  /** The date (YYYY-MM-DD) after which this version may go (`x-sunset`); one no handler takes is dead-lettered as `sunset`. */
  sunset?: string;
  dataschema?: string;
}

/**
 * Type-level catalogue: event type → version → payload type. Generated code declares one so that
 * `publish('inventory.stock_added', 2, data)` checks `data`; untyped use falls back to `unknown`.
 * An interface works as well as this record type: the client only requires `object`.
 */
export type EventMap = Record<string, Record<number, unknown>>;
export type EventTypeOf<M extends object> = Extract<keyof M, string>;
export type EventVersionOf<M extends object, T extends keyof M> = Extract<keyof M[T], number>;
export type EventDataOf<M extends object, T extends keyof M, V extends keyof M[T]> = M[T][V];

type DefinitionLike = Readonly<EventDefinition<never>> | Readonly<EventDefinition>;

/**
 * A registry as generated code passes it: an iterable of definitions (array, `Object.values(...)`),
 * or a record keyed by type, then version (`{ 'inventory.stock_added': { 1: …, 2: … } }`).
 */
export type EventRegistryInput = Iterable<DefinitionLike> | Readonly<Record<string, Readonly<Record<number, DefinitionLike>>>>;

/** A definition reduced to what the client calls: one validate function. */
export interface ResolvedDefinition extends EventDefinition {
  validate(data: unknown): ValidationResult<unknown>;
}

export class EventRegistry {
  /** Type, then version: looked up on every publish and delivery, without building a key string. */
  private readonly byType = new Map<string, Map<number, ResolvedDefinition>>();

  constructor(input: EventRegistryInput) {
    for (const definition of flatten(input)) {
      let versions = this.byType.get(definition.type);
      if (versions === undefined) this.byType.set(definition.type, (versions = new Map()));
      if (versions.has(definition.version)) throw new Error(`event '${definition.type}' version ${definition.version} is registered twice`);
      versions.set(definition.version, resolve(definition));
    }
  }

  get(type: string, version: number): ResolvedDefinition | undefined {
    return this.byType.get(type)?.get(version);
  }

  hasType(type: string): boolean {
    return this.byType.has(type);
  }

  definitions(): ResolvedDefinition[] {
    return [...this.byType.values()].flatMap((versions) => [...versions.values()]);
  }
}

function flatten(input: EventRegistryInput): EventDefinition[] {
  if (Symbol.iterator in input) return [...(input as Iterable<EventDefinition>)];
  const nested = input as Readonly<Record<string, Readonly<Record<number, EventDefinition>>>>;
  return Object.values(nested).flatMap((versions) => Object.values(versions));
}

function resolve(definition: EventDefinition): ResolvedDefinition {
  const { validate, schema } = definition;
  if (validate !== undefined) return { ...definition, validate: (data) => validate.call(definition, data) };
  if (schema !== undefined) return { ...definition, validate: compiledSafeParse(schema) };
  throw new TypeError(`event '${definition.type}' version ${definition.version} has neither validate nor schema`);
}

/**
 * A zod schema's `safeParse` through `z.compile` (same results, transforms included, several times
 * faster: every publish and every delivery validates). Compiled on first use, so a registry of many
 * events costs nothing for the ones a service never touches. Anything else with a `safeParse` is
 * called as it is.
 */
function compiledSafeParse<T>(schema: SafeParser<T>): (data: unknown) => ValidationResult<T> {
  if (!(schema instanceof z.ZodType)) return (data) => schema.safeParse(data);
  let compiled: SafeParser<T> | undefined;
  return (data) => (compiled ??= z.compile(schema) as SafeParser<T>).safeParse(data);
}
