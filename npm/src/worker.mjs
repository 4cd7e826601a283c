// The worker side of evaluateParallel (parallel.mjs). A worker loads the package (its own
// init()), builds the requested metrics as one MetricCollection (so compute groups apply), folds
// the batches it is sent, and answers with saveState() blobs, transferred, never cloned.
//
// Messages, main -> worker:
//   {type: 'start', init, metrics: {key: {name, options}}, exact}
//   {type: 'batch', index, args}   args: the update arguments of one batch
//   {type: 'finish'}
// worker -> main:
//   {type: 'ready'}
//   {type: 'state', index, blob}   exact mode: the state of batch `index` alone
//   {type: 'done', index}          accumulating mode: batch `index` folded in
//   {type: 'final', blob}          accumulating mode, after 'finish': the worker's whole state
//   {type: 'error', index?, message}
import { createMetric } from './create-metric.mjs';
import { init } from './loader.mjs';
import { MetricCollection } from './collection.mjs';

// The name evaluateParallel gives a Web Worker started on this package's own module, which then
// serves by itself (bottom of this file). A worker on a custom workerUrl gets another name, so
// that its own serveParallelWorker() call is the only one.
export const WORKER_NAME = 'wasmetrics-parallel';
export const CUSTOM_WORKER_NAME = 'wasmetrics-parallel-custom';

/** Builds {key: metric} from {key: {name, options}} (the registry's names and options). */
export function createMetrics(specs, where) {
  if (specs === null || typeof specs !== 'object' || Array.isArray(specs) || Object.keys(specs).length === 0) {
    throw new TypeError(`${where}: metrics must be {key: {name, options}}, e.g. {mse: {name: 'MeanSquaredError'}}`);
  }
  const made = {};
  try {
    for (const [key, spec] of Object.entries(specs)) {
      const name = typeof spec === 'string' ? spec : spec?.name;
      if (typeof name !== 'string') throw new TypeError(`${where}: metrics.${key} must be {name, options}`);
      const options = typeof spec === 'string' ? undefined : spec.options;
      made[key] = createMetric(name, options);
    }
  } catch (e) {
    for (const m of Object.values(made)) m.dispose();
    throw e;
  }
  return made;
}

const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Serves evaluateParallel's protocol on `port` (Node: worker_threads' parentPort; browsers: the
 * worker's global scope, the default). A custom worker script (e.g. for a bundler) is just:
 * `import {serveParallelWorker} from 'wasmetrics'; serveParallelWorker();` — pass its URL to
 * evaluateParallel as `workerUrl`.
 */
const servedPorts = new WeakSet();

export function serveParallelWorker(port = globalThis) {
  // Serving one port twice would answer every message twice.
  if (port !== null && typeof port === 'object') {
    if (servedPorts.has(port)) return;
    servedPorts.add(port);
  }
  let collection = null;
  let exact = true;
  let queue = Promise.resolve(); // messages are handled one at a time, in order
  const post = (msg, transfer = []) => port.postMessage(msg, transfer);
  const handle = async (msg) => {
    if (msg.type === 'start') {
      await init(msg.init ?? {});
      exact = msg.exact !== false;
      collection = new MetricCollection(createMetrics(msg.metrics, 'evaluateParallel (worker)'));
      post({ type: 'ready' });
    } else if (msg.type === 'batch') {
      try {
        if (exact) collection.reset();
        collection.update(...msg.args);
      } catch (e) {
        post({ type: 'error', index: msg.index, message: messageOf(e) });
        return;
      }
      if (exact) {
        const blob = collection.saveState();
        post({ type: 'state', index: msg.index, blob }, [blob.buffer]);
      } else {
        post({ type: 'done', index: msg.index });
      }
    } else if (msg.type === 'finish') {
      const blob = collection.saveState();
      collection.dispose();
      collection = null;
      post({ type: 'final', blob }, [blob.buffer]);
    }
  };
  const onMessage = (msg) => {
    queue = queue.then(() => handle(msg)).catch((e) => post({ type: 'error', message: messageOf(e) }));
  };
  if (typeof port?.on === 'function')
    port.on('message', onMessage); // Node MessagePort
  else if (typeof port?.addEventListener === 'function')
    port.addEventListener('message', (event) => onMessage(event.data));
  else throw new TypeError("serveParallelWorker: pass the port to serve (Node: worker_threads' parentPort)");
}

// A browser worker started by evaluateParallel on this very module serves the protocol by itself.
if (
  typeof WorkerGlobalScope === 'function' &&
  globalThis instanceof WorkerGlobalScope && // eslint-disable-line no-undef
  globalThis.name === WORKER_NAME
) {
  serveParallelWorker(globalThis);
}
