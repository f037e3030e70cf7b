// The shared behavioural suite against Kafka (the local broker of scripts/kafka-broker, or KAFKA_BOOTSTRAP).
import { afterAll, beforeAll } from 'vitest';
import { KafkaTransport } from '../../runtime/kafka/index.js';
import { KAFKA_BROKERS, RawKafka } from './support/kafka.js';
import { defineTransportSuite } from './support/transport-suite.js';

let kafka: RawKafka;
beforeAll(() => {
  kafka = new RawKafka();
});
afterAll(async () => {
  await kafka.close();
});

/** A fixture subscription `<prefix>.events` reads the fixture's own topic `<prefix>.topic` (its Kafka binding). */
function fixtureTopic(subscription: string): string {
  return subscription.replace(/\.events$/, '.topic');
}

defineTransportSuite('kafka', {
  create: () => KafkaTransport.connect({ brokers: KAFKA_BROKERS, clientId: 'es-test' }),
  injectRaw: async (_transport, subscription, content) => {
    await kafka.produce(fixtureTopic(subscription), content);
  },
  deadLetters: async (_transport, subscription, count) => {
    const records = await kafka.read(kafka.names.deadLetters(subscription), count);
    return records.map((record) => ({ content: record.value, reason: record.headers['eventsmith-dlq-reason'], error: record.headers['eventsmith-dlq-error'] }));
  },
  cleanup: (topology) => kafka.deleteTopology(topology),
  // A consumer that closes leaves its group at once; the next member is assigned within a rebalance.
  redeliveryMs: 2000,
  unroutedDestinations: 'kept',
});
