// evaluateParallel: shards batches over Web Workers (browsers) or worker_threads (Node). Each
// worker loads the package, updates its own metrics and returns saveState() blobs; the main
// thread loads them into fresh metrics and merges. See worker.mjs for the message protocol.
//
// A call always settles: a worker's error, a worker that dies or exits (Node reports every exit,
// code 0 included), a worker that stays silent for `timeoutMs` while it owes an answer, or the
// caller's AbortSignal rejects the promise and tears the whole pool down.
import { getWasm, simd } from './loader.mjs';
import { nodeWorkerClass, packageUrl, startDefaultWebWorker } from 'wasmetrics:platform';
import { MetricCollection } from './collection.mjs';
import { CUSTOM_WORKER_NAME, WORKER_NAME, createMetrics } from './worker.mjs';

/** How long a worker that owes an answer may stay silent (loading, one batch, its final state). */
export const DEFAULT_TIMEOUT_MS = 60_000;
// setTimeout fires at once beyond 2^31 - 1 ms: longer timeouts (about 25 days) mean none.
const MAX_TIMER_MS = 2 ** 31 - 1;

const isNode = () =>
  typeof process === 'object' && typeof process.versions?.node === 'string' && typeof globalThis.Worker !== 'function';

// Node: a worker that imports the package by URL (dist/index.mjs or dist/index.cjs) and serves.
const NODE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { fileURLToPath } = require('node:url');
const url = workerData.url;
const load = url.endsWith('.cjs') ? Promise.resolve().then(() => require(fileURLToPath(url))) : import(url);
load.then((lib) => lib.serveParallelWorker(parentPort),
  (e) => parentPort.postMessage({ type: 'error', message: 'loading ' + url + ' failed: ' + (e && e.message) }));
