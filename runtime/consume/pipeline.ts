/**
 * The one consume pipeline, the same for every transport:
 * decode (size, content type, JSON, envelope) → subscription checks (tenant, type label) →
 * dispatch (registry, validation, idempotency, handler) → decision (ack, retry after a delay, or
 * dead-letter with a reason). Transports only carry the decision out, so a message is judged the
 * same on RabbitMQ, Redis, Kafka and in memory. An optional observer (the client's telemetry)
 * follows each message from arrival to decision.
 */
import { parseEnvelope, type Envelope } from '../envelope.js';
import { errorMessage } from '../errors.js';
import { isPromiseLike } from '../promise-like.js';
import type { LogEntry, Logger } from '../observability.js';
import { retryDelays } from '../topology.js';
import type { ConsumerFailure, Decision, InboundMessage, MessageHandler, SubscriptionInfo } from '../transport.js';
import type { Delivery, Settlement } from './delivery.js';
import type { ConsumeObserver, MessageObservation } from './observer.js';

/** Error texts travel with every retry and dead letter; a stack trace there would bloat each copy. */
const MAX_ERROR_LENGTH = 1000;

/** The dispatcher's verdict on one delivery; a plain value when it was reached without waiting. */
export type Dispatch = (delivery: Delivery) => Settlement | Promise<Settlement>;

/** Told of every retry and dead letter, with the subscription it happened on (the client's health keeps the last). */
export type FailureSink = (subscription: string, failure: ConsumerFailure) => void;

/**
 * The returned handler answers synchronously when the dispatch did (no handler or store awaited):
 * a transport awaiting it pays no extra promise or microtask for the common case.
 */
export function consumePipeline(dispatch: Dispatch, log: Logger, observer?: () => ConsumeObserver | undefined, failed?: FailureSink): MessageHandler {
  const delaysBySubscription = new WeakMap<SubscriptionInfo, number[]>();
  const delaysOf = (subscription: SubscriptionInfo): number[] => {
    let delays = delaysBySubscription.get(subscription);
    if (delays === undefined) delaysBySubscription.set(subscription, (delays = retryDelays(subscription.retry)));
    return delays;
  };

  /** The decision for what the dispatcher settled on. */
  const decide = (message: InboundMessage, envelope: Envelope, observation: MessageObservation | undefined, settlement: Settlement): Decision => {
    const { subscription, attempt } = message;
    if (settlement.settle === 'ack') {
      const decision: Decision = { settle: 'ack', envelopeId: envelope.id };
      observation?.settled(settlement.duplicate === true ? 'duplicate' : 'acked', decision, undefined);
      return decision;
    }
    if (settlement.settle === 'dead-letter') return deadLetter(log, failed, message, settlement.reason, settlement.error ?? settlement.reason, envelope, observation, settlement.exception);
    if (attempt >= subscription.retry.maxAttempts) return deadLetter(log, failed, message, 'max-attempts-exceeded', settlement.reason, envelope, observation, settlement.exception);
    const delays = delaysOf(subscription);
    const delayMs = delays[Math.min(attempt, delays.length) - 1] ?? 0;
    const decision: Decision = { settle: 'retry', reason: truncate(settlement.reason), delayMs, envelopeId: envelope.id };
    observation?.settled('retried', decision, settlement.exception);
    failed?.(subscription.name, failure('retried', decision.reason, message, envelope, observation));
    return decision;
  };

  return (message) => {
    const observation = observer?.()?.received(message);
    const { subscription } = message;
    // A transport that decoded the envelope itself, with these same checks, hands it over (InboundMessage.envelope).
    const given = message.envelope;
    const refused = given === undefined ? refusal(message) : undefined;
    if (refused !== undefined) return deadLetter(log, failed, message, refused.reason, refused.detail, undefined, observation, undefined);
    const parsed = given === undefined ? parseEnvelope(message.body, { maxDepth: subscription.maxJsonDepth }) : { ok: true as const, envelope: given };
    if (!parsed.ok) return deadLetter(log, failed, message, parsed.reason, parsed.detail, undefined, observation, undefined);
    const envelope = parsed.envelope;
    observation?.decoded(envelope);
    const tenant = subscription.tenant;
    if (tenant !== undefined && envelope.tenantid !== undefined && envelope.tenantid !== tenant) {
      // The broker's tenant filter let through an event whose envelope names another tenant: forged.
      return deadLetter(log, failed, message, 'tenant-mismatch', `subscription of tenant '${tenant}' received an event of tenant '${envelope.tenantid}'`, envelope, observation, undefined);
    }
    const label = message.typeLabel;
    if (typeof label === 'string' && label !== envelope.type) {
      // A producer that labels the message one thing and ships another is not to be trusted with either.
      return deadLetter(log, failed, message, 'invalid-envelope', `the type the broker carried, '${label}', contradicts the envelope's type '${envelope.type}'`, envelope, observation, undefined);
    }
    const delivery = new InboundDelivery(envelope, message);

    let dispatched: Settlement | Promise<Settlement>;
    try {
      dispatched = observation === undefined ? dispatch(delivery) : observation.run(() => dispatch(delivery));
    } catch (error) {
      return decide(message, envelope, observation, handlerThrew(error));
    }
    if (!isPromiseLike(dispatched)) return decide(message, envelope, observation, dispatched);
    return Promise.resolve(dispatched).then(
      (settlement) => decide(message, envelope, observation, settlement),
      (error: unknown) => decide(message, envelope, observation, handlerThrew(error)),
    );
  };
}

