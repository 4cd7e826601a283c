#!/usr/bin/env node
// `make bench`: workloads W1-W5 of issue 7 end to end through the npm package (npm/dist), beside,
// in the same process and on the same bytes, a plain-JS implementation of each metric (what a web
// developer writes) and the WASM floors (benchFloors: one SIMD read of the bytes, the simple
// confusion scatter, the radix sort, the one-pass histogram). Medians of --runs runs after one
// warm-up; prints the ratios of the issue's target table and writes JSON to bench/results/.
// "copy" rows pass JS typed arrays (copied into the heap inside the timed region); "zero-copy"
// rows pass HeapInputs from allocInput, filled before timing.
// The SIMD build runs here; the plain build runs the same script in a child process (the module
// loads once per process).
// Usage: node bench/run.mjs [--scale=S] [--runs=N] [--quick] [--build=both|simd|plain] [--out=DIR] [--only=w1,w2,...]
//   --quick = --scale=0.01 --runs=3 (a smoke run in seconds; numbers then mean little)
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { workloadData } from './data.mjs';
import { benchArgs } from './args.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');

const args = benchArgs('bench/run.mjs', ['scale', 'runs', 'quick', 'build', 'out', 'only']);
const SCALE = Number(args.scale ?? (args.quick ? 0.01 : 1));
const RUNS = Number(args.runs ?? (args.quick ? 3 : 5));
const BUILD = args.build ?? 'both';
const OUT = resolve(args.out ?? join(here, 'results'));
if (!(SCALE > 0) || !(RUNS >= 1) || !['both', 'simd', 'plain'].includes(BUILD)) {
  throw new Error('bench/run.mjs: --scale must be > 0, --runs >= 1, --build one of both, simd, plain');
}
const JS_RUNS = Math.min(RUNS, 3); // the slow plain-JS sorts dominate the wall time otherwise

// dist/bench.mjs: the package (dist/index.mjs's code) plus benchFloors, whose WebAssembly module is
// its own (bench/floors/): floor inputs are copies in that module's heap, made untimed (floorCopies).
const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/bench.mjs')).href);
const { init, createMetric, MetricCollection, allocInput, benchFloors, simd } = lib;
await init({ simd: BUILD !== 'plain' });
await benchFloors.init(); // the floors built like the package module just loaded
const buildName = simd() ? 'simd' : 'plain';

let sink = 0; // every contender's result lands here so no pass can be optimized away

/** Median milliseconds of fn() over `runs` runs after one warm-up; setup() runs untimed before each. */
function time(fn, { runs = RUNS, setup } = {}) {
  const ts = [];
  let value;
  for (let r = 0; r <= runs; r++) {
    setup?.();
    const t0 = performance.now();
    value = fn();
    const t = performance.now() - t0;
    if (r > 0) ts.push(t);
  }
  return { ms: median(ts), value };
}

const rows = []; // {workload, contender, ms}
let memory = null; // exactCurveMemory(): the child's measurement, as it reported it
const ratios = []; // {workload, what, value, target, met}
const checks = []; // plain JS against WASM: the same numbers or the comparison is meaningless
function row(workload, contender, ms) {
  rows.push({ workload, contender, ms });
  return ms;
}
function ratio(workload, what, value, op, bound) {
  const met = op === '<=' ? value <= bound : value >= bound;
  ratios.push({ workload, what, value, target: `${op} ${bound}`, met });
}
const scalarOf = (v) => (typeof v === 'number' ? v : v.data ? v.data.reduce((a, b) => a + b, 0) : NaN);
function check(workload, what, wasm, js) {
  const a = scalarOf(wasm);
  const b = scalarOf(js);
  checks.push({ workload, what, wasm: a, js: b, agree: Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a)) });
}

// Splits rows of `width` elements into n batches of views (no copies).
function batches(array, n, width = 1) {
  const total = array.length / width;
  const out = [];
  for (let b = 0; b < n; b++) {
    const lo = Math.floor((total * b) / n);
    const hi = Math.floor((total * (b + 1)) / n);
    out.push(array.subarray(lo * width, hi * width));
  }
  return out;
}
function heapCopies(views, dtype, shapeOf) {
  return views.map((v) => {
    const h = allocInput(dtype, shapeOf(v));
    h.data.set(v);
    return h;
  });
}
const disposeAll = (...lists) => lists.flat().forEach((h) => h.dispose());
/** The same bytes in the floors' heap (benchFloors), one per HeapInput. */
const floorCopies = (heapList) => heapList.map((h) => benchFloors.copyOf(h));

