/**
 * How the consume pipeline lets an observer (tracing, metrics) follow one message without knowing
 * what it records: the pipeline stays free of any telemetry library, and costs one branch per
 * message when nobody observes.
 */
import type { Envelope } from '../envelope.js';
import type { Decision, InboundMessage } from '../transport.js';

/** What the core decided, with duplicates told apart from first handlings. */
export type ConsumeOutcome = 'acked' | 'duplicate' | 'retried' | 'dead-lettered';

export interface MessageObservation {
  /** The envelope was read: the observation can now join the trace its producer started. */
  decoded(envelope: Envelope): void;
  /**
   * Runs the dispatch inside the observation's context, so what the handler does is part of it, and
   * returns what it returns: a plain value when the dispatch answered at once (the pipeline accepts
   * either), so an observed message costs no more promises or microtasks than an unobserved one
   * (each would also cost a call of every promise hook a context manager installs).
   */
  run<T>(work: () => T | Promise<T>): T | Promise<T>;
  /** The pipeline's decision; `exception` is what the handler threw, when it threw. */
  settled(outcome: ConsumeOutcome, decision: Decision, exception: unknown): void;
  /** The trace the message belongs to, for log lines; undefined when it is not traced. */
  readonly traceId: string | undefined;
}

export interface ConsumeObserver {
  /** A message arrived from the transport. */
  received(message: InboundMessage): MessageObservation;
}