/** A delivery as the dispatcher and the handler's context see it: one object per message, no closures. */
class InboundDelivery implements Delivery {
  readonly subscription: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly redelivered: boolean;
  readonly replyTo?: string;

  constructor(
    readonly envelope: Envelope,
    private readonly message: InboundMessage,
  ) {
    this.subscription = message.subscription.name;
    this.attempt = message.attempt;
    this.maxAttempts = message.subscription.retry.maxAttempts;
    this.redelivered = message.redelivered;
    if (message.replyTo !== undefined) this.replyTo = message.replyTo;
  }

  reply(reply: Envelope): Promise<void> {
    if (this.message.replyTo === undefined) return Promise.reject(new Error(`event '${this.envelope.type}' (${this.envelope.id}) carries no reply address`));
    return this.message.reply(reply);
  }
}

/** Whatever escaped the dispatcher is a failed attempt: retried, like a handler's error. */
function handlerThrew(error: unknown): Settlement {
  return { settle: 'retry', reason: errorMessage(error), exception: error };
}

function deadLetter(log: Logger, failed: FailureSink | undefined, message: InboundMessage, reason: string, error: string, envelope: Envelope | undefined, observation: MessageObservation | undefined, exception: unknown): Decision {
  const decision: Decision = { settle: 'dead-letter', reason, error: truncate(error) };
  if (envelope !== undefined) decision.envelopeId = envelope.id;
  observation?.settled('dead-lettered', decision, exception);
  const entry: LogEntry = { level: 'warn', event: 'consume.dead_lettered', subscription: message.subscription.name, reason, error, id: envelope?.id, type: envelope?.type, version: envelope?.eventversion, attempt: message.attempt };
  const traceId = observation?.traceId;
  if (traceId !== undefined) entry.traceId = traceId;
  log(entry);
  failed?.(message.subscription.name, failure('dead-lettered', reason, message, envelope, observation));
  return decision;
}

function failure(outcome: ConsumerFailure['outcome'], reason: string, message: InboundMessage, envelope: Envelope | undefined, observation: MessageObservation | undefined): ConsumerFailure {
  const entry: ConsumerFailure = { at: new Date().toISOString(), outcome, reason, attempt: message.attempt };
  if (envelope !== undefined) {
    entry.eventId = envelope.id;
    entry.type = envelope.type;
  }
  const traceId = observation?.traceId;
  if (traceId !== undefined) entry.traceId = traceId;
  return entry;
}

/** What makes a message unreadable before its body is parsed: its size, its content type or encoding. */
function refusal(message: InboundMessage): { reason: string; detail: string } | undefined {
  const size = message.body.length;
  const limit = message.subscription.maxMessageBytes;
  if (size > limit) return { reason: 'message-too-large', detail: `body of ${size} bytes exceeds maxMessageBytes (${limit})` };
  const { contentType, contentEncoding } = message;
  if (contentType !== undefined && (typeof contentType !== 'string' || !isJsonContentType(contentType))) {
    return { reason: 'unsupported-content-type', detail: `content type ${JSON.stringify(contentType)} is not JSON (expected application/cloudevents+json)` };
  }
  if (contentEncoding !== undefined && contentEncoding !== 'identity' && contentEncoding !== 'utf-8' && contentEncoding !== 'utf8') {
    return { reason: 'unsupported-content-type', detail: `content encoding ${JSON.stringify(contentEncoding)} is not supported` };
  }
  return undefined;
}

/**
 * Answers for the content types seen lately: a service receives a handful of distinct ones, and
 * parsing the same header again for every message costs more than the rest of the check.
 */
const contentTypeAnswers = new Map<string, boolean>();
const REMEMBERED_CONTENT_TYPES = 64;

/** `application/json`, `application/cloudevents+json` or any `+json`, in UTF-8 when a charset is named. */
export function isJsonContentType(value: string): boolean {
  const known = contentTypeAnswers.get(value);
  if (known !== undefined) return known;
  const answer = judgeContentType(value);
  if (value.length <= 256) {
    if (contentTypeAnswers.size >= REMEMBERED_CONTENT_TYPES) contentTypeAnswers.clear();
    contentTypeAnswers.set(value, answer);
  }
  return answer;
}

function judgeContentType(value: string): boolean {
  const [media = '', ...params] = value.split(';').map((part) => part.trim().toLowerCase());
  if (!/^application\/([\w.-]+\+)?json$/.test(media)) return false;
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

function truncate(text: string): string {
  return text.length <= MAX_ERROR_LENGTH ? text : `${text.slice(0, MAX_ERROR_LENGTH)}…`;
}
