// Classification extras through the npm package: the batch-averaging trap against the fixtures'
// TorchMetrics values, bestThresholds() fed back as per-label thresholds, and `labels`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { camelCaseArgs, compareResult, fixtureTensor, importPackage, readFixtureFiles } from './helpers.mjs';

const wm = await importPackage();
await wm.init();

test("the batch-averaging trap: compute() over two one-class batches is TorchMetrics' value, not the mean of forward()", () => {
  const cases = readFixtureFiles()
    .flatMap((f) => f.cases)
    .filter((c) => c.id.endsWith('_trap'));
  assert.ok(cases.length >= 5, `expected the fixtures' *_trap cases, found ${cases.length}`);
  let differing = 0;
  for (const c of cases) {
    const m = wm.createMetric(c.metric, camelCaseArgs(c.args));
    const forwards = c.batches.map((b, i) => {
      const inputs = Object.values(b).map((t, k) => fixtureTensor(t, `${c.id}.batch${i}.${k}`));
      return m.forward(...inputs);
    });
    c.forward.forEach((want, i) =>
      assert.equal(compareResult(forwards[i], want, c.atol, c.rtol, wm.Tensor), '', `${c.id} forward[${i}]`),
    );
    const value = m.compute();
    assert.equal(compareResult(value, c.expected, c.atol, c.rtol, wm.Tensor), '', `${c.id} compute()`);
    if (typeof value === 'number') {
      const mean = forwards.reduce((a, b) => a + b, 0) / forwards.length;
      if (Math.abs(mean - value) > 1e-3) differing++;
    }
    m.dispose();
  }
  assert.ok(differing >= 5, `compute() differs from the mean of the batch values in ${differing} trap cases`);
});

// Multilabel probabilities with per-label signal of different strength; scores rounded to 1/100.
function multilabelData(n, labels, seed) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const preds = new Float32Array(n * labels);
  const target = new Int32Array(n * labels);
  for (let i = 0; i < n * labels; i++) {
    const l = i % labels;
    target[i] = rand() < 0.2 + 0.15 * l ? 1 : 0;
    preds[i] = Math.round((0.5 * rand() + (target[i] ? 0.1 + 0.1 * l : 0.05)) * 100) / 100; // in [0.05, 0.9]: probabilities
  }
  return { preds: { data: preds, shape: [n, labels] }, target: { data: target, shape: [n, labels] } };
}

const f1 = (tp, fp, fn) => (tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0);

test('bestThresholds() gives per-label thresholds that reach the reported F1 when fed back, and beat every other cut', () => {
  const L = 4;
  const { preds, target } = multilabelData(400, L, 42);
  const curve = new wm.MultilabelPrecisionRecallCurve({ numLabels: L });
  curve.update(preds, target);
  const best = curve.bestThresholds();
  assert.equal(best.threshold.size, L);
  const thresholds = Array.from(best.threshold.data);
  // brute force over every cut of the data
  for (let l = 0; l < L; l++) {
    const counts = (tau) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < 400; i++) {
        const p = preds.data[i * L + l] > tau;
        const t = target.data[i * L + l] === 1;
        if (p && t) tp++;
        else if (p) fp++;
        else if (t) fn++;
      }
      return f1(tp, fp, fn);
    };
    const cuts = [...new Set(Array.from({ length: 400 }, (_, i) => preds.data[i * L + l]))].map(
      (v) => Math.fround(v) - 1e-6,
    );
    const brute = Math.max(...cuts.map(counts));
    assert.ok(
      Math.abs(best.value.data[l] - brute) < 1e-12,
      `label ${l}: ${best.value.data[l]} vs brute force ${brute}`,
    );
    assert.ok(Math.abs(counts(thresholds[l]) - brute) < 1e-12, `label ${l}: the threshold reproduces the F1`);
  }
  const score = new wm.MultilabelF1Score({ numLabels: L, average: null, threshold: thresholds });
  score.update(preds, target);
  const perLabel = score.compute();
  for (let l = 0; l < L; l++) assert.ok(Math.abs(perLabel.data[l] - best.value.data[l]) < 1e-6, `label ${l}`);
  // a single threshold of 0.5 does worse on average
  const single = new wm.MultilabelF1Score({ numLabels: L, threshold: 0.5 });
  single.update(preds, target);
  const tuned = new wm.MultilabelF1Score({ numLabels: L, threshold: thresholds });
  tuned.update(preds, target);
  assert.ok(tuned.compute() > single.compute());
  for (const m of [curve, score, single, tuned]) m.dispose();
});

