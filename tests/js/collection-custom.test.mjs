// Custom metrics from JS (defineMetric), starting with the RMSE example of TorchMetrics'
// "Implementing a Metric" page (states sum_squared_error and n_observations).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { regressionBatches } from './collection-data.mjs';

const lib = await importPackage();
const { init, defineMetric, CustomMetric, MetricCollection, MeanSquaredError, createMetric } = lib;
await init();

// TorchMetrics docs:
//   class MyRMSE(Metric):
//     def __init__(self): add_state("sum_squared_error", tensor(0.0), dist_reduce_fx="sum")
//                         add_state("n_observations", tensor(0), dist_reduce_fx="sum")
//     def update(self, preds, target): self.sum_squared_error += torch.sum((preds - target) ** 2)
//                                       self.n_observations += preds.numel()
//     def compute(self): return torch.sqrt(self.sum_squared_error / self.n_observations)
const MyRMSE = defineMetric({
  name: 'MyRMSE',
  states: {
    sum_squared_error: { init: 0, reduce: 'sum' },
    n_observations: { init: 0, reduce: 'sum' },
  },
  update(state, preds, target) {
    if (preds.length !== target.length)
      throw new Error(`MyRMSE: preds has ${preds.length} values, target ${target.length}`);
    for (let i = 0; i < preds.length; i++) {
      const d = preds[i] - target[i];
      state.sum_squared_error += d * d;
    }
    state.n_observations += preds.length;
  },
  compute(state) {
    return Math.sqrt(state.sum_squared_error / state.n_observations);
  },
});

const close = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

test('the TorchMetrics RMSE example equals MeanSquaredError({squared: false})', () => {
  const batches = regressionBatches(31, 5, 100);
  const mine = new MyRMSE();
  const builtin = new MeanSquaredError({ squared: false });
  assert.ok(mine instanceof CustomMetric);
  assert.equal(mine.name, 'MyRMSE');
  assert.equal(MyRMSE.name, 'MyRMSE');
  for (const b of batches) {
    assert.ok(close(mine.forward(...b), builtin.forward(...b)), 'forward: the batch value');
  }
  assert.ok(close(mine.compute(), builtin.compute()));
  assert.equal(mine.updates, batches.length);
  mine.dispose();
  builtin.dispose();
});

test('merge, saveState/loadState round trip; reset', () => {
  const batches = regressionBatches(32, 6, 50);
  const whole = new MyRMSE();
  const a = new MyRMSE();
  const b = new MyRMSE();
  batches.forEach((x, i) => {
    whole.update(...x);
    (i < 3 ? a : b).update(...x);
  });
  a.merge(b);
  assert.ok(close(a.compute(), whole.compute()));
  const blob = whole.saveState();
  assert.ok(blob instanceof Uint8Array);
  const restored = new MyRMSE();
  restored.loadState(blob);
  assert.equal(restored.compute(), whole.compute());
  assert.equal(restored.updates, whole.updates);
  restored.reset();
  assert.ok(Number.isNaN(restored.compute()), '0/0 after reset');
  for (const m of [whole, a, b, restored]) m.dispose();
});

test('blobs of another metric, other options, a built-in metric or a corrupt blob are refused', () => {
  const m = new MyRMSE();
  m.update([1, 2], [1, 3]);
  const before = m.compute();
  const Other = defineMetric({ name: 'Other', states: { x: { init: 0 } }, update() {}, compute: () => 0 });
  const other = new Other();
  assert.throws(
    () => m.loadState(other.saveState()),
    /MyRMSE\.loadState: refusing the state blob: it holds the state of Other \(custom\), not of MyRMSE/,
  );
  const withOptions = new MyRMSE({ scale: 2 });
  assert.throws(() => m.loadState(withOptions.saveState()), /saved with other options/);
  assert.throws(() => m.merge(withOptions), /cannot merge instances with different options/);
  const native = createMetric('MeanSquaredError');
  assert.throws(() => m.loadState(native.saveState()), /it is the blob of a built-in metric/);
  assert.throws(() => native.loadState(m.saveState()), Error);
  const corrupt = m.saveState();
  corrupt[14] ^= 1;
  assert.throws(() => m.loadState(corrupt), /checksum mismatch/);
  const future = m.saveState();
  future[4] = 9; // version
  assert.throws(() => m.loadState(future), /format version 9/);
  assert.equal(m.compute(), before);
  assert.throws(() => m.merge(other), /expected another MyRMSE/);
  for (const x of [m, other, withOptions, native]) x.dispose();
});

