/**
 * `eventsmith/runtime/amqp`: the RabbitMQ transport. Loads amqplib (an optional peer dependency of
 * eventsmith: `npm install amqplib`).
 */
export { AmqpTransport } from './transport.js';
export type { AmqpHealthDetails, AmqpTransportOptions } from './transport.js';
export type { QueueOptions } from './topology.js';
export { DEFAULT_RABBITMQ_URL } from './connection.js';
export { ExchangeNotFoundError } from './errors.js';
export { ALL_TENANTS, ATTEMPT_HEADER, CONTENT_TYPE, DEATH_REASON_HEADER, ERROR_HEADER, ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER, TENANT_HEADER } from './headers.js';
export { deadLetterExchangeName, deadLetterQueueName, DIRECT_EXCHANGE, exchangeFor, retryQueueName, subscriptionObjects, tenantExchangeName } from './names.js';
export { DEFAULT_MAX_PRIORITY, URGENCY_PRIORITY } from './priority.js';
export type { Priority } from './priority.js';
export { redactUrl } from './redact.js';
