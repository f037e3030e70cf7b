/**
 * The Kafka transport against the raw @platformatic/kafka client doing the same work, side by side
 * in one run: rounds alternate between the two (in random order each round) so a slow spell of the
 * shared machine or of the broker's disk hits both, and the ratio is the median of per-round ratios.
 *
 * - publish: `client.publish()` (validation, envelope, CloudEvents binary encoding, routing check,
 *   idempotent produce with acks=all) vs a raw Producer configured alike (idempotent, acks=all, the
 *   same partitioner) writing the same record (same key, value and headers, built fresh per send),
 *   1,000 records in flight on both sides. The raw side writes through the client's own batching
 *   (`producer.asStream()`: one produce request of up to 500 records on the wire at a time, the
 *   transport's batch size) and a record counts once its delivery report arrives. Raw `send()`
 *   calls of one record each cannot have 1,000 in flight: an idempotent producer's broker refuses
 *   more than 5 requests in flight per partition (OUT_OF_ORDER_SEQUENCE_NUMBER), which is why the
 *   transport batches.
 * - consume: a subscription with validation and the default idempotency store on, handler doing
 *   nothing, vs a raw consumer group (same fetch settings) that decodes each record's headers and
 *   parses its value, committing every 50 ms, as the transport does. Each side reads a topic of its
 *   own, filled beforehand with the same records, from its start; the rate runs from the first
 *   record handled to the last, so joining the group is not counted, and so does the CPU time per
 *   record (the process's, while that side alone consumes). A first consume round per side warms
 *   both up and is not counted (validator compilation, JIT); then 9 counted rounds (2 with --quick),
 *   because a consume round is short and one fetch stall or GC in it swings that round's ratio.
 *
 * Topics and groups carry a unique prefix and are deleted afterwards. KAFKA_BOOTSTRAP (default
 * 127.0.0.1:19092, `bash scripts/kafka-broker ensure`); without a broker the rows say "not available".
 */
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Producer, ProduceAcks, murmur2, noopSerializer, stringSerializer } from '@platformatic/kafka';
import { EventClient, createEnvelope } from 'eventsmith/runtime';
import { KafkaTransport } from 'eventsmith/runtime/kafka';
import { encodeEnvelope } from '../dist/runtime/kafka/wire.js';
import { EVENT_REGISTRY } from '../dist/generated/index.js';
import { PAYLOAD } from './runtime.mjs';
import { log, median, shuffled, sleep, windowed } from './lib/stats.mjs';

