/**
 * Request/reply over RabbitMQ direct reply-to (`amq.rabbitmq.reply-to`): no reply queue to declare
 * or clean up. The pseudo-queue lives on one channel, so the request must be published on the same
 * channel that consumes replies, and a reply can never outlive that channel: when it closes, every
 * pending request fails at once instead of waiting out its timeout.
 */
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { parseEnvelope, serializeEnvelope, type Envelope } from '../envelope.js';
import { NotConnectedError, RequestTimeoutError, TransportClosedError, UnroutableError } from '../errors.js';
import type { Logger } from '../observability.js';
import type { PublishTarget } from '../transport.js';
import type { ConnectionManager } from './connection.js';
import { ExchangeNotFoundError } from './errors.js';
import { publishOptions, routeOf } from './route.js';

const REPLY_TO = 'amq.rabbitmq.reply-to';

interface PendingRequest {
  resolve(envelope: Envelope): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class AmqpRequester {
  private channel: Channel | undefined;
  private opening: Promise<Channel> | undefined;
  private readonly pending = new Map<string, PendingRequest>();
  /** The destination of each pending request, for the error when it is returned unroutable. */
  private readonly destinations = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly log: Logger,
  ) {}

  get open(): boolean {
    return this.channel !== undefined;
  }

  async request(envelope: Envelope, target: PublishTarget, timeoutMs: number): Promise<Envelope> {
    if (this.closed) throw new TransportClosedError();
    if (this.pending.has(envelope.id)) throw new Error(`a request with id ${envelope.id} is already waiting for its reply`);
    const channel = await this.ensureChannel();
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(envelope.id, new RequestTimeoutError(envelope.type, timeoutMs)), timeoutMs);
      this.pending.set(envelope.id, { resolve, reject, timer });
      try {
        const route = routeOf(target);
        this.destinations.set(envelope.id, target.destination);
        channel.publish(route.exchange, route.routingKey, serializeEnvelope(envelope), { ...publishOptions(envelope, target), replyTo: REPLY_TO, correlationId: envelope.id });
      } catch (error) {
        this.fail(envelope.id, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  close(): void {
    this.closed = true;
    this.failAll(new TransportClosedError());
    const channel = this.channel;
    this.channel = undefined;
    if (channel !== undefined) void channel.close().catch(() => {});
  }

  private ensureChannel(): Promise<Channel> {
    if (this.channel !== undefined) return Promise.resolve(this.channel);
    if (this.manager.connection === undefined) return Promise.reject(new NotConnectedError());
    this.opening ??= this.openChannel().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async openChannel(): Promise<Channel> {
    const channel = await this.manager.openChannel('plain', 'requester');
    let serverError: (Error & { code?: number }) | undefined;
    channel.on('error', (error: Error & { code?: number }) => {
      serverError = error;
    });
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
      const missing = serverError?.code === 404 ? /no exchange '([^']*)'/.exec(serverError.message)?.[1] : undefined;
      const reason =
        missing !== undefined
          ? new ExchangeNotFoundError(missing, 'a request')
          : serverError !== undefined
            ? new Error(`request channel closed by the broker: ${this.manager.redact(serverError)}`)
            : new NotConnectedError('connection lost before the reply arrived');
      this.failAll(reason);
    });
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.correlationId;
      if (typeof id === 'string') this.fail(id, new UnroutableError(this.destinations.get(id) ?? message.fields.routingKey, `NO_ROUTE on exchange '${message.fields.exchange}'`));
    });
    await channel.consume(REPLY_TO, (message) => this.onReply(message), { noAck: true });
    this.channel = channel;
    return channel;
  }

  private onReply(message: ConsumeMessage | null): void {
    if (message === null) return;
    const id: unknown = message.properties.correlationId;
    const pending = typeof id === 'string' ? this.pending.get(id) : undefined;
    if (pending === undefined || typeof id !== 'string') {
      this.log({ level: 'debug', event: 'amqp.request.late_reply', correlationId: id });
      return;
    }
    const parsed = parseEnvelope(message.content);
    if (parsed.ok) {
      this.pending.delete(id);
      this.destinations.delete(id);
      clearTimeout(pending.timer);
      pending.resolve(parsed.envelope);
    } else {
      this.fail(id, new Error(`invalid reply (${parsed.reason}): ${parsed.detail}`));
    }
  }

  private fail(id: string, error: Error): void {
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    this.destinations.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, error);
  }
}
