/** Reconnect timing shared by anything that retries against a broker. */

export interface BackoffOptions {
  /** Delay after the first failure. Default 200 ms. */
  initialDelayMs?: number;
  /** Cap of any one delay. Default 30 s. */
  maxDelayMs?: number;
  /** Default 2. */
  factor?: number;
  /**
   * Fraction of each delay that is random (0–1). Default 0.5. Without jitter every instance of a
   * service reconnects in lockstep after a broker restart and the broker sees a thundering herd.
   */
  jitter?: number;
}

/** Delay before retry number `attempt` (1-based): capped exponential, with the top `jitter` share randomised. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const exponential = Math.min(cap, initial * factor ** Math.max(0, attempt - 1));
  return Math.round(exponential * (1 - jitter + jitter * random()));
}

/** A sleep that `cancel()` ends early, so close() does not wait out a 30 s reconnect delay. */
export function cancellableSleep(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let done: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    done = resolve;
    timer = setTimeout(resolve, ms);
  });
  return {
    promise,
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      done();
    },
  };
}
