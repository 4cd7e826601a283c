// sampleWeight through the npm package (the default build): the generated classes take it as the
// optional third update() argument; integer weights equal repeated rows; weighted and unweighted
// updates mix in one instance and across merge(); a weighted state survives saveState/loadState; a
// negative or NaN weight throws and leaves the state unchanged. (weighted.json's numbers run in
// both builds through the conformance runner.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const { createMetric } = lib;

const preds = new Float32Array([0.9, 0.2, 0.7, 0.4, 0.6, 0.1, 0.8, 0.5]);
const target = new Int32Array([1, 0, 0, 1, 1, 0, 1, 0]);
const weight = new Float32Array([2, 1, 0, 3, 1, 1, 0, 2]);

function repeated() {
  const p = [],
    t = [];
  for (let i = 0; i < preds.length; i++)
    for (let k = 0; k < weight[i]; k++) {
      p.push(preds[i]);
      t.push(target[i]);
    }
  return [new Float32Array(p), new Int32Array(t)];
}

function value(name, options, feed) {
  const m = createMetric(name, options);
  try {
    feed(m);
    const v = m.compute();
    return typeof v === 'number' ? v : Array.from(v.data ?? []);
  } finally {
    m.dispose();
  }
}

for (const [name, options] of [
  ['BinaryF1Score', {}],
  ['BinaryAUROC', {}],
  ['BinaryAveragePrecision', { thresholds: 11 }],
  ['BinaryConfusionMatrix', {}],
  ['BinaryBrierScore', {}],
  ['BinaryLogLoss', {}],
]) {
  test(`${name}: integer sampleWeight equals repeated rows`, () => {
    const [rp, rt] = repeated();
    const want = value(name, options, (m) => m.update(rp, rt));
    const got = value(name, options, (m) => m.update(preds, target, weight));
    if (typeof want === 'number') assert.ok(Math.abs(got - want) <= 1e-6, `${got} vs ${want}`);
    else want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-6, `${got} vs ${want}`));
  });
}

test('the generated class documents sampleWeight as the optional third input', () => {
  const spec = lib.listMetrics().find((m) => m.name === 'BinaryAccuracy');
  assert.deepEqual(
    spec.inputs.map((i) => [i.name, i.optional]),
    [
      ['preds', false],
      ['target', false],
      ['sample_weight', true],
    ],
  );
  const m = new lib.BinaryAccuracy();
  try {
    m.update(preds, target, weight);
    m.update(preds, target); // unweighted after weighted: weight 1 per row
    const w = weight.reduce((a, b) => a + b, 0);
    let hits = 0,
      whits = 0;
    for (let i = 0; i < preds.length; i++) {
      const ok = (preds[i] > 0.5 ? 1 : 0) === target[i];
      hits += ok;
      whits += ok * weight[i];
    }
    assert.ok(Math.abs(m.compute() - (whits + hits) / (w + preds.length)) < 1e-12);
  } finally {
    m.dispose();
  }
});

test('weighted and unweighted states merge and a weighted blob loads', () => {
  const a = createMetric('MulticlassAccuracy', { numClasses: 3, average: 'macro' });
  const b = createMetric('MulticlassAccuracy', { numClasses: 3, average: 'macro' });
  const fresh = createMetric('MulticlassAccuracy', { numClasses: 3, average: 'macro' });
  try {
    const t = new Int32Array([0, 1, 2, 1]);
    const p = new Int32Array([0, 2, 2, 1]);
    a.update(p, t);
    b.update(p, t, new Float32Array([1, 1, 1, 1]));
    a.merge(b);
    fresh.loadState(b.saveState());
    assert.equal(fresh.compute(), b.compute());
    const twice = value('MulticlassAccuracy', { numClasses: 3, average: 'macro' }, (m) => {
      m.update(p, t);
      m.update(p, t);
    });
    assert.ok(Math.abs(a.compute() - twice) < 1e-12);
  } finally {
    a.dispose();
    b.dispose();
    fresh.dispose();
  }
});

test('a negative or NaN weight throws, naming sample_weight, state unchanged', () => {
  const m = createMetric('BinaryRecall', {});
  try {
    m.update(preds, target, weight);
    const before = m.compute();
    const blob = m.saveState();
    for (const bad of [-0.5, NaN]) {
      const w = Float32Array.from(weight);
      w[3] = bad;
      assert.throws(() => m.update(preds, target, w), /sample_weight/);
      assert.equal(m.compute(), before);
      assert.deepEqual(m.saveState(), blob);
    }
    assert.throws(() => m.update(preds, target, new Float32Array(3)), /sample_weight/);
  } finally {
    m.dispose();
  }
});
