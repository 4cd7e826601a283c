// What bounds PeakSignalNoiseRatio on bench/image-audio.mjs's I1 images (bench/README): the
// package's update() with Float32Arrays (copied into the WebAssembly heap a part at a time, the
// default, and whole: Metric.inputSliceBytes = 0) against allocInput (zero-copy: the data written
// into the heap once, untimed) and against the copy alone (the same bytes set into a heap buffer,
// no metric). Median of --runs after one warm-up; wall and process CPU time (user + system).
//   node bench/psnr-copy-floor.mjs [--scale=S] [--runs=N] [--plain]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPackage } from './side-by-side.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? true]),
);
const RUNS = Number(args.runs ?? 5);
const lib = await loadPackage(resolve(here, '..'), args);
// the I1 images bench/image-audio.mjs wrote (run it first at the same --scale)
const dataDir = join(here, 'data', `image-audio-scale${Number(args.scale ?? 1)}`);
const { shape } = JSON.parse(readFileSync(join(dataDir, 'i1.json'), 'utf8'));
const read = (k) => {
  const b = readFileSync(join(dataDir, `i1.${k}.bin`));
  const c = new Uint8Array(b.byteLength);
  c.set(b);
  return new Float32Array(c.buffer);
};
const preds = read('preds'),
  target = read('target');
const BATCHES = 4,
  per = preds.length / shape[0],
  rows = shape[0] / BATCHES;
const slices = (v) => Array.from({ length: BATCHES }, (_, i) => v.subarray(i * rows * per, (i + 1) * rows * per));
const bShape = [rows, ...shape.slice(1)];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;
// Every condition once per round, rounds repeated (after one warm-up round): a shared machine's
// noise (other processes, GC of the loaded data) falls on all of them alike.
function timeInterleaved(conditions) {
  const wall = conditions.map(() => []),
    cpu = conditions.map(() => []);
  for (let r = 0; r <= RUNS; r++) {
    conditions.forEach(([, f], k) => {
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      f();
      const c = process.cpuUsage(c0);
      if (r === 0) return;
      wall[k].push(performance.now() - t0);
      cpu[k].push((c.user + c.system) / 1000);
    });
  }
  return Object.fromEntries(
    conditions.map(([name], k) => [name, { wallMs: round(median(wall[k])), cpuMs: round(median(cpu[k])) }]),
  );
}

const ps = slices(preds),
  ts = slices(target);
const loadStart = loadavg().map((x) => x.toFixed(1));
const slice = lib.Metric.inputSliceBytes;
const viaUpdate = (sliceBytes) => () => {
  lib.Metric.inputSliceBytes = sliceBytes;
  const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange: 1.0 });
  for (let i = 0; i < BATCHES; i++) m.update({ data: ps[i], shape: bShape }, { data: ts[i], shape: bShape });
  m.compute();
  m.dispose();
  lib.Metric.inputSliceBytes = slice;
};
const heap = [0, 1, 2, 3].map(() => [lib.allocInput('float32', bShape), lib.allocInput('float32', bShape)]);
const setAll = () =>
  heap.forEach(([p, t], i) => {
    p.data.set(ps[i]);
    t.data.set(ts[i]);
  });
setAll();
const times = timeInterleaved([
  ['updateInParts', viaUpdate(slice)],
  ['updateWhole', viaUpdate(0)], // Metric.inputSliceBytes = 0: the batch copied whole
  [
    'allocInput',
    () => {
      const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange: 1.0 });
      for (const [p, t] of heap) m.update(p, t);
      m.compute();
      m.dispose();
    },
  ],
  ['heapSetOnly', setAll],
]);
heap.flat().forEach((h) => h.dispose());
const mb = (2 * preds.byteLength) / 1e6;
console.log(
  JSON.stringify({
    build: lib.simd() ? 'simd' : 'plain',
    images: shape,
    megabytes: mb,
    runs: RUNS,
    inputSliceBytes: slice,
    ...times,
    loadavgStart: loadStart,
    loadavgEnd: loadavg().map((x) => x.toFixed(1)),
  }),
);
