/**
 * One directional comparison of two Avro schemas by the specification's schema resolution: can a
 * reader with the update schema read data written with the original? Differences name what the
 * reader meets (a field it has and the writer does not, a promoted type, a union branch the writer
 * may use and the reader lacks), with the rule ids of rules/avro.ts.
 *
 * Paths are those of the payload's JSON Schema (`properties/<field>`, `items`,
 * `additionalProperties`, `anyOf/<i>` for a branch of a union other than `["null", T]`), so that
 * messages name fields as for any other payload; where each path is written in the Avro source is
 * recorded on the side, for positions.
 */
import { describeAvro, type AvroField, type AvroNode, type AvroPrimitive } from '../../model/avro.js';
import type { JsonValue } from '../../model/catalog.js';
import type { Difference } from '../types.js';

/**
 * Where each difference (by path and type, see {@link placeKey}) is written in each schema, as
 * JSON pointers inside the Avro schemas; absent on the side that does not have the thing.
 */
export type AvroPlaces = Map<string, { original?: string[]; update?: string[] }>;

export function placeKey(path: readonly string[], type: string): string {
  return [...path, type].join('\u0000');
}

/** Writer type → reader types it is promoted to (Avro specification, "Schema Resolution"). */
const PROMOTIONS: Record<AvroPrimitive, readonly AvroPrimitive[]> = {
  null: [],
  boolean: [],
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  double: [],
  string: ['bytes'],
  bytes: ['string'],
};

