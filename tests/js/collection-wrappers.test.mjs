// Wrappers: ClasswiseWrapper, MinMaxMetric, MetricTracker, BootStrapper, MultitaskWrapper.
// Expected values come from the wrapped metrics used on their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { classificationBatches, regressionBatches, rng } from './collection-data.mjs';

const lib = await importPackage();
const {
  init,
  createMetric,
  ClasswiseWrapper,
  MinMaxMetric,
  MetricTracker,
  BootStrapper,
  MultitaskWrapper,
  MetricCollection,
  Tensor,
} = lib;
await init();

const C = 3;
const recall = () => createMetric('MulticlassRecall', { numClasses: C, average: 'none' });

test('ClasswiseWrapper labels a per-class result', () => {
  const batches = classificationBatches(41, 3, 60, C);
  const w = new ClasswiseWrapper(recall(), { labels: ['cat', 'dog', 'bird'] });
  const ref = recall();
  for (const b of batches) {
    const got = w.forward(...b);
    const want = ref.forward(...b);
    assert.deepEqual(got, {
      multiclassrecall_cat: want.data[0],
      multiclassrecall_dog: want.data[1],
      multiclassrecall_bird: want.data[2],
    });
  }
  const v = ref.compute();
  assert.deepEqual(w.compute(), {
    multiclassrecall_cat: v.data[0],
    multiclassrecall_dog: v.data[1],
    multiclassrecall_bird: v.data[2],
  });
  const plain = new ClasswiseWrapper(recall(), { prefix: 'r/' });
  for (const b of batches) plain.update(...b);
  assert.deepEqual(plain.compute(), { 'r/0': v.data[0], 'r/1': v.data[1], 'r/2': v.data[2] });
  const post = new ClasswiseWrapper(recall(), { labels: ['a', 'b', 'c'], postfix: '_recall' });
  for (const b of batches) post.update(...b);
  assert.deepEqual(Object.keys(post.compute()), ['a_recall', 'b_recall', 'c_recall']);
  const scalar = new ClasswiseWrapper(createMetric('MulticlassAccuracy', { numClasses: C }));
  scalar.update(...batches[0]);
  assert.throws(() => scalar.compute(), /ClasswiseWrapper needs one value per class/);
  const wrong = new ClasswiseWrapper(recall(), { labels: ['x', 'y'] });
  wrong.update(...batches[0]);
  assert.throws(() => wrong.compute(), /2 labels for 3 classes/);
  const restored = new ClasswiseWrapper(recall(), { labels: ['cat', 'dog', 'bird'] });
  restored.loadState(w.saveState());
  assert.deepEqual(restored.compute(), w.compute());
  for (const x of [w, ref, plain, post, scalar, wrong, restored]) x.dispose();
});

test('ClasswiseWrapper joins the compute group of its metric in a collection', () => {
  const batches = classificationBatches(42, 3, 60, C);
  const coll = new MetricCollection({
    perClass: new ClasswiseWrapper(recall(), { labels: ['a', 'b', 'c'] }),
    precision: createMetric('MulticlassPrecision', { numClasses: C }),
    perClassPrecision: new ClasswiseWrapper(createMetric('MulticlassPrecision', { numClasses: C, average: 'none' })),
  });
  assert.deepEqual(coll.computeGroups, [['perClass', 'precision', 'perClassPrecision']]);
  const refs = [
    recall(),
    createMetric('MulticlassPrecision', { numClasses: C }),
    createMetric('MulticlassPrecision', { numClasses: C, average: 'none' }),
  ];
  for (const b of batches) {
    coll.update(...b);
    refs.forEach((m) => m.update(...b));
  }
  const got = coll.compute();
  assert.deepEqual(Object.values(got.perClass), Array.from(refs[0].compute().data));
  assert.equal(got.precision, refs[1].compute());
  assert.deepEqual(Object.values(got.perClassPrecision), Array.from(refs[2].compute().data));
  coll.dispose();
  refs.forEach((m) => m.dispose());
});

