// Results keyed by user class labels (issue 16): labels such as "__proto__", "constructor" and
// "toString" must come back as ordinary keys, with every other class's value kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();

const labels = ['__proto__', 'constructor', 'toString'];
const preds = { data: new Float32Array([0.6, 0.35, 0.6, 0.2, 0.1, 0.9, 0.8, 0.4, 0.3]), shape: [3, 3] };
const target = { data: new Uint8Array([1, 1, 0, 0, 0, 1, 1, 0, 1]), shape: [3, 3] };

test('per-class results keyed by __proto__/constructor/toString keep every class as an own key', () => {
  const plain = new lib.MultilabelF1Score({ numLabels: 3, average: 'none' });
  const named = new lib.MultilabelF1Score({ numLabels: 3, average: 'none', labels });
  plain.update(preds, target);
  named.update(preds, target);
  const values = plain.compute().toArray();
  const byLabel = named.compute();
  assert.equal(typeof byLabel, 'object');
  assert.deepEqual(Object.keys(byLabel), labels);
  labels.forEach((l, i) => assert.ok(Object.hasOwn(byLabel, l) && byLabel[l] === values[i], l));
  assert.equal(Object.getPrototypeOf(byLabel), Object.prototype, 'the prototype was replaced');
  plain.dispose();
  named.dispose();
});

test('bestThresholds() keyed by hostile labels feeds back as a per-label threshold', () => {
  const curve = new lib.MultilabelPrecisionRecallCurve({ numLabels: 3, labels });
  curve.update(preds, target);
  const best = curve.bestThresholds();
  for (const part of [best.value, best.threshold]) {
    assert.deepEqual(Object.keys(part), labels);
    for (const l of labels) assert.equal(typeof part[l], 'number', l);
  }
  const tuned = new lib.MultilabelF1Score({ numLabels: 3, labels, threshold: best.threshold, average: 'none' });
  tuned.update(preds, target);
  assert.deepEqual(Object.keys(tuned.compute()), labels);
  curve.dispose();
  tuned.dispose();
});
