/**
 * `eventsmith/runtime/kafka`: the Kafka transport. Loads @platformatic/kafka (an optional peer
 * dependency of eventsmith: `npm install @platformatic/kafka`) when it first connects.
 */
export { KafkaTransport } from './transport.js';
export type { KafkaHealthDetails, KafkaTransportOptions } from './transport.js';
export { KafkaNames, TopicNotDerivableError } from './names.js';
export { DEFAULT_KAFKA_BROKERS } from './client.js';
export type { StartPosition } from './topics.js';
export type { OffsetReset } from './offset-reset.js';
export { HEADER as KAFKA_HEADERS } from './wire.js';
export type { WireMode } from './wire.js';
export { inspectKafkaDeadLetters, replayKafkaDeadLetters, replayGroup } from './dlq.js';
export type { KafkaDlqOptions } from './dlq.js';
