/**
 * The wire format: CloudEvents 1.0 in structured JSON mode, so any CloudEvents tool can read our
 * messages without knowing eventsmith. Our own attributes are CloudEvents extensions, whose names
 * the spec restricts to lowercase letters and digits (hence `eventversion`, not `eventVersion`).
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';

export type Urgency = 'low' | 'medium' | 'high' | 'critical';
const URGENCIES: ReadonlySet<string> = new Set<Urgency>(['low', 'medium', 'high', 'critical']);

export interface Envelope<TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema?: string;
  data: TData;
  /** Integer major version of the event's schema. */
  eventversion: number;
  /** Id shared by every event of one business flow; the first event's id when it starts one. */
  correlationid?: string;
  /** Id of the event whose handling caused this one. */
  causationid?: string;
  tenantid?: string;
  urgency?: Urgency;
  /**
   * W3C trace context of the span that sent the event (the CloudEvents distributed-tracing
   * extension), so a consumer's span joins its producer's trace on any transport.
   */
  traceparent?: string;
  tracestate?: string;
}

export interface CreateEnvelopeInput<TData> {
  type: string;
  version: number;
  source: string;
  data: TData;
  id?: string;
  time?: Date | string;
  dataschema?: string;
  correlationid?: string;
  causationid?: string;
  tenantid?: string;
  urgency?: Urgency;
}

export function createEnvelope<TData>(input: CreateEnvelopeInput<TData>): Envelope<TData> {
  if (!Number.isInteger(input.version) || input.version < 1) throw new TypeError(`event version must be a positive integer, got ${input.version}`);
  if (input.type.length === 0) throw new TypeError('event type must not be empty');
  if (input.source.length === 0) throw new TypeError('event source must not be empty');
  let time: string;
  if (input.time === undefined) time = nowText();
  else {
    const given = new Date(input.time);
    if (Number.isNaN(given.getTime())) throw new TypeError(`invalid event time '${String(input.time)}'`);
    time = given.toISOString();
  }
  // Optional attributes are left out rather than set to undefined: CloudEvents forbids null
  // attribute values and JSON.stringify would drop them anyway, so the object matches the wire.
  const envelope: Envelope<TData> = {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    time,
    datacontenttype: 'application/json',
    data: input.data,
    eventversion: input.version,
  };
  if (input.dataschema !== undefined) envelope.dataschema = input.dataschema;
  if (input.correlationid !== undefined) envelope.correlationid = input.correlationid;
  if (input.causationid !== undefined) envelope.causationid = input.causationid;
  if (input.tenantid !== undefined) envelope.tenantid = input.tenantid;
  if (input.urgency !== undefined) envelope.urgency = input.urgency;
  return envelope;
}

/** The last millisecond {@link nowText} formatted, and its text. */
let lastNow = Number.NaN;
let lastNowText = '';

/**
 * The current time as RFC 3339 text. A publisher sends tens of messages per millisecond, and
 * `toISOString` costs ~0.4-0.7 µs each time (more than validating a small payload): the text
 * of one millisecond is made once.
 */
function nowText(): string {
  const now = Date.now();
  if (now !== lastNow) {
    lastNow = now;
    lastNowText = new Date(now).toISOString();
  }
  return lastNowText;
}

export function serializeEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(envelopeText(envelope), 'utf8');
}

/**
 * The envelope's JSON text, for a client that writes strings itself (node-redis encodes a string
 * argument into the command's one protocol string, where a Buffer costs a copy and chunks of its own).
 */
