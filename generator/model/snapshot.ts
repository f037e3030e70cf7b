/**
 * `catalog.snapshot.json`: the Catalog model serialised by `generate`, read back by `check` as a
 * BASE or HEAD. Older snapshots stay readable, since a base is often one an older eventsmith wrote.
 */
import { exchangeFor } from '../../runtime/amqp/names.js';
import type { CatalogEvent } from './catalog.js';

export const SNAPSHOT_FORMAT = 'eventsmith-catalog-snapshot';

/**
 * The format version `generate` writes. Version 1 described events in RabbitMQ's terms
 * (`routingKey`, `exchange`, `priority`) where version 2 has `destination` and `amqpExchange`.
 */
export const SNAPSHOT_FORMAT_VERSION = 2;

/** Format versions `check` reads. */
export const READABLE_SNAPSHOT_VERSIONS: readonly unknown[] = [1, 2];

/** An event of a version 1 snapshot. */
type EventV1 = Omit<CatalogEvent, 'destination' | 'amqpExchange'> & { routingKey: string; exchange: string; priority?: number };

/** The events of a snapshot of `formatVersion` (one of READABLE_SNAPSHOT_VERSIONS), as the current model has them. */
export function snapshotEvents(formatVersion: unknown, events: readonly unknown[]): CatalogEvent[] {
  if (formatVersion !== 1) return events as CatalogEvent[];
  return (events as EventV1[]).map(({ routingKey, exchange, priority: _priority, ...rest }) => ({
    ...rest,
    destination: routingKey,
    // Version 1 wrote every event's exchange; the catalogue named it only when it is not its kind's.
    ...(exchange === exchangeFor(rest.kind) ? {} : { amqpExchange: exchange }),
  }));
}
