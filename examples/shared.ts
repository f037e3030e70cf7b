/**
 * What both example services share: a JSON-lines logger, and shutdown on SIGINT / SIGTERM that
 * stops taking messages, lets running handlers finish, then closes the connection.
 */
import type { LogEntry } from 'eventsmith/runtime';

export function log(service: string, event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ service, event, ...fields })}\n`);
}

/** The runtime's own log events (connection, reconnects, dead letters) at info and above. */
export function runtimeLogger(service: string): (entry: LogEntry) => void {
  return (entry) => {
    if (entry.level !== 'debug') log(service, `runtime.${entry.event}`, { level: entry.level });
  };
}

export function onShutdown(service: string, close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string): void => {
    if (closing) return;
    closing = true;
    log(service, 'shutdown', { signal });
    close().then(
      () => {
        log(service, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log(service, 'shutdown.failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
