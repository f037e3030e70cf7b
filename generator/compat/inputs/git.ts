/**
 * The catalogue folder as it was at a git commit, written to a temporary folder so that the normal
 * loader reads it (fragments reached through `$ref` included). Uses `git ls-tree` and one
 * `git cat-file --batch`, so it needs git but no tar and no checkout: the working tree and the
 * index are never touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class GitInputError extends Error {}

export interface ExtractedCatalog {
  /** Temporary folder standing for the repository root. */
  dir: string;
  /** The catalogue folder (or file) inside `dir`. */
  target: string;
  /** The repository root as seen from the working directory (where `dir`'s files are in the working tree). */
  toplevel: string;
  cleanup(): void;
}

/**
 * A `ref:path` spec as git reads one (`git show HEAD~1:catalog/orders.yaml`): the path is relative
 * to the repository root, or to the working directory when it starts with `./` or `../`. Undefined
 * when `spec` has no colon (ref names cannot contain one).
 */
export function splitRefPath(spec: string): { ref: string; path: string } | undefined {
  const colon = spec.indexOf(':');
  if (colon <= 0) return undefined;
  return { ref: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

function git(cwd: string, args: readonly string[], input?: Buffer): Buffer | undefined {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return result.status === 0 ? result.stdout : undefined;
}

function gitText(cwd: string, args: readonly string[]): string | undefined {
  return git(cwd, args)?.toString('utf8').trim();
}

/**
 * The catalogue at commit `ref`: the folder or file `catalogAbs` names in the working tree, or,
 * with `at` (the path of a `ref:path` spec), that path as git reads it.
 */
export function extractCatalogAt(cwd: string, ref: string, catalogAbs: string, at?: string): ExtractedCatalog {
  const toplevel = gitText(cwd, ['rev-parse', '--show-toplevel']);
  const commit = gitText(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!toplevel || !commit) throw new GitInputError(`'${ref}' is neither a folder, a file nor a git commit of this repository`);
  // Paths relative to the working directory's place in the repository avoid realpath trouble (symlinked temp dirs).
  const prefix = gitText(cwd, ['rev-parse', '--show-prefix']) ?? '';
  const fromCwd = (p: string): string => prefix + p.split(path.sep).join('/');
  const wanted = at === undefined ? fromCwd(path.relative(cwd, catalogAbs)) : /^\.\.?(\/|$)/.test(at) ? fromCwd(at) : at;
  const relCatalog = path.posix.normalize(wanted === '' ? '.' : wanted).replace(/\/$/, '') || '.';
  if (relCatalog.startsWith('..')) throw new GitInputError(`the catalogue '${at ?? catalogAbs}' is outside the git repository`);
  let entries = listTree(cwd, commit, relCatalog);
  if (entries.length === 0) throw new GitInputError(`the catalogue '${relCatalog}' does not exist at ${ref}`);
  // One document: its fragments live beside it, so take its whole folder.
  if (entries.length === 1 && entries[0]!.path === relCatalog) entries = listTree(cwd, commit, path.posix.dirname(relCatalog));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eventsmith-check-'));
  try {
    const blobs = readBlobs(cwd, entries.map((e) => e.sha));
    for (const entry of entries) {
      const file = path.join(dir, ...entry.path.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, blobs.get(entry.sha)!);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const up = prefix.split('/').filter((s) => s.length > 0).map(() => '..');
  return {
    dir,
    target: relCatalog === '.' ? dir : path.join(dir, ...relCatalog.split('/')),
    toplevel: path.resolve(cwd, ...up),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

interface TreeEntry {
  sha: string;
  path: string;
}

function listTree(cwd: string, commit: string, rel: string): TreeEntry[] {
  const out = git(cwd, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', rel === '.' ? '.' : rel]);
  if (!out) return [];
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(record);
    // Regular files only: symlinks (120000) and submodules are not catalogue content.
    if (match && match[2] === 'blob' && match[1] !== '120000') entries.push({ sha: match[3]!, path: match[4]! });
  }
  return entries;
}

function readBlobs(cwd: string, shas: readonly string[]): Map<string, Buffer> {
  const unique = [...new Set(shas)];
  const out = git(cwd, ['cat-file', '--batch'], Buffer.from(unique.map((s) => `${s}\n`).join('')));
  if (!out) throw new GitInputError('git cat-file failed to read the catalogue');
  const blobs = new Map<string, Buffer>();
  let offset = 0;
  for (const sha of unique) {
    const newline = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[0] !== sha || !Number.isInteger(size)) throw new GitInputError(`git cat-file returned an unexpected header for ${sha}`);
    blobs.set(sha, out.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return blobs;
}
