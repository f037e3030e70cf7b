/**
 * One consumer of one subscription: a member of the subscription's consumer group on every stream
 * it reads, on a connection of its own (XREADGROUP blocks it). Each entry is acknowledged (XACK)
 * only once the core's decision for it is carried out: a retry is parked in the group's retry set
 * and a dead letter appended to its dead-letter stream in the same MULTI as the XACK, so a crash in
 * between loses nothing (the entry stays pending and is handled again).
 *
 * Entries a dead consumer left pending are taken over once idle for `claimIdleMs`: by the read
 * itself where the server takes `XREADGROUP … CLAIM` (Redis 8.4+, see read-claim.ts), else with
 * XAUTOCLAIM every third of that time. A live consumer keeps its running entries from looking idle
 * by re-claiming them to itself (XCLAIM … JUSTID) every third of that time, so only the dead lose theirs.
 */
import { randomUUID } from 'node:crypto';
import { errorMessage } from '../errors.js';
import { isPromiseLike } from '../promise-like.js';
import { destinationMatches } from '../destinations.js';
import type { Logger } from '../observability.js';
import { ALL_TENANTS, type ChannelSpec } from '../topology.js';
import type { ConsumerHealth, Decision, InboundMessage, MessageHandler, SettlementOutcome, SubscriptionInfo } from '../transport.js';
import type { RedisConnection } from './client.js';
import { CONTENT_TYPE, FIELD, field, fieldPairs, readEntry, readStreams, retryCopy, text, unpackRetry, type StreamEntry } from './entries.js';
import type { RedisNames } from './names.js';
import type { Realtime } from './realtime.js';
import { serverReadsWithClaim } from './read-claim.js';

const BUFFERS = { typeMapping: { 36: Buffer } } as const;
/** How long one blocking read waits; also how soon a cancelled consumer notices. */
const BLOCK_MS = 1000;
/**
 * Where reads claim idle entries themselves, the XAUTOCLAIM sweep runs only every this many of its
 * ticks, and takes only entries idle this many times `claimIdleMs`: what is left for it is removing
 * entries trimmed from their stream while pending (XAUTOCLAIM drops them from the group, XREADGROUP
 * … CLAIM passes over them), and entries no read took because every consumer was full.
 */
const SWEEP_EVERY_WITH_READ_CLAIM = 10;

/** Moves due retries back into the group's retry stream, atomically, so two consumers never move one twice. */
export const MOVE_DUE_SCRIPT = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'retry', member)
  redis.call('ZREM', KEYS[1], member)
end
return #due`;

export interface RedisConsumerOptions {
  subscription: SubscriptionInfo;
  sources: readonly ChannelSpec[];
  service: string | undefined;
  streams: { urgent: string[]; normal: string[] };
  prefetch: number;
  handler: MessageHandler;
  onOutcome: ((outcome: SettlementOutcome) => void) | undefined;
  claimIdleMs: number;
  /** Re-creates the groups (after a Redis that lost them, e.g. restarted without persistence). */
  redeclare: () => Promise<void>;
  realtime: Realtime;
}

type Outcome = Omit<SettlementOutcome, 'subscription'>;

/** Stands in for an entry's handling until its promise exists (see {@link RedisConsumer.accept}). */
const STARTING: Promise<void> = Promise.resolve();

/** One entry's place among the `prefetch` the consumer holds at once; given back exactly once. */
interface Slot {
  released: boolean;
}

/** The acknowledgements of one stream waiting to be sent, with the entries and outcomes they settle. */
interface AckBatch {
  entries: Handled[];
  outcomes: Outcome[];
  /** Resolves once Redis answered the XACK, whatever it answered. */
  done: Promise<void>;
  settled: () => void;
}

/** One stream entry taken by this consumer, from its handling to its settlement. */
class Handled {
  constructor(
    /** As read: from the retry stream for a retried entry. */
    readonly raw: StreamEntry,
    /** What it carries: the original entry for a retried one. */
    readonly entry: StreamEntry,
    readonly attempt: number,
    /** Where a retried entry first came from (`stream id`). */
    readonly origin: string | undefined,
    /** Its key in {@link RedisConsumer.inFlight}. */
    readonly key: string,
    readonly slot: Slot,
  ) {}
}

