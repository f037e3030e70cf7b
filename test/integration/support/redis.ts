// Raw Redis access for tests of the Redis transport: what a foreign producer writes, what sits in a
// dead-letter stream, and removing every key a test's topology made.
import { createClient } from 'redis';
import { RedisNames, RedisTransport } from '../../../runtime/redis/index.js';
import { waitFor } from './fixtures.js';
import type { TransportHarness } from './transport-suite.js';
import type { TopologySpec } from '../../../runtime/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function clientFor(url: string) {
  return createClient({ url });
}
type Client = ReturnType<typeof clientFor>;

export class RawRedis {
  private constructor(
    readonly client: Client,
    readonly names: RedisNames,
  ) {}

  static async connect(url = REDIS_URL): Promise<RawRedis> {
    const client = clientFor(url);
    client.on('error', () => {});
    await client.connect();
    return new RawRedis(client, new RedisNames());
  }

  /** Appends an entry as a producer that knows nothing of eventsmith would. */
  async append(stream: string, fields: Record<string, string | Buffer>): Promise<string> {
    const args: Array<string | Buffer> = ['XADD', stream, '*'];
    for (const [name, value] of Object.entries(fields)) args.push(name, value);
    return String(await this.client.sendCommand(args));
  }

  /** The dead letters of `subscription`, oldest first. */
  async deadLetters(subscription: string): Promise<Array<Record<string, string>>> {
    const entries = (await this.client.sendCommand(['XRANGE', this.names.deadLetters(subscription), '-', '+'])) as Array<[string, string[]]>;
    return entries.map(([, values]) => {
      const record: Record<string, string> = {};
      for (let index = 0; index + 1 < values.length; index += 2) record[values[index]!] = values[index + 1]!;
      return record;
    });
  }

  /** Deletes every stream, set and group a topology made (shared kind streams lose only the groups). */
  async deleteTopology(topology: TopologySpec): Promise<void> {
    for (const subscription of topology.subscriptions ?? []) {
      const { urgent, normal } = this.names.subscriptionStreams(subscription);
      const own = [this.names.retrySet(subscription.name), this.names.retryStream(subscription.name), this.names.deadLetters(subscription.name)];
      // A test's service is its own: its direct stream goes with its subscription.
      if (subscription.service !== undefined) own.push(this.names.service(subscription.service), this.names.urgent(this.names.service(subscription.service)));
      for (const stream of normal) await this.client.sendCommand(['HDEL', this.names.routes(stream), subscription.name]);
      for (const stream of [...urgent, ...normal]) {
        if (stream.startsWith(`${this.names.prefix}:`) && !own.includes(stream)) {
          await this.client.sendCommand(['XGROUP', 'DESTROY', stream, subscription.name]).catch(() => {});
        } else {
          await this.client.del(stream);
        }
      }
      await this.client.del(own);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * The shared behavioural suite's harness on a Redis at `url()`, reached raw through `raw()` (both
 * read when a test runs, so a server a file starts in beforeAll can be used). A fixture
 * subscription `<prefix>.events` reads the fixture's own stream `<prefix>.stream` (its Redis binding).
 */
export function redisHarness(url: () => string, raw: () => RawRedis): TransportHarness {
  const fixtureStream = (subscription: string): string => subscription.replace(/\.events$/, '.stream');
  return {
    // A short claim time: the suite's close-and-reconsume tests must not wait 30 s for a takeover.
    create: () => RedisTransport.connect({ url: url(), claimIdleMs: 2000 }),
    injectRaw: async (_transport, subscription, content) => {
      await raw().append(fixtureStream(subscription), { body: content });
    },
    deadLetters: async (_transport, subscription, count) => {
      await waitFor(async () => (await raw().deadLetters(subscription)).length >= count, 10_000, `${count} dead letters`);
      return (await raw().deadLetters(subscription)).map((letter) => ({ content: Buffer.from(letter['body-base64'] ?? '', 'base64').toString('utf8'), reason: letter.reason, error: letter.error }));
    },
    cleanup: (topology) => raw().deleteTopology(topology),
    // An entry a closed consumer left pending is taken over once idle for claimIdleMs (checked every third of it).
    redeliveryMs: 3000,
  };
}
