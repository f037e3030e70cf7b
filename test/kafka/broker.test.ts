// The local Kafka broker (scripts/kafka-broker, started by `npm test`'s pretest and by .ci/run)
// answers a real client: create a topic, produce a message, consume it back in a group, delete the topic.
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, MessagesStreamModes, ProduceAcks, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`;
const brokers = BOOTSTRAP.split(',').map((address) => address.trim());

let admin: Admin;

beforeAll(() => {
  admin = new Admin({ clientId: 'es-test-admin', bootstrapBrokers: brokers, timeout: 5_000, retries: 2 });
});
afterAll(async () => {
  await admin.close();
});

describe('local Kafka broker', () => {
  it('round-trips a message: create topic, produce, consume in a group, delete topic', async () => {
    const topic = `es-test.${randomUUID().slice(0, 8)}`;
    const key = `key-${randomUUID()}`;
    const value = JSON.stringify({ hello: 'kafka', at: Date.now() });

    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    expect(await admin.listTopics()).toContain(topic);
    const producer = new Producer({ clientId: 'es-test-producer', bootstrapBrokers: brokers, serializers: stringSerializers });
    const consumer = new Consumer({
      clientId: 'es-test-consumer',
      groupId: `es-test.${randomUUID().slice(0, 8)}`,
      bootstrapBrokers: brokers,
      deserializers: stringDeserializers,
      maxWaitTime: 500,
      timeout: 5_000,
    });
    try {
      // Leader and all in-sync replicas (one here): the setting a real cluster uses.
      const sent = await producer.send({ messages: [{ topic, key, value, headers: { source: 'eventsmith-test' } }], acks: ProduceAcks.ALL });
      expect(sent.offsets?.[0]).toMatchObject({ topic, partition: 0, offset: 0n });

      const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
      try {
        let received: { key: string; value: string; headers: Map<string, string>; offset: bigint } | undefined;
        for await (const message of stream) {
          received = { key: message.key, value: message.value, headers: message.headers, offset: message.offset };
          await message.commit();
          break;
        }
        expect(received).toEqual({ key, value, headers: new Map([['source', 'eventsmith-test']]), offset: 0n });
      } finally {
        await stream.close();
      }
    } finally {
      await consumer.close(true);
      await producer.close();
      await admin.deleteTopics({ topics: [topic] });
    }

    // Deletion is committed by the controller before the call returns; the broker's metadata follows.
    const deadline = Date.now() + 5_000;
    while ((await admin.listTopics()).includes(topic) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await admin.listTopics()).not.toContain(topic);
  }, 20_000);
});