// One metric over all batches: create, update each, compute, dispose (all timed).
function runMetric(name, options, batchInputs) {
  const m = createMetric(name, options);
  try {
    for (const inputs of batchInputs) m.update(...inputs);
    return m.compute();
  } finally {
    m.dispose();
  }
}
// One metric over JS arrays (the copy into the heap timed) and over the same batches as
// HeapInputs, a row each ("<label> copy", "<label> zero-copy").
function copyAndZeroCopy(W, label, name, options, inputs, heapInputs) {
  const copy = time(() => runMetric(name, options, inputs));
  const zero = time(() => runMetric(name, options, heapInputs));
  row(W, `${label} copy`, copy.ms);
  row(W, `${label} zero-copy`, zero.ms);
  return { copy, zero };
}
function readFloor(...heapLists) {
  let s = 0;
  for (const list of heapLists) for (const h of list) s += benchFloors.readSum(h);
  sink += s;
  return s;
}
/** Median ms of one floor pass `pass(pred, target)` over every batch's pair of floor inputs. */
function pairFloorMs(pass, predFloors, targetFloors) {
  return time(() => {
    let s = 0;
    predFloors.forEach((p, b) => {
      s += pass(p, targetFloors[b]);
    });
    sink += s;
  }).ms;
}
function copyAndRead(viewLists, heapLists) {
  let s = 0;
  viewLists.forEach((views, i) =>
    views.forEach((v, b) => {
      heapLists[i][b].data.set(v);
      s += benchFloors.readSum(heapLists[i][b]);
    }),
  );
  sink += s;
  return s;
}

// ---- plain JS baselines: straightforward loops, as a web developer would write them -------------

function jsMultilabelCounts(predBatches, targetBatches, L, thresholds) {
  const tp = new Float64Array(L);
  const fp = new Float64Array(L);
  const tn = new Float64Array(L);
  const fn = new Float64Array(L);
  for (let b = 0; b < predBatches.length; b++) {
    const p = predBatches[b];
    const t = targetBatches[b];
    for (let i = 0; i < p.length; i += L) {
      for (let l = 0; l < L; l++) {
        const yp = p[i + l] >= thresholds[l];
        const yt = t[i + l] === 1;
        if (yp && yt) tp[l]++;
        else if (yp) fp[l]++;
        else if (yt) fn[l]++;
        else tn[l]++;
      }
    }
  }
  return { tp, fp, tn, fn };
}
const jsF1Macro = (c) => {
  let s = 0;
  for (let l = 0; l < c.tp.length; l++) {
    const d = 2 * c.tp[l] + c.fp[l] + c.fn[l];
    s += d ? (2 * c.tp[l]) / d : 0;
  }
  return s / c.tp.length;
};
const jsAccuracyMicro = (c) => {
  let ok = 0;
  let all = 0;
  for (let l = 0; l < c.tp.length; l++) {
    ok += c.tp[l] + c.tn[l];
    all += c.tp[l] + c.tn[l] + c.fp[l] + c.fn[l];
  }
  return ok / all;
};
const jsStatScores = (c) => {
  const out = new Float64Array(c.tp.length * 5);
  for (let l = 0; l < c.tp.length; l++) out.set([c.tp[l], c.fp[l], c.tn[l], c.fn[l], c.tp[l] + c.fn[l]], l * 5);
  return { data: out };
};

function jsConfusion(predBatches, targetBatches, C, ignore) {
  const cm = new Float64Array(C * C);
  for (let b = 0; b < predBatches.length; b++) {
    const p = predBatches[b];
    const t = targetBatches[b];
    for (let i = 0; i < p.length; i++) {
      if (t[i] === ignore) continue;
      cm[t[i] * C + p[i]]++;
    }
  }
  return cm;
}
function jsJaccardMacro(cm, C) {
  let s = 0;
  for (let c = 0; c < C; c++) {
    let row = 0;
    let col = 0;
    for (let k = 0; k < C; k++) {
      row += cm[c * C + k];
      col += cm[k * C + c];
    }
    const union = row + col - cm[c * C + c];
    s += union ? cm[c * C + c] / union : 0;
  }
  return s / C;
}

