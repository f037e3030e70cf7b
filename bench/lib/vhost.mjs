/**
 * A RabbitMQ virtual host of the benchmark's own (like test/helpers/vhost.ts): the generated
 * topology uses fixed exchange and queue names, so a private vhost keeps the benchmark away from
 * every other queue on the broker; it is deleted, with everything in it, afterwards.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function createVhost(prefix = 'eventsmith-bench') {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  const base = new URL(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  base.pathname = `/${encodeURIComponent(name)}`;
  return { name, url: base.toString(), remove: async () => void (await run('rabbitmqctl', ['-q', 'delete_vhost', name])) };
}

export async function rabbitmqVersion() {
  try {
    const { stdout } = await run('rabbitmqctl', ['-q', 'version']);
    return stdout.trim();
  } catch {
    return 'unknown';
  }
}