test('reductions sum, mean, min, max, cat and vector states', () => {
  const Stats = defineMetric({
    name: 'Stats',
    states: {
      total: { init: 0, reduce: 'sum' },
      avg: { init: 0, reduce: 'mean' },
      lo: { init: Infinity, reduce: 'min' },
      hi: { init: -Infinity, reduce: 'max' },
      all: { reduce: 'cat' },
      perColumn: { init: [0, 0], reduce: 'sum' },
    },
    update(state, values) {
      for (const v of values) {
        state.total += v;
        state.lo = Math.min(state.lo, v);
        state.hi = Math.max(state.hi, v);
        state.all.push(v);
      }
      state.avg = values.reduce((s, v) => s + v, 0) / values.length; // the batch mean
      values.forEach((v, i) => {
        state.perColumn[i % 2] += v;
      });
    },
    compute(state) {
      return {
        total: state.total,
        avg: state.avg,
        lo: state.lo,
        hi: state.hi,
        all: [...state.all],
        perColumn: Array.from(state.perColumn),
      };
    },
  });
  const batches = [
    [3, -1, 4],
    [1, 5],
    [-9, 2, 6, 5],
  ];
  const a = new Stats();
  const b = new Stats();
  a.update(batches[0]);
  b.update(batches[1]);
  b.update(batches[2]);
  a.merge(b);
  const flat = batches.flat();
  const batchMeans = batches.map((x) => x.reduce((s, v) => s + v, 0) / x.length);
  const got = a.compute();
  assert.equal(
    got.total,
    flat.reduce((s, v) => s + v, 0),
  );
  assert.ok(close(got.avg, batchMeans.reduce((s, v) => s + v, 0) / batchMeans.length), 'mean weighted by update count');
  assert.equal(got.lo, Math.min(...flat));
  assert.equal(got.hi, Math.max(...flat));
  assert.deepEqual(got.all, [...batches[0], ...batches[1], ...batches[2]]);
  assert.deepEqual(got.perColumn, [3 + 4 + 1 - 9 + 6, -1 + 5 + 2 + 5]);
  const copy = new Stats();
  copy.loadState(a.saveState());
  assert.deepEqual(copy.compute(), got);
  // A cat state survives NaN and -0 exactly.
  const c = new Stats();
  c.update([NaN, -0]);
  const d = new Stats();
  d.loadState(c.saveState());
  assert.ok(Number.isNaN(d.compute().all[0]) && Object.is(d.compute().all[1], -0));
  for (const x of [a, b, copy, c, d]) x.dispose();
});

test('a throwing update leaves the state unchanged; bad definitions are refused', () => {
  const m = new MyRMSE();
  m.update([1, 2, 3], [1, 2, 4]);
  const blob = m.saveState();
  assert.throws(() => m.update([1, 2], [1]), /preds has 2 values, target 1/);
  assert.deepEqual(m.saveState(), blob);
  const Bad = defineMetric({
    name: 'Bad',
    states: { x: { init: 0 } },
    update(state) {
      state.x = 'text';
    },
    compute: () => 0,
  });
  assert.throws(() => new Bad().update(), /Bad\.update: update\(\) left state 'x' as text; it must stay a number/);
  assert.throws(
    () => defineMetric({ name: 'X', states: { x: { init: 0, reduce: 'median' } }, update() {}, compute() {} }),
    /unknown reduce "median"/,
  );
  assert.throws(
    () => defineMetric({ name: 'no spaces', states: { x: { init: 0 } }, update() {}, compute() {} }),
    /name must be an identifier/,
  );
  assert.throws(() => defineMetric({ name: 'X', states: {}, update() {}, compute() {} }), /`states` must be an object/);
  assert.throws(() => new CustomMetric(), /abstract/);
  m.dispose();
  assert.throws(() => m.compute(), /MyRMSE\.compute: this metric was disposed/);
});

test('custom metrics in a collection (compute groups by definition and options) and in arithmetic', () => {
  const batches = regressionBatches(33, 3, 40);
  const coll = new MetricCollection({ rmse: new MyRMSE(), again: new MyRMSE(), mse: new MeanSquaredError() });
  assert.deepEqual(coll.computeGroups, [['rmse', 'again'], ['mse']]);
  for (const b of batches) coll.update(...b);
  const got = coll.compute();
  assert.equal(got.again, got.rmse);
  assert.ok(close(got.rmse ** 2, got.mse));
  const blob = coll.saveState();
  const restored = coll.clone();
  restored.loadState(blob);
  assert.deepEqual(restored.compute(), got);

  const rmse = new MyRMSE();
  const squared = rmse.pow(2);
  for (const b of batches) squared.update(...b);
  assert.ok(close(squared.compute(), got.mse));
  for (const x of [coll, restored, rmse]) x.dispose();
});
