/**
 * Command-line entry. Exit codes: 0 success, 1 a check failed (stale output), 2 bad input or usage.
 * User mistakes are reported as `file:line:column: message` plus a hint, never as a stack trace.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CatalogError, formatDiagnostic } from '../load/diagnostics.js';
import { OutputError } from '../emit/write.js';
import { readConfig } from './config.js';
import { processContext, type CommandContext } from './context.js';
import { generate } from './generate.js';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

const MAIN_HELP = `eventsmith — typed code from an AsyncAPI event catalogue

Usage: eventsmith <command> [options]

Commands:
  generate   Generate constants, zod validators, JSON Schema and a snapshot from the catalogue

Run 'eventsmith <command> --help' for the options of a command.`;

const GENERATE_HELP = `Usage: eventsmith generate [--catalog DIR|FILE] [--out DIR] [--check] [--strict] [--config FILE]

Generates into the output folder: EVENT_TYPES constants, zod schemas and types per event version,
a registry, JSON Schema per event version and a catalogue snapshot. The folder is replaced as a
whole, atomically: a failed run leaves the previous output untouched.

Options:
  --catalog DIR|FILE  catalogue folder (searched recursively) or one document   [default: catalog]
  --out DIR           output folder                                              [default: generated]
  --check             write nothing; exit 1 and list the stale files when the output is out of date
  --strict            require every eventsmith metadata field on every event
  --config FILE       config file [default: eventsmith.config.json|.yaml|.yml in the working directory]
  -h, --help          show this help

Exit codes: 0 done (or up to date), 1 output stale (--check), 2 bad catalogue or usage.`;

export async function main(argv: readonly string[], ctx: CommandContext = processContext()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      ctx.out(MAIN_HELP);
      return command === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (command === 'generate') return await runGenerate(rest, ctx);
    ctx.err(`eventsmith: unknown command '${command}'\n\n${MAIN_HELP}`);
    return EXIT_BAD_INPUT;
  } catch (error) {
    return reportFailure(error, ctx);
  }
}

async function runGenerate(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      catalog: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      strict: { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    ctx.out(GENERATE_HELP);
    return EXIT_OK;
  }
  const config = readConfig(ctx.cwd, values.config);
  return generate(
    {
      catalog: values.catalog ? path.resolve(ctx.cwd, values.catalog) : (config.catalog ?? path.resolve(ctx.cwd, 'catalog')),
      out: values.out ? path.resolve(ctx.cwd, values.out) : (config.out ?? path.resolve(ctx.cwd, 'generated')),
      check: values.check,
      strict: values.strict ?? config.strict ?? false,
    },
    ctx,
  );
}

function reportFailure(error: unknown, ctx: CommandContext): number {
  if (error instanceof CatalogError) {
    for (const d of error.diagnostics) ctx.err(formatDiagnostic(d));
    const n = error.diagnostics.length;
    ctx.err(`eventsmith: ${n} problem${n === 1 ? '' : 's'} found; nothing was written.`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof OutputError) {
    ctx.err(`eventsmith: ${error.message}`);
    return EXIT_BAD_INPUT;
  }
  if (isUsageError(error)) {
    ctx.err(`eventsmith: ${(error as Error).message}\nRun 'eventsmith generate --help' for usage.`);
    return EXIT_BAD_INPUT;
  }
  // Anything else is a bug in eventsmith, and then the stack is what helps.
  ctx.err(`eventsmith: internal error, please report it:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return EXIT_BAD_INPUT;
}

function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
