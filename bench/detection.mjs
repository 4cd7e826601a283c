#!/usr/bin/env node
// MeanAveragePrecision (bbox) against pycocotools on the same COCO files, each contender in fresh
// processes (issue 25's mAP row). Two synthetic COCO pairs from a fixed seed (generated into
// bench/data/, never committed): COCO-val-sized (5,000 images x 100 detections x 80 classes, ~7
// ground-truth boxes per image as in val2017, 1% crowd; detections near the ground truth plus
// clutter) and a tenth of it (500 images). For each size and each of --runs rounds:
//   wasmetrics  a fresh `node` process (this script, --child) evaluates the pair twice: the FIRST
//               evaluation of the process (what a page or a CLI pays) and a REPEAT; each: JSON.parse
//               of both files, readCoco, MeanAveragePrecision.update (classMetrics on, xywh),
//               compute(). Also the WebAssembly heap around compute() (memoryUsage()).
//   pycocotools a fresh python3 process (bench/pycocotools_bench.py): COCO(gt), loadRes, evaluate,
//               accumulate, summarize.
// Wall and CPU time (process-wide: V8's background compilation and GC threads count) of every
// stage; medians over the rounds; the 12 COCO stats of both are compared.
// pycocotools: $PYTHON (default python3, needs numpy) with $PYCOCOTOOLS (default: a .pycocotools
// folder beside the checkout) on its path, or an installed pycocotools; without it the row says
// why and the package is timed alone. Building it from source: bench/DETECTION.md.
// Usage: node bench/detection.mjs [--scale=S] [--runs=N] [--quick] [--images=5000,500] [--dets=100]
//   [--classes=80] [--plain] [--out=DIR] [--dist=DIR]   (--quick = --scale=0.02 --runs=1)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COCO_SUMMARY_KEYS } from '../npm/src/coco-keys.mjs';
import { mulberry32 } from '../scripts/lib/mulberry32.mjs';
import { loadAverage, sideBySideArgs, writeBenchResults } from './side-by-side.mjs';
import { median } from './stats.mjs';
import { freshPageMicros } from './page-cost.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const { args, scale, runs, out } = sideBySideArgs('bench/detection.mjs', {
  here,
  quickScale: 0.02,
  extraFlags: ['images', 'dets', 'classes', 'child', 'dist'],
});
const DETS = Number(args.dets ?? 100);
const CLASSES = Number(args.classes ?? 80);
const SIZES = String(args.images ?? '5000,500')
  .split(',')
  .map((n) => Math.max(1, Math.round(Number(n) * scale)));
// Issue 25's targets.
const SPEEDUP_TARGET = (images) => (images >= 5000 ? 30 : 15);
const FIRST_OVER_REPEAT = 1.3;
const COMPUTE_HEAP_OVER_STATE = 2;

