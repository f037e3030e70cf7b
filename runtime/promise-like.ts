/**
 * Whether a result is still to come. The consume path answers synchronously where nothing had to be
 * awaited, and awaits only what this says is pending: an await costs a microtask, and with async
 * context tracking on a promise hook call too, on every message.
 */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
