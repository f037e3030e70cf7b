/** Every rule the checker can report, by id. Rule ids are stable: configs and CI logs name them. */
import { closestWords } from '../../model/similar.js';
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
  return closestWords(wanted, ALL_RULES.map((r) => r.id), Math.max(3, Math.floor(wanted.length / 3)), limit);
}