`;

/**
 * Starts one worker and reports everything it does: onMessage(msg), onFailure(message) when it
 * fails (an uncaught error, an unreadable message, running out of memory), onExit(code) when it
 * ends (Node only: a Web Worker that closes itself sends nothing; the watchdog catches that).
 * Returns {post(msg, transfer), terminate()}.
 */
async function spawnWorker(workerUrl, custom, { onMessage, onFailure, onExit }, resourceLimits) {
  if (isNode()) {
    const Worker = await nodeWorkerClass();
    const w = new Worker(NODE_WORKER_SOURCE, {
      eval: true,
      workerData: { url: String(workerUrl) },
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    w.on('message', onMessage);
    w.on('messageerror', () => onFailure('a message from the worker could not be deserialized'));
    w.on('error', (e) => onFailure(e?.message ?? String(e)));
    w.on('exit', onExit);
    return { post: (msg, transfer) => w.postMessage(msg, transfer), terminate: () => w.terminate() };
  }
  // The browser build's dedicated worker module (platform-browser.mjs), else this bundle by name.
  const w =
    (!custom && startDefaultWebWorker()) ||
    new Worker(workerUrl, { type: 'module', name: custom ? CUSTOM_WORKER_NAME : WORKER_NAME });
  w.onmessage = (e) => onMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault?.();
    onFailure(e.message || 'the worker failed to load or threw (see the console)');
  };
  w.onmessageerror = () => onFailure('a message from the worker could not be deserialized');
  return { post: (msg, transfer) => w.postMessage(msg, transfer), terminate: () => w.terminate() };
}

const isShared = (buffer) => typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;

// A copy of one batch's update arguments for postMessage, and the buffers to transfer: every
// typed array is copied (its own bytes only, not the rest of a larger buffer) into a new buffer
// that is then transferred. The caller's arrays are never transferred, so they stay usable and
// the same batches can be evaluated again. SharedArrayBuffer views are shared, not copied.
function copyBatch(args, index) {
  const transfer = [];
  const visit = (v, where) => {
    if (ArrayBuffer.isView(v)) {
      if (isShared(v.buffer)) return v;
      let bytes;
      try {
        bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
      } catch {
        throw new TypeError(
          `evaluateParallel: batch ${index}: ${where} is a typed array whose ArrayBuffer is detached ` +
            '(transferred elsewhere): its data are gone',
        );
      }
      transfer.push(bytes.buffer);
      const Type = v instanceof DataView ? DataView : (globalThis[v[Symbol.toStringTag]] ?? Uint8Array);
      return new Type(bytes.buffer);
    }
    if (Array.isArray(v)) return v.map((x, i) => visit(x, `${where}[${i}]`));
    if (v !== null && typeof v === 'object' && 'data' in v) {
      return { ...v, data: visit(v.data, `${where}.data`), shape: v.shape && [...v.shape] };
    }
    return v;
  };
  return { args: args.map((a, i) => visit(a, `argument ${i}`)), transfer };
}

function defaultWorkerCount() {
  const n = globalThis.navigator?.hardwareConcurrency;
  return Number.isInteger(n) && n > 0 ? Math.min(n, 8) : 2;
}

function abortError(signal) {
  const reason = signal.reason;
  const detail = reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
  const e = new Error(`evaluateParallel: aborted${detail ? ` (${detail})` : ''}`, { cause: reason });
  e.name = 'AbortError';
  return e;
}

/**
 * Evaluates metrics over batches on `workers` workers and returns `{key: value}`, equal to
 * updating the same metrics with every batch on one thread. Options are documented in
 * collection.d.ts (EvaluateParallelOptions) and the package README.
 */
export async function evaluateParallel({
  metrics,
  batches,
  workers = defaultWorkerCount(),
  onProgress = null,
  exact = true,
  init: initOptions = undefined,
  workerUrl = undefined,
  inflight = 2,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  signal = undefined,
  resourceLimits = undefined,
} = {}) {
  getWasm('evaluateParallel()');
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`evaluateParallel: workers must be a positive integer, got ${workers}`);
  if (
    batches === null ||
    batches === undefined ||
    (typeof batches[Symbol.iterator] !== 'function' && typeof batches[Symbol.asyncIterator] !== 'function')
  ) {
    throw new TypeError('evaluateParallel: batches must be an array, an iterable or an async iterable of batches');
  }
  if (!Number.isInteger(inflight) || inflight < 1)
    throw new RangeError(`evaluateParallel: inflight must be a positive integer, got ${inflight}`);
  if (onProgress !== null && typeof onProgress !== 'function')
    throw new TypeError('evaluateParallel: onProgress must be a function');
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
    throw new RangeError(
      `evaluateParallel: timeoutMs must be a positive number of milliseconds (Infinity: no timeout), got ${timeoutMs}`,
    );
  }
  if (
    signal !== undefined &&
    (signal === null || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')
  ) {
    throw new TypeError('evaluateParallel: signal must be an AbortSignal');
  }
  if (signal?.aborted) throw abortError(signal);
  // The main thread's collections: validate names and options before any worker starts.
  const accumulated = new MetricCollection(createMetrics(metrics, 'evaluateParallel'));
  const scratch = accumulated.clone();
  const total = Array.isArray(batches) ? batches.length : undefined;
  if (total === 0) {
    // nothing to shard: no worker needed
    try {
      return accumulated.compute();
    } finally {
      scratch.dispose();
      accumulated.dispose();
    }
  }
  const iterator =
    typeof batches[Symbol.asyncIterator] === 'function' ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]();
  const start = { type: 'start', init: initOptions ?? { simd: simd() }, metrics, exact };
  const custom = workerUrl !== undefined && workerUrl !== null;
  const url = custom ? String(workerUrl.href ?? workerUrl) : packageUrl();
  const call = new Call({ total, onProgress, exact, inflight, timeoutMs, accumulated, scratch, iterator });
  const onAbort = () => call.fail(abortError(signal));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const count = Math.max(1, Math.min(workers, total ?? workers));
    for (let k = 0; k < count && !call.settled; k++) {
      call.add(await spawnWorker(url, custom, call.handlers(k), resourceLimits));
    }
    if (!call.settled) call.start(start);
    return await call.promise;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    call.tearDown();
    scratch.dispose();
    accumulated.dispose();
  }
}

// One evaluateParallel call: the pool, what each worker owes, the ordered fold, and the one
// place where the call settles (resolve or fail), after which every event is ignored.
class Call {
  constructor({ total, onProgress, exact, inflight, timeoutMs, accumulated, scratch, iterator }) {
    Object.assign(this, { total, onProgress, exact, inflight, timeoutMs, accumulated, scratch, iterator });
    this.pool = []; // {worker, ready, batches: Set of indices in flight, finishing, final, timer}
    this.settled = false;
    this.nextIndex = 0; // next batch to read
    this.ended = false; // the iterator is exhausted
    this.reading = false;
    this.folded = 0; // batches folded in (exact) or done (accumulating)
    this.finals = 0;
    this.finishing = false;
    this.pending = new Map(); // exact: index -> blob arriving out of order
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // The call may fail while workers are still being spawned, before anyone awaits the promise:
    // mark it handled so that Node does not report an unhandled rejection meanwhile.
    this.promise.catch(() => {});
  }

  add(worker) {
    this.pool.push({ worker, ready: false, batches: new Set(), finishing: false, final: null, timer: null });
  }

  handlers(k) {
    const guard =
      (fn) =>
      (...args) => {
        if (this.settled) return;
        try {
          fn(...args);
        } catch (e) {
          this.fail(e);
        }
      };
    return {
      onMessage: guard((msg) => this.onMessage(k, msg)),
      onFailure: guard((message) =>
        this.fail(new Error(`evaluateParallel: worker ${k} failed while ${this.owed(k)}: ${message}`)),
      ),
      onExit: guard((code) => {
        const w = this.pool[k];
        if (w && w.final !== null && w.batches.size === 0) return; // done with its part
        this.fail(new Error(`evaluateParallel: worker ${k} exited (code ${code}) while ${this.owed(k)}`));
      }),
    };
  }

  start(startMessage) {
    this.pool.forEach((w, k) => this.post(k, startMessage));
  }

  // What worker k owes, for error messages.
  owed(k) {
    const w = this.pool[k];
    if (!w || !w.ready) return 'loading the package';
    if (w.batches.size) return `working on batch ${Math.min(...w.batches)}`;
    if (w.finishing && w.final === null) return 'sending its final state';
    return 'idle';
  }

  post(k, msg, transfer = []) {
    this.pool[k].worker.post(msg, transfer);
    this.watch(k);
  }

  // The watchdog: while worker k owes an answer, it must send something within timeoutMs.
  watch(k) {
    const w = this.pool[k];
    clearTimeout(w.timer);
    w.timer = null;
    const owes = !w.ready || w.batches.size > 0 || (w.finishing && w.final === null);
    if (!owes || this.settled || !(this.timeoutMs <= MAX_TIMER_MS)) return;
    w.timer = setTimeout(
      () =>
        this.fail(
          new Error(
            `evaluateParallel: worker ${k} sent nothing for ${this.timeoutMs} ms while ` +
              `${this.owed(k)} (timeoutMs; the worker may have died, run out of memory or hung)`,
          ),
        ),
      this.timeoutMs,
    );
  }

  fail(e) {
    if (this.settled) return;
    this.settle();
    this.reject(e instanceof Error ? e : new Error(String(e)));
    if (!this.ended) {
      // Let a generator run its finally blocks; its own errors are not ours to report.
      try {
        Promise.resolve(this.iterator.return?.()).catch(() => {});
      } catch {
        // a synchronous throw from return() is the generator's own error too
      }
    }
  }

  succeed(value) {
    if (this.settled) return;
    this.settle();
    this.resolve(value);
  }

  settle() {
    this.settled = true;
    for (const w of this.pool) clearTimeout(w.timer);
  }

  tearDown() {
    this.settle();
    for (const w of this.pool) w.worker.terminate();
  }

  onMessage(k, msg) {
    const w = this.pool[k];
    if (msg?.type === 'ready') {
      w.ready = true;
    } else if (msg?.type === 'state') {
      w.batches.delete(msg.index);
      this.pending.set(msg.index, msg.blob);
      // Batch states are folded strictly in batch order, as one thread would.
      while (this.pending.has(this.folded)) {
        this.scratch.loadState(this.pending.get(this.folded));
        this.pending.delete(this.folded);
        this.accumulated.merge(this.scratch);
        this.folded++;
        this.progress();
      }
    } else if (msg?.type === 'done') {
      w.batches.delete(msg.index);
      this.folded++;
      this.progress();
    } else if (msg?.type === 'final') {
      w.final = msg.blob;
      this.watch(k);
      if (++this.finals === this.pool.length) {
        // One state per worker, merged in worker order.
        for (const x of this.pool) {
          this.scratch.loadState(x.final);
          this.accumulated.merge(this.scratch);
        }
        this.succeed(this.accumulated.compute());
      }
      return;
    } else if (msg?.type === 'error') {
      throw new Error(
        msg.index === undefined
          ? `evaluateParallel: worker ${k} failed: ${msg.message}`
          : `evaluateParallel: batch ${msg.index}: ${msg.message}`,
      );
    } else {
      throw new Error(`evaluateParallel: worker ${k} sent an unexpected message ${JSON.stringify(msg?.type ?? msg)}`);
    }
    this.watch(k);
    if (this.settled) return; // onProgress may have aborted the call
    this.pump();
  }

  progress() {
    if (this.onProgress) this.onProgress(this.folded, this.total);
  }

  // Hands batches to workers with room, reading the iterator one batch at a time.
  async pump() {
    if (this.reading || this.settled) return;
    this.reading = true;
    try {
      while (!this.ended && !this.settled) {
        const k = this.pool.findIndex((w) => w.ready && w.batches.size < this.inflight);
        if (k < 0) break;
        const item = await this.iterator.next();
        if (this.settled) return;
        if (item.done) {
          this.ended = true;
          break;
        }
        const index = this.nextIndex++;
        const batch = item.value;
        if (!Array.isArray(batch))
          throw new TypeError(
            `evaluateParallel: batch ${index} must be an array of update arguments, got ${String(batch)}`,
          );
        const { args, transfer } = copyBatch(batch, index);
        this.pool[k].batches.add(index);
        this.post(k, { type: 'batch', index, args }, transfer);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.reading = false;
    }
    if (!this.settled && this.ended && this.folded === this.nextIndex) this.finish();
  }

  finish() {
    if (this.finishing) return;
    this.finishing = true;
    if (this.exact) {
      this.succeed(this.accumulated.compute());
      return;
    }
    this.pool.forEach((w, k) => {
      // each answers with its 'final' state
      w.finishing = true;
      this.post(k, { type: 'finish' });
    });
  }
}
