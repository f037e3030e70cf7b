/**
 * stableJsonReusing writes the objects it is given a text for, and arrays made only of those (the
 * snapshot's events), from that text: whatever the value and whichever objects are reused, the
 * result is stableJson's, byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableJson, stableJsonReusing, type ReusedText } from '../../generator/emit/stable-json.js';

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
})).value;

/** Every object and array in `value`. */
function containers(value: unknown): object[] {
  if (typeof value !== 'object' || value === null) return [];
  return [value, ...Object.values(value).flatMap(containers)];
}

describe('stableJsonReusing', () => {
  it('gives stableJson, whichever objects it reuses', () => {
    fc.assert(
      fc.property(json, fc.array(fc.boolean(), { maxLength: 40 }), (value, picks) => {
        const reuse = new Map<object, ReusedText>();
        containers(value).forEach((node, i) => {
          if (picks[i % Math.max(picks.length, 1)] && !Array.isArray(node)) reuse.set(node, { text: stableJson(node) });
        });
        expect(stableJsonReusing(value, reuse)).toBe(stableJson(value));
        // Again with the same texts, now indented where they landed the first time.
        expect(stableJsonReusing(value, reuse)).toBe(stableJson(value));
      }),
      { numRuns: 400 },
    );
  });

  it('writes an array of reused objects from their texts, at any depth', () => {
    const events = [{ b: 1, a: [1, { z: 'x\ny' }] }, { c: {} }, { d: [] }];
    const value = { catalog: { events, more: [{ events }] }, events: [] };
    const reuse = new Map<object, ReusedText>(events.map((event) => [event, { text: stableJson(event) }]));
    expect(stableJsonReusing(value, reuse)).toBe(stableJson(value));
    // The texts are what is written: a text that is not the object's own shows through.
    reuse.set(events[1]!, { text: '"changed"' });
    expect(stableJsonReusing(value, reuse)).toContain('"changed"');
  });

  it('lays out again the part of a long array whose items changed, and only gives stableJson', () => {
    const events = Array.from({ length: 150 }, (_, i) => ({ type: `e.${i}`, payload: { n: i } }));
    const texts = new Map<object, ReusedText>(events.map((event) => [event, { text: stableJson(event) }]));
    expect(stableJsonReusing({ catalog: { events } }, texts)).toBe(stableJson({ catalog: { events } }));
    // An event changed (a new object), one removed: the runs after it hold other items now.
    const changed = events.map((event, i) => (i === 70 ? { type: 'e.70', payload: { n: -1 } } : event)).filter((_, i) => i !== 140);
    texts.set(changed[70]!, { text: stableJson(changed[70]) });
    expect(stableJsonReusing({ catalog: { events: changed } }, texts)).toBe(stableJson({ catalog: { events: changed } }));
    expect(stableJsonReusing({ catalog: { events } }, texts)).toBe(stableJson({ catalog: { events } }));
  });
});
