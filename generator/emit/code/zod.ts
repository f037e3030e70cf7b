/**
 * JSON Schema (draft-07, as AsyncAPI uses it, and the 2019-09 / 2020-12 keywords) → zod 4 expression code.
 *
 * ajv (with ajv-formats, full mode) is the reference: the tests run every sample through both.
 * Per-concern code: zod-string.ts (and formats), zod-number.ts, zod-object.ts, zod-array.ts,
 * zod-values.ts (enum/const), zod-intersect.ts (allOf), zod-common.ts (layout).
 *
 * Supported: type (incl. type arrays), enum, const, nullable (OpenAPI), $ref to `#/$defs/<name>`
 * (lazily for names in `ctx.lazyRefs`; siblings are applied, as ajv 8 does), allOf
 * (z.intersection, with `additionalProperties: false` of each member kept — see zod-intersect.ts),
 * anyOf (z.union), oneOf (z.xor: exactly one), not, if/then/else, every string, number, array and
 * object assertion of draft-07, and ajv-formats' formats. From 2019-09 / 2020-12: prefixItems (with
 * `items` as the rest), minContains / maxContains, dependentRequired, dependentSchemas, and
 * unevaluatedProperties / unevaluatedItems (zod-unevaluated.ts).
 *
 * Not applied (annotations): title, description (emitted as JSDoc on properties), default (a
 * validator must not rewrite payloads), examples, $comment, readOnly, writeOnly, deprecated,
 * discriminator, x-*.
 *
 * Reported in `unsupported` (the output may accept more than ajv): keywords it does not know
 * (e.g. $dynamicRef), the formats `regex` and `byte` and unknown formats, a `__proto__`
 * property (zod skips it), and a `$ref` inside allOf when `ctx.definitions` is missing. Invalid
 * schemas (a malformed keyword value, a pattern that is not a unicode RegExp, a `$ref` not of the
 * form `#/$defs/<name>`) throw an Error naming the JSON pointer.
 *
 * Deliberate differences from ajv: a schema without `type` whose keywords belong to one type (say
 * `properties`) is built as that type, so it rejects other JSON types that ajv would let through;
 * `.int()` requires a safe integer; `multipleOf` tolerates binary rounding; leap seconds only as
 * `23:59:60` at offset zero. Shared with ajv: an absent property named like an Object.prototype
 * member (`constructor`) is read from the prototype.
 *
 * Refinement checks (not, if, contains, patternProperties, …) embed their sub-schema in the
 * callback, rebuilding it per call: correct but slower; such keywords are rare in event payloads.
 * Emitted code is plain JavaScript-compatible TypeScript (no annotations) and needs ES2022 lib
 * (`Object.hasOwn`).
 */
import type { JsonSchema, JsonSchemaObject, JsonValue } from '../../model/catalog.js';
import { arrayExpr } from './zod-array.js';
import {
  INDENT,
  isSchemaObject,
  listCall,
  pointer,
  refine,
  schemaKeyword,
  schemaListKeyword,
  type Built,
  type SchemaEmitter,
} from './zod-common.js';
import { intersect, type Part } from './zod-intersect.js';
import { KNOWN_KEYWORDS, inferTypes, isType, jsonType, matchesType, refTarget, type TypeName } from './zod-keywords.js';
import { numberExpr } from './zod-number.js';
import { objectExpr } from './zod-object.js';
import { stringExpr } from './zod-string.js';
import { foldUnevaluated, unevaluatedChecks } from './zod-unevaluated.js';
import { canonical, valuesExpr } from './zod-values.js';

export interface ZodContext {
  /** Returns the TS expression naming the zod schema for a `#/$defs/<name>` reference (e.g. `MoneySchema`). */
  refName(defName: string): string;
  /** Def names that must be referenced lazily (they are in a reference cycle with the schema being built, or not yet declared). */
  lazyRefs: ReadonlySet<string>;
  /** Current indentation for multi-line output. */
  indent?: string;
  /**
   * The catalogue's definitions (`Catalog.definitions`). Optional, but without them a `$ref` to a
   * closed object inside allOf cannot have its `additionalProperties: false` enforced (reported).
   */
  definitions?: Readonly<Record<string, JsonSchema>>;
}

export interface ZodBuild {
  /** A zod expression using the `z` import; continuation lines start with `ctx.indent`. */
  code: string;
  /** `<JSON pointer>: <what is not enforced>`, sorted by pointer, without duplicates. */
  unsupported: string[];
}

/** State shared with the throwaway builders that look into definitions. */
interface Shared {
  closedRefs: Map<string, readonly string[] | undefined>;
  resolving: Set<string>;
}

class Builder implements SchemaEmitter {
  readonly #warnings = new Map<string, { path: string; message: string }>();
  private insideGetter = false;

  constructor(
    private readonly ctx: ZodContext,
    private readonly shared: Shared = { closedRefs: new Map(), resolving: new Set() },
  ) {}

