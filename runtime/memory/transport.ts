/**
 * An in-memory {@link Transport} for users' unit tests: the same subscriptions (destination
 * patterns with `*`/`#`, events of one kind or all, direct messages to a service, tenant-bound
 * subscriptions), urgency order, retries with delays, dead letters and request/reply as the broker
 * transports, through the same consume pipeline, with nothing to start. It also lets tests look
 * inside: what was published, what waits, what was dead-lettered, and put raw bytes on a
 * subscription as a misbehaving producer would.
 */
import { serializeEnvelope, type Envelope } from '../envelope.js';
import { RequestTimeoutError, TransportClosedError, UnroutableError } from '../errors.js';
import { subscriptionInfo } from '../consume/subscription.js';
import { destinationMatches } from '../destinations.js';
import type { ChannelSpec, TopologySpec } from '../topology.js';
import type { CloseOptions, ConsumeSpec, MessageHandler, PublishTarget, RequestOptions, Subscription, Transport, TransportHealth } from '../transport.js';
import type { Urgency } from '../urgency.js';
import { MemoryQueue, type DeadLetter, type MemoryConsumer } from './queue.js';

export type { DeadLetter } from './queue.js';

export interface PublishedRecord {
  envelope: Envelope;
  target: PublishTarget;
}

export interface MemoryTransportOptions {
  /** Consumers dead-letter larger bodies unread (`message-too-large`). Default 1 MiB. */
  maxMessageBytes?: number;
  /** Deeper JSON is dead-lettered (`too-deeply-nested`). Default 64. */
  maxJsonDepth?: number;
}

const REPLY_PREFIX = 'memory.reply-to.';

