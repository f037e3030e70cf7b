/**
 * One AMQP connection per service, kept alive across broker restarts and network cuts. Components
 * (topology, publisher, consumers, request/reply) register hooks; after every (re)connect the hooks
 * run in registration order, so topology exists before buffered publishes are flushed into it.
 */
import { loadAmqplib } from './client.js';
import type { Channel, ChannelModel, ConfirmChannel, SocketOptions } from 'amqplib';
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import { isUnreachable, probingSleep, type ProbeTarget } from '../reachability.js';
import { NotConnectedError, TransportClosedError, errorMessage } from '../errors.js';
import type { Logger } from '../observability.js';
import type { TransportStatus } from '../transport.js';
import { redactText, redactUrl } from './redact.js';

export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface ConnectionOptions {
  /** `amqp://` or `amqps://` (TLS). Default: env RABBITMQ_URL, else the local broker. */
  url?: string;
  /** Shown in the management UI and `rabbitmqctl list_connections`; use the service name. */
  connectionName?: string;
  /** Default 10. A dead peer is noticed after about two missed heartbeats. */
  heartbeatSeconds?: number;
  /**
   * Delays between connection attempts. While waiting, the broker's TCP port is probed every
   * `probeIntervalMs` (default 150; 0: off) and a port that refused and now accepts ends the wait,
   * so a long outage does not leave the service waiting out a grown delay after the broker is back.
   */
  reconnect?: BackoffOptions & { probeIntervalMs?: number };
  /** How long the first connection may take before `connect` gives up. Default 30 s. */
  connectTimeoutMs?: number;
  /** Passed to `net`/`tls.connect`: CA, client certificate and key for TLS. */
  socketOptions?: SocketOptions;
}

type ConnectedHook = (model: ChannelModel) => Promise<void>;
type DisconnectedHook = (error: Error | undefined) => void;

export class ConnectionManager {
  status: TransportStatus = 'connecting';
  reconnects = 0;
  lastError: string | undefined;
  /** The broker's reason while it blocks this connection's publishes (a memory or disk alarm). */
  blockedReason: string | undefined;
  readonly url: string;
  readonly displayUrl: string;

