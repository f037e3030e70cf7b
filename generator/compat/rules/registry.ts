/** Every rule the checker can report, by id. Rule ids are stable: configs and CI logs name them. */
import { ARRAY_RULES } from './arrays.js';
import { AVRO_RULES } from './avro.js';
import { CATALOG_RULES } from './catalog.js';
import type { RuleDefinition } from './definition.js';
import { GENERAL_RULES } from './general.js';
import { PROPERTY_RULES, OBJECT_RULES } from './objects.js';
import { ENUM_RULES, NUMBER_RULES, STRING_RULES } from './scalars.js';

export type { RuleArea, RuleDefinition } from './definition.js';

export const ALL_RULES: readonly RuleDefinition[] = [
  ...GENERAL_RULES,
  ...STRING_RULES,
  ...NUMBER_RULES,
  ...ENUM_RULES,
  ...PROPERTY_RULES,
  ...OBJECT_RULES,
  ...ARRAY_RULES,
  ...AVRO_RULES,
  ...CATALOG_RULES,
];

const BY_ID = new Map(ALL_RULES.map((r) => [r.id, r]));

export function isRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** The rule with this id; throws on an unknown id, which is a bug in the checker. */
export function ruleById(id: string): RuleDefinition {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`unknown compatibility rule '${id}'`);
  return found;
}

/** Known ids closest to `id` by edit distance, for "did you mean" hints in config errors. */
export function similarRuleIds(id: string, limit = 3): string[] {
  const wanted = id.toUpperCase();
  return ALL_RULES.map((r) => ({ id: r.id, distance: editDistance(wanted, r.id) }))
    .filter((r) => r.distance <= Math.max(3, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((r) => r.id);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length]!;
}
