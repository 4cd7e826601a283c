// evaluateParallel never hangs (Node, worker_threads): a failed batch, a worker that throws, exits
// (code 0 too, before or while answering), is killed, runs out of memory or never answers, and an
// aborted call all reject with an Error that says what happened; the pool is torn down and the
// next call works. The misbehaving workers are tests/js/misbehaving-worker.mjs?mode=... Nothing
// here depends on speed: exits and errors are reported by the worker's own events (the timeout
// is set far beyond the test's), and the timeout cases use a worker that never answers at all,
// or one that answers 'start' at once without loading the package and then never answers a batch.
import assert from 'node:assert/strict';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { evaluateSingleThread, regressionBatches } from './collection-data.mjs';

const lib = await importPackage();
const { init, createMetric, evaluateParallel } = lib;
await init();

const metrics = { mse: { name: 'MeanSquaredError' }, mae: { name: 'MeanAbsoluteError' } };
const batches = regressionBatches(91, 6, 50);
const want = evaluateSingleThread(createMetric, metrics, batches);
const misbehaving = (mode) => new URL(`./misbehaving-worker.mjs?mode=${mode}`, import.meta.url);
// Far longer than any test may take: a rejection must come from the worker's events.
const NEVER = 10 * 60_000;
const T = { timeout: 120_000 }; // per test: a hang fails the test instead of blocking the suite
/** An Error (not just anything thrown) whose message matches `re` (anchors apply to the message). */
const failsWith = (re) => (e) => e instanceof Error && re.test(e.message);

// The worker threads alive in this process: worker_threads.Worker wrapped to count them
// (syncBuiltinESMExports makes the package's `import('node:worker_threads')` see the wrapper).
const live = new Set();
let constructed = 0;
const threads = createRequire(import.meta.url)('node:worker_threads');
const NodeWorker = threads.Worker;
threads.Worker = class CountedWorker extends NodeWorker {
  constructor(...args) {
    super(...args);
    constructed++;
    live.add(this);
    this.on('exit', () => live.delete(this));
  }
};
syncBuiltinESMExports();
const liveWorkers = () => live.size;

// After any failure: no worker left behind, and an ordinary call on the same API works.
async function poolGoneAndNextCallWorks() {
  for (let i = 0; i < 800 && liveWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 25)); // terminate() is async
  assert.equal(liveWorkers(), 0, 'every worker of the failed call is terminated');
  assert.deepStrictEqual(await evaluateParallel({ metrics, batches, workers: 2 }), want);
}

test('the fixture worker serves correctly in its normal mode; workers are counted', T, async () => {
  const before = constructed;
  assert.deepStrictEqual(
    await evaluateParallel({ metrics, batches, workers: 2, workerUrl: misbehaving('normal') }),
    want,
  );
  assert.equal(constructed - before, 2, 'the counting wrapper saw both workers');
  await poolGoneAndNextCallWorks();
});

test('a failed batch rejects naming the batch and the metric; the next call works', T, async () => {
  const bad = [...batches];
  bad[3] = [Float64Array.of(1, 2), Float64Array.of(1, 2, 3)];
  await assert.rejects(
    evaluateParallel({ metrics, batches: bad, workers: 2 }),
    (e) => e instanceof Error && /^evaluateParallel: batch 3: .*MeanSquaredError/.test(e.message),
  );
  await poolGoneAndNextCallWorks();
  const acc = { acc: { name: 'MulticlassAccuracy', options: { numClasses: 3 } } };
  const labels = [
    [Int32Array.of(0, 1, 2), Int32Array.of(0, 1, 1)],
    [Int32Array.of(0, 7), Int32Array.of(0, 1)],
  ];
  await assert.rejects(
    evaluateParallel({ metrics: acc, batches: labels, workers: 2 }),
    failsWith(/^evaluateParallel: batch 1: .*MulticlassAccuracy.*7/),
  );
  await poolGoneAndNextCallWorks();
});

