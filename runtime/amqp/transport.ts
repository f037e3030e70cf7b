/**
 * The RabbitMQ {@link Transport}: one connection, one confirm channel for publishing, one channel
 * per consumer, one lazily opened channel for request/reply. After every reconnect the hooks run in
 * this order: topology, publisher (flushes the buffer into the re-declared exchanges), consumers.
 */
import type { Options } from 'amqplib';
import { DEFAULT_MAX_JSON_DEPTH, serializeEnvelope, type Envelope } from '../envelope.js';
import { MessageTooLargeError, NotConnectedError, TransportClosedError } from '../errors.js';
import { safeLogger, type Logger } from '../observability.js';
import type { QueueSpec, TopologySpec } from '../topology.js';
import type { CloseOptions, DeliveryHandler, PublishRoute, RequestOptions, SubscribeSpec, Subscription, Transport, TransportHealth } from '../transport.js';
import { ConnectionManager, type ConnectionOptions } from './connection.js';
import { AmqpConsumer } from './consumer.js';
import { ALL_TENANTS, CONTENT_TYPE, TENANT_HEADER } from './headers.js';
import { ConfirmPublisher, type PublisherOptions } from './publisher.js';
import { AmqpRequester } from './requester.js';
import { declareTopology } from './topology.js';

export interface AmqpTransportOptions extends ConnectionOptions, PublisherOptions {
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

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

export class AmqpTransport implements Transport {
  private readonly manager: ConnectionManager;
  private readonly publisher: ConfirmPublisher;
  private readonly requester: AmqpRequester;
  private readonly topologies: TopologySpec[] = [];
  private readonly queues = new Map<string, QueueSpec>();
  private readonly consumers = new Set<AmqpConsumer>();
  private readonly log: Logger;
  private closing: Promise<void> | undefined;

  /** Connects (retrying with backoff up to `connectTimeoutMs`) and resolves once connected. */
  static async connect(options: AmqpTransportOptions = {}): Promise<AmqpTransport> {
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
      await declareTopology(channel, spec);
    } catch (error) {
      throw new Error(`topology declaration failed: ${this.manager.redact(error)}`, { cause: error });
    } finally {
      await channel.close().catch(() => {});
    }
    this.topologies.push(spec);
    for (const queue of spec.queues ?? []) this.queues.set(queue.name, queue);
  }

  publish(envelope: Envelope, route: PublishRoute): Promise<void> {
    if (this.closing !== undefined) return Promise.reject(new TransportClosedError());
    const content = serializeEnvelope(envelope);
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (content.length > limit) return Promise.reject(new MessageTooLargeError(content.length, limit));
    const options: Options.Publish = {
      messageId: envelope.id,
      contentType: CONTENT_TYPE,
      type: envelope.type,
      timestamp: Math.floor(Date.parse(envelope.time) / 1000),
      persistent: route.persistent ?? true,
      mandatory: route.mandatory ?? true,
      priority: route.priority ?? 0,
      headers: { [TENANT_HEADER]: envelope.tenantid ?? ALL_TENANTS },
    };
    if (envelope.correlationid !== undefined) options.correlationId = envelope.correlationid;
    return this.publisher.publish({ exchange: route.exchange, routingKey: route.routingKey, content, options });
  }

  async subscribe(spec: SubscribeSpec, handler: DeliveryHandler): Promise<Subscription> {
    this.assertOpen();
    const queue = this.queues.get(spec.queue);
    if (queue === undefined) throw new Error(`queue '${spec.queue}' is not part of a topology declared on this transport; call declareTopology first`);
    const consumer = new AmqpConsumer(
      this.manager,
      this.publisher,
      {
        queue,
        prefetch: spec.prefetch ?? this.options.defaultPrefetch ?? 100,
        handler,
        onOutcome: spec.onOutcome,
        redeclare: () => this.redeclare(),
        maxMessageBytes: this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
        maxJsonDepth: this.options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
      },
      this.log,
    );
    this.consumers.add(consumer);
    try {
      if (this.manager.connection !== undefined) await consumer.start();
    } catch (error) {
      this.consumers.delete(consumer);
      throw new Error(`cannot consume from '${spec.queue}': ${this.manager.redact(error)}`, { cause: error });
    }
    return {
      queue: spec.queue,
      cancel: async (options) => {
        this.consumers.delete(consumer);
        const timeoutMs = options?.timeoutMs ?? 10_000;
        // EventClient.close() cancels its subscriptions before closing the transport, so this is
        // where a shutdown that gave up on running handlers must say so (shutdown() never sees them).
        const drained = await consumer.cancel(timeoutMs);
        if (!drained) this.log({ level: 'warn', event: 'amqp.consumer.cancel_timeout', queue: spec.queue, timeoutMs, inFlight: consumer.health().inFlight });
      },
    };
  }

  request(envelope: Envelope, route: PublishRoute, options: RequestOptions): Promise<Envelope> {
    if (this.closing !== undefined) return Promise.reject(new TransportClosedError());
    return this.requester.request(envelope, route, options.timeoutMs);
  }

  health(): TransportHealth {
    const consumers = [...this.consumers].map((consumer) => consumer.health());
    const status = this.manager.status;
    const health: TransportHealth = {
      transport: 'amqp',
      status,
      healthy: status === 'connected' && consumers.every((consumer) => consumer.active),
      channels: this.manager.channels,
      consumers,
      publisher: this.publisher.stats,
      reconnects: this.manager.reconnects,
    };
    if (this.manager.lastError !== undefined) health.lastError = this.manager.lastError;
    if (this.manager.blockedReason !== undefined) health.blocked = this.manager.blockedReason;
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
      for (const spec of this.topologies) await declareTopology(channel, spec);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new TransportClosedError();
  }
}
