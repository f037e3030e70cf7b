/**
 * The Redis Streams {@link Transport} (node-redis). Publishing is XADD: it resolves once Redis
 * has the entry, which survives a crash of Redis only as far as its persistence does (AOF with
 * `appendfsync always`, or WAIT for replicas: see the README). Each subscription is a consumer
 * group, load-balanced across a service's replicas, one consumer per process; retries wait in a
 * sorted set per group until due; dead letters go to a stream per group. Commands get their
 * replies on a stream of the requester's own. Naming: names.ts.
 */
import { randomUUID } from 'node:crypto';
import { envelopeText, parseEnvelope, type Envelope } from '../envelope.js';
import { MessageTooLargeError, NotConnectedError, RequestTimeoutError, TransportClosedError, UnroutableError, errorMessage } from '../errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../limits.js';
import { subscriptionInfo } from '../consume/subscription.js';
import { safeLogger, type Logger } from '../observability.js';
import { ALL_TENANTS, type SubscriptionSpec, type TopologySpec } from '../topology.js';
import type { CloseOptions, ConsumeSpec, MessageHandler, PublishTarget, RequestOptions, Subscription, SubscriptionInfo, Transport, TransportHealth, TransportStatus } from '../transport.js';
import { DEFAULT_REDIS_URL, loadRedis, type RedisConnection } from './client.js';
import { RedisConsumer } from './consumer.js';
import { CONTENT_TYPE, FIELD, field, readStreams } from './entries.js';
import { RedisNames } from './names.js';
import { Realtime, type RealtimeOptions } from './realtime.js';
import { Retention, type RetentionOptions } from './retention.js';
import { RouteTable } from './routes.js';

export interface RedisTransportOptions {
  /** Default `REDIS_URL`, else redis://127.0.0.1:6379. */
  url?: string;
  /** Key prefix of every stream, set and group this transport makes. Default `eventsmith`. */
  prefix?: string;
  /** Shown by `CLIENT LIST` as the connection's name. */
  connectionName?: string;
  /** Default silent. */
  logger?: Logger;
  /** Default 100. */
  defaultPrefetch?: number;
  /** A consumer's pending entry idle this long is taken over by a living consumer (XREADGROUP … CLAIM on Redis 8.4+, else XAUTOCLAIM). Default 30 s. */
  claimIdleMs?: number;
  /**
   * Trim streams on every append, by count or by age (approximately unless `exact`). Default: no
   * trimming. Trimming removes entries whether or not every group has read them: the transport
   * warns when a group's unread entries are at risk (`health().details.retentionWarnings`).
   */
  retention?: RetentionOptions;
  /**
   * Destinations delivered over Pub/Sub instead of streams: real-time and AT-MOST-ONCE (see
   * realtime.ts), e.g. `{ destinations: ['notification.#'] }` for UI notifications.
   */
  realtime?: RealtimeOptions;
  /** Consumers dead-letter larger bodies unread, and publish refuses them. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Deeper JSON is dead-lettered (`too-deeply-nested`). Default 64. */
  maxJsonDepth?: number;
}

/** What `health().details` holds on Redis. */
export interface RedisHealthDetails {
  url: string;
  /** Times a group was found with unread or unacknowledged entries that trimming would remove. */
  retentionWarnings: number;
}

interface DeclaredSubscription {
  spec: SubscriptionSpec;
  info: SubscriptionInfo;
  streams: { urgent: string[]; normal: string[] };
}

