// Paired model comparison (npm/src/paired.mjs): mcnemarTest, delongTest, pairedBootstrap against
// tests/data/paired/references.json, written by scripts/gen_paired_references.py (scipy; DeLong's
// O(m n) definition; the bootstrap's generator re-implemented in Python; published worked examples
// checked by the script). Plus the properties the references cannot show.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { importPackage, repoRoot } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const { mcnemarTest, delongTest, pairedBootstrap, createMetric } = lib;
const refs = JSON.parse(readFileSync(join(repoRoot, 'tests/data/paired/references.json'), 'utf8'));

function close(got, want, what, rtol = 1e-9, atol = 1e-12) {
  if (want === null) return assert.ok(Number.isNaN(got), `${what}: ${got}, expected NaN`);
  assert.ok(Math.abs(got - want) <= atol + rtol * Math.abs(want), `${what}: ${got}, expected ${want}`);
}

for (const c of refs.mcnemar) {
  test(`mcnemarTest: ${c.doc} ${JSON.stringify(c.table)}`, () => {
    const inputs = c.correctA ? [c.correctA, c.correctB] : [c.table];
    for (const [exact, correction, key] of [
      [true, true, 'exact'],
      [false, false, 'chi2'],
      [false, true, 'chi2Corrected'],
    ]) {
      const r = mcnemarTest(...inputs, { exact, correction });
      assert.deepEqual(r.table, c.table);
      close(r.statistic, c[key].statistic, `${key} statistic`);
      close(r.pValue, c[key].pValue, `${key} p-value`);
    }
    const auto = mcnemarTest(...inputs);
    const discordant = c.table[0][1] + c.table[1][0];
    assert.equal(auto.method, discordant < 25 ? 'exact' : 'chi2-corrected');
    close(auto.pValue, c[discordant < 25 ? 'exact' : 'chi2Corrected'].pValue, 'auto p-value');
  });
}

test('mcnemarTest: booleans, 0/1 and the table agree; bad input is refused', () => {
  const a = [true, true, false, true, false, true];
  const b = [1, 0, 0, 1, 1, 0];
  const r = mcnemarTest(a, b);
  assert.deepEqual(r.table, [
    [2, 2],
    [1, 1],
  ]);
  assert.equal(r.onlyA, 2);
  assert.equal(r.onlyB, 1);
  assert.equal(mcnemarTest(r.table).pValue, r.pValue);
  assert.throws(() => mcnemarTest(a, b.slice(1)), /same rows/);
  assert.throws(() => mcnemarTest([1, 2], [0, 1]), /correctA`\[1\] is 2/);
  assert.throws(() => mcnemarTest(a, b, { exact: 'yes' }), /exact must be/);
  assert.throws(
    () =>
      mcnemarTest([
        [1, -1],
        [0, 2],
      ]),
    /non-negative integer/,
  );
});

for (const c of refs.delong) {
  test(`delongTest: ${c.doc}`, () => {
    const r = delongTest(Float64Array.from(c.scoresA), c.scoresB, Int32Array.from(c.target), { alpha: c.alpha });
    for (const k of ['aucA', 'aucB', 'difference', 'varianceA', 'varianceB', 'covariance', 'variance', 'z', 'pValue'])
      close(r[k], c[k], k, 1e-9, 1e-14);
    close(r.interval[0], c.interval[0], 'interval low', 1e-9, 1e-14);
    close(r.interval[1], c.interval[1], 'interval high', 1e-9, 1e-14);
  });
}

// pROC's documented DeLong results on its aSAH data (tests/data/paired/proc-asah/README.md):
// roc.test(roc(outcome, x), roc(outcome, y)) tests AUC(x) - AUC(y), so x is our model B.
const asahDir = join(repoRoot, 'tests/data/paired/proc-asah');
const asahRows = readFileSync(join(asahDir, 'aSAH.csv'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(','));
const asahHead = asahRows.shift();
const asahColumn = (name) => Float64Array.from(asahRows, (r) => Number(r[asahHead.indexOf(name)]));
const asahPoor = Int32Array.from(asahRows, (r) => (r[asahHead.indexOf('outcome')] === 'Poor' ? 1 : 0));
const proc = JSON.parse(readFileSync(join(asahDir, 'expected.json'), 'utf8'));
for (const c of proc.rocTest) {
  test(`delongTest: pROC's ${c.call} on aSAH (113 patients)`, () => {
    assert.equal(asahRows.length, 113);
    const r = delongTest(asahColumn(c.y), asahColumn(c.x), asahPoor);
    assert.equal(r.positives, 41);
    close(r.z, c.statistic, 'Z', 1e-10);
    close(r.pValue, c.pValue, 'p-value', 1e-10);
    close(r.interval[0], c.interval[0], 'interval low', 1e-10);
    close(r.interval[1], c.interval[1], 'interval high', 1e-10);
    close(r.varianceA, proc.variance[c.y], `var(roc(outcome, ${c.y}))`, 1e-10);
    close(r.varianceB, proc.variance[c.x], `var(roc(outcome, ${c.x}))`, 1e-10);
  });
}