test('bestThresholds() criteria, binned curves and the task wrapper', () => {
  const { preds, target } = multilabelData(300, 3, 7);
  const binned = new wm.MultilabelAUROC({ numLabels: 3, thresholds: 20 });
  binned.update(preds, target);
  const youden = binned.bestThresholds({ criterion: 'youden' });
  for (const [l, tau] of Array.from(youden.threshold.data).entries()) {
    // binned: the largest float32 below a bin edge of linspace(0, 1, 20)
    const edge = Math.round(tau * 19) / 19;
    assert.ok(tau < Math.fround(edge) && Math.fround(tau) === tau, `label ${l}: ${tau} sits just below a bin edge`);
    const stat = new wm.MultilabelStatScores({
      numLabels: 3,
      average: null,
      threshold: Array.from(youden.threshold.data),
    });
    stat.update(preds, target);
    const [tp, fp, tn, fn] = [0, 1, 2, 3].map((k) => stat.compute().get(l, k));
    assert.ok(Math.abs(tp / (tp + fn) - fp / (fp + tn) - youden.value.data[l]) < 1e-12, `label ${l}: J reproduced`);
    stat.dispose();
  }
  const strict = binned.bestThresholds({ criterion: 'min_precision', minPrecision: 0.8 });
  for (let l = 0; l < 3; l++) if (strict.value.data[l] > 0) assert.ok(strict.precision.data[l] >= 0.8);
  assert.throws(() => binned.bestThresholds({ criterion: 'min_precision' }), /minPrecision/);
  assert.throws(() => binned.bestThresholds({ criterion: 'accuracy' }), /criterion/);
  assert.throws(() => binned.bestThresholds({ beta: 2, nonsense: 1 }), /unknown option 'nonsense'/);

  const binary = new wm.AUROC({ task: 'binary' });
  binary.update([0.1, 0.3, 0.45, 0.8, 0.7, 0.2], [0, 0, 1, 1, 1, 0]); // separable: F1 = 1
  const b = binary.bestThresholds();
  assert.equal(typeof b.threshold, 'number');
  assert.equal(b.value, 1);
  const multiclass = new wm.AUROC({ task: 'multiclass', numClasses: 3 });
  multiclass.update(
    [
      [0.2, 0.5, 0.3],
      [0.6, 0.3, 0.1],
    ],
    [1, 0],
  );
  assert.throws(() => multiclass.bestThresholds(), /binary and multilabel/);
  const listed = wm.listMetrics().find((m) => m.name === 'MultilabelROC');
  assert.deepEqual(
    listed.queries.map((q) => q.name),
    ['bestThresholds'],
  );
  assert.ok(!('bestThresholds' in new wm.MeanSquaredError()));
  for (const m of [binned, binary, multiclass]) m.dispose();
});

test('labels name per-class results, and a per-label threshold can be given by label', () => {
  const names = ['cat', 'dog', 'bird'];
  const preds = [0, 1, 2, 2, 1, 0, 1];
  const target = [0, 1, 1, 2, 1, 0, 2];
  const plain = new wm.MulticlassRecall({ numClasses: 3, average: null });
  const named = new wm.MulticlassRecall({ numClasses: 3, average: null, labels: names });
  plain.update(preds, target);
  named.update(preds, target);
  const r = named.compute();
  assert.deepEqual(Object.keys(r), names);
  names.forEach((n, k) => assert.equal(r[n], plain.compute().data[k]));
  assert.deepEqual(named.options.labels, names);
  named.merge(plain); // presentation only: same state and options
  assert.throws(() => new wm.MulticlassRecall({ numClasses: 3, labels: ['a', 'b'] }), /one name per class/);
  assert.throws(() => new wm.BinaryRecall({ labels: ['no', 'yes'] }), /unknown option 'labels'/);

  const { preds: p, target: t } = multilabelData(200, 3, 3);
  const curve = new wm.MultilabelROC({ numLabels: 3, labels: names });
  curve.update(p, t);
  const best = curve.bestThresholds();
  assert.deepEqual(Object.keys(best.threshold), names);
  const byLabel = new wm.MultilabelF1Score({ numLabels: 3, average: null, labels: names, threshold: best.threshold });
  byLabel.update(p, t);
  const got = byLabel.compute();
  for (const n of names) assert.ok(Math.abs(got[n] - best.value[n]) < 1e-6, n);
  assert.throws(
    () => new wm.MultilabelF1Score({ numLabels: 3, labels: names, threshold: { cat: 0.5, dog: 0.5 } }),
    /missing: bird/,
  );
  for (const m of [plain, named, curve, byLabel]) m.dispose();
});
