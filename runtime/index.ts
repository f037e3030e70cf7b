/**
 * `eventsmith/runtime`: what generated code and services import. Broker-neutral: it loads no broker
 * client. Transports come from their own entry points (`eventsmith/runtime/amqp`, …), which load
 * their client; the in-memory transport for unit tests is here, since it needs none.
 */
export { EventClient } from './client.js';
export type { AnyReply, EventClientOptions, EventHandler, HandlerContext, PublishOptions, ReplyVersions, RequestOptions } from './client.js';

export { createEnvelope, DEFAULT_MAX_JSON_DEPTH, parseEnvelope, serializeEnvelope } from './envelope.js';
export type { CreateEnvelopeInput, Envelope, ParseEnvelopeResult, ParseLimits } from './envelope.js';

export { EventRegistry } from './registry.js';
export { defineRegistry, payloadValidator } from './catalog-registry.js';
export type { CatalogDefinition } from './catalog-registry.js';
export type { EventDataOf, EventDefinition, EventMap, EventRef, EventRegistryInput, EventTypeOf, EventVersionOf, ResolvedDefinition, SafeParser, ValidationResult } from './registry.js';

export { EVENT_KINDS, SEVERITIES, SEVERITY_URGENCY, URGENCIES } from './urgency.js';
export type { EventKind, Severity, Urgency } from './urgency.js';

export { alertDestination, defaultDestination, DestinationParameterError, destinationMatches, domainOf, resolveDestination, subscriptionPattern, type DestinationParameter, type DestinationParameters } from './destinations.js';
export { bindingOf } from './bindings.js';
export type { TransportBindings } from './bindings.js';
export { DEFAULT_MAX_MESSAGE_BYTES } from './limits.js';

export type {
  CloseOptions,
  ConsumeSpec,
  ConsumerFailure,
  ConsumerHealth,
  DeadLetterReason,
  Decision,
  InboundMessage,
  MessageHandler,
  PublishTarget,
  RequestOptions as TransportRequestOptions,
  SettlementOutcome,
  Subscription,
  SubscriptionInfo,
  Transport,
  TransportHealth,
  TransportStatus,
} from './transport.js';
export { consumePipeline } from './consume/pipeline.js';
export type { ConsumeObserver, ConsumeOutcome, MessageObservation } from './consume/observer.js';
export type { MeterProviderLike, TelemetryOptions, TracerProviderLike } from './telemetry/options.js';
export type { Delivery, Settlement } from './consume/delivery.js';

export { ALL_TENANTS, assertTenantId, resolveRetryPolicy, retryDelays, serviceSubscriptionName, tenantSubscriptionName } from './topology.js';
export type { ChannelSpec, ResolvedRetryPolicy, RetryPolicy, SubscriptionSpec, TopologySpec } from './topology.js';

export { MemoryIdempotencyStore } from './idempotency.js';
export type { ClaimResult, IdempotencyStore } from './idempotency.js';

export { currentCause } from './context.js';
export { consoleWarnings, emptyMetrics, silentLogger } from './observability.js';
export type { ClientMetrics, LogEntry, LogLevel, Logger } from './observability.js';
export type { BackoffOptions } from './backoff.js';

export {
  DestinationNotFoundError,
  EventsmithError,
  MessageTooLargeError,
  MissingTenantError,
  NonRetryableError,
  NotConnectedError,
  PublishBufferFullError,
  PublishNackedError,
  RequestTimeoutError,
  TenantMismatchError,
  TransportClosedError,
  UndeclaredReplyError,
  UnknownEventError,
  UnroutableError,
} from './errors.js';
export { EventValidationError, type ValidationIssue } from './validation-error.js';
export type { ProducerInput } from './producer-input.js';

export { MemoryTransport } from './memory/transport.js';
export type { DeadLetter, MemoryTransportOptions, PublishedRecord } from './memory/transport.js';

export { CatalogEvents, WrongKindError } from './catalog-events.js';
export type {
  AlertOptions,
  CatalogBinding,
  CatalogEventsOptions,
  CommandReplyMap,
  DirectOptions,
  LatestPayload,
  LatestVersionMap,
  LiveOlderVersions,
  NoReplies,
  NoSunsets,
  OlderVersions,
  RepliesOf,
  ReplyEnvelope,
  SubscriptionOptions,
  SunsetMap,
  SunsetVersionsOf,
  UpcasterArgs,
  Upcasters,
} from './catalog-events.js';
