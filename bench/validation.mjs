/**
 * Validation: the generated zod validator, compiled with `z.compile` as the generated registry's
 * parseEvent/safeParseEvent do, against ajv compiled from the same event's generated JSON Schema
 * (ajv-formats for uuid, date-time…), for a small and a large payload, valid and invalid. The two
 * run in alternating slices so both see the same machine; each slice's ops/s is one sample.
 * The uncompiled zod schema (`schema.safeParse`) is measured as well, for reference.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { z } from 'eventsmith/zod';
import { EVENT_REGISTRY } from '../dist/generated/index.js';
import { log, median, medianRatio, shuffled } from './lib/stats.mjs';

const addFormats = addFormatsModule.default ?? addFormatsModule;
const snapshot = JSON.parse(readFileSync(new URL('../generated/catalog.snapshot.json', import.meta.url), 'utf8'));
const example = (type, version) => structuredClone(snapshot.catalog.events.find((e) => e.type === type && e.version === version).examples[0].payload);

function cases() {
  const small = example('inventory.stock_added', 2);
  const smallInvalid = { ...structuredClone(small), location_id: 'not-a-uuid' };
  const large = example('order.created', 1);
  const line = large.lines[0];
  large.lines = Array.from({ length: 40 }, (_, i) => ({ ...structuredClone(line), quantity: 1 + i, product_id: `7a011418-4f94-4adb-9234-${String(735_000_000_000 + i).padStart(12, '0')}` }));
  const largeInvalid = structuredClone(large);
  largeInvalid.lines[39].unit_price.currency = 'euro';
  return [
    { name: 'small (363 B), valid', type: 'inventory.stock_added', version: 2, data: small, valid: true },
    { name: 'small, invalid uuid', type: 'inventory.stock_added', version: 2, data: smallInvalid, valid: false },
    { name: `large (${(JSON.stringify(large).length / 1024).toFixed(1)} KB, 40 lines), valid`, type: 'order.created', version: 1, data: large, valid: true },
    { name: 'large, invalid in the last line', type: 'order.created', version: 1, data: largeInvalid, valid: false },
  ];
}

/** Calls fn repeatedly for about `ms` milliseconds; returns calls per second. */
function opsPerSecond(fn, ms) {
  let calls = 0;
  let batch = 64;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = performance.now() - started;
    if (elapsed < ms / 20) batch *= 2;
  }
  return (calls / elapsed) * 1000;
}

export async function benchValidation({ quick }) {
  const ajv = addFormats(new Ajv({ strict: false }));
  // zod reports every issue; ajv stops at the first unless allErrors is set. Both are measured.
  const ajvAll = addFormats(new Ajv({ strict: false, allErrors: true }));
  const sliceMs = quick ? 60 : 150;
  const slices = quick ? 3 : 7;
  const rows = [];
  for (const c of cases()) {
    const definition = EVENT_REGISTRY[c.type][c.version];
    const compiled = z.compile(definition.schema);
    const validateAjv = ajv.compile(definition.jsonSchema);
    const validateAjvAll = ajvAll.compile(definition.jsonSchema);
    const sides = {
      zod: () => compiled.safeParse(c.data).success,
      ajv: () => validateAjv(c.data),
      'zod (not compiled)': () => definition.schema.safeParse(c.data).success,
      'ajv (allErrors)': () => validateAjvAll(c.data),
    };
    for (const [side, fn] of Object.entries(sides)) {
      if (fn() !== c.valid) throw new Error(`${side} says ${!c.valid} for "${c.name}"`);
      opsPerSecond(fn, sliceMs); // warm-up
    }
    const samples = Object.fromEntries(Object.keys(sides).map((side) => [side, []]));
    for (let s = 0; s < slices; s++) for (const side of shuffled(Object.keys(sides))) samples[side].push(opsPerSecond(sides[side], sliceMs));
    const row = {
      case: c.name,
      zodOps: median(samples.zod),
      ajvOps: median(samples.ajv),
      ratio: medianRatio(samples.zod, samples.ajv),
      uncompiledOps: median(samples['zod (not compiled)']),
      uncompiledRatio: medianRatio(samples['zod (not compiled)'], samples.ajv),
      ajvAllErrorsOps: median(samples['ajv (allErrors)']),
      ratioAllErrors: medianRatio(samples.zod, samples['ajv (allErrors)']),
    };
    log(`validate ${c.name}: zod ${Math.round(row.zodOps)}/s, ajv ${Math.round(row.ajvOps)}/s, ratio ${row.ratio.toFixed(2)}; ajv allErrors ${Math.round(row.ajvAllErrorsOps)}/s; uncompiled zod ${Math.round(row.uncompiledOps)}/s`);
    rows.push(row);
  }
  return rows;
}
