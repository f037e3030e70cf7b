/**
 * The @asyncapi/parser the loader validates documents with, configured for what eventsmith does
 * with its results. Every error-level rule runs exactly as in a default `new Parser()`; two things
 * differ, both invisible in what the loader reports:
 *
 * - The two rules that validate a document against the AsyncAPI JSON Schema (resolved and
 *   unresolved) share one compiled validator across documents. Spectral keys its ajv instances by
 *   document, so a default parser compiles the whole specification schema again for every document
 *   it parses (about 0.35 s each, more than half of a warm parse of a 100-event document). The
 *   schema is the same for every document of a version; only the compile is shared, the validation
 *   and its messages are the rule's own.
 * - Rules whose findings are only warnings or hints about style (the `recommended` rule sets, and
 *   "not the latest AsyncAPI version") are not run: the loader acts on errors only.
 *
 * A parser keeps the fragments it resolved through `$ref` for its whole life, so one is made per
 * catalogue load: a long-lived process (`generate --watch`) would otherwise validate a document
 * against a fragment as it was when first read.
 */
import { createRequire } from 'node:module';
import { Parser } from '@asyncapi/parser';

/** Not exported by name from the package index; the constructor's parameter is the same type. */
type ParserOptions = NonNullable<ConstructorParameters<typeof Parser>[0]>;

/** A Spectral rule function, as @asyncapi/parser's rule sets declare theirs. */
type RuleFunction = (input: unknown, options: { resolved: boolean }, context: { documentInventory: object }) => unknown;

/** The rules that validate a document against the AsyncAPI JSON Schema, resolved and unresolved. */
const SCHEMA_RULES = ['asyncapi-document-resolved', 'asyncapi-document-unresolved'] as const;

/** The parts of @asyncapi/parser's core rule set that are replaced here. */
interface CoreRuleset {
  rules: Record<(typeof SCHEMA_RULES)[number], Record<string, unknown> & { then: { function: RuleFunction } }>;
}

/** Rules of the default rule set that only ever report below error severity. */
const INFORMATIONAL_RULES = ['asyncapi-latest-version'] as const;

/**
 * Stands in for Spectral's per-document inventory as the key of the ajv instances of the schema
 * rules, so their compiled validators outlive one document. Only that lookup sees it.
 */
const SHARED_SCHEMA_CACHE_KEY: object = {};

interface Configuration {
  options: ParserOptions;
  /** False only when @asyncapi/parser's internals changed shape: then each document compiles again. */
  sharedCompile: boolean;
}

let configuration: Configuration | undefined;

/** A new parser for one catalogue load (see above for why not one per process). */
export function createParser(): Parser {
  configuration ??= configure();
  return new Parser(configuration.options);
}

/** Whether parsers made here share the specification schema's compile across documents. */
export function sharesSchemaCompiles(): boolean {
  configuration ??= configure();
  return configuration.sharedCompile;
}

function configure(): Configuration {
  const core = loadCoreRuleset();
  const rules: Record<string, unknown> = Object.fromEntries(INFORMATIONAL_RULES.map((name) => [name, 'off']));
  if (core) {
    for (const name of SCHEMA_RULES) {
      const rule = core.rules[name];
      const validate = rule.then.function;
      const shared: RuleFunction = (input, ruleOptions, context) => validate(input, ruleOptions, { ...context, documentInventory: SHARED_SCHEMA_CACHE_KEY });
      rules[name] = { ...rule, then: { ...rule.then, function: shared } };
    }
  }
  // The cast: @asyncapi/parser types `rules` with Spectral's rule definition type, which this
  // module does not import (Spectral is not a direct dependency); the values are its own rules.
  return { options: { ruleset: { recommended: false, rules } as ParserOptions['ruleset'] }, sharedCompile: core !== undefined };
}

/**
 * @asyncapi/parser's core rule set, read from its CommonJS build (the package has no exports map,
 * and does not export it from its index). Undefined when its shape is not the expected one: then
 * the default rules run, slower but the same.
 */
function loadCoreRuleset(): CoreRuleset | undefined {
  try {
    const required: unknown = createRequire(import.meta.url)('@asyncapi/parser/cjs/ruleset/ruleset.js');
    const core = (required as { coreRuleset?: unknown }).coreRuleset;
    return isCoreRuleset(core) ? core : undefined;
  } catch {
    return undefined;
  }
}

function isCoreRuleset(value: unknown): value is CoreRuleset {
  if (typeof value !== 'object' || value === null) return false;
  const rules = (value as { rules?: unknown }).rules;
  if (typeof rules !== 'object' || rules === null) return false;
  return SCHEMA_RULES.every((name) => {
    const rule = (rules as Record<string, unknown>)[name];
    const then = typeof rule === 'object' && rule !== null ? (rule as { then?: unknown }).then : undefined;
    return typeof then === 'object' && then !== null && typeof (then as { function?: unknown }).function === 'function';
  });
}