export function compareAvro(original: AvroNode, update: AvroNode, places: AvroPlaces): Difference[] {
  const out: Difference[] = [];
  const active = new Set<string>();
  /** Where: the writer's and the reader's pointer, when each has the thing; then the values for the message. */
  const add = (path: readonly string[], type: string, at: { w?: string[] | undefined; r?: string[] | undefined }, before?: JsonValue, after?: JsonValue): void => {
    const d: Difference = { type, path: [...path] };
    if (before !== undefined) d.before = before;
    if (after !== undefined) d.after = after;
    out.push(d);
    const key = placeKey(path, type);
    if (!places.has(key)) places.set(key, { ...(at.w ? { original: at.w } : {}), ...(at.r ? { update: at.r } : {}) });
  };
  const both = (w: { pointer: string[] }, r: { pointer: string[] }, ...key: string[]): { w: string[]; r: string[] } => ({ w: [...w.pointer, ...key], r: [...r.pointer, ...key] });

  const resolve = (w: AvroNode, r: AvroNode, path: string[]): void => {
    if (r.kind === 'union') {
      const nullable = isNullable(r);
      const branchPath = (i: number): string[] => (nullable ? path : [...path, 'anyOf', String(i)]);
      if (w.kind === 'union') {
        const used = new Set<number>();
        for (const wb of w.branches) {
          const i = firstMatch(wb, r.branches);
          const demoted = i === -1 ? r.branches.findIndex((b) => demotes(wb, b)) : -1;
          if (demoted !== -1) add(branchPath(demoted), 'AVRO_TYPE_DEMOTED', both(wb, r.branches[demoted]!), describeAvro(wb), describeAvro(r.branches[demoted]!));
          else if (i === -1) add(path, 'AVRO_UNION_BRANCH_REMOVED', both(wb, r), describeAvro(wb));
          else {
            used.add(i);
            resolve(wb, r.branches[i]!, branchPath(i));
          }
        }
        const added = r.branches.filter((_, i) => !used.has(i) && firstMatch(r.branches[i]!, w.branches) === -1);
        if (added.length > 0) add(path, 'AVRO_UNION_BRANCH_ADDED', both(w, r), describeAvro(w), describeAvro(r));
        return;
      }
      const i = firstMatch(w, r.branches);
      if (i === -1) return add(path, 'AVRO_TYPE_CHANGED', both(w, r), describeAvro(w), describeAvro(r));
      add(path, 'AVRO_UNION_BRANCH_ADDED', both(w, r), describeAvro(w), describeAvro(r));
      return resolve(w, r.branches[i]!, branchPath(i));
    }
    if (w.kind === 'union') {
      // Each branch the writer may use must resolve to the reader's type.
      for (const wb of w.branches) {
        if (matches(wb, r)) resolve(wb, r, path);
        else if (demotes(wb, r)) add(path, 'AVRO_TYPE_DEMOTED', both(wb, r), describeAvro(wb), describeAvro(r));
        else add(path, 'AVRO_UNION_BRANCH_REMOVED', both(wb, r), describeAvro(wb), describeAvro(r));
      }
      return;
    }
    if (w.kind === 'primitive' && r.kind === 'primitive') {
      if (w.type !== r.type) {
        if (PROMOTIONS[w.type].includes(r.type)) add(path, 'AVRO_TYPE_PROMOTED', both(w, r), w.type, r.type);
        else add(path, PROMOTIONS[r.type].includes(w.type) ? 'AVRO_TYPE_DEMOTED' : 'AVRO_TYPE_CHANGED', both(w, r), w.type, r.type);
      }
      return compareLogical(w, r, path);
    }
    if (w.kind !== r.kind) return add(path, 'AVRO_TYPE_CHANGED', both(w, r), describeAvro(w), describeAvro(r));
    switch (r.kind) {
      case 'array':
        return resolve((w as typeof r).items, r.items, [...path, 'items']);
      case 'map':
        return resolve((w as typeof r).values, r.values, [...path, 'additionalProperties']);
      case 'fixed': {
        const wf = w as typeof r;
        compareNames(wf, r, path);
        if (wf.size !== r.size) add(path, 'AVRO_FIXED_SIZE_CHANGED', both(wf, r, 'size'), wf.size, r.size);
        return compareLogical(wf, r, path);
      }
      case 'enum': {
        const we = w as typeof r;
        compareNames(we, r, path);
        const removed = we.symbols.filter((s) => !r.symbols.includes(s));
        const added = r.symbols.filter((s) => !we.symbols.includes(s));
        if (removed.length > 0) add(path, r.default !== undefined ? 'AVRO_ENUM_SYMBOL_REMOVED_WITH_DEFAULT' : 'AVRO_ENUM_SYMBOL_REMOVED', both(we, r, 'symbols'), we.symbols, r.symbols);
        else if (added.length > 0) add(path, 'AVRO_ENUM_SYMBOL_ADDED', both(we, r, 'symbols'), we.symbols, r.symbols);
        return;
      }
      case 'record': {
        const wr = w as typeof r;
        compareNames(wr, r, path);
        // A record met again while it is being compared is a recursion: compared once.
        const key = `${wr.fullname}\u0000${r.fullname}`;
        if (active.has(key)) return;
        active.add(key);
        try {
          compareFields(wr.fields, r.fields, path);
        } finally {
          active.delete(key);
        }
        return;
      }
      case 'primitive':
        return;
    }
  };

  const compareNames = (w: AvroNode & { fullname: string }, r: AvroNode & { fullname: string; aliases: string[] }, path: string[]): void => {
    if (w.fullname === r.fullname) return;
    add(path, r.aliases.includes(w.fullname) ? 'AVRO_NAME_CHANGED_WITH_ALIAS' : 'AVRO_NAME_CHANGED', both(w, r, 'name'), w.fullname, r.fullname);
  };

  const compareLogical = (w: AvroNode, r: AvroNode, path: string[]): void => {
    const describe = (n: AvroNode): string => {
      if (n.logicalType === undefined) return 'none';
      if (n.logicalType !== 'decimal') return n.logicalType;
      return `decimal(${String(n.attributes.precision)}, ${String(n.attributes.scale ?? 0)})`;
    };
    if (describe(w) !== describe(r)) add(path, 'AVRO_LOGICAL_TYPE_CHANGED', both(w, r, 'logicalType'), describe(w), describe(r));
  };

  const compareFields = (writer: readonly AvroField[], reader: readonly AvroField[], path: string[]): void => {
    const used = new Set<AvroField>();
    for (const rf of reader) {
      const at = [...path, 'properties', rf.name];
      const byName = writer.find((f) => f.name === rf.name);
      const wf = byName ?? writer.find((f) => rf.aliases.includes(f.name));
      if (!wf) {
        add(at, rf.hasDefault ? 'AVRO_FIELD_ADDED_WITH_DEFAULT' : 'AVRO_FIELD_ADDED_WITHOUT_DEFAULT', { r: [...rf.pointer, 'name'] }, undefined, rf.hasDefault ? (rf.default ?? null) : undefined);
        continue;
      }
      used.add(wf);
      if (!byName) add(at, 'AVRO_FIELD_RENAMED_WITH_ALIAS', both(wf, rf, 'name'), wf.name, rf.name);
      if (wf.hasDefault !== rf.hasDefault || JSON.stringify(wf.default) !== JSON.stringify(rf.default)) {
        const where = { w: [...wf.pointer, wf.hasDefault ? 'default' : 'name'], r: [...rf.pointer, rf.hasDefault ? 'default' : 'name'] };
        add([...at, 'default'], 'AVRO_FIELD_DEFAULT_CHANGED', where, wf.hasDefault ? (wf.default ?? null) : undefined, rf.hasDefault ? (rf.default ?? null) : undefined);
      }
      if ((wf.doc ?? '') !== (rf.doc ?? '')) add([...at, 'description'], 'DESCRIPTION_CHANGED', both(wf, rf, 'doc'), wf.doc, rf.doc);
      resolve(wf.type, rf.type, at);
    }
    for (const wf of writer) {
      if (used.has(wf)) continue;
      add([...path, 'properties', wf.name], wf.hasDefault ? 'AVRO_FIELD_REMOVED_WITH_DEFAULT' : 'AVRO_FIELD_REMOVED_WITHOUT_DEFAULT', { w: [...wf.pointer, 'name'] });
    }
  };

  resolve(original, update, []);
  return out;
}

