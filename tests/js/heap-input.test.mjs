// Zero-copy inputs (allocInput / HeapInput): the same results as copied inputs, disposal errors,
// and views re-acquired after memory growth. Expected values come from the copying path.
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const { init, allocInput, HeapInput, createMetric, MetricCollection } = await importPackage();
await init();

// A deterministic fill (no Math.random: a failure must reproduce).
const fill = (a, f) => {
  for (let i = 0; i < a.length; i++) a[i] = f(i);
  return a;
};

test('allocInput: update from HeapInputs equals update from copied typed arrays (several metrics, batches)', () => {
  const cases = [
    ['MeanSquaredError', {}, 'float32', 'float32', [257], (i) => Math.sin(i), (i) => Math.cos(i * 0.7)],
    ['PearsonCorrCoef', {}, 'float64', 'float64', [300], (i) => i % 17, (i) => (i * 7) % 13],
    ['MultilabelF1Score', { numLabels: 4 }, 'float32', 'uint8', [50, 4], (i) => (i % 10) / 10, (i) => (i * 3) % 2],
    [
      'MulticlassConfusionMatrix',
      { numClasses: 5, ignoreIndex: 255 },
      'uint8',
      'uint8',
      [2, 64],
      (i) => i % 5,
      (i) => (i % 11 === 0 ? 255 : (i * 3) % 5),
    ],
    ['BinaryAUROC', {}, 'float32', 'uint8', [500], (i) => ((i * 37) % 101) / 100, (i) => (i % 3 === 0 ? 1 : 0)],
  ];
  for (const [name, options, pd, td, shape, fp, ft] of cases) {
    const zero = createMetric(name, options);
    const copied = createMetric(name, options);
    const preds = allocInput(pd, shape);
    const target = allocInput(td, shape);
    for (let batch = 0; batch < 3; batch++) {
      fill(preds.data, (i) => fp(i + batch * 1000));
      fill(target.data, (i) => ft(i + batch * 1000));
      zero.update(preds, target);
      copied.update({ data: preds.data.slice(), shape }, { data: target.data.slice(), shape });
    }
    assert.deepEqual(zero.compute(), copied.compute(), name);
    preds.dispose();
    target.dispose();
    zero.dispose();
    copied.dispose();
  }
});

test('allocInput: forward and MetricCollection accept HeapInputs; the input is left unchanged', () => {
  const preds = allocInput('float32', [64]);
  const target = allocInput('float32', [64]);
  fill(preds.data, (i) => i / 64);
  fill(target.data, (i) => (i % 8) / 8);
  const before = preds.data.slice();
  const m = createMetric('MeanSquaredError');
  const ref = createMetric('MeanSquaredError');
  assert.equal(m.forward(preds, target), ref.forward(preds.data.slice(), target.data.slice()));
  const coll = new MetricCollection([createMetric('MeanSquaredError'), createMetric('R2Score')]);
  coll.update(preds, target);
  const r2 = createMetric('R2Score');
  r2.update(preds.data.slice(), target.data.slice());
  assert.equal(coll.compute().R2Score, r2.compute());
  assert.deepEqual(preds.data, before);
  for (const x of [preds, target, m, ref, coll, r2]) x.dispose();
});

test('HeapInput: dtype, shape, byteLength; dispose is idempotent and any later use throws', () => {
  const h = allocInput('uint16', [3, 5]);
  assert.ok(h instanceof HeapInput);
  assert.equal(h.dtype, 'uint16');
  assert.deepEqual([...h.shape], [3, 5]);
  assert.equal(h.byteLength, 30);
  assert.ok(h.data instanceof Uint16Array);
  assert.equal(h.data.length, 15);
  const m = createMetric('MulticlassAccuracy', { numClasses: 3 });
  h.dispose();
  h.dispose();
  assert.equal(h.disposed, true);
  assert.throws(() => h.data, /disposed/);
  assert.throws(() => m.update(h, h), /MulticlassAccuracy\.update: `preds`: this HeapInput was disposed/);
  m.dispose();
});

test('allocInput: unknown dtypes and bad shapes are refused naming the value', () => {
  assert.throws(() => allocInput('float16', [2]), /allocInput: unknown dtype "float16"/);
  assert.throws(
    () => allocInput('float32', [2, -1]),
    /allocInput: shape must be an array of non-negative integers, got \[2,-1\]/,
  );
  assert.throws(() => allocInput('float32', 4), /allocInput: shape must be/);
  assert.throws(() => allocInput('float64', [2 ** 20, 2 ** 20]), /larger than the 4 GB WebAssembly heap/);
  assert.throws(() => new HeapInput(), /use allocInput/);
});

