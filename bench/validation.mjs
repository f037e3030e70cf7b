/**
 * Validation: the generated registry's validators against ajv compiled from the same event's
 * generated JSON Schema (ajv-formats for uuid, date-time…), for a small and a large payload, valid
 * and invalid, answering the same question side by side:
 * - "is it valid?": `isValidEvent` (a compiled zod validator that stops at the first problem) vs
 *   ajv's default validator (stops at the first error, which it records in `validate.errors`);
 * - "what is wrong?": `safeParseEvent` (zod's full issue list) vs ajv with `allErrors`.
 * The uncompiled zod schema (`schema.safeParse`) is measured too, for reference. The sides run in
 * alternating slices so all see the same machine; each slice's ops/s is one sample, and its CPU time
 * per call another (the log line and results.json give the median of each).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { EVENT_REGISTRY, isValidEvent, safeParseEvent } from '../dist/generated/index.js';
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

/**
 * Calls fn repeatedly for about `ms` milliseconds; returns calls per second and the process's CPU
 * time per call in µs (on a machine shared with other work the CPU per call moves less than the
 * rate, as time spent descheduled is not counted).
 */
function measure(fn, ms) {
  let calls = 0;
  let batch = 64;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = performance.now() - started;
    if (elapsed < ms / 20) batch *= 2;
  }
  const used = process.cpuUsage(cpu);
  return { ops: (calls / elapsed) * 1000, cpuUs: (used.user + used.system) / calls };
}

export async function benchValidation({ quick }) {
  const ajv = addFormats(new Ajv({ strict: false }));
  const ajvAll = addFormats(new Ajv({ strict: false, allErrors: true }));
  const sliceMs = quick ? 60 : 150;
  const slices = quick ? 3 : 7;
  const rows = [];
  for (const c of cases()) {
    const definition = EVENT_REGISTRY[c.type][c.version];
    const validateAjv = ajv.compile(definition.jsonSchema);
    const validateAjvAll = ajvAll.compile(definition.jsonSchema);
    const sides = {
      isValidEvent: () => isValidEvent(c.type, c.version, c.data),
      ajv: () => validateAjv(c.data),
      safeParseEvent: () => safeParseEvent(c.type, c.version, c.data).success,
      'ajv (allErrors)': () => validateAjvAll(c.data),
      'zod (not compiled)': () => definition.schema.safeParse(c.data).success,
    };
    for (const [side, fn] of Object.entries(sides)) {
      if (fn() !== c.valid) throw new Error(`${side} says ${!c.valid} for "${c.name}"`);
      measure(fn, sliceMs); // warm-up
    }
    const samples = Object.fromEntries(Object.keys(sides).map((side) => [side, []]));
    const cpu = Object.fromEntries(Object.keys(sides).map((side) => [side, []]));
    for (let s = 0; s < slices; s++) {
      for (const side of shuffled(Object.keys(sides))) {
        const { ops, cpuUs } = measure(sides[side], sliceMs);
        samples[side].push(ops);
        cpu[side].push(cpuUs);
      }
    }
    const row = {
      case: c.name,
      valid: c.valid,
      checkOps: median(samples.isValidEvent),
      ajvOps: median(samples.ajv),
      checkRatio: medianRatio(samples.isValidEvent, samples.ajv),
      reportOps: median(samples.safeParseEvent),
      ajvAllErrorsOps: median(samples['ajv (allErrors)']),
      reportRatio: medianRatio(samples.safeParseEvent, samples['ajv (allErrors)']),
      uncompiledOps: median(samples['zod (not compiled)']),
      cpuUsPerCall: Object.fromEntries(Object.keys(sides).map((side) => [side, median(cpu[side])])),
    };
    const us = (side) => `${row.cpuUsPerCall[side].toFixed(2)} µs CPU`;
    log(`validate ${c.name}: isValidEvent ${Math.round(row.checkOps)}/s, ${us('isValidEvent')} vs ajv ${Math.round(row.ajvOps)}/s, ${us('ajv')} (${row.checkRatio.toFixed(2)}×); safeParseEvent ${Math.round(row.reportOps)}/s, ${us('safeParseEvent')} vs ajv allErrors ${Math.round(row.ajvAllErrorsOps)}/s, ${us('ajv (allErrors)')} (${row.reportRatio.toFixed(2)}×); uncompiled zod ${Math.round(row.uncompiledOps)}/s`);
    rows.push(row);
  }
  return rows;
}
