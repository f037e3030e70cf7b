/**
 * Every issue of an invalid payload, sooner. zod's compiled validator answers "valid?" fast but
 * stops at the first problem; for the list of problems zod runs its runtime parser over the whole
 * payload, valid parts included, and on a 40-line order with one bad line that is nearly all of
 * the work. Here the runtime parser walks a copy of the schema in which every object, union and
 * checked string first asks its own compiled validator: a valid subtree answers at compiled speed and
 * only the subtrees that hold a problem are walked. The issues are the runtime parser's own, in
 * its order (the compiled validator and the runtime agree on what is valid; where the compiled one
 * is unsure it falls back to the runtime), so the list is the one `schema.safeParse` gives.
 *
 * Meant for generated schemas: they never transform or default, so a subtree that passed keeps its
 * input as its value, and their refinements are pure, so running one twice (a subtree's check,
 * then its walk) changes nothing.
 */
import { z } from 'zod';

type Node = z.core.$ZodType & { clone(def: z.core.$ZodTypeDef): z.core.$ZodType };
type Run = z.core.$ZodType['_zod']['run'];

/**
 * Nodes checked before they are walked. Not arrays, records, maps and sets: walking one only walks
 * its elements, each checked on its own, so checking the whole collection first would be one more
 * pass over it.
 */
const CHECKED_FIRST = new Set(['object', 'union', 'tuple', 'intersection']);
/** Wrappers with one inner schema: descended into, not checked on their own. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch', 'success']);

/**
 * A copy of `schema` for issue collection: same checks, same messages, every container wrapped in
 * its compiled check. Unknown node kinds are kept as they are (walked by the runtime, as before).
 */
export function withCompiledSubtrees<S extends z.ZodType>(schema: S): S {
  // The root is not wrapped: whoever parses with the copy compiles it and checks it first anyway.
  return copy(schema as unknown as z.core.$ZodType, new Map(), false) as unknown as S;
}

function copy(node: z.core.$ZodType, seen: Map<z.core.$ZodType, z.core.$ZodType>, wrap = true): z.core.$ZodType {
  const done = seen.get(node);
  if (done !== undefined) return done;
  // A cycle (z.lazy, getters) is left to the runtime: compiled checks refuse those anyway.
  seen.set(node, node);
  const def = node._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  const type = def.type;
  const child = (value: unknown) => (isSchema(value) ? copy(value, seen) : value);
  let replaced: Record<string, unknown> | undefined;
  if (type === 'object') {
    const shape = def.shape as Record<string, z.core.$ZodType>;
    replaced = { shape: Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, child(value)])), catchall: child(def.catchall) };
  } else if (type === 'array' || type === 'set') {
    replaced = type === 'array' ? { element: child(def.element) } : { valueType: child(def.valueType) };
  } else if (type === 'record' || type === 'map') {
    replaced = { keyType: child(def.keyType), valueType: child(def.valueType) };
  } else if (type === 'union') {
    replaced = { options: (def.options as unknown[]).map(child) };
  } else if (type === 'tuple') {
    replaced = { items: (def.items as unknown[]).map(child), rest: child(def.rest) };
  } else if (type === 'intersection') {
    replaced = { left: child(def.left), right: child(def.right) };
  } else if (WRAPPERS.has(type)) {
    replaced = { innerType: child(def.innerType) };
  } else if (type === 'string' && Array.isArray(def.checks) && def.checks.some(isRegexCheck)) {
    replaced = { checks: def.checks.map((check: z.core.$ZodCheck) => (isRegexCheck(check) ? withPatternText(check) : check)) };
  }
  // A string with checks (formats, patterns, lengths): its compiled check skips the runtime's
  // per-check bookkeeping, which on a flat object of strings is most of the walk.
  const checkedString = type === 'string' && Array.isArray(def.checks) && def.checks.length > 0;
  if ((replaced === undefined && !(wrap && checkedString)) || typeof (node as Partial<Node>).clone !== 'function') return node;
  const fresh = (node as Node).clone({ ...def, ...replaced } as z.core.$ZodTypeDef);
  if (wrap && (CHECKED_FIRST.has(type) || checkedString)) checkFirst(fresh);
  seen.set(node, fresh);
  return fresh;
}

/** `.regex(…)`: zod's $ZodCheckRegex, whose check is the one {@link withPatternText} repeats. */
function isRegexCheck(check: z.core.$ZodCheck): boolean {
  const internals = check._zod as z.core.$ZodCheckInternals<never> & { traits?: Set<string> };
  return internals.traits?.has('$ZodCheckRegex') === true && internals.def.check === 'string_format' && (internals.def as { pattern?: unknown }).pattern instanceof RegExp;
}

/**
 * The same regex check, with its pattern's text computed once. zod's check spells the pattern into
 * every issue with `pattern.toString()`, which costs more than the rest of a failed check (profile
 * of the bench's small invalid payload: 18% of safeParseEvent in that check). The issue is zod's
 * own, key for key and in the same order (`inst` is the original check, so messages and custom
 * errors resolve as before); the property test compares the lists with zod's own parse. The copy
 * inherits everything else (def, onattach, traits) from the original.
 */
function withPatternText(check: z.core.$ZodCheck): z.core.$ZodCheck {
  const internals = check._zod;
  const def = internals.def as z.core.$ZodCheckRegexDef;
  const pattern = def.pattern;
  const text = pattern.toString();
  const own = Object.create(internals) as typeof internals;
  own.check = (payload) => {
    pattern.lastIndex = 0;
    if (pattern.test(payload.value as string)) return;
    payload.issues.push({ origin: 'string', code: 'invalid_format', format: 'regex', input: payload.value as string, pattern: text, inst: check, continue: !def.abort });
  };
  const copy = Object.create(check) as z.core.$ZodCheck;
  Object.defineProperty(copy, '_zod', { value: own, enumerable: false });
  return copy;
}