// Exact binary curve: sort indices by score (descending), sweep distinct thresholds.
function jsExactCurve(scores, isPositive) {
  const n = scores.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => scores[b] - scores[a]);
  const tps = [0];
  const fps = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    if (isPositive(idx[k])) tp++;
    else fp++;
    if (k === n - 1 || scores[idx[k + 1]] !== scores[idx[k]]) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { tps, fps };
}
function jsAurocFromCounts(tps, fps) {
  const P = tps[tps.length - 1];
  const N = fps[fps.length - 1];
  let area = 0;
  for (let k = 1; k < tps.length; k++) area += ((fps[k] - fps[k - 1]) / N) * ((tps[k] + tps[k - 1]) / (2 * P));
  return area;
}
function jsApFromCounts(tps, fps) {
  const P = tps[tps.length - 1];
  let ap = 0;
  for (let k = 1; k < tps.length; k++) ap += ((tps[k] - tps[k - 1]) / P) * (tps[k] / (tps[k] + fps[k]));
  return ap;
}
// Binned curve: a binary search per score into the sorted thresholds, counts per bin, cumsums.
function jsBinnedCounts(scores, isPositive, thresholds) {
  const T = thresholds.length;
  const pos = new Float64Array(T);
  const neg = new Float64Array(T);
  for (let i = 0; i < scores.length; i++) {
    let lo = 0;
    let hi = T; // number of thresholds <= score
    const s = scores[i];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (thresholds[mid] <= s) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue; // below every threshold: predicted negative everywhere
    if (isPositive(i)) pos[lo - 1]++;
    else neg[lo - 1]++;
  }
  // tps[k] = positives with score >= thresholds[k]: suffix sums; in decreasing-threshold order.
  const tps = [0];
  const fps = [0];
  let tp = 0;
  let fp = 0;
  for (let k = T - 1; k >= 0; k--) {
    tp += pos[k];
    fp += neg[k];
    tps.push(tp);
    fps.push(fp);
  }
  return { tps, fps };
}
function withTotals({ tps, fps }, P, N) {
  // The curve ends at (N, P) even when some scores fall below the lowest threshold.
  return { tps: [...tps, P], fps: [...fps, N] };
}
const linspace = (n) => Array.from({ length: n }, (_, i) => i / (n - 1));

// ---- workloads ---------------------------------------------------------------------------------

