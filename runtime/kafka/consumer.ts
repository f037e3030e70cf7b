/**
 * One member of a subscription's consumer group. It fetches the group's topics, hands each record
 * to the core, carries out the decision and commits in order per partition (partition-log.ts).
 *
 * Order: records of one key (one entity) are handled one at a time, in offset order; records of
 * different keys, and unkeyed ones, run side by side up to `prefetch`. Among records ready to run,
 * those of the urgent lane and of high or critical urgency go first.
 *
 * Retries: by default a failed record is re-published to the subscription's retry topic for its
 * attempt and its offset committed, so the partition moves on (a later event of the same key may
 * then overtake it); with `inPlaceRetries` the record is retried where it is, holding its key and
 * the partition's position, so that nothing of its key overtakes it. The last failure goes to the
 * dead-letter topic with the reason, the error and where the record came from.
 *
 * Rebalance: records of a partition taken away are dropped unless already running (the next owner
 * reads them again from the committed position); a running one finishes, and a copy the new owner
 * or this member fetches again waits for it in the dispatcher.
 */
import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import { destinationMatches } from '../destinations.js';
import { backoffDelay } from '../backoff.js';
import { Deque } from '../deque.js';
import type { Envelope } from '../envelope.js';
import { errorMessage } from '../errors.js';
import { isPromiseLike } from '../promise-like.js';
import type { Logger } from '../observability.js';
import { ALL_TENANTS } from '../topology.js';
import type { ConsumerHealth, Decision, InboundMessage, MessageHandler, SettlementOutcome, SubscriptionInfo } from '../transport.js';
import { closeConsumer, kafkaErrorText } from './client.js';
import type { KafkaNames } from './names.js';
import { resetPosition, type OffsetReset, type PositionReset } from './offset-reset.js';
import { PartitionLog } from './partition-log.js';
import type { OutgoingRecord } from './producer.js';
import { HEADER, TEXT_DESERIALIZERS, decodeEnvelope, decodeRecord, type Headers } from './wire.js';

/** A consumer built with {@link TEXT_DESERIALIZERS}: keys and headers as text, values as bytes. */
export type KafkaConsumerClient = Consumer<string, Buffer, string, string>;
type KafkaMessage = Message<string, Buffer, string, string>;

export interface KafkaConsumerOptions {
  subscription: SubscriptionInfo;
  /** Topics read for new events, with the destinations taken from each (`undefined`: all of them). */
  topics: ReadonlyMap<string, readonly string[] | undefined>;
  /** The subscription's retry topics, attempt 2 first. */
  retryTopics: readonly string[];
  prefetch: number;
  inPlaceRetries: boolean;
  handler: MessageHandler;
  onOutcome: ((outcome: SettlementOutcome) => void) | undefined;
  names: KafkaNames;
  /** Publishes a retry copy, a dead letter or a reply through the transport's producer. */
  produce: (record: OutgoingRecord) => Promise<void>;
  /** Settled positions are committed at most this often. Default 50 ms. */
  commitIntervalMs?: number;
  /** Where the group goes when records it had not read are gone (retention). Default `earliest`. */
  offsetReset?: OffsetReset;
}

class Pending {
  settled = false;
  /** Dropped after its partition was revoked: it must not start. */
  dropped = false;
  readonly offset: bigint;

  constructor(
    readonly log: PartitionLog<Pending>,
    readonly message: KafkaMessage,
    /** Per-key serialisation slot: `undefined` for unkeyed records and for retry copies. */
    readonly key: string | undefined,
    readonly urgent: boolean,
    public attempt: number,
  ) {
    this.offset = message.offset;
  }

  get headers(): Headers {
    return this.message.headers;
  }
}

/**
 * One attempt at a record, as the core sees it. A class rather than a literal with closures:
 * one object per record, its span attributes built only when a span asks for them.
 */
class KafkaInbound implements InboundMessage {
  readonly contentType: string | undefined;
  readonly envelope: Envelope | undefined;
  readonly attempt: number;
  readonly redelivered: boolean;
  readonly replyTo: string | undefined;
  private rebuilt: Buffer | undefined;