const BROKERS = (process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:19092').split(',').map((address) => address.trim());
const TYPE = 'inventory.stock_added';
const VERSION = 2;
const WINDOW = 1000;
const BATCH = 500;
const PARTITIONS = 3;
const SOURCE = 'urn:eventsmith:inventory-service';

/** The registry with `inventory.stock_added` on `topic` (its Kafka binding), as a catalogue binding would put it. */
function registryOn(topic) {
  return Object.values(EVENT_REGISTRY)
    .flatMap((versions) => Object.values(versions))
    .map((definition) => (definition.type === TYPE ? { ...definition, bindings: { ...(definition.bindings ?? {}), kafka: { topic } } } : definition));
}

/** The record the transport writes for one publish (binary mode: ce_ headers, the data as value), built the same way. */
function rawRecord(topic) {
  const envelope = createEnvelope({ type: TYPE, version: VERSION, source: SOURCE, data: PAYLOAD, urgency: 'medium', tenantid: PAYLOAD.tenant_id });
  const { value, headers } = encodeEnvelope(envelope, 'binary');
  headers.set('eventsmith-destination', `business.${TYPE}`);
  headers.set('eventsmith-tenant', PAYLOAD.tenant_id);
  headers.set('eventsmith-urgency', 'medium');
  // The catalogue keys inventory events by ingredient; the raw side keys the same way when the definition does.
  const key = orderingKey();
  return key === undefined ? { topic, value, headers } : { topic, key, value, headers };
}

let keyField;
function orderingKey() {
  keyField ??= Object.values(EVENT_REGISTRY[TYPE] ?? {}).find((definition) => definition.version === VERSION)?.orderingKey ?? null;
  return keyField === null ? undefined : String(PAYLOAD[keyField]);
}

let nextPartition = 0;
function rawProducer(clientId) {
  return new Producer({
    clientId,
    bootstrapBrokers: BROKERS,
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: (_message, key) => (key === undefined ? (nextPartition = (nextPartition + 1) & 0x7fffffff) : murmur2(key) & 0x7fffffff),
    serializers: { key: stringSerializer, value: noopSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    timeout: 10_000,
    retries: 0,
  });
}

/** The client's errors nest the broker's reason (e.g. OUT_OF_ORDER_SEQUENCE_NUMBER) a level or two down. */
function reasonOf(error) {
  const parts = [error?.message ?? String(error)];
  for (const inner of error?.errors ?? []) parts.push(reasonOf(inner));
  if (error?.cause !== undefined && error.cause !== error) parts.push(reasonOf(error.cause));
  return parts.join(': ');
}

export async function benchKafka({ quick }) {
  try {
    return await measure({ quick });
  } catch (error) {
    throw new Error(reasonOf(error), { cause: error });
  }
}

async function measure({ quick }) {
  const admin = new Admin({ clientId: 'bench-kafka-admin', bootstrapBrokers: BROKERS, timeout: 5000, retries: 1 });
  try {
    await admin.metadata({ topics: [] });
  } catch (error) {
    await admin.close().catch(() => {});
    return { available: false, reason: `no Kafka broker at ${BROKERS.join(', ')} (${String(error.message).split('\n')[0]})` };
  }
  const rounds = quick ? 2 : 5;
  // Consume rounds are noisier (a fetch pause or a GC lands in one side's short window): more of them, median taken.
  const consumeRounds = quick ? 2 : 9;
  const perRound = quick ? 3_000 : 20_000;
  const prefix = `bench-kafka-${randomUUID().slice(0, 8)}`;
  const groups = new Set();
  const publish = { eventsmith: [], raw: [] };
  const consume = { eventsmith: [], raw: [] };
  const consumeCpu = { eventsmith: [], raw: [] };
  try {
    // ---- publish: one topic, every side connected at once, blocks alternating
    const publishTopic = `${prefix}.publish`;
    const registry = registryOn(publishTopic);
    const transport = await KafkaTransport.connect({ brokers: BROKERS, clientId: 'bench-kafka', partitions: PARTITIONS });
    const publisher = new EventClient({ transport, registry, source: SOURCE });
    // A published channel: the transport creates its topic (and the urgent lane) as the topology step does.
    await transport.declareTopology({ channels: [{ kind: 'business', destination: `business.${TYPE}`, bindings: { kafka: { topic: publishTopic } } }] });
    const raw = rawProducer('bench-kafka-raw');
    const rawStream = reportingStream(raw);
    const sides = {
      eventsmith: () => windowed(perRound, WINDOW, () => publisher.publish(TYPE, VERSION, PAYLOAD)),
      raw: () => windowed(perRound, WINDOW, () => rawStream.send(rawRecord(publishTopic))),
    };
    try {
      // Warm-up: connections, metadata, the idempotent producer ids.
      for (const run of Object.values(sides)) await run();
      for (let round = 0; round < rounds; round++) {
        for (const side of shuffled(Object.keys(sides))) {
          const started = performance.now();
          await sides[side]();
          publish[side].push(perRound / ((performance.now() - started) / 1000));
        }
        log(`   publish round ${round + 1}: eventsmith ${Math.round(publish.eventsmith.at(-1))}/s, raw ${Math.round(publish.raw.at(-1))}/s (${(publish.eventsmith.at(-1) / publish.raw.at(-1)).toFixed(2)}×)`);
      }
    } finally {
      await publisher.close({ timeoutMs: 5000 });
      await rawStream.close();
      await raw.close();
    }

    // ---- consume: a topic per side and round, filled beforehand with the same records
    const filler = rawProducer('bench-kafka-filler');
    try {
      // Round 0 warms both sides up and is not counted: the first subscription compiles its
      // validator and JITs the whole consume path, which the raw loop does not have to, so a
      // counted first round would charge that to eventsmith alone.
      for (let round = 0; round <= consumeRounds; round++) {
        for (const side of shuffled(['eventsmith', 'raw'])) {
          const topic = `${prefix}.c${round}-${side}`;
          const group = `${prefix}.c${round}-${side}.events`;
          groups.add(group);
          await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
          // One request at a time: an idempotent producer's requests in flight must not overtake one another.
          await windowed(Math.ceil(perRound / BATCH), 1, (i) => filler.send({ messages: Array.from({ length: Math.min(BATCH, perRound - i * BATCH) }, () => rawRecord(topic)) }));
          const measured = side === 'eventsmith' ? await consumeOurs(topic, group, perRound) : await consumeRaw(topic, group, perRound);
          if (round === 0) continue;
          consume[side].push(measured.rate);
          consumeCpu[side].push(measured.cpu);
        }
        if (round === 0) continue;
        log(`   consume round ${round}: eventsmith ${Math.round(consume.eventsmith.at(-1))}/s ${consumeCpu.eventsmith.at(-1).toFixed(0)} µs CPU/record, raw ${Math.round(consume.raw.at(-1))}/s ${consumeCpu.raw.at(-1).toFixed(0)} µs (${(consume.eventsmith.at(-1) / consume.raw.at(-1)).toFixed(2)}×)`);
      }
    } finally {
      await filler.close();
    }
  } finally {
    await sleep(200);
    for (const group of groups) await admin.deleteGroups({ groups: [group] }).catch((error) => log(`could not delete group ${group}: ${reasonOf(error)}`));
    // Every topic made here, the transport's retry and dead-letter topics included, starts with the prefix.
    const doomed = (await admin.listTopics().catch(() => [])).filter((topic) => topic.startsWith(prefix));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed }).catch((error) => log(`could not delete topics: ${error.message}`));
    await admin.close().catch(() => {});
  }
  const ratio = (ours, base) => median(ours.map((value, i) => value / base[i]));
  return {
    available: true,
    brokers: BROKERS,
    messages: perRound,
    rounds,
    consumeRounds,
    partitions: PARTITIONS,
    publish: { eventsmith: median(publish.eventsmith), raw: median(publish.raw), ratio: ratio(publish.eventsmith, publish.raw), samples: publish },
    consume: { eventsmith: median(consume.eventsmith), raw: median(consume.raw), ratio: ratio(consume.eventsmith, consume.raw), samples: consume, cpuPerRecordUs: { eventsmith: median(consumeCpu.eventsmith), raw: median(consumeCpu.raw) } },
  };
}

