/**
 * Rules for object keywords: properties under open / closed / partially open content models,
 * required, dependencies (`dependencies`, `dependentRequired`, `dependentSchemas`), patternProperties,
 * additionalProperties and unevaluatedProperties.
 */
import { limitRules, narrowingHint, NEW_VERSION, rule, wideningHint, type RuleDefinition } from './definition.js';

const SAFE = 'Safe in every mode.';
const OPEN_ADD_STRICT =
  'Under strict JSON Schema semantics an open model (no additionalProperties: false) lets producers built before the change send any property, so old events may already carry this name with another type. Lenient accepts it, as readers that ignore unknown properties do; under strict, close the model first (additionalProperties: false, or patternProperties for new names) or ' +
  NEW_VERSION +
  '.';

export const PROPERTY_RULES: RuleDefinition[] = [
  // Added, judged by the content model of the object it was added to (the schema before the change, in backward reads).
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', {
    id: 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    purpose: 'required property added to an open object',
    hint: `Events published before the change lack the property, so making it required rejects them: add it as optional or with a default, or ${NEW_VERSION}.`,
  }),
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', { id: 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL', purpose: 'required property with a default added to an open object', hint: OPEN_ADD_STRICT }),
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', { id: 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', purpose: 'optional property added to an open object', hint: OPEN_ADD_STRICT }),
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', { id: 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL', purpose: 'optional property that accepts anything added to an open object', hint: SAFE }),
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', {
    id: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    purpose: 'required property added to a closed or partially open object',
    hint: `Events published before the change lack the property: add it as optional or with a default, or ${NEW_VERSION}.`,
  }),
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', {
    id: 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
    purpose: 'required property with a default added to a closed or partially open object',
    hint: wideningHint('The schema before the change is closed, so its consumers reject events that carry the new property'),
  }),
  rule('object', 'PROPERTY', 'OPTIONAL_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', {
    id: 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    purpose: 'optional property added to a closed or partially open object',
    hint: wideningHint('Under strict, consumers built against the closed schema before the change reject events that carry the new property (lenient readers ignore it)'),
  }),
  // Removed, judged by the content model of the object it was removed from (the schema after the change, in backward reads).
  rule('object', 'PROPERTY', 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', {
    id: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
    purpose: 'property removed from an open object',
    hint: wideningHint('Consumers built before the change may still read (or require) the property; make it optional first, and remove it once no consumer needs it'),
  }),
  rule('object', 'PROPERTY', 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', {
    id: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    purpose: 'required property removed from a closed object',
    hint: `Events published before the change carry the property, which the closed schema after the change rejects, and consumers built before the change require it: make it optional first, or ${NEW_VERSION}.`,
  }),
  rule('object', 'PROPERTY', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', {
    id: 'OPTIONAL_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    purpose: 'optional property removed from a closed object',
    hint: `Under strict, the closed schema after the change rejects old events that still carry the property (lenient readers ignore it): keep it declared and stop sending it, or ${NEW_VERSION}.`,
    confluent: false,
  }),
  rule('object', 'PROPERTY', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', {
    id: 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    purpose: 'property declared `false` (forbidden) removed from a closed object',
    hint: 'Safe backward: no event could carry it. Forward reads still work unless producers start sending it.',
  }),
  // Partially open models: the new or removed name falls under patternProperties or an additionalProperties schema.
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'property added whose schema accepts everything the matching patternProperties / additionalProperties schema accepted before the change',
    hint: SAFE,
  }),
  rule('object', 'PROPERTY', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'property added whose schema rejects values the matching patternProperties / additionalProperties schema accepted before the change',
    hint: narrowingHint('A property schema narrower than the pattern that used to cover the name'),
  }),
  rule('object', 'PROPERTY', 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'property removed; the matching patternProperties / additionalProperties schema after the change accepts its values',
    hint: SAFE,
  }),
  rule('object', 'PROPERTY', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', {
    id: 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    purpose: 'property removed; the matching patternProperties / additionalProperties schema after the change rejects some of its values',
    hint: narrowingHint('Removing a property that the remaining patterns do not cover'),
  }),
];

