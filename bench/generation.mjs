/**
 * Generation at scale: a cold `eventsmith generate --strict` (child process, output folder removed
 * first) against a bare @asyncapi/parser parse of the same documents (child process), run in pairs
 * in random order so that both sides see the same machine. Wall time and peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureNode } from './lib/child.mjs';
import { log, median, medianRatio, shuffled } from './lib/stats.mjs';
import { makeCatalog } from './make-catalog.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = path.join(ROOT, 'bin', 'eventsmith.js');
export const BARE_PARSE = path.join(ROOT, 'bench', 'lib', 'bare-parse.mjs');

export async function benchGeneration({ sizes, runsFor }) {
  const results = [];
  for (const size of sizes) {
    const work = mkdtempSync(path.join(os.tmpdir(), `eventsmith-bench-gen-${size}-`));
    try {
      const { dir } = makeCatalog(size, path.join(work, 'catalog'));
      const out = path.join(work, 'generated');
      const runs = runsFor(size);
      const ours = [];
      const bare = [];
      for (let r = 0; r < runs; r++) {
        for (const side of shuffled(['ours', 'bare'])) {
          if (side === 'ours') {
            rmSync(out, { recursive: true, force: true });
            ours.push(await measureNode([CLI, 'generate', '--catalog', dir, '--out', out, '--strict', '--no-cache'], { cwd: work }));
          } else {
            bare.push(await measureNode([BARE_PARSE, dir], { cwd: work }));
          }
        }
      }
      const row = {
        events: size,
        runs,
        oursMs: median(ours.map((m) => m.wallMs)),
        bareMs: median(bare.map((m) => m.wallMs)),
        ratio: medianRatio(ours.map((m) => m.wallMs), bare.map((m) => m.wallMs)),
      cpuRatio: medianRatio(ours.map((m) => m.cpuMs), bare.map((m) => m.cpuMs)),
        oursRss: median(ours.map((m) => m.rss)),
        bareRss: median(bare.map((m) => m.rss)),
        rssRatio: medianRatio(ours.map((m) => m.rss), bare.map((m) => m.rss)),
      };
      log(`generate ${size} events: ours ${(row.oursMs / 1000).toFixed(2)} s, bare parse ${(row.bareMs / 1000).toFixed(2)} s, ratio ${row.ratio.toFixed(2)}, CPU time ratio ${row.cpuRatio.toFixed(2)} (runs ${ours.map((m, i) => (m.wallMs / bare[i].wallMs).toFixed(2)).join(' ')})`);
      results.push(row);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return results;
}
