#!/usr/bin/env node
// Image and audio families side by side with TorchMetrics 1.5.2 (issue 23), on the same data in one
// run: workloads generated here from fixed seeds (bench/data/, gitignored), timed through the npm
// package (npm/dist) and, in a child process, through TorchMetrics on CPU
// (bench/torchmetrics_image_audio_bench.py, one thread as the package). Each contender: construct,
// every batch update(), compute(), as a user would run it; median of --runs runs after one warm-up
// (the warm-up feeds the first batch only). The two values are compared (a disagreement prints a
// WARNING). When TorchMetrics cannot be imported its rows print "skipped: TorchMetrics not
// available" and the package's rows still run.
//   I1 SSIM, MS-SSIM, PSNR (data_range 1) on 16 image pairs of 3 x 512 x 512 float32, 4 batches
//   I1U8 PSNR (data_range 255) on the I1 images quantised to 0..255 as uint8 (decoded 8-bit images);
//        TorchMetrics gets float32 tensors of the same values (torch's uint8 subtraction wraps)
//   and, for PSNR, what bounds it (bench/psnr-copy-floor.mjs): the copy into the heap, one read
//   A1 SI-SDR and SDR on 100 clips of 4 s at 16 kHz (64,000 float32 samples), 4 batches
// TorchMetrics runs from source, as for bench/text-retrieval.mjs (bench/README.md): TorchMetrics'
// and lightning-utilities' src/ on PYTHONPATH, the interpreter named by $PYTHON (default python3).
// --smoke (tests/js/bench-image-audio-smoke.test.mjs) shrinks the sizes too: 3 x 192 x 192 images
// (MS-SSIM's smallest for its defaults) and 0.5 s clips.
// Usage: node bench/image-audio.mjs [--scale=S] [--runs=N] [--quick] [--smoke] [--only=i1,i1u8,a1]
//        [--metrics=PeakSignalNoiseRatio,...] [--plain] [--out=DIR]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '../scripts/lib/mulberry32.mjs';
import { psnrBound } from './psnr-copy-floor.mjs';
import { camel, loadAverage, runTorchMetrics, sideBySideArgs, writeBenchResults } from './side-by-side.mjs';
import { median } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const {
  args,
  scale: SCALE,
  runs: RUNS,
  only: ONLY,
  out: OUT,
} = sideBySideArgs('bench/image-audio.mjs', { here, quickScale: 0.125, extraFlags: ['smoke', 'metrics'] });
// dist/bench.mjs: the package's code plus benchFloors (the PSNR bound's single read), not shipped
const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/bench.mjs')).href);
await lib.init({ simd: !args.plain });
await lib.benchFloors.init(); // the PSNR bound's single read runs in the floors' own module
const buildName = lib.simd() ? 'simd' : 'plain';

// ---- data ---------------------------------------------------------------------------------------

const BATCHES = 4;
const count = (n) => Math.max(BATCHES, Math.round(n * SCALE));
const SMOKE = Boolean(args.smoke);
const SIDE = SMOKE ? 192 : 512;
const SAMPLES = SMOKE ? 8_000 : 64_000;
const dataDir = join(here, 'data', `image-audio-scale${SCALE}${SMOKE ? '-smoke' : ''}`);

// Smooth random images (a few sinusoids per channel) and a degraded copy (noise, a slight blur of
// the pattern's phase), values in [0, 1]: SSIM around 0.5-0.9, PSNR around 20-30 dB.
function imagePairs(seed, n, c, h, w) {
  const r = mulberry32(seed);
  const size = n * c * h * w;
  const preds = new Float32Array(size);
  const target = new Float32Array(size);
  for (let img = 0; img < n * c; img++) {
    const fx = 2 + r() * 20;
    const fy = 2 + r() * 20;
    const phase = r() * 6.28;
    const shift = 0.05 + r() * 0.1;
    const base = img * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = 0.5 + 0.25 * Math.sin(((fx * x) / w) * 6.28 + phase) * Math.cos(((fy * y) / h) * 6.28);
        const t = Math.min(1, Math.max(0, v + 0.1 * (r() - 0.5)));
        target[base + y * w + x] = t;
        preds[base + y * w + x] = Math.min(
          1,
          Math.max(
            0,
            0.5 +
              0.25 * Math.sin(((fx * x) / w) * 6.28 + phase + shift) * Math.cos(((fy * y) / h) * 6.28) +
              0.15 * (r() - 0.5),
          ),
        );
      }
    }
  }
  return { preds, target, shape: [n, c, h, w] };
}

