/**
 * Publisher confirms with a window: up to `maxInFlight` messages await the broker's ack at once, so
 * throughput is not one round trip per message, and a promise resolves only on the broker's ack.
 *
 * At-least-once: a message in flight on a channel or connection that dies was possibly, not
 * certainly, received, so it is re-sent (first, in order) on the next channel. Consumers absorb the
 * resulting duplicates by envelope id. Tags are tracked from the channel's own 'ack'/'nack' events
 * rather than amqplib's per-publish callbacks, which report a channel close as an error and would be
 * indistinguishable from a nack.
 */
import type { ConfirmChannel, Message, Options } from 'amqplib';
import { backoffDelay } from '../backoff.js';
import { Deque } from '../deque.js';
import { PublishBufferFullError, PublishNackedError, TransportClosedError, UnroutableError, errorMessage } from '../errors.js';
import type { Logger } from '../observability.js';
import type { ConnectionManager } from './connection.js';
import { ExchangeNotFoundError } from './errors.js';
import { WireHeaders } from './route.js';

export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

export interface PublisherOptions {
  /** Unconfirmed messages on the wire at once. Default 1000. */
  maxInFlight?: number;
  /** Messages waiting (disconnected, or window full) before publish rejects. Default 10,000. */
  maxBufferedPublishes?: number;
  /**
   * A message in flight during this many broker-initiated channel closes is rejected instead of
   * re-sent: it is probably what makes the broker close the channel.
   */
  maxChannelErrors?: number;
}

interface Pending extends OutgoingMessage {
  resolve(): void;
  reject(error: Error): void;
  /** Set when the broker returned the message as unroutable (it is rejected on its ack). */
  returned: string | undefined;
  channelErrors: number;
}

type ServerError = Error & { code?: number };

/** After the broker closed the publish channel, wait this long before opening the next one. */
const REOPEN_DELAY_MS = 100;

export class ConfirmPublisher {
  private channel: ConfirmChannel | undefined;
  private opening: Promise<void> | undefined;
  private nextTag = 1;
  private readonly inFlight = new Map<number, Pending>();
  private readonly waiting = new Deque<Pending>();
  private awaitingDrain = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** Traced messages' headers as amqplib gets them (reused, see WireHeaders); only ever read inside channel.publish. */
  private readonly wire = new WireHeaders();
  private readonly maxInFlight: number;
  private readonly maxBuffered: number;
  private readonly maxChannelErrors: number;

  constructor(
    private readonly manager: ConnectionManager,
    options: PublisherOptions,
    private readonly log: Logger,
  ) {
    this.maxInFlight = options.maxInFlight ?? 1000;
    this.maxBuffered = options.maxBufferedPublishes ?? 10_000;
    this.maxChannelErrors = options.maxChannelErrors ?? 3;
    manager.onConnected(() => this.ensureChannel());
  }

  get stats(): { inFlight: number; buffered: number } {
    return { inFlight: this.inFlight.size, buffered: this.waiting.length };
  }

