/**
 * The CloudEvents Kafka protocol binding (https://github.com/cloudevents/spec, kafka-protocol-binding.md),
 * so that any CloudEvents SDK reads what eventsmith writes:
 * - binary mode (the default): every context attribute is a `ce_<name>` header, the data is the
 *   record's value and `content-type` its media type;
 * - structured mode: the whole envelope as JSON in the value, `content-type: application/cloudevents+json`.
 * The record key is the event's ordering key (the binding's `partitionkey` extension maps to it).
 *
 * Beside them travel eventsmith's own headers (routing, retries, replies, dead letters), named
 * `eventsmith-*` so that they never collide with a `ce_` attribute.
 */
import { isUtf8 } from 'node:buffer';
import { isJsonContentType } from '../consume/pipeline.js';
import { checkEnvelope, serializeEnvelope, type Envelope } from '../envelope.js';

export type WireMode = 'binary' | 'structured';

export const HEADER = {
  contentType: 'content-type',
  destination: 'eventsmith-destination',
  tenant: 'eventsmith-tenant',
  urgency: 'eventsmith-urgency',
  attempt: 'eventsmith-attempt',
  due: 'eventsmith-due',
  replyTo: 'eventsmith-reply-to',
  correlation: 'eventsmith-correlation',
  reason: 'eventsmith-dlq-reason',
  error: 'eventsmith-dlq-error',
  subscription: 'eventsmith-dlq-subscription',
  attempts: 'eventsmith-dlq-attempts',
  originTopic: 'eventsmith-origin-topic',
  originPartition: 'eventsmith-origin-partition',
  originOffset: 'eventsmith-origin-offset',
  deadLetteredAt: 'eventsmith-dlq-at',
} as const;

const CE_PREFIX = 'ce_';
const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
/** Attributes carried by header in binary mode; `data` and `datacontenttype` travel as value and content-type. */
const ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'time', 'dataschema', 'eventversion', 'correlationid', 'causationid', 'tenantid', 'urgency', 'traceparent', 'tracestate'] as const;
/** Attributes whose values are integers: headers carry them as text (the CloudEvents type system's canonical string). */
const INTEGER_ATTRIBUTES: ReadonlySet<string> = new Set(['eventversion']);

export type Headers = Map<string, string>;

/** The value and headers of `envelope` in `mode`. */
export function encodeEnvelope(envelope: Envelope, mode: WireMode): { value: Buffer; headers: Headers } {
  const headers: Headers = new Map();
  if (mode === 'structured') {
    headers.set(HEADER.contentType, STRUCTURED_CONTENT_TYPE);
    return { value: serializeEnvelope(envelope), headers };
  }
  const record = envelope as unknown as Record<string, unknown>;
  for (const name of ATTRIBUTES) {
    const value = record[name];
    if (value !== undefined) headers.set(CE_PREFIX + name, String(value));
  }
  headers.set(HEADER.contentType, envelope.datacontenttype);
  return { value: Buffer.from(JSON.stringify(envelope.data ?? null), 'utf8'), headers };
}

/** `"<attribute>":` per `ce_` header name, and whether its value is an integer; names seen on records only (bounded). */
const fragments = new Map<string, { text: string; integer: boolean }>();
const MAX_FRAGMENTS = 256;

function fragmentOf(header: string): { text: string; integer: boolean } {
  let fragment = fragments.get(header);
  if (fragment === undefined) {
    const attribute = header.slice(CE_PREFIX.length);
    fragment = { text: `${JSON.stringify(attribute)}:`, integer: INTEGER_ATTRIBUTES.has(attribute) };
    if (fragments.size < MAX_FRAGMENTS) fragments.set(header, fragment);
  }
  return fragment;
}

const INTEGER = /^-?\d+$/;
/** Characters JSON.stringify escapes in a string: quote, backslash, controls, and surrogates (a lone one is escaped). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify(text), the same output: most header values (ids, times, types) need no escape,
 * and quoting them directly costs a fraction of the general path, once per header of every record.
 */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
const CLOSE = 0x7d; // '}'
const NULL = Buffer.from('null');

/**
 * The envelope a record carries, as structured JSON bytes for the consume pipeline (which judges
 * JSON, envelope shape and limits the same way for every transport). A record without
 * `ce_specversion` is in structured mode, or is not a CloudEvent at all: its value is passed on
 * as it is, and the pipeline says what is wrong with it.
 */
