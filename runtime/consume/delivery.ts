/** What the core hands a handler after decoding, and what the dispatcher answers. */
import type { Envelope } from '../envelope.js';
import type { DeadLetterReason } from '../transport.js';

/** One decoded, envelope-checked message on its way to a handler. */
export interface Delivery {
  envelope: Envelope;
  /** The subscription it came from. */
  subscription: string;
  /** 1 on first delivery, incremented by every retry. */
  attempt: number;
  maxAttempts: number;
  /** The broker delivered this copy before (a lost ack); a duplicate is likely. */
  redelivered: boolean;
  /** Set when the sender awaits a reply (request/reply). */
  replyTo?: string;
  /** Sends `envelope` to the requester; rejects when the message carries no reply address. */
  reply(envelope: Envelope): Promise<void>;
}

/** The dispatcher's verdict on a delivery, before attempts and delays are taken into account. */
export type Settlement =
  /** `duplicate`: acked because a handler for its id already completed. */
  | { settle: 'ack'; duplicate?: boolean }
  /** `exception`: what the handler threw, for telemetry. */
  | { settle: 'retry'; reason: string; exception?: unknown }
  | { settle: 'dead-letter'; reason: DeadLetterReason | (string & {}); error?: string; exception?: unknown };
