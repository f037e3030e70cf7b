/**
 * SourceSet (generator/load/sources.ts): references and positions. References that resolved are
 * remembered per load and mapping keys are indexed for speed; what a caller sees must be what a
 * fresh walk gives: the same targets and positions every time, every broken reference reported
 * where it is met, and a new load seeing files as they are now.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceSet } from '../../generator/load/sources.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eventsmith-source-refs-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A mapping of `n` keys `k0`…, each `{ $ref: target }`; key i sits on line i + 3 of the file. */
function manyRefs(n: number, target: (i: number) => string): string {
  const lines = ['components:', '  schemas:'];
  for (let i = 0; i < n; i++) lines.push(`    k${i}: { $ref: '${target(i)}' }`);
  return `${lines.join('\n')}\n`;
}

describe('SourceSet references and positions', () => {
  it('locates every key of a large mapping at its own line, also through a reference', () => {
    const dir = folder({ 'doc.yaml': manyRefs(300, () => 'shared.yaml#/Money'), 'shared.yaml': 'Money:\n  type: object\n  properties:\n    amount: { type: number }\n' });
    const sources = new SourceSet(dir, dir);
    const doc = sources.load(path.join(dir, 'doc.yaml'))!;
    for (const i of [0, 1, 150, 299]) {
      expect(sources.locate(doc, ['components', 'schemas', `k${i}`, '$ref'])).toMatchObject({ line: i + 3, column: 10 + String(i).length });
      // Into the target: the key in the other file, each time.
      const inside = sources.locate(doc, ['components', 'schemas', `k${i}`, 'properties', 'amount']);
      expect({ file: inside.file.rel, line: inside.line, column: inside.column }).toEqual({ file: 'shared.yaml', line: 4, column: 5 });
    }
    // A key that does not exist: the nearest parent that does.
    expect(sources.locate(doc, ['components', 'schemas', 'missing'])).toMatchObject({ line: 2, column: 3 });
    expect(sources.diagnostics).toEqual([]);
  });

  it('hands out targets that callers may extend without changing later answers', () => {
    const dir = folder({ 'doc.yaml': manyRefs(2, () => '#/defs/A'), 'unused.yaml': 'x: 1\n' });
    writeFileSync(path.join(dir, 'doc.yaml'), `${manyRefs(2, () => '#/defs/A')}defs:\n  A: { type: string }\n`);
    const sources = new SourceSet(dir, dir);
    const doc = sources.load(path.join(dir, 'doc.yaml'))!;
    const first = sources.resolveRef(doc, '#/defs/A', [])!;
    first.pointer.push('changed');
    expect(sources.resolveRef(doc, '#/defs/A', [])!.pointer).toEqual(['defs', 'A']);
    expect(sources.resolve(doc, ['components', 'schemas', 'k1'])?.target.pointer).toEqual(['defs', 'A']);
    expect(sources.resolve(doc, ['components', 'schemas', 'k0', 'type'])?.value).toBe('string');
  });

  it('reports a broken reference at every place it is written, however often it is followed', () => {
    const dir = folder({ 'doc.yaml': manyRefs(3, () => '#/nowhere'), 'unused.yaml': 'x: 1\n' });
    const sources = new SourceSet(dir, dir);
    const doc = sources.load(path.join(dir, 'doc.yaml'))!;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3; i++) expect(sources.resolveRef(doc, '#/nowhere', ['components', 'schemas', `k${i}`, '$ref'])).toBeUndefined();
    }
    expect(sources.diagnostics.map((d) => [d.code, d.line])).toEqual([0, 1, 2, 0, 1, 2].map((i) => ['broken-ref', i + 3]));
  });

  it('sees a referenced file as it is now in a new load', () => {
    const dir = folder({ 'doc.yaml': manyRefs(1, () => 'shared.yaml#/Money'), 'shared.yaml': 'Money: { type: number }\n' });
    const before = new SourceSet(dir, dir);
    expect(before.resolve(before.load(path.join(dir, 'doc.yaml'))!, ['components', 'schemas', 'k0', 'type'])?.value).toBe('number');
    writeFileSync(path.join(dir, 'shared.yaml'), 'Cash: { type: number }\n');
    const after = new SourceSet(dir, dir);
    expect(after.resolveRef(after.load(path.join(dir, 'doc.yaml'))!, 'shared.yaml#/Money', ['components', 'schemas', 'k0', '$ref'])).toBeUndefined();
    expect(after.diagnostics.map((d) => d.code)).toEqual(['broken-ref']);
  });
});
