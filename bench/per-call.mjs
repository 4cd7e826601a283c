// Per-call overhead (issue 25): microseconds per `update` of a small batch, per `compute` and per
// create + dispose, through the npm package from JS, and the two small workloads where that
// overhead shows against the plain-JS loop (4 x 512 x 512 uint8 label maps through
// MulticlassConfusionMatrix, 21 classes, ignore 255; MultilabelF1Score over 200k x 20).
// Each row is the median of `runs` timed blocks of many calls (one warm-up block first); the
// plain-JS loops run in the same process on the same bytes.
//
//   node bench/per-call.mjs [--runs=N] [--calls=N] [--build=both|simd|plain] [--quick] [--out=DIR]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { random } from './browser-workloads.mjs'; // xorshift32, the same bytes in every run
import { benchArgs } from './args.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const args = benchArgs('bench/per-call.mjs', ['runs', 'calls', 'build', 'quick', 'out']);
const RUNS = Number(args.runs ?? (args.quick ? 3 : 7));
const CALLS = Number(args.calls ?? (args.quick ? 200 : 2000));
const BUILD = args.build ?? 'both';
const OUT = resolve(args.out ?? join(here, 'results'));

const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/index.mjs')).href);
await lib.init({ simd: BUILD !== 'plain' });
const buildName = lib.simd() ? 'simd' : 'plain';
const { createMetric } = lib;

let sink = 0;
/**
 * The time of one fn() call in µs over RUNS blocks (after one warm-up block): the median, and the
 * best block (on a busy machine the one least disturbed by other processes).
 */
function perCall(fn, calls = CALLS) {
  const ts = [];
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) fn(i);
    const t = ((performance.now() - t0) * 1000) / calls;
    if (r > 0) ts.push(t);
  }
  return { median: median(ts), best: Math.min(...ts) };
}
/** Median milliseconds of fn() over RUNS runs after one warm-up. */
function timeMs(fn) {
  const ts = [];
  let value;
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    value = fn();
    if (r > 0) ts.push(performance.now() - t0);
  }
  return { ms: median(ts), value };
}

const rows = []; // {what, value, unit, best?}
const row = (what, value, unit) =>
  rows.push(typeof value === 'number' ? { what, value, unit } : { what, value: value.median, best: value.best, unit });

const metrics = {
  MeanSquaredError: { options: {}, inputs: () => [new Float32Array(16).fill(0.5), new Float32Array(16).fill(0.25)] },
  MulticlassConfusionMatrix: {
    options: { numClasses: 21, ignoreIndex: 255 },
    inputs: () => [
      Uint8Array.from({ length: 16 }, (_, i) => i % 21),
      Uint8Array.from({ length: 16 }, (_, i) => (i * 7) % 21),
    ],
  },
  MultilabelF1Score: {
    options: { numLabels: 20 },
    inputs: () => [
      { data: new Float32Array(20).fill(0.7), shape: [1, 20] },
      { data: new Uint8Array(20).fill(1), shape: [1, 20] },
    ],
  },
  BinaryAccuracy: { options: {}, inputs: () => [new Float32Array(16).fill(0.7), new Uint8Array(16).fill(1)] },
};

for (const [name, { options, inputs }] of Object.entries(metrics)) {
  row(
    `${name}: create + dispose`,
    perCall(() => createMetric(name, options).dispose(), Math.ceil(CALLS / 4)),
    'µs',
  );
  const m = createMetric(name, options);
  const batch = inputs();
  row(
    `${name}: update (${name === 'MultilabelF1Score' ? '1 x 20' : '16'} elements)`,
    perCall(() => m.update(...batch)),
    'µs',
  );
  row(
    `${name}: compute`,
    perCall(() => {
      const v = m.compute();
      sink += typeof v === 'number' ? v : 1;
    }),
    'µs',
  );
  m.dispose();
}