test('MinMaxMetric tracks the extremes of compute() and forward()', () => {
  const batches = regressionBatches(43, 5, 30);
  const mm = new MinMaxMetric(createMetric('MeanAbsoluteError'));
  const ref = createMetric('MeanAbsoluteError');
  const seen = [];
  for (const b of batches) {
    mm.update(...b);
    ref.update(...b);
    seen.push(ref.compute());
    assert.deepEqual(mm.compute(), { raw: seen.at(-1), max: Math.max(...seen), min: Math.min(...seen) });
  }
  const fwd = ref.forward(...batches[0]);
  seen.push(fwd);
  assert.deepEqual(mm.forward(...batches[0]), { raw: fwd, max: Math.max(...seen), min: Math.min(...seen) });
  const copy = new MinMaxMetric(createMetric('MeanAbsoluteError'));
  copy.loadState(mm.saveState());
  assert.deepEqual(copy.compute(), mm.compute());
  mm.reset();
  mm.update(...batches[1]);
  const only = createMetric('MeanAbsoluteError');
  only.update(...batches[1]);
  assert.deepEqual(mm.compute(), { raw: only.compute(), max: only.compute(), min: only.compute() });
  const vector = new MinMaxMetric(recall());
  vector.update(...classificationBatches(1, 1, 10, C)[0]);
  assert.throws(() => vector.compute(), /needs a scalar result/);
  for (const x of [mm, ref, copy, only, vector]) x.dispose();
});

test('MetricTracker keeps one value per epoch and finds the best', () => {
  const epochs = [0, 1, 2, 3].map((e) => regressionBatches(50 + e, 2, 20 + 10 * e));
  const tracker = new MetricTracker(createMetric('MeanSquaredError'), { maximize: false });
  assert.throws(() => tracker.update(...epochs[0][0]), /call increment\(\) first/);
  const want = [];
  for (const batches of epochs) {
    tracker.increment();
    const ref = createMetric('MeanSquaredError');
    for (const b of batches) {
      tracker.update(...b);
      ref.update(...b);
    }
    want.push(ref.compute());
    assert.equal(tracker.compute(), want.at(-1));
    ref.dispose();
  }
  assert.equal(tracker.nSteps, 4);
  assert.deepEqual(tracker.computeAll(), want);
  const lowest = Math.min(...want);
  assert.equal(tracker.bestMetric(), lowest);
  assert.deepEqual(tracker.bestMetric({ returnStep: true }), { value: lowest, step: want.indexOf(lowest) });

  const restored = new MetricTracker(createMetric('MeanSquaredError'), { maximize: false });
  restored.loadState(tracker.saveState());
  assert.deepEqual(restored.computeAll(), want);
  const maxer = new MetricTracker(createMetric('MeanSquaredError'), { maximize: true });
  assert.throws(() => maxer.loadState(tracker.saveState()), /other options or members/);
  for (const x of [tracker, restored, maxer]) x.dispose();
});

test('MetricTracker over a collection: best per key with maximize per key', () => {
  const epochs = [0, 1, 2].map((e) => classificationBatches(60 + e, 2, 40, C));
  const tracker = new MetricTracker(
    new MetricCollection({
      acc: createMetric('MulticlassAccuracy', { numClasses: C }),
      kappa: createMetric('MulticlassCohenKappa', { numClasses: C }),
    }),
    { maximize: { acc: true, kappa: false } },
  );
  const values = [];
  for (const batches of epochs) {
    tracker.increment();
    const acc = createMetric('MulticlassAccuracy', { numClasses: C });
    const kappa = createMetric('MulticlassCohenKappa', { numClasses: C });
    for (const b of batches) {
      tracker.update(...b);
      acc.update(...b);
      kappa.update(...b);
    }
    values.push({ acc: acc.compute(), kappa: kappa.compute() });
    acc.dispose();
    kappa.dispose();
  }
  assert.deepEqual(tracker.computeAll(), values);
  const accs = values.map((v) => v.acc);
  const kappas = values.map((v) => v.kappa);
  assert.deepEqual(tracker.bestMetric({ returnStep: true }), {
    value: { acc: Math.max(...accs), kappa: Math.min(...kappas) },
    step: { acc: accs.indexOf(Math.max(...accs)), kappa: kappas.indexOf(Math.min(...kappas)) },
  });
  tracker.dispose();
});