  /** Sorted by path (so a schema's own entries come before its children's), then message. */
  get unsupported(): string[] {
    return [...this.#warnings.values()]
      .sort((a, b) => compare(a.path, b.path) || compare(a.message, b.message))
      .map(({ path, message }) => `${path}: ${message}`);
  }

  warn(path: string, message: string): void {
    this.#warnings.set(`${path}\n${message}`, { path, message });
  }

  expr(schema: JsonSchema, path: string, indent: string): string {
    return this.build(schema, path, indent).code;
  }

  build(given: JsonSchema, path: string, indent: string): Built {
    if (given === true) return { code: 'z.unknown()' };
    if (given === false) return { code: 'z.never()' };
    this.audit(given, path);
    const schema = foldUnevaluated(given);
    const parts: Part[] = [];
    if (schema.$ref !== undefined) {
      const name = refTarget(schema.$ref, path);
      parts.push(() => this.ref(name, path));
    }
    if (hasCore(schema)) parts.push((at) => this.core(schema, path, at));
    schemaListKeyword(schema, 'allOf', path)?.forEach((sub, index) => {
      parts.push((at) => this.build(sub, pointer(path, 'allOf', index), at));
    });
    for (const [keyword, callee] of [['anyOf', 'z.union'], ['oneOf', 'z.xor']] as const) {
      const options = schemaListKeyword(schema, keyword, path);
      const [first] = options ?? [];
      if (options === undefined || first === undefined) continue;
      if (options.length === 1) {
        parts.push((at) => this.build(first, pointer(path, keyword, 0), at));
        continue;
      }
      parts.push((at) => {
        const codes = options.map((sub, index) => this.expr(sub, pointer(path, keyword, index), at + INDENT));
        return { code: listCall(callee, codes, at) };
      });
    }
    const { code: base, closed } = intersect(parts, indent);
    let code = base;
    const not = schemaKeyword(schema, 'not', path);
    if (not !== undefined) {
      const sub = this.expr(not, pointer(path, 'not'), indent + INDENT);
      code = refine(code, `(value) => !${sub}.safeParse(value).success`, 'Must not match the "not" schema', indent);
    }
    code = this.conditional(schema, code, path, indent);
    code = unevaluatedChecks({ emitter: this, definitions: this.ctx.definitions }, schema, code, path, indent);
    // OpenAPI `nullable` next to `type` is handled with the type; without one it wraps everything.
    if (schema.nullable === true && schema.type === undefined && code !== 'z.unknown()') code += '.nullable()';
    // Refinements and .nullable() keep a strict root strict, so `closed` still holds.
    return closed === undefined ? { code } : { code, closed };
  }

  private audit(schema: JsonSchemaObject, path: string): void {
    for (const keyword of Object.keys(schema)) {
      if (KNOWN_KEYWORDS.has(keyword) || keyword.startsWith('x-')) continue;
      this.warn(path, `keyword "${keyword}" is not supported (ignored)`);
    }
  }

  property(schema: JsonSchema, path: string, indent: string): { code: string; getter: boolean } {
    if (this.insideGetter || !reachesAny(schema, this.ctx.lazyRefs)) return { code: this.expr(schema, path, indent), getter: false };
    this.insideGetter = true;
    try {
      return { code: this.expr(schema, path, indent + INDENT), getter: true };
    } finally {
      this.insideGetter = false;
    }
  }

  private ref(name: string, path: string): Built {
    const code = this.ctx.refName(name);
    return {
      // Inside a getter the reference is read when zod first needs it, after every module constant exists.
      code: this.ctx.lazyRefs.has(name) && !this.insideGetter ? `z.lazy(() => ${code})` : code,
      closed: () => this.closedRef(name, path),
    };
  }

  /** Whether definition `name` is, at its root, a strict object, by building it on the side. */
  private closedRef(name: string, path: string): readonly string[] | undefined {
    const definition = this.ctx.definitions?.[name];
    if (definition === undefined) {
      const reason = 'definition not in ZodContext.definitions';
      this.warn(path, `additionalProperties: false of "${name}" is not enforced next to other allOf members (${reason})`);
      return undefined;
    }
    const { closedRefs, resolving } = this.shared;
    if (closedRefs.has(name)) return closedRefs.get(name);
    if (resolving.has(name)) return undefined; // A definition that is only a reference to itself.
    resolving.add(name);
    const closed = new Builder(this.ctx, this.shared).build(definition, '#', '').closed?.();
    resolving.delete(name);
    closedRefs.set(name, closed);
    return closed;
  }

  private conditional(schema: JsonSchemaObject, base: string, path: string, indent: string): string {
    const condition = schemaKeyword(schema, 'if', path);
    const then = schemaKeyword(schema, 'then', path);
    const otherwise = schemaKeyword(schema, 'else', path);
    if (condition === undefined || (then === undefined && otherwise === undefined)) return base;
    const inner = indent + INDENT;
    const branch = (sub: JsonSchema | undefined, keyword: string): string =>
      sub === undefined ? 'true' : `${this.expr(sub, pointer(path, keyword), inner)}.safeParse(value).success`;
    const test = `${this.expr(condition, pointer(path, 'if'), inner)}.safeParse(value).success`;
    const check = `(value) => (${test} ? ${branch(then, 'then')} : ${branch(otherwise, 'else')})`;
    return refine(base, check, 'Must match "then" when "if" matches, else "else"', indent);
  }

  /** The type-and-value part of a schema: its type branches, or its enum/const values. */
  private core(schema: JsonSchemaObject, path: string, indent: string): Built {
    const explicit = explicitTypes(schema, path);
    const allowed = allowedValues(schema, path);
    if (allowed === undefined) return this.typed(schema, explicit ?? inferTypes(schema), path, indent);
    const values =
      explicit === undefined ? allowed : allowed.filter((value) => explicit.some((type) => matchesType(value, type)));
    if (values.length === 0) return { code: 'z.never()' };
    // Other keywords still apply to the values of their type: intersect with the typed branches,
    // unless those add nothing to the type itself (the common `type` + `enum`).
    const types = explicit ?? [...new Set(values.map(jsonType))];
    const inner = indent + INDENT;
    const typed = this.typed(schema, types, path, inner);
    if (typed.code === this.typed({}, types, path, inner).code) return valuesBuilt(values, indent);
    // Both parts of a two-part intersection render at `inner`.
    return intersect([() => valuesBuilt(values, inner), () => typed], indent);
  }

  private typed(schema: JsonSchemaObject, types: readonly TypeName[], path: string, indent: string): Built {
    const nullable = types.includes('null') ? '.nullable()' : '';
    // `integer` is a subset of `number`.
    const branches = types.filter((type) => type !== 'null' && !(type === 'integer' && types.includes('number')));
    const [only] = branches;
    if (only === undefined) return { code: 'z.null()' };
    if (branches.length === 1) {
      const built = this.branch(schema, only, path, indent);
      return { ...built, code: built.code + nullable };
    }
    const codes = branches.map((type) => this.branch(schema, type, path, indent + INDENT).code);
    return { code: listCall('z.union', codes, indent) + nullable };
  }

  private branch(schema: JsonSchemaObject, type: TypeName, path: string, indent: string): Built {
    switch (type) {
      case 'string':
        return { code: stringExpr(schema, path, this) };
      case 'number':
      case 'integer':
        return { code: numberExpr(schema, type === 'integer', path) };
      case 'boolean':
        return { code: 'z.boolean()' };
      case 'null':
        return { code: 'z.null()' };
      case 'object':
        return objectExpr(schema, path, indent, this);
      case 'array':
        return { code: arrayExpr(schema, path, indent, this) };
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hasCore(schema: JsonSchemaObject): boolean {
  return schema.type !== undefined || schema.enum !== undefined || schema.const !== undefined || inferTypes(schema).length > 0;
}

/** `type` as a list, with `null` added for OpenAPI's `nullable: true`. */
function explicitTypes(schema: JsonSchemaObject, path: string): TypeName[] | undefined {
  const type = schema.type;
  if (type === undefined) return undefined;
  const list = Array.isArray(type) ? type : [type];
  if (!list.every(isType)) {
    throw new Error(`Invalid schema at ${path}: "type" must name JSON Schema types, got ${JSON.stringify(type)}`);
  }
  return schema.nullable === true && !list.includes('null') ? [...list, 'null'] : [...list];
}

/** enum ∩ const, or undefined when neither is present. */
function allowedValues(schema: JsonSchemaObject, path: string): JsonValue[] | undefined {
  const { enum: values, const: constant } = schema;
  if (values !== undefined && !Array.isArray(values)) throw new Error(`Invalid schema at ${path}: "enum" must be an array`);
  if (constant === undefined) return values;
  const key = canonical(constant);
  return values === undefined ? [constant] : values.filter((value) => canonical(value) === key);
}

/** A single object value is emitted as a strict object: closed to its own keys. */
function valuesBuilt(values: readonly JsonValue[], indent: string): Built {
  const code = valuesExpr(values, indent);
  const [first] = values;
  const single = new Set(values.map(canonical)).size === 1;
  if (!single || !isSchemaObject(first)) return { code };
  const keys = Object.keys(first);
  return { code, closed: () => keys };
}

/** Builds the zod expression for `schema`, with what it could not enforce. */
export function buildZod(schema: JsonSchema, ctx: ZodContext): ZodBuild {
  const builder = new Builder(ctx);
  const code = builder.expr(schema, '#', ctx.indent ?? '');
  return { code, unsupported: builder.unsupported };
}

/** Convenience for callers that do not report warnings: the code of {@link buildZod}. */
export function zodExpression(schema: JsonSchema, ctx: ZodContext): string {
  return buildZod(schema, ctx).code;
}

/** Whether `schema` names one of `refs` through a `$ref` of its own (not through other definitions). */
function reachesAny(schema: JsonValue, refs: ReadonlySet<string>): boolean {
  if (refs.size === 0 || typeof schema !== 'object' || schema === null) return false;
  if (Array.isArray(schema)) return schema.some((item) => reachesAny(item, refs));
  return Object.entries(schema).some(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? refs.has(value.replace(/^#\/\$defs\//, '')) : reachesAny(value, refs),
  );
}
