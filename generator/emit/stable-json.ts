/** JSON with object keys sorted at every depth, so equal models serialise to equal bytes. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** A text that {@link stableJsonReusing} places for an object, and the indented copies it made of it. */
export interface ReusedText {
  readonly text: string;
  /** By indentation: placing a 5 KB text at the same depth in every emit would otherwise split and join it each time. */
  indented?: Map<string, string>;
}

/**
 * {@link stableJson} of `value`, where the objects in `reuse` (found anywhere in it) are written as
 * the text `reuse` keeps for them: a process that emits again after a small change (`generate
 * --watch`) serialises only the objects that changed. The text must be their own stableJson; it
 * is indented to where it lands (JSON text holds no raw line break inside a string, so every line
 * break in it is layout).
 */
export function stableJsonReusing(value: unknown, reuse: ReadonlyMap<object, ReusedText>): string {
  if (reuse.size === 0) return stableJson(value);
  // Each reused object, and each non-empty array of nothing but reused objects (the catalogue's
  // events), is first written as a placeholder string unique to this call.
  const nonce = `@@eventsmith-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}@@`;
  const placed: (ReusedText | ReusedText[])[] = [];
  const swap = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const reused = reuse.get(node);
    if (reused !== undefined) {
      placed.push(reused);
      return `${nonce}${placed.length - 1}`;
    }
    if (Array.isArray(node)) {
      const items = node.length > 0 ? reusedItems(node, reuse) : undefined;
      if (items !== undefined) {
        placed.push(items);
        return `${nonce}${placed.length - 1}`;
      }
      return node.map(swap);
    }
    return Object.fromEntries(Object.keys(node).sort().map((k) => [k, swap((node as Record<string, unknown>)[k])]));
  };
  const skeleton = JSON.stringify(swap(value), null, 2);
  const placeholder = new RegExp(`^( *)(.*)"${nonce}(\\d+)"`, 'gm');
  // Put together with +, not String.replace: the pieces (megabytes of kept text) are then joined
  // without a copy until the text is written, instead of copied into a new string here.
  let out = '';
  let from = 0;
  for (const match of skeleton.matchAll(placeholder)) {
    const [whole, indent, before, index] = match as unknown as [string, string, string, string];
    const text = placed[Number(index)]!;
    out += skeleton.slice(from, match.index) + indent + before + (Array.isArray(text) ? arrayText(text, indent) : indented(text, indent));
    from = match.index + whole.length;
  }
  return out + skeleton.slice(from);
}

/** The texts of the items of `array` when every one is reused, else undefined. */
function reusedItems(array: readonly unknown[], reuse: ReadonlyMap<object, ReusedText>): ReusedText[] | undefined {
  const texts: ReusedText[] = [];
  for (const item of array) {
    const text = typeof item === 'object' && item !== null ? reuse.get(item) : undefined;
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}

/**
 * Runs of items laid out by arrayText, by indentation and position: an emit after a small change
 * lays out again only the runs whose items changed. A run is reused only when it holds the very
 * same texts (so the same objects), in the same order.
 */
const RUN = 64;
const runs = new Map<string, { items: readonly ReusedText[]; text: string }>();

/** A non-empty array of these texts as JSON.stringify(…, null, 2) lays it out, at `indent`. */
function arrayText(items: readonly ReusedText[], indent: string): string {
  const inner = `${indent}  `;
  let out = '[\n';
  for (let start = 0; start < items.length; start += RUN) {
    const run = items.slice(start, start + RUN);
    const key = `${indent}\0${start}`;
    let kept = runs.get(key);
    if (kept === undefined || kept.items.length !== run.length || !kept.items.every((item, i) => item === run[i])) {
      kept = { items: run, text: run.map((item) => inner + indented(item, inner)).join(',\n') };
      runs.set(key, kept);
    }
    out += (start === 0 ? '' : ',\n') + kept.text;
  }
  return `${out}\n${indent}]`;
}

function indented(reused: ReusedText, indent: string): string {
  let text = reused.indented?.get(indent);
  if (text === undefined) {
    text = reused.text.split('\n').join(`\n${indent}`);
    (reused.indented ??= new Map()).set(indent, text);
  }
  return text;
}
