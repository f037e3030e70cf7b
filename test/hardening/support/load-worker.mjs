// Runs loadCatalog (the built one in dist/) in a worker thread, so that the fuzzer can bound each
// run in time even if the loader looped synchronously: the main thread terminates the worker.
import { parentPort } from 'node:worker_threads';

const { loadCatalog } = await import(new URL('../../../dist/generator/pipeline/load-catalog.js', import.meta.url).href);
const { CatalogError } = await import(new URL('../../../dist/generator/load/diagnostics.js', import.meta.url).href);

parentPort.on('message', async ({ id, dir, strict }) => {
  const started = performance.now();
  try {
    const { catalog } = await loadCatalog(dir, { cwd: dir, strict });
    parentPort.postMessage({ id, kind: 'ok', events: catalog.events.length, ms: performance.now() - started });
  } catch (error) {
    if (error instanceof CatalogError) {
      parentPort.postMessage({ id, kind: 'catalog-error', diagnostics: error.diagnostics.map((d) => ({ ...d })), ms: performance.now() - started });
    } else {
      parentPort.postMessage({ id, kind: 'error', name: error?.name, message: String(error?.message ?? error), stack: String(error?.stack ?? ''), ms: performance.now() - started });
    }
  }
});
parentPort.postMessage({ ready: true });