export function envelopeText(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

export type ParseEnvelopeResult =
  | { ok: true; envelope: Envelope }
  | { ok: false; reason: 'invalid-json' | 'invalid-envelope' | 'invalid-utf8' | 'too-deeply-nested' | 'forbidden-key'; detail: string };

export interface ParseLimits {
  /** Deepest nesting of objects and arrays accepted, the envelope itself being level 1. Default {@link DEFAULT_MAX_JSON_DEPTH}. */
  maxDepth?: number;
}

/** Real payloads nest a handful of levels; thousands only serve to blow a recursive consumer's stack. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * Keys that, copied by a naive deep merge in a handler, would reach `Object.prototype`. JSON.parse
 * itself makes them plain own properties (no pollution here), but the message is refused so no
 * handler ever sees one. `constructor` and `prototype` are refused only with an object value, the
 * only form that can carry a payload onto a prototype.
 */
const FORBIDDEN_KEY = '__proto__';
const FORBIDDEN_OBJECT_KEYS: ReadonlySet<string> = new Set(['constructor', 'prototype']);

const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
// RFC 3339 as CloudEvents requires; Date.parse alone accepts far looser forms.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const OPTIONAL_STRINGS = ['dataschema', 'correlationid', 'causationid', 'tenantid', 'traceparent', 'tracestate'] as const;
const OPTIONAL_STRING_SET: ReadonlySet<string> = new Set(OPTIONAL_STRINGS);
/** Names known to pass {@link ATTRIBUTE_NAME}: every envelope carries most of them, so they skip the pattern. */
const KNOWN_ATTRIBUTES: ReadonlySet<string> = new Set(['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'eventversion', 'urgency', ...OPTIONAL_STRINGS]);

export function parseEnvelope(input: Buffer | Uint8Array | string, limits: ParseLimits = {}): ParseEnvelopeResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    // toString would silently turn invalid sequences into U+FFFD, i.e. deliver altered data.
    if (!isUtf8(bytes)) return { ok: false, reason: 'invalid-utf8', detail: 'the body is not valid UTF-8' };
    text = bytes.toString('utf8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid-json', detail: error instanceof Error ? error.message : 'unparseable JSON' };
  }
  return checkEnvelope(value, limits);
}

/**
 * What {@link parseEnvelope} makes of `value` once JSON.parse produced it: nesting depth and
 * forbidden keys, the envelope's attributes, the envelope. For a transport that reads the
 * attributes from the broker's own fields (Kafka's binary mode: headers, the data as value) and
 * so has them without a JSON text to parse.
 */
export function checkEnvelope(value: unknown, limits: ParseLimits = {}): ParseEnvelopeResult {
  const shape = shapeProblem(value, limits.maxDepth ?? DEFAULT_MAX_JSON_DEPTH);
  if (shape !== undefined) return { ok: false, ...shape };
  const problem = envelopeProblem(value);
  if (problem !== undefined) return { ok: false, reason: 'invalid-envelope', detail: problem };
  return { ok: true, envelope: pick(value as Record<string, unknown>) };
}

type ShapeProblem = { reason: 'too-deeply-nested' | 'forbidden-key'; detail: string };

const TOO_DEEP = 1;
const FORBIDDEN = 2;

/**
 * Nesting depth and forbidden keys in one walk. Recursive, but never deeper than `maxDepth` (it
 * stops there), so a hostile message cannot exhaust the stack; and it allocates nothing unless it
 * finds a problem, since every delivery goes through it.
 */
function shapeProblem(root: unknown, maxDepth: number): ShapeProblem | undefined {
  const path: string[] = [];
  const found = walk(root, 1, maxDepth, path);
  if (found === 0) return undefined;
  const segments = path.reverse();
  if (found === TOO_DEEP) return { reason: 'too-deeply-nested', detail: `JSON nests deeper than ${maxDepth} levels (at ${pointer(segments, 8)})` };
  return { reason: 'forbidden-key', detail: `key '${segments.at(-1)}' at ${pointer(segments.slice(0, -1), 16)} is refused (prototype pollution risk)` };
}

/** 0, {@link TOO_DEEP} or {@link FORBIDDEN} for `value` at `depth`; on a problem `path` leads there, innermost first. */
function walk(value: unknown, depth: number, maxDepth: number, path: string[]): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > maxDepth) return TOO_DEEP;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], depth + 1, maxDepth, path);
      if (found !== 0) {
        path.push(String(i));
        return found;
      }
    }
    return 0;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const child = record[key];
    const isObject = typeof child === 'object' && child !== null;
    let found = key === FORBIDDEN_KEY || (isObject && FORBIDDEN_OBJECT_KEYS.has(key)) ? FORBIDDEN : 0;
    if (found === 0 && isObject) found = walk(child, depth + 1, maxDepth, path);
    if (found !== 0) {
      path.push(key);
      return found;
    }
  }
  return 0;
}

