// Metric arithmetic (CompositionalMetric). Expected values: the parts' own values combined in the
// test with plain JS arithmetic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { classificationBatches, regressionBatches } from './collection-data.mjs';

const lib = await importPackage();
const { init, createMetric, CompositionalMetric, MetricCollection, Tensor, defineMetric } = lib;
await init();

const C = 3;

test("precision and recall combine into F1 as TorchMetrics' composition does", () => {
  const batches = classificationBatches(21, 4, 50, C);
  const p = createMetric('MulticlassPrecision', { numClasses: C, average: 'micro' });
  const r = createMetric('MulticlassRecall', { numClasses: C, average: 'micro' });
  const f1 = p.mul(r).mul(2).div(p.add(r));
  assert.ok(f1 instanceof CompositionalMetric);
  assert.deepEqual(f1.parts, [p, r]);
  for (const b of batches) f1.update(...b);
  const refP = createMetric('MulticlassPrecision', { numClasses: C, average: 'micro' });
  const refR = createMetric('MulticlassRecall', { numClasses: C, average: 'micro' });
  for (const b of batches) {
    refP.update(...b);
    refR.update(...b);
  }
  const [vp, vr] = [refP.compute(), refR.compute()];
  assert.equal(f1.compute(), (vp * vr * 2) / (vp + vr));
  assert.equal(p.compute(), vp);
  for (const m of [p, r, refP, refR]) m.dispose();
});

test('a metric used several times is updated once', () => {
  const s = createMetric('SumMetric');
  const expr = s.add(s.mul(2)).sub(s.neg()); // s + 2s + s
  assert.equal(expr.parts.length, 1);
  expr.update([1, 2, 3.5]);
  const ref = createMetric('SumMetric');
  ref.update([1, 2, 3.5]);
  const v = ref.compute();
  assert.equal(s.compute(), v, 'updated once');
  assert.equal(expr.compute(), v + v * 2 - -v);
  s.dispose();
  ref.dispose();
});

test('constants on both sides, abs, neg, pow and their r-variants', () => {
  const batches = regressionBatches(22, 3, 40);
  const m = createMetric('MeanSquaredError');
  const ref = createMetric('MeanSquaredError');
  for (const b of batches) {
    m.update(...b);
    ref.update(...b);
  }
  const v = ref.compute();
  const cases = [
    [m.add(1), v + 1],
    [m.radd(1), 1 + v],
    [m.sub(10), v - 10],
    [m.rsub(1), 1 - v],
    [m.mul(3), v * 3],
    [m.rmul(3), 3 * v],
    [m.div(4), v / 4],
    [m.rdiv(1), 1 / v],
    [m.pow(0.5), v ** 0.5],
    [m.rpow(2), 2 ** v],
    [m.sub(10).abs(), Math.abs(v - 10)],
    [m.neg(), -v],
    [m.neg().abs().neg(), -Math.abs(-v)],
  ];
  for (const [expr, want] of cases) assert.equal(expr.compute(), want, expr.name);
  assert.equal(m.sub(1).name, '(MeanSquaredError - 1)');
  m.dispose();
  ref.dispose();
});

test('tensor results combine element-wise; shapes must agree', () => {
  const batches = classificationBatches(23, 2, 60, C);
  const p = createMetric('MulticlassPrecision', { numClasses: C, average: 'none' });
  const r = createMetric('MulticlassRecall', { numClasses: C, average: 'none' });
  const diff = p.sub(r);
  for (const b of batches) diff.update(...b);
  const got = diff.compute();
  const [vp, vr] = [p.compute(), r.compute()];
  assert.ok(got instanceof Tensor);
  assert.deepEqual(
    Array.from(got.data),
    Array.from(vp.data, (x, i) => x - vr.data[i]),
  );
  assert.deepEqual(
    Array.from(p.mul(new Tensor(Float64Array.of(1, 2, 3), [3])).compute().data),
    Array.from(vp.data, (x, i) => x * (i + 1)),
  );
  const scalar = createMetric('MulticlassAccuracy', { numClasses: C });
  scalar.update(...batches[0]);
  assert.deepEqual(
    Array.from(p.add(scalar).compute().data),
    Array.from(vp.data, (x) => x + scalar.compute()),
  );
  const wide = createMetric('MulticlassRecall', { numClasses: C + 1, average: 'none' });
  wide.update([0, 1], [0, 3]);
  assert.throws(() => p.add(wide).compute(), /cannot combine tensors of shapes \[3\] and \[4\]/);
  for (const x of [p, r, scalar, wide]) x.dispose();
});

