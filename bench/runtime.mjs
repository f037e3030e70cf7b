/**
 * The runtime against raw amqplib and the two wrappers users pick instead (rascal,
 * amqp-connection-manager), on the same broker, in the same run, in a private vhost. Every client
 * sends the same message (a CloudEvents envelope around the ~360-byte `inventory.stock_added` v2
 * example: 10 fields, nested objects, enums, uuids, a date-time) with the same guarantee: persistent,
 * durable queue, publisher confirms, priority 5, to the `production-service.events` queue that the
 * generated topology declares (so the broker does the same work for all of them).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import amqpcm from 'amqp-connection-manager';
import rascal from 'rascal';
import { createEnvelope, serializeEnvelope } from 'eventsmith/runtime';
import { AmqpTransport, TENANT_HEADER } from 'eventsmith/runtime/amqp';
import { inventoryService, productionService, topologyFor } from '../dist/generated/index.js';
import { log, median, medianRatio, percentile, shuffled, sleep, windowed } from './lib/stats.mjs';
import { Gate } from './lib/gate.mjs';
import { createVhost } from './lib/vhost.mjs';

const TYPE = 'inventory.stock_added';
const VERSION = 2;
const EXCHANGE = 'eventsmith.business';
const ROUTING_KEY = `business.${TYPE}`;
const QUEUE = 'production-service.events';
const CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
const PRIORITY = 5;
const WINDOW = 1000;

const snapshot = JSON.parse(readFileSync(new URL('../generated/catalog.snapshot.json', import.meta.url), 'utf8'));
export const PAYLOAD = snapshot.catalog.events.find((e) => e.type === TYPE && e.version === VERSION).examples[0].payload;

/** The bytes every baseline publishes: the same envelope the runtime builds, fresh id and time each. */
function wireMessage(id = randomUUID()) {
  return serializeEnvelope(createEnvelope({ type: TYPE, version: VERSION, source: 'urn:eventsmith:inventory-service', data: PAYLOAD, id, urgency: 'medium', tenantid: PAYLOAD.tenant_id }));
}

// The runtime puts the event's tenant in a header (tenant-bound queues are bound on it); every
// baseline sends it too, so all sides put the same properties on the wire and the broker does the same work.
const HEADERS = { [TENANT_HEADER]: PAYLOAD.tenant_id };

function wireOptions(id) {
  return { persistent: true, mandatory: true, messageId: id, contentType: CONTENT_TYPE, type: TYPE, priority: PRIORITY, timestamp: Math.floor(Date.now() / 1000), headers: HEADERS };
}

/**
 * amqplib's connect, with an 'error' listener: a connection the broker drops (another process
 * closing every connection, say) then fails the measurement instead of crashing the whole run.
 */
async function connect(url) {
  const connection = await amqp.connect(url);
  connection.on('error', (error) => log(`amqplib connection error: ${error.message}`));
  return connection;
}

async function sequential(n, send) {
  for (let i = 0; i < n; i++) await send(i);
}

// ---------------------------------------------------------------- publishers

async function oursPublisher(url) {
  const transport = await AmqpTransport.connect({ url, connectionName: 'bench-inventory' });
  const service = inventoryService.createInventoryService({ transport });
  return {
    send: (id) => service.publisher.stockAdded(PAYLOAD, id === undefined ? undefined : { id }),
    close: () => service.events.close({ timeoutMs: 5000 }),
  };
}

async function rawPublisher(url, exchange = EXCHANGE, routingKey = ROUTING_KEY) {
  const connection = await connect(url);
  const channel = await connection.createConfirmChannel();
  channel.on('return', () => {});
  channel.on('error', (error) => log(`amqplib channel error: ${error.message}`));
  return {
    send: (id = randomUUID()) =>
      new Promise((resolve, reject) => {
        channel.publish(exchange, routingKey, wireMessage(id), wireOptions(id), (error) => (error ? reject(error) : resolve()));
      }),
    close: () => connection.close(),
  };
}

function rascalConfig(vhost) {
  return rascal.withDefaultConfig({
    vhosts: {
      [vhost.name]: {
        connection: { url: vhost.url },
        exchanges: { [EXCHANGE]: { assert: false, check: true } },
        queues: { [QUEUE]: { assert: false, check: true } },
        publications: { stock: { exchange: EXCHANGE, routingKey: ROUTING_KEY, options: { persistent: true, priority: PRIORITY, contentType: CONTENT_TYPE, type: TYPE, headers: HEADERS } } },
        subscriptions: { stock: { queue: QUEUE, prefetch: 100 } },
      },
    },
  });
}

