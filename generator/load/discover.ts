/**
 * Finds the AsyncAPI documents of a catalogue. A file with a top-level `asyncapi` key is a
 * document; every other YAML / JSON file is a fragment that documents reach through `$ref` and is
 * never loaded on its own (so a half-written fragment nobody references breaks nothing).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const CATALOG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRECTORIES = new Set(['node_modules']);

export interface DiscoveredCatalog {
  /** Folder that relative paths in the model are measured from. */
  root: string;
  /** Absolute paths of documents, sorted. */
  documents: string[];
}

export class DiscoveryError extends Error {}

/** With `texts`, the content of every file read to tell documents from fragments is kept there, by absolute path. */
export function discoverCatalog(target: string, texts?: Map<string, string>): DiscoveredCatalog {
  const abs = path.resolve(target);
  let stats;
  try {
    stats = statSync(abs);
  } catch {
    throw new DiscoveryError(`catalogue '${target}' does not exist`);
  }
  if (stats.isFile()) {
    return { root: path.dirname(abs), documents: [abs] };
  }
  const documents = walk(abs).filter((file) => isDocument(file, texts)).sort();
  if (documents.length === 0) {
    throw new DiscoveryError(`no AsyncAPI document in '${target}': no .yaml, .yml or .json file there has a top-level 'asyncapi' key`);
  }
  return { root: abs, documents };
}

function walk(dir: string): string[] {
  const found: string[] = [];
  // Code-unit order, not localeCompare: the documents are sorted again below, and the first
  // localeCompare of a process sets up ICU's collator (~8 ms), which a run answered from the cache pays.
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) found.push(...walk(full));
    } else if (entry.isFile() && CATALOG_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
      found.push(full);
    }
  }
  return found;
}

function isDocument(file: string, texts: Map<string, string> | undefined): boolean {
  const text = readFileSync(file, 'utf8');
  texts?.set(file, text);
  if (path.extname(file).toLowerCase() === '.json') {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && 'asyncapi' in value;
    } catch {
      // Broken JSON that looks like a document is still a document, so its error gets reported.
      return /"asyncapi"\s*:/.test(text);
    }
  }
  return /^(?:"asyncapi"|'asyncapi'|asyncapi)\s*:/m.test(text);
}
