/**
 * eventsmith's own `x-` keys, and a warning for the ones that look like a misspelling of them. An
 * unknown extension is legal AsyncAPI and is otherwise ignored, so `x-urgncy: high` would change
 * nothing and say nothing. Extensions of other tools (`x-parser-…`, `x-amazon-…`) are not close
 * to any of ours and are left alone; a key under eventsmith's own prefix (`x-eventsmith-…`) that
 * it does not read is always reported. docs/catalog-extensions.schema.json describes the same keys
 * for editors.
 */
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import type { CatalogSources, SourceFileRef } from './inputs.js';
import { closestWords } from './similar.js';

/** Keys read on a message (directly or through its traits); see docs/catalog-format.md. */
export const MESSAGE_EXTENSIONS: readonly string[] = [
  'x-event-type', 'x-version', 'x-kind', 'x-urgency', 'x-severity', 'x-priority', 'x-sunset', 'x-producers', 'x-consumers',
  'x-tenant-scoped', 'x-tenant-field', 'x-deprecated', 'x-ordering-key', 'x-replies', 'x-eventsmith-name',
];
/** Keys read on a document's `info`. */
export const INFO_EXTENSIONS: readonly string[] = ['x-service'];
/** Keys read on a channel: none so far (bindings say where an event goes). */
export const CHANNEL_EXTENSIONS: readonly string[] = [];

const OWN_PREFIX = 'x-eventsmith-';
const ALL = [...MESSAGE_EXTENSIONS, ...INFO_EXTENSIONS, ...CHANNEL_EXTENSIONS];

/** Warns about `x-` keys on the messages and channels of `document` that eventsmith does not read but that look meant for it. */
export function warnUnknownExtensions<F extends SourceFileRef>(sources: CatalogSources<F>, file: F, document: AsyncAPIDocumentInterface): void {
  for (const message of document.allMessages().all()) {
    checkKeys(sources, file, pointerOf(message.meta()?.pointer), message.json() as Record<string, unknown>, 'message', MESSAGE_EXTENSIONS);
  }
  for (const channel of document.allChannels().all()) {
    checkKeys(sources, file, pointerOf(channel.meta()?.pointer), channel.json() as Record<string, unknown>, 'channel', CHANNEL_EXTENSIONS);
  }
}

function checkKeys<F extends SourceFileRef>(sources: CatalogSources<F>, file: F, pointer: string[], json: Record<string, unknown>, where: string, known: readonly string[]): void {
  for (const key of Object.keys(json)) {
    if (!key.startsWith('x-') || key.startsWith('x-parser-') || known.includes(key)) continue;
    const at = [...pointer, key];
    if (ALL.includes(key)) {
      sources.warn(file, at, 'misplaced-extension', `${key} is not read on a ${where}, so it is ignored here`, `Move it to ${MESSAGE_EXTENSIONS.includes(key) ? 'the message (or a message trait)' : "the document's info"}.`);
      continue;
    }
    const close = closestWords(key, known.length > 0 ? known : ALL, Math.min(3, Math.max(1, Math.floor((key.length - 2) / 3))));
    if (close.length === 0 && !key.startsWith(OWN_PREFIX)) continue;
    const elsewhere = known.length === 0 ? ` (read on messages${close.some((k) => INFO_EXTENSIONS.includes(k)) ? ' or info' : ''}, not on ${where}s)` : '';
    const suggestion = close.length > 0 ? `Did you mean ${close.map((k) => `'${k}'`).join(' or ')}${elsewhere}? ` : '';
    sources.warn(file, at, 'unknown-extension', `unknown extension '${key}' on a ${where} is ignored`, `${suggestion}docs/catalog-format.md lists the x- keys eventsmith reads; docs/catalog-extensions.schema.json describes them for editors.`);
  }
}

function pointerOf(pointer: string | undefined): string[] {
  return (pointer ?? '').split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
