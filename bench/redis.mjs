/**
 * The Redis Streams transport against raw node-redis doing the same stream work, side by side in
 * one run: rounds alternate between the two (in random order each round) so a slow spell of the
 * shared machine hits both, and the ratio is the median of the per-round ratios.
 *
 * - publish: `client.publish()` (validation, envelope, routing check, XADD with the same fields)
 *   vs XADD of the same serialized envelope and fields, 1,000 in flight on both sides;
 * - consume: a subscription with validation and the default idempotency store on, vs a loop of
 *   XREADGROUP (COUNT 100, BLOCK) + JSON.parse + XACK per entry, on entries appended beforehand;
 *   beside them `floor`, the same raw loop doing what the consumer must do for each entry and no
 *   more (the envelope's checks, the payload's validation, a lookup and insert of its id in a Map):
 *   how close any consumer with validation and deduplication can come to the bare loop.
 *
 * Runs in a Redis database of its own (15 by default, `BENCH_REDIS_URL`); its keys (all named with
 * a random prefix of this run) are deleted afterwards, so runs of other checkouts can share it.
 * Beside the rates: CPU time of this process per message (µs, median), which the shared machine's
 * load disturbs far less than the rates; Redis's own CPU is not in it.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { EventClient, EventRegistry, createEnvelope, parseEnvelope, serializeEnvelope } from 'eventsmith/runtime';
import { RedisTransport } from 'eventsmith/runtime/redis';
import { EVENT_REGISTRY } from '../dist/generated/index.js';
import { PAYLOAD } from './runtime.mjs';
import { collectGarbage } from './lib/gc.mjs';
import { log, median, shuffled, windowed } from './lib/stats.mjs';

const URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const TYPE = 'inventory.stock_added';
const VERSION = 2;
const WINDOW = 1000;
/** Unmeasured consume runs per side before the measured rounds (see the warm-up below). */
const WARMUP_RUNS = 3;

function fields(stream) {
  const envelope = createEnvelope({ type: TYPE, version: VERSION, source: 'urn:eventsmith:inventory-service', data: PAYLOAD, urgency: 'medium', tenantid: PAYLOAD.tenant_id });
  return ['XADD', stream, '*', 'body', serializeEnvelope(envelope), 'content-type', 'application/cloudevents+json; charset=utf-8', 'type', TYPE, 'destination', `business.${TYPE}`, 'tenant', PAYLOAD.tenant_id];
}

