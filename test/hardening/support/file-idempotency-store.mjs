// An IdempotencyStore shared by processes through a folder: one file per event id, created
// atomically (O_EXCL) to claim it, rewritten (rename) to complete it. A claim carries a lease: a
// process that died holding it stops blocking the id once the lease ran out.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export class FileIdempotencyStore {
  /** @param {string} dir @param {{ leaseMs?: number, onClaimed?: (id: string) => void, onCompleted?: (id: string) => void }} [options] */
  constructor(dir, options = {}) {
    this.dir = dir;
    this.leaseMs = options.leaseMs ?? 2000;
    this.onCompleted = options.onCompleted;
    mkdirSync(dir, { recursive: true });
  }

  file(id) {
    return path.join(this.dir, `${encodeURIComponent(id)}.json`);
  }

  claim(id) {
    const file = this.file(id);
    const record = JSON.stringify({ state: 'in-progress', pid: process.pid, until: Date.now() + this.leaseMs });
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, record);
      closeSync(fd);
      return 'claimed';
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let existing;
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Being written right now by its claimer.
      return 'in-progress';
    }
    if (existing.state === 'done') return 'duplicate';
    if (existing.until > Date.now()) return 'in-progress';
    // The claimer's lease ran out (it died mid-handler): take the claim over.
    this.replace(file, record);
    return 'claimed';
  }

  complete(id) {
    this.replace(this.file(id), JSON.stringify({ state: 'done', pid: process.pid }));
    this.onCompleted?.(id);
  }

  release(id) {
    rmSync(this.file(id), { force: true });
  }

  replace(file, content) {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, content);
    renameSync(temp, file);
  }
}
