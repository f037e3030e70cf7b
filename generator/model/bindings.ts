/**
 * What an event's transport-specific facts come to. The model keeps only what the catalogue says
 * (an AMQP exchange named through a channel binding); defaults come from the runtime, so the
 * generator, its docs and the compatibility checker agree with what a transport does at run time.
 */
import { exchangeFor } from '../../runtime/amqp/names.js';
import { URGENCY_PRIORITY, type Priority } from '../../runtime/amqp/priority.js';
import type { TransportBindings } from '../../runtime/bindings.js';
import type { CatalogEvent } from './catalog.js';

/** The event's transport bindings as the runtime reads them, or undefined when the catalogue gives none. */
export function eventBindings(event: Pick<CatalogEvent, 'amqpExchange' | 'redisStream' | 'kafkaTopic'>): TransportBindings | undefined {
  if (event.amqpExchange === undefined && event.redisStream === undefined && event.kafkaTopic === undefined) return undefined;
  return {
    ...(event.amqpExchange === undefined ? {} : { amqp: { exchange: event.amqpExchange } }),
    ...(event.redisStream === undefined ? {} : { redis: { stream: event.redisStream } }),
    ...(event.kafkaTopic === undefined ? {} : { kafka: { ...event.kafkaTopic } }),
  };
}

/** How RabbitMQ carries the event: its exchange, its routing key (the destination) and its message priority. */
export function rabbitmqRoute(event: Pick<CatalogEvent, 'kind' | 'urgency' | 'destination' | 'amqpExchange'>): { exchange: string; routingKey: string; priority: Priority } {
  return { exchange: exchangeFor(event.kind, eventBindings(event)), routingKey: event.destination, priority: URGENCY_PRIORITY[event.urgency] };
}