test('BootStrapper: Poisson(1) draws per sample, reproducible by seed, statistics of the copies', () => {
  // SumMetric of ones: each copy's value is the number of draws, a sum of n Poisson(1) counts.
  const n = 4000;
  const ones = new Float64Array(n).fill(1);
  const make = (seed) =>
    new BootStrapper(createMetric('SumMetric'), { numBootstraps: 16, seed, quantile: [0.05, 0.5, 0.95], raw: true });
  const a = make(7);
  const b = make(7);
  const c = make(8);
  for (const x of [a, b, c]) x.update(ones);
  const got = a.compute();
  assert.deepEqual(got, b.compute(), 'same seed, same draws');
  assert.notDeepEqual(got.raw.data, c.compute().raw.data, 'another seed, other draws');
  const raw = Array.from(got.raw.data);
  assert.deepEqual(got.raw.shape, [16]);
  assert.ok(raw.every((v) => Number.isInteger(v)));
  // mean of n Poisson(1) = n, sd = sqrt(n): every copy within 5 sd.
  assert.ok(
    raw.every((v) => Math.abs(v - n) < 5 * Math.sqrt(n)),
    `raw ${raw}`,
  );
  const mean = raw.reduce((s, v) => s + v, 0) / raw.length;
  assert.ok(Math.abs(got.mean - mean) < 1e-9);
  const sd = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / (raw.length - 1));
  assert.ok(Math.abs(got.std - sd) < 1e-9);
  const sorted = [...raw].sort((x, y) => x - y);
  const q = (p) => {
    const pos = p * (sorted.length - 1);
    const lo = Math.floor(pos);
    return sorted[lo] + (sorted[Math.ceil(pos)] - sorted[lo]) * (pos - lo);
  };
  assert.deepEqual(Array.from(got.quantile.data), [q(0.05), q(0.5), q(0.95)]);
  for (const x of [a, b, c]) x.dispose();
});

test('BootStrapper resamples rows of every input together; state round trip and merge', () => {
  // preds == target row by row: every resample gives MSE 0 only if rows stay aligned.
  const r = rng(3);
  const rows = 200;
  const t = Float64Array.from({ length: rows * 2 }, () => r());
  const boot = new BootStrapper(createMetric('MeanSquaredError', { numOutputs: 2 }), {
    numBootstraps: 5,
    seed: 1,
    raw: true,
  });
  boot.update({ data: t, shape: [rows, 2] }, { data: t.slice(), shape: [rows, 2] });
  const got = boot.compute();
  assert.ok(got.mean instanceof Tensor && got.mean.size === 2);
  assert.deepEqual(Array.from(got.raw.data), new Array(10).fill(0));
  assert.deepEqual(got.raw.shape, [5, 2]);
  // Mismatched row counts are refused.
  assert.throws(() => boot.update(new Float64Array(3), new Float64Array(4)), /has 4 rows but input 0 has 3/);

  const x = new BootStrapper(createMetric('MeanMetric'), { numBootstraps: 4, seed: 99 });
  const data = Float64Array.from({ length: 500 }, () => r());
  x.update(data);
  const y = x.clone();
  y.loadState(x.saveState());
  assert.deepEqual(y.compute(), x.compute());
  // Same generator position after loading: both draw the same next resamples.
  x.update(data);
  y.update(data);
  assert.deepEqual(y.compute(), x.compute());
  const z = x.clone();
  z.merge(x);
  assert.deepEqual(z.compute(), x.compute());
  assert.throws(
    () => new BootStrapper(createMetric('MeanMetric'), { samplingStrategy: 'multinomial' }),
    /not supported/,
  );
  for (const m of [boot, x, y, z]) m.dispose();
});

test("MultitaskWrapper routes each task's inputs to its metric", () => {
  const reg = regressionBatches(70, 3, 30);
  const cls = classificationBatches(71, 3, 30, C);
  const mt = new MultitaskWrapper(
    {
      depth: createMetric('MeanSquaredError'),
      label: new MetricCollection({
        acc: createMetric('MulticlassAccuracy', { numClasses: C }),
        f1: createMetric('MulticlassF1Score', { numClasses: C }),
      }),
    },
    { prefix: 'val/' },
  );
  const mse = createMetric('MeanSquaredError');
  const acc = createMetric('MulticlassAccuracy', { numClasses: C });
  const f1 = createMetric('MulticlassF1Score', { numClasses: C });
  for (let i = 0; i < 3; i++) {
    const got = mt.forward({ depth: reg[i][0], label: cls[i][0] }, { depth: reg[i][1], label: cls[i][1] });
    assert.deepEqual(got, {
      'val/depth': mse.forward(...reg[i]),
      'val/label': { acc: acc.forward(...cls[i]), f1: f1.forward(...cls[i]) },
    });
  }
  assert.deepEqual(mt.compute(), { 'val/depth': mse.compute(), 'val/label': { acc: acc.compute(), f1: f1.compute() } });
  assert.throws(
    () => mt.update({ depth: reg[0][0] }, { depth: reg[0][1] }),
    /`preds` has tasks \{depth\}, expected \{depth,label\}/,
  );
  const copy = mt.clone();
  copy.loadState(mt.saveState());
  assert.deepEqual(copy.compute(), mt.compute());
  copy.merge(mt);
  assert.equal(copy.compute()['val/depth'], mse.compute());
  for (const m of [mt, copy, mse, acc, f1]) m.dispose();
});
