/**
 * The RabbitMQ {@link Transport}: one connection, one confirm channel for publishing, one channel
 * per consumer, one lazily opened channel for request/reply. After every reconnect the hooks run in
 * this order: topology, publisher (flushes the buffer into the re-declared exchanges), consumers.
 */
import { serializeEnvelope, type Envelope } from '../envelope.js';
import { MessageTooLargeError, NotConnectedError, TransportClosedError } from '../errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../limits.js';
import { subscriptionInfo } from '../consume/subscription.js';
import { safeLogger, type Logger } from '../observability.js';
import type { TopologySpec } from '../topology.js';
import type { CloseOptions, ConsumeSpec, MessageHandler, PublishTarget, RequestOptions, Subscription, SubscriptionInfo, Transport, TransportHealth } from '../transport.js';
import { ConnectionManager, type ConnectionOptions } from './connection.js';
import { loadAmqplib } from './client.js';
import { AmqpConsumer } from './consumer.js';
import { ConfirmPublisher, type PublisherOptions } from './publisher.js';
import { AmqpRequester } from './requester.js';
import { publishOptions, routeOf } from './route.js';
import { declareTopology, type QueueOptions } from './topology.js';

/** What `health().details` holds on RabbitMQ. */
export interface AmqpHealthDetails {
  /** Open AMQP channels. */
  channels: number;
  /**
   * Set while the broker blocks publishing (memory or disk alarm), with its reason: publishes wait
   * (up to `maxBufferedPublishes`, then `PublishBufferFullError`) until it lifts.
   */
  blocked?: string;
}

export interface AmqpTransportOptions extends ConnectionOptions, PublisherOptions, QueueOptions {
  /** Default silent. */
  logger?: Logger;
  /** Default 100. */
  defaultPrefetch?: number;
  /**
   * Largest message body accepted, in bytes. Consumers dead-letter larger ones unread
   * (`message-too-large`) and `publish` refuses them ({@link MessageTooLargeError}). Default 1 MiB.
   */
  maxMessageBytes?: number;
  /** Deepest JSON nesting consumers accept; deeper messages are dead-lettered (`too-deeply-nested`). Default 64. */
  maxJsonDepth?: number;
}

export class AmqpTransport implements Transport {
  readonly name = 'amqp';
  private readonly manager: ConnectionManager;
  private readonly publisher: ConfirmPublisher;
  private readonly requester: AmqpRequester;
  private readonly topologies: TopologySpec[] = [];
  private readonly subscriptions = new Map<string, SubscriptionInfo>();
  private readonly consumers = new Set<AmqpConsumer>();
  private readonly log: Logger;
  private closing: Promise<void> | undefined;

  /** Connects (retrying with backoff up to `connectTimeoutMs`) and resolves once connected. */
  static async connect(options: AmqpTransportOptions = {}): Promise<AmqpTransport> {
    // A missing amqplib is an installation mistake: say so at once rather than retry connecting.
    await loadAmqplib();
    const transport = new AmqpTransport(options);
    await transport.manager.start();
    return transport;
  }

  private constructor(private readonly options: AmqpTransportOptions) {
    this.log = safeLogger(options.logger);
    this.manager = new ConnectionManager(options, this.log);
    this.manager.onConnected(() => this.redeclare());
    this.publisher = new ConfirmPublisher(this.manager, options, this.log);
    this.requester = new AmqpRequester(this.manager, this.log);
    this.manager.onConnected(async () => {
      for (const consumer of this.consumers) await consumer.start();
    });
  }

  async declareTopology(spec: TopologySpec): Promise<void> {
    this.assertOpen();
    const model = this.manager.connection;
    if (model === undefined) throw new NotConnectedError('cannot declare topology while disconnected');
    const channel = await this.manager.openChannel('plain', 'topology');
    try {
      await declareTopology(channel, spec, this.options);
    } catch (error) {
      throw new Error(`topology declaration failed: ${this.manager.redact(error)}`, { cause: error });
    } finally {
      await channel.close().catch(() => {});
    }
    this.topologies.push(spec);
    for (const subscription of spec.subscriptions ?? []) {
      const info = subscriptionInfo(subscription, this.options);
      this.subscriptions.set(subscription.name, info);
    }
  }

