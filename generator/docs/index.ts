/** `eventsmith docs` as a library: a catalogue in, the files of a static site out. */
import type { Catalog } from '../model/catalog.js';
import type { DiffVersions } from './changes.js';
import { renderHtml } from './html/page.js';
import { renderMarkdown } from './markdown/render.js';
import { buildSite } from './site.js';

export type DocsFormat = 'html' | 'md';
export const DOCS_FORMATS: readonly DocsFormat[] = ['html', 'md'];

export interface DocsOptions {
  format: DocsFormat;
  title?: string;
  /** Changes between consecutive versions of an event; without it the docs say none were computed. */
  diffVersions?: DiffVersions;
}

/** Relative path → content of every file of the site. */
export async function renderDocs(catalog: Catalog, options: DocsOptions): Promise<Map<string, string>> {
  const site = buildSite(catalog, options);
  return options.format === 'md' ? renderMarkdown(site) : renderHtml(site);
}

export type { DiffVersions, VersionChange } from './changes.js';
