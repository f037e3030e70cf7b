/**
 * The write mode of `generate --watch`: only files whose content changed are written, each one
 * atomically (a temporary file in the same folder, then a rename), so a reader such as a running
 * `tsc --watch` or a dev server never sees half a file and unchanged files keep their timestamps.
 * The output folder still belongs to eventsmith: a file there that eventsmith did not generate stops
 * the write instead of being deleted.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffOutput, GENERATED_MARKER, OutputError, type OutputDiff, type OutputFiles } from '../emit/write.js';

export class ChangedFilesWriter {
  /** What the output folder holds, as last written (or read, on the first write). */
  private onDisk: Map<string, string> | undefined;

  constructor(readonly outDir: string) {}

  write(files: OutputFiles): OutputDiff {
    const out = path.resolve(this.outDir);
    const diff = this.onDisk === undefined ? this.diffWithDisk(out, files) : diffWith(this.onDisk, files);
    for (const rel of [...diff.added, ...diff.changed]) writeAtomically(out, rel, files.get(rel)!);
    for (const rel of diff.removed) {
      const file = path.join(out, rel);
      rmSync(file, { force: true });
      removeEmptyParents(out, path.dirname(file));
    }
    this.onDisk = new Map(files);
    return diff;
  }

  private diffWithDisk(out: string, files: OutputFiles): OutputDiff {
    const diff = diffOutput(out, files);
    const foreign = diff.removed.filter((rel) => !isGenerated(path.join(out, rel)));
    if (foreign.length > 0) {
      throw new OutputError(
        `${this.outDir} holds files that eventsmith did not generate: ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}\n  hint: point --out at a folder of its own, or move those files elsewhere.`,
      );
    }
    return diff;
  }
}

function diffWith(previous: ReadonlyMap<string, string>, files: OutputFiles): OutputDiff {
  const diff: OutputDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const [rel, content] of files) {
    const before = previous.get(rel);
    if (before === undefined) diff.added.push(rel);
    else if (before !== content) diff.changed.push(rel);
    else diff.unchanged++;
  }
  diff.removed = [...previous.keys()].filter((rel) => !files.has(rel)).sort();
  return diff;
}

function writeAtomically(out: string, rel: string, content: string): void {
  const target = path.join(out, rel);
  const dir = path.dirname(target);
  mkdirSync(dir, { recursive: true });
  const temporary = path.join(dir, `.eventsmith-tmp-${path.basename(target)}-${process.pid}`);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function removeEmptyParents(out: string, dir: string): void {
  for (let current = dir; current.startsWith(out + path.sep); current = path.dirname(current)) {
    if (readdirSync(current).length > 0) return;
    try {
      rmdirSync(current);
    } catch {
      return;
    }
  }
}

function isGenerated(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').slice(0, 400).includes(GENERATED_MARKER);
  } catch {
    return false;
  }
}

