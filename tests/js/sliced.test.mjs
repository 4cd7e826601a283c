// SlicedMetric (npm/src/sliced.mjs): every slice's value equals a separate metric fed that
// slice's rows (same batches, same row order), the overall value equals the metric on all rows,
// over classification, regression, curve metrics and a collection; unseen and declared-empty
// keys; save/load; merge of shards with different slice sets; a refused update changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { classificationBatches, regressionBatches, rng } from './collection-data.mjs';

const lib = await importPackage();
const { init, createMetric, SlicedMetric, MetricCollection, Tensor } = lib;
await init();

// A result as plain JSON (Tensors as {shape, data}), for deepEqual.
function plain(v) {
  if (v instanceof Tensor) return { shape: [...v.shape], data: Array.from(v.data) };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

// Rows `idx` of one input (typed array, or {data, shape} with rows of shape[1..]).
function rows(x, idx) {
  if (ArrayBuffer.isView(x)) return x.constructor.from(idx, (i) => x[i]);
  if (Array.isArray(x)) return idx.map((i) => x[i]);
  const row = x.shape.slice(1).reduce((a, d) => a * d, 1);
  const data = new x.data.constructor(idx.length * row);
  idx.forEach((i, j) => data.set(x.data.subarray(i * row, (i + 1) * row), j * row));
  return { data, shape: [idx.length, ...x.shape.slice(1)] };
}

function binaryBatches(seed, count, n) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const target = Int32Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    const preds = Float32Array.from(target, (t) =>
      Math.min(0.999, Math.max(0.001, 0.5 + (t - 0.5) * 0.4 + (r() - 0.5) * 0.8)),
    );
    return [preds, target];
  });
}

// Keys per batch: ints 0..4, one key appearing only from the second batch on (unseen at first).
function intKeys(seed, batches) {
  const r = rng(seed);
  return batches.map((b, j) => Int32Array.from({ length: b[1].length }, () => Math.floor(r() * (j === 0 ? 4 : 5))));
}
const stringKeys = (keys) => keys.map((k) => Array.from(k, (v) => ['ann-a', 'ann-b', 'ann-c', 'web', 'scan'][v]));

const KINDS = [
  ['BinaryAccuracy', () => createMetric('BinaryAccuracy'), binaryBatches(1, 3, 90)],
  ['BinaryAUROC', () => createMetric('BinaryAUROC'), binaryBatches(2, 3, 90)],
  ['BinaryROC (exact curve)', () => createMetric('BinaryROC'), binaryBatches(3, 3, 90)],
  [
    'BinaryPrecisionRecallCurve (binned)',
    () => createMetric('BinaryPrecisionRecallCurve', { thresholds: 11 }),
    binaryBatches(4, 3, 90),
  ],
  [
    'MulticlassF1Score macro',
    () => createMetric('MulticlassF1Score', { numClasses: 3, average: 'macro' }),
    classificationBatches(5, 3, 90, 3),
  ],
  [
    'MulticlassConfusionMatrix',
    () => createMetric('MulticlassConfusionMatrix', { numClasses: 3 }),
    classificationBatches(6, 3, 90, 3),
  ],
  ['MeanSquaredError', () => createMetric('MeanSquaredError'), regressionBatches(7, 3, 90)],
  ['R2Score', () => createMetric('R2Score'), regressionBatches(8, 3, 90)],
  [
    'MetricCollection',
    () =>
      new MetricCollection({
        acc: createMetric('MulticlassAccuracy', { numClasses: 3 }),
        recall: createMetric('MulticlassRecall', { numClasses: 3, average: 'none' }),
        auroc: createMetric('MulticlassAUROC', { numClasses: 3 }),
      }),
    classificationBatches(9, 3, 90, 3),
  ],
];

