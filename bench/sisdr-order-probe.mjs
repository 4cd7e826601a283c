// Why SI-SDR looked 3x slower in the full bench/image-audio.mjs run than alone (bench/README):
// SI-SDR on the A1 clips (copy path, 4 batches), 9 runs per condition in one process, wall and CPU
// time of each run, fresh and after each step named on the command line: loadi1 (the I1 images
// into Node's heap), psnr (PSNR on them, 4 times), growN (the WebAssembly heap grown by N MB through
// allocInput, then freed), ssim1 (one SSIM update of 4 images), gc (with --expose-gc).
// Run bench/image-audio.mjs at scale 1 first (it writes the data).
//   node bench/sisdr-order-probe.mjs loadi1 psnr grow1200 ssim1
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
const lib = await import(join(here, '..', 'npm/dist/index.mjs'));
await lib.init({ simd: true });
const dir = join(here, 'data', 'image-audio-scale1');
const read = (w, k) => {
  const b = readFileSync(`${dir}/${w}.${k}.bin`);
  const c = new Uint8Array(b.byteLength);
  c.set(b);
  return new Float32Array(c.buffer);
};
const steps = process.argv.slice(2);
const a = {
  preds: read('a1', 'preds'),
  target: read('a1', 'target'),
  shape: JSON.parse(readFileSync(`${dir}/a1.json`)).shape,
};
const split = (d) => {
  const [n, ...rest] = d.shape;
  const per = rest.reduce((x, y) => x * y, 1);
  const size = Math.ceil(n / 4);
  const out = [];
  for (let i = 0; i * size < n; i++) {
    const rows = Math.min(size, n - i * size);
    const s = (v) => ({ data: v.subarray(i * size * per, (i * size + rows) * per), shape: [rows, ...rest] });
    out.push([s(d.preds), s(d.target)]);
  }
  return out;
};
const ab = split(a);
let i1 = null;
function sisdr(tag, runs = 9) {
  const ts = [],
    cs = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const m = lib.createMetric('ScaleInvariantSignalDistortionRatio', {});
    for (const b of ab) m.update(...b);
    m.compute();
    m.dispose();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1000);
  }
  const mu = lib.memoryUsage ? lib.memoryUsage() : {};
  console.log(
    tag.padEnd(28),
    'wall',
    ts.map((t) => t.toFixed(0)).join(' '),
    '| cpu',
    cs.map((t) => t.toFixed(0)).join(' '),
    '| heapMB',
    (mu.heapBytes / 1e6).toFixed(0),
    'usedMB',
    (mu.usedBytes / 1e6).toFixed(1),
    '| load',
    loadavg()[0].toFixed(1),
  );
}
sisdr('fresh');
for (const s of steps) {
  if (s === 'loadi1') {
    i1 = {
      preds: read('i1', 'preds'),
      target: read('i1', 'target'),
      shape: JSON.parse(readFileSync(`${dir}/i1.json`)).shape,
    };
  }
  if (s.startsWith('grow')) {
    const mb = Number(s.slice(4));
    const h = lib.allocInput('float32', [mb * 262144]);
    h.dispose();
  }
  if (s === 'ssim1') {
    const b = split(i1)[0];
    const m = lib.createMetric('StructuralSimilarityIndexMeasure', { dataRange: 1 });
    m.update(...b);
    m.compute();
    m.dispose();
  }
  if (s === 'psnr') {
    for (let r = 0; r < 4; r++) {
      const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange: 1 });
      for (const b of split(i1)) m.update(...b);
      m.compute();
      m.dispose();
    }
  }
  if (s === 'gc') globalThis.gc?.();
  sisdr(`after ${s}`);
}
sisdr('again');
