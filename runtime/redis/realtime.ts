/**
 * Real-time delivery over Redis Pub/Sub, for events whose destinations the transport is told to
 * send that way (`realtime.destinations`, e.g. UI notifications): fast and fire-and-forget. It is
 * AT-MOST-ONCE by nature: a message is delivered to whoever listens at that moment and to nobody
 * else, never stored, never redelivered; a listener that is disconnected, slow or restarting loses
 * it. Events that must not be lost go through streams (everything not listed in
 * `realtime.destinations`).
 *
 * Channels: `eventsmith:pubsub:<kind>:<destination>` for subscriptions, and, when the payload names
 * a user (`realtime.userField`, default `target_user_id`, else `user_id`), also
 * `eventsmith:pubsub:user:<id>`, which a gateway listens to per connected user
 * ({@link RedisTransport.listenForUser}). Subscriptions handle real-time events through the same
 * consume pipeline as stream entries; a retry runs again in this process after its delay (lost if
 * the process dies), a dead letter is recorded in the subscription's dead-letter stream.
 */
import { destinationMatches } from '../destinations.js';
import { parseEnvelope, type Envelope } from '../envelope.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability.js';
import type { ChannelSpec } from '../topology.js';
import type { EventKind } from '../urgency.js';
import type { RedisConnection } from './client.js';

export interface RealtimeOptions {
  /** Destination patterns (`*` one word, `#` any) delivered by Pub/Sub instead of a stream. */
  destinations: readonly string[];
  /** The payload field naming the user a notification is for. Default `target_user_id`, else `user_id`. */
  userField?: string;
}

/** Called with each real-time message a subscription's sources take. */
export type RealtimeReceiver = (body: Buffer, destination: string) => void;

export class Realtime {
  private subscriber: RedisConnection | undefined;
  private connecting: Promise<RedisConnection> | undefined;

  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
    private readonly options: RealtimeOptions | undefined,
    private readonly log: Logger,
  ) {}

  /** Whether events to `destination` go by Pub/Sub. */
  covers(destination: string): boolean {
    return this.options?.destinations.some((pattern) => destinationMatches(pattern, destination)) ?? false;
  }

  /** PUBLISHes the envelope; resolves once Redis took it, whether or not anyone listened. */
  async publish(envelope: Envelope, body: Buffer, kind: EventKind, destination: string): Promise<void> {
    const commands = this.client.multi().addCommand(['PUBLISH', this.channel(kind, destination), body]);
    const user = this.userOf(envelope.data);
    if (user !== undefined) commands.addCommand(['PUBLISH', this.userChannel(user), body]);
    await commands.exec();
  }

  /** Delivers real-time messages at the sources' destinations to `receive`; returns how to stop. */
  async listen(sources: readonly ChannelSpec[], receive: RealtimeReceiver): Promise<() => Promise<void>> {
    const taken = sources.filter((source) => this.options?.destinations.some((pattern) => overlaps(pattern, source.destination)));
    if (taken.length === 0) return async () => {};
    const subscriber = await this.connect();
    const patterns = [...new Set(taken.map((source) => `${this.prefix}:pubsub:${source.kind ?? '*'}:${glob(source.destination)}`))];
    const listener = (message: Buffer, channel: Buffer | string): void => {
      const name = String(channel);
      const rest = name.slice(`${this.prefix}:pubsub:`.length);
      const colon = rest.indexOf(':');
      const kind = rest.slice(0, colon);
      const destination = rest.slice(colon + 1);
      if (taken.some((source) => (source.kind === undefined || source.kind === kind) && destinationMatches(source.destination, destination))) receive(message, destination);
    };
    await subscriber.pSubscribe(patterns, listener, true);
    return async () => {
      await subscriber.pUnsubscribe(patterns, listener, true).catch(() => {});
    };
  }

  /** Calls `listener` with every notification for `userId` from now on; returns how to stop. */
  async listenForUser(userId: string, listener: (envelope: Envelope) => void): Promise<() => Promise<void>> {
    const subscriber = await this.connect();
    const channel = this.userChannel(userId);
    const receive = (message: Buffer): void => {
      const parsed = parseEnvelope(message);
      if (!parsed.ok) {
        this.log({ level: 'warn', event: 'redis.realtime.unreadable', channel, reason: parsed.reason });
        return;
      }
      try {
        listener(parsed.envelope);
      } catch (error) {
        this.log({ level: 'warn', event: 'redis.realtime.listener_failed', channel, error: errorMessage(error) });
      }
    };
    await subscriber.subscribe(channel, receive, true);
    return async () => {
      await subscriber.unsubscribe(channel, receive, true).catch(() => {});
    };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.destroy();
  }

  private channel(kind: EventKind, destination: string): string {
    return `${this.prefix}:pubsub:${kind}:${destination}`;
  }

  private userChannel(user: string): string {
    return `${this.prefix}:pubsub:user:${user}`;
  }

  private userOf(data: unknown): string | undefined {
    if (typeof data !== 'object' || data === null) return undefined;
    const record = data as Record<string, unknown>;
    const value = this.options?.userField === undefined ? (record.target_user_id ?? record.user_id) : record[this.options.userField];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  }

  private connect(): Promise<RedisConnection> {
    if (this.subscriber !== undefined) return Promise.resolve(this.subscriber);
    this.connecting ??= (async () => {
      const subscriber = this.client.duplicate() as RedisConnection;
      subscriber.on('error', (error: unknown) => this.log({ level: 'warn', event: 'redis.realtime.error', error: errorMessage(error) }));
      await subscriber.connect();
      this.subscriber = subscriber;
      return subscriber;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }
}

/** A Redis glob at least as wide as a destination pattern; matches are then checked exactly. */
function glob(pattern: string): string {
  return pattern.replace(/[?[\]\\]/g, '\\$&').replace(/[*#]/g, '*');
}

/** Whether two destination patterns can take a common destination (conservatively: yes when unsure). */
function overlaps(a: string, b: string): boolean {
  if (a.includes('#') || b.includes('#')) return true;
  const left = a.split('.');
  const right = b.split('.');
  return left.length === right.length && left.every((word, index) => word === '*' || right[index] === '*' || word === right[index]);
}
