// MetricCollection and compute groups. Expected values always come from the same metrics used
// on their own (separate instances updated with the same batches), never from copied numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { classificationBatches, regressionBatches } from './collection-data.mjs';

const lib = await importPackage();
const { init, MetricCollection, createMetric, defineMetric, Tensor } = lib;
await init();

const C = 4;
const STAT_SCORES = {
  acc: ['MulticlassAccuracy', { numClasses: C }],
  precision: ['MulticlassPrecision', { numClasses: C }],
  recall: ['MulticlassRecall', { numClasses: C, average: 'none' }],
  f1: ['MulticlassF1Score', { numClasses: C, average: 'weighted' }],
  specificity: ['MulticlassSpecificity', { numClasses: C, average: 'micro' }],
  fbeta: ['MulticlassFBetaScore', { numClasses: C, beta: 2 }],
};

const makeAll = (specs) => Object.fromEntries(Object.entries(specs).map(([k, [n, o]]) => [k, createMetric(n, o)]));
const disposeAll = (ms) => Object.values(ms).forEach((m) => m.dispose());

/** Values of separate metrics updated with every batch. */
function reference(specs, batches, prefix = '', postfix = '') {
  const ms = makeAll(specs);
  for (const b of batches) for (const m of Object.values(ms)) m.update(...b);
  const out = Object.fromEntries(Object.entries(ms).map(([k, m]) => [`${prefix}${k}${postfix}`, m.compute()]));
  disposeAll(ms);
  return out;
}

test('six stat-score metrics form one compute group and equal the metrics used alone', () => {
  const batches = classificationBatches(1, 5, 64, C);
  const coll = new MetricCollection(makeAll(STAT_SCORES));
  assert.deepEqual(coll.computeGroups, [Object.keys(STAT_SCORES)]);
  for (const b of batches) coll.update(...b);
  const got = coll.compute();
  assert.deepEqual(Object.keys(got), Object.keys(STAT_SCORES));
  assert.deepEqual(got, reference(STAT_SCORES, batches));
  assert.ok(got.recall instanceof Tensor && got.recall.size === C);
  coll.dispose();
});

test('only the leader of a group is updated (a counting custom metric)', () => {
  let calls = 0;
  const Counting = defineMetric({
    name: 'Counting',
    states: { n: { init: 0 } },
    update(state, values) {
      calls++;
      state.n += values.length;
    },
    compute: (state) => state.n,
  });
  const coll = new MetricCollection({ a: new Counting(), b: new Counting(), c: new Counting({ other: 1 }) });
  assert.deepEqual(coll.computeGroups, [['a', 'b'], ['c']]);
  coll.update([1, 2, 3]);
  assert.equal(calls, 2, 'a and b share one update, c has its own');
  assert.deepEqual(coll.compute(), { a: 3, b: 3, c: 3 });
  coll.dispose();
});

test('different input options make different groups; computeGroups: false updates each metric', () => {
  const specs = {
    ...STAT_SCORES,
    acc2: ['MulticlassAccuracy', { numClasses: C, topK: 2 }],
    kappa: ['MulticlassCohenKappa', { numClasses: C }],
  };
  const batches = classificationBatches(2, 3, 32, C);
  const grouped = new MetricCollection(makeAll(specs));
  assert.equal(grouped.computeGroups.length, 3);
  assert.deepEqual(grouped.computeGroups[0], Object.keys(STAT_SCORES));
  const plain = new MetricCollection(makeAll(specs), { computeGroups: false });
  assert.equal(plain.computeGroups.length, Object.keys(specs).length);
  for (const b of batches) {
    grouped.update(...b);
    plain.update(...b);
  }
  const want = reference(specs, batches);
  assert.deepEqual(grouped.compute(), want);
  assert.deepEqual(plain.compute(), want);
  grouped.dispose();
  plain.dispose();
});

test('prefix, postfix, array form, duplicate names', () => {
  const batches = regressionBatches(3, 3, 50);
  const specs = { MeanSquaredError: ['MeanSquaredError', {}], MeanAbsoluteError: ['MeanAbsoluteError', {}] };
  const coll = new MetricCollection(Object.values(makeAll(specs)), { prefix: 'val_', postfix: '_epoch' });
  assert.deepEqual(coll.keys(), ['MeanSquaredError', 'MeanAbsoluteError']);
  for (const b of batches) coll.update(...b);
  assert.deepEqual(coll.compute(), reference(specs, batches, 'val_', '_epoch'));
  coll.dispose();
  const a = createMetric('MeanSquaredError');
  const b = createMetric('MeanSquaredError', { squared: false });
  assert.throws(() => new MetricCollection([a, b]), /two metrics named 'MeanSquaredError'/);
  assert.throws(() => new MetricCollection({ x: 3 }), /metrics\.x: expected a metric/);
  assert.throws(() => new MetricCollection({}), /no metrics given/);
  a.dispose();
  b.dispose();
});

