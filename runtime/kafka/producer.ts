/**
 * Publishing with many records in flight, as on RabbitMQ: `send` queues a record and resolves once
 * the broker acknowledged it with acks=all (every in-sync replica has it) from an idempotent
 * producer. Records queued while a batch is on the wire leave together in the next one, so a
 * burst of publishes costs a few round trips, not one each, and records keep their order.
 *
 * A batch that fails for a reason that passes (broker restarting, leader moving) is sent again
 * with capped backoff until it succeeds or the transport closes: a caller's `publish` resolves
 * only when its record is on the broker, and rejects only when it never will be.
 */
import { backoffDelay, cancellableSleep } from '../backoff.js';
import { Deque } from '../deque.js';
import { PublishBufferFullError, TransportClosedError } from '../errors.js';
import type { Logger } from '../observability.js';
import type { Producer } from '@platformatic/kafka';
import { kafkaErrorText } from './client.js';
import type { Headers } from './wire.js';

/** Keys, header names and header values as text; values as bytes. */
export type KafkaProducer = Producer<string, Buffer, string, string>;

export interface OutgoingRecord {
  topic: string;
  key?: string;
  value: Buffer;
  headers: Headers;
}

interface Queued {
  record: OutgoingRecord;
  resolve(): void;
  reject(error: Error): void;
}

export interface BatchingProducerOptions {
  /** Records in one produce request at most. Default 500. */
  maxBatch?: number;
  /** Records waiting (queued or on the wire) before `send` refuses with PublishBufferFullError. Default 10,000. */
  maxBuffered?: number;
}

export class BatchingProducer {
  private readonly queue = new Deque<Queued>();
  private onWire = 0;
  private flushing = false;
  private closed = false;
  private sleeping: { cancel(): void } | undefined;
  private failures = 0;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  lastError: string | undefined;
  /** Times sending failed after having worked: each is an outage the producer waited out. */
  outages = 0;

  constructor(
    private readonly producer: KafkaProducer,
    private readonly log: Logger,
    private readonly options: BatchingProducerOptions = {},
  ) {}

  get inFlight(): number {
    return this.onWire;
  }

  get buffered(): number {
    return this.queue.length;
  }

  /** Whether the last batch failed and the producer is waiting to send again. */
  get retrying(): boolean {
    return this.failures > 0;
  }

  send(record: OutgoingRecord): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError());
    if (this.queue.length + this.onWire >= (this.options.maxBuffered ?? 10_000)) return Promise.reject(new PublishBufferFullError(this.options.maxBuffered ?? 10_000));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        this.idle = new Promise((done) => (this.markIdle = done));
        // Let the current turn of the event loop queue its records too: one request for all of them.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Waits (up to `timeoutMs`) until every queued record is acknowledged; then refuses new ones and fails what is left. */
  async close(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.closed = true;
    this.sleeping?.cancel();
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) item.reject(new TransportClosedError());
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch: Queued[] = [];
      const max = this.options.maxBatch ?? 500;
      while (batch.length < max && this.queue.length > 0) batch.push(this.queue.shift()!);
      this.onWire = batch.length;
      const sent = await this.sendBatch(batch);
      this.onWire = 0;
      if (!sent) {
        for (const item of batch) item.reject(new TransportClosedError());
        break;
      }
    }
    this.flushing = false;
    this.markIdle();
  }

  /** Sends until acknowledged (true) or closed (false). */
  private async sendBatch(batch: Queued[]): Promise<boolean> {
    for (;;) {
      try {
        await this.producer.send({ messages: batch.map(({ record }) => toMessage(record)) });
        if (this.failures > 0) this.log({ level: 'info', event: 'kafka.producer.recovered', afterFailures: this.failures });
        this.failures = 0;
        for (const item of batch) item.resolve();
        return true;
      } catch (error) {
        if (this.closed) return false;
        if (this.failures === 0) this.outages++;
        this.failures++;
        this.lastError = kafkaErrorText(error);
        const delay = backoffDelay(this.failures, { initialDelayMs: 100, maxDelayMs: 5000 });
        this.log({ level: 'warn', event: 'kafka.producer.send_failed', records: batch.length, failures: this.failures, retryInMs: delay, error: this.lastError });
        const sleep = cancellableSleep(delay);
        this.sleeping = sleep;
        await sleep.promise;
        this.sleeping = undefined;
        if (this.closed) return false;
      }
    }
  }
}

function toMessage(record: OutgoingRecord): { topic: string; key?: string; value: Buffer; headers: Map<string, string> } {
  const message: { topic: string; key?: string; value: Buffer; headers: Map<string, string> } = { topic: record.topic, value: record.value, headers: record.headers };
  if (record.key !== undefined) message.key = record.key;
  return message;
}
