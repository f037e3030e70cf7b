/**
 * Waiting out a reconnect delay without oversleeping a broker's return. A capped exponential
 * backoff grows while a broker is down: after a one-minute outage the next attempt can be up to
 * 30 s away when the broker is already back. Probing the broker's TCP port (a bare connect, closed
 * at once: no protocol handshake, no login, nothing the broker has to set up) is cheap enough to do
 * several times a second, so the wait ends as soon as the port accepts again.
 *
 * Only a port that was seen refusing ends a wait early: a broker that accepts TCP but fails the
 * handshake (still booting, a proxy in front of a dead broker, bad credentials) is retried on the
 * plain backoff, not hammered.
 */
import net from 'node:net';
import { cancellableSleep } from './backoff.js';

export interface ProbeTarget {
  host: string;
  port: number;
}

/** Error codes of a connect that reached no listener: the port refuses, or nothing answers. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ETIMEDOUT']);

/** Whether a failed connect (any client library's error) means the broker's port took no connection. */
export function isUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
    // AggregateError (node's happy-eyeballs connect) and wrapped causes.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isUnreachable(inner))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True once a TCP connection to `target` opens (it is closed at once), false on refusal or after `timeoutMs`. */
export function acceptsConnections(target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => finish(false), timeoutMs);
    function finish(accepted: boolean): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(accepted);
    }
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export type WakeReason = 'elapsed' | 'accepting' | 'cancelled';

export interface ProbingSleepOptions {
  /** Probed during the wait; without it this is a plain sleep. */
  target?: ProbeTarget;
  /** Between probes, ±50% random (instances of a service do not probe in lockstep). Default 150 ms; 0 turns probing off. */
  intervalMs?: number;
  /** The failure that led to this wait was a refused connect: the first accepting probe ends the wait. */
  refused: boolean;
}

/**
 * Sleeps `delayMs`, or until `target` accepts a connection after refusing one; `cancel()` ends it
 * at once. Resolves with why it woke.
 */
export function probingSleep(delayMs: number, options: ProbingSleepOptions): { promise: Promise<WakeReason>; cancel(): void } {
  const interval = options.intervalMs ?? 150;
  const sleep = cancellableSleep(delayMs);
  let outcome: WakeReason = 'elapsed';
  let probeTimer: NodeJS.Timeout | undefined;
  let over = false;
  const wake = (reason: WakeReason) => {
    if (over) return;
    over = true;
    outcome = reason;
    clearTimeout(probeTimer);
    sleep.cancel();
  };
  const target = options.target;
  if (target !== undefined && interval > 0 && delayMs > interval) {
    let refusedSeen = options.refused;
    const schedule = () => {
      if (over) return;
      probeTimer = setTimeout(() => void probe(), Math.round(interval * (0.5 + Math.random())));
      probeTimer.unref();
    };
    const probe = async () => {
      const accepted = await acceptsConnections(target, Math.max(interval, 250));
      if (over) return;
      if (accepted) {
        // Accepting but the connect failed: the plain backoff decides, probing adds nothing.
        if (refusedSeen) wake('accepting');
        return;
      }
      refusedSeen = true;
      schedule();
    };
    schedule();
  }
  const promise = sleep.promise.then(() => {
    over = true;
    clearTimeout(probeTimer);
    return outcome;
  });
  return { promise, cancel: () => wake('cancelled') };
}
