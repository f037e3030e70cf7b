/**
 * How an event travels as a stream entry, and how raw RESP replies of the stream commands are read.
 * An entry holds the CloudEvents envelope as `body` (structured JSON, the same bytes as on every
 * transport) and beside it what consumers filter on without parsing the body.
 */

/** Field names of an entry. */
export const FIELD = {
  body: 'body',
  contentType: 'content-type',
  type: 'type',
  destination: 'destination',
  /** The envelope's tenant, `*` for none: tenant-bound subscriptions skip other tenants' entries unread. */
  tenant: 'tenant',
  /** On a retried copy: the attempt it is for. */
  attempt: 'attempt',
  replyTo: 'reply-to',
  correlation: 'correlation-id',
  /** On an entry of a retry stream: the JSON of the waiting copy. */
  retry: 'retry',
} as const;

/** The content type this transport's publishers write beside the body. */
export const CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export interface StreamEntry {
  stream: string;
  id: string;
  fields: Map<string, Buffer>;
  /**
   * Read with `XREADGROUP … CLAIM` (Redis 8.4+): how often the entry had been delivered before this
   * read, as the reply says (0 for a new entry; 1 or more for one taken over from the group's
   * pending entries). Undefined for every other read.
   */
  deliveredBefore?: number;
}

/** Reads XREADGROUP / XREAD replies into entries. */
export function readStreams(reply: unknown): StreamEntry[] {
  const entries: StreamEntry[] = [];
  if (reply === null || reply === undefined) return entries;
  // RESP2 gives `[[name, entries], …]`; RESP3 a map, which node-redis hands over as a Map or a plain object.
  const streams: unknown[] = reply instanceof Map ? [...reply.entries()] : Array.isArray(reply) ? reply : typeof reply === 'object' ? Object.entries(reply) : [];
  for (const item of streams) {
    if (!Array.isArray(item) || item.length < 2) continue;
    const stream = text(item[0]);
    for (const raw of Array.isArray(item[1]) ? (item[1] as unknown[]) : []) {
      const entry = readEntry(stream, raw);
      if (entry !== undefined) entries.push(entry);
    }
  }
  return entries;
}

/**
 * One `[id, [field, value, …]]` pair, or with `XREADGROUP … CLAIM` `[id, [field, value, …], idle-ms,
 * delivery-count]`; undefined for a deleted entry (`[id, nil]`).
 */
export function readEntry(stream: string, raw: unknown): StreamEntry | undefined {
  if (!Array.isArray(raw) || raw.length < 2 || !Array.isArray(raw[1])) return undefined;
  const values = raw[1] as unknown[];
  const fields = new Map<string, Buffer>();
  for (let index = 0; index + 1 < values.length; index += 2) fields.set(fieldName(values[index]), buffer(values[index + 1]));
  const entry: StreamEntry = { stream, id: text(raw[0]), fields };
  if (raw.length >= 4) {
    // Integers; early 8.4 builds sent them as bulk strings (redis/redis#14524).
    const delivered = Number(text(raw[3]));
    if (Number.isInteger(delivered) && delivered >= 0) entry.deliveredBefore = delivered;
  }
  return entry;
}

/** The names the transport writes, as bytes: matched without decoding, since every entry carries five of them. */
const KNOWN_NAMES: ReadonlyArray<{ name: string; bytes: Buffer }> = Object.values(FIELD).map((name) => ({ name, bytes: Buffer.from(name, 'utf8') }));

function fieldName(value: unknown): string {
  if (!Buffer.isBuffer(value)) return text(value);
  const length = value.length;
  for (const known of KNOWN_NAMES) {
    const bytes = known.bytes;
    if (bytes.length !== length) continue;
    let index = 0;
    while (index < length && bytes[index] === value[index]) index++;
    if (index === length) return known.name;
  }
  return value.toString('utf8');
}

export function text(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : String(value);
}

function buffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(typeof value === 'string' ? value : String(value), 'utf8');
}

export function field(entry: StreamEntry, name: string): string | undefined {
  const value = entry.fields.get(name);
  return value === undefined ? undefined : value.toString('utf8');
}

/** A copy waiting in a retry set: what is needed to hand it out again. */
export interface RetryCopy {
  body: string;
  type?: string;
  destination?: string;
  tenant?: string;
  replyTo?: string;
  correlation?: string;
  attempt: number;
  /** `<stream> <id>` of the entry it copies, for dead letters and logs. */
  origin: string;
}

/** The fields of an entry that a retry or dead letter carries on (the body as base64: bytes survive). */
export function retryCopy(entry: StreamEntry, attempt: number, origin: string): RetryCopy {
  const copy: RetryCopy = { body: (entry.fields.get(FIELD.body) ?? Buffer.alloc(0)).toString('base64'), attempt, origin };
  const type = field(entry, FIELD.type);
  if (type !== undefined) copy.type = type;
  const destination = field(entry, FIELD.destination);
  if (destination !== undefined) copy.destination = destination;
  const tenant = field(entry, FIELD.tenant);
  if (tenant !== undefined) copy.tenant = tenant;
  const replyTo = field(entry, FIELD.replyTo);
  if (replyTo !== undefined) copy.replyTo = replyTo;
  const correlation = field(entry, FIELD.correlation);
  if (correlation !== undefined) copy.correlation = correlation;
  return copy;
}

/** An entry of a retry stream, unpacked into the entry it stands for. */
export function unpackRetry(entry: StreamEntry): { entry: StreamEntry; attempt: number; origin: string } | undefined {
  const raw = field(entry, FIELD.retry);
  if (raw === undefined) return undefined;
  let copy: RetryCopy;
  try {
    copy = JSON.parse(raw) as RetryCopy;
  } catch {
    return undefined;
  }
  const fields = new Map<string, Buffer>([[FIELD.body, Buffer.from(copy.body, 'base64')]]);
  if (copy.type !== undefined) fields.set(FIELD.type, Buffer.from(copy.type));
  if (copy.destination !== undefined) fields.set(FIELD.destination, Buffer.from(copy.destination));
  if (copy.tenant !== undefined) fields.set(FIELD.tenant, Buffer.from(copy.tenant));
  if (copy.replyTo !== undefined) fields.set(FIELD.replyTo, Buffer.from(copy.replyTo));
  if (copy.correlation !== undefined) fields.set(FIELD.correlation, Buffer.from(copy.correlation));
  return { entry: { stream: entry.stream, id: entry.id, fields }, attempt: Number.isInteger(copy.attempt) && copy.attempt >= 1 ? copy.attempt : 1, origin: copy.origin };
}

/** `[name, value, name, value…]` (RESP2) or a map (RESP3, a Map or a plain object) as a Map of strings. */
export function fieldPairs(value: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (value instanceof Map) for (const [k, v] of value) map.set(text(k), text(v));
  else if (Array.isArray(value)) for (let index = 0; index + 1 < value.length; index += 2) map.set(text(value[index]), text(value[index + 1]));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) map.set(k, text(v));
  return map;
}
