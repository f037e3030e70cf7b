/**
 * Runs a node script as a child process and measures its wall time (spawn to exit), CPU time and
 * peak RSS (reported by the child itself through the max-rss preload, so they are its own).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));

export async function measureNode(args, { cwd = process.cwd(), env = {}, allowFail = false } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eventsmith-bench-rss-'));
  const rssFile = path.join(dir, 'rss');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PRELOAD, ...args], { cwd, env: { ...process.env, ...env, EVENTSMITH_BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
  const wallMs = performance.now() - started;
  let rss = NaN;
  let cpuMs = NaN;
  try {
    ({ rss, cpuMs } = JSON.parse(readFileSync(rssFile, 'utf8')));
  } catch {
    // The child died before its exit hook ran.
  }
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0 && !allowFail) throw new Error(`node ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
  return { wallMs, cpuMs, rss, code, stdout, stderr };
}
