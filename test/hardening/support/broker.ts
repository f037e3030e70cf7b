// Raw amqplib access for the integration, hardening, DLQ and fault tests: put bytes on the broker as a foreign
// producer would and read queues back whole. Deliberately bypasses the runtime under test.
import amqp from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { bindingOf, EVENT_KINDS, type TopologySpec } from '../../../runtime/index.js';
import { DEFAULT_RABBITMQ_URL, DIRECT_EXCHANGE, exchangeFor, subscriptionObjects } from '../../../runtime/amqp/index.js';

/** The exchanges every service shares; a test's cleanup never deletes them, even when a binding names one. */
const SHARED_EXCHANGES = new Set([DIRECT_EXCHANGE, ...EVENT_KINDS.map((kind) => exchangeFor(kind))]);

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? DEFAULT_RABBITMQ_URL;

export interface RawMessage {
  bytes: Buffer;
  content: string;
  messageId: string | undefined;
  reason: unknown;
  error: unknown;
  headers: Record<string, unknown>;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
}

export class Broker {
  private constructor(private readonly connection: ChannelModel) {}

  static async connect(url = RABBITMQ_URL): Promise<Broker> {
    const connection = await amqp.connect(url);
    connection.on('error', () => {});
    return new Broker(connection);
  }

  private async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => {});
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  private async withConfirm<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const channel = await this.connection.createConfirmChannel();
    channel.on('error', () => {});
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  /** Confirmed publish straight onto `queue` (default exchange). */
  async sendToQueue(queue: string, content: string | Buffer, options: Options.Publish = {}): Promise<void> {
    await this.publish('', queue, content, options);
  }

  /** Confirmed publish; resolves once the broker acked it. */
  async publish(exchange: string, routingKey: string, content: string | Buffer, options: Options.Publish = {}): Promise<void> {
    await this.withConfirm(async (channel) => {
      channel.publish(exchange, routingKey, typeof content === 'string' ? Buffer.from(content) : content, { persistent: true, ...options });
      await channel.waitForConfirms();
    });
  }

  /** Publishes many messages on one confirm channel. */
  async publishMany(items: ReadonlyArray<{ exchange: string; routingKey: string; content: string | Buffer; options?: Options.Publish }>): Promise<void> {
    await this.withConfirm(async (channel) => {
      for (const item of items) channel.publish(item.exchange, item.routingKey, typeof item.content === 'string' ? Buffer.from(item.content) : item.content, { persistent: true, ...item.options });
      await channel.waitForConfirms();
    });
  }

  /** Takes every message off `queue` (destructive), in queue order. */
  async drain(queue: string): Promise<RawMessage[]> {
    return this.withChannel(async (channel) => {
      const messages: RawMessage[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) return messages;
        const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
        messages.push({
          bytes: message.content,
          content: message.content.toString('utf8'),
          messageId: typeof message.properties.messageId === 'string' ? message.properties.messageId : undefined,
          reason: headers['x-death-reason'],
          error: headers['x-eventsmith-error'],
          headers,
          exchange: message.fields.exchange,
          routingKey: message.fields.routingKey,
          redelivered: message.fields.redelivered,
        });
      }
    });
  }

  async messageCount(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
  }

  async purge(queue: string): Promise<void> {
    await this.withChannel(async (channel) => void (await channel.purgeQueue(queue)));
  }

  /** A durable queue bound to `exchange` with `pattern` (another service's queue, in tests). */
  async declareBoundQueue(queue: string, exchange: string, pattern: string): Promise<void> {
    await this.withChannel(async (channel) => {
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, exchange, pattern);
    });
  }

  async deleteQueues(...queues: string[]): Promise<void> {
    await this.withChannel(async (channel) => {
      for (const queue of queues) await channel.deleteQueue(queue);
    });
  }

  async deleteExchanges(...exchanges: string[]): Promise<void> {
    await this.withChannel(async (channel) => {
      for (const exchange of exchanges) await channel.deleteExchange(exchange);
    });
  }

  /**
   * Deletes every queue and exchange of the topology's subscriptions, and the exchanges its
   * channels and sources name through an AMQP binding (a test's own). The shared exchanges of the
   * event kinds (`eventsmith.<kind>`, `eventsmith.direct`) stay: other tests publish through them.
   */
  async deleteTopology(spec: TopologySpec): Promise<void> {
    await this.withChannel(async (channel) => {
      const bound = new Set<string>();
      for (const source of [...(spec.channels ?? []), ...(spec.subscriptions ?? []).flatMap((s) => s.sources)]) {
        const exchange = bindingOf(source.bindings, 'amqp').exchange;
        if (typeof exchange === 'string' && exchange.length > 0 && !SHARED_EXCHANGES.has(exchange)) bound.add(exchange);
      }
      for (const subscription of spec.subscriptions ?? []) {
        const names = subscriptionObjects(subscription);
        for (const name of names.queues) await channel.deleteQueue(name);
        for (const name of names.exchanges) await channel.deleteExchange(name);
      }
      for (const exchange of bound) await channel.deleteExchange(exchange);
    });
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {});
  }
}

/** Drains `queue` until it holds `count` messages in total, or fails after `timeoutMs`. */
export async function drainUntil(broker: Broker, queue: string, count: number, timeoutMs = 5000): Promise<RawMessage[]> {
  const deadline = Date.now() + timeoutMs;
  const messages: RawMessage[] = [];
  for (;;) {
    messages.push(...(await broker.drain(queue)));
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms: ${messages.length} of ${count} messages on ${queue}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
