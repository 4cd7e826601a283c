// The fused binary/multilabel stat-score pass (float32 probabilities + uint8 targets; WebAssembly
// SIMD in the simd build, a scalar loop in the plain one) against the general path (the same
// values with int32 targets) and a JS reference, on random batches with tails: odd row counts,
// label counts not multiples of 4 or 16, rows wider than one tile (300 labels), more than 255
// blocks of 16 rows, ignore_index, per-label thresholds, preds exactly on a threshold, 0, 1, -0.
// Logits (a second pass against the logit cuts) must count as the general path; refused batches
// (NaN, Inf, unexpected targets) must fail or count exactly as the general path.
// Run once per build, in its own process: label-tally-simd.test.mjs, label-tally-plain.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';
import { importPackage } from './helpers.mjs';

const rng = mulberry32; // deterministic uniform [0, 1) numbers

function randomBatch(rand, N, L, thr, ignoreByte) {
  const p = new Float32Array(N * L);
  const t = new Uint8Array(N * L);
  for (let i = 0; i < N * L; i++) {
    const k = Math.floor(rand() * 20);
    p[i] = k === 0 ? 0 : k === 1 ? 1 : k === 2 ? thr[i % L] : rand();
    const tk = Math.floor(rand() * 20);
    t[i] = ignoreByte >= 0 && tk < 2 ? ignoreByte : tk % 2;
  }
  return { p, t };
}

/** [L, 5] rows [tp, fp, tn, fn, support] as the stat scores define them (pred > float32 threshold). */
function referenceCounts(p, t, L, thr, ignoreIndex) {
  const out = new Array(L * 5).fill(0);
  for (let i = 0; i < p.length; i++) {
    if (ignoreIndex !== undefined && t[i] === ignoreIndex) continue;
    const l = i % L;
    const pos = p[i] > Math.fround(thr[l]);
    const j = pos ? (t[i] ? 0 : 1) : t[i] ? 3 : 2;
    out[l * 5 + j]++;
    if (t[i]) out[l * 5 + 4]++;
  }
  return out;
}