for (const [label, make, batches] of KINDS) {
  for (const [keyKind, keysOf] of [
    ['int keys', (k) => k],
    ['string keys', stringKeys],
  ]) {
    test(`SlicedMetric(${label}), ${keyKind}: each slice equals a separate metric on its rows; overall equals the plain metric`, () => {
      const keys = keysOf(intKeys(label.length, batches));
      const sliced = new SlicedMetric(make());
      const overall = make();
      const separate = new Map();
      batches.forEach((b, j) => {
        sliced.update(...b, keys[j]);
        overall.update(...b);
        const batchKeys = Array.from(keys[j]);
        for (const k of new Set(batchKeys)) {
          const idx = batchKeys.flatMap((v, i) => (v === k ? [i] : []));
          if (!separate.has(k)) separate.set(k, { metric: make(), count: 0 });
          const s = separate.get(k);
          s.metric.update(...b.map((x) => rows(x, idx)));
          s.count += idx.length;
        }
      });
      const got = sliced.compute();
      assert.deepEqual(plain(got.overall), plain(overall.compute()));
      assert.equal(got.slices.length, separate.size);
      assert.equal(got.slices.length, 5, 'the key first seen in batch 2 is a slice');
      const sortedKeys = [...separate.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      assert.deepEqual(
        got.slices.map((s) => s.key),
        sortedKeys,
      );
      for (const s of got.slices) {
        const want = separate.get(s.key);
        assert.equal(s.count, want.count, `count of ${s.key}`);
        assert.deepEqual(plain(s.value), plain(want.metric.compute()), `slice ${s.key}`);
      }
      assert.equal(
        got.slices.reduce((a, s) => a + s.count, 0),
        batches.reduce((a, b) => a + b[1].length, 0),
      );

      // save -> load into a fresh wrapper gives the same values
      const restored = new SlicedMetric(make());
      restored.loadState(sliced.saveState());
      assert.deepEqual(plain(restored.compute()), plain(got));
      for (const m of [sliced, overall, restored, ...[...separate.values()].map((s) => s.metric)]) m.dispose();
    });
  }
}

test('SlicedMetric: merge of shards with different slice sets equals one pass over all rows', () => {
  const batches = binaryBatches(11, 4, 60);
  const r = rng(12);
  const keys = batches.map((_, j) =>
    Array.from({ length: 60 }, () => (j < 2 ? ['a', 'b'] : ['b', 'c', 7])[Math.floor(r() * (j < 2 ? 2 : 3))]),
  );
  const one = new SlicedMetric(createMetric('BinaryF1Score'));
  const shardA = new SlicedMetric(createMetric('BinaryF1Score'));
  const shardB = new SlicedMetric(createMetric('BinaryF1Score'));
  batches.forEach((b, j) => {
    one.update(...b, keys[j]);
    (j < 2 ? shardA : shardB).update(...b, keys[j]);
  });
  assert.deepEqual(shardA.keys, ['a', 'b']);
  assert.deepEqual(shardB.keys, [7, 'b', 'c'], 'ints sort before strings');
  shardA.merge(shardB);
  assert.deepEqual(plain(shardA.compute()), plain(one.compute()));
  assert.throws(() => shardA.merge(new SlicedMetric(createMetric('BinaryAccuracy'))), /wraps another metric/);
  for (const m of [one, shardA, shardB]) m.dispose();
});

test('SlicedMetric: declared keys report empty slices (value null, count 0); 1 and "1" are different slices; reset', () => {
  const [preds, target] = binaryBatches(13, 1, 8)[0];
  const m = new SlicedMetric(createMetric('BinaryAccuracy'), { keys: ['never', 1] });
  assert.deepEqual(plain(m.compute().slices), [
    { key: 1, value: null, count: 0 },
    { key: 'never', value: null, count: 0 },
  ]);
  m.update(preds, target, [1, 1, '1', '1', 1, 1, '1', 1]);
  const got = m.compute();
  assert.deepEqual(
    got.slices.map((s) => [s.key, s.count]),
    [
      [1, 5],
      ['1', 3],
      ['never', 0],
    ],
  );
  assert.equal(got.slices[2].value, null);
  m.update(preds.subarray(0, 0), target.subarray(0, 0), []); // an empty batch
  assert.deepEqual(
    m.compute().slices.map((s) => s.count),
    [5, 3, 0],
  );
  m.reset();
  assert.deepEqual(m.keys, [1, 'never'], 'reset keeps the declared slices only');
  const blob = m.saveState();
  const other = new SlicedMetric(createMetric('BinaryAccuracy'), { keys: ['never', 1] });
  other.loadState(blob);
  assert.deepEqual(plain(other.compute().slices), plain(m.compute().slices));
  m.dispose();
  other.dispose();
});

test("SlicedMetric: forward returns the batch's own slices and accumulates", () => {
  const batches = binaryBatches(14, 2, 40);
  const keys = batches.map((b) => Array.from(b[1], (_, i) => i % 3));
  const m = new SlicedMetric(createMetric('BinaryAccuracy'));
  const fresh = new SlicedMetric(createMetric('BinaryAccuracy'));
  m.update(...batches[0], keys[0]);
  const f = m.forward(...batches[1], keys[1]);
  fresh.update(...batches[1], keys[1]);
  assert.deepEqual(plain(f), plain(fresh.compute()));
  assert.equal(m.compute().slices[0].count, 14 + 14);
  m.dispose();
  fresh.dispose();
});

test('SlicedMetric: a refused update (bad target in one slice, bad key, too many slices) changes nothing', () => {
  const [preds, target] = binaryBatches(15, 1, 30)[0];
  const keys = Array.from(target, (_, i) => ['x', 'y', 'z'][i % 3]);
  const m = new SlicedMetric(createMetric('BinaryAccuracy'), { maxSlices: 4 });
  m.update(preds, target, keys);
  const before = plain(m.compute());
  const blob = m.saveState();
  const badTarget = Int32Array.from(target);
  badTarget[4] = 2; // in slice 'y'
  const newKeys = keys.map((k, i) => (i === 0 ? 'brand-new' : k));
  assert.throws(() => m.update(preds, badTarget, newKeys), /target/);
  assert.deepEqual(plain(m.compute()), before);
  assert.deepEqual(m.keys, ['x', 'y', 'z'], 'no slice was created by the refused batch');
  assert.throws(
    () =>
      m.update(
        preds,
        target,
        keys.map((k, i) => (i === 3 ? 1.5 : k)),
      ),
    /integers or strings.*row 3/,
  );
  assert.throws(() => m.update(preds, target, keys.slice(1)), /slice keys are 29/);
  assert.throws(
    () =>
      m.update(
        preds,
        target,
        keys.map((k, i) => (i < 2 ? `id${i}` : k)),
      ),
    /more than maxSlices 4/,
  );
  // without keys, the target is taken for the keys and the metric misses an input: refused all the same
  assert.throws(() => m.update(preds, target));
  assert.deepEqual(plain(m.compute()), before);
  assert.deepEqual(m.saveState(), blob);
  assert.throws(
    () => m.loadState(new SlicedMetric(createMetric('BinaryF1Score')).saveState()),
    /other options or members/,
  );
  assert.deepEqual(plain(m.compute()), before);
  m.dispose();
  assert.throws(() => m.compute(), /disposed/);
});
