/**
 * The behaviour behind a generated `registry.ts`: payload validators, definition look-ups and the
 * typed parse functions. Generated code declares the catalogue (its registry entries, payload types
 * and latest versions) and binds these functions to it with {@link defineRegistry}, so it holds
 * declarations only and every catalogue shares one tested implementation.
 */
import { z } from 'zod';
import type { EventDefinition } from './registry.js';
import type { Severity } from './urgency.js';
import { compiledSafeParse, withCompiledSubtrees } from './issue-collector.js';
import { eventValidationError } from './validation-error.js';

/**
 * Everything the catalogue says about one version of one event: what the runtime needs
 * ({@link EventDefinition}: kind, urgency, destination, transport bindings) plus what people and
 * tools read (producers, consumers, deprecation, the JSON Schema).
 */
export interface CatalogDefinition<T extends string = string, S extends z.ZodType = z.ZodType> extends Readonly<EventDefinition> {
  readonly type: T;
  /** Alerts only: the severity their urgency comes from. */
  readonly severity?: Severity;
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  readonly tenantScoped: boolean;
  readonly deprecated: boolean;
  /** ISO date after which a deprecated version may be removed. */
  readonly sunset?: string;
  /** Commands only: the events that may answer it. */
  readonly replies: readonly { readonly type: T; readonly version: number }[];
  readonly schema: S;
  /** What the runtime validates with: the compiled check first, the issues only when it fails. */
  readonly validate: (data: unknown) => z.ZodSafeParseResult<unknown>;
  readonly jsonSchema: Readonly<Record<string, unknown>>;
}

/** Compiled validators by schema, shared by every registry of the process. */
const compiled = new WeakMap<z.ZodType, z.ZodType>();

/**
 * Validators are compiled on first use: zod's compiled fast path is several times quicker than
 * `.parse`. What it falls back to for an invalid payload walks only the subtrees that hold a
 * problem (see issue-collector.ts), with the same issues as the schema's own parse.
 */
function validatorFor(schema: z.ZodType): z.ZodType {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = z.compile(withCompiledSubtrees(schema));
    compiled.set(schema, validator);
  }
  return validator;
}

/** `validatorFor(schema).safeParse`, with a failed result that is cheaper to build (see issue-collector.ts). */
const safeParsers = new WeakMap<z.ZodType, (data: unknown) => z.ZodSafeParseResult<unknown>>();

function safeParserFor(schema: z.ZodType): (data: unknown) => z.ZodSafeParseResult<unknown> {
  let safeParse = safeParsers.get(schema);
  if (!safeParse) {
    safeParse = compiledSafeParse(validatorFor(schema));
    safeParsers.set(schema, safeParse);
  }
  return safeParse;
}

/**
 * A definition's `validate`. Generated schemas never transform, default or strip anything, so
 * valid input is its own output: the compiled check answers (no copy is built), and zod's issues
 * are computed only for invalid input. The compiled validator is looked up once, on first use.
 */
export function payloadValidator(schema: z.ZodType): (data: unknown) => z.ZodSafeParseResult<unknown> {
  let validator: z.ZodType | undefined;
  let issues: ((data: unknown) => z.ZodSafeParseResult<unknown>) | undefined;
  return (data) => {
    validator ??= validatorFor(schema);
    if (z.validate(validator, data)) return { success: true, data };
    issues ??= compiledSafeParse(validator, 'runtime');
    return issues(data);
  };
}

type TypeOf<M extends object> = Extract<keyof M, string>;
type VersionOf<M extends object, T extends keyof M> = keyof M[T] & number;
type LatestOf<M extends object, L extends { readonly [T in keyof M]: number }, T extends keyof M> = M[T][L[T] & keyof M[T]];

/** Definitions keyed by event type, then version, as generated code declares them. */
export type CatalogRegistry<M extends object> = { readonly [T in keyof M]: { readonly [version: number]: CatalogDefinition<TypeOf<M>> } };