/** The seeded synthetic COCO pair: {gtText, resText}. */
function syntheticCoco(images) {
  const r = mulberry32(20240611);
  const W = 640;
  const H = 480;
  const round = (v) => Math.round(v * 100) / 100; // detectors export 2-3 decimals
  const box = () => {
    // log-uniform sizes: small, medium and large objects all occur
    const w = Math.exp(Math.log(4) + r() * (Math.log(400) - Math.log(4)));
    const h = w * (0.5 + r());
    return [round(r() * (W - w)), round(r() * Math.max(1, H - h)), round(w), round(h)];
  };
  // COCO's category ids are not contiguous (1..90 with gaps): keep that.
  const catIds = Array.from({ length: CLASSES }, (_, k) => k + 1 + Math.floor(k / 8));
  const imgs = [];
  const annotations = [];
  const results = [];
  for (let i = 0; i < images; i++) {
    const id = 100000 + i * 3;
    imgs.push({ id, file_name: `${id}.jpg`, width: W, height: H });
    const nGt = Math.floor(r() * 15);
    const gts = [];
    for (let j = 0; j < nGt; j++) {
      const b = box();
      const cat = catIds[Math.floor(r() * CLASSES)];
      gts.push({ b, cat });
      annotations.push({
        id: annotations.length + 1,
        image_id: id,
        category_id: cat,
        bbox: b,
        area: round(b[2] * b[3] * 0.7),
        iscrowd: r() < 0.01 ? 1 : 0,
      });
    }
    for (let j = 0; j < DETS; j++) {
      const near = j < gts.length * 3 && gts.length > 0; // confident near the ground truth, less so elsewhere
      let b;
      let cat;
      if (near) {
        // near a ground-truth box, sometimes with the wrong class
        const g = gts[j % gts.length];
        const s = 0.15 * (1 + j / gts.length);
        b = [
          round(g.b[0] + (r() - 0.5) * s * g.b[2]),
          round(g.b[1] + (r() - 0.5) * s * g.b[3]),
          round(g.b[2] * (1 + (r() - 0.5) * s)),
          round(g.b[3] * (1 + (r() - 0.5) * s)),
        ];
        cat = r() < 0.85 ? g.cat : catIds[Math.floor(r() * CLASSES)];
      } else {
        b = box();
        cat = catIds[Math.floor(r() * CLASSES)];
      }
      results.push({
        image_id: id,
        category_id: cat,
        bbox: b,
        score: Math.round((near ? 0.3 + 0.7 * r() : 0.5 * r()) * 1000) / 1000,
      });
    }
  }
  return {
    gtText: JSON.stringify({
      images: imgs,
      annotations,
      categories: catIds.map((id) => ({ id, name: `class_${id}`, supercategory: 'x' })),
    }),
    resText: JSON.stringify(results),
  };
}

/** bench/data/coco-<images>x<dets>x<classes>/{gt,results}.json, generated once. */
function dataset(images) {
  const dir = join(here, 'data', `coco-${images}x${DETS}x${CLASSES}`);
  if (!existsSync(join(dir, 'results.json'))) {
    const { gtText, resText } = syntheticCoco(images);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'gt.json'), gtText);
    writeFileSync(join(dir, 'results.json'), resText);
  }
  return { gt: join(dir, 'gt.json'), res: join(dir, 'results.json') };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** --child=DIR: one fresh process, the first evaluation and a repeat; prints one JSON line. */
