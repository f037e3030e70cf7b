/** Catalogue sides for Avro fixture pairs: one event whose payload is the Avro schema. */
import type { Side } from '../../generator/compat/inputs/side.js';
import type { JsonValue } from '../../generator/model/catalog.js';
import type { AvroCase } from './fixtures/avro.js';
import { event, side } from './helpers.js';

export function avroSides(c: Pick<AvroCase, 'base' | 'head'>): { base: Side; head: Side } {
  const make = (label: string, schema: unknown): Side => side(label, [event({ payloadAvro: schema as JsonValue })]);
  return { base: make('BASE', c.base), head: make('HEAD', c.head) };
}