function w1() {
  const W = 'W1 multilabel';
  const { L, preds, target } = workloadData('w1', SCALE);
  const pB = batches(preds, 10, L);
  const tB = batches(target, 10, L);
  const inputs = pB.map((p, b) => [
    { data: p, shape: [p.length / L, L] },
    { data: tB[b], shape: [p.length / L, L] },
  ]);
  const pH = heapCopies(pB, 'float32', (v) => [v.length / L, L]);
  const tH = heapCopies(tB, 'uint8', (v) => [v.length / L, L]);
  const heapInputs = pH.map((p, b) => [p, tH[b]]);
  const [pF, tF] = [floorCopies(pH), floorCopies(tH)];
  const read = row(W, 'WASM read floor (SIMD sum of preds+target)', time(() => readFloor(pF, tF)).ms);
  disposeAll(pF, tF);
  const perLabel = Array.from({ length: L }, (_, l) => 0.3 + (0.4 * l) / (L - 1));
  const metrics = [
    ['MultilabelF1Score', { numLabels: L, average: 'macro' }, (c) => jsF1Macro(c)],
    ['MultilabelAccuracy', { numLabels: L, average: 'micro' }, (c) => jsAccuracyMicro(c)],
    ['MultilabelStatScores', { numLabels: L, average: 'none' }, (c) => jsStatScores(c)],
  ];
  const half = new Array(L).fill(0.5);
  let oneMetric = null;
  // Untimed: the process's first heap growth for the batch copies and the JIT/GC settling after
  // loading the data would otherwise land on whichever row runs first (F1 copy: 2x the others).
  for (let r = 0; r < 3; r++) runMetric(metrics[0][0], metrics[0][1], inputs);
  for (const [name, options, finish] of metrics) {
    const copy = time(() => runMetric(name, options, inputs));
    const zero = time(() => runMetric(name, options, heapInputs));
    const js = time(() => finish(jsMultilabelCounts(pB, tB, L, half)), { runs: JS_RUNS });
    row(W, `${name} copy`, copy.ms);
    row(W, `${name} zero-copy`, zero.ms);
    row(W, `${name} plain JS`, js.ms);
    check(W, name, copy.value, js.value);
    ratio(W, `${name}: copy / read`, copy.ms / read, '<=', 3);
    ratio(W, `${name}: zero-copy (kernel) / read`, zero.ms / read, '<=', 1.3);
    ratio(W, `${name}: plain JS / copy`, js.ms / copy.ms, '>=', 5);
    oneMetric ??= copy.ms;
  }
  const coll = time(() => {
    const c = new MetricCollection(metrics.map(([n, o]) => createMetric(n, o)));
    try {
      for (const b of inputs) c.update(...b);
      return { groups: c.computeGroups.length, value: c.compute() };
    } finally {
      c.dispose();
    }
  });
  row(W, `collection of the 3 (${coll.value.groups} compute group(s)) copy`, coll.ms);
  ratio(W, 'collection of 3 / one metric', coll.ms / oneMetric, '<=', 1.1);
  const per = time(() => runMetric('MultilabelF1Score', { numLabels: L, threshold: perLabel }, inputs));
  row(W, 'MultilabelF1Score per-label thresholds copy', per.ms);
  const perJs = time(() => jsF1Macro(jsMultilabelCounts(pB, tB, L, perLabel)), { runs: JS_RUNS });
  check(W, 'MultilabelF1Score per-label thresholds', per.value, perJs.value);
  ratio(W, 'per-label thresholds / one threshold', per.ms / oneMetric, '<=', 1.1);
  disposeAll(pH, tH);
}

function w2() {
  const W = 'W2 segmentation';
  const { C, HW, pred, target } = workloadData('w2', SCALE);
  const pB = batches(pred, 4, HW);
  const tB = batches(target, 4, HW);
  const shape = (v) => [v.length / HW, HW];
  const inputs = pB.map((p, b) => [
    { data: p, shape: shape(p) },
    { data: tB[b], shape: shape(p) },
  ]);
  const pH = heapCopies(pB, 'uint8', shape);
  const tH = heapCopies(tB, 'uint8', shape);
  const heapInputs = pH.map((p, b) => [p, tH[b]]);
  const [pF, tF] = [floorCopies(pH), floorCopies(tH)];
  const scatter = row(W, 'WASM simple scatter pass (no mask)', pairFloorMs(benchFloors.scatter, pF, tF));
  row(W, 'WASM read floor (SIMD sum)', time(() => readFloor(pF, tF)).ms);
  disposeAll(pF, tF);
  const metrics = [
    ['MulticlassConfusionMatrix', { numClasses: C, ignoreIndex: 255 }, (cm) => ({ data: cm })],
    ['MulticlassJaccardIndex', { numClasses: C, average: 'macro', ignoreIndex: 255 }, (cm) => jsJaccardMacro(cm, C)],
  ];
  for (const [name, options, finish] of metrics) {
    const copy = time(() => runMetric(name, options, inputs));
    const zero = time(() => runMetric(name, options, heapInputs));
    const js = time(() => finish(jsConfusion(pB, tB, C, 255)), { runs: JS_RUNS });
    row(W, `${name} copy`, copy.ms);
    row(W, `${name} zero-copy`, zero.ms);
    row(W, `${name} plain JS`, js.ms);
    check(W, name, copy.value, js.value);
    ratio(W, `${name}: copy / scatter`, copy.ms / scatter, '<=', 1.5);
    ratio(W, `${name}: plain JS / copy`, js.ms / copy.ms, '>=', 1.5);
  }
  // The same maps as uint16 (16-bit PNG masks) take the wider-integer counting path.
  const inputs16 = inputs.map((b) => b.map(({ data, shape: s }) => ({ data: Uint16Array.from(data), shape: s })));
  const cm16 = time(() => runMetric('MulticlassConfusionMatrix', { numClasses: C, ignoreIndex: 255 }, inputs16));
  row(W, 'MulticlassConfusionMatrix uint16 maps copy', cm16.ms);
  const pH16 = heapCopies(
    inputs16.map(([p]) => p.data),
    'uint16',
    shape,
  );
  const tH16 = heapCopies(
    inputs16.map(([, t]) => t.data),
    'uint16',
    shape,
  );
  row(
    W,
    'MulticlassConfusionMatrix uint16 maps zero-copy',
    time(() =>
      runMetric(
        'MulticlassConfusionMatrix',
        { numClasses: C, ignoreIndex: 255 },
        pH16.map((p, b) => [p, tH16[b]]),
      ),
    ).ms,
  );
  // its own floor: the simple scatter over the same uint16 maps (twice the uint8 maps' bytes)
  const [pF16, tF16] = [floorCopies(pH16), floorCopies(tH16)];
  const scatter16 = row(
    W,
    'WASM simple scatter pass, uint16 maps (no mask)',
    pairFloorMs(benchFloors.scatter16, pF16, tF16),
  );
  disposeAll(pH16, tH16, pF16, tF16);
  check(W, 'MulticlassConfusionMatrix uint16 maps', cm16.value, { data: jsConfusion(pB, tB, C, 255) });
  ratio(W, 'MulticlassConfusionMatrix uint16 maps: copy / scatter', cm16.ms / scatter, '<=', 1.5);
  ratio(W, 'MulticlassConfusionMatrix uint16 maps: copy / uint16 scatter', cm16.ms / scatter16, '<=', 1.3);
  disposeAll(pH, tH);
}