test('memory growth detaches an old view; re-acquiring .data sees the same contents and updates correctly', () => {
  const preds = allocInput('float32', [1000]);
  const target = allocInput('float32', [1000]);
  const oldView = preds.data;
  fill(oldView, (i) => i * 0.5);
  fill(target.data, (i) => i * 0.25);
  // Allocating as much as the whole current heap must grow it.
  const big = allocInput('uint8', [oldView.buffer.byteLength]);
  assert.equal(oldView.length, 0, 'the view taken before growth is detached');
  const fresh = preds.data;
  assert.equal(fresh.length, 1000);
  assert.deepEqual(Array.from(fresh.subarray(0, 4)), [0, 0.5, 1, 1.5]);
  const m = createMetric('MeanAbsoluteError');
  m.update(preds, target);
  const ref = createMetric('MeanAbsoluteError');
  ref.update(Float32Array.from(fresh), Float32Array.from(target.data));
  assert.equal(m.compute(), ref.compute());
  for (const x of [preds, target, big, m, ref]) x.dispose();
});

test('benchFloors (the benchmark floors, a module of their own): the SIMD byte sum equals a JS sum (several blocks and a tail); scatter and histogram checksums; nothing bench-only in the shipped .wasm', async () => {
  // the internal bench entry: the same code as index.mjs plus benchFloors (not in the package's API)
  const { benchFloors, init: benchInit } = await import(new URL('../../npm/dist/bench.mjs', import.meta.url).href);
  assert.equal((await importPackage()).benchFloors, undefined, 'benchFloors is in the public API');
  assert.throws(() => benchFloors.alloc('uint8', 4), /benchFloors\.init/);
  await benchInit();
  await benchFloors.init(); // the floors' own module, built like the package's module in use
  const n = 3 * 65536 + 4099; // three full SIMD blocks of 4096 loads, a partial one, a scalar tail
  const bytes = benchFloors.alloc('uint8', n);
  fill(bytes.data, (i) => (i * 131 + 7) & 0xff);
  let sum = 0;
  for (const v of bytes.data) sum += v;
  assert.equal(benchFloors.readSum(bytes), sum);
  // copyOf: the same bytes from a typed array
  const again = benchFloors.copyOf(bytes.data.slice());
  assert.equal(benchFloors.readSum(again), sum);
  // scatter: sum over cells of count * pred = sum of pred bytes
  const target = benchFloors.alloc('uint8', n);
  fill(target.data, (i) => i % 21);
  assert.equal(benchFloors.scatter(bytes, target), sum);
  // the uint16 scatter: the same maps widened give the same checksum
  const bytes16 = benchFloors.copyOf(Uint16Array.from(bytes.data));
  const target16 = benchFloors.copyOf(Uint16Array.from(target.data));
  assert.equal(benchFloors.scatter16(bytes16, target16), sum);
  // histogram over 11 bins of scores in [0, 1]: sum of count * (bin * 2 + label)
  const scores = benchFloors.alloc('float32', 1000);
  const labels = benchFloors.alloc('uint8', 1000);
  fill(scores.data, (i) => (i % 100) / 99);
  fill(labels.data, (i) => i % 2);
  let check = 0;
  for (let i = 0; i < 1000; i++) check += Math.min(10, Math.trunc(scores.data[i] * 10)) * 2 + labels.data[i];
  assert.equal(benchFloors.histogram(scores, labels, 11), check);
  // radixSort: descending, labels carried
  fill(scores.data, (i) => ((i * 37) % 1000) / 999);
  fill(labels.data, (i) => ((i * 37) % 1000) & 1);
  benchFloors.radixSort(scores, labels);
  const sorted = Array.from(scores.data);
  assert.deepEqual(
    sorted,
    [...sorted].sort((a, b) => b - a),
  );
  assert.ok(Array.from(scores.data).every((v, i) => (Math.round(v * 999) & 1) === labels.data[i]));
  for (const x of [bytes, again, target, bytes16, target16, scores, labels]) x.dispose();
  // issue 18: the package's modules bind no bench function (Embind keeps each bound name as text)
  for (const file of ['wasmetrics-simd.wasm', 'wasmetrics-plain.wasm']) {
    const wasm = readFileSync(new URL(`../../npm/dist/${file}`, import.meta.url));
    for (const name of ['benchReadFloor', 'benchScatterFloor', 'benchRadixSortFloor', 'benchHistogramFloor'])
      assert.equal(wasm.includes(name), false, `${file} binds ${name}`);
  }
});

test('passing allocInput().data kept across a heap growth names the input and says to pass the HeapInput', () => {
  const h = allocInput('float32', [4]);
  const stale = h.data;
  stale.set([1, 2, 3, 4]);
  const grow = allocInput('uint8', [64 << 20]); // forces the heap to grow: `stale` is detached
  const m = createMetric('MeanSquaredError');
  assert.throws(
    () => m.update(stale, h),
    (e) =>
      e instanceof TypeError &&
      /`preds`/.test(e.message) &&
      /detached/.test(e.message) &&
      /pass the HeapInput/.test(e.message),
  );
  m.update(h, h); // the module and the metric still work
  assert.equal(m.compute(), 0);
  for (const x of [m, h, grow]) x.dispose();
});
