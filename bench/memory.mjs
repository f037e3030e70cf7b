/**
 * Memory: RSS of a generated consumer (its own process) across many messages, published into its
 * queue by this process as fast as the broker confirms them, then 200,000 messages measured after a
 * warm-up. The idempotency store remembers the last 100,000 ids by default: it fills during the
 * first 100,000 messages, and its hash table reaches its steady size only once it starts evicting
 * (V8 doubles a Map's table on the first rehash under delete/insert churn, at about 131,000 ids;
 * after that the live heap stays flat). So the warm-up is 150,000 messages, the store full and
 * evicting. Growth is the largest RSS after a full collection at the samples after warm-up, against
 * the same at the end of warm-up: RSS read at an arbitrary moment also holds garbage V8 has not
 * collected yet, which V8 sizes by its own heuristics (one run read +36% there while the memory
 * kept after a collection stayed flat). That peak is reported as well.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { createEnvelope, serializeEnvelope } from 'eventsmith/runtime';
import { AmqpTransport } from 'eventsmith/runtime/amqp';
import { topologyFor } from '../dist/generated/index.js';
import { PAYLOAD } from './runtime.mjs';
import { log } from './lib/stats.mjs';
import { createVhost } from './lib/vhost.mjs';

const CONSUMER = fileURLToPath(new URL('./lib/memory-consumer.mjs', import.meta.url));

export async function benchMemory({ quick }) {
  const warmup = quick ? 10_000 : 150_000;
  const total = warmup + (quick ? 10_000 : 200_000);
  const every = quick ? 2_000 : 10_000;
  let vhost;
  try {
    vhost = await createVhost();
  } catch (error) {
    return { available: false, reason: `no broker (${String(error.message).split('\n')[0]})` };
  }
  let child;
  try {
    const setup = await AmqpTransport.connect({ url: vhost.url });
    await setup.declareTopology(topologyFor('production-service'));
    await setup.close();
    child = spawn(process.execPath, ['--expose-gc', CONSUMER, vhost.url, String(total), String(every), String(warmup)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const samples = [];
    let ready;
    const isReady = new Promise((resolve) => (ready = resolve));
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (line.ready) ready();
        else samples.push(line);
      }
    });
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await Promise.race([isReady, exited]);
    const connection = await amqp.connect(vhost.url);
    connection.on('error', (error) => log(`amqplib connection error: ${error.message}`));
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error) => log(`amqplib channel error: ${error.message}`));
    const started = performance.now();
    for (let sent = 0; sent < total; ) {
      const batch = Math.min(2000, total - sent);
      for (let i = 0; i < batch; i++) {
        const id = randomUUID();
        const body = serializeEnvelope(createEnvelope({ type: 'inventory.stock_added', version: 2, source: 'urn:eventsmith:inventory-service', data: PAYLOAD, id, urgency: 'medium', tenantid: PAYLOAD.tenant_id }));
        channel.publish('eventsmith.business', 'business.inventory.stock_added', body, { persistent: true, mandatory: true, messageId: id, contentType: 'application/cloudevents+json; charset=utf-8', type: 'inventory.stock_added', priority: 5 });
      }
      await channel.waitForConfirms();
      sent += batch;
    }
    await connection.close();
    // A consumer that stops handling (say, every message dead-lettered) must fail the row, not hang the run.
    let stalled;
    const code = await Promise.race([exited, new Promise((resolve) => (stalled = setTimeout(() => resolve('stalled'), 120_000)))]);
    clearTimeout(stalled);
    if (code === 'stalled') throw new Error(`the consumer stopped after ${samples.at(-1)?.n ?? 0} of ${total} messages`);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`memory consumer exited ${code}`);
    const atWarmup = samples.find((s) => s.n >= warmup);
    const after = samples.filter((s) => s.n > warmup);
    const peakAfter = Math.max(...after.map((s) => s.rss));
    const keptAfter = Math.max(...after.map((s) => s.rssAfterGc));
    const result = {
      available: true,
      messages: total - warmup,
      warmup,
      seconds,
      rssAtWarmup: atWarmup.rss,
      rssPeakAfterWarmup: peakAfter,
      rssEnd: samples.at(-1).rss,
      rssAfterGcAtWarmup: atWarmup.rssAfterGc,
      rssAfterGcMaxAfterWarmup: keptAfter,
      growth: keptAfter / atWarmup.rssAfterGc - 1,
      peakGrowth: peakAfter / atWarmup.rss - 1,
      heapAfterGcAtWarmup: atWarmup.heapAfterGc,
      heapAfterGcAtEnd: samples.at(-1).heapAfterGc,
      samples,
    };
    const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);
    log(`memory: RSS after GC ${mb(atWarmup.rssAfterGc)} MB at ${warmup} messages, at most ${mb(keptAfter)} MB after (${(result.growth * 100).toFixed(1)}%); RSS as it ran ${mb(atWarmup.rss)} MB, peak ${mb(peakAfter)} MB after (${(result.peakGrowth * 100).toFixed(1)}%); live heap after GC ${(atWarmup.heapAfterGc / 2 ** 20).toFixed(1)} → ${(samples.at(-1).heapAfterGc / 2 ** 20).toFixed(1)} MB; RSS after GC every ${every}: ${samples.map((s) => mb(s.rssAfterGc)).join(' ')} MB`);
    return result;
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await vhost.remove().catch((error) => log(`could not delete vhost ${vhost.name}: ${error.message}`));
  }
}