async function rascalPublisher(vhost) {
  const broker = await rascal.BrokerAsPromised.create(rascalConfig(vhost));
  broker.on('error', (error) => log(`rascal: ${error.message}`));
  return {
    // As rascal's README shows: publish, then listen for the publication's 'success' event.
    send: async (id = randomUUID()) => {
      const publication = await broker.publish('stock', wireMessage(id), { options: { messageId: id } });
      await new Promise((resolve, reject) => publication.on('success', resolve).on('error', reject));
    },
    close: () => broker.shutdown(),
  };
}

async function acmPublisher(url) {
  const connection = amqpcm.connect([url]);
  connection.on('error', (error) => log(`amqp-connection-manager: ${error.message}`));
  const channel = connection.createChannel({ confirm: true, json: false });
  await channel.waitForConnect();
  return {
    send: (id = randomUUID()) => channel.publish(EXCHANGE, ROUTING_KEY, wireMessage(id), wireOptions(id)),
    close: async () => {
      await channel.close();
      await connection.close();
    },
  };
}

// ---------------------------------------------------------------- consumers

/** Starts consuming; `onMessage(id)` is called once per handled message. Returns close(). */
async function oursConsumer(url, onMessage) {
  const transport = await AmqpTransport.connect({ url, connectionName: 'bench-production' });
  const service = productionService.createProductionService({ transport });
  service.consumer.on(TYPE, (_data, ctx) => onMessage(ctx.envelope.id));
  await service.consumer.start();
  return () => service.events.close({ timeoutMs: 5000 });
}

async function rawConsumer(url, onMessage) {
  const connection = await connect(url);
  const channel = await connection.createChannel();
  channel.on('error', (error) => log(`amqplib channel error: ${error.message}`));
  await channel.prefetch(100);
  await channel.consume(QUEUE, (message) => {
    if (!message) return;
    const envelope = JSON.parse(message.content.toString('utf8'));
    channel.ack(message);
    onMessage(envelope.id);
  });
  return () => connection.close();
}

async function rascalConsumer(vhost, onMessage) {
  const broker = await rascal.BrokerAsPromised.create(rascalConfig(vhost));
  broker.on('error', (error) => log(`rascal: ${error.message}`));
  const subscription = await broker.subscribe('stock');
  subscription.on('message', (_message, content, ackOrNack) => {
    const envelope = Buffer.isBuffer(content) ? JSON.parse(content.toString('utf8')) : typeof content === 'string' ? JSON.parse(content) : content;
    ackOrNack();
    onMessage(envelope.id);
  });
  subscription.on('error', (error) => log(`rascal subscription: ${error.message}`));
  return () => broker.shutdown();
}

async function acmConsumer(url, onMessage) {
  const connection = amqpcm.connect([url]);
  const channel = connection.createChannel({
    json: false,
    setup: async (ch) => {
      await ch.prefetch(100);
      await ch.consume(QUEUE, (message) => {
        if (!message) return;
        const envelope = JSON.parse(message.content.toString('utf8'));
        channel.ack(message);
        onMessage(envelope.id);
      });
    },
  });
  await channel.waitForConnect();
  return async () => {
    await channel.close();
    await connection.close();
  };
}

// ---------------------------------------------------------------- measurements

const PUBLISHERS = {
  eventsmith: (vhost) => oursPublisher(vhost.url),
  amqplib: (vhost) => rawPublisher(vhost.url),
  rascal: (vhost) => rascalPublisher(vhost),
  'amqp-connection-manager': (vhost) => acmPublisher(vhost.url),
};

const CONSUMERS = {
  eventsmith: (vhost, on) => oursConsumer(vhost.url, on),
  amqplib: (vhost, on) => rawConsumer(vhost.url, on),
  rascal: (vhost, on) => rascalConsumer(vhost, on),
  'amqp-connection-manager': (vhost, on) => acmConsumer(vhost.url, on),
};

