/**
 * The Avro reader and its comparison never crash: any JSON value as a schema ends in a JSON Schema
 * or in problems with a pointer, and any two schemas that read compare without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareAvro } from '../../generator/compat/schema/avro.js';
import { avroToJsonSchema } from '../../generator/load/avro.js';
import { readAvroSchema } from '../../generator/model/avro.js';

const primitive = fc.constantFrom('null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string', 'Thing', 'Colour', 'nope');
const name = fc.constantFrom('Thing', 'Colour', 'Hash', 'a.b.Thing', '1bad', '');
const { type: avroish } = fc.letrec<{ type: unknown; field: unknown }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small' },
    primitive,
    fc.array(tie('type'), { maxLength: 3 }),
    fc.record({ type: fc.constantFrom('record', 'error'), name, fields: fc.array(tie('field'), { maxLength: 3 }) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('enum'), name, symbols: fc.array(fc.constantFrom('A', 'B', 'A', '9'), { maxLength: 3 }), default: fc.constantFrom('A', 'C') }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('fixed'), name, size: fc.oneof(fc.integer({ min: -1, max: 20 }), fc.constant('x')) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('array'), items: tie('type') }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('map'), values: tie('type') }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constantFrom('long', 'int', 'bytes', 'string'), logicalType: fc.constantFrom('timestamp-millis', 'date', 'decimal', 'uuid'), precision: fc.integer({ min: 0, max: 5 }) }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  field: fc.record({ name: fc.constantFrom('a', 'b', 'a', ''), type: tie('type'), default: fc.jsonValue({ maxDepth: 1 }), aliases: fc.array(fc.constantFrom('a', 'b')) }, { requiredKeys: ['name'] }),
}));

describe('Avro reader', () => {
  it('turns any value into a JSON Schema or problems with a pointer, without throwing', () => {
    fc.assert(
      fc.property(avroish, (schema) => {
        const problems: string[][] = [];
        // As the loader does: a named type is defined once, named before it is built, so that a
        // recursive record refers to itself instead of being built again without end.
        const defined = new Set<string>();
        const define = (node: { name: string }, build: () => unknown): string => {
          if (!defined.has(node.name)) {
            defined.add(node.name);
            build();
          }
          return `#/$defs/${node.name}`;
        };
        const result = avroToJsonSchema(schema, { report: (pointer) => problems.push([...pointer]), define });
        expect(result === undefined ? problems.length > 0 : problems.length === 0).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('compares any two schemas it reads, without throwing', () => {
    fc.assert(
      fc.property(avroish, avroish, (a, b) => {
        const x = readAvroSchema(a);
        const y = readAvroSchema(b);
        if ('graph' in x && 'graph' in y) {
          compareAvro(x.graph.root, y.graph.root, new Map());
          compareAvro(y.graph.root, x.graph.root, new Map());
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads a recursive type as one node', () => {
    const read = readAvroSchema({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] });
    expect('graph' in read && read.graph.named.size).toBe(1);
  });
});
