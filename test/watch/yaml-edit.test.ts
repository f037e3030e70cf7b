/**
 * A saved file read as YAML part by part (generator/load/yaml-edit.ts) is the file parsed whole:
 * the same data, the same position (line and column) for every key and item, and no part read
 * alone where the whole file has a syntax error. Over random line edits of a document with nested
 * mappings, block and multi-line plain scalars, flow collections, sequences and comments.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceSet, type SourceFile } from '../../generator/load/sources.js';
import { editedSourceFile } from '../../generator/load/yaml-edit.js';

const BASE = `asyncapi: 3.0.0
info:
  title: Orders
  version: 1.0.0
channels:
  placed:
    address: business.orders.placed
    messages:
      OrderPlaced: { $ref: '#/components/messages/OrderPlaced' }
components:
  messages:
    OrderPlaced:
      name: orders.order_placed
      description: >-
        An order was placed
        by a customer.
      summary: A long plain scalar
        that goes on a second line.
      # A comment inside the message.
      x-consumers: [audit-service, billing-service]
      payload:
        type: object
        required: [id]
        properties:
          id: { type: string, maxLength: 36 }
          lines:
            type: array
            items:
              type: object
              properties:
                sku: { type: string }

    OrderShipped:
      name: orders.order_shipped
      description: |
        Shipped.

        With a second paragraph.
      payload:
        type: object
        properties:
          carrier: { type: string }
  schemas:
    Money:
      type: object
      properties:
        amount: { type: number }
`;

/** A line edit: replaced, inserted before, or removed, at a line picked by index. */
type LineEdit = { kind: 'replace' | 'insert'; at: number; line: string } | { kind: 'remove'; at: number };

const LINE = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.constantFrom('description: Edited.', 'x-note: 1', 'maxLength: 10', 'sku: { type: string, minLength: 1 }', '# a comment', '', '- item', 'a: [1, 2', 'tags: [a, b]', 'summary: |', '  indented more', 'name: "quoted: text"', 'ref: &anchor 1', 'alias: *anchor', '---')).map(([indent, text]) => `${' '.repeat(indent)}${text}`);

const EDIT: fc.Arbitrary<LineEdit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(60), line: LINE }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(60), line: LINE }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat(60) }),
  // The common edit: a scalar's words, in place.
  fc.record({ kind: fc.constant('replace' as const), at: fc.constantFrom(12, 13, 15, 19, 22), line: fc.constantFrom('      name: orders.order_placed_v2', '      description: >-', '        A longer reworded', '      x-consumers: [audit-service]', '          id: { type: string, maxLength: 64 }') }),
);

function applyEdit(text: string, edit: LineEdit): string {
  const lines = text.split('\n');
  const at = edit.at % lines.length;
  if (edit.kind === 'remove') lines.splice(at, 1);
  else if (edit.kind === 'insert') lines.splice(at, 0, edit.line);
  else lines[at] = edit.line;
  return lines.join('\n');
}

const ROOT = path.resolve('/catalog');
const ABS = path.join(ROOT, 'orders.yaml');

/** The file as a cold load reads it (undefined when it has a syntax problem). */
function parsed(text: string): SourceFile | undefined {
  return new SourceSet(ROOT, ROOT, new Map([[ABS, text]])).load(ABS);
}

/** Every key and item of the file, with its position as problems report it. */
function positions(file: SourceFile): string[] {
  const sources = new SourceSet(ROOT, ROOT, new Map());
  const out: string[] = [];
  const visit = (value: unknown, pointer: string[]): void => {
    const pos = sources.locate(file, pointer);
    out.push(`${pointer.join('/')} ${pos.line}:${pos.column}`);
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      // Positions are asked for through $ref too; these stay inside the file.
      if (key !== '$ref') visit(child, [...pointer, key]);
    }
  };
  visit(file.value, []);
  return out;
}

describe('editedSourceFile', () => {
  it('gives what parsing the whole file gives, or nothing, after any series of line edits', () => {
    let shortcuts = 0;
    let saves = 0;
    fc.assert(
      fc.property(fc.array(EDIT, { minLength: 1, maxLength: 5 }), (edits) => {
        let text = BASE;
        let file = parsed(text)!;
        for (const edit of edits) {
          text = applyEdit(text, edit);
          const whole = parsed(text);
          const before = { text: file.text, value: JSON.stringify(file.value) };
          const part = editedSourceFile(file, text);
          // The previous file's text and data stay as they were.
          expect({ text: file.text, value: JSON.stringify(file.value) }).toEqual(before);
          if (whole === undefined) {
            expect(part, `a part read alone where the whole file is broken:\n${text}`).toBeUndefined();
            // A watch parses the file whole then; the next edit starts from the last good one.
            continue;
          }
          saves++;
          if (part !== undefined) {
            shortcuts++;
            expect(JSON.stringify(part.value), text).toBe(JSON.stringify(whole.value));
            expect(positions(part), text).toEqual(positions(whole));
            expect(part.text).toBe(text);
          }
          file = part ?? whole;
        }
      }),
      { numRuns: 300, seed: 20261204 },
    );
    // The test means something only if the short way is taken often.
    expect(shortcuts).toBeGreaterThan(saves / 4);
  });
});