/** Our transport alone (no client: no validation, no catalogue facade), to locate a gap. */
async function oursTransportPublisher(url) {
  const transport = await AmqpTransport.connect({ url, connectionName: 'bench-transport' });
  // What the client would hand the transport for this event (kind business, medium urgency → priority 5).
  const target = { kind: 'business', destination: ROUTING_KEY, urgency: 'medium', persistent: true, mandatory: true };
  return {
    send: (id) => transport.publish(createEnvelope({ type: TYPE, version: VERSION, source: 'urn:eventsmith:inventory-service', data: PAYLOAD, urgency: 'medium', tenantid: PAYLOAD.tenant_id, ...(id === undefined ? {} : { id }) }), target),
    close: () => transport.close(),
  };
}

function openPublisher(vhost, client) {
  if (client === 'amqplib (plain queue)') return rawPublisher(vhost.url, 'bench.plain', 'bench.plain');
  if (client === 'eventsmith transport only') return oursTransportPublisher(vhost.url);
  return PUBLISHERS[client](vhost);
}

/**
 * Publish rate per client, measured in blocks: every client is connected at once and the blocks
 * alternate between clients (in random order each round), so a slow spell of the shared machine or
 * of the broker's disk hits every client alike. Each block's rate is one sample.
 */
/** CPU time of this process per published message (µs), by mode and client. */
const publishCpu = {};

async function publishRates(vhost, admin, clients, mode, blocks, perBlock) {
  const publishers = {};
  const samples = Object.fromEntries(clients.map((c) => [c, []]));
  try {
    for (const client of clients) publishers[client] = await openPublisher(vhost, client);
    for (const client of clients) await windowed(Math.min(200, perBlock), mode === 'window' ? WINDOW : 1, () => publishers[client].send());
    for (let block = 0; block < blocks; block++) {
      for (const client of shuffled(clients)) {
        const publisher = publishers[client];
        const started = performance.now();
        const cpu = process.cpuUsage();
        if (mode === 'window') await windowed(perBlock, WINDOW, () => publisher.send());
        else await sequential(perBlock, () => publisher.send());
        samples[client].push((perBlock / (performance.now() - started)) * 1000);
        const used = process.cpuUsage(cpu);
        (publishCpu[`${mode} ${client}`] ??= []).push((used.user + used.system) / perBlock);
        await admin.purgeQueue(QUEUE);
        await admin.purgeQueue('bench.plain');
      }
    }
  } finally {
    for (const publisher of Object.values(publishers)) await publisher.close().catch(() => {});
  }
  return samples;
}

async function prefill(vhost, n) {
  const publisher = await rawPublisher(vhost.url);
  try {
    await windowed(n, 2000, () => publisher.send());
  } finally {
    await publisher.close();
  }
}

/** CPU time of this process per consumed message (µs), per client: what each consumer costs the machine. */
const cpuPerMessage = {};

async function consumeRate(vhost, admin, client, n) {
  await admin.purgeQueue(QUEUE);
  await prefill(vhost, n);
  let count = 0;
  let first = 0;
  let last = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const close = await CONSUMERS[client](vhost, () => {
    count++;
    if (count === 1) first = performance.now();
    if (count === n) {
      last = performance.now();
      finish();
    }
  });
  const cpu = process.cpuUsage();
  const timeout = setTimeout(() => finish(), 120_000);
  await done;
  clearTimeout(timeout);
  const used = process.cpuUsage(cpu);
  cpuPerMessage[client] ??= [];
  cpuPerMessage[client].push((used.user + used.system) / n);
  await close();
  await admin.purgeQueue(QUEUE);
  if (count < n) throw new Error(`${client} consumed ${count} of ${n} messages`);
  return ((n - 1) / (last - first)) * 1000;
}

/** Publishes at `rate`/s for `durationMs` and returns the end-to-end latencies (ms), warm-up dropped. */
async function latency(vhost, admin, client, rate, durationMs) {
  await admin.purgeQueue(QUEUE);
  const sentAt = new Map();
  const latencies = [];
  let received = 0;
  const total = Math.round((rate * durationMs) / 1000);
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const close = await CONSUMERS[client](vhost, (id) => {
    const at = sentAt.get(id);
    if (at !== undefined) {
      latencies.push(performance.now() - at);
      sentAt.delete(id);
    }
    if (++received === total) finish();
  });
  const publisher = await PUBLISHERS[client](vhost);
  const pending = [];
  try {
    const started = performance.now();
    let sent = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
        while (sent < due) {
          const id = randomUUID();
          sentAt.set(id, performance.now());
          pending.push(publisher.send(id));
          sent++;
        }
        if (sent >= total) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    await Promise.all(pending);
    const timeout = setTimeout(() => finish(), 30_000);
    await done;
    clearTimeout(timeout);
  } finally {
    await publisher.close();
    await close();
    await admin.purgeQueue(QUEUE);
  }
  return latencies.slice(Math.floor(latencies.length / 10));
}

