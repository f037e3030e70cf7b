// The shared behavioural suite against the real RabbitMQ broker.
import { afterAll, beforeAll } from 'vitest';
import { AmqpTransport, deadLetterQueueName } from '../../runtime/amqp/index.js';
import { RABBITMQ_URL, RawBroker, type RawDeadLetter } from './support/amqp.js';
import { waitFor } from './support/fixtures.js';
import { defineTransportSuite } from './support/transport-suite.js';

let raw: RawBroker;
beforeAll(async () => {
  raw = await RawBroker.connect();
});
afterAll(async () => {
  await raw.close();
});

defineTransportSuite('amqp', {
  create: () => AmqpTransport.connect({ url: RABBITMQ_URL, connectionName: 'eventsmith-test', connectTimeoutMs: 5000 }),
  injectRaw: (_transport, queue, content) => raw.sendToQueue(queue, content),
  deadLetters: async (_transport, queue, count) => {
    const letters: RawDeadLetter[] = [];
    await waitFor(
      async () => {
        letters.push(...(await raw.drain(deadLetterQueueName(queue))));
        return letters.length >= count;
      },
      8000,
      `${count} dead letters`,
    );
    return letters;
  },
  cleanup: (topology) => raw.deleteTopology(topology),
});