interface PendingReply {
  resolve(envelope: Envelope): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RedisTransport implements Transport {
  readonly name = 'redis';
  private readonly names: RedisNames;
  private readonly routes: RouteTable;
  private readonly retention: Retention;
  private readonly realtime: Realtime;
  private readonly log: Logger;
  private readonly subscriptions = new Map<string, DeclaredSubscription>();
  private readonly consumers = new Set<RedisConsumer>();
  private readonly readers = new Set<RedisConnection>();
  private readonly pendingReplies = new Map<string, PendingReply>();
  private replyReader: { connection: RedisConnection; loop: Promise<void> } | undefined;
  private readonly replyStream: string;
  private closing: Promise<void> | undefined;
  private reconnects = 0;
  private lastError: string | undefined;

  /** Connects and resolves once Redis answers. */
  static async connect(options: RedisTransportOptions = {}): Promise<RedisTransport> {
    const redis = await loadRedis();
    const url = options.url ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
    const client = redis.createClient({
      url,
      ...(options.connectionName === undefined ? {} : { name: options.connectionName }),
      // Probe often while Redis is away, so a restart is noticed within a fraction of a second.
      socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000) },
    }) as unknown as RedisConnection;
    const transport = new RedisTransport(client, url, options);
    await client.connect();
    return transport;
  }

  private constructor(
    private readonly client: RedisConnection,
    private readonly url: string,
    private readonly options: RedisTransportOptions,
  ) {
    this.names = new RedisNames(options.prefix);
    this.log = safeLogger(options.logger);
    this.routes = new RouteTable(client, this.names);
    this.retention = new Retention(client, options.retention ?? {}, this.log);
    this.realtime = new Realtime(client, this.names.prefix, options.realtime, this.log);
    this.replyStream = this.names.reply(randomUUID());
    this.watch(client, 'commands');
  }

  async declareTopology(spec: TopologySpec): Promise<void> {
    this.assertOpen();
    for (const subscription of spec.subscriptions ?? []) {
      const streams = this.names.subscriptionStreams(subscription);
      // New groups start at the end of their streams: a subscription takes what is published after it exists, as a new queue does.
      for (const stream of [...streams.urgent, ...streams.normal]) await this.createGroup(stream, subscription.name, '$');
      for (const [stream, patterns] of this.takenPatterns(subscription)) await this.routes.record(stream, subscription.name, patterns);
      const info = subscriptionInfo(subscription, this.options);
      this.subscriptions.set(subscription.name, { spec: subscription, info, streams });
    }
  }

  publish(envelope: Envelope, target: PublishTarget): Promise<unknown> {
    if (this.closing !== undefined) return Promise.reject(new TransportClosedError());
    return this.append(envelope, target, undefined);
  }

  async subscribe(spec: ConsumeSpec, handler: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    const declared = this.subscriptions.get(spec.subscription);
    if (declared === undefined) throw new Error(`subscription '${spec.subscription}' is not part of a topology declared on this transport; call declareTopology first`);
    const reader = this.client.duplicate() as RedisConnection;
    this.watch(reader, `consumer:${spec.subscription}`);
    await reader.connect();
    this.readers.add(reader);
    const consumer = new RedisConsumer(
      this.client,
      reader,
      this.names,
      {
        subscription: declared.info,
        sources: declared.spec.sources,
        service: declared.spec.service,
        streams: declared.streams,
        prefetch: spec.prefetch ?? this.options.defaultPrefetch ?? 100,
        handler,
        onOutcome: spec.onOutcome,
        claimIdleMs: this.options.claimIdleMs ?? 30_000,
        redeclare: () => this.redeclare(),
        realtime: this.realtime,
      },
      this.log,
    );
    this.consumers.add(consumer);
    await consumer.start();
    return {
      name: spec.subscription,
      cancel: async (options) => {
        this.consumers.delete(consumer);
        const timeoutMs = options?.timeoutMs ?? 10_000;
        const drained = await consumer.cancel(timeoutMs);
        if (!drained) this.log({ level: 'warn', event: 'redis.consumer.cancel_timeout', subscription: spec.subscription, timeoutMs });
        await this.closeReader(reader);
        await consumer.finished();
      },
    };
  }

  async request(envelope: Envelope, target: PublishTarget, options: RequestOptions): Promise<Envelope> {
    this.assertOpen();
    if (!this.client.isReady) throw new NotConnectedError('cannot send a request while disconnected from Redis');
    if (this.pendingReplies.has(envelope.id)) throw new Error(`a request with id ${envelope.id} is already waiting for its reply`);
    await this.ensureReplyReader();
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => this.failReply(envelope.id, new RequestTimeoutError(envelope.type, options.timeoutMs)), options.timeoutMs);
      this.pendingReplies.set(envelope.id, { resolve, reject, timer });
      this.append(envelope, target, this.replyStream).catch((error: unknown) => this.failReply(envelope.id, error instanceof Error ? error : new Error(String(error))));
    });
  }

  /**
   * Calls `listener` with every real-time notification for one user (published to a destination in
   * `realtime.destinations` with the user in its payload) from now on: for a gateway pushing to a
   * user's open sessions. At-most-once: nothing sent while not listening is kept. Returns how to stop.
   */
  listenForUser(userId: string, listener: (envelope: Envelope) => void): Promise<() => Promise<void>> {
    this.assertOpen();
    return this.realtime.listenForUser(userId, listener);
  }

  health(): TransportHealth<RedisHealthDetails> {
    const consumers = [...this.consumers].map((consumer) => consumer.health());
    const status = this.status();
    const health: TransportHealth<RedisHealthDetails> = {
      transport: 'redis',
      status,
      healthy: status === 'connected' && consumers.every((consumer) => consumer.active),
      consumers,
      publisher: { inFlight: 0, buffered: 0 },
      reconnects: this.reconnects,
      details: { url: redactUrl(this.url), retentionWarnings: this.retention.warnings },
    };
    const lastError = this.lastError ?? [...this.consumers].map((consumer) => consumer.error).find((error) => error !== undefined);
    if (lastError !== undefined) health.lastError = lastError;
    return health;
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? 10_000);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    this.retention.stop();
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.cancel(timeoutMs)));
    for (const id of [...this.pendingReplies.keys()]) this.failReply(id, new TransportClosedError());
    const replyReader = this.replyReader;
    this.replyReader = undefined;
    if (replyReader !== undefined) {
      await this.closeReader(replyReader.connection);
      await replyReader.loop.catch(() => {});
      await this.client.sendCommand(['DEL', this.replyStream]).catch(() => {});
    }
    for (const reader of [...this.readers]) await this.closeReader(reader);
    await this.realtime.close();
    await this.client.close().catch(() => this.client.destroy());
    this.log({ level: 'info', event: 'redis.closed' });
  }

  /** The destinations `subscription` takes from each stream it reads (its own service stream: all). */
  private takenPatterns(subscription: SubscriptionSpec): Map<string, string[]> {
    const taken = new Map<string, string[]>();
    for (const source of subscription.sources) {
      for (const stream of this.names.streamsOf(source)) taken.set(stream, [...(taken.get(stream) ?? []), source.destination]);
    }
    if (subscription.service !== undefined) taken.set(this.names.service(subscription.service), ['#']);
    return taken;
  }

  /** A plain function, not an async one: the usual publish then costs the XADD's promise and no await of its own. */
  private append(envelope: Envelope, target: PublishTarget, replyTo: string | undefined): Promise<unknown> {
    try {
      // Text, not a Buffer: XADD writes it within the command's protocol string (see envelopeText).
      const body = envelopeText(envelope);
      const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
      // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4): a text that
      // fits counted so is not measured byte by byte, which cost ~0.4 µs per message.
      if (body.length * 3 > limit) {
        const bytes = Buffer.byteLength(body, 'utf8');
        if (bytes > limit) throw new MessageTooLargeError(bytes, limit);
      }
      if (replyTo === undefined && target.service === undefined && this.realtime.covers(target.destination)) {
        return this.realtime.publish(envelope, Buffer.from(body, 'utf8'), target.kind, target.destination);
      }
      const base = target.service === undefined ? this.names.stream(target.kind, target.bindings) : this.names.service(target.service);
      // The route table answers from memory almost always; it asks Redis only when it does not know.
      if ((target.mandatory ?? true) && !this.routes.known(base, target.destination)) return this.appendIfRouted(envelope, target, replyTo, body, base);
      return this.xadd(envelope, target, replyTo, body, base);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async appendIfRouted(envelope: Envelope, target: PublishTarget, replyTo: string | undefined, body: string, base: string): Promise<void> {
    if (!(await this.routes.takes(base, target.destination))) throw new UnroutableError(target.destination, `no subscription reads it from stream '${base}'`);
    await this.xadd(envelope, target, replyTo, body, base);
  }

  private xadd(envelope: Envelope, target: PublishTarget, replyTo: string | undefined, body: string, base: string): Promise<unknown> {
    const stream = this.names.byUrgency(base, target.urgency);
    const tenant = envelope.tenantid ?? ALL_TENANTS;
    // One array literal in the usual case (no trimming): pushing fourteen arguments one by one grows it several times.
    const command: string[] = this.retention.enabled
      ? ['XADD', stream, ...this.retention.trimArguments(stream), '*', FIELD.body, body, FIELD.contentType, CONTENT_TYPE, FIELD.type, envelope.type, FIELD.destination, target.destination, FIELD.tenant, tenant]
      : ['XADD', stream, '*', FIELD.body, body, FIELD.contentType, CONTENT_TYPE, FIELD.type, envelope.type, FIELD.destination, target.destination, FIELD.tenant, tenant];
    if (replyTo !== undefined) command.push(FIELD.replyTo, replyTo, FIELD.correlation, envelope.id);
    // XADD's answer (the entry id) as it is: see Transport.publish.
    return this.client.sendCommand(command);
  }


  private async ensureReplyReader(): Promise<void> {
    if (this.replyReader !== undefined) return;
    const connection = this.client.duplicate() as RedisConnection;
    this.watch(connection, 'replies');
    await connection.connect();
    this.readers.add(connection);
    const reader = { connection, loop: Promise.resolve() };
    this.replyReader = reader;
    reader.loop = this.readReplies(connection);
  }

  private async readReplies(connection: RedisConnection): Promise<void> {
    let last = '0-0';
    while (this.replyReader?.connection === connection) {
      try {
        const entries = readStreams(await connection.sendCommand(['XREAD', 'COUNT', '100', 'BLOCK', '1000', 'STREAMS', this.replyStream, last]));
        for (const entry of entries) {
          last = entry.id;
          const id = field(entry, FIELD.correlation);
          const pending = id === undefined ? undefined : this.pendingReplies.get(id);
          if (pending === undefined || id === undefined) continue;
          const parsed = parseEnvelope(entry.fields.get(FIELD.body) ?? Buffer.alloc(0));
          if (parsed.ok) {
            this.pendingReplies.delete(id);
            clearTimeout(pending.timer);
            pending.resolve(parsed.envelope);
          } else {
            this.failReply(id, new Error(`invalid reply (${parsed.reason}): ${parsed.detail}`));
          }
        }
      } catch (error) {
        if (this.replyReader?.connection !== connection) return;
        this.lastError = errorMessage(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private failReply(id: string, error: Error): void {
    const pending = this.pendingReplies.get(id);
    if (pending === undefined) return;
    this.pendingReplies.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private async createGroup(stream: string, group: string, start: string): Promise<void> {
    try {
      await this.client.sendCommand(['XGROUP', 'CREATE', stream, group, start, 'MKSTREAM']);
    } catch (error) {
      if (!/BUSYGROUP/.test(errorMessage(error))) throw error;
    }
  }

  /** After Redis lost its groups (restarted without persistence): create them again, from the start of what it has. */
  private async redeclare(): Promise<void> {
    for (const { spec, streams } of this.subscriptions.values()) {
      for (const stream of [...streams.urgent, ...streams.normal]) await this.createGroup(stream, spec.name, '0');
    }
    this.log({ level: 'warn', event: 'redis.topology.redeclared' });
  }

  private status(): TransportStatus {
    if (this.closing !== undefined) return this.client.isOpen ? 'closing' : 'closed';
    if (this.client.isReady) return 'connected';
    return this.client.isOpen ? 'reconnecting' : 'connecting';
  }

  private watch(connection: RedisConnection, label: string): void {
    connection.on('error', (error: unknown) => {
      this.lastError = redactText(errorMessage(error), this.url);
      this.log({ level: 'warn', event: 'redis.connection.error', connection: label, error: this.lastError });
    });
    if (label === 'commands') {
      // One reconnect per lost connection, as on RabbitMQ: node-redis says 'reconnecting' before every attempt.
      let lost = false;
      connection.on('reconnecting', () => {
        if (!lost) this.reconnects++;
        lost = true;
        this.log({ level: 'info', event: 'redis.reconnecting', reconnects: this.reconnects });
      });
      connection.on('ready', () => {
        lost = false;
      });
    }
  }

  private async closeReader(reader: RedisConnection): Promise<void> {
    if (!this.readers.delete(reader)) return;
    // A blocked XREADGROUP would hold close() for up to its block time; the reader has nothing left to say.
    reader.destroy();
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new TransportClosedError();
  }
}


function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}

function redactText(text: string, url: string): string {
  const password = /\/\/[^:@/]*:([^@/]*)@/.exec(url)?.[1];
  return password === undefined || password === '' ? text : text.split(password).join('***');
}
