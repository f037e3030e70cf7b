/**
 * `eventsmith generate`: catalogue → model → files → output folder (or, with --check, a verdict on
 * whether the committed output is current).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir, GenerateCache, hashText, type GenerateResult } from '../cache/generate-cache.js';
import { formatDiagnostic } from '../load/diagnostics.js';
import { diffOutput, writeOutput } from '../emit/write.js';
import { EXIT_CHECK_FAILED, EXIT_OK, type Command } from './command.js';
import { countsText, plural } from './counts.js';
import { configFile, readConfig, resolveCatalog } from './config.js';
import type { CommandContext } from './context.js';

const HELP = `Usage: eventsmith generate [--catalog DIR|FILE] [--out DIR] [--check | --watch] [--strict] [--config FILE] [--no-cache]

Generates into the output folder: EVENT_TYPES constants, zod schemas and types per event version,
a registry, JSON Schema per event version and a catalogue snapshot. The folder is replaced as a
whole, atomically: a failed run leaves the previous output untouched.

Options:
  --catalog DIR|FILE  catalogue folder (searched recursively) or one document   [default: catalog]
  --out DIR           output folder                                              [default: generated]
  --check             write nothing; exit 1 and list the stale files when the output is out of date
  --watch             generate, then again on every save of a catalogue file (re-parses only what
                      changed, rewrites only the output files that changed); Ctrl+C stops
  --strict            require every eventsmith metadata field on every event
  --config FILE       config file [default: eventsmith.config.json|.yaml|.yml in the working directory]
  --no-cache          load and emit the whole catalogue even when nothing changed since the last run
                      (the cache, in node_modules/.cache/eventsmith or .eventsmith-cache, is keyed
                      by the content of every input, eventsmith itself and the options; safe to delete)
  -h, --help          show this help

Exit codes: 0 done (or up to date), 1 output stale (--check), 2 bad catalogue or usage.`;

export const generateCommand: Command = {
  name: 'generate',
  help: HELP,
  async run(argv, ctx) {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        catalog: { type: 'string' },
        out: { type: 'string' },
        check: { type: 'boolean', default: false },
        watch: { type: 'boolean', default: false },
        strict: { type: 'boolean' },
        config: { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.watch && values.check) throw usageError('--watch and --check cannot be used together');
    const config = readConfig(ctx.cwd, values.config);
    const options: GenerateOptions = {
      catalog: resolveCatalog(ctx.cwd, values.catalog, config),
      out: values.out ? path.resolve(ctx.cwd, values.out) : (config.out ?? path.resolve(ctx.cwd, 'generated')),
      check: values.check,
      strict: values.strict ?? config.strict ?? false,
      ...(config.sunsetAsOf === undefined ? {} : { sunsetAsOf: config.sunsetAsOf }),
    };
    if (values.watch) {
      // Loaded only here: a run answered from the cache never loads the parser or the emitter.
      const { watchCatalog } = await import('../watch/watch.js');
      return watchCatalog(options, ctx);
    }
    if (!values['no-cache']) {
      const file = configFile(ctx.cwd, values.config);
      options.cache = new GenerateCache({ catalog: options.catalog, strict: options.strict, configText: file ? readFileSync(file, 'utf8') : undefined, dir: defaultCacheDir(ctx.cwd) });
    }
    return generate(options, ctx);
  },
};

export interface GenerateOptions {
  catalog: string;
  out: string;
  check: boolean;
  strict: boolean;
  /** The date sunsets are judged by (config `sunsetAsOf`); none: every version is live. */
  sunsetAsOf?: string;
  /** Output of an earlier run with the same inputs is used again when there is one. */
  cache?: GenerateCache;
}

export async function generate(options: GenerateOptions, ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const outDisplay = displayPath(ctx.cwd, options.out);
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(2);
  const hit = options.cache?.lookup();
  const fromCache = ' (unchanged inputs: output from the cache)';
  if (hit?.matches(options.out)) {
    // The usual case of a run with nothing changed: the folder already holds this output.
    // Warnings are part of a run's answer: one answered from the cache prints them again.
    for (const warning of hit.warnings) ctx.err(warning);
    if (options.check) ctx.out(`eventsmith: ${outDisplay} is up to date: ${countsText(hit.types, hit.versions)}, ${plural(hit.size, 'file')}, in ${seconds()}s${fromCache}`);
    else ctx.out(`eventsmith: ${countsText(hit.types, hit.versions)} → ${outDisplay}: ${plural(hit.size, 'file')}, 0 changed, in ${seconds()}s${fromCache}`);
    return EXIT_OK;
  }
  const cached = hit?.result();
  for (const warning of cached?.warnings ?? []) ctx.err(warning);
  const { types, versions, files } = cached ?? (await generateAfresh(options, ctx));
  const from = cached === undefined ? '' : fromCache;
  if (options.check) {
    const diff = diffOutput(options.out, files);
    const stale = [...diff.added.map((f) => `missing  ${f}`), ...diff.changed.map((f) => `changed  ${f}`), ...diff.removed.map((f) => `extra    ${f}`)];
    if (stale.length === 0) {
      ctx.out(`eventsmith: ${outDisplay} is up to date: ${countsText(types, versions)}, ${plural(files.size, 'file')}, in ${seconds()}s${from}`);
      return EXIT_OK;
    }
    ctx.err(`eventsmith: ${outDisplay} is stale; ${plural(stale.length, 'file')} ${stale.length === 1 ? 'differs' : 'differ'} from the catalogue:`);
    for (const line of stale) ctx.err(`  ${line}`);
    ctx.err(`Run: npx eventsmith generate${rerunFlags(ctx.cwd, options)}`);
    return EXIT_CHECK_FAILED;
  }
  const diff = writeOutput(options.out, files);
  const changed = diff.added.length + diff.changed.length + diff.removed.length;
  ctx.out(`eventsmith: ${countsText(types, versions)} → ${outDisplay}: ${plural(files.size, 'file')}, ${changed} changed, in ${seconds()}s${from}`);
  return EXIT_OK;
}

/** Loads the catalogue and emits it (the parser and the emitter are loaded here, on first use); stores the result in the cache. */
async function generateAfresh(options: GenerateOptions, ctx: CommandContext): Promise<GenerateResult> {
  const [{ loadCatalog }, { emit }] = await Promise.all([import('../pipeline/load-catalog.js'), import('../emit/emit.js')]);
  const loaded = await loadCatalog(options.catalog, { strict: options.strict, cwd: ctx.cwd });
  const { catalog } = loaded;
  const warnings = loaded.warnings.map(formatDiagnostic);
  for (const warning of warnings) ctx.err(warning);
  const files = emit(catalog, options.sunsetAsOf === undefined ? {} : { sunsetAsOf: options.sunsetAsOf });
  const result: GenerateResult = { types: new Set(catalog.events.map((e) => e.type)).size, versions: catalog.events.length, files, warnings };
  options.cache?.store(loaded.documents, new Map([...loaded.texts].map(([abs, text]) => [abs, hashText(text)])), result);
  return result;
}

/** Reported by main like parseArgs' own errors: the message and a pointer to --help. */
function usageError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
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
