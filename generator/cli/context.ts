/** What a command may touch of the outside world; tests pass their own. */
export interface CommandContext {
  cwd: string;
  out(line: string): void;
  err(line: string): void;
}

export function processContext(): CommandContext {
  return {
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}
