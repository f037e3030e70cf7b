/** A full garbage collection on demand, without starting the process with `--expose-gc`. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc;

/**
 * Collects now, so that the garbage one measured run left (or the setup before it made) is not
 * collected during, and charged to, the next one.
 */
export function collectGarbage() {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc');
  }
  gc();
}