function isSchema(value: unknown): value is z.core.$ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * The node's runtime runs only when its compiled check fails (or cannot be used for this parse).
 * The check is compiled the first time an invalid payload reaches the node: valid payloads never
 * get here, so they pay nothing for it.
 */
function checkFirst(node: z.core.$ZodType): void {
  const runtime: Run = node._zod.run;
  // A node without checks runs its parse, and zod swaps that parse later (the memoizer's wrapper
  // takes itself out on the first call once it knows the schema holds no cycle): calling the parse
  // of the moment, as zod's own run would, skips the stale wrapper's look-up on every call.
  const viaParse = runtime === node._zod.parse;
  /** undefined: not compiled yet; null: the node cannot be compiled (walked by the runtime alone). */
  let check: z.core.$ZodType | null | undefined;
  const run: Run & { __originalRun?: Run } = (payload, ctx) => {
    if (check === undefined) {
      try {
        check = z.compile(node, { strict: true });
      } catch {
        check = null;
      }
    }
    if (check !== null && ctx.async !== true && ctx.direction !== 'backward' && ctx.skipChecks !== true && z.validate(check, payload.value)) return payload;
    return viaParse ? node._zod.parse(payload, ctx) : runtime(payload, ctx);
  };
  // zod's convention: a compile of (or through) this node unwraps to its runtime, not this wrapper.
  run.__originalRun = runtime;
  node._zod.run = run;
}

type Result = z.ZodSafeParseResult<unknown>;
type Context = z.core.ParseContextInternal<z.core.$ZodIssue>;

/**
 * `compiled.safeParse` (for a schema from `z.compile`), the same result without zod's cost of a
 * failed result. zod returns `{ success: false, get error() {…}, set error(e) {…} }`: an object
 * literal with accessors, which V8 keeps in dictionary mode, each one with two fresh closures; on a
 * small invalid payload building it and collecting it cost more than finding the issue. Here the
 * accessors are shared functions and the issues wait in private fields, so the result is an
 * ordinary fast object. What a user sees is unchanged: own enumerable `success` and `error` (an
 * accessor, named `error`, settable), the ZodError built on the first read of `error` from the
 * same raw issues with zod's own `finalizeIssue`, then the issues dropped so the result does not
 * pin the payload.
 */
export function compiledSafeParse(compiled: z.ZodType, from: 'start' | 'runtime' = 'start'): (data: unknown) => Result {
  // 'runtime': the caller's compiled check (z.validate) has already said no, and then zod's
  // safeParse would run the compiled parser only to see it fail again before the runtime; the
  // runtime (with its compiled subtrees) is what it would fall back to.
  const fallback = from === 'runtime' ? (compiled._zod.bag as { fallbackRun?: Run }).fallbackRun : undefined;
  const run = fallback ?? compiled._zod.run;
  return (data) => {
    // What zod's safeParse does without params: a sync context, the schema's run (the compiled fast
    // path, falling back to the runtime), then a result.
    const ctx: Context = { async: false };
    const result = run({ value: data, issues: [] }, ctx);
    if (result instanceof Promise) throw new z.core.$ZodAsyncError();
    return result.issues.length === 0 ? { success: true, data: result.value } : failure(result.issues, ctx);
  };
}

/** Lets a subclass add private fields to an object it did not create (a base constructor's return value becomes `this`). */
class Target {
  constructor(target: object) {
    return target;
  }
}

/** The hidden state of a failed result: private fields, so no key, symbol or prototype shows it. */
class Failure extends Target {
  #issues: z.core.$ZodRawIssue[] | undefined;
  #ctx: Context | undefined;
  #error: z.ZodError | undefined;

  constructor(target: object, issues: z.core.$ZodRawIssue[], ctx: Context) {
    super(target);
    this.#issues = issues;
    this.#ctx = ctx;
    this.#error = undefined;
  }

  // zod's getter, step for step.
  static error(result: object): z.ZodError {
    const state = result as Failure;
    if (!state.#error) {
      const ctx = state.#ctx;
      const config = z.core.config();
      state.#error = new z.ZodRealError((state.#issues as z.core.$ZodRawIssue[]).map((issue) => z.core.util.finalizeIssue(issue, ctx, config)));
      state.#issues = undefined;
      state.#ctx = undefined;
    }
    return state.#error;
  }

  static replace(result: object, error: z.ZodError): void {
    const state = result as Failure;
    state.#error = error;
    state.#issues = undefined;
    state.#ctx = undefined;
  }
}

// Taken from an object literal so the functions carry the names zod's have (`get error`, `set error`).
const { get: getError, set: setError } = Object.getOwnPropertyDescriptor(
  {
    get error(): z.ZodError {
      return Failure.error(this);
    },
    set error(error: z.ZodError) {
      Failure.replace(this, error);
    },
  },
  'error',
) as PropertyDescriptor;
const ERROR: PropertyDescriptor = { get: getError, set: setError, enumerable: true, configurable: true };

function failure(issues: z.core.$ZodRawIssue[], ctx: Context): Result {
  const result = { success: false };
  new Failure(result, issues, ctx);
  Object.defineProperty(result, 'error', ERROR);
  return result as Result;
}
