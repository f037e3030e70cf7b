// Coalesced acks on the real broker: one `multiple` ack must never reach a delivery that is still
// open, and a slow handler must not hold back the acks of the messages behind it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckBatcher } from '../../runtime/amqp/acks.js';
import { EventClient } from '../../runtime/index.js';
import { AmqpTransport } from '../../runtime/amqp/index.js';
import { RABBITMQ_URL, RawBroker } from './support/amqp.js';
import { makeFixture, uniqueName, waitFor, type TestEvents } from './support/fixtures.js';

const run = promisify(execFile);
let raw: RawBroker;

beforeAll(async () => {
  raw = await RawBroker.connect();
});
afterAll(async () => {
  await raw.close();
});

/** Messages the broker has delivered on `queue` and not yet had acked (vhost `/`). */
async function unacked(queue: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', '/', 'name', 'messages_unacknowledged', '--no-table-headers']);
  const line = stdout.split('\n').find((row) => row.split('\t')[0] === queue);
  return Number(line?.split('\t')[1] ?? Number.NaN);
}

describe('AckBatcher', () => {
  it('acks the settled run in front with one multiple ack, single acks behind an open delivery, never an open one', async () => {
    const queue = uniqueName('acks');
    const connection = await amqp.connect(RABBITMQ_URL);
    try {
      const setup = await connection.createChannel();
      await setup.assertQueue(queue, { durable: false });
      for (let i = 1; i <= 8; i++) setup.sendToQueue(queue, Buffer.from(`m${i}`));

      const channel = await connection.createChannel();
      await channel.prefetch(20);
      const messages: amqp.ConsumeMessage[] = [];
      await channel.consume(queue, (message) => void (message && messages.push(message)));
      await waitFor(() => messages.length === 8, 5000, 'eight deliveries');
      const sent: Array<{ tag: number; multiple: boolean }> = [];
      const ack = channel.ack.bind(channel);
      channel.ack = (message, multiple) => {
        sent.push({ tag: message.fields.deliveryTag, multiple: multiple === true });
        ack(message, multiple);
      };

      const settled: string[] = [];
      const batcher = new AckBatcher<string>(channel, (outcome, error) => settled.push(error === undefined ? outcome : `failed:${outcome}`));
      for (const message of messages) batcher.delivered(message);
      const m = (n: number): amqp.ConsumeMessage => messages[n - 1]!;
      const tag = (n: number): number => m(n).fields.deliveryTag;
      // m1, m2 settled; m3 still open (a handler running); m4 nacked back to the queue; m5, m6 settled; m7 open; m8 settled.
      for (const n of [1, 2]) batcher.ack(m(n), `m${n}`);
      channel.nack(m(4), false, true);
      batcher.forget(m(4));
      for (const n of [5, 6, 8]) batcher.ack(m(n), `m${n}`);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sent).toEqual([
        { tag: tag(5), multiple: false },
        { tag: tag(6), multiple: false },
        { tag: tag(8), multiple: false },
        { tag: tag(2), multiple: true },
      ]);
      expect(settled.sort()).toEqual(['m1', 'm2', 'm5', 'm6', 'm8']);
      expect(batcher.open).toBe(2);

      // Closing the channel returns exactly what was not acked: the two open ones and the nacked one.
      await channel.close();
      const back: string[] = [];
      const reader = await connection.createChannel();
      await reader.consume(queue, (message) => void (message && back.push(message.content.toString())), { noAck: true });
      await waitFor(() => back.length === 3, 5000, 'the unacked messages back');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(back.sort()).toEqual(['m3', 'm4', 'm7']);
      await setup.deleteQueue(queue);
    } finally {
      await connection.close();
    }
  });

  it('a handler that takes long does not hold back the acks of the deliveries behind it', async () => {
    const fixture = makeFixture('slow-front');
    const transport = await AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-test-acks' });
    try {
      await transport.declareTopology(fixture.topology);
      const client = new EventClient<TestEvents>({ transport, registry: fixture.registry, source: 'urn:test:acks', ownsTransport: false });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handled: string[] = [];
      client.on('test.order_shipped', async (data) => {
        if (data.text === 'slow') await gate;
        handled.push(data.text);
      });
      await client.publish('test.order_shipped', 1, { text: 'slow' });
      await Promise.all(Array.from({ length: 19 }, (_, i) => client.publish('test.order_shipped', 1, { text: `fast-${i}` })));
      await client.consume(fixture.queue.name, { prefetch: 50 });
      await waitFor(() => handled.length === 19, 5000, 'the fast handlers');
      // Only the slow one is left unacknowledged while it runs.
      await waitFor(async () => (await unacked(fixture.queue.name)) === 1, 10_000, 'one unacked message');
      release();
      await waitFor(() => handled.length === 20, 5000, 'the slow handler');
      await waitFor(async () => (await unacked(fixture.queue.name)) === 0, 10_000, 'no unacked message');
      expect(client.metrics()).toMatchObject({ consumed: 20 });
      await client.close();
    } finally {
      await transport.close({ timeoutMs: 2000 });
      await raw.deleteTopology(fixture.topology);
    }
  });
});
