/**
 * `npm run bench`: every benchmark of eventsmith, one table (markdown, on stdout), and
 * bench/results.json. Every comparison is a ratio measured side by side in the same run (median of
 * per-run ratios); progress goes to stderr.
 *
 *   npm run bench                 # everything, under 10 minutes on a 2-core machine
 *   npm run bench -- --quick      # a small subset in under a minute (CI runs it so the code cannot rot)
 *   npm run bench -- --only generation,runtime
 *   npm run bench -- --only otel  # OpenTelemetry overhead: off, API without SDK, SDK (no-op exporter)
 *   npm run bench -- --only generation,cache,modelina,watch   # the generator's rows
 *   npm run bench -- --only generation --sizes 1000           # catalogue sizes of the generation section
 *
 * The modelina section installs AsyncAPI Modelina (about 190 MB, not a dependency of eventsmith)
 * into bench/.modelina on first use, with npm.
 *
 * Needs a build (`npm run bench` builds first) and, for the runtime and memory sections, RabbitMQ
 * on RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672) with rabbitmqctl on the PATH; without
 * a broker those rows say "not available". The redis section needs Redis (BENCH_REDIS_URL), the kafka
 * section a Kafka broker (KAFKA_BOOTSTRAP, default 127.0.0.1:19092: `bash scripts/kafka-broker ensure`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchCheck } from './check.mjs';
import { benchCachedGeneration, benchGeneration } from './generation.mjs';
import { benchModelina } from './modelina.mjs';
import { benchKafka } from './kafka.mjs';
import { benchMemory } from './memory.mjs';
import { benchOtel } from './otel.mjs';
import { benchRedis } from './redis.mjs';
import { benchRuntime } from './runtime.mjs';
import { benchValidation } from './validation.mjs';
import { benchWatch } from './watch.mjs';
import { fmt, log } from './lib/stats.mjs';
import { rabbitmqVersion } from './lib/vhost.mjs';

// A broker that drops every connection (other test suites share it) must fail a row, not the run.
process.on('unhandledRejection', (error) => log(`unhandled rejection: ${error instanceof Error ? error.message : String(error)}`));

const SECTIONS = ['generation', 'cache', 'modelina', 'watch', 'check', 'runtime', 'redis', 'kafka', 'otel', 'validation', 'memory'];

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, sizes: { type: 'string' } } });
const quick = values.quick;
const only = new Set(values.only ? values.only.split(',').map((s) => s.trim()) : SECTIONS);
const sizes = values.sizes?.split(',').map((s) => Number(s.trim()));
if (sizes?.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--sizes takes event counts separated by commas, e.g. 100,1000`);
for (const name of only) if (!SECTIONS.includes(name)) throw new Error(`unknown section '${name}'; sections: ${SECTIONS.join(', ')}`);

const CONFIG = quick
  ? { sizes: [10], runsFor: () => 1, cache: { events: 10, runs: 2 }, modelina: { events: 10, runs: 1 }, watch: { events: 10, edits: 2 }, check: { events: 10, changes: 5, runs: 1 } }
  : { sizes: [10, 100, 1000, 5000], runsFor: (n) => (n >= 5000 ? 1 : 3), cache: { events: 1000, runs: 5 }, modelina: { events: 1000, runs: 2 }, watch: { events: 1000, edits: 15, warmup: 5 }, check: { events: 1000, changes: 50, runs: 2 } };

function machine() {
  const freeH = (() => {
    try {
      return execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]?.split(/\s+/)[1] ?? '?';
    } catch {
      return `${(os.totalmem() / 2 ** 30).toFixed(0)}Gi`;
    }
  })();
  return { cpus: os.availableParallelism?.() ?? os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', memory: freeH, node: process.version, platform: `${os.type()} ${os.release()}` };
}

async function section(name, run) {
  if (!only.has(name)) return undefined;
  const started = performance.now();
  log(`== ${name}`);
  try {
    const result = await run();
    log(`   ${name} took ${fmt.s(performance.now() - started)}`);
    return result;
  } catch (error) {
    log(`   ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { available: false, reason: `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

const startedAt = new Date();
const loadBefore = os.loadavg();
const started = performance.now();
const results = { quick, startedAt: startedAt.toISOString(), machine: { ...machine(), rabbitmq: await rabbitmqVersion() } };
results.generation = await section('generation', () => benchGeneration({ sizes: sizes ?? CONFIG.sizes, runsFor: CONFIG.runsFor }));
results.cache = await section('cache', () => benchCachedGeneration(CONFIG.cache));
results.modelina = await section('modelina', () => benchModelina(CONFIG.modelina));
results.watch = await section('watch', () => benchWatch(CONFIG.watch));
results.check = await section('check', () => benchCheck(CONFIG.check));
results.runtime = await section('runtime', () => benchRuntime({ quick }));
results.redis = await section('redis', () => benchRedis({ quick }));
results.kafka = await section('kafka', () => benchKafka({ quick }));
results.otel = await section('otel', () => benchOtel({ quick }));
results.validation = await section('validation', () => benchValidation({ quick }));
results.memory = await section('memory', () => benchMemory({ quick }));
results.seconds = (performance.now() - started) / 1000;
results.loadAverage = { before: loadBefore, after: os.loadavg() };

// ---------------------------------------------------------------- the table

const rows = [];
const row = (benchmark, ours, baseline, ratio, target, met) => rows.push({ benchmark, ours, baseline, ratio, target, verdict: met === undefined ? '' : met ? 'met' : '**missed**' });
const na = (benchmark, reason, target = '') => rows.push({ benchmark, ours: 'not available', baseline: reason, ratio: '', target, verdict: '' });

// The goals of the generator's rows are those of the performance issue: generate at the parse
// floor, watch and a run with nothing changed under 300 ms, ten times Modelina's speed.
if (Array.isArray(results.generation)) {
  for (const g of results.generation) {
    const target = g.events === 1000 ? '≤ 1.10×' : '';
    row(`generate, ${g.events.toLocaleString('en')} events (wall, peak RSS; ${g.runs} run${g.runs === 1 ? '' : 's'})`, `${fmt.s(g.oursMs)}, ${fmt.mb(g.oursRss)}`, `bare parse ${fmt.s(g.bareMs)}, ${fmt.mb(g.bareRss)}`, `${fmt.ratio(g.ratio)} (CPU ${fmt.ratio(g.cpuRatio)})`, target, target ? g.ratio <= 1.1 : undefined);
  }
} else if (results.generation) na('generate', results.generation.reason, '≤ 1.10×');

if (results.cache?.cachedMs !== undefined) {
  const c = results.cache;
  row(`generate again with nothing changed, ${c.events.toLocaleString('en')} events (content-hash cache; ${c.runs} runs)`, fmt.ms(c.cachedMs), `bare \`node -e ''\` start ${fmt.ms(c.nodeMs)}; first run ${fmt.s(c.coldMs)}`, fmt.ratio(c.ratio), '< 300 ms', c.cachedMs < 300);
} else if (results.cache) na('generate again with nothing changed', results.cache.reason, '< 300 ms');

if (results.modelina?.speedup !== undefined) {
  const m = results.modelina;
  row(`same work vs AsyncAPI Modelina ${m.version} (models only), ${m.events.toLocaleString('en')} events (${m.runs} run${m.runs === 1 ? '' : 's'})`, fmt.s(m.oursMs), `Modelina ${fmt.s(m.modelinaMs)} (${m.models}); the parser with no rules ${fmt.s(m.floorMs)}, so at most ${m.ceiling.toFixed(1)}×`, `${m.speedup.toFixed(1)}× faster`, '≥ 10× faster', m.speedup >= 10);
} else if (results.modelina) na('same work vs AsyncAPI Modelina (models only)', results.modelina.reason, '≥ 10× faster');

if (results.watch?.latencyMs !== undefined) {
  const w = results.watch;
  row(`watch: save one domain file → output rewritten, ${w.events.toLocaleString('en')} events`, fmt.ms(w.latencyMs), `warm parse of that document ${fmt.ms(w.bareParseMs)} (with no rules ${fmt.ms(w.floorParseMs)})`, fmt.ratio(w.ratio), '< 300 ms', w.latencyMs < 300);
} else if (results.watch) na('watch', results.watch.reason, '< 300 ms');

if (results.check?.available) {
  const c = results.check;
  row(`check, ${c.events.toLocaleString('en')} events vs ${c.changes} changes (${c.kinds} kinds)`, `${fmt.s(c.oursMs)}, ${fmt.mb(c.oursRss)}`, `bare parse of both ${fmt.s(c.bareMs)}, ${fmt.mb(c.bareRss)}`, `${fmt.ratio(c.ratio)} (CPU ${fmt.ratio(c.cpuRatio)})`, '≤ 1.50×', c.ratio <= 1.5);
} else if (results.check) na('check', results.check.reason, '≤ 1.50×');

const rt = results.runtime;
if (rt?.available) {
  const raw = (group) => fmt.rate(group.amqplib.rate, ' msg/s');
  const cpu = (kind, client) => {
    const micros = kind === 'consume' ? rt.cpuMicrosPerMessage?.consume?.[client] : rt.cpuMicrosPerMessage?.publish?.[`${kind} ${client}`];
    return micros === undefined ? '' : ` (${micros.toFixed(0)} µs CPU/msg)`;
  };
  const clientRows = (label, kind, group, target, met) => {
    const baseline = `amqplib ${raw(group)}${cpu(kind, 'amqplib')}`;
    row(`${label}: eventsmith`, `${fmt.rate(group.eventsmith.rate, ' msg/s')}${cpu(kind, 'eventsmith')}`, baseline, fmt.ratio(group.eventsmith.vsRaw), target, met);
    for (const client of ['eventsmith transport only', 'rascal', 'amqp-connection-manager', 'amqplib (plain queue)']) {
      if (group[client]) row(`${label}: ${client}`, `${fmt.rate(group[client].rate, ' msg/s')}${cpu(kind, client)}`, baseline, fmt.ratio(group[client].vsRaw), '', undefined);
    }
  };
  // Goals of issue 18: the broker's full speed through the runtime.
  clientRows('publish, 1,000 unconfirmed in flight', 'window', rt.publishWindow, '≥ 0.95×', rt.publishWindow.eventsmith.vsRaw >= 0.95);
  clientRows('publish, awaiting each confirm in turn', 'await', rt.publishAwait, '≥ 0.95×', rt.publishAwait.eventsmith.vsRaw >= 0.95);
  clientRows('consume, prefetch 100', 'consume', rt.consume, '≥ 0.90×', rt.consume.eventsmith.vsRaw >= 0.9);
  const l = rt.latency;
  const p99Ratio = l.eventsmith.p99 / l.amqplib.p99;
  row(`end-to-end latency p50 / p99 at ${l.rate.toLocaleString('en')} events/s, publish → handler`, `${fmt.ms(l.eventsmith.p50)} / ${fmt.ms(l.eventsmith.p99)}`, `amqplib ${fmt.ms(l.amqplib.p50)} / ${fmt.ms(l.amqplib.p99)}`, `p99 ${fmt.ratio(p99Ratio)}`, 'p99 ≤ 1.50×', p99Ratio <= 1.5);
  const rc = rt.reconnect;
  if (rc?.available === false) na('reconnect after a long broker outage', rc.reason, '< 1 s');
  else if (rc) {
    row(
      `reconnect after a long broker outage (${(rc.outageMs / 1000).toFixed(0)} s down): broker accepts TCP → first publish confirm`,
      fmt.ms(rc.eventsmith.ms),
      `same runtime, port probing off: ${fmt.s(rc['without probing'].ms)} (backoff delay had grown to ${fmt.s(rc['without probing'].lastDelayMs)})`,
      '',
      '< 1 s',
      rc.eventsmith.ms < 1000,
    );
  }
} else if (rt) na('runtime (publish, consume, latency)', rt.reason, '≥ 0.90×');

const rd = results.redis;
if (rd?.available) {
  const cpuOf = (group, side) => (Number.isFinite(group.cpuPerMessageUs?.[side]) ? `, ${group.cpuPerMessageUs[side].toFixed(0)} µs CPU/msg` : '');
  row('Redis publish, 1,000 in flight: eventsmith (validation on)', `${fmt.rate(rd.publish.eventsmith, ' msg/s')}${cpuOf(rd.publish, 'eventsmith')}`, `node-redis XADD ${fmt.rate(rd.publish.raw, ' msg/s')}${cpuOf(rd.publish, 'raw')}`, fmt.ratio(rd.publish.ratio), '≥ 0.90×', rd.publish.ratio >= 0.9);
  row('Redis consume: eventsmith (validation, idempotency on)', `${fmt.rate(rd.consume.eventsmith, ' msg/s')}${cpuOf(rd.consume, 'eventsmith')}`, `node-redis XREADGROUP+XACK ${fmt.rate(rd.consume.raw, ' msg/s')}${cpuOf(rd.consume, 'raw')}`, fmt.ratio(rd.consume.ratio), '≥ 0.90×', rd.consume.ratio >= 0.9);
  if (rd.consume.floor !== undefined) {
    row('Redis consume floor: the raw loop doing only the required work (envelope checks, validation, an id looked up and stored in a Map)', `${fmt.rate(rd.consume.floor.rate, ' msg/s')}, ${Math.round(rd.consume.floor.cpuPerMessageUs)} µs CPU/msg`, `node-redis XREADGROUP+XACK ${fmt.rate(rd.consume.raw, ' msg/s')}${cpuOf(rd.consume, 'raw')}`, fmt.ratio(rd.consume.floor.ratio), '', undefined);
  }
} else if (rd) na('Redis (publish, consume)', rd.reason, '≥ 0.90×');

const kf = results.kafka;
if (kf?.available) {
  row('Kafka publish, 1,000 in flight, idempotent, acks=all: eventsmith (validation on)', fmt.rate(kf.publish.eventsmith, ' msg/s'), `@platformatic/kafka producer stream ${fmt.rate(kf.publish.raw, ' msg/s')}`, fmt.ratio(kf.publish.ratio), '≥ 0.90×', kf.publish.ratio >= 0.9);
  const cpuOf = (side) => (Number.isFinite(kf.consume.cpuPerRecordUs?.[side]) ? `, ${kf.consume.cpuPerRecordUs[side].toFixed(0)} µs CPU/msg` : '');
  row('Kafka consume: eventsmith (validation, idempotency on)', `${fmt.rate(kf.consume.eventsmith, ' msg/s')}${cpuOf('eventsmith')}`, `@platformatic/kafka consumer group ${fmt.rate(kf.consume.raw, ' msg/s')}${cpuOf('raw')}`, fmt.ratio(kf.consume.ratio), '≥ 0.90×', kf.consume.ratio >= 0.9);
} else if (kf) na('Kafka (publish, consume)', kf.reason, '≥ 0.90×');

const ot = results.otel;
if (ot?.available) {
  const ours = (v) => `${fmt.rate(v.rate, ' msg/s')} (${v.cpuMicros.toFixed(1)} µs CPU/msg)`;
  const ratio = (v) => `${fmt.ratio(v.vsOff)} (CPU ${fmt.ratio(v.cpuVsOff)})`;
  for (const [label, t] of [['in memory', ot.memory], ['RabbitMQ', ot.rabbitmq]]) {
    if (t.available === false) {
      na(`OpenTelemetry overhead, ${label}`, t.reason, '≥ 0.97× / ≥ 0.85×');
      continue;
    }
    const off = `telemetry off ${ours(t.off)}`;
    row(`OpenTelemetry, publish + consume ${label}, ${t.messages.toLocaleString('en')} events: API installed, no SDK`, ours(t.noSdk), off, ratio(t.noSdk), '≥ 0.97×', t.noSdk.vsOff >= 0.97);
    row(`OpenTelemetry, publish + consume ${label}: SDK recording every span and metric, no-op exporter`, ours(t.sdk), off, ratio(t.sdk), '≥ 0.85×', t.sdk.vsOff >= 0.85);
    // The A/A control: how far two identical runs drift apart here, for reading the two rows above.
    if (t.offAgain) row(`OpenTelemetry, publish + consume ${label}: telemetry off again (A/A control)`, ours(t.offAgain), off, ratio(t.offAgain), '', undefined);
  }
} else if (ot) na('OpenTelemetry overhead', ot.reason, '≥ 0.97× / ≥ 0.85×');

if (Array.isArray(results.validation)) {
  for (const v of results.validation) {
    row(`validate ${v.case}: isValidEvent`, fmt.rate(v.checkOps, ' ops/s'), `ajv ${fmt.rate(v.ajvOps, ' ops/s')}`, fmt.ratio(v.checkRatio), '≥ 1.00×', v.checkRatio >= 1);
  }
  for (const v of results.validation) {
    if (!v.valid) row(`validate ${v.case}: safeParseEvent (every issue)`, fmt.rate(v.reportOps, ' ops/s'), `ajv allErrors ${fmt.rate(v.ajvAllErrorsOps, ' ops/s')}`, fmt.ratio(v.reportRatio), '≥ 0.50×', v.reportRatio >= 0.5);
  }
} else if (results.validation) na('validation', results.validation.reason, '≥ 1.00×');

if (results.memory?.available) {
  const m = results.memory;
  const heap = m.heapAfterGcAtWarmup === undefined ? '' : `live heap after GC ${(m.heapAfterGcAtWarmup / 2 ** 20).toFixed(1)} → ${(m.heapAfterGcAtEnd / 2 ** 20).toFixed(1)} MB`;
  const pct = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;
  row(`consumer RSS across ${m.messages.toLocaleString('en')} messages (after ${m.warmup.toLocaleString('en')} warm-up), after a full GC at each sample`, `${fmt.mb(m.rssAfterGcAtWarmup)} → at most ${fmt.mb(m.rssAfterGcMaxAfterWarmup)} (as it ran: ${fmt.mb(m.rssAtWarmup)} → peak ${fmt.mb(m.rssPeakAfterWarmup)}, ${pct(m.peakGrowth)})`, heap, pct(m.growth), '≤ +10%', m.growth <= 0.1);
} else if (results.memory) na('consumer memory', results.memory.reason, '≤ +10%');

const header = ['benchmark', 'eventsmith', 'baseline (same run)', 'ratio', 'target', ''];
const lines = [
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${[r.benchmark, r.ours, r.baseline, r.ratio, r.target, r.verdict].join(' | ')} |`),
];
const m = results.machine;
const loadNote = `load average ${results.loadAverage.before.map((v) => v.toFixed(1)).join(' ')} before, ${results.loadAverage.after.map((v) => v.toFixed(1)).join(' ')} after`;
process.stdout.write(
  `\neventsmith benchmarks${quick ? ' (--quick)' : ''}, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${m.cpus} cores (${m.cpuModel}), ${m.memory} memory, Node ${m.node}, RabbitMQ ${m.rabbitmq}; ${loadNote}; ${results.seconds.toFixed(0)} s\n\n${lines.join('\n')}\n\n`,
);
results.table = rows;
const target = fileURLToPath(new URL('./results.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(results, null, 2)}\n`);
log(`results written to bench/results.json`);
