/**
 * Rules for array keywords: items, tuple items (`prefixItems`, or `items` as a list) under open /
 * closed / partially open models, the rest of a tuple (`additionalItems`, or `items` next to
 * `prefixItems`), `unevaluatedItems`, limits and `contains` counts.
 */
import { limitRules, narrowingHint, NEW_VERSION, rule, wideningHint, type RuleDefinition } from './definition.js';

const SAFE = 'Safe in every mode.';

export const ARRAY_RULES: RuleDefinition[] = [
  ...limitRules('array', 'MAX_ITEMS', 'maxItems', 'upper'),
  ...limitRules('array', 'MIN_ITEMS', 'minItems', 'lower'),
  rule('array', 'UNIQUE_ITEMS', 'UNIQUE_ITEMS_REMOVED', { id: 'UNIQUE_ITEMS_ADDED', purpose: 'uniqueItems added', hint: narrowingHint('Requiring unique items') }),
  rule('array', 'UNIQUE_ITEMS', 'UNIQUE_ITEMS_ADDED', { id: 'UNIQUE_ITEMS_REMOVED', purpose: 'uniqueItems removed', hint: wideningHint('Consumers built before the change still reject repeated items') }),
  ...limitRules('array', 'MAX_CONTAINS', 'maxContains', 'upper'),
  ...limitRules('array', 'MIN_CONTAINS', 'minContains', 'lower'),
  rule('array', 'ADDITIONAL_ITEMS', 'ADDITIONAL_ITEMS_REMOVED', {
    id: 'ADDITIONAL_ITEMS_ADDED',
    purpose: 'tuple opened (additionalItems, or items next to prefixItems, no longer false)',
    hint: wideningHint('Consumers built against the closed schema before the change reject longer tuples'),
  }),
  rule('array', 'ADDITIONAL_ITEMS', 'ADDITIONAL_ITEMS_ADDED', { id: 'ADDITIONAL_ITEMS_REMOVED', purpose: 'tuple closed (additionalItems: false, or items: false next to prefixItems)', hint: narrowingHint('Closing a tuple') }),
  rule('array', 'ADDITIONAL_ITEMS', 'ADDITIONAL_ITEMS_EXTENDED', { id: 'ADDITIONAL_ITEMS_NARROWED', purpose: 'extra tuple items (additionalItems, or items next to prefixItems) given a schema where any item was allowed', hint: narrowingHint('A schema for extra tuple items') }),
  rule('array', 'ADDITIONAL_ITEMS', 'ADDITIONAL_ITEMS_NARROWED', { id: 'ADDITIONAL_ITEMS_EXTENDED', purpose: 'schema of extra tuple items removed (any extra item allowed)', hint: wideningHint('Consumers built before the change still check extra items') }),
  rule('array', 'UNEVALUATED_ITEMS', 'UNEVALUATED_ITEMS_REMOVED', {
    id: 'UNEVALUATED_ITEMS_ADDED',
    purpose: 'unevaluatedItems no longer false (items no other keyword evaluated are allowed again)',
    hint: wideningHint('Consumers built before the change still reject items no keyword evaluated'),
  }),
  rule('array', 'UNEVALUATED_ITEMS', 'UNEVALUATED_ITEMS_ADDED', {
    id: 'UNEVALUATED_ITEMS_REMOVED',
    purpose: 'unevaluatedItems: false added (items no other keyword evaluates are rejected)',
    hint: narrowingHint('Closing an array with unevaluatedItems'),
  }),
  rule('array', 'UNEVALUATED_ITEMS', 'UNEVALUATED_ITEMS_EXTENDED', {
    id: 'UNEVALUATED_ITEMS_NARROWED',
    purpose: 'unevaluatedItems given a schema where any item was allowed',
    hint: narrowingHint('A schema for unevaluated items'),
  }),
  rule('array', 'UNEVALUATED_ITEMS', 'UNEVALUATED_ITEMS_NARROWED', {
    id: 'UNEVALUATED_ITEMS_EXTENDED',
    purpose: 'unevaluatedItems schema removed (any unevaluated item allowed)',
    hint: wideningHint('Consumers built before the change still check unevaluated items against the old schema'),
  }),
  rule('array', 'ITEM', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', {
    id: 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
    purpose: 'tuple item added to an open tuple',
    hint: `An open tuple let producers built before the change send any value at this position: close the tuple first (additionalItems: false, or items: false next to prefixItems) or ${NEW_VERSION}.`,
  }),
  rule('array', 'ITEM', 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', { id: 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', purpose: 'tuple item that accepts anything added to an open tuple', hint: SAFE }),
  rule('array', 'ITEM', 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', {
    id: 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
    purpose: 'tuple item added to a closed tuple',
    hint: wideningHint('Consumers built against the closed schema before the change reject the longer tuple'),
  }),
  rule('array', 'ITEM', 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', {
    id: 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
    purpose: 'tuple item removed from an open tuple',
    hint: wideningHint('Consumers built before the change still check the removed position'),
  }),
  rule('array', 'ITEM', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', { id: 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', purpose: 'tuple item declared `false` removed from a closed tuple', hint: SAFE }),
  rule('array', 'ITEM', 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', {
    id: 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    purpose: 'tuple item removed from a closed tuple',
    hint: narrowingHint('Shortening a closed tuple'),
  }),
  rule('array', 'ITEM', 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'tuple item added whose schema accepts everything additionalItems accepted before the change',
    hint: SAFE,
  }),
  rule('array', 'ITEM', 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'tuple item added whose schema rejects values additionalItems accepted before the change',
    hint: narrowingHint('A tuple item narrower than additionalItems'),
  }),
  rule('array', 'ITEM', 'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'tuple item removed; additionalItems after the change accepts its values',
    hint: SAFE,
  }),
  rule('array', 'ITEM', 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'tuple item removed; additionalItems after the change rejects some of its values',
    hint: narrowingHint('Removing a tuple item that additionalItems does not cover'),
  }),
];
