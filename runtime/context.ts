/**
 * Causal context: while a handler runs, the envelope it consumes is the "cause" of whatever it
 * publishes, even through helper functions several calls deep that only hold the client. Kept in
 * AsyncLocalStorage so no one has to thread the envelope through by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Envelope } from './envelope.js';

const storage = new AsyncLocalStorage<Envelope>();

export function runWithCause<T>(cause: Envelope, work: () => T): T {
  return storage.run(cause, work);
}

/** The envelope being handled in the current async context, if any. */
export function currentCause(): Envelope | undefined {
  return storage.getStore();
}

export interface CausalIds {
  correlationid?: string;
  causationid?: string;
}

/**
 * The correlation id spans a whole flow: it is inherited unchanged, and the first event of a flow
 * (which has none) lends its own id. The causation id points one step back.
 */
export function causalIds(cause: Envelope | undefined, explicit: { correlationId?: string; causationId?: string } = {}): CausalIds {
  const ids: CausalIds = {};
  const correlation = explicit.correlationId ?? cause?.correlationid ?? cause?.id;
  const causation = explicit.causationId ?? cause?.id;
  if (correlation !== undefined) ids.correlationid = correlation;
  if (causation !== undefined) ids.causationid = causation;
  return ids;
}
