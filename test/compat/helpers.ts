/** Builders for compatibility tests: catalogue sides from bare schemas, and verdicts in a compact form. */
import { checkCompatibility } from '../../generator/compat/check.js';
import type { Side } from '../../generator/compat/inputs/side.js';
import type { Mode, Policy } from '../../generator/compat/types.js';
import { MODES } from '../../generator/compat/types.js';
import type { CatalogEvent, JsonSchema } from '../../generator/model/catalog.js';

/** Directions that break: B = backward (HEAD reads BASE), F = forward (BASE reads HEAD). */
export type Verdict = '' | 'B' | 'F' | 'BF';

export interface SchemaCase {
  name: string;
  base: JsonSchema;
  head: JsonSchema;
  baseDefinitions?: Record<string, JsonSchema>;
  headDefinitions?: Record<string, JsonSchema>;
  /** Compare as headers instead of payload. */
  part?: 'payload' | 'headers';
  /** Rule ids reported under strict (sorted, unique). */
  rules: string[];
  /** Under lenient, when they differ. */
  lenientRules?: string[];
  strict: Verdict;
  /** Defaults to the strict verdict. */
  lenient?: Verdict;
}

export const TODAY = '2026-01-15';

export function event(overrides: Partial<CatalogEvent> = {}): CatalogEvent {
  const type = overrides.type ?? 'test.thing_happened';
  return {
    type,
    domain: type.split('.')[0]!,
    name: type.split('.').slice(1).join('.'),
    version: 1,
    kind: 'business',
    urgency: 'low',
    description: '',
    producers: [],
    consumers: [],
    tenantScoped: false,
    deprecated: false,
    channel: { id: 'channel', address: `business.${type}` },
    destination: `business.${type}`,
    payload: true,
    examples: [],
    replies: [],
    messageId: 'Message',
    source: { file: 'test.yaml', line: 10, column: 7 },
    payloadSource: { file: 'test.yaml', line: 20, column: 7 },
    ...overrides,
  };
}

export function side(label: string, events: CatalogEvent[], definitions: Record<string, JsonSchema> = {}): Side {
  return { label, catalog: { events, definitions, documents: [] }, display: (rel) => `catalog/${rel}` };
}

export function schemaSides(c: Pick<SchemaCase, 'base' | 'head' | 'baseDefinitions' | 'headDefinitions' | 'part'>): { base: Side; head: Side } {
  const make = (schema: JsonSchema): CatalogEvent => (c.part === 'headers' ? event({ headers: schema }) : event({ payload: schema }));
  return { base: side('BASE', [make(c.base)], c.baseDefinitions), head: side('HEAD', [make(c.head)], c.headDefinitions) };
}

/** Is the pair compatible under `mode` / `policy`, per a verdict? */
export function expectedCompatible(verdict: Verdict, mode: Mode): boolean {
  if (mode === 'none') return true;
  if (mode.startsWith('backward')) return !verdict.includes('B');
  if (mode.startsWith('forward')) return !verdict.includes('F');
  return verdict === '';
}

/** The verdict the checker gives, read back from the full mode's breaking directions. */
export function actualVerdict(base: Side, head: Side, policy: Policy): { verdict: Verdict; rules: string[]; byMode: Record<Mode, boolean> } {
  const full = checkCompatibility([base], head, { mode: 'full', policy, today: TODAY });
  const breaks = new Set(full.changes.flatMap((c) => c.breaks));
  const verdict = `${breaks.has('backward') ? 'B' : ''}${breaks.has('forward') ? 'F' : ''}` as Verdict;
  const byMode = Object.fromEntries(MODES.map((mode) => [mode, checkCompatibility([base], head, { mode, policy, today: TODAY }).compatible])) as Record<Mode, boolean>;
  return { verdict, rules: [...new Set(full.changes.map((c) => c.rule))].sort(), byMode };
}

// Small schema builders keep the tables readable.
export const str = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'string', ...extra }) as JsonSchema;
export const num = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'number', ...extra }) as JsonSchema;
export const int = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'integer', ...extra }) as JsonSchema;
export const arr = (extra: Record<string, unknown> = {}): JsonSchema => ({ type: 'array', ...extra }) as JsonSchema;
export function obj(properties: Record<string, JsonSchema>, extra: Record<string, unknown> = {}): JsonSchema {
  return { type: 'object', properties, ...extra } as JsonSchema;
}
