/**
 * How RabbitMQ honours urgency: as message priority on queues declared with `x-max-priority`.
 * The one urgency → priority table; the generator's docs read it from here.
 */
import type { Urgency } from '../urgency.js';

export type Priority = 1 | 5 | 8 | 10;

export const URGENCY_PRIORITY: Readonly<Record<Urgency, Priority>> = { low: 1, medium: 5, high: 8, critical: 10 };

/** Priority levels every eventsmith queue is declared with unless the transport says otherwise. */
export const DEFAULT_MAX_PRIORITY = 10;