test("forward gives each metric's value on the batch and accumulates it", () => {
  const batches = classificationBatches(4, 4, 40, C);
  const specs = STAT_SCORES; // a group (scratch-copy path) plus a singleton group below
  const coll = new MetricCollection({
    ...makeAll(specs),
    single: createMetric('MulticlassAccuracy', { numClasses: C, topK: 2 }),
  });
  const refs = { ...makeAll(specs), single: createMetric('MulticlassAccuracy', { numClasses: C, topK: 2 }) };
  for (const b of batches) {
    const got = coll.forward(...b);
    const want = Object.fromEntries(Object.entries(refs).map(([k, m]) => [k, m.forward(...b)]));
    assert.deepEqual(got, want);
  }
  assert.deepEqual(coll.compute(), Object.fromEntries(Object.entries(refs).map(([k, m]) => [k, m.compute()])));
  coll.dispose();
  disposeAll(refs);
});

test('reset, merge of shards, saveState/loadState as one blob', () => {
  const batches = classificationBatches(5, 6, 30, C);
  const whole = reference(STAT_SCORES, batches);
  const a = new MetricCollection(makeAll(STAT_SCORES));
  const b = new MetricCollection(makeAll(STAT_SCORES));
  batches.slice(0, 3).forEach((x) => a.update(...x));
  batches.slice(3).forEach((x) => b.update(...x));
  a.merge(b);
  assert.deepEqual(a.compute(), whole);

  const blob = a.saveState();
  assert.ok(blob instanceof Uint8Array);
  const restored = new MetricCollection(makeAll(STAT_SCORES));
  restored.loadState(blob);
  assert.deepEqual(restored.compute(), whole);
  restored.loadState(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)); // an ArrayBuffer too
  assert.deepEqual(restored.compute(), whole);

  a.reset();
  const empty = new MetricCollection(makeAll(STAT_SCORES));
  assert.deepEqual(a.compute(), empty.compute());
  for (const c of [a, b, restored, empty]) c.dispose();
});

test('mismatched or corrupt blobs are refused and leave the state unchanged', () => {
  const batches = classificationBatches(6, 2, 30, C);
  const coll = new MetricCollection(makeAll(STAT_SCORES));
  batches.forEach((x) => coll.update(...x));
  const before = coll.compute();
  const other = new MetricCollection({ acc: createMetric('MulticlassAccuracy', { numClasses: C + 1 }) });
  assert.throws(
    () => coll.loadState(other.saveState()),
    /MetricCollection\.loadState: refusing the state blob: it was saved with other options or members/,
  );
  const native = createMetric('MulticlassAccuracy', { numClasses: C });
  assert.throws(
    () => coll.loadState(native.saveState()),
    /refusing the state blob: it is the blob of a built-in metric/,
  );
  const blob = coll.saveState();
  const corrupt = blob.slice();
  corrupt[corrupt.length - 10] ^= 0xff;
  assert.throws(() => coll.loadState(corrupt), /checksum mismatch/);
  assert.throws(() => coll.loadState(blob.slice(0, 20)), /refusing the state blob/);
  assert.throws(() => coll.loadState('nope'), /must be a Uint8Array/);
  assert.deepEqual(coll.compute(), before);
  assert.throws(() => coll.merge(other), /MetricCollection\.merge: the collections differ/);
  for (const c of [coll, other, native]) c.dispose();
});

test('dispose disposes the members; use after dispose throws', () => {
  const ms = makeAll(STAT_SCORES);
  const coll = new MetricCollection(ms);
  coll.dispose();
  assert.ok(Object.values(ms).every((m) => m.disposed));
  assert.ok(coll.disposed);
  assert.throws(() => coll.compute(), /MetricCollection\.compute: this metric was disposed/);
  coll.dispose(); // idempotent
});

test('a rejected batch names the metric and the argument', () => {
  const coll = new MetricCollection(makeAll(STAT_SCORES));
  assert.throws(() => coll.update([0.1, 0.2], [0, 1, 2]), /Multiclass/);
  coll.dispose();
});
