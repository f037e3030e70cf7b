// SERIAL: raises a memory alarm on the whole broker. Run alone:
// `npx vitest run --config vitest.serial.config.ts test/hardening/memory-alarm.serial.test.ts`.
// The broker blocks publishing connections; publishes wait (and beyond the buffer fail at once with
// PublishBufferFullError), the health says blocked, and everything resumes when the alarm clears.
import { afterAll, describe, expect, it } from 'vitest';
import { makeFixture, sleep, waitFor } from '../integration/support/fixtures.js';
import { Broker } from './support/broker.js';
import { rabbitmqctl, restoreBroker, rig, type Rig } from './support/faults.js';

const fixture = makeFixture('fault-memory-alarm');
let r: Rig | undefined;

afterAll(async () => {
  await restoreBroker();
  await r?.close();
  const broker = await Broker.connect();
  await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

describe('memory alarm (serial)', () => {
  it('blocks publishers: publishes wait, overflow fails clearly, all resume after the alarm clears', { timeout: 180_000 }, async () => {
    r = await rig(fixture, { producer: { maxInFlight: 100, maxBufferedPublishes: 100 } });
    const rig_ = r;
    await rig_.publish('before', 200);
    expect(rig_.ledger.confirmed.size).toBe(200);

    await rabbitmqctl('set_vm_memory_high_watermark', '0.0001');
    let during: Promise<void> | undefined;
    try {
      // 100 go on the wire, 100 wait in the buffer, the last 100 are refused at once.
      during = rig_.publish('during', 300);
      await waitFor(() => rig_.producerTransport.health().details?.blocked !== undefined, 20_000, 'the broker to block the publisher');
      await sleep(2000);
      const health = rig_.producerTransport.health();
      console.info(`memory alarm: blocked (${health.details?.blocked}); publisher ${JSON.stringify(health.publisher)}; refused ${rig_.ledger.unconfirmed.size}`);
      expect(health.details?.blocked).toMatch(/memory/i);
      expect(health.publisher).toEqual({ inFlight: 100, buffered: 100 });
      expect([...rig_.ledger.confirmed].filter((id) => id.startsWith('during-'))).toEqual([]);
      expect(rig_.ledger.unconfirmed.size).toBe(100);
      expect([...rig_.ledger.unconfirmed.values()].every((e) => e.startsWith('PublishBufferFullError'))).toBe(true);
      expect([...rig_.ledger.unconfirmed.keys()].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `during-${200 + i}`).sort());
    } finally {
      await rabbitmqctl('set_vm_memory_high_watermark', '0.4');
    }
    await during;
    const dead = await rig_.settle();
    console.info(`memory alarm cleared: ${rig_.ledger.summary(dead, rig_.consumer.metrics().duplicates)}`);
    expect(rig_.producerTransport.health().details?.blocked).toBeUndefined();
    expect(rig_.ledger.confirmed.size).toBe(400);
    expect(rig_.ledger.lost(dead)).toEqual([]);
    expect(rig_.ledger.handled.size).toBe(400);
    expect(rig_.ledger.handledOnce()).toBe(true);
    // Refused publishes never reached the broker.
    expect([...rig_.ledger.unconfirmed.keys()].filter((id) => rig_.ledger.handled.has(id))).toEqual([]);
    expect(rig_.producerTransport.health().reconnects).toBe(0);
  });
});
