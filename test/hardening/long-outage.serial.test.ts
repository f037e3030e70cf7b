// SERIAL: stops the broker application for 15 s. Run alone (`pgrep -f vitest` empty):
// `npx vitest run --config vitest.serial.config.ts test/hardening/long-outage.serial.test.ts`.
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../runtime/index.js';
import { makeFixture, sleep, waitFor } from '../integration/support/fixtures.js';
import { Broker } from './support/broker.js';
import { rabbitmqctl, restoreBroker, rig, type Rig } from './support/faults.js';

const fixture = makeFixture('fault-long-outage');
let r: Rig | undefined;

afterAll(async () => {
  await restoreBroker();
  await r?.close();
  const broker = await Broker.connect();
  await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

describe('a broker down long enough for the reconnect backoff to grow (serial)', () => {
  it('publisher and consumer come back as soon as the broker accepts connections again, nothing confirmed lost', { timeout: 180_000 }, async () => {
    // The default reconnect options (200 ms doubling up to 30 s): after 15 s down the next attempt
    // is 3–13 s away. Each transport logs apart, to tell which one woke on the broker's port.
    const producerLogs: LogEntry[] = [];
    const consumerLogs: LogEntry[] = [];
    r = await rig(fixture, {
      producer: { reconnect: {}, logger: (entry) => void producerLogs.push(entry) },
      consumer: { reconnect: {}, logger: (entry) => void consumerLogs.push(entry) },
    });
    const rig_ = r;
    await rig_.publish('before', 300);

    await rabbitmqctl('stop_app');
    let during: Promise<void>;
    try {
      await waitFor(() => rig_.producerTransport.health().status === 'reconnecting' && rig_.consumerTransport.health().status === 'reconnecting', 30_000, 'both transports reconnecting');
      // Published while the broker is down: buffered, confirmed once it is back.
      during = rig_.publish('during', 300);
      await sleep(15_000);
      const scheduled = producerLogs.filter((entry) => entry.event === 'amqp.reconnect.scheduled');
      expect(scheduled.length).toBeGreaterThanOrEqual(4);
    } finally {
      await rabbitmqctl('start_app');
    }
    const startedAt = Date.now();
    await during;
    console.info(`long outage: publishes buffered during it confirmed ${Date.now() - startedAt} ms after start_app returned`);
    await rig_.publish('after', 300);
    const dead = await rig_.settle(120_000);

    expect(rig_.ledger.unconfirmed).toEqual(new Map());
    expect(rig_.ledger.confirmed.size).toBe(900);
    expect(rig_.ledger.lost(dead)).toEqual([]);
    expect(dead.size).toBe(0);
    expect(rig_.ledger.handledOnce()).toBe(true);
    // Each came back by seeing the broker's port accept, not by waiting out its grown delay.
    expect(producerLogs.map((entry) => entry.event)).toContain('amqp.reconnect.broker_accepting');
    expect(consumerLogs.map((entry) => entry.event)).toContain('amqp.reconnect.broker_accepting');
    await waitFor(() => rig_.consumer.health().status === 'connected', 15_000, 'the consumer connected again');
    expect(rig_.producerTransport.health()).toMatchObject({ status: 'connected' });
  });
});
