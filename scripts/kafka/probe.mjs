#!/usr/bin/env node
// Asks HOST:PORT whether it is a Kafka broker that is ready for clients, in two plain Kafka protocol
// requests (ApiVersions v0, then Metadata for no topics), with no dependencies, in well under a second.
// scripts/kafka-broker uses it; a JVM tool would do the same in ~1.7 s of CPU per try.
//
//   node scripts/kafka/probe.mjs 127.0.0.1:19092 [timeout-ms]
//
// Exit codes:
//   0  a Kafka broker answered and its metadata lists at least one (unfenced) broker: ready
//   1  nothing listens there (connection refused / unreachable)
//   2  something listens there but does not speak Kafka (or never answered)
//   3  a Kafka broker answered but lists no broker yet: starting
import net from 'node:net';

const [address = '127.0.0.1:19092', timeoutArg = '3000'] = process.argv.slice(2);
const sep = address.lastIndexOf(':');
const host = address.slice(0, sep).replace(/^\[|\]$/g, '');
const port = Number(address.slice(sep + 1));
const timeoutMs = Number(timeoutArg);
if (sep < 1 || !Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`probe: expected HOST:PORT, got ${address}`);
  process.exit(64);
}

const API_METADATA = 3;
const API_VERSIONS = 18;
const CLIENT_ID = Buffer.from('eventsmith-probe');

function request(apiKey, apiVersion, correlationId, body) {
  // Request header v1: api_key, api_version, correlation_id, client_id (int16-length string).
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(CLIENT_ID.length, 8);
  const payload = Buffer.concat([header, CLIENT_ID, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

class Reader {
  constructor(buf) { this.buf = buf; this.at = 0; }
  int16() { const v = this.buf.readInt16BE(this.at); this.at += 2; return v; }
  int32() { const v = this.buf.readInt32BE(this.at); this.at += 4; return v; }
  string() { const n = this.int16(); if (n < 0) return null; const s = this.buf.toString('utf8', this.at, this.at + n); this.at += n; return s; }
}

function done(code, message) {
  if (message) (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}

const socket = net.connect({ host, port });
let connected = false;
let step = 'apiVersions';
let pending = Buffer.alloc(0);
let metadataVersion = 1;

const timer = setTimeout(() => {
  done(connected ? 2 : 1, connected
    ? `${address}: accepts connections but sent no Kafka reply within ${timeoutMs} ms`
    : `${address}: no answer within ${timeoutMs} ms`);
}, timeoutMs);
timer.unref();

socket.on('connect', () => {
  connected = true;
  socket.write(request(API_VERSIONS, 0, 1, Buffer.alloc(0)));
});

socket.on('error', (err) => {
  if (!connected) done(1, `${address}: ${err.code ?? err.message}`);
  done(2, `${address}: connection failed mid-request (${err.code ?? err.message}): not a Kafka broker?`);
});

socket.on('close', () => {
  done(connected ? 2 : 1, `${address}: closed the connection without a Kafka reply: not a Kafka broker`);
});

socket.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  if (pending.length < 4) return;
  const size = pending.readInt32BE(0);
  if (size < 6 || size > 16 * 1024 * 1024) done(2, `${address}: answered, but not in Kafka's framing: not a Kafka broker`);
  if (pending.length < 4 + size) return;
  const frame = pending.subarray(4, 4 + size);
  pending = pending.subarray(4 + size);
  try {
    if (step === 'apiVersions') onApiVersions(new Reader(frame));
    else onMetadata(new Reader(frame));
  } catch {
    done(2, `${address}: answered with bytes that do not parse as a Kafka ${step} response: not a Kafka broker`);
  }
});

function onApiVersions(r) {
  if (r.int32() !== 1) throw new Error('correlation id');
  const errorCode = r.int16();
  const count = r.int32();
  if (count < 1 || count > 1000) throw new Error('api count');
  const apis = new Map();
  for (let i = 0; i < count; i++) {
    const key = r.int16();
    apis.set(key, [r.int16(), r.int16()]);
  }
  // UNSUPPORTED_VERSION (35) still lists the broker's versions; anything else is an error.
  if (errorCode !== 0 && errorCode !== 35) throw new Error(`error ${errorCode}`);
  const metadata = apis.get(API_METADATA);
  if (!apis.has(API_VERSIONS) || !metadata) throw new Error('not kafka');
  // Versions 1..8 share one non-flexible layout for what is read here (v2+ adds the cluster id,
  // v3+ a throttle time); ask for v4 where offered, else the nearest one in 1..8.
  const [min, max] = metadata;
  metadataVersion = Math.min(Math.max(min, 4), max, 8);
  if (metadataVersion < Math.max(min, 1)) done(0, `${address}: Kafka (Metadata v${min}-${max}), not checked further`);
  step = 'metadata';
  const body = [];
  const topics = Buffer.alloc(4);
  topics.writeInt32BE(0, 0); // no topics: brokers and cluster only
  body.push(topics);
  if (metadataVersion >= 4) body.push(Buffer.from([0])); // allow_auto_topic_creation = false
  if (metadataVersion >= 8) body.push(Buffer.from([0, 0])); // include_*_authorized_operations = false
  socket.write(request(API_METADATA, metadataVersion, 2, Buffer.concat(body)));
}

function onMetadata(r) {
  if (r.int32() !== 2) throw new Error('correlation id');
  if (metadataVersion >= 3) r.int32(); // throttle_time_ms
  const brokers = r.int32();
  if (brokers < 0 || brokers > 100000) throw new Error('broker count');
  const found = [];
  for (let i = 0; i < brokers; i++) {
    const id = r.int32();
    const h = r.string();
    const p = r.int32();
    r.string(); // rack
    found.push(`${id}@${h}:${p}`);
  }
  const clusterId = metadataVersion >= 2 ? r.string() : null;
  if (found.length === 0) done(3, `${address}: Kafka, but no broker is registered yet`);
  done(0, `${address}: Kafka ready, cluster ${clusterId ?? '?'}, brokers ${found.join(',')}`);
}