/** JSON pointer of `segments`, its first `limit` only (a hostile path may be thousands long). */
function pointer(segments: readonly string[], limit: number): string {
  const shown = segments.slice(0, limit).map((s) => `/${s.length > 40 ? `${s.slice(0, 40)}…` : s}`).join('');
  return (shown || '/') + (segments.length > limit ? '/…' : '');
}

function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  // Whether an optional attribute is there and not a string: found in this one pass over what the
  // envelope holds, instead of looking up each optional name, present or not, on every message.
  let optionalNotString = false;
  for (const name in record) {
    if (name === 'data') continue;
    const attribute = record[name];
    if (name === 'data_base64') return 'binary data (data_base64) is not supported';
    if (!KNOWN_ATTRIBUTES.has(name) && !ATTRIBUTE_NAME.test(name)) return `attribute name '${name}' is not lowercase alphanumeric`;
    if (attribute === null) return `attribute '${name}' is null`;
    if (typeof attribute !== 'string' && OPTIONAL_STRING_SET.has(name)) optionalNotString = true;
  }
  if (record.specversion !== '1.0') return `unsupported specversion ${JSON.stringify(record.specversion)}`;
  for (const name of ['id', 'source', 'type'] as const) {
    const attribute = record[name];
    if (typeof attribute !== 'string' || attribute.length === 0) return `missing or empty '${name}'`;
  }
  if (!('data' in record)) return "missing 'data'";
  const version = record.eventversion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return "missing or invalid 'eventversion' (positive integer)";
  if (record.time !== undefined && !isTimestamp(record.time)) return "'time' is not an RFC 3339 timestamp";
  const contentType = record.datacontenttype;
  if (contentType !== undefined && contentType !== 'application/json' && (typeof contentType !== 'string' || !/^application\/([\w.+-]+\+)?json(;.*)?$/i.test(contentType))) {
    return `unsupported datacontenttype ${JSON.stringify(contentType)}`;
  }
  if (optionalNotString) {
    for (const name of OPTIONAL_STRINGS) {
      if (record[name] !== undefined && typeof record[name] !== 'string') return `'${name}' must be a string`;
    }
  }
  if (record.urgency !== undefined && (typeof record.urgency !== 'string' || !URGENCIES.has(record.urgency))) return `invalid 'urgency' ${JSON.stringify(record.urgency)}`;
  return undefined;
}

/** The last `time` found valid: a publisher's burst carries one text per millisecond, checked once. */
let lastTimestamp = '';

function isTimestamp(time: unknown): boolean {
  if (typeof time !== 'string') return false;
  if (time === lastTimestamp) return true;
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) return false;
  lastTimestamp = time;
  return true;
}

function pick(record: Record<string, unknown>): Envelope {
  const envelope: Envelope = {
    specversion: '1.0',
    id: record.id as string,
    source: record.source as string,
    type: record.type as string,
    // A producer that omits time (optional in CloudEvents) still yields a usable envelope.
    time: typeof record.time === 'string' ? record.time : nowText(),
    datacontenttype: 'application/json',
    data: record.data,
    eventversion: record.eventversion as number,
  };
  for (const name of OPTIONAL_STRINGS) {
    const attribute = record[name];
    if (typeof attribute === 'string') envelope[name] = attribute;
  }
  if (typeof record.urgency === 'string') envelope.urgency = record.urgency as Urgency;
  return envelope;
}
