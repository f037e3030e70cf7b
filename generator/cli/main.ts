/**
 * Command-line entry. Exit codes: 0 success, 1 a check failed (stale output), 2 bad input or usage.
 * User mistakes are reported as `file:line:column: message` plus a hint, never as a stack trace.
 */
import { CatalogError, formatDiagnostic } from '../load/diagnostics.js';
import { OutputError } from '../emit/write.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Command } from './command.js';
import { processContext, type CommandContext } from './context.js';
import { docsCommand } from './docs.js';
import { checkCommand } from './check.js';
import { generateCommand } from './generate.js';
import { dlqCommand } from './dlq.js';

const COMMANDS: readonly Command[] = [generateCommand, docsCommand, checkCommand, dlqCommand];

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
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      ctx.err(`eventsmith: unknown command '${name}'\n\n${mainHelp()}`);
      return EXIT_BAD_INPUT;
    }
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
    const n = error.diagnostics.length;
    const w = error.warnings.length;
    ctx.err(`eventsmith: ${n} problem${n === 1 ? '' : 's'}${w > 0 ? ` and ${w} warning${w === 1 ? '' : 's'}` : ''} found; nothing was written.`);
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
