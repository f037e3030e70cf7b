/**
 * An in-memory {@link Transport} for users' unit tests: same routing (topic `*`/`#`, direct,
 * fanout), priorities, retries with delays, dead letters and request/reply as the AMQP transport,
 * with nothing to start. It also lets tests look inside: what was published, what is queued, what
 * was dead-lettered, and put raw bytes on a queue as a misbehaving producer would.
 */
import { serializeEnvelope, type Envelope } from '../envelope.js';
import { ExchangeNotFoundError, RequestTimeoutError, TransportClosedError, UnroutableError } from '../errors.js';
import { topicMatches, type BindingSpec, type ExchangeType, type TopologySpec } from '../topology.js';
import type { CloseOptions, DeliveryHandler, PublishRoute, RequestOptions, SubscribeSpec, Subscription, Transport, TransportHealth } from '../transport.js';
import { MemoryQueue, type DeadLetter, type MemoryConsumer } from './queue.js';

export type { DeadLetter } from './queue.js';

interface MemoryExchange {
  type: ExchangeType;
  bindings: Array<{ queue: string; routingKey: string }>;
}

export interface PublishedRecord {
  envelope: Envelope;
  route: PublishRoute;
}

const REPLY_PREFIX = 'memory.reply-to.';

export class MemoryTransport implements Transport {
  private readonly exchanges = new Map<string, MemoryExchange>();
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly replies = new Map<string, { resolve(envelope: Envelope): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private readonly history: PublishedRecord[] = [];
  private seq = 0;
  private closed = false;

  async declareTopology(spec: TopologySpec): Promise<void> {
    this.assertOpen();
    for (const exchange of spec.exchanges ?? []) {
      const existing = this.exchanges.get(exchange.name);
      if (existing !== undefined && existing.type !== exchange.type) throw new Error(`exchange '${exchange.name}' exists with type '${existing.type}'`);
      if (existing === undefined) this.exchanges.set(exchange.name, { type: exchange.type, bindings: [] });
    }
    for (const queue of spec.queues ?? []) {
      if (!this.queues.has(queue.name)) this.queues.set(queue.name, new MemoryQueue(queue, (replyTo, request, reply) => this.deliverReply(replyTo, request, reply)));
      for (const binding of queue.bindings ?? []) this.bind(queue.name, binding);
    }
  }

  async publish(envelope: Envelope, route: PublishRoute): Promise<void> {
    this.assertOpen();
    this.route(serializeEnvelope(envelope), route, undefined, envelope.tenantid);
    this.history.push({ envelope: structuredClone(envelope), route: { ...route } });
  }

  async subscribe(spec: SubscribeSpec, handler: DeliveryHandler): Promise<Subscription> {
    this.assertOpen();
    const queue = this.queues.get(spec.queue);
    if (queue === undefined) throw new Error(`queue '${spec.queue}' is not part of a topology declared on this transport; call declareTopology first`);
    if (queue.consumer?.active === true) throw new Error(`queue '${spec.queue}' already has a consumer on this transport`);
    const consumer: MemoryConsumer = { handler, prefetch: spec.prefetch ?? 100, onOutcome: spec.onOutcome, inFlight: new Set(), active: true };
    queue.consumer = consumer;
    queue.schedule();
    return {
      queue: spec.queue,
      cancel: async (options) => {
        await this.stop(queue, consumer, options?.timeoutMs ?? 10_000);
      },
    };
  }

  request(envelope: Envelope, route: PublishRoute, options: RequestOptions): Promise<Envelope> {
    if (this.closed) return Promise.reject(new TransportClosedError());
    return new Promise<Envelope>((resolve, reject) => {
      const replyTo = `${REPLY_PREFIX}${envelope.id}`;
      const timer = setTimeout(() => {
        this.replies.delete(replyTo);
        reject(new RequestTimeoutError(envelope.type, options.timeoutMs));
      }, options.timeoutMs);
      this.replies.set(replyTo, { resolve, reject, timer });
      try {
        this.route(serializeEnvelope(envelope), route, replyTo, envelope.tenantid);
        this.history.push({ envelope: structuredClone(envelope), route: { ...route } });
      } catch (error) {
        clearTimeout(timer);
        this.replies.delete(replyTo);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  health(): TransportHealth {
    const consumers = [...this.queues.values()].filter((queue) => queue.consumer !== undefined).map((queue) => queue.health());
    return {
      transport: 'memory',
      status: this.closed ? 'closed' : 'connected',
      healthy: !this.closed && consumers.every((consumer) => consumer.active),
      channels: 0,
      consumers,
      publisher: { inFlight: 0, buffered: 0 },
      reconnects: 0,
    };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timeoutMs = options.timeoutMs ?? 10_000;
    await Promise.all([...this.queues.values()].map((queue) => (queue.consumer === undefined ? undefined : this.stop(queue, queue.consumer, timeoutMs))));
    for (const queue of this.queues.values()) queue.clearTimers();
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

  /** Messages waiting in `queue` (not yet delivered or waiting for a retry). */
  depth(queue: string): number {
    return this.queue(queue).messages.length;
  }

  deadLetters(queue: string): DeadLetter[] {
    return [...this.queue(queue).deadLetters];
  }

  /** Puts raw bytes on `queue` as-is, bypassing envelope creation, as a foreign producer might. */
  injectRaw(queue: string, content: Buffer | string, options: { priority?: number; routingKey?: string } = {}): void {
    this.queue(queue).enqueue({
      content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
      exchange: '',
      routingKey: options.routingKey ?? queue,
      priority: options.priority ?? 0,
      attempt: 1,
      redelivered: false,
      seq: this.seq++,
    });
  }

  private route(content: Buffer, route: PublishRoute, replyTo: string | undefined, tenant: string | undefined): void {
    // As the AMQP binding does: a tenant-bound queue takes its tenant's events and those of no tenant.
    const targets = this.resolveTargets(route.exchange, route.routingKey).filter((queue) => route.exchange === '' || queue.spec.tenant === undefined || tenant === undefined || queue.spec.tenant === tenant);
    if (targets.length === 0 && (route.mandatory ?? true)) throw new UnroutableError(route.exchange, route.routingKey);
    for (const queue of targets) {
      const message = { content, exchange: route.exchange, routingKey: route.routingKey, priority: route.priority ?? 0, attempt: 1, redelivered: false, seq: this.seq++ };
      queue.enqueue(replyTo === undefined ? message : { ...message, replyTo });
    }
  }

  private resolveTargets(exchangeName: string, routingKey: string): MemoryQueue[] {
    if (exchangeName === '') {
      const queue = this.queues.get(routingKey);
      return queue === undefined ? [] : [queue];
    }
    const exchange = this.exchanges.get(exchangeName);
    if (exchange === undefined) throw new ExchangeNotFoundError(exchangeName);
    const names = new Set<string>();
    for (const binding of exchange.bindings) {
      const matches =
        exchange.type === 'topic' ? topicMatches(binding.routingKey, routingKey) : exchange.type === 'direct' ? binding.routingKey === routingKey : true;
      if (matches) names.add(binding.queue);
    }
    return [...names].flatMap((name) => this.queues.get(name) ?? []);
  }

  private bind(queue: string, binding: BindingSpec): void {
    const exchange = this.exchanges.get(binding.exchange);
    if (exchange === undefined) throw new ExchangeNotFoundError(binding.exchange);
    if (exchange.type === 'headers') throw new Error('the memory transport does not route headers exchanges');
    if (!exchange.bindings.some((existing) => existing.queue === queue && existing.routingKey === binding.routingKey)) {
      exchange.bindings.push({ queue, routingKey: binding.routingKey });
    }
  }

  private async deliverReply(replyTo: string, _request: Envelope, reply: Envelope): Promise<void> {
    const pending = this.replies.get(replyTo);
    // As with direct reply-to, a reply to a requester that gave up is dropped silently.
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
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`no queue '${name}'`);
    return queue;
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportClosedError();
  }
}
