// Retrieval metrics through the npm package: query rows spread over batches in any order,
// perQuery() against a first-principles computation, int64 ids, merge across instances, and the
// time compute() takes on a large state in WebAssembly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importPackage, withCpuSeconds } from './helpers.mjs';

const wm = await importPackage();
await wm.init();

function rows(n, queries, seed) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const preds = new Float32Array(n);
  const target = new Uint8Array(n);
  const indexes = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    preds[i] = rand();
    target[i] = rand() < 0.3 ? 1 : 0;
    indexes[i] = BigInt(Math.floor(rand() * queries));
  }
  return { preds, target, indexes };
}

// Reciprocal rank per query from first principles (no tied scores in this data).
function reciprocalRanks({ preds, target, indexes }) {
  const byQuery = new Map();
  for (let i = 0; i < preds.length; i++) {
    const q = Number(indexes[i]);
    if (!byQuery.has(q)) byQuery.set(q, []);
    byQuery.get(q).push([preds[i], target[i]]);
  }
  return new Map(
    [...byQuery].map(([q, docs]) => {
      docs.sort((a, b) => b[0] - a[0]);
      const first = docs.findIndex((d) => d[1] === 1);
      return [q, first < 0 ? 0 : 1 / (first + 1)];
    }),
  );
}

test("perQuery() gives each query's value with its id; batches split anywhere give the same compute()", () => {
  const data = rows(2000, 50, 7);
  const whole = new wm.RetrievalMRR();
  whole.update(data.preds, data.target, data.indexes);
  const split = new wm.RetrievalMRR();
  for (const [a, b] of [
    [0, 700],
    [700, 701],
    [701, 2000],
  ]) {
    split.update(data.preds.subarray(a, b), data.target.subarray(a, b), data.indexes.subarray(a, b));
  }
  assert.equal(split.compute(), whole.compute());
  const want = reciprocalRanks(data);
  const pq = whole.perQuery();
  assert.equal(pq.indexes.size, want.size);
  let sum = 0;
  for (let i = 0; i < pq.indexes.size; i++) {
    const rr = want.get(pq.indexes.data[i]);
    assert.ok(Math.abs(pq.values.data[i] - rr) < 1e-6, `query ${pq.indexes.data[i]}`);
    sum += rr;
  }
  assert.ok(Math.abs(whole.compute() - sum / want.size) < 1e-6);
  whole.dispose();
  split.dispose();
});

test('merge() of two instances that saw different rows of the same queries equals one instance', () => {
  const data = rows(1000, 20, 11);
  const a = new wm.RetrievalNormalizedDCG({ topK: 5 });
  const b = new wm.RetrievalNormalizedDCG({ topK: 5 });
  const all = new wm.RetrievalNormalizedDCG({ topK: 5 });
  a.update(data.preds.subarray(0, 400), data.target.subarray(0, 400), data.indexes.subarray(0, 400));
  b.update(data.preds.subarray(400), data.target.subarray(400), data.indexes.subarray(400));
  all.update(data.preds, data.target, data.indexes);
  a.merge(b);
  assert.ok(Math.abs(a.compute() - all.compute()) < 1e-7);
  for (const m of [a, b, all]) m.dispose();
});

test('query ids must be int64: plain numbers are refused with a message saying how to pass them', () => {
  const m = new wm.RetrievalMAP();
  assert.throws(() => m.update([0.1, 0.9], [true, false], [0, 0]), /int64.*BigInt64Array|BigInt64Array.*int64/s);
  m.update([0.1, 0.9], [true, false], [0n, 0n]);
  assert.equal(m.compute(), 0.5);
  m.dispose();
});

test('the curve metrics return named tensors; empty_target_action=error throws in compute()', () => {
  const curve = new wm.RetrievalPrecisionRecallCurve({ maxK: 3 });
  curve.update([0.9, 0.2, 0.5, 0.7], [true, false, true, false], [1n, 1n, 2n, 2n]);
  const { precision, recall, top_k: topK } = curve.compute();
  assert.deepEqual(Array.from(topK.data), [1, 2, 3]);
  assert.equal(precision.size, 3);
  assert.equal(recall.data[2], 1);
  curve.dispose();
  const strict = new wm.RetrievalRecall({ emptyTargetAction: 'error' });
  strict.update([0.9, 0.2], [false, false], [4n, 4n]);
  assert.throws(() => strict.compute(), /no positive target/);
  strict.dispose();
});

test('compute() over 1,000,000 rows of 10,000 queries takes well under a few seconds of CPU', () => {
  const data = rows(1_000_000, 10_000, 3);
  const m = new wm.RetrievalMAP();
  m.update(data.preds, data.target, data.indexes);
  const [v, seconds] = withCpuSeconds(() => m.compute());
  assert.ok(v > 0 && v < 1);
  assert.ok(seconds < 5, `compute took ${seconds.toFixed(2)} s of CPU`);
  console.log(
    `# RetrievalMAP compute, 1e6 rows / 1e4 queries (${wm.simd() ? 'simd' : 'plain'} build): ${seconds.toFixed(2)} s of CPU`,
  );
  m.dispose();
});