export const OBJECT_RULES: RuleDefinition[] = [
  rule('object', 'REQUIRED', 'REQUIRED_ATTRIBUTE_REMOVED', {
    id: 'REQUIRED_ATTRIBUTE_ADDED',
    purpose: 'existing property became required',
    hint: `Events published before the change may lack it: give it a default, or ${NEW_VERSION}.`,
  }),
  rule('object', 'REQUIRED', 'REQUIRED_ATTRIBUTE_REMOVED', { id: 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED', purpose: 'existing property with a default became required', hint: SAFE }),
  rule('object', 'REQUIRED', 'REQUIRED_ATTRIBUTE_ADDED', { id: 'REQUIRED_ATTRIBUTE_REMOVED', purpose: 'property no longer required', hint: wideningHint('Consumers built before the change still require the property') }),
  ...limitRules('object', 'MAX_PROPERTIES', 'maxProperties', 'upper'),
  ...limitRules('object', 'MIN_PROPERTIES', 'minProperties', 'lower'),
  rule('object', 'ADDITIONAL_PROPERTIES', 'ADDITIONAL_PROPERTIES_REMOVED', {
    id: 'ADDITIONAL_PROPERTIES_ADDED',
    purpose: 'object opened (additionalProperties no longer false)',
    hint: wideningHint('Under strict, consumers built against the closed schema before the change reject events with properties they do not declare'),
  }),
  rule('object', 'ADDITIONAL_PROPERTIES', 'ADDITIONAL_PROPERTIES_ADDED', {
    id: 'ADDITIONAL_PROPERTIES_REMOVED',
    purpose: 'object closed (additionalProperties: false)',
    hint: `Under strict, events published before the change may carry undeclared properties that the closed schema after the change rejects (lenient readers ignore them); close it in a new event version, or ${NEW_VERSION}.`,
  }),
  rule('object', 'ADDITIONAL_PROPERTIES', 'ADDITIONAL_PROPERTIES_EXTENDED', {
    id: 'ADDITIONAL_PROPERTIES_NARROWED',
    purpose: 'additionalProperties given a schema where any value was allowed',
    hint: `Under strict, undeclared properties of events published before the change may not match the new schema (lenient accepts it); ${NEW_VERSION}.`,
  }),
  rule('object', 'ADDITIONAL_PROPERTIES', 'ADDITIONAL_PROPERTIES_NARROWED', {
    id: 'ADDITIONAL_PROPERTIES_EXTENDED',
    purpose: 'additionalProperties schema removed (any value allowed)',
    hint: wideningHint('Consumers built before the change still check undeclared properties against the old schema'),
  }),
  rule('object', 'UNEVALUATED_PROPERTIES', 'UNEVALUATED_PROPERTIES_REMOVED', {
    id: 'UNEVALUATED_PROPERTIES_ADDED',
    purpose: 'unevaluatedProperties no longer false (properties no other keyword evaluated are allowed again)',
    hint: wideningHint('Consumers built before the change still reject properties no keyword evaluated'),
  }),
  rule('object', 'UNEVALUATED_PROPERTIES', 'UNEVALUATED_PROPERTIES_ADDED', {
    id: 'UNEVALUATED_PROPERTIES_REMOVED',
    purpose: 'unevaluatedProperties: false added (properties no other keyword evaluates are rejected)',
    hint: `Under strict, events published before the change may carry properties the schema after the change does not evaluate (lenient readers ignore them); close it in a new event version, or ${NEW_VERSION}.`,
  }),
  rule('object', 'UNEVALUATED_PROPERTIES', 'UNEVALUATED_PROPERTIES_EXTENDED', {
    id: 'UNEVALUATED_PROPERTIES_NARROWED',
    purpose: 'unevaluatedProperties given a schema where any value was allowed',
    hint: `Under strict, unevaluated properties of events published before the change may not match the new schema (lenient accepts it); ${NEW_VERSION}.`,
  }),
  rule('object', 'UNEVALUATED_PROPERTIES', 'UNEVALUATED_PROPERTIES_NARROWED', {
    id: 'UNEVALUATED_PROPERTIES_EXTENDED',
    purpose: 'unevaluatedProperties schema removed (any value allowed)',
    hint: wideningHint('Consumers built before the change still check unevaluated properties against the old schema'),
  }),
  rule('object', 'DEPENDENCY_ARRAY', 'DEPENDENCY_ARRAY_REMOVED', { id: 'DEPENDENCY_ARRAY_ADDED', purpose: 'property dependency added (dependencies or dependentRequired)', hint: narrowingHint('A new dependency') }),
  rule('object', 'DEPENDENCY_ARRAY', 'DEPENDENCY_ARRAY_ADDED', { id: 'DEPENDENCY_ARRAY_REMOVED', purpose: 'property dependency removed', hint: wideningHint('Consumers built before the change still expect the dependent properties') }),
  rule('object', 'DEPENDENCY_ARRAY', 'DEPENDENCY_ARRAY_NARROWED', { id: 'DEPENDENCY_ARRAY_EXTENDED', purpose: 'property dependency requires more properties', hint: narrowingHint('A longer dependency list') }),
  rule('object', 'DEPENDENCY_ARRAY', 'DEPENDENCY_ARRAY_EXTENDED', { id: 'DEPENDENCY_ARRAY_NARROWED', purpose: 'property dependency requires fewer properties', hint: wideningHint('Consumers built before the change still expect the dropped properties') }),
  rule('object', 'DEPENDENCY_ARRAY', 'DEPENDENCY_ARRAY_CHANGED', { id: 'DEPENDENCY_ARRAY_CHANGED', purpose: 'property dependency changed', hint: narrowingHint('A different dependency list') }),
  rule('object', 'DEPENDENCY_SCHEMA', 'DEPENDENCY_SCHEMA_REMOVED', { id: 'DEPENDENCY_SCHEMA_ADDED', purpose: 'schema dependency added (dependencies or dependentSchemas)', hint: narrowingHint('A new schema dependency') }),
  rule('object', 'DEPENDENCY_SCHEMA', 'DEPENDENCY_SCHEMA_ADDED', { id: 'DEPENDENCY_SCHEMA_REMOVED', purpose: 'schema dependency removed', hint: wideningHint('Consumers built before the change still apply the schema dependency') }),
  rule('object', 'PATTERN_PROPERTY', 'PATTERN_PROPERTY_REMOVED', {
    id: 'PATTERN_PROPERTY_ADDED',
    purpose: 'patternProperties entry added to an object that allowed such names freely',
    hint: `Under strict, events published before the change may carry matching names with other values (lenient accepts it); ${NEW_VERSION}.`,
    confluent: false,
  }),
  rule('object', 'PATTERN_PROPERTY', 'PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', {
    id: 'PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL',
    purpose: 'patternProperties entry added to a closed object (new names allowed)',
    hint: wideningHint('Under strict, consumers built against the closed schema before the change reject the newly allowed names'),
    confluent: false,
  }),
  rule('object', 'PATTERN_PROPERTY', 'PATTERN_PROPERTY_ADDED', {
    id: 'PATTERN_PROPERTY_REMOVED',
    purpose: 'patternProperties entry removed; its names fall back to additionalProperties',
    hint: wideningHint('Consumers built before the change still check matching names against the removed pattern'),
    confluent: false,
  }),
  rule('object', 'PATTERN_PROPERTY', 'PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL', {
    id: 'PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    purpose: 'patternProperties entry removed from a closed object (its names are now rejected)',
    hint: `Under strict, events published before the change may carry matching names that the schema after the change rejects (lenient readers ignore them); ${NEW_VERSION}.`,
    confluent: false,
  }),
];
