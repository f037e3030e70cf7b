/**
 * Payload schemas as field rows: each keyword family of the schema-features fixture, given the
 * event, want the rows the payload table shows.
 */
import { describe, expect, it } from 'vitest';
import { payloadFields, type FieldRow } from '../../generator/docs/fields.js';
import { catalogAt, fixture } from './helpers.js';

async function rowsOf(type: string): Promise<FieldRow[]> {
  const catalog = await catalogAt(fixture('schema-features'));
  const event = catalog.events.find((e) => e.type === type);
  if (!event) throw new Error(`no event ${type}`);
  return payloadFields(event.payload, catalog.definitions);
}

/** name → "type | required | constraints", the three columns most tests look at. */
function summary(rows: readonly FieldRow[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.path, `${r.type} | ${r.required ? 'required' : 'optional'} | ${r.constraints.map((c) => [c.label, ...c.values].join(' ')).join('; ')}`]));
}

describe('payload field rows', () => {
  it('strings: formats, lengths, patterns, nullable types', async () => {
    expect(summary(await rowsOf('features.strings'))).toEqual({
      id: 'string | required | format uuid',
      at: 'string | required | format date-time',
      email: 'string | required | format email',
      site: 'string | required | format uri',
      code: 'string | required | min length 2; max length 5; pattern ^[A-Z]+$',
      note: 'string | null | optional | ',
    });
  });

  it('numbers: inclusive and exclusive bounds, multipleOf', async () => {
    expect(summary(await rowsOf('features.numbers'))).toEqual({
      count: 'integer | required | ≥ 1; ≤ 10',
      ratio: 'number | required | > 0; < 1',
      step: 'number | optional | multiple of 0.5',
    });
  });

  it('enums and consts show JSON values, so "1" and 1 differ', async () => {
    expect(summary(await rowsOf('features.enums'))).toEqual({
      colour: 'string | required | one of "red" "green" "blue"',
      size: 'integer | string | null | optional | one of 1 2 "large" null',
      fixed: 'string | required | always "v1"',
    });
  });

  it('arrays: item types and item constraints; tuples list their positions', async () => {
    const rows = await rowsOf('features.arrays');
    expect(summary(rows)).toEqual({
      tags: 'array of string | required | min items 1; max items 3; unique items',
      point: 'tuple | optional | ',
    });
    expect(summary(rows[1]!.children)).toEqual({ 'point[0]': 'number | required | ', 'point[1]': 'number | required | ' });
  });

  it('objects: nested fields, closed objects, typed additional properties, named definitions', async () => {
    const rows = await rowsOf('features.objects');
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(summary(byName.get('closed')!.children)).toEqual({ 'closed.a': 'string | optional | ' });
    expect(byName.get('closed')!.constraints.map((c) => c.label)).toEqual(['no other properties']);
    expect(summary(byName.get('typed')!.children)).toEqual({ 'typed.*': 'integer | optional | ' });
    const price = byName.get('price')!;
    expect(price).toMatchObject({ ref: 'Money', type: 'object', description: 'An amount in a currency.' });
    expect(summary(price.children)).toEqual({ 'price.amount': 'number | required | ≥ 0', 'price.currency': 'string | required | pattern ^[A-Z]{3}$' });
  });

  it('combinators: allOf merged into one object, oneOf/anyOf as options', async () => {
    const rows = await rowsOf('features.combinators');
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get('either')!.type).toBe('string | integer');
    expect(summary(byName.get('any')!.children)).toEqual({ 'any.option 1': 'string | optional | max length 3', 'any.option 2': 'string | optional | pattern ^x' });
    expect(summary(byName.get('both')!.children)).toEqual({ 'both.a': 'string | required | ', 'both.b': 'integer | required | ' });
  });

  it('recursive definitions are expanded once, then marked', async () => {
    const rows = await rowsOf('features.recursion');
    const root = rows.find((r) => r.name === 'root')!;
    expect(root.ref).toBe('TreeNode');
    const children = root.children.find((r) => r.name === 'children')!;
    expect(children).toMatchObject({ type: 'array of TreeNode', recursive: true, children: [] });
    // Mutual recursion: Person → Company → Person stops at the second Person.
    const person = rows.find((r) => r.name === 'person')!;
    const staff = person.children.find((r) => r.name === 'employer')!.children.find((r) => r.name === 'staff')!;
    expect(staff).toMatchObject({ path: 'person.employer.staff', recursive: true });
  });

  it('a payload that is not an object is one row', () => {
    expect(payloadFields({ type: 'string', maxLength: 3 }, {})).toMatchObject([{ name: '(payload)', type: 'string', constraints: [{ label: 'max length', values: ['3'] }] }]);
    expect(payloadFields(true, {})).toMatchObject([{ name: '(payload)', type: 'any' }]);
  });
});