export async function benchRedis({ quick }) {
  const raw = createClient({ url: URL });
  raw.on('error', () => {});
  try {
    await raw.connect();
  } catch (error) {
    return { available: false, reason: `no Redis at ${URL} (${String(error.message).split('\n')[0]})` };
  }
  const rounds = quick ? 2 : 5;
  const perRound = quick ? 5_000 : 20_000;
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const registry = Object.values(EVENT_REGISTRY).flatMap((versions) => Object.values(versions)).map((definition) => (definition.type === TYPE ? { ...definition, bindings: { redis: { stream: `${prefix}.stream` } } } : definition));
  const stream = `${prefix}.stream`;
  const subscription = { name: `${prefix}.events`, sources: [{ kind: 'business', destination: `business.${TYPE}`, bindings: { redis: { stream } } }] };
  const transport = await RedisTransport.connect({ url: URL, connectionName: 'bench-redis' });
  const publisher = new EventClient({ transport, registry, source: 'urn:eventsmith:inventory-service', ownsTransport: false });
  await transport.declareTopology({ subscriptions: [subscription] });
  const publish = { eventsmith: [], raw: [] };
  const consume = { eventsmith: [], raw: [], floor: [] };
  const cpu = { publish: { eventsmith: [], raw: [] }, consume: { eventsmith: [], raw: [], floor: [] } };
  const required = requiredWork(registry);
  // Each measured consume reads a stream emptied and refilled for it, in a group made for it: a
  // consumer that read ahead (the client keeps up to `prefetch` entries in hand) leaves nothing
  // behind that the next side would wait for.
  let runs = 0;
  const refill = async (total) => {
    const group = `${prefix}.group-${++runs}`;
    await raw.sendCommand(['DEL', stream]);
    await raw.sendCommand(['XGROUP', 'CREATE', stream, group, '$', 'MKSTREAM']);
    await windowed(total, WINDOW, () => raw.sendCommand(fields(stream)));
    collectGarbage();
    return group;
  };
  const consumeSide = async (side, total) => (side === 'eventsmith' ? consumeOurs(await refill(total), registry, total) : consumeRaw(stream, await refill(total), total, side === 'floor' ? required() : parseOnly));
  try {
    // Unmeasured, both sides: the first rounds otherwise time JIT compilation and eventsmith's
    // one-off lazy imports (the OpenTelemetry API probe of its first client), which a running
    // service pays once. One warm-up run of a tenth of a round left eventsmith's consume at 1.5-3x
    // its settled CPU per entry for the next two runs: its path has more functions to optimise.
    const warmup = Math.max(2000, perRound / 2);
    await raw.sendCommand(['DEL', stream]);
    await raw.sendCommand(['XGROUP', 'CREATE', stream, subscription.name, '$', 'MKSTREAM']);
    await windowed(warmup, WINDOW, () => publisher.publish(TYPE, VERSION, PAYLOAD));
    await windowed(warmup, WINDOW, () => raw.sendCommand(fields(stream)));
    for (let run = 0; run < WARMUP_RUNS; run++) for (const side of ['eventsmith', 'raw', 'floor']) await consumeSide(side, warmup);
    for (let round = 0; round < rounds; round++) {
      for (const side of shuffled(['eventsmith', 'raw'])) {
        await raw.sendCommand(['DEL', stream]);
        await raw.sendCommand(['XGROUP', 'CREATE', stream, subscription.name, '$', 'MKSTREAM']).catch(() => {});
        collectGarbage();
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        if (side === 'eventsmith') await windowed(perRound, WINDOW, () => publisher.publish(TYPE, VERSION, PAYLOAD));
        else await windowed(perRound, WINDOW, () => raw.sendCommand(fields(stream)));
        publish[side].push(perRound / ((performance.now() - started) / 1000));
        cpu.publish[side].push(cpuMicros(cpuBefore) / perRound);
      }
      for (const side of shuffled(['eventsmith', 'raw', 'floor'])) {
        const { rate, cpuMicros: used } = await consumeSide(side, perRound);
        consume[side].push(rate);
        cpu.consume[side].push(used / perRound);
      }
      const last = (group) => `${group.eventsmith.at(-1).toFixed(1)} vs ${group.raw.at(-1).toFixed(1)} µs CPU/msg`;
      log(`   round ${round + 1}: publish ${(publish.eventsmith.at(-1) / publish.raw.at(-1)).toFixed(2)}× (${last(cpu.publish)}), consume ${(consume.eventsmith.at(-1) / consume.raw.at(-1)).toFixed(2)}× (${last(cpu.consume)}; floor ${(consume.floor.at(-1) / consume.raw.at(-1)).toFixed(2)}×, ${cpu.consume.floor.at(-1).toFixed(1)} µs)`);
    }
  } finally {
    await publisher.close();
    await transport.close();
    await dropKeysOf(raw, prefix);
    await raw.close();
  }
  const summary = (group, cpuOf) => ({ eventsmith: median(group.eventsmith), raw: median(group.raw), ratio: median(group.eventsmith.map((ours, i) => ours / group.raw[i])), cpuPerMessageUs: { eventsmith: median(cpuOf.eventsmith), raw: median(cpuOf.raw) } });
  const floor = { rate: median(consume.floor), ratio: median(consume.floor.map((rate, i) => rate / consume.raw[i])), cpuPerMessageUs: median(cpu.consume.floor) };
  return { available: true, url: URL, messages: perRound, rounds, publish: summary(publish, cpu.publish), consume: { ...summary(consume, cpu.consume), floor } };
}

/**
 * Deletes this run's keys only (every name the run makes, streams, groups' retry sets, route
 * hashes, holds its random prefix): a FLUSHDB would empty the database under a bench of another
 * checkout running at the same time (this machine is shared), whose consumers would then wait for
 * entries that are gone.
 */
async function dropKeysOf(client, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await client.sendCommand(['SCAN', cursor, 'MATCH', `*${prefix}*`, 'COUNT', '1000']);
    cursor = String(next);
    if (keys.length > 0) await client.sendCommand(['DEL', ...keys]);
  } while (cursor !== '0');
}