/** Whether the reader's type could be promoted to the writer's: the writer's type is a demotion of it. */
function demotes(w: AvroNode, r: AvroNode): boolean {
  return w.kind === 'primitive' && r.kind === 'primitive' && PROMOTIONS[r.type].includes(w.type);
}

function isNullable(union: AvroNode & { kind: 'union' }): boolean {
  return union.branches.length === 2 && union.branches.some((b) => b.kind === 'primitive' && b.type === 'null');
}

/** Index of the first reader branch the writer's type resolves to (the specification's choice), or -1. */
function firstMatch(w: AvroNode, branches: readonly AvroNode[]): number {
  // An exact match of kind and name wins over a promotion, as in Avro's implementations.
  const exact = branches.findIndex((b) => sameType(w, b));
  return exact !== -1 ? exact : branches.findIndex((b) => matches(w, b));
}

function sameType(w: AvroNode, r: AvroNode): boolean {
  if (w.kind === 'primitive' || r.kind === 'primitive') return w.kind === r.kind && (w as { type: string }).type === (r as { type: string }).type;
  if ('fullname' in w && 'fullname' in r) return w.kind === r.kind && w.fullname === r.fullname;
  return w.kind === r.kind;
}

/** Whether data of the writer's (non-union) type can be read as the reader's type at all. */
function matches(w: AvroNode, r: AvroNode): boolean {
  if (r.kind === 'union') return r.branches.some((b) => matches(w, b));
  if (w.kind === 'union') return w.branches.every((b) => matches(b, r));
  if (w.kind === 'primitive' && r.kind === 'primitive') return w.type === r.type || PROMOTIONS[w.type].includes(r.type);
  if (w.kind !== r.kind) return false;
  if ('fullname' in w && 'fullname' in r) {
    const named = w.fullname === r.fullname || r.aliases.includes(w.fullname);
    return named && (r.kind !== 'fixed' || (w as { size: number }).size === r.size);
  }
  return true;
}