// Small workloads against the plain-JS loop.
{
  const rand = random(25);
  const maps = Array.from({ length: 4 }, () => {
    const t = new Uint8Array(512 * 512);
    const p = new Uint8Array(512 * 512);
    for (let i = 0; i < t.length; i++) {
      t[i] = rand() < 0.05 ? 255 : Math.floor(rand() * 21);
      p[i] = rand() < 0.8 && t[i] !== 255 ? t[i] : Math.floor(rand() * 21);
    }
    return [p, t];
  });
  const wasm = timeMs(() => {
    const m = createMetric('MulticlassConfusionMatrix', { numClasses: 21, ignoreIndex: 255 });
    for (const [p, t] of maps) m.update(p, t);
    const v = m.compute();
    m.dispose();
    return v.data.reduce((a, b) => a + b, 0);
  });
  const js = timeMs(() => {
    const cm = new Float64Array(21 * 21);
    for (const [p, t] of maps) {
      for (let i = 0; i < p.length; i++) {
        if (t[i] === 255) continue;
        cm[t[i] * 21 + p[i]]++;
      }
    }
    return cm.reduce((a, b) => a + b, 0);
  });
  if (wasm.value !== js.value) console.log(`WARNING confusion matrix totals differ: ${wasm.value} vs ${js.value}`);
  row('4 x 512 x 512 confusion matrix (21 classes, ignore 255): package', wasm.ms, 'ms');
  row('4 x 512 x 512 confusion matrix (21 classes, ignore 255): plain JS', js.ms, 'ms');
  row('4 x 512 x 512 confusion matrix: plain JS / package', js.ms / wasm.ms, 'x');
}
{
  const rand = random(17);
  const N = 200000;
  const L = 20;
  const preds = new Float32Array(N * L);
  const target = new Uint8Array(N * L);
  for (let i = 0; i < preds.length; i++) {
    preds[i] = rand();
    target[i] = rand() < 0.3 ? 1 : 0;
  }
  const wasm = timeMs(() => {
    const m = createMetric('MultilabelF1Score', { numLabels: L });
    m.update({ data: preds, shape: [N, L] }, { data: target, shape: [N, L] });
    const v = m.compute();
    m.dispose();
    return v;
  });
  const js = timeMs(() => {
    const tp = new Float64Array(L);
    const fp = new Float64Array(L);
    const fn = new Float64Array(L);
    for (let i = 0; i < preds.length; i += L) {
      for (let l = 0; l < L; l++) {
        const yp = preds[i + l] >= 0.5;
        const yt = target[i + l] === 1;
        if (yp && yt) tp[l]++;
        else if (yp) fp[l]++;
        else if (yt) fn[l]++;
      }
    }
    let s = 0;
    for (let l = 0; l < L; l++) {
      const d = 2 * tp[l] + fp[l] + fn[l];
      s += d ? (2 * tp[l]) / d : 0;
    }
    return s / L;
  });
  if (Math.abs(wasm.value - js.value) > 1e-6)
    console.log(`WARNING multilabel F1 differs: ${wasm.value} vs ${js.value}`);
  row('200k x 20 MultilabelF1Score: package', wasm.ms, 'ms');
  row('200k x 20 MultilabelF1Score: plain JS', js.ms, 'ms');
  row('200k x 20 MultilabelF1Score: plain JS / package', js.ms / wasm.ms, 'x');
}

console.log(
  `wasmetrics per-call bench: ${buildName} build, median of ${RUNS} blocks of ${CALLS} calls, node ${process.versions.node}`,
);
for (const r of rows) {
  const best = r.best === undefined ? '' : ` (best block ${r.best.toFixed(2)})`;
  console.log(`  ${r.value.toFixed(2).padStart(10)} ${r.unit.padEnd(2)}  ${r.what}${best}`);
}
mkdirSync(OUT, { recursive: true });
const file = join(OUT, `per-call-${buildName}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ build: buildName, runs: RUNS, calls: CALLS, date: new Date().toISOString(), rows, sink: sink > 0 }, null, 1)}\n`,
);
console.log(`wrote ${file}`);

if (BUILD === 'both') {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--build=plain', `--runs=${RUNS}`, `--calls=${CALLS}`, `--out=${OUT}`],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) process.exit(child.status ?? 1);
}
