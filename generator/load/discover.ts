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

/**
 * What earlier discoveries of a catalogue found, by absolute path: each file's text and whether it
 * is a document. A process that discovers again on every save (`generate --watch`) tells a file
 * again only when its text changed, and hands on the text it kept, so that later comparisons of
 * the same content (see IncrementalCatalog) meet one string.
 */
export type KnownFiles = Map<string, { text: string; document: boolean }>;

/** With `texts`, the content of every file read to tell documents from fragments is kept there, by absolute path. */
export function discoverCatalog(target: string, texts?: Map<string, string>, known?: KnownFiles): DiscoveredCatalog {
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
  const files = walk(abs);
  if (known !== undefined) {
    const present = new Set(files);
    for (const file of [...known.keys()]) if (!present.has(file)) known.delete(file);
  }
  const documents = files.filter((file) => isDocument(file, texts, known)).sort();
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

function isDocument(file: string, texts: Map<string, string> | undefined, known: KnownFiles | undefined): boolean {
  const read = readFileSync(file, 'utf8');
  const earlier = known?.get(file);
  if (earlier !== undefined && earlier.text === read) {
    texts?.set(file, earlier.text);
    return earlier.document;
  }
  texts?.set(file, read);
  const document = hasAsyncapiKey(file, read);
  known?.set(file, { text: read, document });
  return document;
}

function hasAsyncapiKey(file: string, text: string): boolean {
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