export class RedisConsumer {
  /** The consumer's name in its groups: one per process and subscription. */
  readonly consumerName = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private stopped = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Entries holding a slot of the prefetch (see {@link flushAcks} for when an acknowledged one gives it back). */
  private busy = 0;
  /** Entries read and not yet handed to the core (see {@link readLoop}): they count against the prefetch too. */
  private unhanded = 0;
  private slotFreed: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private lag: number | undefined;
  private lastError: string | undefined;
  /** Acknowledgements not sent yet, by stream: sent before the next read, or at the end of this turn of the event loop. */
  private readonly acks = new Map<string, AckBatch>();
  private unsentAcks = 0;
  private ackFlushScheduled = false;
  /** Per stream read, the destination patterns taken from it (`undefined` pattern list: everything). */
  private readonly patterns = new Map<string, string[] | undefined>();
  /** Per stream, whether those patterns take a destination, as found before: patterns with wildcards cost a split per entry. */
  private readonly taken = new Map<string, Map<string, boolean>>();
  private stopRealtime: (() => Promise<void>) | undefined;
  private readonly realtimeRetries = new Set<NodeJS.Timeout>();
  /** This group's retry stream, compared with every entry's stream. */
  private readonly retryStream: string;
  /** Whether the server takes `XREADGROUP … CLAIM`; asked before the first read and again after a failed one (the server may have been replaced). */
  private readClaim: boolean | undefined;
  private sweepTicks = 0;

  constructor(
    private readonly commands: RedisConnection,
    private readonly reader: RedisConnection,
    private readonly names: RedisNames,
    private readonly options: RedisConsumerOptions,
    private readonly log: Logger,
  ) {
    for (const source of options.sources) {
      for (const stream of names.streamsOf(source)) this.patterns.set(stream, [...(this.patterns.get(stream) ?? []), source.destination]);
    }
    if (options.service !== undefined) this.patterns.set(names.service(options.service), undefined);
    this.retryStream = names.retryStream(options.subscription.name);
  }

  get name(): string {
    return this.options.subscription.name;
  }

  health(): ConsumerHealth {
    const health: ConsumerHealth = { subscription: this.name, active: !this.stopped && this.reader.isReady, inFlight: this.inFlight.size, prefetch: this.options.prefetch };
    if (this.lag !== undefined) health.lag = this.lag;
    return health;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  async start(): Promise<void> {
    this.stopRealtime = await this.options.realtime.listen(this.options.sources, (body, destination) => this.acceptRealtime(body, destination, 1));
    this.loop = this.readLoop();
    const claimEvery = Math.max(50, Math.floor(this.options.claimIdleMs / 3));
    this.timers.push(setInterval(() => void this.claimIdle().catch((error: unknown) => this.warn('redis.consumer.claim_failed', error)), claimEvery));
    this.timers.push(setInterval(() => void this.keepOwnClaims().catch((error: unknown) => this.warn('redis.consumer.keepalive_failed', error)), claimEvery));
    this.timers.push(setInterval(() => void this.moveDueRetries().catch((error: unknown) => this.warn('redis.consumer.retry_move_failed', error)), 50));
    this.timers.push(setInterval(() => void this.readLag().catch(() => {}), 2000));
    for (const timer of this.timers) timer.unref();
  }

  /** Stops reading, waits for running handlers up to `timeoutMs`; true when all finished. */
  async cancel(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.stopRealtime?.();
    // Real-time retries live only in this process: cancelling drops them (at-most-once).
    for (const timer of this.realtimeRetries) clearTimeout(timer);
    this.realtimeRetries.clear();
    this.slotFreed?.();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.inFlight.values()]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return drained;
  }

  /** Resolves once the read loop has ended (its connection closed). */
  async finished(): Promise<void> {
    await this.loop?.catch(() => {});
  }

