/**
 * `eventsmith generate`: catalogue → model → files → output folder (or, with --check, a verdict on
 * whether the committed output is current).
 */
import path from 'node:path';
import { emit } from '../emit/emit.js';
import { diffOutput, writeOutput } from '../emit/write.js';
import { loadCatalog } from '../model/load-catalog.js';
import type { CommandContext } from './context.js';

export interface GenerateOptions {
  catalog: string;
  out: string;
  check: boolean;
  strict: boolean;
}

export async function generate(options: GenerateOptions, ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const { catalog } = await loadCatalog(options.catalog, { strict: options.strict, cwd: ctx.cwd });
  const files = emit(catalog);
  const outDisplay = displayPath(ctx.cwd, options.out);
  const types = new Set(catalog.events.map((e) => e.type)).size;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (options.check) {
    const diff = diffOutput(options.out, files);
    const stale = [...diff.added.map((f) => `missing  ${f}`), ...diff.changed.map((f) => `changed  ${f}`), ...diff.removed.map((f) => `extra    ${f}`)];
    if (stale.length === 0) {
      ctx.out(`eventsmith: ${outDisplay} is up to date (${types} events, ${catalog.events.length} versions, ${files.size} files) in ${seconds}s`);
      return 0;
    }
    ctx.err(`eventsmith: ${outDisplay} is stale; ${stale.length} file${stale.length === 1 ? '' : 's'} differ from the catalogue:`);
    for (const line of stale) ctx.err(`  ${line}`);
    ctx.err(`Run: npx eventsmith generate${rerunFlags(ctx.cwd, options)}`);
    return 1;
  }
  const diff = writeOutput(options.out, files);
  const changed = diff.added.length + diff.changed.length + diff.removed.length;
  ctx.out(`eventsmith: ${types} events (${catalog.events.length} versions) → ${outDisplay}: ${files.size} files, ${changed} changed, in ${seconds}s`);
  return 0;
}

function displayPath(cwd: string, target: string): string {
  const rel = path.relative(cwd, target);
  return rel === '' ? '.' : rel.startsWith('..') ? target : rel;
}

function rerunFlags(cwd: string, options: GenerateOptions): string {
  return ctxFlag('--catalog', cwd, options.catalog, 'catalog') + ctxFlag('--out', cwd, options.out, 'generated');
}

function ctxFlag(flag: string, cwd: string, value: string, fallback: string): string {
  const shown = displayPath(cwd, value);
  return shown === fallback ? '' : ` ${flag} ${shown}`;
}
