/**
 * One queue consumer on its own channel (prefetch is per channel). Every message ends in exactly
 * one of: ack, a retry delay queue, or the dead-letter queue, and the original is acked only after
 * the broker confirmed the copy, so a crash in between duplicates a message but never loses it.
 * A message goes straight back onto its own queue only when that copy itself failed (broker trouble),
 * and then after a pause: requeueing on handler errors would spin forever on a poison message.
 */
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import { backoffDelay } from '../backoff.js';
import { serializeEnvelope, type Envelope } from '../envelope.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability.js';
import { retryDelays } from '../topology.js';
import type { ConsumerHealth, Decision, InboundMessage, MessageHandler, SettlementOutcome, SubscriptionInfo } from '../transport.js';
import { AckBatcher } from './acks.js';
import type { ConnectionManager } from './connection.js';
import { ATTEMPT_HEADER, CONTENT_TYPE, DEATH_REASON_HEADER, ERROR_HEADER, ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER } from './headers.js';
import { deadLetterExchangeName, retryQueueName } from './names.js';
import type { ConfirmPublisher } from './publisher.js';
/** After a failed copy-then-ack, wait before handing the message back, so a broken broker is not hammered. */
const REQUEUE_DELAY_MS = 1000;

export interface ConsumerOptions {
  subscription: SubscriptionInfo;
  prefetch: number;
  handler: MessageHandler;
  onOutcome: ((outcome: SettlementOutcome) => void) | undefined;
  /** Re-declares the topology before a restart: a queue the broker cancelled us for may be gone. */
  redeclare: () => Promise<void>;
}

type Outcome = Omit<SettlementOutcome, 'subscription'>;