/**
 * A broker outage of `outageMs` (a gate in front of the broker refuses connections and drops the
 * open ones), then the broker back: time from the moment it accepts TCP again to the confirm of a
 * publish made during the outage. Two publishers go through the same gate at the same time: the
 * runtime as it ships, and the same with port probing off (`probeIntervalMs: 0`, waiting out its
 * backoff delay, which grew during the outage).
 */
async function reconnectAfterOutage(vhost, outageMs) {
  const gate = new Gate(new URL(vhost.url).port ? { host: new URL(vhost.url).hostname, port: Number(new URL(vhost.url).port) } : undefined);
  await gate.open();
  const sides = [];
  try {
    for (const [name, reconnect] of [['eventsmith', {}], ['without probing', { probeIntervalMs: 0 }]]) {
      const delays = [];
      const transport = await AmqpTransport.connect({ url: gate.url(vhost.url), connectionName: `bench-reconnect-${sides.length}`, reconnect, logger: (entry) => entry.event === 'amqp.reconnect.scheduled' && delays.push(entry.delayMs) });
      const service = inventoryService.createInventoryService({ transport });
      await service.publisher.stockAdded(PAYLOAD);
      sides.push({ name, transport, service, delays });
    }
    await gate.shut();
    while (sides.some((side) => side.transport.health().status !== 'reconnecting')) await sleep(5);
    const pending = sides.map((side) => side.service.publisher.stockAdded(PAYLOAD));
    for (const p of pending) p.catch(() => {});
    await sleep(outageMs);
    await gate.open();
    const openedAt = performance.now();
    const ms = await Promise.all(pending.map((p) => p.then(() => performance.now() - openedAt)));
    const result = { outageMs };
    sides.forEach((side, i) => (result[side.name] = { ms: ms[i], attempts: side.delays.length, lastDelayMs: side.delays.at(-1) }));
    log(`reconnect after ${outageMs / 1000} s down: eventsmith ${ms[0].toFixed(0)} ms, without probing ${ms[1].toFixed(0)} ms (its last backoff delay ${result['without probing'].lastDelayMs} ms after ${result['without probing'].attempts} attempts)`);
    return result;
  } finally {
    for (const side of sides) await side.service.events.close({ timeoutMs: 5000 }).catch(() => {});
    await gate.shut();
  }
}

