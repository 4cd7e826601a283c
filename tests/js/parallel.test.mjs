// evaluateParallel in Node (worker_threads): the result equals single-thread evaluation exactly,
// for every family; progress, transfer vs copy, async iterables, errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { copyBatches, evaluateSingleThread, parallelCases, regressionBatches } from './collection-data.mjs';

const lib = await importPackage();
const { init, createMetric, evaluateParallel } = lib;
await init();

const singleThread = (metrics, batches) => evaluateSingleThread(createMetric, metrics, batches);
const T = { timeout: 120_000 }; // a call that never settles fails its test instead of blocking the suite

for (const [family, { metrics, batches }] of Object.entries(parallelCases())) {
  test(`${family}: 2 workers give exactly the single-thread result`, T, async () => {
    const want = singleThread(metrics, batches);
    const progress = [];
    const got = await evaluateParallel({
      metrics,
      batches: copyBatches(batches),
      workers: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.deepStrictEqual(got, want);
    assert.deepEqual(
      progress,
      batches.map((_, i) => [i + 1, batches.length]),
    );
  });
}

test('3 workers, more batches than workers x inflight, one batch per worker and a single worker agree', T, async () => {
  const { metrics, batches } = parallelCases().classification;
  const want = singleThread(metrics, batches);
  for (const [workers, inflight] of [
    [3, 1],
    [1, 2],
    [batches.length, 1],
  ]) {
    assert.deepStrictEqual(
      await evaluateParallel({ metrics, batches: copyBatches(batches), workers, inflight }),
      want,
      `${workers} workers`,
    );
  }
});

test("the caller's arrays are copied, never transferred: the same batches evaluate twice", T, async () => {
  const metrics = { mse: { name: 'MeanSquaredError' } };
  const batches = regressionBatches(81, 4, 100);
  const want = singleThread(metrics, batches);
  const kept = copyBatches(batches);
  assert.deepStrictEqual(await evaluateParallel({ metrics, batches: kept, workers: 2 }), want);
  assert.ok(
    kept.every(([p, t]) => p.length === 100 && t.length === 100),
    'the arrays are intact',
  );
  assert.deepStrictEqual(
    await evaluateParallel({ metrics, batches: kept, workers: 2 }),
    want,
    'the same batches again',
  );
  assert.deepStrictEqual(kept, copyBatches(batches), 'the values are unchanged');
});

test(
  'views into one shared buffer: only each view is sent; a buffer reused by several batches is fine',
  T,
  async () => {
    const metrics = { mae: { name: 'MeanAbsoluteError' } };
    const big = new Float64Array(400).map((_, i) => Math.sin(i));
    const target = new Float64Array(400).map((_, i) => Math.cos(i));
    const batches = [0, 1, 2, 3].map((k) => [
      big.subarray(k * 100, (k + 1) * 100),
      target.subarray(k * 100, (k + 1) * 100),
    ]);
    const want = singleThread(metrics, batches);
    assert.deepStrictEqual(await evaluateParallel({ metrics, batches, workers: 2 }), want);
    assert.equal(big.length, 400, 'the shared buffer was not detached');
    const shared = Float64Array.from([1, 2, 3]);
    const reused = [
      [shared, Float64Array.of(1, 1, 1)],
      [shared, Float64Array.of(2, 2, 2)],
    ];
    assert.deepStrictEqual(
      await evaluateParallel({ metrics, batches: reused, workers: 1, inflight: 1 }),
      singleThread(metrics, reused),
    );
  },
);

test('a typed array detached before the call is a clear error, not a hang', T, async () => {
  const metrics = { mse: { name: 'MeanSquaredError' } };
  const batches = regressionBatches(84, 3, 10);
  structuredClone(batches[2][1].buffer, { transfer: [batches[2][1].buffer] }); // detaches it
  await assert.rejects(
    evaluateParallel({ metrics, batches, workers: 2 }),
    /evaluateParallel: batch 2: argument 1 is a typed array whose ArrayBuffer is detached/,
  );
});

test('async iterables: total is unknown, the result still matches', T, async () => {
  const { metrics, batches } = parallelCases().aggregation;
  const want = singleThread(metrics, batches);
  const copies = copyBatches(batches);
  async function* gen() {
    for (const b of copies) {
      await new Promise((r) => setTimeout(r, 1));
      yield b;
    }
  }
  const progress = [];
  assert.deepStrictEqual(
    await evaluateParallel({ metrics, batches: gen(), workers: 2, onProgress: (d, t) => progress.push([d, t]) }),
    want,
  );
  assert.deepEqual(progress.at(-1), [batches.length, undefined]);
});

test('exact: false merges one state per worker: equal up to rounding', T, async () => {
  const { metrics, batches } = parallelCases().regression;
  const want = singleThread(metrics, batches);
  const got = await evaluateParallel({ metrics, batches: copyBatches(batches), workers: 2, exact: false });
  for (const [k, v] of Object.entries(want))
    assert.ok(Math.abs(got[k] - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${k}: ${got[k]} vs ${v}`);
});

test('errors: a bad batch names its index; bad metrics fail before any worker starts; empty input', T, async () => {
  const metrics = { mse: { name: 'MeanSquaredError' } };
  const batches = regressionBatches(82, 3, 10);
  batches[1] = [Float64Array.of(1, 2), Float64Array.of(1, 2, 3)];
  await assert.rejects(
    evaluateParallel({ metrics, batches, workers: 2 }),
    /evaluateParallel: batch 1: MeanSquaredError/,
  );
  await assert.rejects(evaluateParallel({ metrics: { x: { name: 'Nope' } }, batches: [] }), /unknown metric 'Nope'/);
  await assert.rejects(
    evaluateParallel({ metrics: { x: { name: 'MeanSquaredError', options: { bad: 1 } } }, batches: [] }),
    /unknown option 'bad'/,
  );
  await assert.rejects(evaluateParallel({ metrics, batches: 5 }), /batches must be an array/);
  await assert.rejects(
    evaluateParallel({ metrics, batches: [[1, 2]], workers: 0 }),
    /workers must be a positive integer/,
  );
  await assert.rejects(evaluateParallel({ metrics, batches: [5] }), /batch 0 must be an array of update arguments/);
  await assert.rejects(evaluateParallel({ metrics, batches: [], inflight: 0 }), /inflight must be a positive integer/);
  const empty = createMetric('MeanSquaredError');
  assert.deepStrictEqual(await evaluateParallel({ metrics, batches: [] }), { mse: empty.compute() });
  empty.dispose();
});

test('the CommonJS build runs workers too', T, async () => {
  const { createRequire } = await import('node:module');
  const { distCjsPath } = await import('./helpers.mjs');
  const cjs = createRequire(import.meta.url)(distCjsPath);
  await cjs.init();
  const metrics = { mse: { name: 'MeanSquaredError' } };
  const batches = regressionBatches(83, 4, 50);
  const want = singleThread(metrics, batches);
  assert.deepStrictEqual(await cjs.evaluateParallel({ metrics, batches, workers: 2 }), want);
});
