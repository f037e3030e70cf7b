/**
 * `eventsmith/runtime`: what generated code and services import. Broker-neutral API first, then
 * the two transports.
 */
export { EventClient } from './client.js';
export type { EventClientOptions, EventHandler, HandlerContext, PublishOptions, RequestOptions } from './client.js';

export { createEnvelope, DEFAULT_MAX_JSON_DEPTH, parseEnvelope, serializeEnvelope } from './envelope.js';
export type { CreateEnvelopeInput, Envelope, ParseEnvelopeResult, ParseLimits } from './envelope.js';

export { EventRegistry, resolveRoutingKey, SEVERITY_URGENCY, URGENCY_PRIORITY } from './registry.js';
export type { EventDataOf, EventDefinition, EventKind, EventMap, EventRef, EventRegistryInput, EventTypeOf, EventVersionOf, Priority, ResolvedDefinition, SafeParser, Severity, Urgency, ValidationResult } from './registry.js';

export type {
  CloseOptions,
  ConsumerHealth,
  DeadLetterReason,
  Delivery,
  DeliveryHandler,
  PublishRoute,
  RequestOptions as TransportRequestOptions,
  Settlement,
  SettlementOutcome,
  SubscribeSpec,
  Subscription,
  Transport,
  TransportHealth,
  TransportStatus,
} from './transport.js';

export {
  deadLetterExchangeName,
  deadLetterQueueName,
  queueSpecNames,
  resolveRetryPolicy,
  retryDelays,
  retryQueueName,
  serviceQueueName,
  tenantExchangeName,
  tenantQueueName,
  topicMatches,
} from './topology.js';
export type { BindingSpec, ExchangeSpec, ExchangeType, QueueSpec, RetryPolicy, TopologySpec } from './topology.js';

export { MemoryIdempotencyStore } from './idempotency.js';
export type { ClaimResult, IdempotencyStore } from './idempotency.js';

export { currentCause } from './context.js';
export { emptyMetrics, silentLogger } from './observability.js';
export type { ClientMetrics, LogEntry, LogLevel, Logger } from './observability.js';
export type { BackoffOptions } from './backoff.js';

export {
  EventsmithError,
  ExchangeNotFoundError,
  MessageTooLargeError,
  MissingTenantError,
  NonRetryableError,
  NotConnectedError,
  PublishBufferFullError,
  PublishNackedError,
  RequestTimeoutError,
  TenantMismatchError,
  TransportClosedError,
  UnknownEventError,
  UnroutableError,
} from './errors.js';

export { AmqpTransport, DEFAULT_MAX_MESSAGE_BYTES } from './amqp/transport.js';
export type { AmqpTransportOptions } from './amqp/transport.js';
export { DEFAULT_RABBITMQ_URL } from './amqp/connection.js';
export { ALL_TENANTS, ATTEMPT_HEADER, DEATH_REASON_HEADER, ERROR_HEADER, TENANT_HEADER } from './amqp/headers.js';
export { redactUrl } from './amqp/redact.js';

export { MemoryTransport } from './memory/transport.js';
export type { DeadLetter, PublishedRecord } from './memory/transport.js';

export { CatalogEvents, WrongKindError } from './catalog-events.js';
export type { AlertOptions, CatalogBinding, CatalogEventsOptions, DirectOptions, LatestPayload, LatestVersionMap, QueueOptions, Upcasters } from './catalog-events.js';