async function child(dir) {
  const dist = resolve(args.dist ?? join(repoRoot, 'npm/dist'));
  let w = performance.now();
  let c = cpuMs();
  const lib = await import(pathToFileURL(join(dist, 'index.mjs')).href);
  await lib.init({ simd: !args.plain });
  const init = { wall: performance.now() - w, cpu: cpuMs() - c };
  const { readCoco, MeanAveragePrecision, memoryUsage, simd } = lib;
  const evaluations = [];
  for (let run = 0; run < 2; run++) {
    const wall = {};
    const cpu = {};
    const faults = {}; // first touches of pages (bench/page-cost.mjs): what a first run pays over a repeat
    const stage = (name, fn) => {
      const w0 = performance.now();
      const c0 = cpuMs();
      const f0 = process.resourceUsage().minorPageFault;
      const v = fn();
      wall[name] = performance.now() - w0;
      cpu[name] = cpuMs() - c0;
      faults[name] = process.resourceUsage().minorPageFault - f0;
      return v;
    };
    const texts = [readFileSync(join(dir, 'gt.json'), 'utf8'), readFileSync(join(dir, 'results.json'), 'utf8')];
    const [gt, res] = stage('parse', () => texts.map((t) => JSON.parse(t)));
    const coco = stage('readCoco', () => readCoco(gt, res));
    const metric = new MeanAveragePrecision({ boxFormat: 'xywh', classMetrics: true });
    try {
      stage('update', () => metric.update(coco.preds, coco.target));
      const before = memoryUsage();
      const value = stage('compute', () => metric.compute());
      const after = memoryUsage();
      evaluations.push({
        wall,
        cpu,
        faults,
        stats: COCO_SUMMARY_KEYS.map((k) => Number(value[k])),
        memory: { stateBytes: metric.stateBytes, before, after },
        counts: { images: gt.images.length, annotations: gt.annotations.length, detections: res.length },
      });
    } finally {
      metric.dispose();
    }
  }
  console.log(JSON.stringify({ simd: simd(), init, evaluations, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
/** Per-stage medians of [{stage: ms}] plus the median of the totals. */
function medians(list) {
  const out = {};
  for (const k of Object.keys(list[0])) out[k] = median(list.map((x) => x[k]));
  out.total = median(list.map(sum));
  return out;
}

/** An evaluation's per-stage medians of wall time, CPU time and page faults over the rounds. */
const stageMedians = (evaluations) =>
  Object.fromEntries(['wall', 'cpu', 'faults'].map((k) => [k, medians(evaluations.map((e) => e[k]))]));

function runPackage(files) {
  const dir = dirname(files.gt);
  const passed = process.argv.slice(2).filter((a) => !/^--(child|images|scale|quick|runs)/.test(a));
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--child=${dir}`, ...passed], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`bench/detection.mjs: the package's child process failed (${res.status})`);
  return JSON.parse(res.stdout.trim().split('\n').pop());
}

function runPycocotools(files) {
  const env = { ...process.env };
  if (!env.PYCOCOTOOLS && existsSync(resolve(repoRoot, '..', '.pycocotools', 'pycocotools')))
    env.PYCOCOTOOLS = resolve(repoRoot, '..', '.pycocotools');
  const res = spawnSync(process.env.PYTHON || 'python3', [join(here, 'pycocotools_bench.py'), files.gt, files.res], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.error || res.status !== 0)
    return { skipped: `python failed (${res.error?.message ?? `exit ${res.status}`})` };
  const got = JSON.parse(res.stdout.trim().split('\n').pop());
  // seconds -> ms
  const ms = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v * 1000]));
  return got.available ? { wall: ms(got.wall), cpu: ms(got.cpu), stats: got.stats } : { skipped: got.reason };
}

if (args.child) {
  await child(args.child);
  process.exit(0);
}

const started = { date: new Date(), load: loadAverage() };
console.log(
  `MeanAveragePrecision (bbox) vs pycocotools, fresh processes, ${runs} round(s), ${DETS} detections per image, ` +
    `${CLASSES} classes; load average at the start ${started.load}`,
);
const rows = [];
let build = null;
const usPerFault = freshPageMicros();
for (const images of SIZES) {
  const files = dataset(images);
  const pkg = [];
  const py = [];
  let skipped = null;
  for (let r = 0; r < runs; r++) {
    pkg.push(runPackage(files));
    if (skipped) continue;
    const p = runPycocotools(files);
    if (p.skipped) skipped = p.skipped;
    else py.push(p);
  }
  build = pkg[0].simd ? 'simd' : 'plain';
  const first = pkg.map((p) => p.evaluations[0]);
  const repeat = pkg.map((p) => p.evaluations[1]);
  const row = {
    images,
    counts: first[0].counts,
    rounds: runs,
    init: { wall: median(pkg.map((p) => p.init.wall)), cpu: median(pkg.map((p) => p.init.cpu)) },
    first: stageMedians(first),
    repeat: stageMedians(repeat),
    memory: first[0].memory,
    maxRssMB: median(pkg.map((p) => p.maxRssMB)),
    stats: first[0].stats,
  };
  if (py.length) {
    row.pycocotools = { wall: medians(py.map((p) => p.wall)), cpu: medians(py.map((p) => p.cpu)), stats: py[0].stats };
    row.maxStatDiff = Math.max(...row.stats.map((v, i) => Math.abs(v - py[0].stats[i])));
  } else {
    row.pycocotools = { skipped };
  }
  rows.push(row);

  const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const { counts } = row;
  console.log(
    `\n${images} images: ${counts.detections} detections, ${counts.annotations} ground-truth boxes, ${build} build`,
  );
  for (const [name, side] of [
    ['wasmetrics first', row.first],
    ['wasmetrics repeat', row.repeat],
  ]) {
    const stages = Object.keys(side.cpu)
      .filter((k) => k !== 'total')
      .map((k) => `${k} ${f(side.cpu[k])}`)
      .join(', ');
    console.log(
      `  ${name.padEnd(18)} CPU ${f(side.cpu.total)} (${stages}), wall ${f(side.wall.total)}, ` +
        `${side.faults.total.toFixed(0)} page faults`,
    );
  }
  // What the first run's extra page faults cost at this machine's price of a fresh page.
  row.usPerFault = usPerFault;
  row.firstExtraFaultMs = ((row.first.faults.total - row.repeat.faults.total) * usPerFault) / 1000;
  console.log(
    `  first - repeat: CPU ${f(row.first.cpu.total - row.repeat.cpu.total)}, of which ` +
      `${(row.first.faults.total - row.repeat.faults.total).toFixed(0)} more page faults x ${usPerFault.toFixed(1)} us ` +
      `(a fresh page here, bench/page-cost.mjs) = ${f(row.firstExtraFaultMs)}`,
  );
  const m = row.memory;
  const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const computePeak = m.after.peakBytes - (m.before.usedBytes - m.stateBytes);
  console.log(
    `  heap: state ${mb(m.stateBytes)}, in use before compute ${mb(m.before.usedBytes)}, malloc high-water ` +
      `${mb(m.before.peakBytes)} before compute / ${mb(m.after.peakBytes)} after, heap ${mb(m.before.heapBytes)} -> ` +
      `${mb(m.after.heapBytes)}; peak RSS ${row.maxRssMB.toFixed(0)} MB`,
  );
  row.ratios = {
    firstOverRepeatCpu: row.first.cpu.total / row.repeat.cpu.total,
    firstOverRepeatWall: row.first.wall.total / row.repeat.wall.total,
    // compute's high-water mark of the heap over the state, other live allocations left out
    computePeakOverState: computePeak / m.stateBytes,
  };
  const mark = (ok) => (ok ? 'met' : '**miss**');
  console.log(
    `  first / repeat: CPU ${row.ratios.firstOverRepeatCpu.toFixed(2)}x, wall ${row.ratios.firstOverRepeatWall.toFixed(2)}x ` +
      `(target <= ${FIRST_OVER_REPEAT}: ${mark(row.ratios.firstOverRepeatCpu <= FIRST_OVER_REPEAT)}); ` +
      `compute's heap high-water (state + what compute adds) / state ${row.ratios.computePeakOverState.toFixed(2)} ` +
      `(target < ${COMPUTE_HEAP_OVER_STATE}: ${mark(row.ratios.computePeakOverState < COMPUTE_HEAP_OVER_STATE)})`,
  );
  if (row.pycocotools.skipped) {
    console.log(`  pycocotools: skipped (${row.pycocotools.skipped})`);
    continue;
  }
  const pc = row.pycocotools;
  const stages = Object.keys(pc.cpu)
    .filter((k) => k !== 'total')
    .map((k) => `${k} ${f(pc.cpu[k])}`)
    .join(', ');
  console.log(`  ${'pycocotools'.padEnd(18)} CPU ${f(pc.cpu.total)} (${stages}), wall ${f(pc.wall.total)}`);
  const target = SPEEDUP_TARGET(images);
  row.ratios.speedupCpu = pc.cpu.total / row.first.cpu.total;
  row.ratios.speedupWall = pc.wall.total / row.first.wall.total;
  row.ratios.speedupCpuWithoutGt = (pc.cpu.total - pc.cpu.loadGt) / row.first.cpu.total;
  console.log(
    `  pycocotools / wasmetrics first: CPU ${row.ratios.speedupCpu.toFixed(1)}x, wall ${row.ratios.speedupWall.toFixed(1)}x ` +
      `(target >= ${target}: ${mark(row.ratios.speedupCpu >= target)}); without pycocotools' COCO(gt) ` +
      `${row.ratios.speedupCpuWithoutGt.toFixed(1)}x; stats differ by at most ${row.maxStatDiff.toExponential(1)}`,
  );
}
writeBenchResults(
  out,
  `detection-${build}${scale === 1 ? '' : `-scale${scale}`}`,
  { scale, runs, dets: DETS, classes: CLASSES, build },
  started,
  rows,
);
