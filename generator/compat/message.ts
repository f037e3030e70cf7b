/** The plain-language message of a change: where, what, and whom it breaks. */
import type { JsonValue } from '../model/catalog.js';
import type { RuleDefinition } from './rules/registry.js';
import { canonical } from './schema/shape.js';
import type { Direction, RawChange } from './types.js';

const CONSEQUENCE: Record<Direction, string> = {
  backward: 'consumers built after the change can reject events valid before it',
  forward: 'consumers built before the change can reject events valid after it',
};

export function changeMessage(rule: RuleDefinition, change: RawChange, breaks: readonly Direction[]): string {
  const where = rule.area === 'catalogue' ? '' : `${fieldOf(change.pointer)}: `;
  const note = change.note ? ` (${change.note})` : '';
  const why = breaks.length > 0 && rule.area !== 'catalogue' ? `; ${breaks.map((d) => CONSEQUENCE[d]).join(', and ')}` : '';
  const values = rule.family === 'ENUM' ? enumValues(change.before, change.after) : valuesOf(change.before, change.after);
  return `${where}${headline(rule.purpose)}${values}${note}${why}`;
}

/** A purpose's trailing parenthesis explains the rule for the docs; the message shows the actual values instead. */
function headline(purpose: string): string {
  return purpose.replace(/ \([^()]*\)$/, '');
}

/** Enum changes as the values that came and went, which is what a reader looks for. */
function enumValues(before: JsonValue | undefined, after: JsonValue | undefined): string {
  const list = (v: JsonValue | undefined): JsonValue[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const old = list(before);
  const now = list(after);
  if (!old || !now) return valuesOf(before, after);
  const key = (v: JsonValue): string => canonical(v);
  const added = now.filter((v) => !old.some((o) => key(o) === key(v)));
  const removed = old.filter((v) => !now.some((n) => key(n) === key(v)));
  const parts = [...(removed.length > 0 ? [`removed ${removed.map((v) => show(v)).join(', ')}`] : []), ...(added.length > 0 ? [`added ${added.map((v) => show(v)).join(', ')}`] : [])];
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** `/payload/properties/line/properties/qty/maxLength` → `payload.line.qty`: the field a developer knows. */
export function fieldOf(pointer: string): string {
  // Plain JSON pointers (RFC 6901), not URI fragments: no percent-decoding.
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = segments[0] ?? '';
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    if ((segment === 'properties' || segment === 'required' || segment === 'dependencies') && next !== undefined) {
      out += /^[A-Za-z_$][\w$]*$/.test(next) ? `.${next}` : `[${JSON.stringify(next)}]`;
      i++;
    } else if (segment === 'items') {
      if (next !== undefined && /^\d+$/.test(next)) {
        out += `[${next}]`;
        i++;
      } else out += '[]';
    } else if ((segment === 'oneOf' || segment === 'anyOf' || segment === 'allOf') && next !== undefined && /^\d+$/.test(next)) {
      out += ` (${segment} #${Number(next) + 1})`;
      i++;
    } else if (segment === 'patternProperties' && next !== undefined) {
      out += `[/${next}/]`;
      i++;
    } else if (segment === 'additionalProperties' && next !== undefined) out += '[*]';
  }
  return out;
}

function valuesOf(before: JsonValue | undefined, after: JsonValue | undefined): string {
  if (before !== undefined && after !== undefined) return ` (${show(before)} → ${show(after)})`;
  if (after !== undefined) return ` (${show(after)})`;
  if (before !== undefined) return ` (was ${show(before)})`;
  return '';
}

function show(value: JsonValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
