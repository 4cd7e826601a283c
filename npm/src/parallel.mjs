// evaluateParallel: shards batches over Web Workers (browsers) or worker_threads (Node). Each
// worker loads the package, updates its own metrics and returns saveState() blobs; the main
// thread loads them into fresh metrics and merges. See worker.mjs for the message protocol.
import { getWasm, simd } from './loader.mjs';
import { MetricCollection } from './collection.mjs';
import { WORKER_NAME, createMetrics } from './worker.mjs';

const isNode = () => typeof process === 'object' && typeof process.versions?.node === 'string'
  && typeof globalThis.Worker !== 'function';

// Node: a worker that imports the package by URL (dist/index.mjs or dist/index.cjs) and serves.
const NODE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { fileURLToPath } = require('node:url');
const url = workerData.url;
const load = url.endsWith('.cjs') ? Promise.resolve().then(() => require(fileURLToPath(url))) : import(url);
load.then((lib) => lib.serveParallelWorker(parentPort),
  (e) => parentPort.postMessage({ type: 'error', message: 'loading ' + url + ' failed: ' + (e && e.message) }));
`;

// One worker behind a common interface: post(msg, transfer), onMessage(fn), terminate().
async function spawnWorker(workerUrl) {
  if (isNode()) {
    const { Worker } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:worker_threads');
    const w = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: { url: String(workerUrl) } });
    return {
      post: (msg, transfer) => w.postMessage(msg, transfer),
      listen: (onMessage, onError) => {
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', (code) => code !== 0 && onError(new Error(`worker exited with code ${code}`)));
      },
      terminate: () => w.terminate(),
    };
  }
  const w = new Worker(workerUrl, { type: 'module', name: WORKER_NAME });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    listen: (onMessage, onError) => {
      w.onmessage = (e) => onMessage(e.data);
      w.onerror = (e) => {
        e.preventDefault?.();
        onError(new Error(e.message || 'the worker failed to load (see the console)'));
      };
      w.onmessageerror = () => onError(new Error('a message from the worker could not be deserialized'));
    },
    terminate: () => w.terminate(),
  };
}

// The ArrayBuffers of every typed array in the update arguments. A view of part of a buffer is
// replaced by a copy (the rest of the buffer may belong to other batches); a buffer already
// transferred is an error, since its data are gone.
function prepareTransfer(args, transferred, index) {
  const transfer = new Set();
  const visit = (v) => {
    if (ArrayBuffer.isView(v)) {
      if (typeof SharedArrayBuffer === 'function' && v.buffer instanceof SharedArrayBuffer) return v;
      if (transferred.has(v.buffer)) {
        throw new Error(`evaluateParallel: batch ${index} uses an ArrayBuffer that an earlier batch transferred to a `
          + 'worker (its data are gone); pass {copy: true} to copy inputs instead of transferring them');
      }
      if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength) v = v.slice();
      transfer.add(v.buffer);
      return v;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object' && 'data' in v) return { ...v, data: visit(v.data), shape: v.shape && [...v.shape] };
    return v;
  };
  const out = args.map(visit);
  for (const b of transfer) transferred.add(b);
  return { args: out, transfer: [...transfer] };
}

function defaultWorkerCount() {
  const n = globalThis.navigator?.hardwareConcurrency;
  return Number.isInteger(n) && n > 0 ? Math.min(n, 8) : 2;
}

/**
 * Evaluates metrics over batches on `workers` workers and returns `{key: value}`, equal to
 * updating the same metrics with every batch on one thread.
 *
 * - `metrics`: `{key: {name, options}}` (registered metric names; compute groups apply);
 * - `batches`: an array (or iterable, or async iterable) of batches, each an array of update
 *   arguments (e.g. `[preds, target]`);
 * - `workers`: number of workers (default: hardware concurrency, at most 8);
 * - `onProgress(done, total)`: after each batch is folded in (`total` undefined for iterators);
 * - `copy`: false (default) transfers the typed arrays of each batch to its worker, so the
 *   caller's arrays are detached (length 0) afterwards; true copies them instead;
 * - `exact`: true (default) folds the batches' states in batch order, so the result equals the
 *   single-thread one bit for bit; false lets each worker accumulate its batches and merges one
 *   state per worker (fewer messages; floating-point sums may then differ in the last bits);
 * - `init`: the options each worker passes to its own init() (default: the main thread's SIMD
 *   choice); `workerUrl`: the module workers load (default: this package's own file; in a
 *   browser a module worker calling serveParallelWorker(), in Node a module exporting it).
 */
export async function evaluateParallel({
  metrics, batches, workers = defaultWorkerCount(), onProgress = null, copy = false, exact = true,
  init: initOptions = undefined, workerUrl = undefined, inflight = 2,
} = {}) {
  getWasm('evaluateParallel()');
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`evaluateParallel: workers must be a positive integer, got ${workers}`);
  if (batches === null || batches === undefined || (typeof batches[Symbol.iterator] !== 'function' && typeof batches[Symbol.asyncIterator] !== 'function')) {
    throw new TypeError('evaluateParallel: batches must be an array, an iterable or an async iterable of batches');
  }
  if (!Number.isInteger(inflight) || inflight < 1) throw new RangeError(`evaluateParallel: inflight must be a positive integer, got ${inflight}`);
  if (onProgress !== null && typeof onProgress !== 'function') throw new TypeError('evaluateParallel: onProgress must be a function');
  // The main thread's collections: validate names and options before any worker starts.
  const accumulated = new MetricCollection(createMetrics(metrics, 'evaluateParallel'));
  const scratch = accumulated.clone();
  const total = Array.isArray(batches) ? batches.length : undefined;
  const iterator = typeof batches[Symbol.asyncIterator] === 'function' ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
  const start = { type: 'start', init: initOptions ?? { simd: simd() }, metrics, exact };
  const url = workerUrl ?? import.meta.url;
  const pool = [];
  try {
    for (let i = 0; i < Math.max(1, Math.min(workers, total ?? workers)); i++) pool.push(await spawnWorker(url));
    return await run({ pool, start, iterator, total, onProgress, copy, exact, inflight, accumulated, scratch });
  } finally {
    for (const w of pool) w.terminate();
    scratch.dispose();
    accumulated.dispose();
  }
}

function run({ pool, start, iterator, total, onProgress, copy, exact, inflight, accumulated, scratch }) {
  return new Promise((resolve, reject) => {
    let failed = false;
    let nextIndex = 0; // next batch to read
    let ended = false; // the iterator is exhausted
    let reading = false;
    let folded = 0; // batches folded in (exact) or done (accumulating)
    let finals = 0;
    const pending = new Map(); // exact: index -> blob arriving out of order
    const transferred = new WeakSet();
    const state = pool.map(() => ({ ready: false, busy: 0, final: null }));
    const fail = (e) => {
      if (failed) return;
      failed = true;
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const finished = () => ended && folded === nextIndex;

    let finishing = false;
    const finish = () => {
      if (finishing) return;
      finishing = true;
      if (exact) resolve(accumulated.compute());
      else pool.forEach((w) => w.post({ type: 'finish' }, [])); // each answers with its 'final' state
    };

    // Hands batches to workers with room, reading the iterator one batch at a time.
    const pump = async () => {
      if (reading || failed) return;
      reading = true;
      try {
        while (!ended && !failed) {
          const k = state.findIndex((s) => s.ready && s.busy < inflight);
          if (k < 0) break;
          const item = await iterator.next();
          if (item.done) {
            ended = true;
            break;
          }
          const index = nextIndex++;
          const batch = item.value;
          if (!Array.isArray(batch)) throw new TypeError(`evaluateParallel: batch ${index} must be an array of update arguments, got ${String(batch)}`);
          const { args, transfer } = copy ? { args: batch, transfer: [] } : prepareTransfer(batch, transferred, index);
          state[k].busy++;
          pool[k].post({ type: 'batch', index, args }, transfer);
        }
      } catch (e) {
        fail(e);
      } finally {
        reading = false;
      }
      if (!failed && finished()) finish();
    };

    const progress = () => {
      if (onProgress) {
        try {
          onProgress(folded, total);
        } catch (e) {
          fail(e);
        }
      }
    };

    pool.forEach((w, k) => {
      w.listen((msg) => {
        if (failed) return;
        try {
          if (msg.type === 'ready') {
            state[k].ready = true;
          } else if (msg.type === 'state') {
            state[k].busy--;
            pending.set(msg.index, msg.blob);
            // Batch states are folded strictly in batch order, as one thread would.
            while (pending.has(folded)) {
              scratch.loadState(pending.get(folded));
              pending.delete(folded);
              accumulated.merge(scratch);
              folded++;
              progress();
            }
          } else if (msg.type === 'done') {
            state[k].busy--;
            folded++;
            progress();
          } else if (msg.type === 'final') {
            state[k].final = msg.blob;
            if (++finals === pool.length) {
              // One state per worker, merged in worker order.
              for (const s of state) {
                scratch.loadState(s.final);
                accumulated.merge(scratch);
              }
              resolve(accumulated.compute());
            }
            return;
          } else if (msg.type === 'error') {
            throw new Error(msg.index === undefined ? `evaluateParallel: a worker failed: ${msg.message}`
              : `evaluateParallel: batch ${msg.index}: ${msg.message}`);
          }
        } catch (e) {
          fail(e);
          return;
        }
        pump();
      }, (e) => fail(new Error(`evaluateParallel: a worker failed: ${e.message}`, { cause: e })));
      w.post(start, []);
    });
  });
}
