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
    return runtime(payload, ctx);
  };
  // zod's convention: a compile of (or through) this node unwraps to its runtime, not this wrapper.
  run.__originalRun = runtime;
  node._zod.run = run;
}