export async function runLabelTally({ simd }) {
  const lib = await importPackage();
  await lib.init({ simd });
  const { createMetric } = lib;
  const build = simd ? 'simd' : 'plain';

  const shapeOf = (N, L) => (L === 1 ? [N] : [N, L]);
  const nameOf = (L) => (L === 1 ? 'BinaryStatScores' : 'MultilabelStatScores');
  const optionsOf = (L, thr, extra) =>
    L === 1 ? { threshold: thr[0], ...extra } : { numLabels: L, average: null, threshold: thr, ...extra };
  // one metric, two updates of the same batch (state accumulates across batches)
  function run(L, options, p, t) {
    const m = createMetric(nameOf(L), options);
    try {
      const N = p.length / L;
      m.update({ data: p, shape: shapeOf(N, L) }, { data: t, shape: shapeOf(N, L) });
      m.update({ data: p, shape: shapeOf(N, L) }, { data: t, shape: shapeOf(N, L) });
      const r = m.compute();
      return Array.from(r.data ?? [r]);
    } finally {
      m.dispose();
    }
  }

  test(`${build}: fused uint8 pass = int32 general path = JS reference on random batches`, () => {
    assert.equal(lib.simd(), simd);
    const rand = rng(20261124);
    let checked = 0;
    for (const [N, L] of [
      [1, 1],
      [15, 1],
      [4099, 1],
      [1, 2],
      [17, 3],
      [33, 4],
      [1001, 20],
      [4111, 20],
      [257, 37],
      [16, 16],
      [31, 5],
      [5000, 3],
      [40, 300],
    ]) {
      for (const [ignoreIndex, ignoreByte] of [
        [undefined, -1],
        [-1, -1],
        [255, 255],
        [7, 7],
      ]) {
        for (const perLabel of [false, true]) {
          const thr = Array.from({ length: L }, (_, l) => (perLabel ? (l === 0 ? 0 : l === 1 ? 1 : rand()) : 0.5));
          const { p, t } = randomBatch(rand, N, L, thr.map(Math.fround), ignoreByte);
          // -0 is in [0, 1]; the fused pass hands such a batch to the general path (so only some have it)
          if (perLabel && ignoreIndex === 7 && N * L > 5) p[5] = -0;
          const extra = ignoreIndex === undefined ? {} : { ignoreIndex };
          const options = optionsOf(L, thr, extra);
          const fast = run(L, options, p, t);
          const general = run(L, options, p, Int32Array.from(t));
          const what = `N=${N} L=${L} ignoreIndex=${ignoreIndex} perLabel=${perLabel}`;
          assert.deepEqual(fast, general, what);
          assert.deepEqual(
            fast,
            referenceCounts(p, t, L, thr, ignoreIndex).map((v) => 2 * v),
            what,
          );
          checked++;
        }
      }
    }
    assert.equal(checked, 13 * 4 * 2);
  });

  test(`${build}: logits (auto-detected, inputKind 'logits') = int32 general path`, () => {
    const rand = rng(99);
    let checked = 0;
    for (const [N, L] of [
      [15, 1],
      [4099, 1],
      [17, 3],
      [1001, 20],
      [257, 37],
      [5000, 3],
      [40, 300],
    ]) {
      for (const inputKind of ['auto', 'logits']) {
        for (const [ignoreIndex, ignoreByte] of [
          [undefined, -1],
          [255, 255],
        ]) {
          const thr = Array.from({ length: L }, (_, l) => (l === 0 ? 0.5 : l === 1 ? 0 : l === 2 ? 1 : rand()));
          const { p, t } = randomBatch(rand, N, L, thr.map(Math.fround), ignoreByte);
          for (let i = 0; i < p.length; i++) {
            const k = Math.floor(rand() * 10);
            const th = thr[i % L];
            const logit = Math.fround(Math.log(th / (1 - th))); // near the cut (finite for 0 < th < 1)
            if (k === 0 && Number.isFinite(logit)) p[i] = logit;
            else if (k === 1 && Number.isFinite(logit)) p[i] = Math.fround(logit * (1 - 2 ** -23));
            else if (k === 2) p[i] = -0;
            else if (k === 3) p[i] = 3e38;
            else p[i] = rand() * 12 - 6;
          }
          const extra = { inputKind, ...(ignoreIndex === undefined ? {} : { ignoreIndex }) };
          const options = optionsOf(L, thr, extra);
          const what = `N=${N} L=${L} inputKind=${inputKind} ignoreIndex=${ignoreIndex}`;
          assert.deepEqual(run(L, options, p, t), run(L, options, p, Int32Array.from(t)), what);
          checked++;
        }
      }
    }
    assert.equal(checked, 7 * 2 * 2);
  });

  test(`${build}: refused batches (NaN, Inf, unexpected targets) fail or count as the general path`, () => {
    const rand = rng(7);
    const L = 21;
    const N = 70;
    const thr = new Array(L).fill(0.5);
    const base = { numLabels: L, average: null };
    // logits (auto-detected): sigmoid rule, as with int32 targets
    const logits = randomBatch(rand, N, L, thr, -1);
    for (let i = 0; i < logits.p.length; i++) logits.p[i] = logits.p[i] * 8 - 4;
    assert.deepEqual(run(L, base, logits.p, logits.t), run(L, base, logits.p, Int32Array.from(logits.t)));
    // a target of 3 with validateArgs false counts nowhere, as in the general path
    const odd = randomBatch(rand, N, L, thr, 3);
    const loose = { ...base, validateArgs: false };
    assert.deepEqual(run(L, loose, odd.p, odd.t), run(L, loose, odd.p, Int32Array.from(odd.t)));
    // errors: the general path's message; the state keeps the good batch only
    const good = randomBatch(rand, N, L, thr, -1);
    const nanAt = (i) => {
      const b = randomBatch(rand, N, L, thr, -1);
      b.p[i] = NaN;
      return [b.p, b.t];
    };
    const bigAt = (i) => {
      const b = randomBatch(rand, N, L, thr, -1);
      b.p[i] = Infinity;
      return [b.p, b.t];
    };
    // in the 16-row blocks (SIMD) and in the tail rows (scalar)
    for (const [p, t] of [nanAt(17), nanAt(N * L - 1), bigAt(200), [odd.p, odd.t]]) {
      const general = createMetric('MultilabelStatScores', base);
      const fast = createMetric('MultilabelStatScores', base);
      try {
        let expected;
        assert.throws(
          () => general.update({ data: p, shape: [N, L] }, { data: Int32Array.from(t), shape: [N, L] }),
          (e) => {
            expected = e.message;
            return true;
          },
        );
        fast.update({ data: good.p, shape: [N, L] }, { data: good.t, shape: [N, L] });
        const before = Array.from(fast.compute().data);
        assert.throws(
          () => fast.update({ data: p, shape: [N, L] }, { data: t, shape: [N, L] }),
          (e) => e.message === expected,
        );
        assert.deepEqual(Array.from(fast.compute().data), before);
        assert.deepEqual(before, referenceCounts(good.p, good.t, L, thr, undefined));
      } finally {
        general.dispose();
        fast.dispose();
      }
    }
  });
}
