// Runs evaluateParallel with 2 Web Workers and compares with single-thread evaluation. The
// outcome is `window.wasmetricsResult` (a promise) and the page's text, for Playwright or a human.
import { init, createMetric, evaluateParallel, simd } from '../../npm/dist/index.mjs';
import { copyBatches, evaluateSingleThread, parallelCases } from '../js/collection-data.mjs';

// Every number as its shortest round-trip text: equal strings mean bit-equal values (NaN too).
function canonical(value) {
  return JSON.stringify(value, (_, v) => {
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (v instanceof Float64Array) return Array.from(v, (x) => (Object.is(x, -0) ? "-0" : String(x)));
    return v;
  });
}

const singleThread = (metrics, batches) => evaluateSingleThread(createMetric, metrics, batches);

// Counts the Web Workers evaluateParallel starts.
let workersStarted = 0;
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    workersStarted++;
  }
};

async function run() {
  await init();
  const families = {};
  for (const [family, { metrics, batches }] of Object.entries(parallelCases())) {
    const want = canonical(singleThread(metrics, batches));
    const before = workersStarted;
    let progress = 0;
    const input = copyBatches(batches);
    const got = canonical(await evaluateParallel({ metrics, batches: input, workers: 2, onProgress: (done) => { progress = done; } }));
    families[family] = {
      equal: got === want,
      workers: workersStarted - before,
      progress,
      total: batches.length,
      detached: input.every((b) => b.flat().every((x) => !ArrayBuffer.isView(x?.data ?? x) || (x?.data ?? x).byteLength === 0)),
      ...(got === want ? {} : { got, want }),
    };
  }
  return { simd: simd(), hardwareConcurrency: navigator.hardwareConcurrency, families };
}

window.wasmetricsResult = run().then(
  (r) => {
    document.getElementById('out').textContent = JSON.stringify(r, null, 2);
    return r;
  },
  (e) => {
    document.getElementById('out').textContent = `error: ${e.stack ?? e}`;
    return { error: String(e.stack ?? e) };
  },
);
