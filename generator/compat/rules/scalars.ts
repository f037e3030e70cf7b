/** Rules for string, number and enum keywords. */
import { limitRules, narrowingHint, NEW_VERSION, rule, wideningHint, type RuleDefinition } from './definition.js';

export const STRING_RULES: RuleDefinition[] = [
  ...limitRules('string', 'MAX_LENGTH', 'maxLength', 'upper'),
  ...limitRules('string', 'MIN_LENGTH', 'minLength', 'lower'),
  rule('string', 'PATTERN', 'PATTERN_REMOVED', { id: 'PATTERN_ADDED', purpose: 'pattern added', hint: narrowingHint('A new pattern') }),
  rule('string', 'PATTERN', 'PATTERN_ADDED', { id: 'PATTERN_REMOVED', purpose: 'pattern removed', hint: wideningHint('Removing a pattern widens what producers may send') }),
  rule('string', 'PATTERN', 'PATTERN_CHANGED', {
    id: 'PATTERN_CHANGED',
    purpose: 'pattern changed',
    hint: `Whether one regular expression accepts everything another does cannot be decided in general, so a changed pattern counts as breaking both ways; ${NEW_VERSION}.`,
  }),
  rule('string', 'FORMAT', 'FORMAT_REMOVED', { id: 'FORMAT_ADDED', purpose: 'format added', hint: narrowingHint('A new format'), confluent: false }),
  rule('string', 'FORMAT', 'FORMAT_ADDED', { id: 'FORMAT_REMOVED', purpose: 'format removed', hint: wideningHint('Removing a format widens what producers may send'), confluent: false }),
  rule('string', 'FORMAT', 'FORMAT_CHANGED', { id: 'FORMAT_CHANGED', purpose: 'format changed', hint: narrowingHint('A different format'), confluent: false }),
];

export const NUMBER_RULES: RuleDefinition[] = [
  ...limitRules('number', 'MAXIMUM', 'maximum', 'upper'),
  ...limitRules('number', 'MINIMUM', 'minimum', 'lower'),
  ...limitRules('number', 'EXCLUSIVE_MAXIMUM', 'exclusiveMaximum', 'upper'),
  ...limitRules('number', 'EXCLUSIVE_MINIMUM', 'exclusiveMinimum', 'lower'),
  rule('number', 'MULTIPLE_OF', 'MULTIPLE_OF_REMOVED', { id: 'MULTIPLE_OF_ADDED', purpose: 'multipleOf added', hint: narrowingHint('A new multipleOf') }),
  rule('number', 'MULTIPLE_OF', 'MULTIPLE_OF_ADDED', { id: 'MULTIPLE_OF_REMOVED', purpose: 'multipleOf removed', hint: wideningHint('Removing multipleOf widens what producers may send') }),
  rule('number', 'MULTIPLE_OF', 'MULTIPLE_OF_REDUCED', {
    id: 'MULTIPLE_OF_EXPANDED',
    purpose: 'multipleOf became a multiple of its old value (fewer numbers allowed)',
    hint: narrowingHint('A coarser multipleOf'),
  }),
  rule('number', 'MULTIPLE_OF', 'MULTIPLE_OF_EXPANDED', {
    id: 'MULTIPLE_OF_REDUCED',
    purpose: 'multipleOf became a divisor of its old value (more numbers allowed)',
    hint: wideningHint('A finer multipleOf widens what producers may send'),
  }),
  rule('number', 'MULTIPLE_OF', 'MULTIPLE_OF_CHANGED', { id: 'MULTIPLE_OF_CHANGED', purpose: 'multipleOf changed to a value that neither divides nor is a multiple of the old one', hint: narrowingHint('An unrelated multipleOf') }),
];

export const ENUM_RULES: RuleDefinition[] = [
  rule('enum', 'ENUM', 'ENUM_ARRAY_NARROWED', {
    id: 'ENUM_ARRAY_EXTENDED',
    purpose: 'allowed values extended (enum values added)',
    hint: wideningHint('New enum values reach consumers that do not know them; make those consumers tolerate unknown values'),
  }),
  rule('enum', 'ENUM', 'ENUM_ARRAY_EXTENDED', {
    id: 'ENUM_ARRAY_NARROWED',
    purpose: 'allowed values narrowed (enum values removed)',
    hint: narrowingHint('Dropping an allowed value'),
  }),
  rule('enum', 'ENUM', 'ENUM_ARRAY_CHANGED', { id: 'ENUM_ARRAY_CHANGED', purpose: 'allowed values changed (enum values both added and removed, or const changed)', hint: narrowingHint('Replacing an allowed value') }),
];
