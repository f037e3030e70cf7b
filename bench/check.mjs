/**
 * Check at scale: `eventsmith check` of the N-event catalogue (BASE) against a copy with 50 changes
 * of assorted kinds (HEAD), against a bare @asyncapi/parser parse of both sides, in pairs, same run.
 * `eventsmith check` is optional: when the command does not exist, the row says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BARE_PARSE, CLI } from './generation.mjs';
import { measureNode } from './lib/child.mjs';
import { log, median, medianRatio, shuffled } from './lib/stats.mjs';
import { CHANGE_KINDS, makeCatalog } from './make-catalog.mjs';

export async function checkAvailable() {
  const help = await measureNode([CLI, 'check', '--help'], { allowFail: true });
  return help.code === 0;
}

export async function benchCheck({ events, changes, runs }) {
  if (!(await checkAvailable())) return { available: false, reason: 'eventsmith check is not available in this build' };
  const work = mkdtempSync(path.join(os.tmpdir(), `eventsmith-bench-check-${events}-`));
  try {
    const base = makeCatalog(events, path.join(work, 'base')).dir;
    const head = makeCatalog(events, path.join(work, 'head'), { changes }).dir;
    const ours = [];
    const bare = [];
    let found;
    for (let r = 0; r < runs; r++) {
      for (const side of shuffled(['ours', 'bare'])) {
        if (side === 'ours') {
          const m = await measureNode([CLI, 'check', '--base', base, '--catalog', head, '--format', 'json'], { cwd: work, allowFail: true });
          if (m.code !== 0 && m.code !== 1) throw new Error(`eventsmith check exited ${m.code}:\n${m.stderr.slice(-2000)}`);
          try {
            found = JSON.parse(m.stdout).changes?.length;
          } catch {
            found = undefined;
          }
          ours.push(m);
        } else {
          bare.push(await measureNode([BARE_PARSE, base, head], { cwd: work }));
        }
      }
    }
    const row = {
      available: true,
      events,
      changes,
      kinds: CHANGE_KINDS.length,
      changesReported: found,
      runs,
      oursMs: median(ours.map((m) => m.wallMs)),
      bareMs: median(bare.map((m) => m.wallMs)),
      ratio: medianRatio(ours.map((m) => m.wallMs), bare.map((m) => m.wallMs)),
      cpuRatio: medianRatio(ours.map((m) => m.cpuMs), bare.map((m) => m.cpuMs)),
      oursRss: median(ours.map((m) => m.rss)),
      bareRss: median(bare.map((m) => m.rss)),
    };
    log(`check ${events} events, ${changes} changes (${found ?? '?'} reported): ours ${(row.oursMs / 1000).toFixed(2)} s, bare parse of both ${(row.bareMs / 1000).toFixed(2)} s, ratio ${row.ratio.toFixed(2)}, CPU time ratio ${row.cpuRatio.toFixed(2)}`);
    return row;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
