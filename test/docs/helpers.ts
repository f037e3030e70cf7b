/** Renders catalogues to docs once per test file, and reads ids and links back out of the output. */
import path from 'node:path';
import { renderDocs, type DocsFormat, type DocsOptions } from '../../generator/docs/index.js';
import type { Catalog } from '../../generator/model/catalog.js';
import { loadCatalog } from '../../generator/pipeline/load-catalog.js';
import { REPO_ROOT } from '../helpers/cli.js';

export const CATALOG = path.join(REPO_ROOT, 'catalog');
export const fixture = (name: string): string => path.join(REPO_ROOT, 'test/fixtures/catalogs', name);

const catalogs = new Map<string, Promise<Catalog>>();

export function catalogAt(dir: string): Promise<Catalog> {
  let loaded = catalogs.get(dir);
  if (!loaded) {
    loaded = loadCatalog(dir, { strict: false }).then((l) => l.catalog);
    catalogs.set(dir, loaded);
  }
  return loaded;
}

export async function docsFor(dir: string, format: DocsFormat, options: Omit<DocsOptions, 'format'> = {}): Promise<Map<string, string>> {
  return renderDocs(await catalogAt(dir), { ...options, format });
}

export interface Tag {
  name: string;
  attributes: [name: string, value: string][];
}

/**
 * Every start tag in an HTML, SVG or Markdown text, with its attributes (values decoded). Catalogue
 * text never holds a raw `<`, so every `<x` found is one the renderers (or Graphviz) wrote; values
 * are consumed whole, so text inside a quoted value is never mistaken for an attribute.
 */
export function tags(text: string): Tag[] {
  const found: Tag[] = [];
  for (const m of text.matchAll(/<([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g)) {
    const attributes: [string, string][] = [];
    for (const a of m[2]!.matchAll(/([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?/g)) {
      const raw = a[2] ?? '';
      attributes.push([a[1]!.toLowerCase(), decodeEntities(/^["']/.test(raw) ? raw.slice(1, -1) : raw)]);
    }
    found.push({ name: m[1]!.toLowerCase(), attributes });
  }
  return found;
}

/** Values of one attribute on every tag. */
export function attributeValues(text: string, attribute: string): string[] {
  return tags(text).flatMap((t) => t.attributes.filter(([name]) => name === attribute).map(([, value]) => value));
}

/** Names of every attribute on every tag. */
export function attributeNames(text: string): Set<string> {
  return new Set(tags(text).flatMap((t) => t.attributes.map(([name]) => name)));
}

/** Names of every tag opened in the text. */
export function tagNames(text: string): Set<string> {
  return new Set(tags(text).map((t) => t.name));
}

/** Link destinations of Markdown links `[text](dest)`. */
export function markdownLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]*)\)/g)].map((m) => m[1]!);
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return NAMED[e] ?? whole;
  });
}
