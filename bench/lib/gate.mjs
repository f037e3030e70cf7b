/**
 * A TCP gate in front of the broker: while open it forwards every connection to the broker; shut,
 * it closes its listening socket (new connections are refused, as by a stopped broker) and drops
 * every connection through it. The reconnect benchmark times a broker's return through it without
 * stopping the broker that every other process on the machine shares.
 */
import net from 'node:net';

export class Gate {
  #server;
  #sockets = new Set();
  #port;

  constructor(target = { host: '127.0.0.1', port: 5672 }) {
    this.target = target;
  }

  /** Starts listening (on the same port every time); resolves once connections are accepted. */
  async open() {
    this.#server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port ?? 0, '127.0.0.1', resolve);
    });
    this.#port = this.#server.address().port;
  }

  /** Refuses new connections and drops the open ones. */
  async shut() {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise((resolve) => server.close(() => resolve()));
  }

  /** `url` with its host and port replaced by the gate's. */
  url(url) {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.#port);
    return through.toString();
  }
}
