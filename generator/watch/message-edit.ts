/**
 * The common save of `generate --watch`: one message of an AsyncAPI 3 document edited (its
 * description, its payload), nothing else. Putting the whole document through @asyncapi/parser
 * again costs most of a rebuild (~0.45 s for a 100-event document); this puts through only the
 * edited messages, with the channels and operations that carry them (the "excerpt"), and splices
 * the parser's result for those messages into the document the previous load parsed.
 *
 * Why the excerpt's verdict is the document's: the previous version of the document passed every
 * rule, everything outside the edited messages is unchanged (compared value by value, key order
 * included), and the rules that look at a message (the specification schema, resolved and not,
 * the schema parsing of its payload) see it whole in the excerpt, with every reference it makes
 * resolving to the same content. The rules that relate objects to each other (operations to
 * channels, channels to servers) look at references only, and those did not change. Anything the
 * excerpt cannot settle with certainty gives `undefined` here, and the caller parses the whole
 * document as a cold load does: another part changed, another version than 3.x, a message reached
 * other than by a channel's `$ref: '#/components/messages/<key>'`, an operation whose channel is
 * not such a plain reference, or any problem at all in the excerpt (the whole parse then reports
 * it, at its place).
 */
import { createAsyncAPIDocument, type AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { unescapePointerSegment } from '../load/sources.js';
import { sameData, sameKeys } from '../model/same-data.js';

type JsonObject = Record<string, unknown>;
/** What the parser makes a document from (not exported by name from the package index). */
type DetailedAsyncAPI = Parameters<typeof createAsyncAPIDocument>[0];

/** The keys of `components/messages` whose content alone differs; undefined when anything else does, or none. */
export function editedMessages(before: unknown, after: unknown): string[] | undefined {
  if (!isObject(before) || !isObject(after)) return undefined;
  if (typeof after.asyncapi !== 'string' || !after.asyncapi.startsWith('3.') || after.asyncapi !== before.asyncapi) return undefined;
  if (!sameKeys(before, after)) return undefined;
  for (const key of Object.keys(after)) if (key !== 'components' && !sameData(before[key], after[key])) return undefined;
  const [componentsBefore, componentsAfter] = [before.components, after.components];
  if (!isObject(componentsBefore) || !isObject(componentsAfter) || !sameKeys(componentsBefore, componentsAfter)) return undefined;
  for (const key of Object.keys(componentsAfter)) if (key !== 'messages' && !sameData(componentsBefore[key], componentsAfter[key])) return undefined;
  const [messagesBefore, messagesAfter] = [componentsBefore.messages, componentsAfter.messages];
  if (!isObject(messagesBefore) || !isObject(messagesAfter) || !sameKeys(messagesBefore, messagesAfter) || '$ref' in messagesAfter) return undefined;
  const edited = Object.keys(messagesAfter).filter((key) => !sameData(messagesBefore[key], messagesAfter[key]));
  return edited.length > 0 && edited.every((key) => isObject(messagesAfter[key])) ? edited : undefined;
}

/**
 * The document `value` cut down to the edited messages: the channels that carry them, the
 * operations on those channels, and everything else but the other messages, channels and
 * operations. Undefined when a message is reached in a way the excerpt would not keep.
 */
export function messageExcerpt(value: JsonObject, edited: readonly string[]): JsonObject | undefined {
  const keys = new Set(edited);
  const channels = new Set<string>();
  let safe = true;
  walkRefs(value, [], (at, ref) => {
    if (!ref.startsWith('#')) return;
    const target = ref === '#' ? [] : ref.startsWith('#/') ? pointerOf(ref.slice(2)) : undefined;
    if (target === undefined) {
      safe = false;
      return;
    }
    // The messages map itself, or an edited message, or something in or above it.
    const reachesEdited = ['components', 'messages'].every((segment, i) => target.length <= i || target[i] === segment) && (target.length < 3 || keys.has(target[2]!));
    if (!reachesEdited) return;
    if (target.length === 3 && at.length === 4 && at[0] === 'channels' && at[2] === 'messages') channels.add(at[1]!);
    else safe = false;
  });
  if (!safe) return undefined;
  const allChannels = isObject(value.channels) ? value.channels : {};
  const allOperations = isObject(value.operations) ? value.operations : {};
  const keptChannels = Object.fromEntries(Object.entries(allChannels).filter(([id]) => channels.has(id)));
  const keptOperations: JsonObject = {};
  for (const [id, operation] of Object.entries(allOperations)) {
    const channel = isObject(operation) ? operation.channel : undefined;
    const ref = isObject(channel) ? channel.$ref : undefined;
    // An operation must be seen to be on a kept channel or not: only a plain reference tells.
    if (typeof ref !== 'string' || !ref.startsWith('#/channels/') || ref.slice('#/channels/'.length).includes('/')) return undefined;
    const name = pointerOf(ref.slice('#/channels/'.length))?.[0];
    if (name === undefined || !Object.prototype.hasOwnProperty.call(allChannels, name)) return undefined;
    if (channels.has(name)) keptOperations[id] = operation;
  }
  const excerpt: JsonObject = { ...value };
  if ('channels' in value) excerpt.channels = keptChannels;
  if ('operations' in value) excerpt.operations = keptOperations;
  excerpt.components = reachedComponents(excerpt, value.components as JsonObject, edited);
  return excerpt;
}

/**
 * The components the excerpt reaches through local references (following them through the
 * components reached), with the edited messages: the others were validated with the previous
 * version of the document and did not change, and a payload schema is as long as its event.
 */
function reachedComponents(excerpt: JsonObject, components: JsonObject, edited: readonly string[]): JsonObject {
  const kept = new Map<string, Set<string>>([['messages', new Set(edited)]]);
  let everything = false;
  const queue: unknown[] = [{ ...excerpt, components: undefined }, ...edited.map((key) => (components.messages as JsonObject)[key])];
  while (queue.length > 0 && !everything) {
    walkRefs(queue.pop(), [], (_at, ref) => {
      const target = ref.startsWith('#/') ? pointerOf(ref.slice(2)) : ref === '#' ? [] : undefined;
      if (target === undefined || (target.length > 0 && target[0] !== 'components')) return;
      if (target.length < 3) {
        everything = true;
        return;
      }
      const [, section, entry] = target as [string, string, string];
      let entries = kept.get(section);
      if (entries === undefined) kept.set(section, (entries = new Set()));
      if (entries.has(entry)) return;
      entries.add(entry);
      const holder = components[section];
      if (isObject(holder) && Object.prototype.hasOwnProperty.call(holder, entry)) queue.push(holder[entry]);
    });
  }
  if (everything) return { ...components, messages: Object.fromEntries(edited.map((key) => [key, (components.messages as JsonObject)[key]])) };
  const out: JsonObject = {};
  for (const [section, holder] of Object.entries(components)) {
    const entries = kept.get(section);
    // Kept in the order of the document: it decides the order of the parser's iterations.
    if (!isObject(holder)) out[section] = holder;
    else if (entries !== undefined) out[section] = Object.fromEntries(Object.entries(holder).filter(([entry]) => entries.has(entry)));
  }
  return out;
}

/**
 * The document `previous` (the parser's result for the previous version) with the edited messages
 * replaced by their parsed form in `excerpt` wherever they appear, as a new document for `text`.
 * `previous` is not changed: the objects on the way from the root to an edited message are copied
 * (each once, so what was one object is one object in the copy), and everything else is shared
 * with it; nothing changes a parsed document once it is made. A document whose objects form a
 * cycle on the way there (a recursive schema) is copied whole instead.
 */
export function spliceMessages(previous: AsyncAPIDocumentInterface, excerpt: AsyncAPIDocumentInterface, edited: readonly string[], text: string): AsyncAPIDocumentInterface {
  const root = previous.json() as JsonObject;
  const before = (root.components as JsonObject).messages as JsonObject;
  const after = ((excerpt.json() as JsonObject).components as JsonObject).messages as JsonObject;
  // The parser resolves a `$ref` to the object it names, so a message is one object wherever it appears.
  const replacements = new Map<unknown, unknown>(edited.map((key) => [before[key], after[key]]));
  const parsed = copyTowards(root, replacements) ?? replaceInClone(root, replacements);
  const detailed = (previous.meta() as { asyncapi: DetailedAsyncAPI }).asyncapi;
  return createAsyncAPIDocument({ ...detailed, input: text, parsed: parsed as unknown as DetailedAsyncAPI['parsed'] });
}

/** `root` with `replacements` made, copying only the objects that lead to one; undefined when a cycle is met. */
function copyTowards(root: JsonObject, replacements: ReadonlyMap<unknown, unknown>): JsonObject | undefined {
  // Whether each object leads to a replaced one; absent while it is being looked into.
  const leads = new Map<object, boolean>();
  const visiting = new Set<object>();
  let cycle = false;
  const look = (node: object): boolean => {
    const known = leads.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) {
      cycle = true;
      return false;
    }
    visiting.add(node);
    let found = false;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null && (replacements.has(child) || look(child))) found = true;
    }
    visiting.delete(node);
    leads.set(node, found);
    return found;
  };
  look(root);
  if (cycle) return undefined;
  const copies = new Map<object, object>();
  const copy = (node: unknown): unknown => {
    const replacement = replacements.get(node);
    if (replacement !== undefined) return replacement;
    if (typeof node !== 'object' || node === null || !leads.get(node)) return node;
    let made = copies.get(node);
    if (made === undefined) {
      const holder: Record<string, unknown> = Array.isArray(node) ? (new Array(node.length) as unknown as Record<string, unknown>) : {};
      copies.set(node, holder);
      for (const key of Object.keys(node)) holder[key] = copy((node as Record<string, unknown>)[key]);
      made = holder;
    }
    return made;
  };
  return copy(root) as JsonObject;
}

