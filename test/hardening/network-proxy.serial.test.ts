// SERIAL (heartbeat timing): a TCP proxy on loopback between the clients and the broker drops the
// connection, stalls it without closing it (only heartbeats can tell), and slows it. Run alone:
// `npx vitest run --config vitest.serial.config.ts test/hardening/network-proxy.serial.test.ts`.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from '../integration/support/fixtures.js';
import { Broker } from './support/broker.js';
import { restoreBroker, rig, TcpProxy, type Rig } from './support/faults.js';

const fixtures: Fixture[] = [];
let proxy: TcpProxy | undefined;
let r: Rig | undefined;

afterEach(async () => {
  await r?.close();
  await proxy?.close();
  r = undefined;
  proxy = undefined;
});

afterAll(async () => {
  await restoreBroker();
  const broker = await Broker.connect();
  for (const fixture of fixtures) await broker.deleteTopology(fixture.topology);
  await broker.close();
}, 120_000);

async function setup(label: string): Promise<Rig> {
  const fixture = makeFixture(label);
  fixtures.push(fixture);
  proxy = await TcpProxy.start();
  // Both sides through the proxy, with 1 s heartbeats: a stalled peer is noticed in ~2–3 s.
  const through = { url: proxy.url(), heartbeatSeconds: 1 };
  r = await rig(fixture, { producer: through, consumer: through });
  return r;
}

function expectNothingLost(rig: Rig, dead: Map<string, string>, total: number): void {
  const duplicates = rig.consumer.metrics().duplicates;
  expect(rig.ledger.unconfirmed).toEqual(new Map());
  expect(rig.ledger.confirmed.size).toBe(total);
  expect(rig.ledger.lost(dead)).toEqual([]);
  expect(dead.size).toBe(0);
  expect(rig.ledger.handled.size).toBe(total);
  expect(rig.ledger.handledOnce()).toBe(true);
  expect(rig.ledger.deliveries).toBe(total + duplicates);
}

describe('a TCP proxy between client and broker (serial)', () => {
  it('drop: every connection cut mid-stream; both sides reconnect, nothing lost, duplicates absorbed', { timeout: 120_000 }, async () => {
    const rig = await setup('fault-proxy-drop');
    const TOTAL = 3000;
    await rig.publish('drop', TOTAL, { paceEvery: 100, paceMs: 10, during: (i) => (i === 1000 ? proxy!.drop() : undefined) });
    const dead = await rig.settle();
    console.info(`proxy drop: ${rig.ledger.summary(dead, rig.consumer.metrics().duplicates)}, proxy connections ${proxy!.connections}`);
    expectNothingLost(rig, dead, TOTAL);
    expect(rig.producerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
    expect(rig.consumerTransport.health().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('stall: connections kept open but silent; heartbeats detect it within a few seconds, then nothing lost', { timeout: 120_000 }, async () => {
    const rig = await setup('fault-proxy-stall');
    const TOTAL = 3000;
    let stalledAt = 0;
    await rig.publish('stall', TOTAL, {
      paceEvery: 100,
      paceMs: 10,
      during: (i) => {
        if (i === 1000) {
          stalledAt = Date.now();
          proxy!.stall();
        }
      },
    });
    const dead = await rig.settle();
    const lost = rig.logs.filter((entry) => entry.event === 'amqp.connection.lost').map((entry) => ({ at: Number(entry.loggedAt), error: String(entry.error) }));
    const detectedAfter = (lost[0]?.at ?? 0) - stalledAt;
    console.info(`proxy stall: detected after ${detectedAfter} ms (${lost.map((l) => l.error).join('; ')}); ${rig.ledger.summary(dead, rig.consumer.metrics().duplicates)}`);
    expect(lost.length).toBeGreaterThanOrEqual(2);
    expect(lost.every((l) => /heartbeat/i.test(l.error))).toBe(true);
    expect(detectedAfter).toBeGreaterThan(0);
    expect(detectedAfter).toBeLessThan(5000);
    expectNothingLost(rig, dead, TOTAL);
  });

  it('slow: 30 ms per chunk in both directions; slower, but no reconnect and nothing lost or duplicated', { timeout: 120_000 }, async () => {
    const rig = await setup('fault-proxy-slow');
    const TOTAL = 1000;
    proxy!.slow(30);
    const started = Date.now();
    await rig.publish('slow', TOTAL, { paceEvery: 100, paceMs: 5 });
    const dead = await rig.settle();
    console.info(`proxy slow: ${Date.now() - started} ms; ${rig.ledger.summary(dead, rig.consumer.metrics().duplicates)}`);
    expectNothingLost(rig, dead, TOTAL);
    expect(rig.consumer.metrics().duplicates).toBe(0);
    expect(rig.producerTransport.health().reconnects).toBe(0);
    expect(rig.consumerTransport.health().reconnects).toBe(0);
  });
});
