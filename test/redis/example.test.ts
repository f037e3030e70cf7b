/**
 * The M-ERP example on Redis, run as the README says (built, `node dist/examples/merp-on-redis.js`),
 * against a Redis database of its own (emptied afterwards): a new user gets a welcome notification
 * on the gateway, a good token is validated and logs the user in, a bad one is rejected.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { RawRedis } from '../integration/support/redis.js';

const run = promisify(execFile);
const DATABASE_URL = 'redis://127.0.0.1:6379/9';

afterAll(async () => {
  const redis = await RawRedis.connect(DATABASE_URL);
  await redis.client.sendCommand(['FLUSHDB']);
  await redis.close();
});

describe('example: M-ERP services on Redis', () => {
  it('welcomes a new user in real time, validates and rejects tokens, and reports the login', { timeout: 60_000 }, async () => {
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'dist/examples/merp-on-redis.js')], { env: { ...process.env, REDIS_URL: DATABASE_URL }, timeout: 45_000 });
    const lines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { service: string; event: string; type?: string; level?: string });
    const events = lines.map((line) => `${line.service} ${line.event}${line.type === undefined ? '' : ` ${line.type}`}`);
    expect(events).toEqual(expect.arrayContaining([
      'user-service user.created',
      'notification-service notification.pushed',
      'gateway-service notification.received notification.push_requested',
      'auth-service token.validated',
      'auth-service token.rejected',
      'gateway-service reply user.token_validated',
      'gateway-service reply user.token_rejected',
      'user-service user.logged_in',
      'example done',
    ]));
    // Nothing went wrong on the way: no warning or error from any service's runtime.
    expect(lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);
  });
});