/**
 * The client's own batching stream, one delivery report per record: `send(record)` resolves when
 * the broker acknowledged that record, rejects when its batch failed.
 */
function reportingStream(producer) {
  const waiting = new Map();
  const stream = producer.asStream({ batchSize: BATCH, batchTime: 0, reportMode: 'message', highWaterMark: WINDOW * 4 });
  stream.on('delivery-report', (report) => {
    const settle = waiting.get(report.message);
    waiting.delete(report.message);
    settle?.resolve();
  });
  stream.on('error', (error) => {
    for (const settle of waiting.values()) settle.reject(error);
    waiting.clear();
  });
  return {
    send: (record) =>
      new Promise((resolve, reject) => {
        waiting.set(record, { resolve, reject });
        stream.write(record);
      }),
    close: () => stream.close(),
  };
}

/**
 * Runs until `total` calls of the returned `tick` or 120 s; resolves with the rate from the first
 * tick to the last, and the process's CPU time per record over that span (each side consumes alone).
 */
function counter(total) {
  let count = 0;
  let first = 0;
  let cpuAtFirst;
  let cpuPerRecord = NaN;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const timeout = setTimeout(() => finish(), 120_000);
  const tick = () => {
    count++;
    if (count === 1) {
      first = performance.now();
      cpuAtFirst = process.cpuUsage();
    }
    if (count === total) {
      const cpu = process.cpuUsage(cpuAtFirst);
      cpuPerRecord = (cpu.user + cpu.system) / (total - 1);
      finish();
    }
  };
  const rate = done.then(() => {
    clearTimeout(timeout);
    if (count < total) throw new Error(`consumed ${count} of ${total} records`);
    return ((total - 1) / (performance.now() - first)) * 1000;
  });
  return { tick, rate, cpu: () => cpuPerRecord };
}

/** A subscription consumed through the client: validation, the default idempotency store, one consume pipeline. */
async function consumeOurs(topic, group, total) {
  const transport = await KafkaTransport.connect({ brokers: BROKERS, clientId: 'bench-kafka-consumer', start: 'earliest', partitions: PARTITIONS });
  const consumer = new EventClient({ transport, registry: registryOn(topic), source: 'urn:eventsmith:production-service' });
  const { tick, rate, cpu } = counter(total);
  consumer.on(TYPE, VERSION, tick);
  const subscription = { name: group, sources: [{ kind: 'business', destination: `business.${TYPE}`, bindings: { kafka: { topic } } }] };
  await transport.declareTopology({ subscriptions: [subscription] });
  try {
    await consumer.consume(group, { prefetch: 100 });
    return { rate: await rate, cpu: cpu() };
  } finally {
    await consumer.close({ timeoutMs: 5000 });
  }
}

/** The same records with the bare client: a consumer group, headers decoded, value parsed, positions committed every 50 ms. */
async function consumeRaw(topic, group, total) {
  const consumer = new Consumer({ clientId: 'bench-kafka-raw-consumer', groupId: group, bootstrapBrokers: BROKERS, maxWaitTime: 500, sessionTimeout: 10_000, heartbeatInterval: 1000, timeout: 10_000 });
  const { tick, rate, cpu } = counter(total);
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: 50 });
    stream.on('data', (message) => {
      const headers = new Map();
      for (const [name, value] of message.headers) headers.set(name.toString(), value.toString());
      JSON.parse(message.value.toString('utf8'));
      tick();
    });
    stream.on('error', (error) => log(`raw consumer: ${error.message}`));
    const result = { rate: await rate, cpu: cpu() };
    await stream.close().catch(() => {});
    return result;
  } finally {
    await new Promise((resolve) => consumer.close(true, () => resolve()));
  }
}