test("forward combines the parts' batch values; reset, merge, saveState/loadState", () => {
  const batches = regressionBatches(24, 4, 30);
  const mse = createMetric('MeanSquaredError');
  const mae = createMetric('MeanAbsoluteError');
  const expr = mse.sub(mae.pow(2));
  const refMse = createMetric('MeanSquaredError');
  const refMae = createMetric('MeanAbsoluteError');
  for (const b of batches) {
    const got = expr.forward(...b);
    assert.equal(got, refMse.forward(...b) - refMae.forward(...b) ** 2);
  }
  assert.equal(expr.compute(), refMse.compute() - refMae.compute() ** 2);

  const blob = expr.saveState();
  const copy = expr.clone();
  assert.notEqual(copy.parts[0], mse);
  copy.loadState(blob);
  assert.equal(copy.compute(), expr.compute());
  copy.merge(expr);
  assert.equal(copy.parts[0].compute(), mse.compute(), 'merging doubles every sum: the mean is unchanged');
  assert.throws(() => copy.loadState(mse.abs().saveState()), /other options or members/);
  assert.throws(() => copy.merge(mse.abs()), /cannot merge a different expression/);

  expr.reset();
  // reset reaches the parts: their state equals a fresh metric's.
  const fresh = createMetric('MeanSquaredError');
  assert.deepEqual(mse.saveState(), fresh.saveState());
  expr.dispose();
  assert.throws(() => expr.compute(), /disposed/);
  assert.ok(!mse.disposed, 'a composition does not own its parts');
  for (const m of [mse, mae, refMse, refMae, fresh, ...copy.parts]) m.dispose();
});

test('in a collection, an expression of other entries is computed from them, each updated once', () => {
  const batches = regressionBatches(25, 3, 20);
  // Counts rows: a second update with the same batch would double it.
  const Rows = defineMetric({
    name: 'Rows',
    states: { n: { init: 0 } },
    update(state, preds) {
      state.n += preds.length;
    },
    compute: (state) => state.n,
  });
  const mse = createMetric('MeanSquaredError');
  const sum = new Rows();
  const coll = new MetricCollection({ rmse: mse.pow(0.5), mse, sum, twice: sum.mul(2), mixed: sum.add(mse) });
  assert.deepEqual(coll.computeGroups, [['mse'], ['sum']], 'the expressions hold no state of their own');
  const refMse = createMetric('MeanSquaredError');
  const refSum = new Rows();
  for (const [p, t] of batches) {
    coll.update(p, t);
    refMse.update(p, t);
    refSum.update(p, t);
  }
  const [m, s] = [refMse.compute(), refSum.compute()];
  assert.equal(s, batches.length * 20);
  assert.deepEqual(coll.compute(), { rmse: m ** 0.5, mse: m, sum: s, twice: s * 2, mixed: s + m });
  const [p0, t0] = batches[0];
  const f = coll.forward(p0, t0);
  const [fm, fs] = [refMse.forward(p0, t0), refSum.forward(p0, t0)];
  assert.deepEqual(f, { rmse: fm ** 0.5, mse: fm, sum: fs, twice: fs * 2, mixed: fs + fm });
  assert.equal(coll.compute().sum, s + 20);
  const copy = coll.clone();
  copy.loadState(coll.saveState());
  assert.deepEqual(copy.compute(), coll.compute());
  for (const x of [coll, copy, refMse, refSum]) x.dispose();
  assert.ok(mse.disposed && sum.disposed);
});

test('operand errors', () => {
  const mse = createMetric('MeanSquaredError');
  assert.throws(() => mse.add('x'), /second operand: expected a metric/);
  assert.throws(() => new CompositionalMetric('add', 1, 2), /at least one operand must be a metric/);
  assert.throws(() => new CompositionalMetric('mod', mse, 2), /unknown operator/);
  mse.dispose();
});
