/** Rules about a schema as a whole: types, unions and combinators, annotations. */
import { narrowingHint, NEW_VERSION, rule, wideningHint, type RuleDefinition } from './definition.js';

const DOCS = 'Documentation only; no consumer is affected.';

export const GENERAL_RULES: RuleDefinition[] = [
  rule('schema', 'SCHEMA', 'SCHEMA_REMOVED', { id: 'SCHEMA_ADDED', purpose: 'constraint schema added (items, contains, propertyNames, then / else)', hint: narrowingHint('A new constraint') }),
  rule('schema', 'SCHEMA', 'SCHEMA_ADDED', { id: 'SCHEMA_REMOVED', purpose: 'constraint schema removed (items, contains, propertyNames, then / else)', hint: wideningHint('Consumers built before the change still apply the removed constraint') }),
  rule('schema', 'TYPE', 'TYPE_NARROWED', {
    id: 'TYPE_EXTENDED',
    purpose: 'type widened (integer → number, or type constraint removed)',
    hint: wideningHint('Consumers built before the change still expect the narrower type'),
  }),
  rule('schema', 'TYPE', 'TYPE_EXTENDED', { id: 'TYPE_NARROWED', purpose: 'type narrowed (number → integer, or type constraint added)', hint: narrowingHint('A narrower type') }),
  rule('schema', 'TYPE', 'TYPE_CHANGED', {
    id: 'TYPE_CHANGED',
    purpose: 'type changed (also, as a registry reads schemas: enum, const, not or allOf / anyOf / oneOf added next to other keywords or removed from them, const ↔ enum, an allOf collapsed to one branch)',
    hint: `Consumers on either side cannot read the other's values: add a new property with the new type and keep the old one, or ${NEW_VERSION}.`,
  }),
  rule('combined', 'TYPE', 'SUM_TYPE_NARROWED', {
    id: 'SUM_TYPE_EXTENDED',
    purpose: 'union widened (a type or anyOf / oneOf branch added, e.g. made nullable)',
    hint: wideningHint('Consumers built before the change reject values of the new alternative (for example null)'),
  }),
  rule('combined', 'TYPE', 'SUM_TYPE_EXTENDED', { id: 'SUM_TYPE_NARROWED', purpose: 'union narrowed (a type or anyOf / oneOf branch removed)', hint: narrowingHint('Dropping an alternative') }),
  rule('combined', 'TYPE', 'PRODUCT_TYPE_NARROWED', { id: 'PRODUCT_TYPE_EXTENDED', purpose: 'allOf gained a branch (more constraints)', hint: narrowingHint('A new allOf branch') }),
  rule('combined', 'TYPE', 'PRODUCT_TYPE_EXTENDED', { id: 'PRODUCT_TYPE_NARROWED', purpose: 'allOf lost a branch (fewer constraints)', hint: wideningHint('Consumers built before the change still apply the dropped branch') }),
  rule('combined', 'TYPE', 'COMBINED_TYPE_CHANGED', { id: 'COMBINED_TYPE_EXTENDED', purpose: 'combinator relaxed (allOf / oneOf → anyOf)', hint: wideningHint('Consumers built before the change still apply the stricter combinator') }),
  rule('combined', 'TYPE', 'COMBINED_TYPE_EXTENDED', { id: 'COMBINED_TYPE_CHANGED', purpose: 'combinator changed (e.g. anyOf → oneOf)', hint: narrowingHint('A stricter combinator') }),
  rule('combined', 'TYPE', 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', {
    id: 'COMBINED_TYPE_SUBSCHEMAS_CHANGED',
    purpose: 'branches changed so that some old branch matches no compatible new branch (branches are matched by content, not position)',
    hint: narrowingHint('Changing a branch incompatibly'),
  }),
  rule('combined', 'NOT', 'NOT_TYPE_NARROWED', { id: 'NOT_TYPE_EXTENDED', purpose: 'not-schema widened (more values excluded)', hint: narrowingHint('Excluding more values') }),
  rule('combined', 'NOT', 'NOT_TYPE_EXTENDED', { id: 'NOT_TYPE_NARROWED', purpose: 'not-schema narrowed (fewer values excluded)', hint: wideningHint('Consumers built before the change still exclude those values') }),
  rule('combined', 'CONDITIONAL', 'CONDITIONAL_REMOVED', {
    id: 'CONDITIONAL_ADDED',
    purpose: 'if with then / else added (events matching the condition must now match its branch)',
    hint: narrowingHint('A new conditional'),
    confluent: false,
  }),
  rule('combined', 'CONDITIONAL', 'CONDITIONAL_ADDED', {
    id: 'CONDITIONAL_REMOVED',
    purpose: 'if with then / else removed',
    hint: wideningHint('Consumers built before the change still apply the removed branch'),
    confluent: false,
  }),
  rule('combined', 'CONDITIONAL', 'CONDITIONAL_CHANGED', {
    id: 'CONDITIONAL_CHANGED',
    purpose: 'if condition changed',
    hint: `Which events each branch governs changed, which cannot be judged safely: ${NEW_VERSION}.`,
    confluent: false,
  }),
  rule('schema', 'ID', 'ID_CHANGED', { id: 'ID_CHANGED', purpose: '$id changed', hint: DOCS, info: true }),
  rule('schema', 'TITLE', 'TITLE_CHANGED', { id: 'TITLE_CHANGED', purpose: 'title changed', hint: DOCS, info: true }),
  rule('schema', 'DESCRIPTION', 'DESCRIPTION_CHANGED', { id: 'DESCRIPTION_CHANGED', purpose: 'description changed', hint: DOCS, info: true }),
  rule('schema', 'DEFAULT', 'DEFAULT_CHANGED', {
    id: 'DEFAULT_CHANGED',
    purpose: 'default changed',
    hint: 'Valid either way, but consumers that fill in defaults now see another value when the property is missing: make sure they agree.',
  }),
];
