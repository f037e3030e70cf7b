/**
 * The two example services, run as the README says (built, one process each), against the real
 * broker in a virtual host of their own: inventory publishes and asks, production consumes and
 * answers, and production shuts down gracefully on SIGTERM. The Kafka order saga runs against the
 * local Kafka broker (scripts/kafka-broker, or KAFKA_BOOTSTRAP) and removes its topics and groups.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { createVhost, type TestVhost } from '../helpers/vhost.js';

const run = promisify(execFile);
type Line = Record<string, unknown> & { service: string; event: string };

function parse(output: string): Line[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

let vhost: TestVhost;
beforeAll(async () => {
  vhost = await createVhost('eventsmith-examples');
});
afterAll(async () => {
  await vhost?.remove();
});

describe('examples', () => {
  it('inventory publishes and asks; production consumes and answers; both stop cleanly', async () => {
    const env = { ...process.env, RABBITMQ_URL: vhost.url };
    const production = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/examples/production-service.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let productionOut = '';
    production.stdout.on('data', (chunk: Buffer) => (productionOut += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => production.on('exit', resolve));
    try {
      const deadline = Date.now() + 15_000;
      while (!productionOut.includes('"ready"')) {
        if (Date.now() > deadline) throw new Error(`production did not start:\n${productionOut}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const inventory = await run(process.execPath, [path.join(REPO_ROOT, 'dist/examples/inventory-service.js'), '--once'], { env, timeout: 30_000 });
      const sent = parse(inventory.stdout);
      const receipt = sent.find((l) => l.event === 'stock_added.confirmed');
      const reply = sent.find((l) => l.event === 'schedule_batch.reply');
      expect(receipt).toBeDefined();
      expect(reply?.type).toBe('production.batch_scheduled');
      expect(sent.at(-1)?.event).toBe('stopped');

      const until = Date.now() + 10_000;
      while (!parse(productionOut).some((l) => l.event === 'low_stock_alert') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      const seen = parse(productionOut);
      expect(seen.find((l) => l.event === 'stock_added')?.id).toBe(receipt?.id);
      expect(seen.some((l) => l.event === 'low_stock_alert')).toBe(true);
      expect(seen.some((l) => l.event === 'schedule_batch.accepted')).toBe(true);
    } finally {
      production.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(parse(productionOut).at(-1)?.event).toBe('stopped');
  });

  it('the Kafka order saga: one order reserved, one cancelled (v2) after its reservation failed, one cancelled by a v1 publisher and handled upcast, topics removed', async () => {
    const { stdout } = await run(process.execPath, [path.join(REPO_ROOT, 'dist/examples/kafka-order-saga.js')], { env: process.env, timeout: 90_000 });
    const lines = parse(stdout);
    const created = lines.filter((l) => l.service === 'order-service' && l.event === 'order.created').map((l) => l.order);
    expect(created).toEqual(['ORD-20250312', 'ORD-20250313', 'ORD-20250314']);
    expect(lines.find((l) => l.service === 'inventory-service' && l.event === 'reserved')?.order).toBe('ORD-20250312');
    expect(lines.find((l) => l.service === 'inventory-service' && l.event === 'reservation.failed')?.order).toBe('ORD-20250313');
    expect(lines.find((l) => l.service === 'order-service' && l.event === 'inventory.reserved')?.order).toBe('ORD-20250312');
    const sent = lines.filter((l) => l.service === 'order-service' && l.event === 'order.cancelled');
    expect(sent.map((l) => [l.order, l.version])).toEqual([['ORD-20250313', 2], ['ORD-20250314', 1]]);
    // One handler of v2 took both: the v1 event through its upcaster (reason → reason_code), releasing the reservation.
    const handled = lines.filter((l) => l.service === 'inventory-service' && l.event === 'order.cancelled');
    expect(handled.map((l) => [l.order, l.sentAs, l.reasonCode])).toEqual([['ORD-20250313', 'v2', 'reservation_failed'], ['ORD-20250314', 'v1', 'customer_request']]);
    expect(handled[0]?.released).toBe('nothing reserved');
    expect(handled[1]?.released).toBe(lines.find((l) => l.service === 'order-service' && l.event === 'inventory.reserved' && l.order === 'ORD-20250314')?.reservation);
    expect(lines.find((l) => l.event === 'saga')).toMatchObject({ orders: { 'ORD-20250312': 'confirmed', 'ORD-20250313': 'cancelled', 'ORD-20250314': 'cancelled' }, onHand: 80 });
    expect(lines.find((l) => l.event === 'cleaned')?.groups).toBe(2);
    expect(lines.at(-1)?.event).toBe('done');
  }, 120_000);
});
