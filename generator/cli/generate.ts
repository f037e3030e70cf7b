/**
 * `eventsmith generate`: catalogue → model → files → output folder (or, with --check, a verdict on
 * whether the committed output is current).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emit } from '../emit/emit.js';
import { formatDiagnostic } from '../load/diagnostics.js';
import { diffOutput, writeOutput } from '../emit/write.js';
import { loadCatalog } from '../pipeline/load-catalog.js';
import { watchCatalog } from '../watch/watch.js';
import { EXIT_CHECK_FAILED, EXIT_OK, type Command } from './command.js';
import { eventCounts, plural } from './counts.js';
import { readConfig, resolveCatalog } from './config.js';
import type { CommandContext } from './context.js';

const HELP = `Usage: eventsmith generate [--catalog DIR|FILE] [--out DIR] [--check | --watch] [--strict] [--config FILE]

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
  -h, --help          show this help

Exit codes: 0 done (or up to date), 1 output stale (--check), 2 bad catalogue or usage.`;

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Generate constants, zod validators, JSON Schema and a snapshot from the catalogue',
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
    };
    if (values.watch) return watchCatalog(options, ctx);
    return generate(options, ctx);
  },
};

export interface GenerateOptions {
  catalog: string;
  out: string;
  check: boolean;
  strict: boolean;
}

export async function generate(options: GenerateOptions, ctx: CommandContext): Promise<number> {
  const started = performance.now();
  const { catalog, warnings } = await loadCatalog(options.catalog, { strict: options.strict, cwd: ctx.cwd });
  for (const warning of warnings) ctx.err(formatDiagnostic(warning));
  const files = emit(catalog);
  const outDisplay = displayPath(ctx.cwd, options.out);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (options.check) {
    const diff = diffOutput(options.out, files);
    const stale = [...diff.added.map((f) => `missing  ${f}`), ...diff.changed.map((f) => `changed  ${f}`), ...diff.removed.map((f) => `extra    ${f}`)];
    if (stale.length === 0) {
      ctx.out(`eventsmith: ${outDisplay} is up to date: ${eventCounts(catalog.events)}, ${plural(files.size, 'file')}, in ${seconds}s`);
      return EXIT_OK;
    }
    ctx.err(`eventsmith: ${outDisplay} is stale; ${plural(stale.length, 'file')} ${stale.length === 1 ? 'differs' : 'differ'} from the catalogue:`);
    for (const line of stale) ctx.err(`  ${line}`);
    ctx.err(`Run: npx eventsmith generate${rerunFlags(ctx.cwd, options)}`);
    return EXIT_CHECK_FAILED;
  }
  const diff = writeOutput(options.out, files);
  const changed = diff.added.length + diff.changed.length + diff.removed.length;
  ctx.out(`eventsmith: ${eventCounts(catalog.events)} → ${outDisplay}: ${plural(files.size, 'file')}, ${changed} changed, in ${seconds}s`);
  return EXIT_OK;
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
