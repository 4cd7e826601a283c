// What bounds PeakSignalNoiseRatio on bench/image-audio.mjs's I1 images (bench/README): the
// package's update() with typed arrays (copied into the WebAssembly heap a part at a time, the
// default, and whole: Metric.inputSliceBytes = 0) against allocInput (zero-copy: the data written
// into the heap once, untimed), against the copy alone (the same bytes set into heap buffers, no
// metric) and against one SIMD read of the heap bytes (benchFloors.readSum: the least any metric
// over them must do). Float32 (the I1 data) and uint8 (I1 quantised to 0..255, as decoded 8-bit
// images are). Median of --runs after one warm-up; wall and process CPU time (user + system).
// bench/image-audio.mjs imports psnrBound for its PSNR rows.
//   node bench/psnr-copy-floor.mjs [--scale=S] [--runs=N] [--plain]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchArgs } from './args.mjs';
import { median } from './stats.mjs';

const round = (x) => Math.round(x * 10) / 10;
const DTYPE_OF = new Map([
  [Float32Array, 'float32'],
  [Uint8Array, 'uint8'],
  [Uint16Array, 'uint16'],
]);

// Every condition once per round, rounds repeated (after one warm-up round): a shared machine's
// noise (other processes, GC of the loaded data) falls on all of them alike.
function timeInterleaved(conditions, runs) {
  const wall = conditions.map(() => []),
    cpu = conditions.map(() => []);
  for (let r = 0; r <= runs; r++) {
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

/**
 * PSNR's conditions on `batches` ([[preds, target]...], each {data, shape}, one typed-array type),
 * `lib` the package built with benchFloors (npm/dist/bench.mjs, init()ed, benchFloors.init()ed). Returns {dtype,
 * megabytes, updateInParts, updateWhole, allocInput, heapSetOnly, readOnce} ({wallMs, cpuMs} each).
 */
export function psnrBound(lib, batches, { dataRange, runs = 5 }) {
  const dtype = DTYPE_OF.get(batches[0][0].data.constructor);
  const slice = lib.Metric.inputSliceBytes;
  const viaUpdate = (sliceBytes) => () => {
    lib.Metric.inputSliceBytes = sliceBytes;
    const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange });
    for (const [p, t] of batches) m.update(p, t);
    m.compute();
    m.dispose();
    lib.Metric.inputSliceBytes = slice;
  };
  const heap = batches.map(([p, t]) => [lib.allocInput(dtype, p.shape), lib.allocInput(dtype, t.shape)]);
  const setAll = () =>
    heap.forEach(([p, t], i) => {
      p.data.set(batches[i][0].data);
      t.data.set(batches[i][1].data);
    });
  setAll();
  // the same bytes in the floors' module (its own heap), for the single read
  const floorHeap = heap.flat().map((h) => lib.benchFloors.copyOf(h));
  let sink = 0;
  try {
    const times = timeInterleaved(
      [
        ['updateInParts', viaUpdate(slice)],
        ['updateWhole', viaUpdate(0)], // Metric.inputSliceBytes = 0: the batch copied whole
        [
          'allocInput',
          () => {
            const m = lib.createMetric('PeakSignalNoiseRatio', { dataRange });
            for (const [p, t] of heap) m.update(p, t);
            m.compute();
            m.dispose();
          },
        ],
        ['heapSetOnly', setAll],
        ['readOnce', () => floorHeap.forEach((h) => (sink += Number(lib.benchFloors.readSum(h))))],
      ],
      runs,
    );
    const megabytes = batches.reduce((n, [p, t]) => n + p.data.byteLength + t.data.byteLength, 0) / 1e6;
    return { dtype, megabytes, runs, inputSliceBytes: slice, ...times, checksum: sink % 2 };
  } finally {
    heap.flat().forEach((h) => h.dispose());
    floorHeap.forEach((h) => h.dispose());
  }
}

// ---- command line: the I1 images bench/image-audio.mjs wrote (run it first at the same --scale) ----

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const here = dirname(fileURLToPath(import.meta.url));
  const args = benchArgs('bench/psnr-copy-floor.mjs', ['runs', 'scale', 'plain']);
  const RUNS = Number(args.runs ?? 5);
  const lib = await import(pathToFileURL(resolve(here, '..', 'npm/dist/bench.mjs')).href);
  await lib.init({ simd: !args.plain });
  await lib.benchFloors.init();
  const dataDir = join(here, 'data', `image-audio-scale${Number(args.scale ?? 1)}`);
  const BATCHES = 4;
  const load = (w, Type) => {
    const { shape } = JSON.parse(readFileSync(join(dataDir, `${w}.json`), 'utf8'));
    const read = (k) => {
      const b = readFileSync(join(dataDir, `${w}.${k}.bin`));
      const c = new Uint8Array(b.byteLength);
      c.set(b);
      return new Type(c.buffer);
    };
    const preds = read('preds'),
      target = read('target');
    const per = preds.length / shape[0],
      rows = shape[0] / BATCHES;
    const bShape = [rows, ...shape.slice(1)];
    return Array.from({ length: BATCHES }, (_, i) =>
      [preds, target].map((v) => ({ data: v.subarray(i * rows * per, (i + 1) * rows * per), shape: bShape })),
    );
  };
  const loadStart = loadavg().map((x) => x.toFixed(1));
  const float32 = psnrBound(lib, load('i1', Float32Array), { dataRange: 1.0, runs: RUNS });
  const uint8 = psnrBound(lib, load('i1u8', Uint8Array), { dataRange: 255, runs: RUNS });
  console.log(
    JSON.stringify({
      build: lib.simd() ? 'simd' : 'plain',
      float32,
      uint8,
      loadavgStart: loadStart,
      loadavgEnd: loadavg().map((x) => x.toFixed(1)),
    }),
  );
}