// Floors of a ranking workload over `keys` float32 scores and uint8 labels already in the heap.
function rankingFloors(W, scoresH, labelsH, scores, labels) {
  const sortScores = benchFloors.alloc('float32', scores.length);
  const sortLabels = benchFloors.alloc('uint8', labels.length);
  const sort = row(
    W,
    'WASM radix-sort floor (all keys, one sort)',
    time(
      () => {
        sink += benchFloors.radixSort(sortScores, sortLabels);
      },
      {
        setup: () => {
          sortScores.data.set(scores);
          sortLabels.data.set(labels);
        },
      },
    ).ms,
  );
  // The radix sort stops at sorted keys; an exact AUROC must then sweep every distinct score (a
  // float32 ROC point and its trapezoid each): sort + sweep is that curve's own floor.
  let sweptArea = NaN;
  const sortSweep = row(
    W,
    'WASM radix sort + ROC sweep floor',
    time(
      () => {
        sweptArea = benchFloors.rocSweep(sortScores, sortLabels);
        sink += sweptArea;
      },
      {
        setup: () => {
          sortScores.data.set(scores);
          sortLabels.data.set(labels);
        },
      },
    ).ms,
  );
  disposeAll([sortScores, sortLabels]);
  const [scoresF, labelsF] = [floorCopies(scoresH), floorCopies(labelsH)];
  const hist = row(
    W,
    'WASM 200-bin histogram pass',
    pairFloorMs((h, labels) => benchFloors.histogram(h, labels, 200), scoresF, labelsF),
  );
  disposeAll(scoresF, labelsF);
  return { sort, sortSweep, sweptArea, hist };
}

