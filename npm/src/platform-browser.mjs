// 'wasmetrics:platform' of dist/index.browser.mjs (see platform.mjs): no node:* module, and no
// bare import.meta.url (webpack would bake the build machine's file path into the bundle).

export async function readFileBytes(where) {
  throw new Error(`cannot read the file ${String(where)}: this is the browser build of wasmetrics (no file system)`);
}

export async function nodeWorkerClass() {
  throw new Error('node:worker_threads is not available in the browser build of wasmetrics');
}

export const packageUrl = () => null;

/**
 * evaluateParallel's default worker: dist/worker.mjs, written out as the literal
 * `new Worker(new URL('./worker.mjs', import.meta.url), {type: 'module'})` that Vite and webpack
 * follow, bundling the worker with its own copy of the package (it never loads the app's chunk).
 */
export const startDefaultWebWorker = () => new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' });
