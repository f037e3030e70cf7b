/**
 * One in-memory subscription with its consumer, retry delays and dead letters. It carries out the
 * core's decisions as a broker would: ack drops the message, retry puts it back after the decided
 * delay with the attempt counter raised, dead-letter moves it to `deadLetters` with the reason.
 * Waiting messages are taken most urgent first, then in publish order.
 */
import { Deque } from '../deque.js';
import { parseEnvelope, type Envelope } from '../envelope.js';
import { errorMessage } from '../errors.js';
import type { ConsumerHealth, Decision, InboundMessage, MessageHandler, SettlementOutcome, SubscriptionInfo } from '../transport.js';
import type { SubscriptionSpec } from '../topology.js';
import type { Urgency } from '../urgency.js';

const URGENCY_RANK: Readonly<Record<Urgency, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

export interface MemoryMessage {
  content: Buffer;
  /** The destination it was published to (the service name for a direct message). */
  destination: string;
  urgency: Urgency;
  attempt: number;
  redelivered: boolean;
  replyTo?: string;
}

export interface DeadLetter {
  content: Buffer;
  /** Undefined when the content was not a valid envelope. */
  envelope: Envelope | undefined;
  /** As the `x-death-reason` header on RabbitMQ. */
  reason: string;
  error: string;
  attempts: number;
  destination: string;
}

export interface MemoryConsumer {
  handler: MessageHandler;
  prefetch: number;
  onOutcome: ((outcome: SettlementOutcome) => void) | undefined;
  inFlight: Set<Promise<void>>;
  active: boolean;
}

type Replier = (replyTo: string, reply: Envelope) => Promise<void>;

export class MemoryQueue {
  /**
   * Waiting messages, one FIFO per urgency (index: rank): taking the most urgent first, then in
   * publish order, stays constant-time with a backlog of any size (a sorted array's shift and
   * splice are linear, quadratic over a backlog).
   */
  private readonly waiting = [new Deque<MemoryMessage>(), new Deque<MemoryMessage>(), new Deque<MemoryMessage>(), new Deque<MemoryMessage>()];
  readonly deadLetters: DeadLetter[] = [];
  consumer: MemoryConsumer | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled = false;

  constructor(
    readonly spec: SubscriptionSpec,
    readonly info: SubscriptionInfo,
    private readonly replier: Replier,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  enqueue(message: MemoryMessage): void {
    this.waiting[URGENCY_RANK[message.urgency]]!.push(message);
    this.schedule();
  }

  /** Messages waiting for delivery. */
  get depth(): number {
    let depth = 0;
    for (const fifo of this.waiting) depth += fifo.length;
    return depth;
  }

  private next(): MemoryMessage | undefined {
    for (let rank = this.waiting.length - 1; rank >= 0; rank--) {
      const message = this.waiting[rank]!.shift();
      if (message !== undefined) return message;
    }
    return undefined;
  }

  health(): ConsumerHealth {
    const consumer = this.consumer;
    return { subscription: this.name, active: consumer?.active ?? false, inFlight: consumer?.inFlight.size ?? 0, prefetch: consumer?.prefetch ?? 0, lag: this.depth };
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Deferred so that publishes made in one tick are all queued (and ordered by urgency) before delivery. */
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
      const message = this.next();
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
    const replyTo = message.replyTo;
    const inbound: InboundMessage = {
      subscription: this.info,
      body: message.content,
      attempt: message.attempt,
      redelivered: message.redelivered,
      reply: (reply) => (replyTo === undefined ? Promise.reject(new Error('the message carries no reply address')) : this.replier(replyTo, reply)),
      ...(replyTo === undefined ? {} : { replyTo }),
    };
    let decision: Decision;
    try {
      decision = await consumer.handler(inbound);
    } catch (error) {
      // The core answers every message; should it throw, the message goes back as a broker would redeliver it.
      this.enqueue({ ...message, redelivered: true });
      report(consumer, { subscription: this.name, outcome: 'abandoned', reason: errorMessage(error), attempt: message.attempt });
      return;
    }
    const outcome: SettlementOutcome = { subscription: this.name, outcome: 'acked', attempt: message.attempt };
    if (decision.envelopeId !== undefined) outcome.envelopeId = decision.envelopeId;
    if (decision.settle === 'retry') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.enqueue({ ...message, attempt: message.attempt + 1, redelivered: false });
      }, decision.delayMs);
      this.timers.add(timer);
      outcome.outcome = 'retried';
      outcome.reason = decision.reason;
    } else if (decision.settle === 'dead-letter') {
      this.deadLetters.push({ content: message.content, envelope: envelopeOf(message.content), reason: decision.reason, error: decision.error, attempts: message.attempt, destination: message.destination });
      outcome.outcome = 'dead-lettered';
      outcome.reason = decision.reason;
    }
    report(consumer, outcome);
  }
}

/** A dead letter's envelope for tests to look at, when its content is one. */
function envelopeOf(content: Buffer): Envelope | undefined {
  const parsed = parseEnvelope(content);
  return parsed.ok ? parsed.envelope : undefined;
}

function report(consumer: MemoryConsumer, outcome: SettlementOutcome): void {
  try {
    consumer.onOutcome?.(outcome);
  } catch {
    // Counters must never break settlement.
  }
}
