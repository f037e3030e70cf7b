/**
 * One in-memory queue with its consumer, retry delays and dead letters, mirroring what the AMQP
 * consumer does with real queues: ack drops the message, retry re-enqueues it after the delay of
 * its attempt with the attempt counter raised, dead-letter moves it to `deadLetters` with a reason.
 */
import { parseEnvelope, type Envelope } from '../envelope.js';
import { errorMessage } from '../errors.js';
import { DEFAULT_MAX_PRIORITY, resolveRetryPolicy, retryDelays, type QueueSpec, type ResolvedRetryPolicy } from '../topology.js';
import type { ConsumerHealth, Delivery, DeliveryHandler, Settlement, SettlementOutcome } from '../transport.js';

export interface MemoryMessage {
  content: Buffer;
  exchange: string;
  routingKey: string;
  priority: number;
  attempt: number;
  redelivered: boolean;
  replyTo?: string;
  seq: number;
}

export interface DeadLetter {
  content: Buffer;
  /** Undefined when the content was not a valid envelope. */
  envelope: Envelope | undefined;
  /** As the `x-death-reason` header on RabbitMQ. */
  reason: string;
  error: string | undefined;
  attempts: number;
  exchange: string;
  routingKey: string;
}

export interface MemoryConsumer {
  handler: DeliveryHandler;
  prefetch: number;
  onOutcome: ((outcome: SettlementOutcome) => void) | undefined;
  inFlight: Set<Promise<void>>;
  active: boolean;
}

type Replier = (replyTo: string, request: Envelope, reply: Envelope) => Promise<void>;

export class MemoryQueue {
  readonly messages: MemoryMessage[] = [];
  readonly deadLetters: DeadLetter[] = [];
  readonly policy: ResolvedRetryPolicy;
  consumer: MemoryConsumer | undefined;
  private readonly delays: number[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled = false;

  constructor(
    readonly spec: QueueSpec,
    private readonly replier: Replier,
  ) {
    this.policy = resolveRetryPolicy(spec.retry);
    this.delays = retryDelays(this.policy);
  }

  get name(): string {
    return this.spec.name;
  }

  enqueue(message: MemoryMessage): void {
    // Quorum queues on RabbitMQ 3.x ignore priorities; mirror that so tests do not promise more.
    const priority = this.spec.queueType === 'quorum' ? 0 : Math.min(message.priority, this.spec.maxPriority ?? DEFAULT_MAX_PRIORITY);
    const stored = { ...message, priority };
    let index = this.messages.length;
    while (index > 0 && (this.messages[index - 1]?.priority ?? 0) < priority) index--;
    this.messages.splice(index, 0, stored);
    this.schedule();
  }

  health(): ConsumerHealth {
    const consumer = this.consumer;
    return { queue: this.name, active: consumer?.active ?? false, inFlight: consumer?.inFlight.size ?? 0, prefetch: consumer?.prefetch ?? 0 };
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Deferred so that publishes made in one tick are all queued (and priority-sorted) before delivery. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const consumer = this.consumer;
    while (consumer !== undefined && consumer.active && consumer.inFlight.size < consumer.prefetch) {
      const message = this.messages.shift();
      if (message === undefined) return;
      const work = this.handle(consumer, message).catch(() => {});
      consumer.inFlight.add(work);
      void work.finally(() => {
        consumer.inFlight.delete(work);
        this.schedule();
      });
    }
  }

  private async handle(consumer: MemoryConsumer, message: MemoryMessage): Promise<void> {
    const parsed = parseEnvelope(message.content);
    if (!parsed.ok) {
      this.deadLetter(consumer, message, undefined, parsed.reason, parsed.detail);
      return;
    }
    const envelope = parsed.envelope;
    const replyTo = message.replyTo;
    const delivery: Delivery = {
      envelope,
      queue: this.name,
      exchange: message.exchange,
      routingKey: message.routingKey,
      attempt: message.attempt,
      maxAttempts: this.policy.maxAttempts,
      redelivered: message.redelivered,
      reply: (reply) => {
        if (replyTo === undefined) return Promise.reject(new Error(`event '${envelope.type}' (${envelope.id}) carries no reply address`));
        return this.replier(replyTo, envelope, reply);
      },
    };
    if (replyTo !== undefined) delivery.replyTo = replyTo;
    let settlement: Settlement;
    try {
      settlement = await consumer.handler(delivery);
    } catch (error) {
      settlement = { settle: 'retry', reason: errorMessage(error) };
    }
    const base = { attempt: message.attempt, envelopeId: envelope.id };
    if (settlement.settle === 'ack') {
      report(consumer, { queue: this.name, outcome: 'acked', ...base });
    } else if (settlement.settle === 'dead-letter') {
      this.deadLetter(consumer, message, envelope, settlement.reason, settlement.error);
    } else if (message.attempt >= this.policy.maxAttempts) {
      this.deadLetter(consumer, message, envelope, 'max-attempts-exceeded', settlement.reason);
    } else {
      const delay = this.delays[Math.min(message.attempt, this.delays.length) - 1] ?? 0;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue({ ...message, attempt: message.attempt + 1, redelivered: false });
      }, delay);
      this.timers.add(timer);
      report(consumer, { queue: this.name, outcome: 'retried', reason: settlement.reason, ...base });
    }
  }

  private deadLetter(consumer: MemoryConsumer, message: MemoryMessage, envelope: Envelope | undefined, reason: string, error: string | undefined): void {
    this.deadLetters.push({
      content: message.content,
      envelope,
      reason,
      error: error ?? reason,
      attempts: message.attempt,
      exchange: message.exchange,
      routingKey: message.routingKey,
    });
    const outcome: SettlementOutcome = { queue: this.name, outcome: 'dead-lettered', reason, attempt: message.attempt };
    if (envelope !== undefined) outcome.envelopeId = envelope.id;
    report(consumer, outcome);
  }
}

function report(consumer: MemoryConsumer, outcome: SettlementOutcome): void {
  try {
    consumer.onOutcome?.(outcome);
  } catch {
    // Counters must never break settlement.
  }
}
