/**
 * Positions inside an event's payload or headers schema, for tools that report on the model (the
 * compatibility checker points at the line of a changed keyword). A path in the model's schema is a
 * path in the source too: the loader only rewrites `$ref`s, which SourceSet follows.
 */
import type { EventOrigin } from './build.js';
import type { CatalogEvent, SourceLocation } from './catalog.js';
import type { CatalogSources, SourceFileRef } from './inputs.js';

export type SchemaPart = 'payload' | 'headers';

/** File (relative to the catalogue root), line and column of `path` inside an event's schema; the nearest existing parent when the path does not exist. */
export type SchemaLocator = (event: CatalogEvent, part: SchemaPart, path: readonly string[]) => SourceLocation;

export function schemaLocator<F extends SourceFileRef>(sources: CatalogSources<F>, origins: ReadonlyMap<CatalogEvent, EventOrigin<F>>): SchemaLocator {
  return (event, part, path) => {
    const origin = origins.get(event);
    if (!origin) return part === 'payload' ? event.payloadSource : event.source;
    const root = schemaRoot(sources, origin, part) ?? [...origin.pointer, part];
    const pointer = [...root];
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const next = path[i + 1];
      pointer.push(segment);
      // `required/<name>` names an entry of the required array: point at it by index.
      if (segment === 'required' && next !== undefined) {
        const list = sources.resolve(origin.file, pointer)?.value;
        const index = Array.isArray(list) ? list.indexOf(next) : -1;
        if (index >= 0) pointer.push(String(index));
        break;
      }
    }
    const pos = sources.locate(origin.file, pointer);
    return { file: pos.file.rel, line: pos.line, column: pos.column };
  };
}

/** Where the schema of `part` starts: inside a multi-format schema object, or in the trait that supplied the headers. */
function schemaRoot<F extends SourceFileRef>(sources: CatalogSources<F>, origin: EventOrigin<F>, part: SchemaPart): string[] | undefined {
  const message = sources.resolve(origin.file, origin.pointer)?.value as Record<string, unknown> | undefined;
  if (!message) return undefined;
  const at = (pointer: string[]): string[] => {
    const value = sources.resolve(origin.file, pointer)?.value;
    return typeof value === 'object' && value !== null && 'schemaFormat' in value && 'schema' in value ? [...pointer, 'schema'] : pointer;
  };
  if (part === 'payload' || message.headers !== undefined) return at([...origin.pointer, part]);
  const traits = Array.isArray(message.traits) ? message.traits : [];
  for (let i = traits.length - 1; i >= 0; i--) {
    const trait = sources.resolve(origin.file, [...origin.pointer, 'traits', String(i)])?.value as Record<string, unknown> | undefined;
    if (trait?.headers !== undefined) return at([...origin.pointer, 'traits', String(i), 'headers']);
  }
  return undefined;
}
