// What bounds PeakSignalNoiseRatio on bench/image-audio.mjs's I1 images (bench/README): the
// package's update() with Float32Arrays (copied into the WebAssembly heap) against allocInput
// (zero-copy: the data written into the heap once, untimed) and against the copy alone (the same
// bytes set into a heap buffer, no metric). Median of --runs after one warm-up.
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
function time(f) {
  f();
  const ts = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const ps = slices(preds),
  ts = slices(target);
const viaCopy = time(() => {
  const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange: 1.0 });
  for (let i = 0; i < BATCHES; i++) m.update({ data: ps[i], shape: bShape }, { data: ts[i], shape: bShape });
  m.compute();
  m.dispose();
});
const heap = [0, 1, 2, 3].map(() => [lib.allocInput('float32', bShape), lib.allocInput('float32', bShape)]);
heap.forEach(([p, t], i) => {
  p.data.set(ps[i]);
  t.data.set(ts[i]);
});
const zeroCopy = time(() => {
  const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange: 1.0 });
  for (const [p, t] of heap) m.update(p, t);
  m.compute();
  m.dispose();
});
const copyOnly = time(() => {
  heap.forEach(([p, t], i) => {
    p.data.set(ps[i]);
    t.data.set(ts[i]);
  });
});
heap.flat().forEach((h) => h.dispose());
const mb = (2 * preds.byteLength) / 1e6;
console.log(
  JSON.stringify({
    build: lib.simd() ? 'simd' : 'plain',
    images: shape,
    megabytes: mb,
    runs: RUNS,
    updateWithCopyMs: viaCopy,
    allocInputMs: zeroCopy,
    heapSetOnlyMs: copyOnly,
    loadavg: loadavg().map((x) => x.toFixed(1)),
  }),
);