  private model: ChannelModel | undefined;
  private readonly connectedHooks: ConnectedHook[] = [];
  private readonly disconnectedHooks: DisconnectedHook[] = [];
  private sleeper: { cancel(): void } | undefined;
  private looping = false;
  private openChannels = 0;
  /** The last connect failed because the broker's port took no connection. */
  private lastRefused = false;
  private readonly probeTarget: ProbeTarget | undefined;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly log: Logger,
  ) {
    this.url = options.url ?? process.env.RABBITMQ_URL ?? DEFAULT_RABBITMQ_URL;
    this.displayUrl = redactUrl(this.url);
    let protocol = '';
    try {
      protocol = new URL(this.url).protocol;
    } catch {
      // Reported below with the redacted form; the raw URL may hold a password.
    }
    if (protocol !== 'amqp:' && protocol !== 'amqps:') throw new TypeError(`broker URL must be amqp:// or amqps://, got '${this.displayUrl}'`);
    const parsed = new URL(this.url);
    // amqplib's defaults: localhost, 5672 (amqp) or 5671 (amqps); an IPv6 host loses its brackets.
    this.probeTarget = { host: parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost', port: parsed.port === '' ? (protocol === 'amqps:' ? 5671 : 5672) : Number(parsed.port) };
  }

  onConnected(hook: ConnectedHook): void {
    this.connectedHooks.push(hook);
  }

  onDisconnected(hook: DisconnectedHook): void {
    this.disconnectedHooks.push(hook);
  }

  get connection(): ChannelModel | undefined {
    return this.status === 'connected' ? this.model : undefined;
  }

  get channels(): number {
    return this.openChannels;
  }

  /** Resolves after the first connection and its hooks succeed; rejects after `connectTimeoutMs`. */
  async start(): Promise<void> {
    const deadline = Date.now() + (this.options.connectTimeoutMs ?? 30_000);
    await this.connectLoop(deadline);
  }

  /** Turns library errors into messages safe to log or throw. */
  redact(error: unknown): string {
    return redactText(errorMessage(error), this.url);
  }

  async openChannel(kind: 'plain', label: string): Promise<Channel>;
  async openChannel(kind: 'confirm', label: string): Promise<ConfirmChannel>;
  async openChannel(kind: 'plain' | 'confirm', label: string): Promise<Channel | ConfirmChannel> {
    // Hooks run before status becomes 'connected', so they reach the model directly.
    const model = this.model;
    if (model === undefined || this.status === 'closed') throw new NotConnectedError();
    const channel = kind === 'confirm' ? await model.createConfirmChannel() : await model.createChannel();
    this.openChannels++;
    // Without an 'error' listener a server-side channel close (404, 406…) would be an uncaught
    // exception; the owner learns about it from 'close' and rebuilds.
    channel.on('error', (error: Error) => {
      this.lastError = this.redact(error);
      this.log({ level: 'warn', event: 'amqp.channel.error', channel: label, error: this.lastError });
    });
    channel.on('handler-error', (error: Error, eventName: string) => {
      this.log({ level: 'error', event: 'amqp.channel.handler_error', channel: label, eventName, error: this.redact(error) });
    });
    channel.once('close', () => {
      this.openChannels--;
    });
    return channel;
  }

  async close(): Promise<void> {
    if (this.status === 'closed') return;
    this.status = 'closing';
    this.sleeper?.cancel();
    const model = this.model;
    this.model = undefined;
    if (model !== undefined) {
      try {
        await model.close();
      } catch (error) {
        this.log({ level: 'debug', event: 'amqp.connection.close_failed', error: this.redact(error) });
      }
      this.notifyDisconnected(undefined);
    }
    this.status = 'closed';
  }

  private async connectLoop(deadline: number | undefined): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    let attempt = 0;
    try {
      while (!this.isClosing()) {
        attempt++;
        const ok = await this.tryConnect();
        if (ok) return;
        if (this.isClosing()) break;
        const delay = backoffDelay(attempt, this.options.reconnect);
        if (deadline !== undefined && Date.now() + delay > deadline) {
          this.status = 'closed';
          throw new NotConnectedError(`could not connect to ${this.displayUrl}: ${this.lastError ?? 'unknown error'}`);
        }
        this.log({ level: 'warn', event: 'amqp.reconnect.scheduled', attempt, delayMs: delay, url: this.displayUrl, error: this.lastError });
        const sleeper = probingSleep(delay, { target: this.probeTarget, intervalMs: this.options.reconnect?.probeIntervalMs, refused: this.lastRefused });
        this.sleeper = sleeper;
        const woke = await sleeper.promise;
        this.sleeper = undefined;
        if (woke === 'accepting') this.log({ level: 'info', event: 'amqp.reconnect.broker_accepting', attempt, url: this.displayUrl });
      }
      if (deadline !== undefined) throw new TransportClosedError('connection');
    } finally {
      this.looping = false;
    }
  }

  private async tryConnect(): Promise<boolean> {
    let model: ChannelModel | undefined;
    try {
      const amqp = await loadAmqplib();
      model = await amqp.connect(this.connectUrl(), this.socketOptions());
      if (this.isClosing()) {
        await model.close().catch(() => {});
        return false;
      }
      this.attach(model);
      for (const hook of this.connectedHooks) {
        if (this.model !== model) throw new Error('connection lost during setup');
        await hook(model);
      }
      if (this.model !== model) throw new Error('connection lost during setup');
      this.status = 'connected';
      this.log({ level: 'info', event: 'amqp.connected', url: this.displayUrl, reconnects: this.reconnects });
      return true;
    } catch (error) {
      this.lastError = this.redact(error);
      this.lastRefused = isUnreachable(error);
      this.log({ level: 'warn', event: 'amqp.connect.failed', url: this.displayUrl, error: this.lastError });
      if (model !== undefined && this.model === model) {
        this.dropModel(model, error instanceof Error ? error : undefined);
        await model.close().catch(() => {});
      }
      return false;
    }
  }

  private attach(model: ChannelModel): void {
    this.model = model;
    this.blockedReason = undefined;
    model.on('error', (error: Error) => {
      this.lastError = this.redact(error);
      this.log({ level: 'warn', event: 'amqp.connection.error', error: this.lastError });
    });
    model.on('handler-error', (error: Error, eventName: string) => {
      this.log({ level: 'error', event: 'amqp.connection.handler_error', eventName, error: this.redact(error) });
    });
    model.on('blocked', (reason: string) => {
      this.blockedReason = reason;
      this.log({ level: 'warn', event: 'amqp.connection.blocked', reason });
    });
    model.on('unblocked', () => {
      this.blockedReason = undefined;
      this.log({ level: 'info', event: 'amqp.connection.unblocked' });
    });
    model.on('close', (error?: Error) => {
      const wasConnected = this.status === 'connected';
      if (!this.dropModel(model, error)) return;
      if (this.isClosing()) return;
      this.log({ level: 'warn', event: 'amqp.connection.lost', error: error === undefined ? undefined : this.redact(error) });
      if (wasConnected) {
        this.status = 'reconnecting';
        this.reconnects++;
        this.connectLoop(undefined).catch((loopError: unknown) => {
          this.log({ level: 'error', event: 'amqp.reconnect.stopped', error: this.redact(loopError) });
        });
      }
    });
  }

  /** Forgets `model` once, telling every component; false if it was already forgotten. */
  private dropModel(model: ChannelModel, error: Error | undefined): boolean {
    if (this.model !== model) return false;
    this.model = undefined;
    if (error !== undefined) this.lastError = this.redact(error);
    if (this.status === 'connected') this.status = 'reconnecting';
    this.notifyDisconnected(error);
    return true;
  }

  private notifyDisconnected(error: Error | undefined): void {
    for (const hook of this.disconnectedHooks) {
      try {
        hook(error);
      } catch (hookError) {
        this.log({ level: 'error', event: 'amqp.disconnect_hook.failed', error: this.redact(hookError) });
      }
    }
  }

  private isClosing(): boolean {
    return this.status === 'closing' || this.status === 'closed';
  }

  private connectUrl(): string {
    const url = new URL(this.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10));
    return url.toString();
  }

  private socketOptions(): SocketOptions {
    const base = this.options.socketOptions ?? {};
    const properties = { ...base.clientProperties };
    if (this.options.connectionName !== undefined) properties.connection_name = this.options.connectionName;
    return { timeout: 10_000, ...base, clientProperties: properties };
  }
}
