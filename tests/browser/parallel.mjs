// Runs evaluateParallel with 2 Web Workers and compares with single-thread evaluation. The
// outcome is `window.wasmetricsResult` (a promise) and the page's text, for Playwright or a human.
import { init, createMetric, evaluateParallel, simd } from '../../npm/dist/index.mjs';
import { copyBatches, evaluateSingleThread, parallelCases, regressionBatches } from '../js/collection-data.mjs';

// Every number as its shortest round-trip text: equal strings mean bit-equal values (NaN too).
function canonical(value) {
  return JSON.stringify(value, (_, v) => {
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (v instanceof Float64Array) return Array.from(v, (x) => (Object.is(x, -0) ? '-0' : String(x)));
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
    const got = canonical(
      await evaluateParallel({
        metrics,
        batches: input,
        workers: 2,
        onProgress: (done) => {
          progress = done;
        },
      }),
    );
    families[family] = {
      equal: got === want,
      workers: workersStarted - before,
      progress,
      total: batches.length,
      // The caller's arrays are copied, never transferred: still intact and unchanged.
      intact: canonical(input) === canonical(copyBatches(batches)),
      ...(got === want ? {} : { got, want }),
    };
  }
  return { simd: simd(), hardwareConcurrency: navigator.hardwareConcurrency, families, failures: await failures() };
}

// How evaluateParallel fails with Web Workers that misbehave (tests/js/misbehaving-worker.mjs):
// each outcome is {value} or {error, name}; tests/js/browser.test.mjs checks the messages. A Web
// Worker that closes itself sends no event, so those cases end by timeoutMs.
async function failures() {
  const metrics = { mse: { name: 'MeanSquaredError' } };
  const batches = regressionBatches(91, 4, 50);
  const fixture = (mode) => new URL(`../js/misbehaving-worker.mjs?mode=${mode}`, import.meta.url).href;
  const outcome = async (options) => {
    try {
      return { value: canonical(await evaluateParallel({ metrics, batches, workers: 2, ...options })) };
    } catch (e) {
      return { error: String(e?.message ?? e), name: e?.name };
    }
  };
  const out = { want: canonical(singleThread(metrics, batches)) };
  out.fixtureNormal = await outcome({ workerUrl: fixture('normal') });
  out.throwBatch = await outcome({ workerUrl: fixture('throw-batch'), timeoutMs: 600_000 });
  out.closeOnStart = await outcome({ workerUrl: fixture('exit-start'), timeoutMs: 1500 });
  // The fixture answers 'start' at once (no package to load): the 5 s are spent on the batch.
  out.closeOnBatch = await outcome({ workerUrl: fixture('exit-batch'), timeoutMs: 5000 });
  out.silent = await outcome({ workerUrl: fixture('silent'), timeoutMs: 1500 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  out.abort = await outcome({ workerUrl: fixture('hang-batch'), timeoutMs: 600_000, signal: controller.signal });
  const bad = [...batches];
  bad[2] = [Float64Array.of(1, 2), Float64Array.of(1, 2, 3)];
  out.badBatch = await outcome({ batches: bad });
  out.afterwards = await outcome({});
  out.sameBatchesAgain = await outcome({}); // `batches` evaluated for the third time
  return out;
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
