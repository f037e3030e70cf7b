/**
 * The Kafka {@link Transport} (@platformatic/kafka, a pure TypeScript client). Publishing is an
 * idempotent produce with acks=all, many records in flight (producer.ts); each subscription is a
 * consumer group, committing only after settlement and in order per partition (consumer.ts);
 * records travel in the CloudEvents Kafka binding (wire.ts); topic names: names.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Admin } from '@platformatic/kafka';
import { parseEnvelope, type Envelope } from '../envelope.js';
import { MessageTooLargeError, NotConnectedError, RequestTimeoutError, TransportClosedError, UnroutableError, errorMessage } from '../errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../limits.js';
import { subscriptionInfo } from '../consume/subscription.js';
import { safeLogger, type Logger } from '../observability.js';
import { ALL_TENANTS, type ChannelSpec, type SubscriptionSpec, type TopologySpec } from '../topology.js';
import type { CloseOptions, ConsumeSpec, ConsumerHealth, MessageHandler, PublishTarget, RequestOptions, Subscription, SubscriptionInfo, Transport, TransportHealth, TransportStatus } from '../transport.js';
import { closeConsumer, defaultBrokers, kafkaErrorText, loadKafka, type PlatformaticKafka } from './client.js';
import { KafkaConsumer, type KafkaConsumerClient } from './consumer.js';
import { KafkaNames } from './names.js';
import type { OffsetReset } from './offset-reset.js';
import { BatchingProducer, type KafkaProducer, type OutgoingRecord } from './producer.js';
import { TopicAdmin, topicSettings, type StartPosition, type TopicSettings } from './topics.js';
import { HEADER, TEXT_DESERIALIZERS, encodeEnvelope, type Headers, type WireMode } from './wire.js';

export interface KafkaTransportOptions {
  /** `host:port` of one or more brokers. Default `KAFKA_BOOTSTRAP`, else 127.0.0.1:19092 (scripts/kafka-broker). */
  brokers?: readonly string[];
  /** Shown in the broker's logs and quotas. Default `eventsmith`. */
  clientId?: string;
  /** Default silent. */
  logger?: Logger;
  /** CloudEvents Kafka binding mode. Default `binary` (ce_ headers, the data as value). */
  mode?: WireMode;
  /** Create the topics a topology needs when they are missing. Default true; false where only operators create topics. */
  createTopics?: boolean;
  /** Partitions of a topic the catalogue says nothing about. Default 3. */
  partitions?: number;
  /** Replicas of a new topic. Default 1 (a single local broker); 3 on a real cluster, with min.insync.replicas 2. */
  replicationFactor?: number;
  /** Configuration of every new topic (e.g. `{ 'retention.ms': '604800000' }`), under what the catalogue's binding says. */
  topicConfig?: Readonly<Record<string, string>>;
  /** Where a newly declared subscription starts: `latest` (what is published from now on, the default) or `earliest`, a time or offsets. */
  start?: StartPosition;
  /**
   * Where a subscription goes when records it had not read yet were deleted (retention ran out, the
   * topic was emptied): `earliest`, the first record still held (the default), or `latest`, the end.
   * Either way it warns (`kafka.consumer.offset_reset`) and counts the records skipped in health.
   */
  offsetReset?: OffsetReset;
  /**
   * Retry a failed event in place, holding its key and its partition's position, instead of through
   * the retry topics (which let later events overtake it). `true` for every subscription, or the
   * names of those whose events must never overtake one another.
   */
  inPlaceRetries?: boolean | readonly string[];
  /** Default 100. */
  defaultPrefetch?: number;
  /** A member silent this long is dropped from its group and its partitions move. Default 10 s. */
  sessionTimeoutMs?: number;
  /** Default 1 s. */
  heartbeatIntervalMs?: number;
  /** Consumers dead-letter larger bodies unread, and publish refuses them. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Deeper JSON is dead-lettered (`too-deeply-nested`). Default 64. */
  maxJsonDepth?: number;
  /** Records waiting for the broker before publish refuses (PublishBufferFullError). Default 10,000. */
  maxBufferedPublishes?: number;
}

