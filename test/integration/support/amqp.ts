// Raw amqplib access for tests: put bytes on queues as a foreign producer would, read dead letters,
// and delete what a test declared. Deliberately bypasses the runtime under test.
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { DEFAULT_RABBITMQ_URL, queueSpecNames, type TopologySpec } from '../../../runtime/index.js';

export const RABBITMQ_URL = process.env.RABBITMQ_URL ?? DEFAULT_RABBITMQ_URL;

export interface RawDeadLetter {
  content: string;
  reason: unknown;
  error: unknown;
  headers: Record<string, unknown>;
}

export class RawBroker {
  private constructor(private readonly connection: ChannelModel) {}

  static async connect(): Promise<RawBroker> {
    const connection = await amqp.connect(RABBITMQ_URL);
    connection.on('error', () => {});
    return new RawBroker(connection);
  }

  /** A fresh channel per call: a failing operation closes only its own channel. */
  private async withChannel<T>(work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => {});
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  async sendToQueue(queue: string, content: string | Buffer, options: amqp.Options.Publish = {}): Promise<void> {
    await this.withChannel(async (channel) => {
      channel.sendToQueue(queue, typeof content === 'string' ? Buffer.from(content) : content, { persistent: true, ...options });
    });
  }

  async deadLetters(queue: string): Promise<RawDeadLetter[]> {
    return this.withChannel(async (channel) => {
      const letters: RawDeadLetter[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) return letters;
        const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
        letters.push({ content: message.content.toString('utf8'), reason: headers['x-death-reason'], error: headers['x-eventsmith-error'], headers });
      }
    });
  }

  async messageCount(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
  }

  async queueArguments(queue: string): Promise<boolean> {
    return this.withChannel(async (channel) => {
      await channel.checkQueue(queue);
      return true;
    });
  }

  async deleteTopology(spec: TopologySpec): Promise<void> {
    await this.withChannel(async (channel) => {
      for (const queue of spec.queues ?? []) {
        const names = queueSpecNames(queue);
        for (const name of names.queues) await channel.deleteQueue(name);
        for (const name of names.exchanges) await channel.deleteExchange(name);
      }
      for (const exchange of spec.exchanges ?? []) await channel.deleteExchange(exchange.name);
    });
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {});
  }
}