/** CPU time (user + system, µs) this process used since `before`. */
function cpuMicros(before) {
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** A subscription consumed through the client (validation, idempotency, one consume pipeline). */
async function consumeOurs(name, registry, total) {
  const transport = await RedisTransport.connect({ url: URL, connectionName: 'bench-redis-consumer' });
  const consumer = new EventClient({ transport, registry, source: 'urn:eventsmith:production-service' });
  let handled = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  consumer.on(TYPE, VERSION, () => {
    if (++handled === total) finish();
  });
  // Declared by name only: the group exists; the transport needs to know what it reads.
  const stream = registry.find((definition) => definition.type === TYPE).bindings.redis.stream;
  await transport.declareTopology({ subscriptions: [{ name, sources: [{ kind: 'business', destination: `business.${TYPE}`, bindings: { redis: { stream } } }] }] });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await consumer.consume(name, { prefetch: 100 });
  await stalled(done, () => handled, async () => `eventsmith handled ${handled} of ${total} entries; group ${name}: ${await groupState(stream, name)}`);
  const rate = total / ((performance.now() - started) / 1000);
  const used = cpuMicros(cpuBefore);
  await consumer.close({ timeoutMs: 5000 });
  return { rate, cpuMicros: used };
}

/** How long a consume may go without handling one more entry before the bench fails rather than waits for ever. */
const STALL_MS = 60_000;

/**
 * `done`, or a rejection once `progress()` stayed the same for STALL_MS: a loaded machine that is
 * slow but moving does not fail, a consumer that stopped does, with `describe()` in the error.
 */
function stalled(done, progress, describe) {
  let timer;
  const timeout = new Promise((_, reject) => {
    let last = progress();
    let since = performance.now();
    timer = setInterval(() => {
      const now = progress();
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since >= STALL_MS) {
        clearInterval(timer);
        describe().then(
          (text) => reject(new Error(`consume made no progress for ${STALL_MS / 1000} s: ${text}`)),
          (error) => reject(new Error(`consume made no progress for ${STALL_MS / 1000} s (group state unavailable: ${error.message})`)),
        );
      }
    }, 1000);
  });
  return Promise.race([done, timeout]).finally(() => clearInterval(timer));
}

/** The group's view of the stream (delivered, pending, lag) for a stall report, on a connection of its own. */
async function groupState(stream, group) {
  const client = createClient({ url: URL });
  client.on('error', () => {});
  await client.connect();
  try {
    const groups = await client.sendCommand(['XINFO', 'GROUPS', stream]);
    const length = await client.sendCommand(['XLEN', stream]);
    const mine = groups.map((fields) => (Array.isArray(fields) ? Object.fromEntries(fields.reduce((pairs, value, index) => (index % 2 === 0 ? [...pairs, [String(value), value]] : (pairs.at(-1)[1] = value, pairs)), [])) : fields)).find((info) => String(info.name) === group);
    return `stream length ${length}, ${JSON.stringify(mine ?? 'group missing')}`;
  } finally {
    await client.close();
  }
}

/** What the raw loop does with an entry's body. */
const parseOnly = (body) => void JSON.parse(body);

/**
 * What a consumer with validation and deduplication cannot skip, for one entry's body, with nothing
 * around it: the envelope's checks, the payload's validation, the id looked up and recorded. A new
 * dedup map per run, as each measured consumer starts with an empty store.
 */
function requiredWork(registry) {
  const definitions = new EventRegistry(registry);
  return () => {
    const seen = new Map();
    return (body) => {
      const parsed = parseEnvelope(body);
      if (!parsed.ok) throw new Error(`floor: ${parsed.detail}`);
      const { envelope } = parsed;
      if (!definitions.get(envelope.type, envelope.eventversion).validate(envelope.data).success) throw new Error('floor: invalid payload');
      const key = `urn:eventsmith:production-service|${envelope.id}`;
      if (seen.get(key) === undefined) seen.set(key, 1);
    };
  };
}

/** The same work with the bare client: XREADGROUP, `handle` each body, XACK. */
async function consumeRaw(stream, group, total, handle) {
  const client = createClient({ url: URL });
  client.on('error', () => {});
  await client.connect();
  let handled = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let idleReads = 0;
  while (handled < total) {
    const reply = await client.sendCommand(['XREADGROUP', 'GROUP', group, 'raw', 'COUNT', '100', 'BLOCK', '1000', 'STREAMS', stream, '>']);
    const entries = reply === null ? [] : (Array.isArray(reply) ? reply[0][1] : Object.values(reply)[0]);
    // Counted in a row: a read that brings entries starts the count again.
    if (entries.length > 0) idleReads = 0;
    else if (++idleReads * 1000 >= STALL_MS) throw new Error(`raw consumer: no entry for ${STALL_MS / 1000} s after ${handled} of ${total}; group ${group}: ${await groupState(stream, group)}`);
    const acks = [];
    for (const [id, values] of entries) {
      handle(values[1]);
      acks.push(client.sendCommand(['XACK', stream, group, id]));
      handled++;
    }
    await Promise.all(acks);
  }
  const rate = total / ((performance.now() - started) / 1000);
  const used = cpuMicros(cpuBefore);
  await client.close();
  return { rate, cpuMicros: used };
}
