/**
 * Attribute and metric names from the OpenTelemetry semantic conventions (messaging, CloudEvents,
 * errors). The messaging conventions are still "incubating": OpenTelemetry asks instrumentations to
 * copy such names rather than depend on `@opentelemetry/semantic-conventions/incubating`, whose
 * exports may change in any minor release. Names of our own start with `eventsmith.`.
 */

export const ATTR = {
  system: 'messaging.system',
  operationName: 'messaging.operation.name',
  operationType: 'messaging.operation.type',
  destinationName: 'messaging.destination.name',
  destinationTemplate: 'messaging.destination.template',
  destinationTemporary: 'messaging.destination.temporary',
  subscriptionName: 'messaging.destination.subscription.name',
  consumerGroup: 'messaging.consumer.group.name',
  messageId: 'messaging.message.id',
  conversationId: 'messaging.message.conversation_id',
  bodySize: 'messaging.message.body.size',
  errorType: 'error.type',
  eventId: 'cloudevents.event_id',
  eventType: 'cloudevents.event_type',
  eventSource: 'cloudevents.event_source',
  eventVersion: 'eventsmith.event.version',
  tenant: 'eventsmith.tenant.id',
  attempt: 'eventsmith.delivery.attempt',
  outcome: 'eventsmith.outcome',
  replyId: 'eventsmith.reply.id',
} as const;

export const METRIC = {
  sent: 'messaging.client.sent.messages',
  operationDuration: 'messaging.client.operation.duration',
  consumed: 'messaging.client.consumed.messages',
  processDuration: 'messaging.process.duration',
  inFlight: 'eventsmith.consumer.in_flight',
  lag: 'eventsmith.consumer.lag',
  skipped: 'eventsmith.consumer.skipped',
} as const;

/** The semantic conventions' explicit buckets for messaging durations, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** `messaging.system` for a transport's name: the conventions' value where they define one. */
export function messagingSystem(transport: string): string {
  return transport === 'amqp' ? 'rabbitmq' : transport;
}
