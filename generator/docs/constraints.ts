/**
 * The validation keywords of one schema, as short labelled facts for the "constraints" column.
 * Values stay raw (JSON text or the catalogue's string); the renderers escape and format them.
 */
import type { JsonSchemaObject, JsonValue } from '../model/catalog.js';

export interface Constraint {
  /** What the values are, e.g. `max length`, `one of`, `format`. */
  label: string;
  /** Literal values, shown as code. Empty for a bare fact such as `unique items`. */
  values: string[];
}

/** Keyword → label for keywords whose value is shown as is. Order is the order of the column. */
const SIMPLE: readonly (readonly [string, string])[] = [
  ['format', 'format'],
  ['minLength', 'min length'],
  ['maxLength', 'max length'],
  ['pattern', 'pattern'],
  ['minimum', '≥'],
  ['exclusiveMinimum', '>'],
  ['maximum', '≤'],
  ['exclusiveMaximum', '<'],
  ['multipleOf', 'multiple of'],
  ['minItems', 'min items'],
  ['maxItems', 'max items'],
  ['minProperties', 'min properties'],
  ['maxProperties', 'max properties'],
];

/** Shown as the JSON a producer would write: strings quoted, so `"1"` and `1` differ. */
export function jsonText(value: JsonValue): string {
  return JSON.stringify(value) ?? String(value);
}

export function constraintsOf(schema: JsonSchemaObject): Constraint[] {
  const out: Constraint[] = [];
  if ('const' in schema) out.push({ label: 'always', values: [jsonText(schema.const ?? null)] });
  if (Array.isArray(schema.enum)) out.push({ label: 'one of', values: schema.enum.map(jsonText) });
  for (const [keyword, label] of SIMPLE) {
    const value = schema[keyword];
    // draft-04 style boolean exclusive bounds only qualify minimum/maximum; they carry no number.
    if (value === undefined || typeof value === 'boolean') continue;
    // Formats and patterns read better unquoted; numbers are their JSON text anyway.
    out.push({ label, values: [typeof value === 'string' ? value : jsonText(value)] });
  }
  if (schema.uniqueItems === true) out.push({ label: 'unique items', values: [] });
  if (schema.additionalProperties === false) out.push({ label: 'no other properties', values: [] });
  if ('default' in schema) out.push({ label: 'default', values: [jsonText(schema.default ?? null)] });
  return out;
}