  constructor(
    readonly subscription: SubscriptionInfo,
    private readonly pending: Pending,
    private readonly produce: (record: OutgoingRecord) => Promise<void>,
  ) {
    const headers = pending.headers;
    this.contentType = headers.get(HEADER.contentType);
    // A well-formed binary-mode event is handed over decoded; any other record, its body to judge.
    // Decoded again on every attempt, as the body was parsed again: a handler's changes to one do not carry over.
    this.envelope = decodeEnvelope(pending.message.value, headers, subscription);
    this.attempt = pending.attempt;
    this.redelivered = pending.attempt > 1;
    this.replyTo = headers.get(HEADER.replyTo);
  }

  /** The record as one structured JSON body: written only when read (a record not decoded above, telemetry's body size). */
  get body(): Buffer {
    return (this.rebuilt ??= decodeRecord(this.pending.message.value, this.pending.headers).body);
  }

  /**
   * For the consumer span (OpenTelemetry messaging conventions): where the record sits. The span
   * keeps the subscription's name as its destination, as on the other transports.
   */
  get attributes(): Record<string, string | number> {
    const { message } = this.pending;
    const attributes: Record<string, string | number> = { 'messaging.destination.partition.id': String(message.partition), 'messaging.kafka.offset': Number(message.offset) };
    if (message.key.length > 0) attributes['messaging.kafka.message.key'] = message.key;
    return attributes;
  }

  reply(envelope: Envelope): Promise<void> {
    const correlation = this.pending.headers.get(HEADER.correlation);
    if (this.replyTo === undefined || correlation === undefined) return Promise.reject(new Error('the message carries no reply address'));
    return this.produce(replyRecord(this.replyTo, correlation, envelope));
  }
}

/** What the consumer needs to know of a topic for each of its records, worked out once. */
interface TopicTraits {
  /** The attempt its records are at, for a retry topic. */
  readonly retryAttempt: number | undefined;
  readonly urgentLane: boolean;
  /** Destinations taken from it (`undefined`: all). */
  readonly patterns: readonly string[] | undefined;
  /** Whether the subscription takes a destination, per destination seen (bounded). */
  readonly takes: Map<string, boolean>;
}

const MAX_DESTINATIONS_REMEMBERED = 1024;

interface KeySlot {
  running: boolean;
  waiting: Deque<Pending>;
}

export class KafkaConsumer {
  private stream: MessagesStream<string, Buffer, string, string> | undefined;
  private stopped = false;
  private readonly logs = new Map<string, PartitionLog<Pending>>();
  /** The same logs by topic, then partition: each record finds its own without building a `topic:partition` string. */
  private logsByTopic = new Map<string, Array<PartitionLog<Pending> | undefined>>();
  private readonly keys = new Map<string, KeySlot>();
  private readonly ready = { urgent: new Deque<Pending>(), normal: new Deque<Pending>() };
  /** Handlers running now, and who waits for them all to finish. */
  private runningCount = 0;
  private drained: Array<() => void> = [];
  private readonly topicTraits = new Map<string, TopicTraits>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleeps = new Set<() => void>();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();
  private paused = false;
  private reopening = false;
  private inactiveChecks = 0;
  private pumpScheduled = false;
  private lag: number | undefined;
  private lagByPartition: Record<string, number> = {};
  private lagTimer: NodeJS.Timeout | undefined;
  private readonly retryIndex: ReadonlyMap<string, number>;
  lastError: string | undefined;
  /** Connections to a broker this member lost (each is re-opened by the client). */
  reconnects = 0;
  private readonly lostConnections = new Set<string>();
  /** A fetch was refused with OFFSET_OUT_OF_RANGE: positions are checked before the next stream opens. */
  private outOfRange = false;
  /** Records skipped per partition (`topic:partition`) because the broker no longer held them. */
  private readonly skippedByPartition: Record<string, number> = {};

  constructor(
    private readonly consumer: KafkaConsumerClient,
    private readonly options: KafkaConsumerOptions,
    private readonly log: Logger,
  ) {
    this.retryIndex = new Map(options.retryTopics.map((topic, index) => [topic, index + 2]));
  }

  get name(): string {
    return this.options.subscription.name;
  }

