// Raw amqplib access for the integration tests: the same helper the hardening tests use (put bytes
// on queues as a foreign producer would, read dead letters, delete what a test declared).
export { Broker as RawBroker, RABBITMQ_URL, type RawMessage as RawDeadLetter } from '../../hardening/support/broker.js';