const deaths = [
  [
    'exit-start',
    'exits with code 0 before answering',
    /^evaluateParallel: worker \d exited \(code 0\) while loading the package$/,
  ],
  [
    'exit-batch',
    'exits with code 0 while working on a batch',
    /^evaluateParallel: worker \d exited \(code 0\) while working on batch \d$/,
  ],
  [
    'kill-batch',
    'is killed (exit code 1) while working on a batch',
    /^evaluateParallel: worker \d exited \(code 1\) while working on batch \d$/,
  ],
  [
    'throw-batch',
    'throws an uncaught error',
    /^evaluateParallel: worker \d failed while working on batch \d: boom: the worker threw$/,
  ],
];
for (const [mode, what, message] of deaths) {
  test(`a worker that ${what} rejects the call at once; the next call works`, T, async () => {
    await assert.rejects(
      evaluateParallel({ metrics, batches, workers: 2, workerUrl: misbehaving(mode), timeoutMs: NEVER }),
      failsWith(message),
    );
    await poolGoneAndNextCallWorks();
  });
}

test('a worker that runs out of memory rejects the call (resourceLimits); the next call works', T, async () => {
  await assert.rejects(
    evaluateParallel({
      metrics,
      batches,
      workers: 1,
      workerUrl: misbehaving('oom-batch'),
      timeoutMs: NEVER,
      resourceLimits: { maxOldGenerationSizeMb: 48 },
    }),
    failsWith(/^evaluateParallel: worker 0 failed while working on batch 0: .*out of memory/),
  );
  await poolGoneAndNextCallWorks();
});

test('a worker that never answers is caught by timeoutMs, while loading or on a batch', T, async () => {
  await assert.rejects(
    evaluateParallel({ metrics, batches, workers: 2, workerUrl: misbehaving('silent'), timeoutMs: 300 }),
    failsWith(/^evaluateParallel: worker \d sent nothing for 300 ms while loading the package \(timeoutMs/),
  );
  await poolGoneAndNextCallWorks();
  // The fixture answers 'start' at once, so 5 s is only ever spent waiting on the batch.
  await assert.rejects(
    evaluateParallel({ metrics, batches, workers: 2, workerUrl: misbehaving('hang-batch'), timeoutMs: 5000 }),
    failsWith(/^evaluateParallel: worker \d sent nothing for 5000 ms while working on batch \d \(timeoutMs/),
  );
  await poolGoneAndNextCallWorks();
});

test('an AbortSignal cancels a call: before it starts, while a worker hangs, from onProgress', T, async () => {
  // The signal's reason is read once the call has rejected (it is set by abort()).
  const isAbort = (signal) => (e) =>
    e instanceof Error &&
    e.name === 'AbortError' &&
    /^evaluateParallel: aborted/.test(e.message) &&
    e.cause === signal.reason;
  const early = new AbortController();
  early.abort();
  await assert.rejects(evaluateParallel({ metrics, batches, signal: early.signal }), isAbort(early.signal));

  const hung = new AbortController();
  const call = evaluateParallel({
    metrics,
    batches,
    workers: 2,
    workerUrl: misbehaving('hang-batch'),
    timeoutMs: NEVER,
    signal: hung.signal,
  });
  setTimeout(() => hung.abort(new Error('enough')), 200);
  await assert.rejects(call, (e) => isAbort(hung.signal)(e) && /\(enough\)$/.test(e.message));
  await poolGoneAndNextCallWorks();

  const midway = new AbortController();
  await assert.rejects(
    evaluateParallel({
      metrics,
      batches,
      workers: 2,
      signal: midway.signal,
      onProgress: (done) => done === 2 && midway.abort(),
    }),
    isAbort(midway.signal),
  );
  await poolGoneAndNextCallWorks();
});

test('timeoutMs and signal are checked', T, async () => {
  for (const timeoutMs of [0, -1, NaN, '5']) {
    await assert.rejects(
      evaluateParallel({ metrics, batches, timeoutMs }),
      failsWith(/timeoutMs must be a positive number/),
    );
  }
  await assert.rejects(evaluateParallel({ metrics, batches, signal: {} }), /signal must be an AbortSignal/);
  assert.deepStrictEqual(await evaluateParallel({ metrics, batches, workers: 2, timeoutMs: Infinity }), want);
});
