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

/**
 * `eventsmith generate` again with nothing changed: the content-hash cache answers (every input
 * read and hashed, the output folder compared byte for byte). Measured from outside, spawn to exit,
 * beside a bare `node -e ''` start on the same machine (the floor of any command-line run).
 */
export async function benchCachedGeneration({ events, runs }) {
  const work = mkdtempSync(path.join(os.tmpdir(), `eventsmith-bench-cache-${events}-`));
  try {
    const { dir } = makeCatalog(events, path.join(work, 'catalog'));
    const out = path.join(work, 'generated');
    const args = [CLI, 'generate', '--catalog', dir, '--out', out, '--strict'];
    const cold = await measureNode(args, { cwd: work });
    const cached = [];
    const bareNode = [];
    for (let r = 0; r < runs; r++) {
      for (const side of shuffled(['cached', 'node'])) {
        if (side === 'cached') {
          const m = await measureNode(args, { cwd: work });
          if (!/output from the cache/.test(m.stdout)) throw new Error(`the second run did not use the cache: ${m.stdout}`);
          cached.push(m);
        } else bareNode.push(await measureNode(['-e', ''], { cwd: work }));
      }
    }
    const row = {
      events,
      runs,
      coldMs: cold.wallMs,
      cachedMs: median(cached.map((m) => m.wallMs)),
      nodeMs: median(bareNode.map((m) => m.wallMs)),
      ratio: medianRatio(cached.map((m) => m.wallMs), bareNode.map((m) => m.wallMs)),
    };
    log(`generate again, nothing changed, ${events} events: ${row.cachedMs.toFixed(0)} ms (runs ${cached.map((m) => m.wallMs.toFixed(0)).join(' ')}), bare node start ${row.nodeMs.toFixed(0)} ms, first run ${(row.coldMs / 1000).toFixed(2)} s`);
    return row;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