function w3() {
  const W = 'W3 binary ranking';
  const { scores, target } = workloadData('w3', SCALE);
  const sB = batches(scores, 10);
  const tB = batches(target, 10);
  const inputs = sB.map((s, b) => [s, tB[b]]);
  const sH = heapCopies(sB, 'float32', (v) => [v.length]);
  const tH = heapCopies(tB, 'uint8', (v) => [v.length]);
  const heapInputs = sH.map((h, b) => [h, tH[b]]);
  const { sort, sortSweep, sweptArea, hist } = rankingFloors(W, sH, tH, scores, target);
  const P = target.reduce((a, b) => a + b, 0);
  const N = target.length - P;
  const isPos = (i) => target[i] === 1;
  const th = linspace(200);
  for (const [name, jsOf] of [
    ['BinaryAUROC', jsAurocFromCounts],
    ['BinaryAveragePrecision', jsApFromCounts],
  ]) {
    const { copy: exact, zero: exactZero } = copyAndZeroCopy(W, `${name} exact`, name, {}, inputs, heapInputs);
    const exactJs = time(
      () => {
        const c = jsExactCurve(scores, isPos);
        return jsOf(c.tps, c.fps);
      },
      { runs: JS_RUNS },
    );
    row(W, `${name} exact plain JS (index sort)`, exactJs.ms);
    check(W, `${name} exact`, exact.value, exactJs.value);
    check(W, `${name} exact zero-copy`, exactZero.value, exactJs.value);
    ratio(W, `${name} exact: copy / radix sort`, exact.ms / sort, '<=', 1.3);
    ratio(W, `${name} exact: zero-copy / radix sort`, exactZero.ms / sort, '<=', 1.3);
    ratio(W, `${name} exact: zero-copy / (radix sort + ROC sweep)`, exactZero.ms / sortSweep, '<=', 1.3);
    if (name === 'BinaryAUROC') check(W, 'radix sort + ROC sweep floor (its area)', sweptArea, exact.value);
    ratio(W, `${name} exact: plain JS / copy`, exactJs.ms / exact.ms, '>=', 20);
    const binnedOpts = { thresholds: 200 };
    const label = `${name} 200 thresholds`;
    const { copy: binned, zero: binnedZero } = copyAndZeroCopy(W, label, name, binnedOpts, inputs, heapInputs);
    const binnedJs = time(
      () => {
        const c = withTotals(jsBinnedCounts(scores, isPos, th), P, N);
        return jsOf(c.tps, c.fps);
      },
      { runs: JS_RUNS },
    );
    row(W, `${name} 200 thresholds plain JS (binary search)`, binnedJs.ms);
    if (name === 'BinaryAUROC') check(W, `${name} 200 thresholds`, binned.value, binnedJs.value);
    ratio(W, `${name} binned: copy / histogram`, binned.ms / hist, '<=', 1.5);
    ratio(W, `${name} binned: zero-copy / histogram`, binnedZero.ms / hist, '<=', 1.5);
    ratio(W, `${name} binned: plain JS / copy`, binnedJs.ms / binned.ms, '>=', 2);
  }
  disposeAll(sH, tH);
  exactCurveMemory(W);
}

// Memory of the exact curve (issue 7: state <= 5 B/sample, peak extra at compute <= 21 B/sample),
// measured in a fresh module so that malloc's high-water mark is not set by other rows.
function exactCurveMemory(W) {
  const child = spawnSync(process.execPath, [join(here, 'exact-curve-memory.mjs'), buildName, String(SCALE)], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`bench/exact-curve-memory.mjs failed: ${child.stderr}`);
  const mem = JSON.parse(child.stdout.trim().split('\n').pop());
  ratio(W, 'BinaryAUROC exact: state bytes per sample', mem.stateBytesPerSample, '<=', 5);
  ratio(
    W,
    'BinaryAUROC exact: peak extra bytes per sample at compute (upper bound)',
    mem.peakExtraBytesPerSampleAtMost,
    '<=',
    21,
  );
  memory = mem;
}

