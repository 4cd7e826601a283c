// Exact curves keep float64 scores for float64 preds (issue 16, item 0), through the npm package in
// one build (float64-curves-{simd,plain}.test.mjs). The native twin, with the reasoning, is
// tests/cpp/classification_float64_curves_test.cpp:
//   * the case (BinaryAUROC 0.75, AP 0.8333) against a float64 reference written here;
//   * every registered exact-curve metric (with each example's options, thresholds=null): its value
//     on Float64Array scores squeezed into 1e-7 below 1 equals its value on the same ranking spread
//     over [0, 1] (curves depend on the order only; thresholds are the scores, squeezed alike);
//   * Float32Array then Float64Array updates, and a float32 instance merged with a float64 one
//     (and through saveState/loadState), equal the all-float64 result.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const squeeze = (x) => 1 - (1 - x) * 1e-7;

// Mann-Whitney AUROC (ties 1/2) and AP as the mean precision at each positive, in float64.
function referenceAuroc(p, t) {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < p.length; j++)
      if (t[i] === 1 && t[j] === 0) {
        pairs += 1;
        wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
      }
  return wins / pairs;
}
function referenceAp(p, t) {
  let pos = 0;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (t[i] !== 1) continue;
    pos += 1;
    let above = 0;
    let abovePos = 0;
    for (let j = 0; j < p.length; j++)
      if (p[j] >= p[i]) {
        above += 1;
        abovePos += t[j];
      }
    sum += abovePos / above;
  }
  return sum / pos;
}

// A small deterministic generator (the data need not be random, only varied).
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeData(task, classes, seed) {
  const rnd = lcg(seed);
  const N = 24;
  const K = task === 'binary' ? 1 : classes;
  const preds = Array.from({ length: N * K }, () => Math.floor(rnd() * 17) / 16);
  const T = task === 'multilabel' ? N * K : N;
  const target = Array.from({ length: T }, () => Math.floor(rnd() * (task === 'multiclass' ? K : 2)));
  for (let k = 0; k < K; k++) {
    if (task === 'multiclass') target[k] = k;
    else if (task === 'multilabel') {
      target[k] = 1;
      target[K + k] = 0;
    } else {
      target[0] = 1;
      target[1] = 0;
    }
  }
  return {
    preds,
    target,
    pshape: task === 'binary' ? [N] : [N, K],
    tshape: task === 'multilabel' ? [N, K] : [N],
  };
}

// Every number of a result with its path (dict keys), in order.
function walk(r, path, out) {
  if (typeof r === 'number') out.push([path, r]);
  else if (Array.isArray(r)) for (const x of r) walk(x, path, out);
  else if (r && r.data && r.shape) for (const v of r.data) out.push([path, v]);
  else for (const [k, v] of Object.entries(r)) walk(v, `${path}/${k}`, out);
  return out;
}

function exactCurveCases(lib) {
  const cases = [];
  for (const m of lib.listMetrics()) {
    if (!m.options.some((o) => o.snakeName === 'max_state_bytes')) continue;
    for (const ex of m.examples) {
      if (ex.args.input_kind === 'logits') continue; // thresholds would be sigmoids, not squeezes
      const args = { ...ex.args, thresholds: null };
      const task =
        args.task ??
        (m.name.startsWith('Binary') ? 'binary' : m.name.startsWith('Multiclass') ? 'multiclass' : 'multilabel');
      const classes = task === 'multiclass' ? args.num_classes : task === 'multilabel' ? args.num_labels : 1;
      cases.push({ name: m.name, args, task, classes });
    }
  }
  return cases;
}

function feed(m, d, { f32 = false, squeezed = false } = {}) {
  const p = squeezed ? d.preds.map(squeeze) : d.preds;
  m.update(
    { data: f32 ? Float32Array.from(p) : Float64Array.from(p), shape: d.pshape },
    { data: Int32Array.from(d.target), shape: d.tshape },
  );
}