export class AmqpConsumer {
  private channel: Channel | undefined;
  /** The acks of {@link channel}; set and cleared with it. */
  private acks: AckBatcher<Outcome> | undefined;
  private consumerTag: string | undefined;
  private cancelled = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Retry delay queues, one per level: attempt n that fails waits in level min(n, levels). */
  private readonly levels: number;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly publisher: ConfirmPublisher,
    private readonly options: ConsumerOptions,
    private readonly log: Logger,
  ) {
    this.levels = retryDelays(options.subscription.retry).length;
  }

  /** The subscription, which is the queue's name. */
  get name(): string {
    return this.options.subscription.name;
  }

  health(): ConsumerHealth {
    return { subscription: this.name, active: this.channel !== undefined && !this.cancelled, inFlight: this.inFlight.size, prefetch: this.options.prefetch };
  }

  /** Opens the channel and starts consuming; called on subscribe and after every reconnect. */
  async start(): Promise<void> {
    if (this.cancelled || this.channel !== undefined) return;
    const channel = await this.manager.openChannel('plain', `consumer:${this.name}`);
    let serverError: Error | undefined;
    let established = false;
    channel.on('error', (error: Error) => {
      serverError = error;
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.acks = undefined;
      this.consumerTag = undefined;
      // A channel the broker closed on a live connection (e.g. a precondition failure) is rebuilt
      // here; after a connection loss the transport's connected hook restarts every consumer.
      if (established && serverError !== undefined && !this.cancelled) setTimeout(() => this.restart(), 100);
    });
    // Set before consuming: deliveries can arrive before consume() resolves, and their acks check it.
    this.channel = channel;
    this.acks = new AckBatcher<Outcome>(channel, (outcome, error) => this.report(error === undefined ? outcome : { ...outcome, outcome: 'abandoned', reason: errorMessage(error) }));
    try {
      await channel.prefetch(this.options.prefetch);
      const { consumerTag } = await channel.consume(this.name, (message) => this.onMessage(channel, message));
      this.consumerTag = consumerTag;
      established = true;
    } catch (error) {
      if (this.channel === channel) {
        this.channel = undefined;
        this.acks = undefined;
      }
      await channel.close().catch(() => {});
      throw error;
    }
  }

  /**
   * Cancels the broker-side consumer but keeps the channel open, so handlers already running can
   * still ack (closing the channel would requeue their messages); then waits up to `timeoutMs`.
   */
  async cancel(timeoutMs: number): Promise<boolean> {
    this.cancelled = true;
    const channel = this.channel;
    const tag = this.consumerTag;
    if (channel !== undefined && tag !== undefined) await channel.cancel(tag).catch(() => {});
    const drained = await this.waitInFlight(timeoutMs);
    await this.closeChannel();
    return drained;
  }

  private async waitInFlight(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = Promise.allSettled([...this.inFlight]).then(() => true);
    const drained = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return drained;
  }

  private async closeChannel(): Promise<void> {
    const channel = this.channel;
    // Acks still waiting for the end of this turn go out first: closing would requeue those messages.
    this.acks?.flush();
    this.channel = undefined;
    this.acks = undefined;
    if (channel !== undefined) await channel.close().catch(() => {});
  }

  private restart(attempt = 1): void {
    if (this.cancelled || this.manager.connection === undefined || this.channel !== undefined) return;
    this.options
      .redeclare()
      .then(() => this.start())
      .catch((error: unknown) => {
        const delay = backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 30_000 });
        this.log({ level: 'warn', event: 'amqp.consumer.restart_failed', subscription: this.name, attempt, delayMs: delay, error: this.manager.redact(error) });
        setTimeout(() => this.restart(attempt + 1), delay);
      });
  }

  private onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (queue deleted or failed over): rebuild on a fresh channel.
      this.log({ level: 'warn', event: 'amqp.consumer.cancelled_by_broker', subscription: this.name });
      if (this.channel === channel) {
        this.channel = undefined;
        this.acks = undefined;
        void channel.close().catch(() => {});
        setTimeout(() => this.restart(), 200);
      }
      return;
    }
    if (this.channel === channel) this.acks?.delivered(message);
    const work = this.handle(channel, message).catch((error: unknown) => {
      this.log({ level: 'error', event: 'amqp.consumer.unexpected_error', subscription: this.name, error: errorMessage(error) });
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const headers: Record<string, unknown> = message.properties.headers ?? {};
    const attempt = positiveInteger(headers[ATTEMPT_HEADER]) ?? 1;
    const inbound = new AmqpInbound(this, this.options.subscription, message, attempt);
    let decision: Decision;
    try {
      decision = await this.options.handler(inbound);
    } catch (error) {
      // The core answers every message; this is a bug, and the message must not be lost for it.
      this.log({ level: 'error', event: 'amqp.consumer.unexpected_error', subscription: this.name, error: errorMessage(error) });
      return this.giveBack(channel, message, attempt, undefined);
    }
    if (decision.settle === 'ack') this.ack(channel, message, { outcome: 'acked', attempt, envelopeId: decision.envelopeId });
    else if (decision.settle === 'retry') await this.retry(channel, message, attempt, decision.reason, decision.envelopeId);
    else await this.deadLetter(channel, message, attempt, decision.reason, decision.error, decision.envelopeId);
  }

  private async retry(channel: Channel, message: ConsumeMessage, attempt: number, reason: string, envelopeId: string): Promise<void> {
    const level = Math.min(attempt, this.levels);
    const headers = this.copyHeaders(message, { [ATTEMPT_HEADER]: attempt + 1, [ERROR_HEADER]: reason });
    const copied = await this.copy(message, '', retryQueueName(this.name, level), headers);
    if (copied) this.ack(channel, message, { outcome: 'retried', attempt, envelopeId, reason });
    else await this.giveBack(channel, message, attempt, envelopeId);
  }

  private async deadLetter(channel: Channel, message: ConsumeMessage, attempt: number, reason: string, error: string, envelopeId: string | undefined): Promise<void> {
    const headers = this.copyHeaders(message, {
      [DEATH_REASON_HEADER]: reason,
      [ERROR_HEADER]: error,
      'x-eventsmith-attempts': attempt,
      'x-eventsmith-queue': this.name,
      'x-eventsmith-dead-lettered-at': new Date().toISOString(),
    });
    const copied = await this.copy(message, deadLetterExchangeName(this.name), message.fields.routingKey, headers);
    if (copied) this.ack(channel, message, { outcome: 'dead-lettered', attempt, envelopeId, reason });
    else await this.giveBack(channel, message, attempt, envelopeId);
  }

  private copyHeaders(message: ConsumeMessage, extra: Record<string, unknown>): Record<string, unknown> {
    const { exchange, routingKey } = origin(message);
    return { ...message.properties.headers, [ORIGINAL_EXCHANGE_HEADER]: exchange, [ORIGINAL_ROUTING_KEY_HEADER]: routingKey, ...extra };
  }

  private async copy(message: ConsumeMessage, exchange: string, routingKey: string, headers: Record<string, unknown>): Promise<boolean> {
    const props = message.properties;
    const options: Options.Publish = { headers, persistent: true, mandatory: true };
    if (props.contentType !== undefined) options.contentType = props.contentType;
    if (props.messageId !== undefined) options.messageId = props.messageId;
    if (props.priority !== undefined) options.priority = props.priority;
    if (props.correlationId !== undefined) options.correlationId = props.correlationId;
    if (props.replyTo !== undefined) options.replyTo = props.replyTo;
    if (props.type !== undefined) options.type = props.type;
    if (props.timestamp !== undefined) options.timestamp = props.timestamp;
    try {
      await this.publisher.publish({ exchange, routingKey, content: message.content, options });
      return true;
    } catch (error) {
      this.log({ level: 'error', event: 'amqp.consumer.copy_failed', subscription: this.name, exchange, routingKey, error: this.manager.redact(error) });
      return false;
    }
  }

  /** The copy failed: after a pause, return the message to its queue unchanged (attempt not counted). */
  private async giveBack(channel: Channel, message: ConsumeMessage, attempt: number, envelopeId: string | undefined): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, REQUEUE_DELAY_MS));
    if (this.channel === channel) {
      try {
        channel.nack(message, false, true);
        this.acks?.forget(message);
      } catch {
        // Channel closed meanwhile: the broker requeues it anyway.
      }
    }
    this.report({ outcome: 'abandoned', attempt, envelopeId, reason: 'could not copy to retry or dead-letter queue' });
  }

  /** Acks at the end of this turn of the event loop, with whatever else settles in it ({@link AckBatcher}). */
  private ack(channel: Channel, message: ConsumeMessage, outcome: Outcome): void {
    const acks = this.acks;
    if (this.channel !== channel || acks === undefined) {
      // The channel died while the handler ran; the broker redelivers, and the id deduplicates.
      this.report({ ...outcome, outcome: 'abandoned', reason: 'channel closed before ack' });
      return;
    }
    acks.ack(message, outcome);
  }

  private report(outcome: Outcome): void {
    try {
      this.options.onOutcome?.({ subscription: this.name, ...outcome });
    } catch {
      // Counters must never break settlement.
    }
  }

  /** @internal Used by {@link AmqpInbound}: answers `message`'s requester. */
  async reply(message: ConsumeMessage, reply: Envelope): Promise<void> {
    const replyTo: unknown = message.properties.replyTo;
    if (typeof replyTo !== 'string' || replyTo.length === 0) throw new Error(`message ${String(message.properties.messageId)} carries no reply address`);
    const correlationId: unknown = message.properties.correlationId;
    await this.publisher.publish({
      exchange: '',
      routingKey: replyTo,
      content: serializeEnvelope(reply),
      // Not mandatory: a requester that timed out and left is not the replier's failure.
      options: { correlationId: typeof correlationId === 'string' ? correlationId : String(message.properties.messageId), messageId: reply.id, contentType: CONTENT_TYPE, persistent: false, mandatory: false },
    });
  }
}

