/** Structured logging and counters, shared by the transports and the client. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  /** A stable, dot-separated name (`amqp.reconnect.scheduled`), for filtering and alerting. */
  event: string;
  [field: string]: unknown;
}

/** Receives one structured entry per call; route it to pino, console or a test array. */
export type Logger = (entry: LogEntry) => void;

export const silentLogger: Logger = () => {};

/**
 * The client's logger when none is given: warnings and errors (a failing handler, a dead letter, a
 * refused publish) as one JSON line each on the console, so nothing goes wrong unseen in a new
 * service; debug and info entries are left out. Pass `logger: silentLogger` for quiet, or a logger
 * of your own to route entries elsewhere.
 */
export const consoleWarnings: Logger = (entry) => {
  if (entry.level === 'warn') console.warn(JSON.stringify(entry, jsonSafe));
  else if (entry.level === 'error') console.error(JSON.stringify(entry, jsonSafe));
};

/** A log line must never fail to print: bigints become strings, errors their message. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

/**
 * Wraps a user logger so a throwing logger can never break a publish or a delivery, which would
 * turn a logging bug into message loss. `fallback` stands in when no logger was given.
 */
export function safeLogger(logger: Logger | undefined, fallback: Logger = silentLogger): Logger {
  const chosen = logger ?? fallback;
  if (chosen === silentLogger) return silentLogger;
  return (entry) => {
    try {
      chosen(entry);
    } catch {
      // Deliberately ignored: see above.
    }
  };
}

export interface ClientMetrics {
  /** Publishes handed to the transport (including replies and context publishes). */
  published: number;
  /** Publishes the broker confirmed. */
  confirmed: number;
  /** Publishes rejected as unroutable. */
  returned: number;
  /** Publishes that failed for any other reason (nack, closed, buffer full, …). */
  publishFailed: number;
  /** Deliveries whose handler succeeded. */
  consumed: number;
  /** Deliveries sent to a retry delay. */
  retried: number;
  /** Deliveries moved to a dead-letter queue (invalid, unknown, or out of attempts). */
  deadLettered: number;
  /** Deliveries skipped because their envelope id was already handled. */
  duplicates: number;
}

export type MetricName = keyof ClientMetrics;

export function emptyMetrics(): ClientMetrics {
  return { published: 0, confirmed: 0, returned: 0, publishFailed: 0, consumed: 0, retried: 0, deadLettered: 0, duplicates: 0 };
}