  /**
   * Reads while there is room, and hands each read's entries to the core only once the next read
   * is on its way: node-redis writes a command at the end of the event loop's turn, so a read sent
   * after the handling would leave Redis idle while the core works, and the core idle while Redis
   * answers. Sent first, Redis finds the next entries while the core handles these.
   */
  private async readLoop(): Promise<void> {
    let failures = 0;
    // Read again once half the prefetch is free, not at every freed slot: a read costs a round
    // trip, and reads of one entry each would spend more time on the wire than in handlers. Reads
    // take no more than that half either, so that one can be on its way while the other half is handled.
    const refill = Math.max(1, Math.floor(this.options.prefetch / 2));
    let inHand: StreamEntry[] = [];
    while (!this.stopped) {
      // Entries decided but not yet acknowledged are as good as free: their XACK goes first, on this connection.
      const capacity = this.options.prefetch - this.busy - this.unhanded + this.unsentAcks;
      if (capacity < refill) {
        if (inHand.length > 0) {
          this.hand(inHand);
          inHand = [];
        } else await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      try {
        if (this.readClaim === undefined) await this.askReadClaim();
        if (this.unsentAcks > 0) this.flushAcks(this.reader, true);
        const reading = this.read(Math.min(capacity, refill));
        if (inHand.length > 0) {
          // After the read's write, which node-redis queued in this turn's check phase already.
          const entries = inHand;
          setImmediate(() => this.hand(entries));
          inHand = [];
        }
        const entries = await reading;
        failures = 0;
        this.unhanded += entries.length;
        inHand = entries;
      } catch (error) {
        if (this.stopped) return;
        this.readClaim = undefined;
        failures++;
        this.lastError = errorMessage(error);
        if (/NOGROUP/.test(this.lastError)) await this.options.redeclare().catch((cause: unknown) => this.warn('redis.consumer.redeclare_failed', cause));
        else this.warn('redis.consumer.read_failed', error);
        await sleep(Math.min(2000, 50 * 2 ** Math.min(failures, 6)));
      }
    }
    // Read before cancel and never handed: left pending, for a living consumer to claim.
    this.unhanded -= inHand.length;
  }

  /** Hands one read's entries to the core, urgent streams' first (the read's order). */
  private hand(entries: StreamEntry[]): void {
    this.unhanded -= entries.length;
    for (const entry of entries) {
      const before = entry.deliveredBefore ?? 0;
      if (before === 0) this.accept(entry, 1, false);
      else this.acceptClaimed(entry, before + 1);
    }
  }

  /**
   * One blocking read over every stream, urgent ones first: Redis answers with up to `count`
   * entries of each, and the urgent ones are handed to the core first.
   */
  private read(count: number): Promise<StreamEntry[]> {
    const { urgent, normal } = this.options.streams;
    return this.xreadgroup([...urgent, ...normal], count, BLOCK_MS);
  }

  private async xreadgroup(streams: string[], count: number, block: number | undefined): Promise<StreamEntry[]> {
    const args = ['XREADGROUP', 'GROUP', this.name, this.consumerName, 'COUNT', String(count)];
    if (block !== undefined) args.push('BLOCK', String(block));
    if (this.readClaim === true) args.push('CLAIM', String(this.options.claimIdleMs));
    args.push('STREAMS', ...streams, ...streams.map(() => '>'));
    return readStreams(await this.reader.sendCommand(args, BUFFERS));
  }

  private async askReadClaim(): Promise<void> {
    this.readClaim = await serverReadsWithClaim(this.reader);
    this.log({ level: 'info', event: 'redis.consumer.takeover', subscription: this.name, by: this.readClaim ? 'XREADGROUP CLAIM' : 'XAUTOCLAIM', claimIdleMs: this.options.claimIdleMs });
  }

  /** An entry a read took over from the group's pending entries (`XREADGROUP … CLAIM`), delivered `deliveries` times with this one. */
  private acceptClaimed(entry: StreamEntry, deliveries: number): void {
    // One of this consumer's own, still running (its keep-alive came late): its handler settles it.
    if (this.inFlight.has(key(entry))) return;
    this.log({ level: 'info', event: 'redis.consumer.claimed', subscription: this.name, stream: entry.stream, id: entry.id, deliveries, by: 'XREADGROUP CLAIM' });
    this.accept(entry, deliveries, true);
  }

  /** Takes over entries other (dead) consumers left pending for longer than `claimIdleMs`. */
  private async claimIdle(): Promise<void> {
    if (this.stopped) return;
    if (this.readClaim === true && ++this.sweepTicks % SWEEP_EVERY_WITH_READ_CLAIM !== 0) return;
    const { urgent, normal } = this.options.streams;
    for (const stream of [...urgent, ...normal]) {
      const capacity = this.options.prefetch - this.busy - this.unhanded;
      if (capacity <= 0 || this.stopped) return;
      const minIdle = this.readClaim === true ? this.options.claimIdleMs * SWEEP_EVERY_WITH_READ_CLAIM : this.options.claimIdleMs;
      const reply = (await this.commands.sendCommand(['XAUTOCLAIM', stream, this.name, this.consumerName, String(minIdle), '0-0', 'COUNT', String(capacity)], BUFFERS)) as unknown[];
      const claimed = (Array.isArray(reply?.[1]) ? (reply[1] as unknown[]) : []).map((raw) => readEntry(stream, raw)).filter((entry): entry is StreamEntry => entry !== undefined && !this.inFlight.has(key(entry)));
      if (claimed.length === 0) continue;
      const deliveries = await this.deliveryCounts(stream, claimed);
      for (const entry of claimed) {
        this.log({ level: 'info', event: 'redis.consumer.claimed', subscription: this.name, stream, id: entry.id, deliveries: deliveries.get(entry.id), by: 'XAUTOCLAIM' });
        this.accept(entry, deliveries.get(entry.id) ?? 2, true);
      }
    }
  }

  /** How often each entry was delivered (XPENDING), which counts toward its attempt number. */
  private async deliveryCounts(stream: string, entries: StreamEntry[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const ids = entries.map((entry) => entry.id).sort(compareIds);
    const reply = (await this.commands.sendCommand(['XPENDING', stream, this.name, ids[0]!, ids[ids.length - 1]!, String(Math.max(ids.length, 1) * 4), this.consumerName])) as unknown[];
    for (const row of Array.isArray(reply) ? reply : []) {
      if (Array.isArray(row) && row.length >= 4) counts.set(text(row[0]), Number(row[3]));
    }
    return counts;
  }

  /** Re-claims this consumer's running entries to itself so they never look idle to the others. */
  private async keepOwnClaims(): Promise<void> {
    const byStream = new Map<string, string[]>();
    for (const id of this.inFlight.keys()) {
      const split = id.lastIndexOf(' ');
      const stream = id.slice(0, split);
      byStream.set(stream, [...(byStream.get(stream) ?? []), id.slice(split + 1)]);
    }
    for (const [stream, ids] of byStream) {
      await this.commands.sendCommand(['XCLAIM', stream, this.name, this.consumerName, '0', ...ids, 'JUSTID']);
    }
  }

  private async moveDueRetries(): Promise<void> {
    if (this.stopped) return;
    await this.commands.sendCommand(['EVAL', MOVE_DUE_SCRIPT, '2', this.names.retrySet(this.name), this.names.retryStream(this.name), String(Date.now()), '100']);
  }

  private async readLag(): Promise<void> {
    let lag = 0;
    for (const stream of [...this.options.streams.urgent, ...this.options.streams.normal]) {
      const groups = (await this.commands.sendCommand(['XINFO', 'GROUPS', stream])) as unknown[];
      for (const group of Array.isArray(groups) ? groups : []) {
        const info = fieldPairs(group);
        if (info.get('name') === this.name) lag += finite(info.get('lag')) + finite(info.get('pending'));
      }
    }
    this.lag = lag;
  }

  /** A real-time (Pub/Sub) message: judged by the same pipeline; nothing to acknowledge. */
  private acceptRealtime(body: Buffer, destination: string, attempt: number): void {
    if (this.stopped) return;
    const entry: StreamEntry = { stream: `pubsub:${destination}`, id: '-', fields: new Map([[FIELD.body, body], [FIELD.destination, Buffer.from(destination)]]) };
    const work = this.handleRealtime(entry, attempt).catch((error: unknown) => {
      this.log({ level: 'error', event: 'redis.consumer.unexpected_error', subscription: this.name, error: errorMessage(error) });
    });
    const id = `${entry.stream} ${attempt} ${Math.random()}`;
    const slot = this.take();
    this.inFlight.set(id, work);
    void work.finally(() => {
      this.inFlight.delete(id);
      this.release(slot);
    });
  }

  private async handleRealtime(entry: StreamEntry, attempt: number): Promise<void> {
    const decision = await this.options.handler({
      subscription: this.options.subscription,
      body: entry.fields.get(FIELD.body) ?? Buffer.alloc(0),
      attempt,
      redelivered: false,
      reply: () => Promise.reject(new Error('a real-time message carries no reply address')),
    });
    const outcome: Outcome = { outcome: 'acked', attempt };
    if (decision.envelopeId !== undefined) outcome.envelopeId = decision.envelopeId;
    if (decision.settle === 'retry') {
      const timer = setTimeout(() => {
        this.realtimeRetries.delete(timer);
        this.acceptRealtime(entry.fields.get(FIELD.body) ?? Buffer.alloc(0), field(entry, FIELD.destination) ?? '', attempt + 1);
      }, decision.delayMs);
      this.realtimeRetries.add(timer);
      outcome.outcome = 'retried';
      outcome.reason = decision.reason;
    } else if (decision.settle === 'dead-letter') {
      await this.commands.sendCommand(this.deadLetterCommand(entry, `${entry.stream} -`, attempt, decision.reason, decision.error));
      outcome.outcome = 'dead-lettered';
      outcome.reason = decision.reason;
    }
    this.report(outcome);
  }

  /** Filters what this subscription takes, then hands the entry to the core. */
  private accept(raw: StreamEntry, deliveries: number, redelivered: boolean): void {
    // Read after cancel: left pending, for a living consumer to claim.
    if (this.stopped) return;
    const retried = raw.stream === this.retryStream ? unpackRetry(raw) : undefined;
    const entry = retried?.entry ?? raw;
    if (!this.takes(entry, retried !== undefined)) {
      void this.ackOnly(raw);
      return;
    }
    const attempt = (retried?.attempt ?? positive(field(entry, FIELD.attempt)) ?? 1) + Math.max(0, deliveries - 1);
    this.handle(new Handled(raw, entry, attempt, retried?.origin, key(raw), this.take()), redelivered);
  }

  /** Destination patterns and the tenant filter: what a RabbitMQ binding would have let through. */
  private takes(entry: StreamEntry, retried: boolean): boolean {
    const tenant = this.options.subscription.tenant;
    if (tenant !== undefined) {
      const entryTenant = field(entry, FIELD.tenant);
      if (entryTenant !== undefined && entryTenant !== ALL_TENANTS && entryTenant !== tenant) return false;
    }
    if (retried) return true;
    const stream = entry.stream.endsWith(':urgent') ? entry.stream.slice(0, -':urgent'.length) : entry.stream;
    const patterns = this.patterns.get(stream);
    if (patterns === undefined) return true; // the service's own stream
    const destination = field(entry, FIELD.destination);
    // An entry without a destination was put there by hand: the subscription reads the stream, so it is its to judge.
    if (destination === undefined) return true;
    let answers = this.taken.get(stream);
    if (answers === undefined) this.taken.set(stream, (answers = new Map()));
    let answer = answers.get(destination);
    if (answer === undefined) {
      answer = patterns.some((pattern) => destinationMatches(pattern, destination));
      // A stream carries a bounded set of destinations in practice; forgetting them all keeps a flood of odd ones cheap.
      if (answers.size >= 1024) answers.clear();
      answers.set(destination, answer);
    }
    return answer;
  }

  /**
   * Runs the core on one entry and carries its decision out; never throws, and frees the entry's
   * slot once the decision is carried out. The core usually decides synchronously (see
   * MessageHandler): then no promise is made for the entry at all, and its acknowledgement is
   * settled from the reply to the XACK of its batch. With async context tracking on, every promise
   * and every await costs a hook call, on every entry.
   */
  private handle(handled: Handled, redelivered: boolean): void {
    const { entry, attempt } = handled;
    // Until its decision is carried out; replaced by what carrying it out waits for.
    this.inFlight.set(handled.key, STARTING);
    let decided: Decision | Promise<Decision>;
    try {
      // Built field by field, without a closure unless there is someone to reply to: this runs for every entry.
      const replyTo = field(entry, FIELD.replyTo);
      const inbound: { -readonly [K in keyof InboundMessage]: InboundMessage[K] } = {
        subscription: this.options.subscription,
        body: entry.fields.get(FIELD.body) ?? EMPTY,
        contentType: contentTypeOf(entry),
        typeLabel: field(entry, FIELD.type),
        attempt,
        redelivered,
        reply: noReplyAddress,
      };
      if (replyTo !== undefined) {
        inbound.replyTo = replyTo;
        inbound.reply = (reply) => this.reply(entry, reply);
      }
      decided = this.options.handler(inbound);
    } catch (error) {
      this.abandoned(handled, error);
      return;
    }
    if (!isPromiseLike(decided)) {
      this.carryOut(handled, decided);
      return;
    }
    this.inFlight.set(
      handled.key,
      Promise.resolve(decided).then(
        (decision) => this.carryOut(handled, decision),
        (error: unknown) => this.abandoned(handled, error),
      ),
    );
  }

  /** The core answers every message; if it threw, the entry stays pending: it is claimed again later. */
  private abandoned(handled: Handled, error: unknown): void {
    this.report({ outcome: 'abandoned', attempt: handled.attempt, reason: errorMessage(error) });
    this.done(handled);
  }

  /** The entry's work is over, settled or left pending: it no longer holds a slot. */
  private done(handled: Handled): void {
    this.inFlight.delete(handled.key);
    this.release(handled.slot);
  }

  /** Returns what the settlement waits for (also its {@link inFlight} entry), so a caller awaiting it waits for the settlement. */
  private carryOut(handled: Handled, decision: Decision): Promise<void> | undefined {
    try {
      const outcome: Outcome = { outcome: 'acked', attempt: handled.attempt };
      if (decision.envelopeId !== undefined) outcome.envelopeId = decision.envelopeId;
      if (decision.settle === 'ack') {
        // The common case: acknowledged with the others of this turn of the event loop, one XACK per stream.
        return this.acknowledge(handled, outcome);
      }
      const { raw, entry, attempt } = handled;
      const from = handled.origin ?? `${raw.stream} ${raw.id}`;
      // A copy elsewhere and the acknowledgement in one transaction: a crash in between loses nothing.
      const settle = this.commands.multi();
      if (decision.settle === 'retry') {
        settle.addCommand(['ZADD', this.names.retrySet(this.name), String(Date.now() + decision.delayMs), JSON.stringify(retryCopy(entry, attempt + 1, from))]);
        outcome.outcome = 'retried';
        outcome.reason = decision.reason;
      } else if (decision.settle === 'dead-letter') {
        settle.addCommand(this.deadLetterCommand(entry, from, attempt, decision.reason, decision.error));
        outcome.outcome = 'dead-lettered';
        outcome.reason = decision.reason;
      }
      settle.addCommand(['XACK', raw.stream, this.name, raw.id]);
      const settled = settle.exec().then(
          () => {
            this.report(outcome);
            this.done(handled);
          },
          (error: unknown) => {
            // Not settled: the entry stays pending and is claimed again after `claimIdleMs`.
            this.warn('redis.consumer.settle_failed', error);
            this.report({ ...outcome, outcome: 'abandoned', reason: errorMessage(error) });
            this.done(handled);
          },
        );
      this.inFlight.set(handled.key, settled);
      return settled;
    } catch (error) {
      this.log({ level: 'error', event: 'redis.consumer.unexpected_error', subscription: this.name, error: errorMessage(error) });
      this.done(handled);
      return undefined;
    }
  }

  private take(): Slot {
    this.busy++;
    return { released: false };
  }

  private release(slot: Slot): void {
    if (slot.released) return;
    slot.released = true;
    this.busy--;
    this.wake();
  }

  /** Lets a waiting read loop look at its capacity again. */
  private wake(): void {
    const freed = this.slotFreed;
    this.slotFreed = undefined;
    freed?.();
  }



  /**
   * Collects acknowledgements and sends one XACK per stream: on the reader's connection just before
   * its next XREADGROUP when the read loop gets there first (Redis then applies the XACK before the
   * read, so the group never holds more than `prefetch` of this consumer's entries, and both travel
   * in one round trip), else at the end of this turn of the event loop on the command connection.
   * Each entry's outcome is reported, and its slot given back, once Redis answered the XACK.
   */
  private acknowledge(handled: Handled, outcome: Outcome): Promise<void> {
    const stream = handled.raw.stream;
    let batch = this.acks.get(stream);
    if (batch === undefined) {
      let settled!: () => void;
      const done = new Promise<void>((resolve) => (settled = resolve));
      batch = { entries: [], outcomes: [], done, settled };
      this.acks.set(stream, batch);
    }
    batch.entries.push(handled);
    batch.outcomes.push(outcome);
    // What cancel() waits for: the XACK's answer, one promise for the whole batch.
    this.inFlight.set(handled.key, batch.done);
    this.unsentAcks++;
    if (!this.ackFlushScheduled) {
      this.ackFlushScheduled = true;
      setImmediate(() => {
        this.ackFlushScheduled = false;
        this.flushAcks(this.commands, false);
      });
    }
    this.wake();
    return batch.done;
  }

  /**
   * Sends the collected acknowledgements on `connection`. `beforeRead`: the read loop sends its
   * XREADGROUP next on the same connection, which Redis runs after the XACK, so their slots are
   * free for that read already.
   */
  private flushAcks(connection: RedisConnection, beforeRead: boolean): void {
    if (this.unsentAcks === 0) return;
    for (const [stream, batch] of this.acks) {
      if (beforeRead) for (const handled of batch.entries) this.release(handled.slot);
      // Each entry is reported and gives back its slot once Redis answered; `failure`: it did not take the XACK.
      const settle = (failure: string | undefined): void => {
        for (let index = 0; index < batch.entries.length; index++) {
          const outcome = batch.outcomes[index]!;
          this.report(failure === undefined ? outcome : { ...outcome, outcome: 'abandoned', reason: failure });
          this.done(batch.entries[index]!);
        }
        batch.settled();
      };
      connection.sendCommand(['XACK', stream, this.name, ...batch.entries.map((handled) => handled.raw.id)]).then(
        () => settle(undefined),
        (error: unknown) => {
          const failure = error ?? new Error('XACK failed');
          this.warn('redis.consumer.settle_failed', failure);
          settle(errorMessage(failure));
        },
      );
    }
    this.acks.clear();
    this.unsentAcks = 0;
  }

  private deadLetterCommand(entry: StreamEntry, origin: string, attempt: number, reason: string, error: string): string[] {
    const split = origin.lastIndexOf(' ');
    const command = ['XADD', this.names.deadLetters(this.name), '*'];
    command.push('reason', reason, 'error', error, 'stream', origin.slice(0, split), 'id', origin.slice(split + 1), 'attempts', String(attempt), 'subscription', this.name, 'dead-lettered-at', new Date().toISOString());
    for (const name of [FIELD.type, FIELD.destination, FIELD.tenant, FIELD.contentType]) {
      const value = field(entry, name);
      if (value !== undefined) command.push(name, value);
    }
    // The body last, as base64: its bytes survive whatever they are.
    command.push('body-base64', (entry.fields.get(FIELD.body) ?? Buffer.alloc(0)).toString('base64'));
    return command;
  }

  private async ackOnly(entry: StreamEntry): Promise<void> {
    await this.commands.sendCommand(['XACK', entry.stream, this.name, entry.id]).catch((error: unknown) => this.warn('redis.consumer.ack_failed', error));
  }

  private async reply(request: StreamEntry, reply: import('../envelope.js').Envelope): Promise<void> {
    const replyTo = field(request, FIELD.replyTo);
    if (replyTo === undefined) throw new Error('the message carries no reply address');
    const correlation = field(request, FIELD.correlation) ?? '';
    await this.commands
      .multi()
      .addCommand(['XADD', replyTo, '*', FIELD.body, JSON.stringify(reply), FIELD.correlation, correlation, FIELD.type, reply.type])
      // A requester that gave up leaves its reply stream behind; it expires.
      .addCommand(['PEXPIRE', replyTo, '60000'])
      .exec();
  }

  private report(outcome: Outcome): void {
    const onOutcome = this.options.onOutcome;
    if (onOutcome === undefined) return;
    try {
      const reported = outcome as SettlementOutcome;
      reported.subscription = this.name;
      onOutcome(reported);
    } catch {
      // Counters must never break settlement.
    }
  }

  private warn(event: string, error: unknown): void {
    this.lastError = errorMessage(error);
    this.log({ level: 'warn', event, subscription: this.name, error: this.lastError });
  }
}

const EMPTY = Buffer.alloc(0);

function noReplyAddress(): Promise<void> {
  return Promise.reject(new Error('the message carries no reply address'));
}

/** The content type every publisher of this transport writes, as bytes: most entries carry exactly it. */
const CONTENT_TYPE_BYTES = Buffer.from(CONTENT_TYPE, 'utf8');

/** The entry's content type; the usual one without decoding it again for every entry. */
function contentTypeOf(entry: StreamEntry): string | undefined {
  const value = entry.fields.get(FIELD.contentType);
  if (value === undefined) return undefined;
  if (value.length === CONTENT_TYPE_BYTES.length) {
    let index = 0;
    while (index < value.length && value[index] === CONTENT_TYPE_BYTES[index]) index++;
    if (index === value.length) return CONTENT_TYPE;
  }
  return value.toString('utf8');
}

function key(entry: StreamEntry): string {
  return `${entry.stream} ${entry.id}`;
}

function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number >= 1 ? number : undefined;
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}


/** A count from XINFO; `lag` is nil when Redis cannot tell (after deletions), counted as 0. */
function finite(value: string | undefined): number {
  const number = Number(value);
  return Number.isFinite(number) ? number : 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
