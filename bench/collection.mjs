#!/usr/bin/env node
// Two measurements, each the median of several runs:
//  1. compute groups: 6 stat-score metrics (MulticlassAccuracy, Precision, Recall, F1Score,
//     Specificity, FBetaScore; same input options) updated as 6 separate metrics vs as one
//     MetricCollection, which updates the shared state once;
//  2. evaluateParallel on 2 workers vs one thread, on a workload whose update dominates
//     (HausdorffDistance on label maps + MeanIoU), worker start-up included.
// Usage: node bench/collection.mjs [--runs=N] [--json]   (after `make npm`)
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { classificationBatches, copyBatches, segmentationBatches } from '../tests/js/collection-data.mjs';
import { benchArgs } from './args.mjs';
import { median } from './stats.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/index.mjs')).href);
const { init, createMetric, MetricCollection, evaluateParallel, simd } = lib;
await init();

const args = benchArgs('bench/collection.mjs', ['runs', 'json']);
const RUNS = Number(args.runs ?? 7);
const ms = (x) => `${x.toFixed(1).padStart(8)} ms`;

// ---- 1. compute groups ---------------------------------------------------------------------------
const C = 10;
const STAT_SCORES = [
  ['MulticlassAccuracy', {}],
  ['MulticlassPrecision', {}],
  ['MulticlassRecall', {}],
  ['MulticlassF1Score', {}],
  ['MulticlassSpecificity', {}],
  ['MulticlassFBetaScore', { beta: 2 }],
].map(([name, o]) => [name, { numClasses: C, ...o }]);
const clsBatches = classificationBatches(1, 30, 8192, C);

function timeSeparate() {
  const metrics = STAT_SCORES.map(([n, o]) => createMetric(n, o));
  const t0 = performance.now();
  for (const b of clsBatches) for (const m of metrics) m.update(...b);
  const values = metrics.map((m) => m.compute());
  const t = performance.now() - t0;
  metrics.forEach((m) => m.dispose());
  return { t, values };
}

function timeCollection() {
  const coll = new MetricCollection(STAT_SCORES.map(([n, o]) => createMetric(n, o)));
  if (coll.computeGroups.length !== 1)
    throw new Error(`expected one compute group, got ${JSON.stringify(coll.computeGroups)}`);
  const t0 = performance.now();
  for (const b of clsBatches) coll.update(...b);
  const values = Object.values(coll.compute());
  const t = performance.now() - t0;
  coll.dispose();
  return { t, values };
}

timeSeparate(); // warm-up
timeCollection();
const separate = [];
const grouped = [];
for (let i = 0; i < RUNS; i++) {
  const a = timeSeparate();
  const b = timeCollection();
  if (JSON.stringify(a.values) !== JSON.stringify(b.values))
    throw new Error('the collection and the separate metrics disagree');
  separate.push(a.t);
  grouped.push(b.t);
}
const groupRatio = median(separate) / median(grouped);

// ---- 2. parallel speed-up --------------------------------------------------------------------------
const SEG_METRICS = {
  hausdorff: { name: 'HausdorffDistance', options: { numClasses: 4, inputFormat: 'index' } },
  miou: { name: 'MeanIoU', options: { numClasses: 4, inputFormat: 'index' } },
};
const segBatches = segmentationBatches(2, 12, 2, 128, 128, 4);

function timeOneThread() {
  const coll = new MetricCollection(
    Object.fromEntries(Object.entries(SEG_METRICS).map(([k, { name, options }]) => [k, createMetric(name, options)])),
  );
  const batches = copyBatches(segBatches);
  const t0 = performance.now();
  for (const b of batches) coll.update(...b);
  const value = coll.compute();
  const t = performance.now() - t0;
  coll.dispose();
  return { t, value };
}

async function timeWorkers(workers) {
  const batches = copyBatches(segBatches);
  const t0 = performance.now();
  const value = await evaluateParallel({ metrics: SEG_METRICS, batches, workers });
  return { t: performance.now() - t0, value };
}

timeOneThread();
await timeWorkers(2);
const single = [];
const parallel = [];
for (let i = 0; i < RUNS; i++) {
  const a = timeOneThread();
  const b = await timeWorkers(2);
  if (JSON.stringify(a.value) !== JSON.stringify(b.value)) throw new Error('evaluateParallel and one thread disagree');
  single.push(a.t);
  parallel.push(b.t);
}
const speedup = median(single) / median(parallel);
// What the workers' start-up (spawn + load + init) costs: the same call with no batch.
const startup = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  await evaluateParallel({ metrics: SEG_METRICS, batches: [], workers: 2 });
  startup.push(performance.now() - t0);
}

const result = {
  simd: simd(),
  cores: availableParallelism(),
  runs: RUNS,
  computeGroups: { separateMs: median(separate), collectionMs: median(grouped), ratio: groupRatio },
  parallel: { oneThreadMs: median(single), twoWorkersMs: median(parallel), speedup, startupMs: median(startup) },
};
if (args.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `wasmetrics bench/collection.mjs (SIMD build: ${result.simd}, ${result.cores} cores, median of ${RUNS} runs)`,
  );
  console.log(`compute groups: 6 stat-score metrics, ${clsBatches.length} batches of 8192 x ${C} logits`);
  console.log(`  6 separate metrics          ${ms(median(separate))}`);
  console.log(`  one MetricCollection        ${ms(median(grouped))}   ratio ${groupRatio.toFixed(2)}x`);
  console.log(`parallel: HausdorffDistance + MeanIoU, ${segBatches.length} batches of 2 x 128 x 128 label maps`);
  console.log(`  one thread                  ${ms(median(single))}`);
  console.log(
    `  evaluateParallel, 2 workers ${ms(median(parallel))}   speed-up ${speedup.toFixed(2)}x (worker start-up included)`,
  );
  console.log(`  of which worker start-up    ${ms(median(startup))}   (evaluateParallel with no batch)`);
}
