#!/usr/bin/env node
// COCO-style bbox evaluation through the npm package on a synthetic COCO pair (fixed seed,
// generated here, never committed): by default 5,000 images x 100 detections x 80 classes, about
// 7 ground-truth boxes per image (COCO val2017 has 7.3), a few crowd boxes, detections near the
// ground truth plus clutter. Measured, each the median of --runs runs in this one process:
//   parse   JSON.parse of the two files' text (what a page does with uploaded files)
//   read    readCoco: validation + per-image dicts
//   update  MeanAveragePrecision.update with the per-image dicts (flattening + the engine's copy)
//   compute MeanAveragePrecision.compute (COCOeval: evaluate + accumulate + summarize), classMetrics on
// and the peak resident memory (getrusage maxRSS) of a child process that only reads the two files
// and evaluates (the generator runs in the parent, so its memory is not counted), plus the state size.
// pycocotools' figures for comparison are in bench/DETECTION.md (none can be run here).
// Usage: node bench/detection.mjs [--images=5000] [--dets=100] [--classes=80] [--runs=3] [--json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '../scripts/lib/mulberry32.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/index.mjs')).href);
const { init, readCoco, MeanAveragePrecision, simd } = lib;

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? true]),
);
const IMAGES = Number(args.images ?? 5000);
const DETS = Number(args.dets ?? 100);
const CLASSES = Number(args.classes ?? 80);
const RUNS = Number(args.runs ?? 3);
await init(args.plain ? { simd: false } : {});

const rng = mulberry32;

function syntheticCoco() {
  const r = rng(20240611);
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
  const images = [];
  const annotations = [];
  const results = [];
  for (let i = 0; i < IMAGES; i++) {
    const id = 100000 + i * 3;
    images.push({ id, file_name: `${id}.jpg`, width: W, height: H });
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
      let b;
      let cat;
      if (j < gts.length * 3 && gts.length) {
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
      const near = j < gts.length * 3 && gts.length > 0; // confident near the ground truth, less so elsewhere
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
      images,
      annotations,
      categories: catIds.map((id) => ({ id, name: `class_${id}`, supercategory: 'x' })),
    }),
    resText: JSON.stringify(results),
    annotations: annotations.length,
    detections: results.length,
  };
}

if (!args.child) {
  // Parent: generate, write the two files, measure in a child process.
  const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-bench-coco-'));
  try {
    const t0 = performance.now();
    const data = syntheticCoco();
    const genMs = performance.now() - t0;
    writeFileSync(join(dir, 'gt.json'), data.gtText);
    writeFileSync(join(dir, 'results.json'), data.resText);
    const passed = process.argv.slice(2).filter((a) => !a.startsWith('--child'));
    const text = execFileSync(process.execPath, [fileURLToPath(import.meta.url), `--child=${dir}`, ...passed], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    process.stdout.write(args.json ? `${JSON.stringify({ ...JSON.parse(text), generateMs: genMs })}\n` : text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gtFile = readFileSync(join(args.child, 'gt.json'), 'utf8');
const resFile = readFileSync(join(args.child, 'results.json'), 'utf8');
const data = { gtText: gtFile, resText: resFile };

const times = { parse: [], read: [], update: [], compute: [] };
let value;
let stateBytes = 0;
for (let run = 0; run < RUNS; run++) {
  let t = performance.now();
  const gt = JSON.parse(data.gtText);
  const res = JSON.parse(data.resText);
  data.annotations = gt.annotations.length;
  data.detections = res.length;
  times.parse.push(performance.now() - t);
  t = performance.now();
  const coco = readCoco(gt, res);
  times.read.push(performance.now() - t);
  const metric = new MeanAveragePrecision({ boxFormat: 'xywh', classMetrics: true });
  try {
    t = performance.now();
    metric.update(coco.preds, coco.target);
    times.update.push(performance.now() - t);
    stateBytes = metric.stateBytes;
    t = performance.now();
    value = metric.compute();
    times.compute.push(performance.now() - t);
  } finally {
    metric.dispose();
  }
}
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
const total = med.parse + med.read + med.update + med.compute;
const maxRssMB = process.resourceUsage().maxRSS / 1024;
const out = {
  images: IMAGES,
  detections: data.detections,
  annotations: data.annotations,
  classes: CLASSES,
  simd: simd(),
  runs: RUNS,
  medianMs: med,
  totalMs: total,
  stateMB: stateBytes / 2 ** 20,
  peakRssMB: maxRssMB,
  jsonMB: (data.gtText.length + data.resText.length) / 2 ** 20,
  map: value.map,
  map_50: value.map_50,
  map_75: value.map_75,
};
if (args.json) {
  console.log(JSON.stringify(out));
} else {
  const f = (x) => `${(x / 1000).toFixed(2).padStart(7)} s`;
  console.log(
    `COCO bbox evaluation, ${IMAGES} images x ${DETS} detections x ${CLASSES} classes ` +
      `(${data.detections} detections, ${data.annotations} ground-truth boxes, ${out.jsonMB.toFixed(1)} MB of JSON), ` +
      `${simd() ? 'SIMD' : 'plain'} build, median of ${RUNS}:`,
  );
  console.log(`  parse JSON   ${f(med.parse)}`);
  console.log(`  readCoco     ${f(med.read)}`);
  console.log(`  update       ${f(med.update)}`);
  console.log(`  compute      ${f(med.compute)}   (COCOeval: evaluate + accumulate + summarize, per-class on)`);
  console.log(`  total        ${f(total)}`);
  console.log(
    `  state ${out.stateMB.toFixed(1)} MB in the WebAssembly heap; peak RSS of the evaluating process ${maxRssMB.toFixed(0)} MB`,
  );
  console.log(`  map ${value.map.toFixed(4)}, map_50 ${value.map_50.toFixed(4)}, map_75 ${value.map_75.toFixed(4)}`);
}
