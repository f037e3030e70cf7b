/**
 * A RabbitMQ virtual host of its own for a test file. Generated topology uses the catalogue's
 * fixed exchange and queue names; a fresh vhost keeps those apart from every other test and is
 * deleted, with everything in it, afterwards.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestVhost {
  name: string;
  url: string;
  remove(): Promise<void>;
}

export async function createVhost(prefix = 'eventsmith-test'): Promise<TestVhost> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  const base = new URL(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  base.pathname = `/${encodeURIComponent(name)}`;
  return { name, url: base.toString(), remove: async () => void (await run('rabbitmqctl', ['-q', 'delete_vhost', name])) };
}
