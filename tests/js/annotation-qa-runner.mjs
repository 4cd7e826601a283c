// Nominal, clustering and agreement metrics through the npm package, beyond the conformance
// fixtures: sparse states merge across instances (Web Workers) and round-trip through saveState,
// clustering errors surface at compute() as in TorchMetrics, Krippendorff's alpha refuses another
// number of coders, and AdjustedMutualInfoScore's exact expected MI stays fast for thousands of
// clusters in WebAssembly. Run once per build: annotation-qa-simd.test.mjs, annotation-qa-plain.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';
import { importPackage, withCpuSeconds } from './helpers.mjs';

const ids = (rand, n, k) => BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rand() * k)));
const scalar = (v) => (typeof v === 'number' ? v : v.data[0]);

export async function runAnnotationQa({ simd }) {
  const lib = await importPackage();
  await lib.init({ simd });
  const build = simd ? 'simd' : 'plain';

  test(`[${build}] extrinsic clustering: merged shards and a reloaded state equal one instance`, () => {
    const rand = mulberry32(21);
    const p = ids(rand, 3000, 12);
    const t = ids(rand, 3000, 9);
    for (const name of ['AdjustedMutualInfoScore', 'AdjustedRandScore', 'CompletenessScore', 'FowlkesMallowsIndex']) {
      const whole = lib.createMetric(name, {});
      whole.update({ data: p, shape: [3000] }, { data: t, shape: [3000] });
      const a = lib.createMetric(name, {});
      const b = lib.createMetric(name, {});
      a.update({ data: p.subarray(1000), shape: [2000] }, { data: t.subarray(1000), shape: [2000] });
      b.update({ data: p.subarray(0, 1000), shape: [1000] }, { data: t.subarray(0, 1000), shape: [1000] });
      b.merge(a);
      const c = lib.createMetric(name, {});
      c.loadState(b.saveState());
      const want = scalar(whole.compute());
      assert.ok(Math.abs(scalar(b.compute()) - want) < 1e-12, name);
      assert.ok(Math.abs(scalar(c.compute()) - want) < 1e-12, name);
      for (const m of [whole, a, b, c]) m.dispose();
    }
  });

  test(`[${build}] clustering: float cluster ids are reported at compute(), as TorchMetrics`, () => {
    const m = lib.createMetric('MutualInfoScore', {});
    m.update({ data: new Float32Array([0, 1, 1]), shape: [3] }, { data: new BigInt64Array([0n, 1n, 1n]), shape: [3] });
    assert.throws(() => m.compute(), /integer cluster ids/);
    m.dispose();
  });

  test(`[${build}] KrippendorffAlpha: merge equals one instance; another number of coders is refused`, () => {
    const rand = mulberry32(5);
    const r = Float64Array.from({ length: 40 * 4 }, () => (rand() < 0.2 ? NaN : Math.floor(rand() * 5)));
    const whole = lib.createMetric('KrippendorffAlpha', { levelOfMeasurement: 'ordinal' });
    whole.update({ data: r, shape: [40, 4] });
    const a = lib.createMetric('KrippendorffAlpha', { levelOfMeasurement: 'ordinal' });
    const b = lib.createMetric('KrippendorffAlpha', { levelOfMeasurement: 'ordinal' });
    a.update({ data: r.subarray(0, 60), shape: [15, 4] });
    b.update({ data: r.subarray(60), shape: [25, 4] });
    a.merge(b);
    assert.ok(Math.abs(scalar(a.compute()) - scalar(whole.compute())) < 1e-12);
    const before = scalar(a.compute());
    assert.throws(
      () => a.update({ data: new Float64Array([0, 1, 1, 1, 0, 0]), shape: [2, 3] }),
      /same number of coders/,
    );
    assert.equal(scalar(a.compute()), before);
    for (const m of [whole, a, b]) m.dispose();
  });

  test(`[${build}] AdjustedMutualInfoScore: exact expected MI for 2000 x 1500 clusters in seconds`, () => {
    const rand = mulberry32(9);
    const n = 100000;
    const p = ids(rand, n, 2000);
    // skewed target sizes: many distinct cluster sizes
    const t = BigInt64Array.from({ length: n }, () => BigInt(Math.min(1499, Math.floor(-Math.log(1 - rand()) * 300))));
    const m = lib.createMetric('AdjustedMutualInfoScore', {});
    m.update({ data: p, shape: [n] }, { data: t, shape: [n] });
    const [v, seconds] = withCpuSeconds(() => scalar(m.compute()));
    console.log(`# [${build}] AMI compute, 2000 x 1500 clusters, N = ${n}: ${seconds.toFixed(3)} s of CPU`);
    assert.ok(Number.isFinite(v) && Math.abs(v) < 0.05, `independent labelings give AMI ~ 0, got ${v}`);
    assert.ok(seconds < 10, `took ${seconds} s of CPU`);
    m.dispose();
  });

  test(`[${build}] KrippendorffAlpha.bootstrap: seeded, reproducible, around alpha`, () => {
    const rand = mulberry32(17);
    const r = Float64Array.from({ length: 60 * 3 }, (_, i) =>
      rand() < 0.75 ? Math.floor(i / 3) % 4 : Math.floor(rand() * 4),
    );
    const m = new lib.KrippendorffAlpha({ levelOfMeasurement: 'nominal' });
    m.update({ data: r, shape: [60, 3] });
    const alpha = scalar(m.compute());
    const a = m.bootstrap({ nResamples: 500, seed: 7 });
    const b = m.bootstrap({ nResamples: 500, seed: 7 });
    assert.equal(scalar(a.alpha), alpha);
    assert.equal(scalar(a.lower), scalar(b.lower));
    assert.equal(scalar(a.upper), scalar(b.upper));
    assert.ok(scalar(a.lower) < alpha && alpha < scalar(a.upper), `${scalar(a.lower)} < ${alpha} < ${scalar(a.upper)}`);
    assert.equal(scalar(a.pairs_per_resample ?? a.pairsPerResample), 180);
    m.dispose();
  });

  test(`[${build}] CohenKappaMatrix and MajorityVote`, () => {
    const ratings = { data: new Float64Array([0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, NaN]), shape: [4, 3] };
    const k = lib.createMetric('CohenKappaMatrix', { numClasses: 2 });
    k.update(ratings);
    const matrix = k.compute().toArray();
    assert.deepEqual(matrix[0], [1, 1, matrix[0][2]]);
    assert.equal(matrix[0][2], matrix[2][0]);
    // raters 0 and 2 over the units both rated: A = [0, 1, 1], B = [0, 1, 0]
    const cohen = lib.createMetric('CohenKappaRaters', { numClasses: 2 });
    cohen.update({ data: new BigInt64Array([0n, 0n, 1n, 1n, 1n, 0n]), shape: [3, 2] });
    assert.ok(Math.abs(matrix[0][2] - scalar(cohen.compute())) < 1e-12);
    const vote = lib.createMetric('MajorityVote', { numClasses: 2 });
    vote.update({ data: new Float64Array([0, 0, 1, 0, 1, NaN]), shape: [3, 2] });
    const v = vote.compute();
    assert.deepEqual(Array.from(v.labels.data), [0, 0, 1]);
    assert.deepEqual(Array.from(v.tied.data), [0, 1, 0]);
    assert.deepEqual(Array.from(v.support.data), [1, 0.5, 1]);
    for (const m of [k, cohen, vote]) m.dispose();
  });

  test(`[${build}] VMeasureScore: beta 1 is the number 1 (TorchMetrics refuses the Python int), beta <= 0 refused`, () => {
    // fewer predicted clusters than true ones: homogeneity != completeness, so beta matters
    const p = { data: new BigInt64Array([0n, 0n, 0n, 0n, 1n, 1n, 1n]), shape: [7] };
    const t = { data: new BigInt64Array([0n, 0n, 1n, 1n, 2n, 2n, 3n]), shape: [7] };
    const one = new lib.VMeasureScore({ beta: 1 });
    const dflt = new lib.VMeasureScore();
    const two = new lib.VMeasureScore({ beta: 2 });
    for (const m of [one, dflt, two]) m.update(p, t);
    assert.equal(scalar(one.compute()), scalar(dflt.compute()));
    assert.notEqual(scalar(two.compute()), scalar(dflt.compute()));
    assert.throws(() => new lib.VMeasureScore({ beta: 0 }), /beta/);
    for (const m of [one, dflt, two]) m.dispose();
  });

  test(`[${build}] KrippendorffAlpha.bootstrap: share of resamples below 0.667 and 0.8`, () => {
    const rand = mulberry32(31);
    const r = Float64Array.from({ length: 80 * 3 }, (_, i) =>
      rand() < 0.8 ? Math.floor(i / 3) % 3 : Math.floor(rand() * 3),
    );
    const m = new lib.KrippendorffAlpha();
    m.update({ data: r, shape: [80, 3] });
    const b = m.bootstrap({ nResamples: 1000, seed: 3 });
    const get = (o, snake, camel) => o[snake] ?? o[camel];
    assert.deepEqual(Array.from(get(b, 'min_alpha', 'minAlpha').data), [0.667, 0.8]);
    const below = Array.from(get(b, 'p_below', 'pBelow').data);
    assert.ok(below[0] <= below[1] && below[0] >= 0 && below[1] <= 1, String(below));
    const c = m.bootstrap({ nResamples: 1000, seed: 3, minAlpha: [-1, 1] });
    assert.deepEqual(Array.from(get(c, 'p_below', 'pBelow').data), [0, 1]);
    m.dispose();
  });

  test(`[${build}] CohenKappaMatrix.agreement and MajorityVote.mostContested`, () => {
    // 4 units x 3 raters: [0 0 0], [0 0 1], [1 2 -], [2 2 1]
    const ratings = { data: new Float64Array([0, 0, 0, 0, 0, 1, 1, 2, NaN, 2, 2, 1]), shape: [4, 3] };
    const k = new lib.CohenKappaMatrix({ numClasses: 3 });
    k.update(ratings);
    const a = k.agreement();
    const get = (o, snake, camel) => o[snake] ?? o[camel];
    assert.deepEqual(get(a, 'raw_agreement', 'rawAgreement').toArray(), [
      [1, 0.75, 1 / 3],
      [0.75, 1, 1 / 3],
      [1 / 3, 1 / 3, 1],
    ]);
    assert.deepEqual(Array.from(get(a, 'with_consensus', 'withConsensus').data), [0.5, 0.5, 1 / 3]);
    const v = new lib.MajorityVote({ numClasses: 3 });
    v.update(ratings);
    assert.equal(v.compute().entropy.data[2], 1);
    const top = v.mostContested({ k: 2 });
    assert.deepEqual(Array.from(top.units.data), [2, 1]);
    for (const m of [k, v]) m.dispose();
  });

  test(`[${build}] DawidSkene: recovers known raters (one adversarial) and beats majority vote`, () => {
    const rand = mulberry32(77);
    const K = 3;
    const diag = (d) =>
      Array.from({ length: K }, (_, j) => Array.from({ length: K }, (_, l) => (j === l ? d : (1 - d) / (K - 1))));
    const adversarial = Array.from({ length: K }, (_, j) =>
      Array.from({ length: K }, (_, l) => (l === (j + 1) % K ? 0.8 : 0.1)),
    );
    const truthPi = [diag(0.85), diag(0.7), diag(0.55), adversarial, diag(0.4)];
    const R = truthPi.length;
    const pick = (p) => {
      const x = rand();
      let acc = 0;
      for (let k = 0; k < p.length; k++) if ((acc += p[k]) > x) return k;
      return p.length - 1;
    };
    const units = 3000;
    const truth = [];
    const data = new Float64Array(units * R);
    for (let u = 0; u < units; u++) {
      const t = pick([0.5, 0.3, 0.2]);
      truth.push(t);
      for (let r = 0; r < R; r++) data[u * R + r] = rand() < 0.2 ? NaN : pick(truthPi[r][t]);
    }
    const ratings = { data, shape: [units, R] };
    const ds = new lib.DawidSkene({ numClasses: K, maxIterations: 1000 });
    ds.update(ratings);
    const fit = ds.compute();
    assert.equal(scalar(fit.converged), 1);
    const pi = fit.confusion.data;
    let total = 0;
    for (let r = 0; r < R; r++)
      for (let j = 0; j < K; j++)
        for (let l = 0; l < K; l++) total += Math.abs(pi[(r * K + j) * K + l] - truthPi[r][j][l]);
    assert.ok(total / (R * K * K) < 0.03, `mean error of the recovered confusion cells ${total / (R * K * K)}`);
    const mv = new lib.MajorityVote({ numClasses: K });
    mv.update(ratings);
    const acc = (labels) => labels.reduce((s, l, u) => s + (l === truth[u]), 0) / units;
    const byEm = acc(Array.from(fit.labels.data));
    const byVote = acc(Array.from(mv.compute().labels.data));
    assert.ok(byEm > byVote + 0.05, `Dawid-Skene ${byEm} vs majority vote ${byVote}`);
    // Merged shards fit the same data: the same result.
    const a = new lib.DawidSkene({ numClasses: K, maxIterations: 1000 });
    const b = new lib.DawidSkene({ numClasses: K, maxIterations: 1000 });
    a.update({ data: data.subarray(0, 1000 * R), shape: [1000, R] });
    b.update({ data: data.subarray(1000 * R), shape: [units - 1000, R] });
    a.merge(b);
    assert.deepEqual(Array.from(a.compute().posteriors.data), Array.from(fit.posteriors.data));
    for (const m of [ds, mv, a, b]) m.dispose();
  });
}