/** The functions a generated registry exports, typed by its catalogue. */
export interface RegistryFunctions<M extends object, L extends { readonly [T in keyof M]: number }> {
  /** The definition of one version (the latest when `version` is omitted), or undefined when the catalogue has none. */
  getEventDefinition(type: string, version?: number): CatalogDefinition<TypeOf<M>> | undefined;
  /** Validates a payload of the latest version of `type`; throws an EventValidationError naming each invalid field when it does not match. */
  parseEvent<T extends TypeOf<M>>(type: T, data: unknown): LatestOf<M, L, T>;
  /** Validates a payload of one version of `type`; throws an EventValidationError when it does not match, a RangeError when the version does not exist. */
  parseEventVersion<T extends TypeOf<M>, V extends VersionOf<M, T>>(type: T, version: V, data: unknown): M[T][V];
  /**
   * Whether `data` is a valid payload of one version of `type`: the fastest check, as it stops at the
   * first problem and builds no error. `safeParseEvent` says what is wrong.
   */
  isValidEvent<T extends TypeOf<M>, V extends VersionOf<M, T>>(type: T, version: V, data: unknown): data is M[T][V];
  /** Like `parseEventVersion` but returns zod's result object instead of throwing; an unknown type or version is a failed result. */
  safeParseEvent(type: string, version: number, data: unknown): z.ZodSafeParseResult<unknown>;
}

/**
 * Binds the look-up and parse functions to a catalogue: `M` maps event type → version → payload
 * type, `registry` holds the definitions, `latest` the latest version of each type. The functions
 * close over their arguments (no `this`), so they can be destructured and exported one by one.
 */
export function defineRegistry<M extends object, L extends { readonly [T in keyof M]: number }>(registry: CatalogRegistry<M>, latest: L): RegistryFunctions<M, L> {
  const byType = registry as unknown as Readonly<Record<string, Readonly<Record<number, CatalogDefinition<TypeOf<M>>>> | undefined>>;
  const latestOf = latest as unknown as Readonly<Record<string, number | undefined>>;

  const getEventDefinition = (type: string, version?: number): CatalogDefinition<TypeOf<M>> | undefined => {
    if (!Object.prototype.hasOwnProperty.call(byType, type)) return undefined;
    const versions = byType[type];
    const wanted = version ?? latestOf[type];
    return versions === undefined || wanted === undefined || !Object.prototype.hasOwnProperty.call(versions, wanted) ? undefined : versions[wanted];
  };

  const definitionOf = (type: string, version: number): CatalogDefinition<TypeOf<M>> => {
    const definition = getEventDefinition(type, version);
    if (!definition) throw new RangeError(`${type} has no version ${version}`);
    return definition;
  };

  const parse = (definition: CatalogDefinition<TypeOf<M>>, data: unknown): unknown => {
    const result = safeParserFor(definition.schema)(data);
    if (!result.success) throw eventValidationError(definition.type, definition.version, result.error);
    return result.data;
  };

  return {
    getEventDefinition,
    parseEvent: <T extends TypeOf<M>>(type: T, data: unknown) => {
      const definition = getEventDefinition(type);
      if (!definition) throw new RangeError(`unknown event type: ${type}`);
      return parse(definition, data) as LatestOf<M, L, T>;
    },
    parseEventVersion: <T extends TypeOf<M>, V extends VersionOf<M, T>>(type: T, version: V, data: unknown) => parse(definitionOf(type, version), data) as M[T][V],
    isValidEvent: <T extends TypeOf<M>, V extends VersionOf<M, T>>(type: T, version: V, data: unknown): data is M[T][V] => {
      const definition = getEventDefinition(type, version);
      return definition !== undefined && z.validate(validatorFor(definition.schema), data);
    },
    safeParseEvent: (type: string, version: number, data: unknown) => {
      const definition = getEventDefinition(type, version);
      if (!definition) return z.never({ error: `unknown event type or version: ${type} v${version}` }).safeParse(data);
      return safeParserFor(definition.schema)(data);
    },
  };
}
