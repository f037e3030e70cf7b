/**
 * `check` on Avro payloads: the fixture pairs of fixtures/avro.ts give rule ids and verdicts, and
 * every verdict is held against Avro's own resolution: data written with one schema is read with
 * the other by avsc (`createResolver`), and reading fails exactly in the directions that break.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../generator/compat/rules/registry.js';
import { POLICIES, MODES } from '../../generator/compat/types.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';
import { avroSides } from './avro-sides.js';
import { AVRO_CASES } from './fixtures/avro.js';
import { actualVerdict, expectedCompatible, type Verdict } from './helpers.js';

const swap = (v: Verdict): Verdict => `${v.includes('F') ? 'B' : ''}${v.includes('B') ? 'F' : ''}` as Verdict;

/** Does a reader with `reader` read every sample of data written with `writer`? */
function avroReads(writer: unknown, reader: unknown): boolean {
  const w = avsc.Type.forSchema(writer as avsc.Schema);
  const r = avsc.Type.forSchema(reader as avsc.Schema);
  let resolver;
  try {
    resolver = r.createResolver(w);
  } catch {
    return false;
  }
  for (let i = 0; i < 200; i++) {
    try {
      r.fromBuffer(w.toBuffer(w.random()), resolver);
    } catch {
      return false;
    }
  }
  return true;
}

describe('Avro fixture pairs', () => {
  it('has unique names and a pair for every Avro rule', () => {
    expect(new Set(AVRO_CASES.map((c) => c.name)).size).toBe(AVRO_CASES.length);
    const reported = new Set(AVRO_CASES.flatMap((c) => c.rules));
    expect(ALL_RULES.filter((r) => r.area === 'avro' && !reported.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  describe.each(AVRO_CASES)('$name', (c) => {
    it.each(POLICIES)('%s: rules and verdict in every mode', (policy) => {
      const { base, head } = avroSides(c);
      const actual = actualVerdict(base, head, policy);
      expect(actual.rules).toEqual(c.rules);
      expect(actual.verdict).toBe(c.verdict);
      for (const mode of MODES) expect(actual.byMode[mode], mode).toBe(expectedCompatible(c.verdict, mode));
    });

    it('reversed, the other direction breaks', () => {
      const { base, head } = avroSides({ base: c.head, head: c.base });
      expect(actualVerdict(base, head, 'strict').verdict).toBe(swap(c.verdict));
    });

    it('agrees with Avro: HEAD reads data BASE wrote unless backward breaks, BASE reads data HEAD wrote unless forward breaks', () => {
      const backward = avroReads(c.base, c.head);
      const forward = avroReads(c.head, c.base);
      if (c.meaningChanges !== undefined) {
        // The bytes resolve; what they mean does not, which is why eventsmith reports it.
        expect([backward, forward]).toEqual([true, true]);
        return;
      }
      expect({ backward, forward }).toEqual({ backward: !c.verdict.includes('B'), forward: !c.verdict.includes('F') });
    });
  });
});

const document = (payload: string): string => `asyncapi: 3.1.0
info: { title: Shop, version: 1.0.0 }
channels:
  orderPlaced:
    address: orders.placed
    messages:
      OrderPlaced: { $ref: '#/components/messages/OrderPlaced' }
operations:
  publishOrderPlaced:
    action: send
    channel: { $ref: '#/channels/orderPlaced' }
components:
  messages:
    OrderPlaced:
      name: shop.order_placed
      x-version: 1
      payload:
${payload}`;

const avsc1 = JSON.stringify({ type: 'record', name: 'OrderPlaced', namespace: 'com.shop', fields: [{ name: 'order_id', type: 'string' }, { name: 'qty', type: 'int' }] }, null, 2);

describe('eventsmith check on an Avro catalogue', () => {
  it('points at the field in the .avsc file, names the rule and the safe way', async () => {
    const dir = tempDir();
    const payload = "        schemaFormat: application/vnd.apache.avro+json;version=1.9.0\n        schema: { $ref: './order.avsc' }\n";
    writeTree(dir, {
      'base/shop.yaml': document(payload),
      'base/order.avsc': avsc1,
      'head/shop.yaml': document(payload),
      'head/order.avsc': avsc1.replace('{\n      "name": "qty",\n      "type": "int"\n    }', '{\n      "name": "qty",\n      "type": "long"\n    },\n    {\n      "name": "coupon",\n      "type": "string"\n    }'),
    });
    expect(readFileSync(path.join(dir, 'head/order.avsc'), 'utf8')).toContain('coupon');
    const result = await runCli(['check', '--base', 'base', '--head', 'head', '--catalog', 'head', '--format', 'json'], dir);
    expect(result.code, result.stderr).toBe(1);
    const changes = (JSON.parse(result.stdout) as { changes: { rule: string; file: string; line: number; severity: string; message: string; hint: string }[] }).changes;
    const lineOf = (needle: string): number => readFileSync(path.join(dir, 'head/order.avsc'), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(changes.map((c) => [c.rule, c.file, c.line, c.severity])).toEqual([
      ['AVRO_FIELD_ADDED_WITHOUT_DEFAULT', 'head/order.avsc', lineOf('"coupon"'), 'breaking'],
      ['AVRO_TYPE_PROMOTED', 'head/order.avsc', lineOf('"long"'), 'breaking'],
    ]);
    expect(changes[0]!.message).toMatch(/^payload\.coupon: field added without a default; consumers built after the change/);
    expect(changes[1]!.message).toMatch(/^payload\.qty: type promoted \(int → long\); consumers built before the change/);
    expect(changes[0]!.hint).toMatch(/default/);
  });

  it('passes an inline Avro payload that only gained a field with a default', async () => {
    const dir = tempDir();
    const inline = (extra: string): string =>
      `        schemaFormat: application/vnd.apache.avro;version=1.9.0\n        schema:\n          type: record\n          name: OrderPlaced\n          fields:\n            - { name: order_id, type: string }\n${extra}`;
    writeTree(dir, {
      'base/shop.yaml': document(inline('')),
      'head/shop.yaml': document(inline("            - { name: note, type: ['null', string], default: null }\n")),
    });
    const result = await runCli(['check', '--base', 'base', '--head', 'head', '--catalog', 'head', '--format', 'json'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { changes: { rule: string }[] }).changes.map((c) => c.rule)).toEqual(['AVRO_FIELD_ADDED_WITH_DEFAULT']);
  });
});
