// The shared behavioural suite against the in-memory transport (no broker needed).
import { MemoryTransport, type Transport } from '../../runtime/index.js';
import { waitFor } from './support/fixtures.js';
import { defineTransportSuite } from './support/transport-suite.js';

function memory(transport: Transport): MemoryTransport {
  if (!(transport instanceof MemoryTransport)) throw new Error('expected a MemoryTransport');
  return transport;
}

defineTransportSuite('memory', {
  create: async () => new MemoryTransport(),
  injectRaw: async (transport, queue, content) => memory(transport).injectRaw(queue, content),
  deadLetters: async (transport, queue, count) => {
    await waitFor(() => memory(transport).deadLetters(queue).length >= count, 5000, `${count} dead letters`);
    return memory(transport)
      .deadLetters(queue)
      .map((letter) => ({ content: letter.content.toString('utf8'), reason: letter.reason, error: letter.error }));
  },
  cleanup: async () => {},
});
