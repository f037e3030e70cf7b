/**
 * Where a message is defined and the event type it gets. A catalogue of one document per service
 * defines its messages once (often in a shared fragment such as `common/messages.yaml`) and every
 * document that sends or receives one reaches it through `$ref`; the parser sees a copy per
 * document, with ids it makes up (`<anonymous-message-1>` in 2.6). Naming therefore follows the
 * definition, never the document that happened to reach it:
 *
 * 1. `x-event-type`, 2. the message `name`, 3. the key the message is defined under
 * (`components/messages/<key>`, `channels/<channel>/messages/<key>`), 4. a 2.6 `messageId`.
 * A message with none of these has no event type, which is reported.
 */
import { kebabName } from './identifiers.js';
import type { CatalogSources, SourceFileRef } from './inputs.js';

/** The place a message is written, after following every `$ref` that leads to it. */
export interface MessageDefinition<F extends SourceFileRef> {
  file: F;
  pointer: readonly string[];
  /** The key it is defined under in a `messages` map, when it is. */
  key?: string;
}

export function messageDefinition<F extends SourceFileRef>(sources: CatalogSources<F>, file: F, pointer: readonly string[]): MessageDefinition<F> {
  const target = sources.resolve(file, pointer)?.target ?? { file, pointer };
  const at = target.pointer;
  const key = at.length >= 2 && at[at.length - 2] === 'messages' ? at[at.length - 1] : undefined;
  return { file: target.file, pointer: at, ...(key === undefined ? {} : { key }) };
}

/** The event type a message declares or is named by; undefined when it has none (see above). */
export function declaredEventType(json: Record<string, unknown>, definition: MessageDefinition<SourceFileRef>): string | undefined {
  for (const candidate of [json['x-event-type'], json.name, definition.key, json.messageId]) {
    if (typeof candidate === 'string' && candidate.length > 0) return candidate;
  }
  return undefined;
}

/** The service a document describes: `info.x-service`, else the slug of `info.title`. */
export function documentService(info: Record<string, unknown>, title: string): string {
  return typeof info['x-service'] === 'string' && info['x-service'].length > 0 ? info['x-service'] : kebabName(title);
}

/**
 * The group (`EVENT_TYPES.<GROUP>`) of an event type without a dot: the service of the document
 * that defines the message, or for a message defined in a fragment, the fragment's path without
 * its extension (`common/messages.yaml` → `common_messages`). It depends only on where the message
 * is written, so it stays put when documents that reference the message come and go.
 */
export function ownerGroup<F extends SourceFileRef>(sources: CatalogSources<F>, definition: MessageDefinition<F>): string {
  const root = sources.resolve(definition.file, [], false)?.value;
  const info = isObject(root) && typeof root.asyncapi === 'string' && isObject(root.info) ? root.info : undefined;
  const owner = info !== undefined && typeof info.title === 'string' ? documentService(info, info.title) : kebabName(definition.file.rel.replace(/\.[^./]+$/, ''));
  return kebabName(owner).replace(/-/g, '_');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