/** `root` cloned whole, with `replacements` made in the clone. */
function replaceInClone(root: JsonObject, replacements: ReadonlyMap<unknown, unknown>): JsonObject {
  const parsed = structuredClone(root);
  // The clone's objects are new: replacements are found by the message objects' place in the clone.
  const before = (root.components as JsonObject).messages as JsonObject;
  const cloned = (parsed.components as JsonObject).messages as JsonObject;
  const byClone = new Map<unknown, unknown>();
  for (const [key, message] of Object.entries(before)) if (replacements.has(message)) byClone.set(cloned[key], replacements.get(message));
  const seen = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const holder = node as JsonObject;
    for (const key of Object.keys(holder)) {
      const child = holder[key];
      const replacement = byClone.get(child);
      if (replacement !== undefined) holder[key] = replacement;
      else visit(child);
    }
  };
  visit(parsed);
  return parsed;
}

function walkRefs(node: unknown, at: string[], visit: (at: readonly string[], ref: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      at.push(String(i));
      walkRefs(item, at, visit);
      at.pop();
    });
  } else if (isObject(node)) {
    if (typeof node.$ref === 'string') visit(at, node.$ref);
    for (const [key, child] of Object.entries(node)) {
      if (typeof child !== 'object' || child === null) continue;
      at.push(key);
      walkRefs(child, at, visit);
      at.pop();
    }
  }
}

/** The segments of a JSON pointer (without its leading '/'); undefined when it is not valid percent-encoding. */
function pointerOf(text: string): string[] | undefined {
  try {
    return text.split('/').map(unescapePointerSegment);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
