/**
 * Rules for payloads described in Avro, judged by Avro's schema resolution (the specification's
 * "Schema Resolution"): a reader reads data written with another schema. The backward reading has
 * HEAD read data BASE wrote; the forward reading, BASE read data HEAD wrote. Ids are eventsmith's
 * own (Confluent's Avro checker reports messages, not change types).
 */
import { NEW_VERSION, rule, type RuleDefinition } from './definition.js';

const spec = (s: Omit<Parameters<typeof rule>[3], 'confluent'>): Parameters<typeof rule>[3] => ({ ...s, confluent: false });

export const AVRO_RULES: RuleDefinition[] = [
  rule('avro', 'AVRO_FIELD', 'AVRO_FIELD_REMOVED_WITH_DEFAULT', spec({
    id: 'AVRO_FIELD_ADDED_WITH_DEFAULT',
    purpose: 'field added with a default (readers of the new schema fill it in for old data)',
    hint: 'Safe both ways: new readers use the default for old data, old readers skip the new field.',
  })),
  rule('avro', 'AVRO_FIELD', 'AVRO_FIELD_REMOVED_WITHOUT_DEFAULT', spec({
    id: 'AVRO_FIELD_ADDED_WITHOUT_DEFAULT',
    purpose: 'field added without a default (data written before has no value for it)',
    hint: `Give the field a default (\`"default": null\` with \`["null", …]\` first in the union, or a value of its type); otherwise ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_FIELD', 'AVRO_FIELD_ADDED_WITH_DEFAULT', spec({
    id: 'AVRO_FIELD_REMOVED_WITH_DEFAULT',
    purpose: 'field with a default removed (older readers fill in its default)',
    hint: 'Safe both ways: new readers skip the old field, old readers use its default for new data.',
  })),
  rule('avro', 'AVRO_FIELD', 'AVRO_FIELD_ADDED_WITHOUT_DEFAULT', spec({
    id: 'AVRO_FIELD_REMOVED_WITHOUT_DEFAULT',
    purpose: 'field without a default removed (readers of the old schema need a value for it)',
    hint: `Give the field a default in a version first and let its consumers move to it, then remove it; or ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_FIELD', 'AVRO_FIELD_RENAMED_WITH_ALIAS', spec({
    id: 'AVRO_FIELD_RENAMED_WITH_ALIAS',
    purpose: 'field renamed, the new name listing the old one in its aliases',
    hint: 'New readers find the old field through the alias; readers of the old schema do not know the new name, so under forward or full mode give the old field a default first.',
  })),
  rule('avro', 'AVRO_DEFAULT', 'AVRO_FIELD_DEFAULT_CHANGED', spec({
    id: 'AVRO_FIELD_DEFAULT_CHANGED',
    purpose: 'default of a field added, removed or changed',
    hint: 'Readers fill in a default only when the writer did not write the field: make sure consumers agree on the value it stands for.',
  })),
  rule('avro', 'AVRO_TYPE', 'AVRO_TYPE_DEMOTED', spec({
    id: 'AVRO_TYPE_PROMOTED',
    purpose: 'type promoted (int → long → float → double, string ↔ bytes)',
    hint: 'New readers promote old values; readers of the old schema cannot read the wider type, so under forward or full mode deploy the consumers first and check with --mode backward.',
  })),
  rule('avro', 'AVRO_TYPE', 'AVRO_TYPE_PROMOTED', spec({
    id: 'AVRO_TYPE_DEMOTED',
    purpose: 'type demoted (double → float → long → int)',
    hint: `Avro readers cannot narrow a number: add a field with the new type and keep the old one, or ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_TYPE', 'AVRO_TYPE_CHANGED', spec({
    id: 'AVRO_TYPE_CHANGED',
    purpose: 'type changed to one Avro cannot resolve',
    hint: `Neither side can read the other's values: add a field with the new type (with a default) and keep the old one, or ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_UNION', 'AVRO_UNION_BRANCH_REMOVED', spec({
    id: 'AVRO_UNION_BRANCH_ADDED',
    purpose: 'union gained a branch (e.g. a type made nullable with ["null", …])',
    hint: 'New readers read old values; readers of the old schema fail on values of the new branch, so under forward or full mode deploy the consumers first.',
  })),
  rule('avro', 'AVRO_UNION', 'AVRO_UNION_BRANCH_ADDED', spec({
    id: 'AVRO_UNION_BRANCH_REMOVED',
    purpose: 'union lost a branch (e.g. null no longer allowed)',
    hint: `Data written with the dropped branch cannot be read; ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_ENUM', 'AVRO_ENUM_SYMBOL_REMOVED', spec({
    id: 'AVRO_ENUM_SYMBOL_ADDED',
    purpose: 'enum symbol added',
    hint: 'Readers of the old schema fail on the new symbol unless their enum has a default: give the enum a `default` symbol in a version first, or under forward or full mode deploy the consumers first.',
  })),
  rule('avro', 'AVRO_ENUM', 'AVRO_ENUM_SYMBOL_ADDED', spec({
    id: 'AVRO_ENUM_SYMBOL_REMOVED',
    purpose: 'enum symbol removed, and the enum has no default',
    hint: `Old data with the removed symbol cannot be read: give the enum a \`default\` symbol that readers use instead, or ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_ENUM', 'AVRO_ENUM_SYMBOL_ADDED', spec({
    id: 'AVRO_ENUM_SYMBOL_REMOVED_WITH_DEFAULT',
    purpose: "enum symbol removed; the enum's default stands in for it",
    hint: 'Readers map the removed symbol to the default: make sure that is what consumers should see.',
  })),
  rule('avro', 'AVRO_NAME', 'AVRO_NAME_CHANGED', spec({
    id: 'AVRO_NAME_CHANGED',
    purpose: 'full name (namespace and name) of a record, enum or fixed changed',
    hint: 'Avro matches named types by full name: list the old full name in `aliases` of the renamed type, or keep the name.',
  })),
  rule('avro', 'AVRO_NAME', 'AVRO_NAME_CHANGED', spec({
    id: 'AVRO_NAME_CHANGED_WITH_ALIAS',
    purpose: 'named type renamed, the new name listing the old full name in its aliases',
    hint: 'New readers match old data through the alias; readers of the old schema do not know the new name, so under forward or full mode deploy the consumers first.',
  })),
  rule('avro', 'AVRO_FIXED', 'AVRO_FIXED_SIZE_CHANGED', spec({
    id: 'AVRO_FIXED_SIZE_CHANGED',
    purpose: 'size of a fixed changed',
    hint: `Values of a fixed have exactly its size; ${NEW_VERSION}.`,
  })),
  rule('avro', 'AVRO_LOGICAL', 'AVRO_LOGICAL_TYPE_CHANGED', spec({
    id: 'AVRO_LOGICAL_TYPE_CHANGED',
    purpose: 'logical type changed (e.g. timestamp-millis → timestamp-micros, or a decimal scale)',
    hint: `The bytes still resolve, but the value means something else (a factor of 1000, a shifted decimal point): add a field with the new logical type, or ${NEW_VERSION}.`,
  })),
];