  publish(message: OutgoingMessage): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError('publisher'));
    if (this.waiting.length >= this.maxBuffered) return Promise.reject(new PublishBufferFullError(this.maxBuffered));
    return new Promise<void>((resolve, reject) => {
      // Every field set up front: one object shape for all pending messages keeps the hot path monomorphic.
      this.waiting.push({ exchange: message.exchange, routingKey: message.routingKey, content: message.content, options: message.options, resolve, reject, returned: undefined, channelErrors: 0 });
      this.pump();
    });
  }

  /** Resolves true once nothing waits or is unconfirmed, false if `timeoutMs` passes first. */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([idle, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Rejects whatever is still pending; call after {@link whenIdle} had its chance. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new TransportClosedError('publisher (message not confirmed by the broker)');
    for (const pending of [...this.inFlight.values(), ...this.waiting.drain()]) pending.reject(error);
    this.inFlight.clear();
    const channel = this.channel;
    this.channel = undefined;
    if (channel !== undefined) await channel.close().catch(() => {});
    this.notifyIdle();
  }

  private ensureChannel(): Promise<void> {
    if (this.channel !== undefined || this.closed) return Promise.resolve();
    this.opening ??= this.openChannel().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async openChannel(): Promise<void> {
    const channel = await this.manager.openChannel('confirm', 'publisher');
    let serverError: ServerError | undefined;
    channel.on('error', (error: ServerError) => {
      serverError = error;
    });
    channel.on('close', () => this.onChannelClosed(channel, serverError));
    channel.on('ack', (fields: { deliveryTag: number; multiple: boolean }) => this.settle(channel, fields.deliveryTag, fields.multiple, false));
    channel.on('nack', (fields: { deliveryTag: number; multiple: boolean }) => this.settle(channel, fields.deliveryTag, fields.multiple, true));
    channel.on('return', (message: Message) => this.onReturn(channel, message));
    channel.on('drain', () => {
      if (channel !== this.channel) return;
      this.awaitingDrain = false;
      this.pump();
    });
    if (this.closed) {
      await channel.close().catch(() => {});
      return;
    }
    this.channel = channel;
    this.nextTag = 1;
    this.awaitingDrain = false;
    this.pump();
  }

  private pump(): void {
    const channel = this.channel;
    while (channel !== undefined && channel === this.channel && !this.awaitingDrain && this.inFlight.size < this.maxInFlight) {
      const pending = this.waiting.shift();
      if (pending === undefined) break;
      let written: boolean;
      try {
        written = channel.publish(pending.exchange, pending.routingKey, pending.content, this.wire.options(pending.options));
      } catch (error) {
        if (error instanceof Error && error.name === 'IllegalOperationError') {
          // The channel is closing; its 'close' handler re-queues what is in flight.
          this.waiting.unshiftAll([pending]);
          break;
        }
        pending.reject(error instanceof Error ? error : new Error(errorMessage(error)));
        continue;
      }
      this.inFlight.set(this.nextTag++, pending);
      // false: the socket buffer is full. The message is queued in amqplib; send no more until 'drain'.
      if (!written) this.awaitingDrain = true;
    }
    this.notifyIdle();
  }

  private settle(channel: ConfirmChannel, tag: number, multiple: boolean, nacked: boolean): void {
    if (channel !== this.channel) return;
    if (multiple) {
      for (const [pendingTag, pending] of this.inFlight) {
        if (pendingTag > tag) break;
        this.inFlight.delete(pendingTag);
        this.finish(pending, nacked);
      }
    } else {
      const pending = this.inFlight.get(tag);
      if (pending !== undefined) {
        this.inFlight.delete(tag);
        this.finish(pending, nacked);
      }
    }
    this.pump();
  }

  private finish(pending: Pending, nacked: boolean): void {
    if (nacked) pending.reject(new PublishNackedError(pending.routingKey));
    else if (pending.returned !== undefined) pending.reject(new UnroutableError(pending.routingKey, `${pending.returned} on exchange '${pending.exchange}'`));
    else pending.resolve();
  }

  /** The broker sends `basic.return` before the ack of the same message, so mark it here and reject on ack. */
  private onReturn(channel: ConfirmChannel, message: Message): void {
    if (channel !== this.channel) return;
    const { exchange, routingKey } = message.fields;
    const messageId: unknown = message.properties.messageId;
    for (const pending of this.inFlight.values()) {
      if (pending.returned === undefined && pending.exchange === exchange && pending.routingKey === routingKey && pending.options.messageId === messageId) {
        const fields = message.fields as typeof message.fields & { replyText?: string };
        pending.returned = fields.replyText ?? 'NO_ROUTE';
        return;
      }
    }
  }

  private onChannelClosed(channel: ConfirmChannel, serverError: ServerError | undefined): void {
    if (channel !== this.channel) return;
    this.channel = undefined;
    this.awaitingDrain = false;
    const unconfirmed = [...this.inFlight.values()];
    this.inFlight.clear();
    const resend: Pending[] = [];
    const missingExchange = serverError?.code === 404 ? /no exchange '([^']*)'/.exec(serverError.message)?.[1] : undefined;
    for (const pending of unconfirmed) {
      if (missingExchange !== undefined && pending.exchange === missingExchange) {
        pending.reject(new ExchangeNotFoundError(missingExchange, pending.routingKey));
        continue;
      }
      if (serverError !== undefined && ++pending.channelErrors >= this.maxChannelErrors) {
        pending.reject(new Error(`broker closed the publish channel ${pending.channelErrors} times while this message was in flight: ${this.manager.redact(serverError)}`));
        continue;
      }
      resend.push(pending);
    }
    this.waiting.unshiftAll(resend);
    this.log({ level: serverError === undefined ? 'debug' : 'warn', event: 'amqp.publisher.channel_closed', resent: resend.length, error: serverError === undefined ? undefined : this.manager.redact(serverError) });
    this.notifyIdle();
    // A channel the broker closed on a live connection is rebuilt at once; after a connection loss
    // the manager's connected hook rebuilds it instead.
    // The pause lets the broker finish closing the channel: amqplib reuses the lowest free channel
    // number, and a channel.open for a number the broker still tears down fails the whole connection
    // ("second 'channel.open' seen").
    if (serverError !== undefined && !this.closed) setTimeout(() => void this.reopen(1), REOPEN_DELAY_MS);
  }

  private async reopen(attempt: number): Promise<void> {
    if (this.closed || this.manager.connection === undefined) return;
    try {
      await this.ensureChannel();
    } catch (error) {
      this.log({ level: 'warn', event: 'amqp.publisher.reopen_failed', attempt, error: this.manager.redact(error) });
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { maxDelayMs: 5000 })));
      await this.reopen(attempt + 1);
    }
  }

  private isIdle(): boolean {
    return this.inFlight.size === 0 && this.waiting.length === 0;
  }

  private notifyIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
