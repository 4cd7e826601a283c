// What the package needs from its host beyond the web platform: reading the .wasm file and
// starting a Node worker. scripts/build.mjs bundles one of three variants as 'wasmetrics:platform':
//   platform.mjs          dist/index.mjs (Node ESM, browsers without a bundler): node:* imported
//                         lazily, behind webpackIgnore/@vite-ignore;
//   platform-node.mjs     dist/index.cjs: node:* imported statically (esbuild makes them require()
//                         calls), so no dynamic import() runs under Jest's vm, which refuses them;
//   platform-browser.mjs  dist/index.browser.mjs (the `browser` export condition, picked by Vite,
//                         webpack, esbuild and Rollup): names no node:* module at all, and starts
//                         evaluateParallel's workers on the dedicated dist/worker.mjs.

/** The bytes of a file (Node, Bun, Deno: fetch() does not take file: URLs there). */
export async function readFileBytes(where) {
  const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
  return readFile(where);
}

/** node:worker_threads' Worker class. */
export async function nodeWorkerClass() {
  const { Worker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
  return Worker;
}

/** The URL workers load by default: this very bundle, which serves when started under WORKER_NAME. */
export const packageUrl = () => import.meta.url;

/** A Web Worker on the default worker module, or null: start one on packageUrl(). */
export const startDefaultWebWorker = () => null;