  /** Joins the group and starts handling; resolves once the first assignment is in. */
  async start(): Promise<void> {
    this.consumer.on('consumer:group:join', (payload) => this.onAssignment(payload.assignments ?? []));
    this.consumer.on('consumer:group:rebalance', () => this.log({ level: 'info', event: 'kafka.consumer.rebalance', subscription: this.name }));
    this.consumer.on('consumer:heartbeat:error', (payload) => (this.lastError = kafkaErrorText(payload.error)));
    // Connection state per broker connection: the client re-opens a lost one by itself on its next request.
    this.consumer.on('client:broker:disconnect', (payload) => {
      if (this.stopped) return;
      const id = connectionId(payload);
      if (!this.lostConnections.has(id)) this.reconnects++;
      this.lostConnections.add(id);
    });
    this.consumer.on('client:broker:failed', (payload) => {
      if (!this.stopped) this.lostConnections.add(connectionId(payload));
    });
    this.consumer.on('client:broker:connect', (payload) => this.lostConnections.delete(connectionId(payload)));
    await this.open();
    this.lagTimer = setInterval(() => {
      void this.readLag();
      this.checkMembership();
    }, 2000);
    this.lagTimer.unref();
  }

  /** Starts a fetch stream from the group's committed positions (joining the group again when it left it). */
  private async open(): Promise<void> {
    const stream = await this.consumer.consume({
      topics: [...this.options.topics.keys(), ...this.options.retryTopics],
      mode: 'committed',
      // A partition the group never committed (one added later): from its start, never skipping records.
      fallbackMode: 'earliest',
      autocommit: false,
      deserializers: TEXT_DESERIALIZERS,
    });
    if (this.stopped) {
      await stream.close().catch(() => {});
      return;
    }
    this.stream = stream;
    this.paused = false;
    stream.on('data', (message: KafkaMessage) => this.accept(message));
    stream.on('error', (error: Error) => {
      this.lastError = kafkaErrorText(error);
      this.log({ level: 'warn', event: 'kafka.consumer.stream_error', subscription: this.name, error: this.lastError });
      if (this.lastError.includes('OFFSET_OUT_OF_RANGE')) this.outOfRange = true;
      this.reopen(stream);
    });
  }

