/**
 * eventsmith against AsyncAPI Modelina on the same catalogue: a cold `eventsmith generate
 * --no-cache` (constants, zod validators, JSON Schema, publishers and consumers, snapshot) against
 * Modelina generating only the TypeScript models of the same documents, both as child processes
 * writing to a fresh folder, run in pairs in random order. The ratio is Modelina's time over ours.
 *
 * Beside them, in the same random order, the floor: @asyncapi/parser reading the same documents
 * with no rule at all (bench/lib/bare-parse.mjs --no-rules: YAML, $ref resolution and document
 * models, no validation, no output). Modelina reads documents through the same parser, and so does
 * eventsmith, so Modelina's time over the floor is the most any generator built on the parser
 * could be faster than Modelina on these documents: the row's ceiling, printed with it. CPU times
 * are printed too; on the shared machine they move less than wall times.
 *
 * Modelina (with its dependencies about 190 MB) is not a dependency of eventsmith: it is installed
 * on first use into bench/.modelina (ignored by git) with npm, pinned to MODELINA_VERSION.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BARE_PARSE, CLI } from './generation.mjs';
import { measureNode } from './lib/child.mjs';
import { log, median, medianRatio, shuffled } from './lib/stats.mjs';
import { makeCatalog } from './make-catalog.mjs';

export const MODELINA_VERSION = '5.10.1';
const MODELINA_DIR = fileURLToPath(new URL('./.modelina', import.meta.url));
const MODELINA_MODELS = fileURLToPath(new URL('./lib/modelina-models.mjs', import.meta.url));

function ensureModelina() {
  const installed = path.join(MODELINA_DIR, 'node_modules', '@asyncapi', 'modelina', 'package.json');
  if (existsSync(installed)) return;
  log(`installing @asyncapi/modelina@${MODELINA_VERSION} into bench/.modelina (once; about 190 MB)`);
  mkdirSync(MODELINA_DIR, { recursive: true });
  writeFileSync(path.join(MODELINA_DIR, 'package.json'), `${JSON.stringify({ private: true, description: 'AsyncAPI Modelina for the eventsmith benchmark; installed by bench/modelina.mjs' })}\n`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `@asyncapi/modelina@${MODELINA_VERSION}`], { cwd: MODELINA_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function benchModelina({ events, runs }) {
  ensureModelina();
  const work = mkdtempSync(path.join(os.tmpdir(), `eventsmith-bench-modelina-${events}-`));
  try {
    const { dir } = makeCatalog(events, path.join(work, 'catalog'));
    const ours = [];
    const modelina = [];
    const floor = [];
    let models = '';
    for (let r = 0; r < runs; r++) {
      for (const side of shuffled(['ours', 'modelina', 'floor'])) {
        const out = path.join(work, `out-${side}`);
        rmSync(out, { recursive: true, force: true });
        if (side === 'ours') ours.push(await measureNode([CLI, 'generate', '--catalog', dir, '--out', out, '--strict', '--no-cache'], { cwd: work }));
        else if (side === 'floor') floor.push(await measureNode([BARE_PARSE, '--no-rules', dir], { cwd: work }));
        else {
          const measured = await measureNode([MODELINA_MODELS, MODELINA_DIR, dir, out], { cwd: work });
          models = measured.stdout.trim();
          modelina.push(measured);
        }
      }
    }
    const row = {
      events,
      runs,
      models,
      oursMs: median(ours.map((m) => m.wallMs)),
      modelinaMs: median(modelina.map((m) => m.wallMs)),
      // How many times faster eventsmith is: Modelina's time over ours, per pair.
      speedup: medianRatio(modelina.map((m) => m.wallMs), ours.map((m) => m.wallMs)),
      oursCpuMs: median(ours.map((m) => m.cpuMs)),
      modelinaCpuMs: median(modelina.map((m) => m.cpuMs)),
      floorMs: median(floor.map((m) => m.wallMs)),
      floorCpuMs: median(floor.map((m) => m.cpuMs)),
      // Modelina's time over the parser's floor: the most any generator reading the documents
      // through @asyncapi/parser could be faster, on the same pairs.
      ceiling: medianRatio(modelina.map((m) => m.wallMs), floor.map((m) => m.wallMs)),
      version: MODELINA_VERSION,
    };
    const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
    log(
      `modelina ${events} events: eventsmith ${s(row.oursMs)} (CPU ${s(row.oursCpuMs)}), Modelina models only ${s(row.modelinaMs)} (CPU ${s(row.modelinaCpuMs)}; ${models}), eventsmith ${row.speedup.toFixed(1)}× faster; ` +
        `@asyncapi/parser with no rules over the same documents ${s(row.floorMs)} (CPU ${s(row.floorCpuMs)}): at most ${row.ceiling.toFixed(1)}× for any generator on that parser`,
    );
    return row;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
