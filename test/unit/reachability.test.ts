import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isUnreachable, probingSleep } from '../../runtime/reachability.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A port nothing listens on (yet): bound once to learn a free number, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listen(port: number): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('probingSleep: a reconnect wait that ends when the broker port accepts again', () => {
  it('ends a long wait once a port that refused starts accepting', async () => {
    const port = await freePort();
    const sleep = probingSleep(600_000, { target: { host: '127.0.0.1', port }, intervalMs: 20, refused: true });
    setTimeout(() => void listen(port), 200);
    expect(await sleep.promise).toBe('accepting');
  });

  it('learns the refusal from its own probes when the failed connect was something else', async () => {
    const port = await freePort();
    const sleep = probingSleep(600_000, { target: { host: '127.0.0.1', port }, intervalMs: 20, refused: false });
    setTimeout(() => void listen(port), 200);
    expect(await sleep.promise).toBe('accepting');
  });

  it('waits the full delay when the port accepted all along (the handshake failed, not the connect)', async () => {
    const port = await freePort();
    await listen(port);
    const sleep = probingSleep(300, { target: { host: '127.0.0.1', port }, intervalMs: 20, refused: false });
    expect(await sleep.promise).toBe('elapsed');
  });

  it('is a plain, cancellable sleep without a target', async () => {
    const sleep = probingSleep(600_000, { refused: true });
    setTimeout(() => sleep.cancel(), 10);
    expect(await sleep.promise).toBe('cancelled');
  });

  it('tells a refused connect from other failures, through wrapped and aggregate errors', async () => {
    const port = await freePort();
    const refused = await new Promise<unknown>((resolve) => net.connect({ host: '127.0.0.1', port }).once('error', resolve));
    expect(isUnreachable(refused)).toBe(true);
    expect(isUnreachable(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isUnreachable(new AggregateError([refused], 'all attempts failed'))).toBe(true);
    expect(isUnreachable(new Error('ACCESS_REFUSED - Login was refused'))).toBe(false);
    expect(isUnreachable(undefined)).toBe(false);
  });
});