  /**
   * A fetch that still fails after the client's own retries (a broker down for more than a few
   * seconds, e.g. restarting) destroys the client's stream, and nothing would be fetched again:
   * open a new one, with backoff, until it works or the consumer is cancelled. Records already
   * tracked stay tracked; the new stream starts at the committed positions and the partition logs
   * skip what they hold.
   */
  private reopen(failed: MessagesStream<string, Buffer, string, string>): void {
    if (this.stopped || this.reopening || this.stream !== failed || !failed.destroyed) return;
    this.reopening = true;
    this.stream = undefined;
    void (async () => {
      for (let attempt = 1; !this.stopped; attempt++) {
        await this.sleep(backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 5000 }));
        if (this.stopped) break;
        try {
          if (this.outOfRange) await this.resetOutOfRange();
          await this.open();
          this.log({ level: 'info', event: 'kafka.consumer.reopened', subscription: this.name, attempts: attempt });
          break;
        } catch (error) {
          this.warn('kafka.consumer.reopen_failed', error);
        }
      }
      this.reopening = false;
    })();
  }

  /**
   * Moves the group past records that are gone: on every assigned partition whose committed
   * position (where a new stream starts) lies outside what the broker holds,
   * commits the position `offsetReset` names, warns with how many records were skipped and counts
   * them. Without this the new stream would start from the same position and fail the same way.
   */
  private async resetOutOfRange(): Promise<void> {
    const assignments = new Map<string, number[]>();
    for (const log of this.logs.values()) assignments.set(log.topic, [...(assignments.get(log.topic) ?? []), log.partition]);
    if (assignments.size === 0) return;
    const topics = [...assignments.keys()];
    const [firsts, ends, committed] = await Promise.all([
      this.consumer.listOffsets({ topics, timestamp: EARLIEST }),
      this.consumer.listOffsets({ topics, timestamp: LATEST }),
      this.consumer.listCommittedOffsets({ topics: [...assignments].map(([topic, partitions]) => ({ topic, partitions })) }),
    ]);
    const reset = this.options.offsetReset ?? 'earliest';
    const moves: Array<{ log: PartitionLog<Pending>; move: PositionReset }> = [];
    for (const log of this.logs.values()) {
      const first = firsts.get(log.topic)?.[log.partition];
      const end = ends.get(log.topic)?.[log.partition];
      const position = committed.get(log.topic)?.[log.partition];
      if (first === undefined || end === undefined) continue;
      // A new stream starts where the group stands; what this member fetched beyond it is being handled.
      const from = position !== undefined && position >= 0n ? position : log.nextOffset;
      if (from === undefined) continue;
      const move = resetPosition(from, { first, end }, reset, log.nextOffset);
      if (move !== undefined) moves.push({ log, move });
    }
    if (moves.length > 0) {
      await this.consumer.commit({ offsets: moves.map(({ log, move }) => ({ topic: log.topic, partition: log.partition, offset: move.to, leaderEpoch: -1 })) });
      for (const { log, move } of moves) {
        log.resetTo(move.to);
        const partition = `${log.topic}:${log.partition}`;
        this.skippedByPartition[partition] = (this.skippedByPartition[partition] ?? 0) + move.skipped;
        this.log({ level: 'warn', event: 'kafka.consumer.offset_reset', subscription: this.name, partition, from: String(move.from), to: String(move.to), skipped: move.skipped, reset });
      }
    }
    this.outOfRange = false;
  }

  /**
   * The client stops heartbeating after a heartbeat fails on a lost connection and never starts
   * again, so a member that lost its broker for longer than its session stays out of the group
   * (inactive, committing nothing) while its stream fetches. Inactive on two checks in a row (a
   * rebalance is over sooner): join again. The client runs one join at a time.
   */
  private checkMembership(): void {
    if (this.stopped || this.reopening || this.stream === undefined || this.consumer.isActive()) {
      this.inactiveChecks = 0;
      return;
    }
    if (++this.inactiveChecks < 2) return;
    this.inactiveChecks = 0;
    this.log({ level: 'info', event: 'kafka.consumer.rejoin', subscription: this.name });
    this.consumer.joinGroup({}).catch((error: unknown) => this.warn('kafka.consumer.rejoin_failed', error));
  }

  health(): ConsumerHealth & { partitions: Record<string, number>; skippedByPartition: Record<string, number> } {
    const health: ConsumerHealth & { partitions: Record<string, number>; skippedByPartition: Record<string, number> } = {
      subscription: this.name,
      active: !this.stopped && this.consumer.isActive() && this.stream !== undefined && this.lostConnections.size === 0,
      inFlight: this.runningCount,
      prefetch: this.options.prefetch,
      partitions: { ...this.lagByPartition },
      skippedByPartition: { ...this.skippedByPartition },
    };
    let skipped = 0;
    for (const count of Object.values(this.skippedByPartition)) skipped += count;
    health.skipped = skipped;
    if (this.lag !== undefined) health.lag = this.lag;
    return health;
  }

  /** Partitions assigned to this member, as `topic:partition`. */
  assigned(): string[] {
    return [...this.logs.keys()].sort();
  }

  /** Stops fetching, waits for running handlers up to `timeoutMs`, commits what settled; true when all finished. */
  async cancel(timeoutMs: number): Promise<boolean> {
    if (this.stopped) return true;
    this.stopped = true;
    clearInterval(this.lagTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of [...this.sleeps]) wake();
    this.stream?.pause();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.idle().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    clearTimeout(this.commitTimer);
    await this.commit();
    await this.stream?.close().catch(() => {});
    // Leaving the group hands its partitions to the other members at once, not after the session timeout.
    const failed = await closeConsumer(this.consumer);
    if (failed !== undefined) this.warn('kafka.consumer.close_failed', failed);
    return drained;
  }

  private accept(message: KafkaMessage): void {
    if (this.stopped) return;
    const log = this.logsByTopic.get(message.topic)?.[message.partition];
    // Fetched for a partition no longer ours (a response that crossed a rebalance): its next owner reads it.
    if (log === undefined) return;
    const headers = message.headers;
    const traits = this.traitsOf(message.topic);
    let attempt = 1;
    if (traits.retryAttempt !== undefined) {
      // A copy carries its attempt (a replayed dead letter starts again at 1); the topic tells it otherwise.
      const carried = Number(headers.get(HEADER.attempt));
      attempt = Number.isInteger(carried) && carried >= 1 ? carried : traits.retryAttempt;
    }
    const key = traits.retryAttempt === undefined && message.key.length > 0 ? `${message.topic}:${message.partition}:${message.key}` : undefined;
    const urgency = headers.get(HEADER.urgency);
    const pending = new Pending(log, message, key, traits.urgentLane || urgency === 'high' || urgency === 'critical', attempt);
    if (!log.add(pending)) return;
    if (traits.retryAttempt === undefined && !this.takes(traits, headers)) {
      this.settle(pending);
      return;
    }
    this.applyBackpressure();
    const wait = traits.retryAttempt === undefined ? 0 : Number(headers.get(HEADER.due) ?? 0) - Date.now();
    if (wait > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue(pending);
      }, wait);
      this.timers.add(timer);
      return;
    }
    this.enqueue(pending);
  }

  private traitsOf(topic: string): TopicTraits {
    let traits = this.topicTraits.get(topic);
    if (traits === undefined) {
      traits = { retryAttempt: this.retryIndex.get(topic), urgentLane: topic.endsWith('-urgent'), patterns: this.options.topics.get(topic), takes: new Map() };
      this.topicTraits.set(topic, traits);
    }
    return traits;
  }

  /** Whether this subscription takes a record of a topic: its destination and its tenant. */
  private takes(traits: TopicTraits, headers: Headers): boolean {
    const tenant = this.options.subscription.tenant;
    const recordTenant = headers.get(HEADER.tenant);
    if (tenant !== undefined && recordTenant !== undefined && recordTenant !== ALL_TENANTS && recordTenant !== tenant) return false;
    const patterns = traits.patterns;
    const destination = headers.get(HEADER.destination);
    // Records without a destination were not written by eventsmith: the core judges them.
    if (patterns === undefined || destination === undefined) return true;
    let taken = traits.takes.get(destination);
    if (taken === undefined) {
      taken = patterns.some((pattern) => destinationMatches(pattern, destination));
      if (traits.takes.size < MAX_DESTINATIONS_REMEMBERED) traits.takes.set(destination, taken);
    }
    return taken;
  }

  private enqueue(pending: Pending): void {
    if (pending.dropped || this.stopped) return;
    if (pending.key !== undefined) {
      let slot = this.keys.get(pending.key);
      if (slot === undefined) this.keys.set(pending.key, (slot = { running: false, waiting: new Deque() }));
      if (slot.running || slot.waiting.length > 0) {
        slot.waiting.push(pending);
        return;
      }
      slot.running = true;
    }
    (pending.urgent ? this.ready.urgent : this.ready.normal).push(pending);
    this.schedulePump();
  }

  /**
   * Starts handlers once the current fetch's records are all queued (the client hands them over in
   * one synchronous loop), so that an urgent record of the same fetch goes before the others.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.stopped && this.runningCount < this.options.prefetch) {
      const next = this.ready.urgent.shift() ?? this.ready.normal.shift();
      if (next === undefined) return;
      if (next.dropped) {
        this.releaseKey(next);
        continue;
      }
      this.runningCount++;
      this.handleNext(next);
    }
  }

  /**
   * Runs one record's handler. A record the core acks without waiting (see MessageHandler) is settled
   * at once, with no promise made for it; any other goes through {@link run}. The pump's loop starts
   * the next record itself, so a settled one does not call the pump again (no recursion).
   */
  private handleNext(pending: Pending): void {
    let decided: Decision | Promise<Decision>;
    try {
      decided = this.options.handler(new KafkaInbound(this.options.subscription, pending, this.options.produce));
    } catch (error) {
      decided = Promise.reject(error);
    }
    if (isPromiseLike(decided) || decided.settle !== 'ack') {
      void this.run(pending, decided);
      return;
    }
    try {
      this.report(pending, 'acked', decided);
      this.settle(pending);
    } catch (error) {
      this.warn('kafka.consumer.unexpected_error', error);
    }
    this.finish(pending, false);
  }

  /** Handles one record to its settlement, from its first decision; never rejects, and starts the next ones when it is done. */
  private async run(pending: Pending, first: Decision | Promise<Decision>): Promise<void> {
    try {
      for (let decided: Decision | Promise<Decision> | undefined = first; ; decided = undefined) {
        const decision = await (decided ?? this.options.handler(new KafkaInbound(this.options.subscription, pending, this.options.produce)));
        if (decision.settle === 'ack') {
          this.report(pending, 'acked', decision);
          this.settle(pending);
          break;
        }
        if (decision.settle === 'retry' && this.options.inPlaceRetries && !this.stopped) {
          this.report(pending, 'retried', decision);
          await this.sleep(decision.delayMs);
          if (this.stopped || pending.dropped) break;
          pending.attempt++;
          continue;
        }
        const outcome = await this.carryOut(pending, decision);
        this.report(pending, outcome, decision);
        if (outcome !== 'abandoned') this.settle(pending);
        break;
      }
    } catch (error) {
      this.warn('kafka.consumer.unexpected_error', error);
    }
    this.finish(pending, true);
  }

  /** A record's handling is over: its key's next record may go, and (`pump`) the next ones start. */
  private finish(pending: Pending, pump: boolean): void {
    this.releaseKey(pending);
    if (--this.runningCount === 0 && this.drained.length > 0) for (const wake of this.drained.splice(0)) wake();
    if (pump) this.pump();
    this.applyBackpressure();
  }

  /** Resolves once no handler runs. */
  private idle(): Promise<void> {
    if (this.runningCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Publishes the retry copy or the dead letter a decision asks for; `abandoned` when it could not (closing). */
  private async carryOut(pending: Pending, decision: Decision): Promise<SettlementOutcome['outcome']> {
    if (decision.settle === 'ack') return 'acked';
    const { message } = pending;
    const headers = message.headers;
    const copy = new Map(headers);
    for (const name of [HEADER.due, HEADER.reason, HEADER.error, HEADER.subscription, HEADER.attempts, HEADER.deadLetteredAt]) copy.delete(name);
    if (!copy.has(HEADER.originTopic)) {
      copy.set(HEADER.originTopic, message.topic);
      copy.set(HEADER.originPartition, String(message.partition));
      copy.set(HEADER.originOffset, String(message.offset));
    }
    let record: OutgoingRecord;
    if (decision.settle === 'retry') {
      const topic = this.options.retryTopics[Math.min(pending.attempt, this.options.retryTopics.length) - 1];
      if (topic === undefined) return this.deadLetterCopy(pending, copy, 'max-attempts-exceeded', decision.reason);
      copy.set(HEADER.attempt, String(pending.attempt + 1));
      copy.set(HEADER.due, String(Date.now() + decision.delayMs));
      record = { topic, value: message.value ?? Buffer.alloc(0), headers: copy };
    } else {
      return this.deadLetterCopy(pending, copy, decision.reason, decision.error);
    }
    if (message.key.length > 0) record.key = message.key;
    return (await this.publishOrAbandon(record)) ? 'retried' : 'abandoned';
  }

  private async deadLetterCopy(pending: Pending, copy: Headers, reason: string, error: string): Promise<SettlementOutcome['outcome']> {
    copy.set(HEADER.reason, reason);
    copy.set(HEADER.error, error);
    copy.set(HEADER.subscription, this.name);
    copy.set(HEADER.attempts, String(pending.attempt));
    copy.set(HEADER.deadLetteredAt, new Date().toISOString());
    copy.delete(HEADER.attempt);
    const record: OutgoingRecord = { topic: this.options.names.deadLetters(this.name), value: pending.message.value ?? Buffer.alloc(0), headers: copy };
    if (pending.message.key.length > 0) record.key = pending.message.key;
    return (await this.publishOrAbandon(record)) ? 'dead-lettered' : 'abandoned';
  }

  /** The producer retries on its own until the record is on the broker or the transport closes. */
  private async publishOrAbandon(record: OutgoingRecord): Promise<boolean> {
    try {
      await this.options.produce(record);
      return true;
    } catch (error) {
      this.warn('kafka.consumer.settle_failed', error);
      return false;
    }
  }

  private report(pending: Pending, outcome: SettlementOutcome['outcome'], decision: Decision): void {
    const report: SettlementOutcome = { subscription: this.name, outcome, attempt: pending.attempt };
    if (decision.settle !== 'ack') report.reason = decision.reason;
    if (decision.envelopeId !== undefined) report.envelopeId = decision.envelopeId;
    try {
      this.options.onOutcome?.(report);
    } catch {
      // onOutcome must not throw; a counter bug must not stop consumption.
    }
  }

  private settle(pending: Pending): void {
    pending.settled = true;
    if (pending.log.detached) return;
    if (pending.log.advance() !== undefined) this.scheduleCommit();
  }

  private releaseKey(pending: Pending): void {
    if (pending.key === undefined) return;
    const slot = this.keys.get(pending.key);
    if (slot === undefined) return;
    let next = slot.waiting.shift();
    while (next !== undefined && next.dropped) next = slot.waiting.shift();
    if (next === undefined) {
      this.keys.delete(pending.key);
      return;
    }
    slot.running = true;
    (next.urgent ? this.ready.urgent : this.ready.normal).push(next);
    this.schedulePump();
  }

  private scheduleCommit(): void {
    if (this.commitTimer !== undefined) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, this.options.commitIntervalMs ?? 50);
  }

  /** Commits every partition whose settled position moved; one request at a time, in order. */
  private commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      const offsets: Array<{ topic: string; partition: number; offset: bigint; leaderEpoch: number; log: PartitionLog<Pending> }> = [];
      for (const log of this.logs.values()) {
        const position = log.pendingCommit();
        if (position !== undefined) offsets.push({ topic: log.topic, partition: log.partition, offset: position, leaderEpoch: -1, log });
      }
      if (offsets.length === 0) return;
      try {
        await this.consumer.commit({ offsets: offsets.map(({ topic, partition, offset, leaderEpoch }) => ({ topic, partition, offset, leaderEpoch })) });
        for (const { log, offset } of offsets) log.committed = offset;
      } catch (error) {
        // A rebalance or a lost coordinator: the positions stay pending and go with the next commit.
        this.warn('kafka.consumer.commit_failed', error);
        if (!this.stopped) this.scheduleCommit();
      }
    });
    return this.committing;
  }

  /** A new generation of the group: keep the partitions still ours, drop the rest (their records go to their new owners). */
  private onAssignment(assignments: ReadonlyArray<{ topic: string; partitions: number[] }>): void {
    const assigned = new Set<string>();
    for (const { topic, partitions } of assignments) for (const partition of partitions) assigned.add(`${topic}:${partition}`);
    for (const [id, log] of this.logs) {
      if (assigned.has(id)) continue;
      log.detached = true;
      for (const pending of log.pending()) pending.dropped = true;
      this.logs.delete(id);
    }
    for (const id of assigned) {
      if (this.logs.has(id)) continue;
      const split = id.lastIndexOf(':');
      this.logs.set(id, new PartitionLog(id.slice(0, split), Number(id.slice(split + 1))));
    }
    const byTopic = new Map<string, Array<PartitionLog<Pending> | undefined>>();
    for (const log of this.logs.values()) {
      let partitions = byTopic.get(log.topic);
      if (partitions === undefined) byTopic.set(log.topic, (partitions = []));
      partitions[log.partition] = log;
    }
    this.logsByTopic = byTopic;
    this.log({ level: 'info', event: 'kafka.consumer.assigned', subscription: this.name, partitions: [...assigned].sort() });
    this.applyBackpressure();
  }

  /** Stops fetching while many records wait: a fetch brings whole batches, the prefetch bounds only what runs. */
  private applyBackpressure(): void {
    if (this.stream === undefined || this.stopped) return;
    let held = 0;
    for (const log of this.logs.values()) held += log.held;
    const limit = Math.max(1000, this.options.prefetch * 10);
    if (!this.paused && held >= limit) {
      this.paused = true;
      this.stream.pause();
    } else if (this.paused && held < limit / 2) {
      this.paused = false;
      this.stream.resume();
    }
  }

  private async readLag(): Promise<void> {
    if (this.stopped) return;
    try {
      const topics = [...this.options.topics.keys(), ...this.options.retryTopics];
      const lag = await this.consumer.getLag({ topics });
      let total = 0;
      const byPartition: Record<string, number> = {};
      for (const [topic, partitions] of lag) {
        partitions.forEach((value, partition) => {
          if (value < 0n) return;
          byPartition[`${topic}:${partition}`] = Number(value);
          total += Number(value);
        });
      }
      this.lag = total;
      this.lagByPartition = byPartition;
    } catch (error) {
      this.lastError = kafkaErrorText(error);
    }
  }

  /** An in-place retry's wait; cancel() ends it early, and the record is left uncommitted for the next owner. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeps.add(wake);
    });
  }

  private warn(event: string, error: unknown): void {
    this.lastError = kafkaErrorText(error);
    this.log({ level: 'warn', event, subscription: this.name, error: errorMessage(error) });
  }
}

/** ListOffsets' timestamps for the first offset held and the next one to be written. */
const EARLIEST = -2n;
const LATEST = -1n;

function connectionId(payload: { broker?: { host?: string; port?: number } }): string {
  return `${payload.broker?.host ?? '?'}:${payload.broker?.port ?? '?'}`;
}

/** A reply travels to the requester's reply topic, with the request's id as correlation. */
export function replyRecord(topic: string, correlation: string, envelope: Envelope): OutgoingRecord {
  return { topic, value: Buffer.from(JSON.stringify(envelope), 'utf8'), headers: new Map([[HEADER.correlation, correlation], [HEADER.contentType, 'application/cloudevents+json; charset=utf-8']]) };
}
