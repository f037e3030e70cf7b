/**
 * One edit, two readings. The backward comparison (BASE → HEAD) names each difference as the edit
 * the user made; the forward comparison (HEAD → BASE) sees the same edit from the other side (a
 * raised maxLength is MAX_LENGTH_DECREASED there). Differences of one family at one path are paired
 * up, so the user sees one change carrying both verdicts; what only the forward reading finds is
 * named by its mirror, as the edit from BASE to HEAD, unless it is compatible under every policy
 * and its path already has a change (Confluent names some edits on one side only, e.g. the
 * optional-property rule that accompanies a covered property; the other reading adds nothing).
 */
import type { JsonValue } from '../../model/catalog.js';
import { isCompatible } from '../policy.js';
import { ruleById } from '../rules/registry.js';
import type { Difference, Direction } from '../types.js';

export interface MergedDifference {
  rule: string;
  path: readonly string[];
  seen: Partial<Record<Direction, string>>;
  before?: JsonValue;
  after?: JsonValue;
}

export function mergeDirections(backward: readonly Difference[], forward: readonly Difference[]): MergedDifference[] {
  const merged: MergedDifference[] = [];
  const open = new Map<string, MergedDifference[]>();
  const keyOf = (path: readonly string[], type: string): string => `${ruleById(type).family}\u0000${path.join('\u0000')}`;
  for (const d of backward) {
    const m: MergedDifference = { rule: d.type, path: d.path, seen: { backward: d.type }, ...values(d.before, d.after) };
    merged.push(m);
    const key = keyOf(d.path, d.type);
    open.set(key, [...(open.get(key) ?? []), m]);
  }
  const paths = new Set(backward.map((d) => d.path.join('\u0000')));
  for (const d of forward) {
    const candidates = (open.get(keyOf(d.path, d.type)) ?? []).filter((m) => m.seen.forward === undefined);
    const mirror = ruleById(d.type).mirror;
    const partner = candidates.find((m) => m.rule === mirror) ?? candidates[0];
    if (partner) partner.seen.forward = d.type;
    else if (!(isCompatible(d.type, 'strict') && paths.has(d.path.join('\u0000')))) {
      // The forward reading compares HEAD with BASE: its before is HEAD's value.
      merged.push({ rule: mirror, path: d.path, seen: { forward: d.type }, ...values(d.after, d.before) });
    }
  }
  return merged;
}

function values(before: JsonValue | undefined, after: JsonValue | undefined): Pick<MergedDifference, 'before' | 'after'> {
  return { ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
}