export function decodeRecord(value: Buffer | undefined, headers: Headers): { body: Buffer; contentType?: string } {
  const bytes = value === undefined || value.length === 0 ? undefined : value;
  const contentType = headers.get(HEADER.contentType);
  if (!headers.has(CE_PREFIX + 'specversion')) {
    const body = bytes ?? Buffer.alloc(0);
    return contentType === undefined ? { body } : { body, contentType };
  }
  let head = '{';
  // forEach rather than for-of: no [name, value] pair allocated per header.
  headers.forEach((text, name) => {
    if (!name.startsWith(CE_PREFIX)) return;
    const fragment = fragmentOf(name);
    head += fragment.text + (fragment.integer && INTEGER.test(text) ? JSON.stringify(Number(text)) : jsonString(text)) + ',';
  });
  if (contentType !== undefined) head += `"datacontenttype":${jsonString(contentType)},`;
  head += '"data":';
  // The data is spliced in unparsed: the pipeline parses the whole once, with its depth and key checks.
  // One buffer, written in place: this runs for every record.
  const data = bytes ?? NULL;
  const headLength = Buffer.byteLength(head, 'utf8');
  const body = Buffer.allocUnsafe(headLength + data.length + 1);
  body.write(head, 0, 'utf8');
  body.set(data, headLength);
  body[body.length - 1] = CLOSE;
  // The splice is JSON only when the data is: a non-JSON value in binary mode is refused by content type first.
  return contentType === undefined ? { body } : { body, contentType };
}

const SPECVERSION_HEADER = CE_PREFIX + 'specversion';

/** The attribute each `ce_` header of a known attribute carries, and whether its value is an integer. */
const KNOWN_HEADERS: ReadonlyMap<string, { attribute: string; integer: boolean }> = new Map(
  [...ATTRIBUTES, 'datacontenttype'].map((attribute) => [CE_PREFIX + attribute, { attribute, integer: INTEGER_ATTRIBUTES.has(attribute) }]),
);

/**
 * The envelope of a binary-mode record, straight from its headers and value: the object
 * JSON.parse would make of {@link decodeRecord}'s body, given the pipeline's checks
 * ({@link checkEnvelope}: depth, forbidden keys, attributes), without writing that body and parsing
 * it again (a few µs per record). `undefined` whenever the record is anything but a well-formed
 * event, or is not plainly one: structured mode, an attribute outside the known ones, a content
 * type the pipeline refuses, a body that might exceed `maxMessageBytes`, data that is not UTF-8 or
 * JSON, any check failing. Such a record goes the general way (its body through the pipeline), so
 * a bad one is dead-lettered with exactly the reason and detail it always was.
 */
export function decodeEnvelope(value: Buffer | undefined, headers: Headers, limits: { readonly maxMessageBytes: number; readonly maxJsonDepth: number }): Envelope | undefined {
  if (!headers.has(SPECVERSION_HEADER)) return undefined;
  const contentType = headers.get(HEADER.contentType);
  if (contentType !== undefined && !isJsonContentType(contentType)) return undefined;
  // Properties set in the body's key order (headers', then datacontenttype, then data): the same
  // object JSON.parse builds, a repeated key keeping its first place and its last value.
  const record: Record<string, unknown> = {};
  // An upper bound of the body's size: a JSON-escaped UTF-16 unit takes at most 6 bytes.
  let bound = 2;
  let plain = true;
  headers.forEach((text, name) => {
    if (!plain || !name.startsWith(CE_PREFIX)) return;
    const known = KNOWN_HEADERS.get(name);
    if (known === undefined) {
      plain = false;
      return;
    }
    record[known.attribute] = known.integer && INTEGER.test(text) ? jsonNumber(text) : text;
    bound += name.length + 6 * text.length + 6;
  });
  if (!plain) return undefined;
  if (contentType !== undefined) {
    record.datacontenttype = contentType;
    bound += 24 + 6 * contentType.length;
  }
  const bytes = value === undefined || value.length === 0 ? undefined : value;
  bound += 8 + (bytes?.length ?? 4);
  if (bound > limits.maxMessageBytes) return undefined;
  let data: unknown = null;
  if (bytes !== undefined) {
    // The body is valid UTF-8 and JSON exactly when the value is: the rest of it is written from text, as JSON.
    if (!isUtf8(bytes)) return undefined;
    try {
      data = JSON.parse(bytes.toString('utf8'));
    } catch {
      return undefined;
    }
  }
  record.data = data;
  const checked = checkEnvelope(record, { maxDepth: limits.maxJsonDepth });
  return checked.ok ? checked.envelope : undefined;
}

/** What JSON.parse makes of decodeRecord's `JSON.stringify(Number(text))`: -0 becomes 0, a non-finite number null. */
function jsonNumber(text: string): number | null {
  const number = Number(text);
  return Number.isFinite(number) ? number + 0 : null;
}

/**
 * Record keys, header names and header values as text, converted by the client as it reads each
 * record (a missing one is ''), the value left as bytes: the consumer then reads headers as they
 * come instead of copying each record's into a second map.
 */
export const TEXT_DESERIALIZERS = {
  key: (data?: Buffer): string => (data === undefined ? '' : data.toString('utf8')),
  value: (data?: Buffer): Buffer | undefined => data,
  headerKey: (data?: Buffer): string => (data === undefined ? '' : data.toString('utf8')),
  headerValue: (data?: Buffer): string => (data === undefined ? '' : data.toString('utf8')),
};

/** Header keys and values as text (the client hands them over as bytes). */
export function readHeaders(raw: Map<Buffer | string, Buffer | string | undefined>): Headers {
  const headers: Headers = new Map();
  for (const [key, value] of raw) headers.set(key.toString(), value === undefined ? '' : value.toString());
  return headers;
}