export class MemoryTransport implements Transport {
  readonly name = 'memory';
  private readonly subscriptions = new Map<string, MemoryQueue>();
  private readonly replies = new Map<string, { resolve(envelope: Envelope): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private readonly history: PublishedRecord[] = [];
  private closed = false;

  constructor(private readonly options: MemoryTransportOptions = {}) {}

  async declareTopology(spec: TopologySpec): Promise<void> {
    this.assertOpen();
    for (const subscription of spec.subscriptions ?? []) {
      const existing = this.subscriptions.get(subscription.name);
      if (existing !== undefined) {
        // Declaring again adds sources, as re-binding a queue does; the rest stays as first declared.
        const known = new Set(existing.spec.sources.map(sourceKey));
        const added = subscription.sources.filter((source) => !known.has(sourceKey(source)));
        if (added.length > 0) existing.spec.sources = [...existing.spec.sources, ...added];
        continue;
      }
      const info = subscriptionInfo(subscription, this.options);
      this.subscriptions.set(subscription.name, new MemoryQueue({ ...subscription, sources: [...subscription.sources] }, info, (replyTo, reply) => this.deliverReply(replyTo, reply)));
    }
  }

  async publish(envelope: Envelope, target: PublishTarget): Promise<void> {
    this.assertOpen();
    this.route(serializeEnvelope(envelope), envelope, target, undefined);
    this.history.push({ envelope: structuredClone(envelope), target: { ...target } });
  }

  async subscribe(spec: ConsumeSpec, handler: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    const queue = this.subscriptions.get(spec.subscription);
    if (queue === undefined) throw new Error(`subscription '${spec.subscription}' is not part of a topology declared on this transport; call declareTopology first`);
    if (queue.consumer?.active === true) throw new Error(`subscription '${spec.subscription}' already has a consumer on this transport`);
    const consumer: MemoryConsumer = { handler, prefetch: spec.prefetch ?? 100, onOutcome: spec.onOutcome, inFlight: new Set(), active: true };
    queue.consumer = consumer;
    queue.schedule();
    return {
      name: spec.subscription,
      cancel: async (options) => {
        await this.stop(queue, consumer, options?.timeoutMs ?? 10_000);
      },
    };
  }

  request(envelope: Envelope, target: PublishTarget, options: RequestOptions): Promise<Envelope> {
    if (this.closed) return Promise.reject(new TransportClosedError());
    return new Promise<Envelope>((resolve, reject) => {
      const replyTo = `${REPLY_PREFIX}${envelope.id}`;
      const timer = setTimeout(() => {
        this.replies.delete(replyTo);
        reject(new RequestTimeoutError(envelope.type, options.timeoutMs));
      }, options.timeoutMs);
      this.replies.set(replyTo, { resolve, reject, timer });
      try {
        this.route(serializeEnvelope(envelope), envelope, target, replyTo);
        this.history.push({ envelope: structuredClone(envelope), target: { ...target } });
      } catch (error) {
        clearTimeout(timer);
        this.replies.delete(replyTo);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  health(): TransportHealth {
    const consumers = [...this.subscriptions.values()].filter((queue) => queue.consumer !== undefined).map((queue) => queue.health());
    return {
      transport: 'memory',
      status: this.closed ? 'closed' : 'connected',
      healthy: !this.closed && consumers.every((consumer) => consumer.active),
      consumers,
      publisher: { inFlight: 0, buffered: 0 },
      reconnects: 0,
    };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timeoutMs = options.timeoutMs ?? 10_000;
    await Promise.all([...this.subscriptions.values()].map((queue) => (queue.consumer === undefined ? undefined : this.stop(queue, queue.consumer, timeoutMs))));
    for (const queue of this.subscriptions.values()) queue.clearTimers();
    for (const [replyTo, pending] of this.replies) {
      clearTimeout(pending.timer);
      pending.reject(new TransportClosedError());
      this.replies.delete(replyTo);
    }
  }

  // Test helpers: not part of Transport.

  /** Every envelope published (and requested) so far, oldest first. */
  published(): PublishedRecord[] {
    return [...this.history];
  }

  /** Messages waiting in `subscription` (not yet delivered, or waiting for a retry). */
  depth(subscription: string): number {
    return this.queue(subscription).depth;
  }

  deadLetters(subscription: string): DeadLetter[] {
    return [...this.queue(subscription).deadLetters];
  }

  /** Puts raw bytes on `subscription` as-is, bypassing envelope creation, as a foreign producer might. */
  injectRaw(subscription: string, content: Buffer | string, options: { urgency?: Urgency; destination?: string } = {}): void {
    this.queue(subscription).enqueue({
      content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
      destination: options.destination ?? subscription,
      urgency: options.urgency ?? 'medium',
      attempt: 1,
      redelivered: false,
    });
  }

  private route(content: Buffer, envelope: Envelope, target: PublishTarget, replyTo: string | undefined): void {
    const tenant = envelope.tenantid;
    const targets = [...this.subscriptions.values()].filter(
      (queue) =>
        (target.service === undefined ? queue.spec.sources.some((source) => takes(source, target)) : queue.spec.service === target.service) &&
        // As the broker's tenant filter does: a tenant-bound subscription takes its tenant's events and those of no tenant.
        (queue.spec.tenant === undefined || tenant === undefined || queue.spec.tenant === tenant),
    );
    if (targets.length === 0 && (target.mandatory ?? true)) {
      throw target.service === undefined ? new UnroutableError(target.destination) : new UnroutableError(target.service, `no subscription of service '${target.service}' takes it`);
    }
    const destination = target.service ?? target.destination;
    for (const queue of targets) {
      const message = { content, destination, urgency: target.urgency, attempt: 1, redelivered: false };
      queue.enqueue(replyTo === undefined ? message : { ...message, replyTo });
    }
  }

  private async deliverReply(replyTo: string, reply: Envelope): Promise<void> {
    const pending = this.replies.get(replyTo);
    // As with RabbitMQ's direct reply-to, a reply to a requester that gave up is dropped silently.
    if (pending === undefined) return;
    this.replies.delete(replyTo);
    clearTimeout(pending.timer);
    pending.resolve(structuredClone(reply));
  }

  private async stop(queue: MemoryQueue, consumer: MemoryConsumer, timeoutMs: number): Promise<void> {
    consumer.active = false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...consumer.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (queue.consumer === consumer) queue.consumer = undefined;
  }

  private queue(name: string): MemoryQueue {
    const queue = this.subscriptions.get(name);
    if (queue === undefined) throw new Error(`no subscription '${name}'`);
    return queue;
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportClosedError();
  }
}

/** Whether a subscription's source takes a publish: same kind (or any), matching destination. */
function takes(source: ChannelSpec, target: PublishTarget): boolean {
  return (source.kind === undefined || source.kind === target.kind) && destinationMatches(source.destination, target.destination);
}

function sourceKey(source: ChannelSpec): string {
  return `${source.kind ?? '*'} ${source.destination}`;
}