export async function runFloat64Curves({ simd }) {
  const lib = await importPackage();
  await lib.init({ simd });

  test(`the issue's float64 near-tie: BinaryAUROC 0.75 and AP 0.8333 (${simd ? 'SIMD' : 'plain'} build)`, () => {
    const p = [0.99999997, 0.99999993, 0.5, 0.2];
    const t = [1, 0, 1, 0];
    const auroc = referenceAuroc(p, t);
    const ap = referenceAp(p, t);
    assert.equal(auroc, 0.75);
    assert.ok(Math.abs(ap - 5 / 6) < 1e-15);
    for (const [name, want] of [
      ['BinaryAUROC', auroc],
      ['BinaryAveragePrecision', ap],
    ]) {
      const m = lib.createMetric(name, {});
      m.update({ data: Float64Array.from(p), shape: [4] }, { data: Int32Array.from(t), shape: [4] });
      assert.ok(Math.abs(m.compute() - want) < 1e-7, `${name}: ${m.compute()} vs ${want}`);
      m.dispose();
    }
    const roc = lib.createMetric('BinaryROC', {});
    roc.update({ data: Float64Array.from(p), shape: [4] }, { data: Int32Array.from(t), shape: [4] });
    const thr = Array.from(roc.compute().thresholds.data);
    assert.deepEqual(thr.slice(0, 3), [1, 0.99999997, 0.99999993]);
    roc.dispose();
  });

  test(`every exact-curve metric keeps float64 near-ties apart, and mixes float32 with float64 (${simd ? 'SIMD' : 'plain'} build)`, () => {
    const cases = exactCurveCases(lib);
    const names = new Set();
    for (const c of cases) {
      const d = makeData(c.task, c.classes, 1);
      const spread = lib.createMetric(c.name, c.args);
      const near = lib.createMetric(c.name, c.args);
      feed(spread, d);
      feed(near, d, { squeezed: true });
      const want = walk(spread.compute(), '', []);
      const got = walk(near.compute(), '', []);
      assert.equal(got.length, want.length, c.name);
      want.forEach(([path, x], i) => {
        const expect = /threshold/.test(path) && x !== 1e6 && !Number.isNaN(x) ? squeeze(x) : x;
        assert.ok(
          Object.is(got[i][1], expect) || got[i][1] === expect,
          `${c.name} ${JSON.stringify(c.args)}${path} #${i}: ${got[i][1]} vs ${expect}`,
        );
      });
      // float32 part + float64 part: in one instance, and by merge through a blob
      const d2 = makeData(c.task, c.classes, 2);
      const whole = lib.createMetric(c.name, c.args);
      feed(whole, d);
      feed(whole, d2, { squeezed: true });
      const mixed = lib.createMetric(c.name, c.args);
      feed(mixed, d, { f32: true });
      feed(mixed, d2, { squeezed: true });
      const a32 = lib.createMetric(c.name, c.args);
      feed(a32, d, { f32: true });
      const b64 = lib.createMetric(c.name, c.args);
      feed(b64, d2, { squeezed: true });
      const merged = lib.createMetric(c.name, c.args);
      merged.loadState(a32.saveState());
      const loaded = lib.createMetric(c.name, c.args);
      loaded.loadState(b64.saveState());
      merged.merge(loaded);
      const all = walk(whole.compute(), '', []);
      for (const m of [mixed, merged]) {
        const v = walk(m.compute(), '', []);
        assert.equal(v.length, all.length, c.name);
        all.forEach(([path, x], i) =>
          assert.ok(Object.is(v[i][1], x), `${c.name}${path} #${i}: ${v[i][1]} vs ${x} (mixed precision)`),
        );
      }
      for (const m of [spread, near, whole, mixed, a32, b64, merged, loaded]) m.dispose();
      names.add(c.name);
    }
    assert.ok(names.size >= 24, `only ${names.size} exact-curve metrics found`);
  });
}
