// SERIAL: stops and starts the broker application. Run alone (`pgrep -f vitest` empty):
// `npx vitest run --config vitest.serial.config.ts test/hardening/broker-restart.serial.test.ts`.
import { afterAll, describe, expect, it } from 'vitest';
import { makeFixture, sleep, waitFor } from '../integration/support/fixtures.js';
import { Broker } from './support/broker.js';
import { rabbitmqctl, restoreBroker, rig, type Rig } from './support/faults.js';

const fixture = makeFixture('fault-restart');
let r: Rig | undefined;

afterAll(async () => {
  await restoreBroker();
  await r?.close();
  const broker = await Broker.connect();
  await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

describe('broker application stopped and started (serial)', () => {
  it('during confirmed publishing and consuming: every confirmed id handled once, duplicates absorbed, nothing unconfirmed', { timeout: 180_000 }, async () => {
    r = await rig(fixture);
    const TOTAL = 5000;
    let outage: Promise<void> | undefined;
    let stoppedAt = 0;
    await r.publish('restart', TOTAL, {
      paceEvery: 100,
      paceMs: 10,
      during: (i) => {
        if (i === 1500) {
          outage = (async () => {
            stoppedAt = Date.now();
            await rabbitmqctl('stop_app');
            await sleep(2000);
            await rabbitmqctl('start_app');
          })();
        }
      },
    });
    await outage;
    const dead = await r.settle(120_000);
    const duplicates = r.consumer.metrics().duplicates;
    console.info(`broker restart (${((Date.now() - stoppedAt) / 1000).toFixed(1)}s since stop): ${r.ledger.summary(dead, duplicates)}`);

    expect(r.ledger.unconfirmed).toEqual(new Map());
    expect(r.ledger.confirmed.size).toBe(TOTAL);
    expect(r.ledger.lost(dead)).toEqual([]);
    expect(dead.size).toBe(0);
    expect(r.ledger.handled.size).toBe(TOTAL);
    expect(r.ledger.handledOnce()).toBe(true);
    expect(r.ledger.deliveries).toBe(TOTAL + duplicates);
    expect(r.consumer.metrics()).toMatchObject({ consumed: TOTAL, deadLettered: 0 });
    expect(r.producerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(r.consumerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    // The broker may still drop a connection it accepted while its application was booting; the
    // consumer must come back on its own (bounded), not necessarily be connected at this instant.
    const consumer = r.consumer;
    await waitFor(() => consumer.health().status === 'connected', 15_000, 'the consumer connected again');
    expect(r.consumer.health()).toMatchObject({ status: 'connected', healthy: true });
  });
});
