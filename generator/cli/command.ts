import type { CommandContext } from './context.js';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/**
 * One `eventsmith <name>` command. Each lives in its own module and is listed in main.ts with its
 * one-line summary, and loaded only when it runs (a command's module may load the parser, broker
 * clients and more; a `generate` answered from its cache must not pay for them).
 */
export interface Command {
  name: string;
  /** Full usage text for `eventsmith <name> --help`. */
  help: string;
  /** Returns the exit code; throws CatalogError / OutputError / parseArgs errors for main to report. */
  run(argv: readonly string[], ctx: CommandContext): Promise<number>;
}
