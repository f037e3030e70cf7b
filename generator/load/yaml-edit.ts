/**
 * A saved file read as YAML again without parsing all of it: a watch save usually changes a few
 * lines inside one mapping (a message's description, a payload's field), and parsing a 300 KB
 * document costs ~0.13 s. The changed lines are located by comparing the text with the previous
 * version; the innermost block mapping that holds them all (a mapping value that starts on a line
 * of its own) is parsed alone, and put in place of the previous one; the nodes after it move by
 * the change in length. The data of the file is the previous data with that one value replaced.
 *
 * The result must be what parsing the whole text gives, positions included; anything that a part
 * parsed alone could read differently gives `undefined`, and the caller parses the whole file:
 * a directive or document marker, an anchor or alias in the old or new part, a line of the new
 * part indented less than the mapping (it would belong to a parent), a syntax error or warning,
 * a value nested too deeply or cyclic.
 *
 * The previous SourceFile's syntax tree is reused, and so changed: the caller gives that file up
 * (a watch replaces it with the returned one everywhere it kept it). Its text and data stay as they were.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_FILE_BYTES, shapeProblem, YAML_OPTIONS, type SourceFile } from './sources.js';

/** Document markers and directives: a part parsed alone would not see them. */
const MARKERS = /^(%|---|\.\.\.)/m;

export function editedSourceFile(previous: SourceFile, text: string): SourceFile | undefined {
  const old = previous.text;
  if (old === text || previous.doc.errors.length > 0 || previous.doc.warnings.length > 0 || Buffer.byteLength(text) > MAX_FILE_BYTES) return undefined;
  if (MARKERS.test(old) || MARKERS.test(text) || !isMap(previous.doc.contents)) return undefined;
  const max = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  // The changed lines of the old text: [from, to).
  const from = old.lastIndexOf('\n', prefix - 1) + 1;
  const changedEnd = old.length - suffix;
  const to = changedEnd === 0 || old.charCodeAt(changedEnd - 1) === 10 ? changedEnd : lineEnd(old, changedEnd);
  const found = enclosing(previous.doc.contents, old, from, Math.max(to, from), []);
  if (found === undefined) return undefined;
  const { pair, path } = found;
  const value = pair.value as YAMLMap;
  const [start, , end] = value.range!;
  const spanStart = old.lastIndexOf('\n', start - 1) + 1;
  const column = start - spanStart;
  const delta = text.length - old.length;
  const part = text.slice(spanStart, end + delta);
  if (!indentedAtLeast(part, column) || hasAnchors(value)) return undefined;
  const sub = parseDocument(part, YAML_OPTIONS);
  const contents = sub.contents;
  if (sub.errors.length > 0 || sub.warnings.length > 0 || !isMap(contents) || contents.flow || contents.range?.[0] !== column || hasAnchors(contents)) return undefined;
  let subValue: unknown;
  try {
    subValue = sub.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch {
    return undefined;
  }
  if (shapeProblem(subValue, path.length) !== undefined) return undefined;
  const data = replaced(previous.value, path, subValue);
  if (data === undefined) return undefined;
  // Nothing is changed before this point: from here on the previous file's tree is this one's.
  shift(previous.doc.contents, value, end, delta);
  if (previous.doc.range) previous.doc.range = previous.doc.range.map((offset) => (offset >= end ? offset + delta : offset)) as typeof previous.doc.range;
  moveBy(contents, spanStart);
  pair.value = contents;
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return { ...previous, text, lines, value: data };
}

function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * The innermost pair of a block mapping whose value is a block mapping starting on a line of its
 * own and holding the lines [from, to) of `text`, and the data path to it.
 */
function enclosing(map: YAMLMap, text: string, from: number, to: number, path: string[]): { pair: Pair; path: string[] } | undefined {
  if (map.flow) return undefined;
  for (const item of map.items) {
    if (!isPair(item) || !isScalar(item.key) || typeof item.key.value !== 'string' || !isMap(item.value) || item.value.flow || !item.value.range) continue;
    const [start, , end] = item.value.range;
    const spanStart = text.lastIndexOf('\n', start - 1) + 1;
    // Starts the line (after its indentation), below its key; ends at a line's start.
    if (text.slice(spanStart, start).trim() !== '' || spanStart <= (item.key.range?.[0] ?? Infinity) || (end !== text.length && text.charCodeAt(end - 1) !== 10)) continue;
    if (spanStart > from || to > end) continue;
    const inner = [...path, item.key.value];
    return enclosing(item.value, text, from, to, inner) ?? { pair: item, path: inner };
  }
  return undefined;
}

/** Every line that is not blank starts with at least `column` spaces. */
function indentedAtLeast(part: string, column: number): boolean {
  for (const line of part.split('\n')) {
    if (line.trim() === '') continue;
    let spaces = 0;
    while (spaces < column && line.charCodeAt(spaces) === 32) spaces++;
    if (spaces < column) return false;
  }
  return true;
}

function hasAnchors(root: Node): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return true;
    if (isPair(node)) {
      stack.push(node.key, node.value);
      continue;
    }
    if (!isNode(node)) continue;
    if (node.anchor !== undefined) return true;
    if (isMap(node) || isSeq(node)) stack.push(...node.items);
  }
  return false;
}

/** Adds `delta` to every offset at or after `after` in the tree, leaving out the subtree `skip`. */
function shift(root: Node | null, skip: Node, after: number, delta: number): void {
  if (delta === 0) return;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === skip) continue;
    if (isPair(node)) {
      stack.push(node.key, node.value);
      continue;
    }
    if (!isNode(node)) continue;
    const range = node.range;
    // A subtree that ends before the change keeps its offsets.
    if (range) {
      if (range[2] < after) continue;
      node.range = [range[0] >= after ? range[0] + delta : range[0], range[1] >= after ? range[1] + delta : range[1], range[2] + delta];
    }
    if (isMap(node) || isSeq(node)) stack.push(...node.items);
  }
}

/** Adds `by` to every offset in the tree (a part parsed alone, placed in the whole text). */
function moveBy(root: Node, by: number): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isPair(node)) {
      stack.push(node.key, node.value);
      continue;
    }
    if (!isNode(node)) continue;
    if (node.range) node.range = [node.range[0] + by, node.range[1] + by, node.range[2] + by];
    if (isMap(node) || isSeq(node)) stack.push(...node.items);
  }
}

/** `data` with the value at `path` (mapping keys) replaced; the containers on the way are copied, the rest shared. */
function replaced(data: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.prototype.hasOwnProperty.call(data, path[0]!)) return undefined;
  const inner = replaced((data as Record<string, unknown>)[path[0]!], path.slice(1), value);
  return inner === undefined ? undefined : { ...(data as Record<string, unknown>), [path[0]!]: inner };
}