/** What `health().details` holds on Kafka. */
export interface KafkaHealthDetails {
  brokers: string[];
  /** Per subscription, the partitions assigned to this process (`topic:partition`). */
  assignments: Record<string, string[]>;
  /** Per subscription and partition, records not yet committed by its group. */
  partitionLag: Record<string, Record<string, number>>;
  /** Per subscription and partition, records skipped because the broker no longer held them (retention), since this process started. */
  skipped: Record<string, Record<string, number>>;
}

interface DeclaredSubscription {
  spec: SubscriptionSpec;
  info: SubscriptionInfo;
  topics: Map<string, string[] | undefined>;
  retryTopics: string[];
}

interface PendingReply {
  resolve(envelope: Envelope): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class KafkaTransport implements Transport {
  readonly name = 'kafka';
  private readonly names = new KafkaNames();
  private readonly log: Logger;
  private readonly topics: TopicAdmin;
  private readonly producer: BatchingProducer;
  private readonly subscriptions = new Map<string, DeclaredSubscription>();
  private readonly consumers = new Set<KafkaConsumer>();
  private readonly pendingReplies = new Map<string, PendingReply>();
  private replies: { topic: string; consumer: KafkaConsumerClient; ready: Promise<void> } | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  /** Connects and resolves once a broker answers. */
  static async connect(options: KafkaTransportOptions = {}): Promise<KafkaTransport> {
    const kafka = await loadKafka();
    const brokers = [...(options.brokers ?? defaultBrokers())];
    const clientId = options.clientId ?? 'eventsmith';
    const admin = new kafka.Admin({ clientId: `${clientId}-admin`, bootstrapBrokers: brokers, timeout: 10_000, retries: 3 });
    try {
      await admin.metadata({ topics: [] });
    } catch (error) {
      await admin.close().catch(() => {});
      throw new NotConnectedError(`cannot reach a Kafka broker at ${brokers.join(', ')}: ${kafkaErrorText(error)} (locally: bash scripts/kafka-broker ensure)`);
    }
    const producer: KafkaProducer = new kafka.Producer({
      clientId: `${clientId}-producer`,
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: kafka.ProduceAcks.ALL,
      // Keys land where a Java client would put them (murmur2), so mixed-language producers agree on partitions.
      // The client takes the result modulo the topic's partition count.
      partitioner: (_message, key) => (key === undefined ? roundRobin() : kafka.murmur2(key) & 0x7fffffff),
      serializers: { key: kafka.stringSerializer, value: kafka.noopSerializer, headerKey: kafka.stringSerializer, headerValue: kafka.stringSerializer },
      timeout: 10_000,
      retries: 0,
    });
    return new KafkaTransport(kafka, admin, producer, brokers, clientId, options);
  }

  private constructor(
    private readonly kafka: PlatformaticKafka,
    private readonly admin: Admin,
    private readonly kafkaProducer: KafkaProducer,
    private readonly brokers: string[],
    private readonly clientId: string,
    private readonly options: KafkaTransportOptions,
  ) {
    this.log = safeLogger(options.logger);
    this.topics = new TopicAdmin(admin);
    this.producer = new BatchingProducer(kafkaProducer, this.log, { maxBuffered: options.maxBufferedPublishes ?? 10_000 });
  }

  async declareTopology(spec: TopologySpec): Promise<void> {
    this.assertOpen();
    const wanted = new Map<string, TopicSettings>();
    const defaults = this.topicDefaults();
    const want = (topic: string, settings: TopicSettings) => {
      if (!wanted.has(topic)) wanted.set(topic, settings);
    };
    for (const channel of spec.channels ?? []) for (const topic of this.channelTopics(channel)) want(topic, topicSettings(channel.bindings, defaults));
    const declared: DeclaredSubscription[] = [];
    for (const subscription of spec.subscriptions ?? []) {
      const info = subscriptionInfo(subscription, this.options);
      const topics = new Map<string, string[] | undefined>();
      for (const source of subscription.sources) {
        for (const topic of this.names.topicsOf(source)) {
          want(topic, topicSettings(source.bindings, defaults));
          const taken = topics.get(topic);
          topics.set(topic, taken === undefined && topics.has(topic) ? undefined : [...(taken ?? []), source.destination]);
        }
      }
      if (subscription.service !== undefined) {
        const inbox = this.names.inbox(subscription.service);
        want(inbox, defaults);
        topics.set(inbox, undefined);
      }
      const retryTopics = this.names.retryTopics(subscription.name, info.retry.maxAttempts);
      for (const topic of retryTopics) want(topic, defaults);
      want(this.names.deadLetters(subscription.name), { ...defaults, partitions: 1 });
      declared.push({ spec: subscription, info, topics, retryTopics });
    }
    if (this.options.createTopics ?? true) await this.topics.ensure(wanted);
    for (const subscription of declared) {
      await this.topics.initialisePositions(subscription.spec.name, [...subscription.topics.keys(), ...subscription.retryTopics], this.options.start ?? 'latest');
      this.subscriptions.set(subscription.spec.name, subscription);
    }
  }

  publish(envelope: Envelope, target: PublishTarget): Promise<void> {
    // Not async: once its topics are known a record is built at once, and the producer's promise is
    // the only one per publish (every publish goes through here).
    try {
      if (this.closing !== undefined) throw new TransportClosedError();
      const record = this.record(envelope, target, undefined);
      return record instanceof Promise ? record.then((ready) => this.producer.send(ready)) : this.producer.send(record);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async subscribe(spec: ConsumeSpec, handler: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    const declared = this.subscriptions.get(spec.subscription);
    if (declared === undefined) throw new Error(`subscription '${spec.subscription}' is not part of a topology declared on this transport; call declareTopology first`);
    const client: KafkaConsumerClient = new this.kafka.Consumer<string, Buffer, string, string>({
      clientId: `${this.clientId}-${spec.subscription}`,
      groupId: spec.subscription,
      bootstrapBrokers: this.brokers,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeout: Math.max(this.options.sessionTimeoutMs ?? 10_000, 30_000),
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 1000,
      maxWaitTime: 500,
      autocommit: false,
      timeout: 10_000,
    });
    const inPlace = this.options.inPlaceRetries;
    const consumer = new KafkaConsumer(
      client,
      {
        subscription: declared.info,
        topics: declared.topics,
        retryTopics: declared.retryTopics,
        prefetch: spec.prefetch ?? this.options.defaultPrefetch ?? 100,
        inPlaceRetries: inPlace === true || (Array.isArray(inPlace) && inPlace.includes(spec.subscription)),
        handler,
        onOutcome: spec.onOutcome,
        names: this.names,
        produce: (record) => this.producer.send(record),
        offsetReset: this.options.offsetReset ?? 'earliest',
      },
      this.log,
    );
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.cancel(0);
      throw new Error(`cannot consume subscription '${spec.subscription}': ${kafkaErrorText(error)}`, { cause: error });
    }
    return {
      name: spec.subscription,
      cancel: async (options) => {
        const timeoutMs = options?.timeoutMs ?? 10_000;
        const drained = await consumer.cancel(timeoutMs);
        this.consumers.delete(consumer);
        if (!drained) this.log({ level: 'warn', event: 'kafka.consumer.cancel_timeout', subscription: spec.subscription, timeoutMs });
      },
    };
  }

  async request(envelope: Envelope, target: PublishTarget, options: RequestOptions): Promise<Envelope> {
    this.assertOpen();
    if (this.pendingReplies.has(envelope.id)) throw new Error(`a request with id ${envelope.id} is already waiting for its reply`);
    const replies = await this.ensureReplies();
    const record = await this.record(envelope, target, replies.topic);
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => this.failReply(envelope.id, new RequestTimeoutError(envelope.type, options.timeoutMs)), options.timeoutMs);
      this.pendingReplies.set(envelope.id, { resolve, reject, timer });
      this.producer.send(record).catch((error: unknown) => this.failReply(envelope.id, error instanceof Error ? error : new Error(String(error))));
    });
  }

  /**
   * Moves a subscription's group to `start` on every topic it reads: to replay events from the
   * earliest retained one, a time or given offsets, or to skip to the end. Kafka moves only a
   * group without active members: stop its consumers first. Returns the new positions.
   */
  async replay(subscription: string, start: StartPosition): Promise<Map<string, Map<number, bigint>>> {
    this.assertOpen();
    const declared = this.subscriptions.get(subscription);
    if (declared === undefined) throw new Error(`subscription '${subscription}' is not part of a topology declared on this transport; call declareTopology first`);
    const positions = await this.topics.resetPositions(subscription, [...declared.topics.keys()], start);
    this.log({ level: 'info', event: 'kafka.replay', subscription, start: typeof start === 'string' ? start : JSON.stringify(start, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)) });
    return positions;
  }

  health(): TransportHealth<KafkaHealthDetails> {
    const consumers: ConsumerHealth[] = [];
    const assignments: Record<string, string[]> = {};
    const partitionLag: Record<string, Record<string, number>> = {};
    const skipped: Record<string, Record<string, number>> = {};
    for (const consumer of this.consumers) {
      const { partitions, skippedByPartition, ...health } = consumer.health();
      consumers.push(health);
      assignments[consumer.name] = consumer.assigned();
      partitionLag[consumer.name] = partitions;
      skipped[consumer.name] = skippedByPartition;
    }
    const status = this.status();
    const health: TransportHealth<KafkaHealthDetails> = {
      transport: 'kafka',
      status,
      healthy: status === 'connected' && consumers.every((consumer) => consumer.active),
      consumers,
      publisher: { inFlight: this.producer.inFlight, buffered: this.producer.buffered },
      reconnects: this.producer.outages + [...this.consumers].reduce((sum, consumer) => sum + consumer.reconnects, 0),
      details: { brokers: [...this.brokers], assignments, partitionLag, skipped },
    };
    const lastError = this.producer.lastError ?? [...this.consumers].map((consumer) => consumer.lastError).find((error) => error !== undefined);
    if (lastError !== undefined) health.lastError = lastError;
    return health;
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? 10_000);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.cancel(timeoutMs)));
    await this.producer.close(timeoutMs);
    for (const id of [...this.pendingReplies.keys()]) this.failReply(id, new TransportClosedError());
    const replies = this.replies;
    this.replies = undefined;
    if (replies !== undefined) {
      await closeConsumer(replies.consumer);
      await this.admin.deleteTopics({ topics: [replies.topic] }).catch((error: unknown) => this.log({ level: 'warn', event: 'kafka.replies.delete_failed', topic: replies.topic, error: errorMessage(error) }));
    }
    await this.kafkaProducer.close().catch(() => {});
    await this.admin.close().catch(() => {});
    this.closed = true;
    this.log({ level: 'info', event: 'kafka.closed' });
  }

  /**
   * The record of `envelope` for `target`, on a topic that exists (UnroutableError otherwise, when
   * mandatory): at once when its topics are known to exist, else once the broker said whether they do.
   */
  private record(envelope: Envelope, target: PublishTarget, replyTo: string | undefined): OutgoingRecord | Promise<OutgoingRecord> {
    const { value, headers } = encodeEnvelope(envelope, this.options.mode ?? 'binary');
    const limit = this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (value.length > limit) throw new MessageTooLargeError(value.length, limit);
    const base = target.service === undefined ? this.names.topic(target.destination, target.bindings) : this.names.inbox(target.service);
    const lane = this.names.lane(base, target.urgency, target.key !== undefined);
    if (this.topics.isKnown(base) && (lane === base || this.topics.isKnown(lane))) return this.recordOn(lane, envelope, target, replyTo, value, headers);
    return this.topicOf(base, lane, target).then((topic) => this.recordOn(topic, envelope, target, replyTo, value, headers));
  }

  /** The topic a record goes to, asking the broker whether `base` and its `lane` exist. */
  private async topicOf(base: string, lane: string, target: PublishTarget): Promise<string> {
    if (!(await this.topics.exists(base))) {
      if (target.mandatory ?? true) {
        throw new UnroutableError(target.destination, target.service === undefined ? `its topic '${base}' does not exist (declare a topology that reads or publishes it)` : `no subscription of service '${target.service}' exists (topic '${base}')`);
      }
      this.log({ level: 'warn', event: 'kafka.publish.no_topic', topic: base, destination: target.destination });
    }
    return lane !== base && (await this.topics.exists(lane)) ? lane : base;
  }

  private recordOn(topic: string, envelope: Envelope, target: PublishTarget, replyTo: string | undefined, value: Buffer, headers: Headers): OutgoingRecord {
    headers.set(HEADER.destination, target.destination);
    headers.set(HEADER.tenant, envelope.tenantid ?? ALL_TENANTS);
    headers.set(HEADER.urgency, target.urgency);
    if (replyTo !== undefined) {
      headers.set(HEADER.replyTo, replyTo);
      headers.set(HEADER.correlation, envelope.id);
    }
    const record: OutgoingRecord = { topic, value, headers };
    if (target.key !== undefined) record.key = target.key;
    return record;
  }

  private channelTopics(channel: ChannelSpec): string[] {
    try {
      return this.names.topicsOf(channel);
    } catch {
      // A published destination with placeholders in its domain word: its topic is known only per event.
      return [];
    }
  }

  private topicDefaults(): TopicSettings {
    return { partitions: this.options.partitions ?? 3, replicas: this.options.replicationFactor ?? 1, config: { ...(this.options.topicConfig ?? {}) } };
  }

  /** The reply topic of this transport (one partition, its own), and a consumer reading it from the start. */
  private ensureReplies(): Promise<{ topic: string; consumer: KafkaConsumerClient; ready: Promise<void> }> {
    if (this.replies !== undefined) return this.replies.ready.then(() => this.replies!);
    const topic = this.names.replies(randomUUID().slice(0, 12));
    const consumer: KafkaConsumerClient = new this.kafka.Consumer<string, Buffer, string, string>({ clientId: `${this.clientId}-replies`, groupId: topic, bootstrapBrokers: this.brokers, maxWaitTime: 200, autocommit: true, timeout: 10_000 });
    const ready = (async () => {
      await this.topics.ensure(new Map([[topic, { partitions: 1, replicas: this.options.replicationFactor ?? 1, config: { 'retention.ms': '3600000' } }]]));
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true, deserializers: TEXT_DESERIALIZERS });
      stream.on('data', (message: { value: Buffer | undefined; headers: Map<string, string> }) => this.acceptReply(message.value, message.headers));
      stream.on('error', (error: Error) => this.log({ level: 'warn', event: 'kafka.replies.stream_error', error: kafkaErrorText(error) }));
    })();
    this.replies = { topic, consumer, ready };
    ready.catch(() => {
      if (this.replies?.topic === topic) this.replies = undefined;
    });
    return ready.then(() => ({ topic, consumer, ready }));
  }

  private acceptReply(value: Buffer | undefined, headers: Map<string, string>): void {
    const id = headers.get(HEADER.correlation);
    const pending = id === undefined ? undefined : this.pendingReplies.get(id);
    if (pending === undefined || id === undefined) return;
    const parsed = parseEnvelope(value ?? Buffer.alloc(0));
    if (!parsed.ok) {
      this.failReply(id, new Error(`invalid reply (${parsed.reason}): ${parsed.detail}`));
      return;
    }
    this.pendingReplies.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(parsed.envelope);
  }

  private failReply(id: string, error: Error): void {
    const pending = this.pendingReplies.get(id);
    if (pending === undefined) return;
    this.pendingReplies.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private status(): TransportStatus {
    if (this.closing !== undefined) return this.closed ? 'closed' : 'closing';
    const lost = [...this.consumers].some((consumer) => !consumer.health().active);
    return this.producer.retrying || lost ? 'reconnecting' : 'connected';
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new TransportClosedError();
  }
}

let nextPartition = 0;
function roundRobin(): number {
  nextPartition = (nextPartition + 1) & 0x7fffffff;
  return nextPartition;
}

