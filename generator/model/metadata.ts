/**
 * Reads and checks eventsmith's extension fields on one message. Each reader reports a problem at
 * the field itself and falls back to the documented default, so one bad field does not hide others.
 */
import { URGENCY_PRIORITY } from '../../runtime/amqp/priority.js';
import { EVENT_KINDS, SEVERITIES, SEVERITY_URGENCY, URGENCIES, type EventKind, type Severity, type Urgency } from '../../runtime/urgency.js';

export interface FieldReporter {
  /** Reports a problem at `field` of the message (a key of the message object). */
  (field: string, code: string, message: string, hint: string): void;
}

export interface EventMetadata {
  version: number;
  kind: EventKind;
  urgency: Urgency;
  severity?: Severity;
  producers?: string[];
  consumers?: string[];
  tenantScoped: boolean;
  /** The payload property naming the tenant when it is not `tenant_id` (`x-tenant-field`). */
  tenantField?: string;
  deprecated: boolean;
  sunset?: string;
}

/** Fields a strict catalogue must declare on every message (directly or through a trait). */
export const STRICT_FIELDS = ['description', 'x-version', 'x-kind', 'x-producers', 'x-consumers', 'x-tenant-scoped'] as const;

export function readMetadata(message: Record<string, unknown>, report: FieldReporter): EventMetadata {
  const version = readVersion(message['x-version'], report);
  const kind = readEnum(message['x-kind'], EVENT_KINDS, 'business', 'x-kind', report);
  const declaredUrgency = message['x-urgency'] === undefined ? undefined : readEnum(message['x-urgency'], URGENCIES, 'medium', 'x-urgency', report);
  const declaredSeverity = message['x-severity'] === undefined ? undefined : readEnum(message['x-severity'], SEVERITIES, 'medium', 'x-severity', report);
  if (declaredSeverity && kind !== 'alert') {
    report('x-severity', 'severity-not-alert', `x-severity is set on a ${kind} event`, 'Severity applies to alerts only: set `x-kind: alert`, or use `x-urgency` instead.');
  }
  if (declaredSeverity && declaredUrgency && SEVERITY_URGENCY[declaredSeverity] !== declaredUrgency) {
    report('x-urgency', 'urgency-severity-mismatch', `x-urgency '${declaredUrgency}' disagrees with x-severity '${declaredSeverity}' (which means urgency '${SEVERITY_URGENCY[declaredSeverity]}')`, `Declare one of them, or make them agree: ${SEVERITIES.map((s) => `${s}↔${SEVERITY_URGENCY[s]}`).join(', ')}.`);
  }
  const urgency = declaredUrgency ?? (declaredSeverity ? SEVERITY_URGENCY[declaredSeverity] : 'medium');
  const severity = kind === 'alert' ? (declaredSeverity ?? severityOf(urgency)) : undefined;
  // x-priority is an AMQP message priority written by hand; it must be the one RabbitMQ gets from the urgency.
  const priority = URGENCY_PRIORITY[urgency];
  if (message['x-priority'] !== undefined && message['x-priority'] !== priority) {
    const table = Object.entries(URGENCY_PRIORITY).map(([u, p]) => `${u} ${p}`).join(', ');
    report('x-priority', 'priority-mismatch', `x-priority ${JSON.stringify(message['x-priority'])} disagrees with urgency '${urgency}' (priority ${priority})`, `Priority follows from urgency (${table}): remove x-priority or change x-urgency.`);
  }
  const sunset = readSunset(message['x-sunset'], report);
  return {
    version,
    kind,
    urgency,
    ...(severity ? { severity } : {}),
    ...optionalList('producers', readServices(message['x-producers'], 'x-producers', report)),
    ...optionalList('consumers', readServices(message['x-consumers'], 'x-consumers', report)),
    tenantScoped: readBoolean(message['x-tenant-scoped'], 'x-tenant-scoped', report),
    ...optionalText('tenantField', readTenantField(message['x-tenant-field'], report)),
    deprecated: readBoolean(message['x-deprecated'], 'x-deprecated', report),
    ...(sunset ? { sunset } : {}),
  };
}

/** The severity that means `urgency` (SEVERITY_URGENCY read backwards: critical is urgent). */
function severityOf(urgency: Urgency): Severity {
  return SEVERITIES.find((severity) => SEVERITY_URGENCY[severity] === urgency)!;
}

function readVersion(value: unknown, report: FieldReporter): number {
  if (value === undefined) return 1;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 9999) return value;
  report('x-version', 'invalid-version', `x-version must be a whole number from 1, not ${JSON.stringify(value)}`, 'Versions are integer majors: 1, 2, 3…; a breaking change gets the next one.');
  return 1;
}

function readEnum<T extends string>(value: unknown, allowed: readonly T[], fallback: T, field: string, report: FieldReporter): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  report(field, `unknown-${field.slice(2)}`, `unknown ${field.slice(2)} ${JSON.stringify(value)}`, `Use one of: ${allowed.join(', ')}.`);
  return fallback;
}

/** A payload property name; `tenant_id`, the default, is left out so the generated code stays as it was. */
function readTenantField(value: unknown, report: FieldReporter): string | undefined {
  if (value === undefined || value === 'tenant_id') return undefined;
  if (typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  report('x-tenant-field', 'invalid-tenant-field', `x-tenant-field must name a payload property, not ${JSON.stringify(value)}`, 'Write e.g. `x-tenant-field: company_id`: the property that names the tenant (default `tenant_id`).');
  return undefined;
}

function optionalText<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function readBoolean(value: unknown, field: string, report: FieldReporter): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  report(field, 'invalid-boolean', `${field} must be true or false, not ${JSON.stringify(value)}`, `Write \`${field}: true\` or \`${field}: false\` (no quotes).`);
  return false;
}

function readServices(value: unknown, field: string, report: FieldReporter): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && /^[a-z][a-z0-9-]*$/.test(v))) {
    return [...new Set(value as string[])].sort();
  }
  report(field, 'invalid-services', `${field} must be a list of service names in kebab-case`, `Write e.g. \`${field}: [inventory-service]\`; names use lowercase letters, digits and dashes.`);
  return undefined;
}

function readSunset(value: unknown, report: FieldReporter): string | undefined {
  if (value === undefined) return undefined;
  // YAML reads an unquoted 2027-06-30 as a string here (core schema), but a Date slips through other schemas.
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))) return text;
  report('x-sunset', 'invalid-sunset', `x-sunset must be a date written YYYY-MM-DD, not ${JSON.stringify(value)}`, "Write e.g. `x-sunset: '2027-06-30'`.");
  return undefined;
}

function optionalList<K extends string>(key: K, list: string[] | undefined): Partial<Record<K, string[]>> {
  return list ? ({ [key]: list } as Record<K, string[]>) : {};
}