// Clean clips (three partials with a slow vibrato and a little noise) and an estimate with added
// noise and a short echo: SI-SDR around 10-15 dB.
function audioClips(seed, n, samples, rate) {
  const r = mulberry32(seed);
  const preds = new Float32Array(n * samples);
  const target = new Float32Array(n * samples);
  for (let k = 0; k < n; k++) {
    const f0 = 100 + r() * 300;
    const vib = r() * 5;
    const base = k * samples;
    for (let i = 0; i < samples; i++) {
      const t = i / rate;
      const f = f0 * (1 + 0.01 * Math.sin(6.28 * vib * t));
      target[base + i] =
        0.5 * Math.sin(6.28 * f * t) +
        0.25 * Math.sin(12.56 * f * t) +
        0.1 * Math.sin(18.84 * f * t) +
        0.01 * (r() - 0.5);
    }
    for (let i = 0; i < samples; i++) {
      const echo = i >= 160 ? 0.3 * target[base + i - 160] : 0;
      preds[base + i] = target[base + i] + echo + 0.1 * (r() - 0.5);
    }
  }
  return { preds, target, shape: [n, samples] };
}

// The float images as a decoded 8-bit image holds them: round(255 v).
function quantised({ preds, target, shape }) {
  const u8 = (v) => Uint8Array.from(v, (x) => Math.round(x * 255));
  return { preds: u8(preds), target: u8(target), shape };
}

const GENERATORS = {
  i1: () => imagePairs(31, count(16), 3, SIDE, SIDE),
  i1u8: () => quantised(workload('i1')),
  a1: () => audioClips(32, count(100), SAMPLES, 16_000),
};
const ARRAYS = { float32: Float32Array, uint8: Uint8Array };

// Cached as raw little-endian arrays plus a JSON of the shape and dtype: what the Python side reads too.
function workload(name) {
  const meta = join(dataDir, `${name}.json`);
  if (!existsSync(meta)) {
    mkdirSync(dataDir, { recursive: true });
    const { preds, target, shape } = GENERATORS[name]();
    const dtype = preds instanceof Uint8Array ? 'uint8' : 'float32';
    writeFileSync(join(dataDir, `${name}.preds.bin`), new Uint8Array(preds.buffer));
    writeFileSync(join(dataDir, `${name}.target.bin`), new Uint8Array(target.buffer));
    writeFileSync(meta, JSON.stringify({ shape, dtype }));
  }
  const { shape, dtype = 'float32' } = JSON.parse(readFileSync(meta, 'utf8'));
  const read = (k) => {
    const bytes = readFileSync(join(dataDir, `${name}.${k}.bin`));
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new ARRAYS[dtype](copy.buffer);
  };
  return { preds: read('preds'), target: read('target'), shape };
}

// Batches split along dim 0 as TorchMetrics' side does (torch.chunk of the same arrays).
function batchesOf(data) {
  const [n, ...rest] = data.shape;
  const per = rest.reduce((a, b) => a * b, 1);
  const size = Math.ceil(n / BATCHES);
  const out = [];
  for (let i = 0; i * size < n; i++) {
    const rows = Math.min(size, n - i * size);
    const slice = (v) => ({ data: v.subarray(i * size * per, (i * size + rows) * per), shape: [rows, ...rest] });
    out.push([slice(data.preds), slice(data.target)]);
  }
  return out;
}

// ---- what runs --------------------------------------------------------------------------------------

// --metrics=A,B: only these classes (e.g. --metrics=PeakSignalNoiseRatio: the PSNR rows and bounds alone)
const METRICS = args.metrics ? String(args.metrics).split(',') : null;
const CASES = [
  { w: 'i1', cls: 'StructuralSimilarityIndexMeasure', options: { data_range: 1.0 } },
  { w: 'i1', cls: 'MultiScaleStructuralSimilarityIndexMeasure', options: { data_range: 1.0 } },
  { w: 'i1', cls: 'PeakSignalNoiseRatio', options: { data_range: 1.0 } },
  { w: 'i1u8', cls: 'PeakSignalNoiseRatio', options: { data_range: 255.0 } },
  { w: 'a1', cls: 'ScaleInvariantSignalDistortionRatio', options: {} },
  { w: 'a1', cls: 'SignalDistortionRatio', options: {} },
].filter((c) => (!ONLY || ONLY.includes(c.w)) && (!METRICS || METRICS.includes(c.cls)));

const scalarOf = (v) => (typeof v === 'number' ? v : v.data[0]);

