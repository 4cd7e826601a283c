// Nominal, clustering and agreement metrics through the npm package, beyond the conformance
// fixtures: sparse states merge across instances (Web Workers) and round-trip through saveState,
// clustering errors surface at compute() as in TorchMetrics, Krippendorff's alpha refuses another
// number of coders, and AdjustedMutualInfoScore's exact expected MI stays fast for thousands of
// clusters in WebAssembly. Run once per build: annotation-qa-simd.test.mjs, annotation-qa-plain.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';
import { importPackage } from './helpers.mjs';

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
    assert.throws(() => a.update({ data: new Float64Array([0, 1, 1, 1, 0, 0]), shape: [2, 3] }), /same number of coders/);
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
    const start = performance.now();
    const v = scalar(m.compute());
    const seconds = (performance.now() - start) / 1000;
    console.log(`# [${build}] AMI compute, 2000 x 1500 clusters, N = ${n}: ${seconds.toFixed(3)} s`);
    assert.ok(Number.isFinite(v) && Math.abs(v) < 0.05, `independent labelings give AMI ~ 0, got ${v}`);
    assert.ok(seconds < 10, `took ${seconds} s`);
    m.dispose();
  });

  test(`[${build}] KrippendorffAlpha.bootstrap: seeded, reproducible, around alpha`, () => {
    const rand = mulberry32(17);
    const r = Float64Array.from({ length: 60 * 3 }, (_, i) => (rand() < 0.75 ? Math.floor(i / 3) % 4 : Math.floor(rand() * 4)));
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
}