function w4() {
  const W = 'W4 multiclass ranking';
  const { N, C, probs, target } = workloadData('w4', SCALE);
  const pB = batches(probs, 10, C);
  const tB = batches(target, 10);
  const inputs = pB.map((p, b) => [{ data: p, shape: [p.length / C, C] }, tB[b]]);
  // The floors see the same number of keys as the one-vs-rest curves: N x C scores, one label each.
  const oneHot = new Uint8Array(N * C);
  for (let i = 0; i < N; i++) oneHot[i * C + target[i]] = 1;
  const pH = heapCopies(pB, 'float32', (v) => [v.length]);
  const lH = heapCopies(batches(oneHot, 10, C), 'uint8', (v) => [v.length]);
  const { sort, sortSweep, hist } = rankingFloors(W, pH, lH, probs, oneHot);
  disposeAll(pH, lH);
  const th = linspace(200);
  const jsMacro = (curveOf) => {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const col = new Float32Array(N);
      for (let i = 0; i < N; i++) col[i] = probs[i * C + c];
      const isPos = (i) => target[i] === c;
      let P = 0;
      for (let i = 0; i < N; i++) P += isPos(i) ? 1 : 0;
      const k = curveOf(col, isPos, P, N - P);
      s += jsAurocFromCounts(k.tps, k.fps);
    }
    return s / C;
  };
  const zpH = heapCopies(pB, 'float32', (v) => [v.length / C, C]);
  const ztH = heapCopies(tB, 'int32', (v) => [v.length]);
  const heapInputs = zpH.map((p, b) => [p, ztH[b]]);
  const exactOpts = { numClasses: C, average: 'macro' };
  const { copy: exact, zero: exactZero } = copyAndZeroCopy(
    W,
    'MulticlassAUROC exact',
    'MulticlassAUROC',
    exactOpts,
    inputs,
    heapInputs,
  );
  const exactJs = time(() => jsMacro((col, isPos) => jsExactCurve(col, isPos)), { runs: JS_RUNS });
  row(W, 'MulticlassAUROC exact plain JS (index sort per class)', exactJs.ms);
  check(W, 'MulticlassAUROC exact', exact.value, exactJs.value);
  check(W, 'MulticlassAUROC exact zero-copy', exactZero.value, exactJs.value);
  ratio(W, 'MulticlassAUROC exact: copy / radix sort', exact.ms / sort, '<=', 1.3);
  ratio(W, 'MulticlassAUROC exact: zero-copy / radix sort', exactZero.ms / sort, '<=', 1.3);
  ratio(W, 'MulticlassAUROC exact: zero-copy / (radix sort + ROC sweep)', exactZero.ms / sortSweep, '<=', 1.3);
  ratio(W, 'MulticlassAUROC exact: plain JS / copy', exactJs.ms / exact.ms, '>=', 20);
  const { copy: binned, zero: binnedZero } = copyAndZeroCopy(
    W,
    'MulticlassAUROC 200 thresholds',
    'MulticlassAUROC',
    { ...exactOpts, thresholds: 200 },
    inputs,
    heapInputs,
  );
  const binnedJs = time(() => jsMacro((col, isPos, P, Nn) => withTotals(jsBinnedCounts(col, isPos, th), P, Nn)), {
    runs: JS_RUNS,
  });
  row(W, 'MulticlassAUROC 200 thresholds plain JS (binary search)', binnedJs.ms);
  check(W, 'MulticlassAUROC 200 thresholds', binned.value, binnedJs.value);
  ratio(W, 'MulticlassAUROC binned: copy / histogram', binned.ms / hist, '<=', 1.5);
  ratio(W, 'MulticlassAUROC binned: zero-copy / histogram', binnedZero.ms / hist, '<=', 1.5);
  ratio(W, 'MulticlassAUROC binned: plain JS / copy', binnedJs.ms / binned.ms, '>=', 2);
  disposeAll(zpH, ztH);
}