// Wall time and the process's CPU time (user + system, all threads) of each run: on a shared
// machine the wall time of a niced run swings with the other work (bench/README, SI-SDR), CPU time
// far less, so both are reported and each contender's CPU ratio beside the wall ratio.
function timeWasm(c, batches) {
  const ts = [],
    cpu = [];
  let value;
  for (let r = 0; r <= RUNS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const m = lib.createMetric(c.cls, camel(c.options));
    for (const batch of r > 0 ? batches : batches.slice(0, 1)) m.update(...batch);
    value = scalarOf(m.compute());
    m.dispose();
    if (r > 0) {
      // run 0 warms up
      ts.push(performance.now() - t0);
      const used = process.cpuUsage(c0);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return { ms: median(ts), cpuMs: median(cpu), runsMs: ts, value };
}

function timeTorchMetrics(cases) {
  const script = join(here, 'torchmetrics_image_audio_bench.py');
  const spec = cases.map((c) => ({ workload: c.w, cls: c.cls, options: c.options }));
  return runTorchMetrics(script, [dataDir, String(RUNS), String(BATCHES)], spec);
}

// ---- run ------------------------------------------------------------------------------------------

const TARGET = 3;
const started = new Date();
const load = loadAverage();
console.log(
  `wasmetrics image/audio bench: ${buildName} build, scale ${SCALE}, median of ${RUNS} runs, ` +
    `node ${process.versions.node}, ${cpus().length} cores, load average ${load}`,
);
const rows = [];
const workloads = [...new Set(CASES.map((c) => c.w))];
const loaded = Object.fromEntries(workloads.map((w) => [w, workload(w)]));
for (const w of workloads) {
  const cases = CASES.filter((c) => c.w === w);
  const data = loaded[w];
  const batches = batchesOf(data);
  // Both contenders per workload back to back, so each ratio comes from one stretch of machine load.
  const wasm = cases.map((c) => timeWasm(c, batches));
  const tm = timeTorchMetrics(cases);
  const what =
    w === 'i1' || w === 'i1u8'
      ? `${data.shape[0]} images ${data.shape.slice(1).join('x')} ${data.preds instanceof Uint8Array ? 'uint8' : 'float32'}`
      : `${data.shape[0]} clips of ${data.shape[1]} samples`;
  console.log(`\n${w.toUpperCase()} (${what})`);
  if (tm.skipped) console.log(`  skipped: ${tm.skipped}`);
  // PSNR's bound on this machine, now: the copy of the inputs into the heap, one read of them,
  // allocInput (zero-copy) against TorchMetrics' CPU time (README: why 3x is out of reach through a copy)
  const bounds = cases.map((c) =>
    c.cls === 'PeakSignalNoiseRatio'
      ? psnrBound(lib, batches, { dataRange: c.options.data_range, runs: Math.max(RUNS, 5) })
      : null,
  );
  cases.forEach((c, i) => {
    const t = tm.skipped ? null : tm.results[i];
    const bound = bounds[i];
    const ratio = t ? t.ms / wasm[i].ms : null;
    const cpuRatio = t?.cpu_ms != null ? t.cpu_ms / wasm[i].cpuMs : null;
    const agree = t ? Math.abs(t.value - wasm[i].value) <= 1e-4 * Math.max(1, Math.abs(t.value)) : null;
    rows.push({
      workload: w,
      metric: c.cls,
      options: c.options,
      items: data.shape[0],
      wasmMs: wasm[i].ms,
      torchmetricsMs: t?.ms ?? null,
      ratio,
      wasmCpuMs: wasm[i].cpuMs,
      torchmetricsCpuMs: t?.cpu_ms ?? null,
      cpuRatio,
      wasmRunsMs: wasm[i].runsMs,
      torchmetricsRunsMs: t?.runs_ms ?? null,
      wasmValue: wasm[i].value,
      torchmetricsValue: t?.value ?? null,
      agree,
      ...(bound ? { bound } : {}),
    });
    console.log(
      `  ${c.cls}: wasmetrics ${wasm[i].ms.toFixed(1)} ms (${wasm[i].value.toFixed(6)})` +
        (t
          ? `, TorchMetrics ${t.ms.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x${ratio >= TARGET ? '' : ` (target >= ${TARGET}x MISSED)`}`
          : '') +
        ` | CPU ${wasm[i].cpuMs.toFixed(1)} ms` +
        (cpuRatio != null ? ` vs ${t.cpu_ms.toFixed(1)} ms, ${cpuRatio.toFixed(2)}x` : ''),
    );
    if (bound) {
      const tmCpu = t?.cpu_ms;
      console.log(
        `    bound (${bound.dtype}, ${bound.megabytes.toFixed(1)} MB, CPU medians of ${bound.runs}): ` +
          `copy into the heap ${bound.heapSetOnly.cpuMs} ms, one read ${bound.readOnce.cpuMs} ms, ` +
          `allocInput ${bound.allocInput.cpuMs} ms, update() in parts ${bound.updateInParts.cpuMs} ms, ` +
          `whole ${bound.updateWhole.cpuMs} ms` +
          (tmCpu != null
            ? `; TorchMetrics ${tmCpu.toFixed(1)} ms: 3x needs <= ${(tmCpu / 3).toFixed(1)} ms, ` +
              `the copy alone is ${(tmCpu / bound.heapSetOnly.cpuMs).toFixed(2)}x, ` +
              `allocInput ${(tmCpu / bound.allocInput.cpuMs).toFixed(2)}x`
            : ''),
      );
    }
    if (agree === false) console.log(`  WARNING ${c.cls}: wasmetrics ${wasm[i].value} vs TorchMetrics ${t.value}`);
  });
}
writeBenchResults(
  OUT,
  `image-audio-${buildName}${SCALE === 1 ? '' : `-scale${SCALE}`}${SMOKE ? '-smoke' : ''}${METRICS ? `-${METRICS.join('+')}` : ''}`,
  { build: buildName, scale: SCALE, smoke: SMOKE, runs: RUNS },
  { date: started, load },
  rows,
);
