// SERIAL (heartbeat timing): a handler blocks the event loop for four heartbeat intervals, so the
// process sends no heartbeats and the broker closes its connection. The handler's work was done and
// recorded in the idempotency store; its ack is lost with the connection; the redelivery is
// absorbed as a duplicate. Run alone:
// `npx vitest run --config vitest.serial.config.ts test/hardening/blocked-event-loop.serial.test.ts`.
import { afterAll, describe, expect, it } from 'vitest';
import { makeFixture } from '../integration/support/fixtures.js';
import { Broker } from './support/broker.js';
import { restoreBroker, rig, type Rig } from './support/faults.js';

const fixture = makeFixture('fault-blocked-loop');
let r: Rig | undefined;

afterAll(async () => {
  await restoreBroker();
  await r?.close();
  const broker = await Broker.connect();
  await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

describe('event loop blocked by a handler (serial)', () => {
  it('longer than two heartbeats: the connection is lost and rebuilt, the blocked event is handled once, nothing lost', { timeout: 120_000 }, async () => {
    const BLOCK_MS = 4000;
    r = await rig(fixture, {
      consumer: { heartbeatSeconds: 1 },
      handler: (id) => {
        if (id !== 'loop-300') return;
        const until = Date.now() + BLOCK_MS;
        while (Date.now() < until) {
          // Busy: no timers, no socket reads or writes, no heartbeats.
        }
      },
    });
    const TOTAL = 1000;
    await r.publish('loop', TOTAL, { paceEvery: 50, paceMs: 5 });
    const dead = await r.settle();
    const lost = r.logs.filter((e) => e.event === 'amqp.connection.lost').map((e) => String(e.error));
    console.info(`blocked event loop (${BLOCK_MS} ms, heartbeat 1 s): connection lost ${JSON.stringify(lost)}; ${r.ledger.summary(dead, r.consumer.metrics().duplicates)}`);
    expect(r.consumerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(r.ledger.handled.get('loop-300')).toBe(1);
    expect(r.consumer.metrics().duplicates).toBeGreaterThanOrEqual(1);
    expect(r.ledger.unconfirmed).toEqual(new Map());
    expect(r.ledger.lost(dead)).toEqual([]);
    expect(dead.size).toBe(0);
    expect(r.ledger.handled.size).toBe(TOTAL);
    expect(r.ledger.handledOnce()).toBe(true);
    expect(r.ledger.deliveries).toBe(TOTAL + r.consumer.metrics().duplicates);
  });
});