function w5() {
  const W = 'W5 regression';
  const { preds, target } = workloadData('w5', SCALE);
  const pB = batches(preds, 10);
  const tB = batches(target, 10);
  const inputs = pB.map((p, b) => [p, tB[b]]);
  const pH = heapCopies(pB, 'float32', (v) => [v.length]);
  const tH = heapCopies(tB, 'float32', (v) => [v.length]);
  const heapInputs = pH.map((p, b) => [p, tH[b]]);
  const [pF, tF] = [floorCopies(pH), floorCopies(tH)];
  const read = row(W, 'WASM read floor (SIMD sum of preds+target)', time(() => readFloor(pF, tF)).ms);
  const copyRead = row(W, 'copy into the heap + WASM read', time(() => copyAndRead([pB, tB], [pF, tF])).ms);
  // The arithmetic a moment metric cannot skip: what bounds PearsonCorrCoef and R2Score below
  // (in the plain build, float64 op throughput: no SIMD, so no f64x2).
  const sums = row(
    W,
    'five-sum floor (float64 Σx, Σy, Σx², Σy², Σxy)',
    pairFloorMs((p, t) => benchFloors.moments(p, t), pF, tF),
  );
  disposeAll(pF, tF);
  const js = {
    MeanSquaredError: () => {
      let s = 0;
      let n = 0;
      for (let b = 0; b < pB.length; b++) {
        const p = pB[b];
        const t = tB[b];
        for (let i = 0; i < p.length; i++) {
          const d = p[i] - t[i];
          s += d * d;
        }
        n += p.length;
      }
      return s / n;
    },
    PearsonCorrCoef: () => {
      let n = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let b = 0; b < pB.length; b++) {
        const p = pB[b];
        const t = tB[b];
        for (let i = 0; i < p.length; i++) {
          const x = p[i];
          const y = t[i];
          sx += x;
          sy += y;
          sxx += x * x;
          syy += y * y;
          sxy += x * y;
        }
        n += p.length;
      }
      return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    },
    R2Score: () => {
      let n = 0;
      let sy = 0;
      let syy = 0;
      let sse = 0;
      for (let b = 0; b < pB.length; b++) {
        const p = pB[b];
        const t = tB[b];
        for (let i = 0; i < p.length; i++) {
          const y = t[i];
          const d = y - p[i];
          sy += y;
          syy += y * y;
          sse += d * d;
        }
        n += p.length;
      }
      return 1 - sse / (syy - (sy * sy) / n);
    },
  };
  for (const [name, jsFn] of Object.entries(js)) {
    const { copy, zero } = copyAndZeroCopy(W, name, name, {}, inputs, heapInputs);
    const plain = time(jsFn, { runs: JS_RUNS });
    row(W, `${name} plain JS`, plain.ms);
    check(W, name, copy.value, plain.value);
    ratio(W, `${name}: copy / (copy + read)`, copy.ms / copyRead, '<=', 1.3);
    ratio(W, `${name}: zero-copy / read`, zero.ms / read, '<=', 1.5);
    ratio(W, `${name}: plain JS / zero-copy`, plain.ms / zero.ms, '>=', 2); // issue 25: regression >= 2
    if (name === 'MeanSquaredError') continue;
    ratio(W, `${name}: zero-copy / five-sum floor`, zero.ms / sums, '<=', 1.3);
    if (name === 'PearsonCorrCoef')
      ratio(W, 'Pearson plain JS / five-sum floor (the best reachable)', plain.ms / sums, '>=', 2);
  }
  disposeAll(pH, tH);
}

// ---- run, print, write -----------------------------------------------------------------------------

const started = new Date();
console.log(
  `wasmetrics bench: ${buildName} build, scale ${SCALE}, median of ${RUNS} runs (plain JS: ${JS_RUNS}), ` +
    `node ${process.versions.node}`,
);
const ONLY = args.only ? String(args.only).toLowerCase().split(',') : null;
for (const w of [w1, w2, w3, w4, w5].filter((f) => !ONLY || ONLY.includes(f.name))) {
  w();
  const name = rows[rows.length - 1].workload;
  console.log(`\n${name}`);
  for (const r of rows.filter((x) => x.workload === name))
    console.log(`  ${r.ms.toFixed(2).padStart(10)} ms  ${r.contender}`);
  for (const r of ratios.filter((x) => x.workload === name)) {
    console.log(`  ${r.value.toFixed(2).padStart(10)} ${r.met ? '  met' : ' MISS'} (${r.target.padEnd(6)})  ${r.what}`);
  }
  for (const c of checks.filter((x) => x.workload === name && !x.agree)) {
    console.log(`  WARNING plain JS and WASM disagree on ${c.what}: ${c.js} vs ${c.wasm}`);
  }
}
const met = ratios.filter((r) => r.met).length;
console.log(`\n${buildName}: ${met} of ${ratios.length} ratio targets met (sink ${sink > 0 ? 'ok' : sink})`);

mkdirSync(OUT, { recursive: true });
const file = join(OUT, `${buildName}${SCALE === 1 ? '' : `-scale${SCALE}`}${ONLY ? `-${ONLY.join('-')}` : ''}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      build: buildName,
      scale: SCALE,
      runs: RUNS,
      jsRuns: JS_RUNS,
      node: process.versions.node,
      date: started.toISOString(),
      rows,
      ratios,
      checks,
      exactCurveMemory: memory,
    },
    null,
    1,
  )}\n`,
);
console.log(`wrote ${file}`);

if (BUILD === 'both') {
  console.log('\n---- the same workloads on the plain (non-SIMD) build, in a child process ----');
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--build=plain',
      `--scale=${SCALE}`,
      `--runs=${RUNS}`,
      `--out=${OUT}`,
      ...(ONLY ? [`--only=${ONLY.join(',')}`] : []),
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) process.exit(child.status ?? 1);
}
