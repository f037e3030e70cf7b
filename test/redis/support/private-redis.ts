// A redis-server of a test's own, on a free loopback port, with AOF and fsync on every write, in a
// temporary folder: what a durability test needs and the shared Redis (nothing on disk) is not.
// It can be killed like a crashed server and started again on the same port and files. `binary`
// picks another redis-server, e.g. the Redis 8 of scripts/redis-8 (see redis8Binary below).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { REPO_ROOT } from '../../helpers/cli.js';

/**
 * The path of a Redis 8 redis-server (built once from Debian's source by scripts/redis-8, which
 * `npm test` and .ci/run call first; building here too keeps a lone `npx vitest run` working).
 */
export function redis8Binary(): string {
  return execFileSync('bash', [path.join(REPO_ROOT, 'scripts/redis-8'), 'ensure'], { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class PrivateRedis {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly binary: string,
  ) {}

  static async start(options: { binary?: string } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(path.join(os.tmpdir(), 'eventsmith-redis-')), options.binary ?? 'redis-server');
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server as a crash would (SIGKILL): what reached the AOF survives, nothing else. */
  async crash(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same port and files; it replays its AOF. */
  async restart(): Promise<void> {
    await this.crash();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.crash();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.process = spawn(this.binary, ['--port', String(this.port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', this.dir, '--daemonize', 'no', '--logfile', path.join(this.dir, 'redis.log')], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const client = createClient({ url: this.url, socket: { reconnectStrategy: false } });
      client.on('error', () => {});
      try {
        await client.connect();
        // PING answers while an AOF is still being loaded; wait until the data set is there.
        while (String(await client.sendCommand(['INFO', 'persistence'])).includes('loading:1')) await new Promise((resolve) => setTimeout(resolve, 50));
        await client.close();
        return;
      } catch {
        client.destroy();
        if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start (see ${this.dir}/redis.log)`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }
}
