/**
 * Command-line entry. Exit codes: 0 success, 1 a check failed (stale output), 2 bad input or usage.
 * User mistakes are reported as `file:line:column: message` plus a hint, never as a stack trace.
 */
import { CatalogError, formatDiagnostic } from '../load/diagnostics.js';
import { OutputError } from '../emit/write.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Command } from './command.js';
import { processContext, type CommandContext } from './context.js';
import { plural } from './counts.js';

interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  load(): Promise<Command>;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', summary: 'Scaffold a catalogue, a config, npm scripts and a first test on the in-memory transport', load: async () => (await import('./init.js')).initCommand },
  { name: 'generate', summary: 'Generate constants, zod validators, JSON Schema and a snapshot from the catalogue', load: async () => (await import('./generate.js')).generateCommand },
  { name: 'docs', summary: 'Write a browsable site (HTML or Markdown) of the catalogue, with a diagram of who talks to whom', load: async () => (await import('./docs.js')).docsCommand },
  { name: 'check', summary: 'Fail on catalogue changes that break consumers (against a git ref, folder, file or snapshot)', load: async () => (await import('./check.js')).checkCommand },
  { name: 'dlq', summary: 'Inspect a dead-letter queue, or replay its messages to where they came from', load: async () => (await import('./dlq.js')).dlqCommand },
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `eventsmith — typed code from an AsyncAPI event catalogue

Usage: eventsmith <command> [options]

Commands:
${list}

Run 'eventsmith <command> --help' for the options of a command.`;
}

export async function main(argv: readonly string[], ctx: CommandContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      ctx.out(mainHelp());
      return name === undefined ? EXIT_BAD_INPUT : EXIT_OK;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) {
      ctx.err(`eventsmith: unknown command '${name}'\n\n${mainHelp()}`);
      return EXIT_BAD_INPUT;
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.out(command.help);
      return EXIT_OK;
    }
    return await command.run(rest, ctx);
  } catch (error) {
    return reportFailure(error, name ?? '', ctx);
  }
}

function reportFailure(error: unknown, command: string, ctx: CommandContext): number {
  if (error instanceof CatalogError) {
    for (const d of error.diagnostics) ctx.err(formatDiagnostic(d));
    for (const d of error.warnings) ctx.err(formatDiagnostic(d));
    const w = error.warnings.length;
    ctx.err(`eventsmith: ${plural(error.diagnostics.length, 'problem')}${w > 0 ? ` and ${plural(w, 'warning')}` : ''} found; nothing was written.`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof OutputError) {
    ctx.err(`eventsmith: ${error.message}`);
    return EXIT_BAD_INPUT;
  }
  if (isUsageError(error)) {
    ctx.err(`eventsmith: ${(error as Error).message}\nRun 'eventsmith ${command} --help' for usage.`);
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