test("delongTest: AUCs equal the package's BinaryAUROC; swapping the models flips the sign", () => {
  const c = refs.delong[1];
  for (const [scores, key] of [
    [c.scoresA, 'aucA'],
    [c.scoresB, 'aucB'],
  ]) {
    const m = createMetric('BinaryAUROC');
    m.update(Float32Array.from(scores), Int32Array.from(c.target));
    close(delongTest(c.scoresA, c.scoresB, c.target)[key], m.compute(), key, 1e-6);
    m.dispose();
  }
  const ab = delongTest(c.scoresA, c.scoresB, c.target);
  const ba = delongTest(c.scoresB, c.scoresA, c.target);
  close(ba.z, -ab.z, 'z');
  close(ba.pValue, ab.pValue, 'p');
  const same = delongTest(c.scoresA, c.scoresA, c.target);
  assert.equal(same.z, 0);
  assert.equal(same.pValue, 1);
  assert.throws(() => delongTest([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], [1, 0, 0]), /at least 2 positive/);
  assert.throws(() => delongTest([0.1, NaN, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [1, 0, 0, 1]), /finite/);
});

for (const c of refs.bootstrap) {
  test(`pairedBootstrap: ${c.doc}`, () => {
    const metric = createMetric(c.metric, c.options);
    const target = c.metric === 'BinaryAccuracy' ? Int32Array.from(c.target) : Float32Array.from(c.target);
    const opts = { numBootstraps: c.numBootstraps, seed: c.seed, alpha: c.alpha };
    const r = pairedBootstrap(
      metric,
      [Float32Array.from(c.predsA), target],
      [Float32Array.from(c.predsB), target],
      opts,
    );
    for (const k of ['valueA', 'valueB', 'difference', 'standardError', 'pValue']) close(r[k], c[k], k, 1e-6, 1e-9);
    close(r.interval[0], c.interval[0], 'interval low', 1e-6, 1e-9);
    close(r.interval[1], c.interval[1], 'interval high', 1e-6, 1e-9);
    assert.equal(r.dropped, c.dropped);
    const again = pairedBootstrap(
      metric,
      [Float32Array.from(c.predsA), target],
      [Float32Array.from(c.predsB), target],
      opts,
    );
    assert.deepEqual(again, r, 'the same seed gives the same result');
    assert.equal(metric.compute !== undefined && !metric.disposed, true, "the template stays the caller's");
    metric.dispose();
  });
}

test('pairedBootstrap: identical models give difference 0, interval [0, 0], p 1; a collection value needs select', () => {
  const c = refs.bootstrap[0];
  const m = createMetric('BinaryAccuracy');
  const inputs = [Float32Array.from(c.predsA), Int32Array.from(c.target)];
  const r = pairedBootstrap(m, inputs, inputs, { numBootstraps: 50 });
  assert.equal(r.difference, 0);
  assert.deepEqual(r.interval, [0, 0]);
  assert.equal(r.pValue, 1);
  const cm = createMetric('BinaryConfusionMatrix');
  assert.throws(() => pairedBootstrap(cm, inputs, inputs, { numBootstraps: 5 }), /select/);
  const v = pairedBootstrap(cm, inputs, inputs, { numBootstraps: 5, select: (t) => t.data[0] });
  assert.equal(v.difference, 0);
  assert.throws(() => pairedBootstrap(m, inputs, [inputs[0].subarray(1), inputs[1]]), /same number of rows/);
  m.dispose();
  cm.dispose();
});

test("pairedBootstrap: its standard error of an AUROC difference is near DeLong's", () => {
  const c = refs.delong[2]; // 400 rows
  const m = createMetric('BinaryAUROC');
  const t = Int32Array.from(c.target);
  const r = pairedBootstrap(m, [Float32Array.from(c.scoresA), t], [Float32Array.from(c.scoresB), t], {
    numBootstraps: 400,
    seed: 3,
  });
  const d = delongTest(c.scoresA, c.scoresB, c.target);
  close(r.difference, d.difference, 'difference', 1e-6);
  const ratio = r.standardError / Math.sqrt(d.variance);
  assert.ok(ratio > 0.85 && ratio < 1.15, `bootstrap SE / DeLong SE = ${ratio}`);
  m.dispose();
});

test('pairedBootstrap: onProgress gets every resample in order and changes no number', () => {
  const c = refs.bootstrap[0];
  const m = createMetric('BinaryAccuracy');
  const t = Int32Array.from(c.target);
  const [a, b] = [
    [Float32Array.from(c.predsA), t],
    [Float32Array.from(c.predsB), t],
  ];
  const calls = [];
  const withProgress = pairedBootstrap(m, a, b, {
    numBootstraps: 30,
    seed: 2,
    onProgress: (done, total) => calls.push([done, total]),
  });
  assert.deepEqual(
    calls,
    Array.from({ length: 30 }, (_, i) => [i + 1, 30]),
  );
  assert.deepEqual(withProgress, pairedBootstrap(m, a, b, { numBootstraps: 30, seed: 2 }));
  assert.throws(() => pairedBootstrap(m, a, b, { onProgress: 'yes' }), /onProgress must be a function/);
  m.dispose();
});