/** One delivery as the core sees it: a class rather than a literal with a reply closure, since one is made per message. */
class AmqpInbound implements InboundMessage {
  readonly body: Buffer;
  readonly contentType: unknown;
  readonly contentEncoding: unknown;
  readonly typeLabel: unknown;
  readonly redelivered: boolean;
  // Declared, not defined: no property at all when the sender awaits no reply.
  declare replyTo?: string;

  constructor(
    private readonly consumer: AmqpConsumer,
    readonly subscription: SubscriptionInfo,
    private readonly message: ConsumeMessage,
    readonly attempt: number,
  ) {
    const { properties } = message;
    this.body = message.content;
    this.contentType = properties.contentType;
    this.contentEncoding = properties.contentEncoding;
    this.typeLabel = properties.type;
    this.redelivered = message.fields.redelivered;
    const replyTo: unknown = properties.replyTo;
    if (typeof replyTo === 'string' && replyTo.length > 0) this.replyTo = replyTo;
  }

  /** For the consumer span only: built when telemetry reads it, not for every message. */
  get attributes(): Record<string, string | number> {
    return { 'messaging.rabbitmq.destination.routing_key': origin(this.message).routingKey, 'messaging.rabbitmq.message.delivery_tag': this.message.fields.deliveryTag };
  }

  reply(envelope: Envelope): Promise<void> {
    return this.consumer.reply(this.message, envelope);
  }
}

function positiveInteger(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 1 ? number : undefined;
}

/**
 * Where a message first came from. Retries travel through the default exchange, so their copies
 * carry the origin in headers; a message that arrived through a named exchange came from there, and
 * origin headers a producer set on it are ignored (else a forged header would steer a DLQ replay).
 */
function origin(message: ConsumeMessage): { exchange: string; routingKey: string } {
  const { exchange, routingKey } = message.fields;
  if (exchange !== '') return { exchange, routingKey };
  const headers: Record<string, unknown> = message.properties.headers ?? {};
  const original = headers[ORIGINAL_EXCHANGE_HEADER];
  const originalKey = headers[ORIGINAL_ROUTING_KEY_HEADER];
  return { exchange: typeof original === 'string' ? original : exchange, routingKey: typeof originalKey === 'string' ? originalKey : routingKey };
}