  publish(envelope: Envelope, target: PublishTarget): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new TransportClosedError());
    const content = serializeEnvelope(envelope);
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (content.length > limit) return Promise.reject(new MessageTooLargeError(content.length, limit));
    const { exchange, routingKey } = routeOf(target);
    return this.publisher.publish({ exchange, routingKey, content, options: publishOptions(envelope, target) });
  }

  async subscribe(spec: ConsumeSpec, handler: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    const subscription = this.subscriptions.get(spec.subscription);
    if (subscription === undefined) throw new Error(`subscription '${spec.subscription}' is not part of a topology declared on this transport; call declareTopology first`);
    const consumer = new AmqpConsumer(
      this.manager,
      this.publisher,
      { subscription, prefetch: spec.prefetch ?? this.options.defaultPrefetch ?? 100, handler, onOutcome: spec.onOutcome, redeclare: () => this.redeclare() },
      this.log,
    );
    this.consumers.add(consumer);
    try {
      if (this.manager.connection !== undefined) await consumer.start();
    } catch (error) {
      this.consumers.delete(consumer);
      throw new Error(`cannot consume from '${spec.subscription}': ${this.manager.redact(error)}`, { cause: error });
    }
    return {
      name: spec.subscription,
      cancel: async (options) => {
        this.consumers.delete(consumer);
        const timeoutMs = options?.timeoutMs ?? 10_000;
        // EventClient.close() cancels its subscriptions before closing the transport, so this is
        // where a shutdown that gave up on running handlers must say so (shutdown() never sees them).
        const drained = await consumer.cancel(timeoutMs);
        if (!drained) this.log({ level: 'warn', event: 'amqp.consumer.cancel_timeout', subscription: spec.subscription, timeoutMs, inFlight: consumer.health().inFlight });
      },
    };
  }

  request(envelope: Envelope, target: PublishTarget, options: RequestOptions): Promise<Envelope> {
    if (this.closing !== undefined) return Promise.reject(new TransportClosedError());
    return this.requester.request(envelope, target, options.timeoutMs);
  }

  health(): TransportHealth<AmqpHealthDetails> {
    const consumers = [...this.consumers].map((consumer) => consumer.health());
    const status = this.manager.status;
    const details: AmqpHealthDetails = { channels: this.manager.channels };
    if (this.manager.blockedReason !== undefined) details.blocked = this.manager.blockedReason;
    const health: TransportHealth<AmqpHealthDetails> = {
      transport: 'amqp',
      status,
      healthy: status === 'connected' && consumers.every((consumer) => consumer.active),
      consumers,
      publisher: this.publisher.stats,
      reconnects: this.manager.reconnects,
      details,
    };
    if (this.manager.lastError !== undefined) health.lastError = this.manager.lastError;
    return health;
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? 10_000);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const remaining = (): number => Math.max(0, deadline - Date.now());
    const consumers = [...this.consumers];
    this.consumers.clear();
    const drained = await Promise.all(consumers.map((consumer) => consumer.cancel(remaining())));
    // Handlers may have published while draining; give those confirms the rest of the budget.
    const flushed = await this.publisher.whenIdle(remaining());
    if (!drained.every(Boolean) || !flushed) {
      this.log({ level: 'warn', event: 'amqp.close.timeout', timeoutMs, handlersDrained: drained.every(Boolean), publishesConfirmed: flushed });
    }
    this.requester.close();
    await this.publisher.close();
    await this.manager.close();
    this.log({ level: 'info', event: 'amqp.closed' });
  }

  private async redeclare(): Promise<void> {
    if (this.topologies.length === 0) return;
    const channel = await this.manager.openChannel('plain', 'topology');
    try {
      for (const spec of this.topologies) await declareTopology(channel, spec, this.options);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new TransportClosedError();
  }
}
