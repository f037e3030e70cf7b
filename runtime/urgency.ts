/**
 * The catalogue's urgency and alert-severity vocabulary, defined once for the generator and the
 * runtime. How a broker honours urgency is the transport's business (see runtime/amqp).
 */
import type { Urgency } from './envelope.js';

export type { Urgency };

export const URGENCIES: readonly Urgency[] = ['low', 'medium', 'high', 'critical'];

export type EventKind = 'business' | 'alert' | 'notification' | 'recommendation' | 'command';

export const EVENT_KINDS: readonly EventKind[] = ['business', 'alert', 'notification', 'recommendation', 'command'];

/** Alert severities as the systems we replace name them; `urgent` is the critical urgency. */
export type Severity = 'low' | 'medium' | 'high' | 'urgent';

export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'urgent'];

export const SEVERITY_URGENCY: Readonly<Record<Severity, Urgency>> = { low: 'low', medium: 'medium', high: 'high', urgent: 'critical' };
