/**
 * Watch mode: `eventsmith generate --watch` on the N-event catalogue; the time from saving one
 * domain file (a changed event description) to the output being rewritten, seen from outside (the
 * domain's generated schema module holding the new text). Side by side, in this process: a warm
 * @asyncapi/parser parse of the same saved document with a default parser (the baseline), and with
 * the parser configuration eventsmith uses (which shares the specification schema's compile across
 * documents): the part of each save that is parsing. And the floor: the same parse with no rule at
 * all (YAML, $ref resolution and document models, no validation), which no save that puts the
 * document through @asyncapi/parser can go below.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import { createParser } from '../dist/generator/load/asyncapi-parser.js';
import { CLI } from './generation.mjs';
import { log, median, medianRatio, sleep } from './lib/stats.mjs';
import { DOMAINS, makeCatalog } from './make-catalog.mjs';

async function until(condition, timeoutMs, pollMs = 2) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

function readOr(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * `warmup` saves go first and are not measured: a user's watch process has been through a few saves
 * before the ones they notice, and the first saves of a fresh process run cold code (and the
 * baseline parsers in this process are warmed by the same saves, so both sides are compared warm).
 * `edits` measured saves follow; the row reports their median.
 */
export async function benchWatch({ events, edits, warmup = 0 }) {
  const work = mkdtempSync(path.join(os.tmpdir(), `eventsmith-bench-watch-${events}-`));
  const { dir } = makeCatalog(events, path.join(work, 'catalog'));
  const out = path.join(work, 'generated');
  const child = spawn(process.execPath, [CLI, 'generate', '--watch', '--strict', '--catalog', dir, '--out', out], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const parser = new Parser();
  const ours = createParser();
  const unvalidated = new Parser({ ruleset: { core: false, recommended: false } });
  try {
    if (!(await until(() => /watching/.test(stdout), 600_000, 50))) throw new Error(`watch did not start:\n${stderr}`);
    const latencies = [];
    const reported = [];
    const bare = [];
    const tuned = [];
    const floor = [];
    for (let i = 0; i < warmup + edits; i++) {
      const measured = i >= warmup;
      const domain = DOMAINS[i % DOMAINS.length];
      const file = path.join(dir, `${domain}.yaml`);
      const text = readFileSync(file, 'utf8');
      // The first event of the domain is `<domain>.account_created`.
      const marker = `Edit ${i} of the benchmark.`;
      const edited = text.replace(/(description: Emitted by the \S+ service once the account is created;[^\n]*?)( Edit \d+ of the benchmark\.)?\n/, `$1 ${marker}\n`);
      // The description lands in the event's doc comment in its domain's schema module.
      const target = path.join(out, 'schemas', `${domain}.ts`);
      const lines = stdout.split('\n').length;
      const started = performance.now();
      writeFileSync(file, edited);
      if (!(await until(() => readOr(target).includes(marker), 60_000))) throw new Error(`edit ${i} never reached ${target}:\n${stderr.slice(-2000)}`);
      const latency = performance.now() - started;
      if (measured) latencies.push(latency);
      await until(() => stdout.split('\n').length > lines, 10_000);
      const line = stdout.trim().split('\n').at(-1);
      const seconds = /in (\d+\.\d+)s/.exec(line);
      if (seconds && measured) reported.push(Number(seconds[1]) * 1000);
      // The warm parse of the same document, right after, on the same machine.
      await sleep(200);
      const parseStarted = performance.now();
      const result = await parser.parse(edited, { source: file });
      if (measured) bare.push(performance.now() - parseStarted);
      if (!result.document) throw new Error('bare parse failed');
      const tunedStarted = performance.now();
      const tunedResult = await ours.parse(edited, { source: file });
      if (measured) tuned.push(performance.now() - tunedStarted);
      if (!tunedResult.document) throw new Error('parse with eventsmith\'s parser options failed');
      const floorStarted = performance.now();
      const floorResult = await unvalidated.parse(edited, { source: file });
      if (measured) floor.push(performance.now() - floorStarted);
      if (!floorResult.document) throw new Error('parse with no rules failed');
    }
    const row = {
      events,
      edits,
      warmup,
      latencyMs: median(latencies),
      reportedMs: median(reported),
      bareParseMs: median(bare),
      tunedParseMs: median(tuned),
      floorParseMs: median(floor),
      ratio: medianRatio(latencies, bare),
      samples: latencies,
      bareSamples: bare,
    };
    log(`watch ${events} events: save → output ${row.latencyMs.toFixed(0)} ms median of ${edits} after ${warmup} unmeasured saves (runs ${latencies.map((l) => l.toFixed(0)).join(' ')}), warm parse of that one document ${row.bareParseMs.toFixed(0)} ms (${row.tunedParseMs.toFixed(0)} ms with eventsmith's parser options, ${row.floorParseMs.toFixed(0)} ms with no rules at all), ratio ${row.ratio.toFixed(2)}`);
    return row;
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.on('exit', resolve);
    });
    rmSync(work, { recursive: true, force: true });
  }
}
