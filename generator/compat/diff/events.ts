/** The payload and headers of one event version in BASE and in HEAD, compared both ways. */
import type { CatalogEvent, JsonSchema } from '../../model/catalog.js';
import type { SchemaPart } from '../../model/locate.js';
import { escapePointerSegment } from '../../load/sources.js';
import type { Side } from '../inputs/side.js';
import { compatibleChanges } from '../policy.js';
import { DiffContext, type Definitions } from '../schema/context.js';
import { readAvroSchema } from '../../model/avro.js';
import { compareAvro, placeKey, type AvroPlaces } from '../schema/avro.js';
import { compareSchemas } from '../schema/compare.js';
import { asObject, deref } from '../schema/shape.js';
import type { Policy, RawChange } from '../types.js';
import { mergeDirections } from './merge.js';

export function compareEventSchemas(base: Side, head: Side, b: CatalogEvent, h: CatalogEvent, policy: Policy): RawChange[] {
  // Avro on both sides: Avro's resolution rules judge the payload (a payload that changed format is compared as JSON Schema).
  const avro = b.payloadAvro !== undefined && h.payloadAvro !== undefined ? compareAvroPayloads(base, head, b, h) : undefined;
  return [...(avro ?? comparePart(base, head, b, h, 'payload', policy)), ...comparePart(base, head, b, h, 'headers', policy)];
}

function compareAvroPayloads(base: Side, head: Side, b: CatalogEvent, h: CatalogEvent): RawChange[] | undefined {
  const before = readAvroSchema(b.payloadAvro);
  const after = readAvroSchema(h.payloadAvro);
  if ('problem' in before || 'problem' in after) return undefined;
  const backwardPlaces: AvroPlaces = new Map();
  const forwardPlaces: AvroPlaces = new Map();
  // Backward: HEAD reads what BASE wrote; forward: BASE reads what HEAD wrote.
  const backward = compareAvro(before.graph.root, after.graph.root, backwardPlaces);
  const forward = compareAvro(after.graph.root, before.graph.root, forwardPlaces);
  return mergeDirections(backward, forward).map((m) => {
    const back = m.seen.backward === undefined ? undefined : backwardPlaces.get(placeKey(m.path, m.seen.backward));
    const fwd = m.seen.forward === undefined ? undefined : forwardPlaces.get(placeKey(m.path, m.seen.forward));
    const headAt = back?.update ?? fwd?.original;
    const baseAt = back?.original ?? fwd?.update;
    const inHead = headAt !== undefined || baseAt === undefined;
    // What HEAD no longer has is shown at HEAD's payload (the record that lost it), and where it was in BASE.
    const pos = head.locate && headAt ? head.locate(h, 'payload', headAt) : h.payloadSource;
    const change: RawChange = {
      rule: m.rule,
      event: h.type,
      version: h.version,
      pointer: ['payload', ...m.path].map((s) => `/${escapePointerSegment(s)}`).join(''),
      seen: m.seen,
      side: 'head',
      file: head.display(pos.file),
      line: pos.line,
    };
    if (!inHead) {
      const was = base.locate && baseAt ? base.locate(b, 'payload', baseAt) : b.payloadSource;
      change.beforeAt = { file: base.display(was.file), line: was.line };
    }
    if (m.before !== undefined) change.before = m.before;
    if (m.after !== undefined) change.after = m.after;
    return change;
  });
}

function comparePart(base: Side, head: Side, b: CatalogEvent, h: CatalogEvent, part: SchemaPart, policy: Policy): RawChange[] {
  // Events without headers accept any headers.
  const before: JsonSchema = (part === 'payload' ? b.payload : b.headers) ?? true;
  const after: JsonSchema = (part === 'payload' ? h.payload : h.headers) ?? true;
  const compatible = compatibleChanges(policy);
  const backward = DiffContext.start(base.catalog.definitions, head.catalog.definitions, compatible);
  compareSchemas(backward, before, after);
  const forward = DiffContext.start(head.catalog.definitions, base.catalog.definitions, compatible);
  compareSchemas(forward, after, before);
  return mergeDirections(backward.differences, forward.differences).map((m) => {
    // A path HEAD no longer has (a removal) is shown at the object that held it, which HEAD still
    // has (the locator stops at the nearest existing parent), and where it was, in BASE.
    const inHead = hasPath(after, head.catalog.definitions, m.path) || !hasPath(before, base.catalog.definitions, m.path);
    const locate = (side: Side, event: CatalogEvent): { file: string; line: number } => {
      const at = side.locate ? side.locate(event, part, m.path) : part === 'payload' ? event.payloadSource : event.source;
      return { file: side.display(at.file), line: at.line };
    };
    const change: RawChange = {
      rule: m.rule,
      event: h.type,
      version: h.version,
      pointer: [part, ...m.path].map((s) => `/${escapePointerSegment(s)}`).join(''),
      seen: m.seen,
      side: 'head',
      ...locate(head, h),
    };
    if (!inHead) change.beforeAt = locate(base, b);
    if (m.before !== undefined) change.before = m.before;
    if (m.after !== undefined) change.after = m.after;
    return change;
  });
}

/** Does `path` name something in the schema (following `$ref`s)? `required/<name>` names an entry of the list. */
function hasPath(schema: JsonSchema, definitions: Definitions, path: readonly string[]): boolean {
  let node: unknown = schema;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof node === 'boolean') return false;
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) node = asObject(deref(node as JsonSchema, definitions));
    if (Array.isArray(node)) {
      node = /^\d+$/.test(segment) ? node[Number(segment)] : undefined;
    } else if (typeof node === 'object' && node !== null) {
      const value = (node as Record<string, unknown>)[segment];
      if (segment === 'required' && Array.isArray(value) && i + 1 < path.length) return value.includes(path[i + 1]);
      node = Object.prototype.hasOwnProperty.call(node, segment) ? value : undefined;
    } else return false;
    if (node === undefined) return false;
  }
  return true;
}