export async function benchRuntime({ quick }) {
  let vhost;
  try {
    vhost = await createVhost();
  } catch (error) {
    return { available: false, reason: `no broker (rabbitmqctl: ${String(error.message).split('\n')[0]})` };
  }
  const adminConnection = await connect(vhost.url);
  try {
    const admin = await adminConnection.createChannel();
    admin.on('error', (error) => log(`amqplib channel error: ${error.message}`));
    // The generated topology: exchanges and the production-service queue (x-max-priority 10, DLX…).
    const setup = await AmqpTransport.connect({ url: vhost.url });
    await setup.declareTopology(topologyFor('production-service'));
    await setup.close();
    // For reference: the same publish into a plain durable queue (no priorities, no dead-lettering).
    await admin.assertExchange('bench.plain', 'topic', { durable: true });
    await admin.assertQueue('bench.plain', { durable: true });
    await admin.bindQueue('bench.plain', 'bench.plain', 'bench.plain');

    const clients = Object.keys(PUBLISHERS);
    const window = await publishRates(vhost, admin, [...clients, 'eventsmith transport only', 'amqplib (plain queue)'], 'window', quick ? 2 : 8, quick ? 1500 : 5000);
    log(`publish, ${WINDOW} in flight (msg/s per block): ${fmtSamples(window)}`);
    const awaited = await publishRates(vhost, admin, clients, 'await', quick ? 2 : 8, quick ? 100 : 250);
    log(`publish, awaiting each (msg/s per block): ${fmtSamples(awaited)}`);
    const consumeBlocks = quick ? 2 : 6;
    const perConsume = quick ? 1500 : 5000;
    const consumed = Object.fromEntries(clients.map((c) => [c, []]));
    for (let block = 0; block < consumeBlocks; block++) {
      for (const client of shuffled(clients)) consumed[client].push(await consumeRate(vhost, admin, client, perConsume));
    }
    log(`consume (msg/s per block): ${fmtSamples(consumed)}`);
    log(`CPU of this process per message (µs, median): ${Object.entries(cpuPerMessage).map(([c, v]) => `consume ${c} ${median(v).toFixed(1)}`).join(', ')}; ${Object.entries(publishCpu).map(([c, v]) => `${c} ${median(v).toFixed(1)}`).join(', ')}`);
    const summarise = (group) =>
      Object.fromEntries(Object.entries(group).map(([client, values]) => [client, { rate: median(values), vsRaw: medianRatio(values, group.amqplib), samples: values }]));

    // Latency in blocks, like the rates above: the two clients alternate in random order each round,
    // and p50/p99 are the medians of the blocks' own percentiles. One window per client in a fixed
    // order put whatever the phases before left behind (the broker deleting the persistent messages
    // purged after the consume blocks, a major GC of this process) on the first client's window only,
    // and on the shared machine one stall of tens of ms inside one window decided a p99 by itself.
    // The pooled percentiles stay in the results beside the per-block ones.
    const rate = 1000;
    const latencyBlocks = quick ? 1 : 5;
    const durationMs = quick ? 1500 : 2000;
    const pooled = { eventsmith: [], amqplib: [] };
    const blockP50 = { eventsmith: [], amqplib: [] };
    const blockP99 = { eventsmith: [], amqplib: [] };
    for (let block = 0; block < latencyBlocks; block++) {
      for (const client of shuffled(Object.keys(pooled))) {
        const values = await latency(vhost, admin, client, rate, durationMs);
        pooled[client].push(...values);
        blockP50[client].push(percentile(values, 50));
        blockP99[client].push(percentile(values, 99));
      }
    }
    const lat = {};
    for (const [client, values] of Object.entries(pooled)) {
      lat[client] = { p50: median(blockP50[client]), p99: median(blockP99[client]), pooledP50: percentile(values, 50), pooledP99: percentile(values, 99), max: Math.max(...values), n: values.length, blockP99: blockP99[client] };
      log(`latency ${client} at ${rate}/s: p50 ${lat[client].p50.toFixed(2)} ms, p99 ${lat[client].p99.toFixed(2)} ms (medians of ${latencyBlocks} blocks; p99 per block ${blockP99[client].map((v) => v.toFixed(1)).join(' ')}; pooled p99 ${lat[client].pooledP99.toFixed(2)} ms over ${values.length} messages)`);
    }
    // A failure here (the broker dropping the gate's connections, say) costs this row only.
    const reconnect = await reconnectAfterOutage(vhost, quick ? 3000 : 20_000).catch((error) => ({ available: false, reason: `failed: ${String(error.message).split('\n')[0]}` }));
    await admin.purgeQueue(QUEUE);
    return {
      available: true,
      reconnect,
      blocks: { window: quick ? 2 : 8, await: quick ? 2 : 8, consume: consumeBlocks },
      payloadBytes: Buffer.byteLength(JSON.stringify(PAYLOAD)),
      envelopeBytes: wireMessage().length,
      publishWindow: summarise(window),
      publishAwait: summarise(awaited),
      consume: summarise(consumed),
      latency: { rate, durationMs, blocks: latencyBlocks, ...lat },
      cpuMicrosPerMessage: {
        publish: Object.fromEntries(Object.entries(publishCpu).map(([k, v]) => [k, median(v)])),
        consume: Object.fromEntries(Object.entries(cpuPerMessage).map(([k, v]) => [k, median(v)])),
      },
    };
  } finally {
    await adminConnection.close().catch(() => {});
    await sleep(100);
    await vhost.remove().catch((error) => log(`could not delete vhost ${vhost.name}: ${error.message}`));
  }
}

function fmtSamples(group) {
  return Object.entries(group)
    .map(([client, values]) => `${client.replace('amqp-connection-manager', 'acm')} [${values.map((v) => Math.round(v)).join(' ')}]`)
    .join('; ');
}
