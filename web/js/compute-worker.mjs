// Computes everything the Results and Plots cells show, with the npm package, off the main thread.
// Messages: {id, type: 'registry'} -> the registry (listMetrics()); {id, type: 'run', job} ->
// progress messages, then {id, type: 'done', result}; {id, type: 'bestThresholds', job: {preds,
// target, criterion}} -> per-label thresholds. Errors come back as {id, type: 'error', message}.
import * as wasmetrics from '../../npm/dist/index.mjs';
import { binaryLabels, compareModels, predictedLabels } from './lib/compare.mjs';
import { calibrationFor, curvesFor } from './curves.mjs';
import { evaluateMaskJob } from './masks-job.mjs';
import { slicedMetrics } from './slices.mjs';

const { init, createMetric, evaluateParallel, listMetrics, simd } = wasmetrics;
export { binaryLabels };

const ready = init();
const BATCH_ROWS = 65536;
let registry = null;

/** A result as plain, structured-cloneable data: numbers, {data, shape} tensors, arrays, objects. */
function plain(v) {
  if (typeof v === 'number' || v === null || v === undefined) return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v.toArray === 'function' && v.shape) return { data: Array.from(v.data), shape: [...v.shape] };
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function batches(input, rows) {
  const per = input.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = [];
  for (let s = 0; s < rows; s += BATCH_ROWS) {
    const e = Math.min(rows, s + BATCH_ROWS);
    out.push({ data: input.data.subarray(s * per, e * per), shape: [e - s, ...input.shape.slice(1)] });
  }
  return out;
}

/** Runs one metric over the data in batches (as a data loader would) and returns compute(). */
function run(name, options, preds, target, onBatch) {
  const m = createMetric(name, options);
  try {
    const pb = batches(preds, preds.shape[0]);
    const tb = batches(target, target.shape[0]);
    for (let i = 0; i < pb.length; i++) {
      m.update(pb[i], tb[i]);
      onBatch?.();
    }
    return plain(m.compute());
  } finally {
    m.dispose();
  }
}

/**
 * The metrics table of a large input on `workers` Web Workers (the package's evaluateParallel,
 * equal to one thread by its contract), when the page asked for it (classification-cells.mjs
 * decides: web/README.md "Parallel evaluation"). Any failure -> null: the caller runs the metrics
 * one by one on this thread, which also gives each failing metric its own message.
 */
async function metricsInParallel(specs, preds, target, workers) {
  const pb = batches(preds, preds.shape[0]);
  const tb = batches(target, target.shape[0]);
  try {
    const res = await evaluateParallel({
      metrics: Object.fromEntries(specs.map((m, k) => [`m${k}`, m])),
      batches: pb.map((p, i) => [p, tb[i]]),
      workers,
      copy: true,
    });
    return Object.assign(
      specs.map((m, k) => ({ ...m, value: plain(res[`m${k}`]) })),
      { workers },
    );
  } catch {
    return null;
  }
}

function worst(job, preds, target, labels) {
  const n = target.shape[0];
  const K = 10;
  const score = new Float64Array(n);
  const rows = [];
  const { task } = job;
  if (task === 'regression') {
    const per = preds.data.length / n;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < per; j++) e += Math.abs(preds.data[i * per + j] - target.data[i * per + j]);
      score[i] = e;
    }
  } else if (task === 'multiclass' && preds.shape.length === 2) {
    const c = preds.shape[1];
    for (let i = 0; i < n; i++) score[i] = -Math.log(Math.max(preds.data[i * c + target.data[i]] ?? 0, 1e-12));
  } else if (task === 'binary' || task === 'multilabel') {
    const per = preds.data.length / n;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < per; j++) {
        const k = i * per + j;
        e += (labels.data[k] !== target.data[k] ? 1 : 0) + Math.abs(preds.data[k] - target.data[k]) / (per + 1);
      }
      score[i] = e;
    }
  } else {
    // labels (multiclass labels, segmentation masks): share of wrong pixels/entries
    const per = target.data.length / n;
    for (let i = 0; i < n; i++) {
      let wrong = 0;
      for (let j = 0; j < per; j++) wrong += labels.data[i * per + j] !== target.data[i * per + j] ? 1 : 0;
      score[i] = wrong / per;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => score[b] - score[a])
    .slice(0, K);
  const per = preds.data.length / n,
    tper = target.data.length / n;
  for (const i of order) {
    const row = { index: i, id: job.ids ? job.ids[i] : String(i), score: score[i] };
    if (task === 'segmentation') row.detail = `${(100 * score[i]).toFixed(2)}% of pixels wrong`;
    else if (task === 'multiclass' && preds.shape.length === 2) {
      const name = (k) => job.classNames?.[k] ?? String(k);
      row.target = name(target.data[i]);
      row.predicted = name(labels.data[i]);
      row.detail = `p(${row.target}) = ${preds.data[i * per + target.data[i]].toPrecision(3)}`;
    } else {
      row.target = Array.from(target.data.subarray(i * tper, (i + 1) * tper), (v) => +v.toPrecision(6)).join(', ');
      row.predicted = Array.from(preds.data.subarray(i * per, (i + 1) * per), (v) => +v.toPrecision(6)).join(', ');
    }
    rows.push(row);
  }
  return rows;
}

function sample(preds, target, max = 2000) {
  const n = target.shape[0];
  const step = Math.max(1, Math.ceil(n / max));
  const per = preds.data.length / n;
  const pts = [];
  for (let i = 0; i < n; i += step) pts.push({ x: target.data[i * per], y: preds.data[i * per] });
  return pts;
}

/** Macro, weighted and micro averages of precision, recall and F1, each computed by the package. */
function averages(prefix, base, preds, target) {
  const out = {};
  for (const average of ['macro', 'weighted', 'micro']) {
    out[average] = {};
    for (const [key, name] of [
      ['precision', 'Precision'],
      ['recall', 'Recall'],
      ['f1', 'F1Score'],
    ]) {
      out[average][key] = run(prefix + name, { ...base, average }, preds, target);
    }
  }
  return out;
}

async function compute(job, post) {
  const t0 = performance.now();
  const { task } = job;
  let preds = job.preds,
    target = job.target;
  const n = target.shape[0];
  const nMetrics = job.metrics.length + 4;
  let done = 0;
  const totalBatches = nMetrics * Math.ceil(n / BATCH_ROWS);
  const tick = () => {
    done++;
    if (done % 4 === 0) post({ type: 'progress', done, total: totalBatches });
  };

  // Multilabel: the per-label thresholds go to the package as the `threshold` array (it predicts
  // preds > threshold per label, natively, in the metric's one pass); the 0/1 labels below only
  // rank the worst samples.
  const L = task === 'multilabel' ? preds.shape[1] : 0;
  const thr = task === 'multilabel' ? Array.from({ length: L }, (_, k) => job.thresholds?.[k] ?? 0.5) : null;
  const binarized =
    task === 'multilabel' ? { data: preds.data.map((v, k) => (v > thr[k % L] ? 1 : 0)), shape: preds.shape } : preds;
  const labels =
    task === 'multilabel'
      ? binarized
      : task === 'regression'
        ? preds
        : predictedLabels(preds, task === 'binary' ? job.threshold : undefined);
  const takesThreshold = (name) => registry.find((s) => s.name === name)?.options.some((o) => o.name === 'threshold');

  const specs = job.metrics.map(({ name, options }) => ({
    name,
    options: task === 'multilabel' && takesThreshold(name) ? { ...options, threshold: thr } : options,
  }));
  const tMetrics = performance.now();
  const metrics =
    (job.parallel && (await metricsInParallel(specs, preds, target, job.parallel.workers))) ||
    specs.map(({ name, options }) => {
      try {
        return { name, options, value: run(name, options, preds, target, tick) };
      } catch (e) {
        return { name, options, error: e.message };
      }
    });

  const out = {
    task,
    n,
    metrics,
    simd: simd(),
    metricsMs: performance.now() - tMetrics,
    workers: metrics.workers ?? 1,
  };
  if (task === 'multiclass' || task === 'segmentation' || task === 'binary') {
    const C = task === 'binary' ? 2 : job.numClasses;
    const o = { numClasses: C, average: 'none' };
    const lt = { data: labels.data, shape: labels.shape };
    out.perClass = {
      family: 'Multiclass',
      names: Array.from(
        { length: C },
        (_, k) => job.classNames?.[k] ?? (task === 'binary' ? ['negative (0)', 'positive (1)'][k] : `class ${k}`),
      ),
      precision: run('MulticlassPrecision', o, lt, target, tick).data,
      recall: run('MulticlassRecall', o, lt, target, tick).data,
      f1: run('MulticlassF1Score', o, lt, target, tick).data,
    };
    if (task === 'segmentation') out.perClass.iou = run('MulticlassJaccardIndex', o, lt, target).data;
    // what the per-class columns ran with, for the page's data-options: binary runs on its 0/1 labels
    out.perClass.options = o;
    out.perClass.input = task === 'binary' ? 'labels' : 'preds';
    if (task === 'binary') out.perClass.threshold = job.threshold; // the labels are preds > threshold
    let cm = run('MulticlassConfusionMatrix', { numClasses: C }, lt, target, tick);
    if (task === 'binary') {
      // the package's own confusion matrix at the threshold: the table below must agree with it
      const pkg = run('BinaryConfusionMatrix', { threshold: job.threshold }, preds, target);
      if (pkg.data.some((v, k) => v !== cm.data[k]))
        throw new Error(
          `the 0/1 predictions at threshold ${job.threshold} disagree with the package's BinaryConfusionMatrix (${JSON.stringify(pkg.data)} vs ${JSON.stringify(cm.data)})`,
        );
      cm = pkg;
    }
    out.confusion = cm;
    // the package's metric behind the matrix, on the inputs as given (probabilities: its own argmax)
    out.confusionSpec =
      task === 'binary'
        ? { metric: 'BinaryConfusionMatrix', options: { threshold: job.threshold } }
        : { metric: 'MulticlassConfusionMatrix', options: { numClasses: C } };
    out.perClass.averages = averages('Multiclass', { numClasses: C }, lt, target);
    out.perClass.averageOptions = { numClasses: C };
    out.perClass.support = Array.from({ length: C }, (_, r) =>
      cm.data.slice(r * C, (r + 1) * C).reduce((a, b) => a + b, 0),
    );
  } else if (task === 'multilabel') {
    const o = { numLabels: L, average: 'none', threshold: thr };
    out.perClass = {
      family: 'Multilabel',
      options: o,
      input: 'preds',
      names: Array.from({ length: L }, (_, k) => job.classNames?.[k] ?? `label ${k}`),
      precision: run('MultilabelPrecision', o, preds, target, tick).data,
      recall: run('MultilabelRecall', o, preds, target, tick).data,
      f1: run('MultilabelF1Score', o, preds, target, tick).data,
      averages: averages('Multilabel', { numLabels: L, threshold: thr }, preds, target),
      averageOptions: { numLabels: L, threshold: thr },
      support: Array.from({ length: L }, (_, j) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += target.data[i * L + j];
        return s;
      }),
    };
  } else if (task === 'regression') {
    out.scatter = sample(preds, target);
  }

  // ROC and PR curves per class and the reliability diagram (web/js/curves.mjs).
  out.curves = curvesFor(job, preds, target, run);
  out.calibration = calibrationFor(job, preds, target, run);
  out.worst = worst(job, preds, target, labels);
  const scalar = metrics.filter((m) => typeof m.value === 'number');
  if (job.slice) out.slices = slicesFor(job.slice, scalar, preds, target);
  if (job.predsB) {
    const focus = scalar.find((m) => m.name === job.focus) ?? scalar[0] ?? null;
    try {
      out.compare = compareModels(
        wasmetrics,
        {
          task,
          preds,
          predsB: job.predsB,
          target,
          threshold: job.threshold,
          numClasses: job.numClasses,
          focus: focus && { name: focus.name, options: focus.options },
        },
        (name, options, p) => run(name, options, p, target),
        // the bootstrap's resamples as progress (every 1%): at 1M rows it is most of the run
        (done, total) =>
          (done === total || done % Math.max(1, Math.floor(total / 100)) === 0) &&
          post({ type: 'progress', done, total, step: 'bootstrap' }),
      );
    } catch (e) {
      out.compare = { error: e.message };
    }
  }
  out.ms = performance.now() - t0;
  return out;
}

/** Every scalar metric of the table per slice of `slice.keys` (one key per row): slices.mjs, the package's SlicedMetric. */
function slicesFor(slice, metrics, preds, target) {
  return slicedMetrics(
    wasmetrics,
    slice.column,
    slice.keys,
    metrics.map(({ name, options }) => ({ name, options, inputs: [preds, target] })),
  );
}

// Per-label thresholds for the threshold editor: the package's bestThresholds() on the
// multilabel precision-recall curve (exact up to EXACT_ROWS rows, 1000 bins above).
const EXACT_ROWS = 200_000;
function bestThresholds({ preds, target, criterion }) {
  const curve = createMetric('MultilabelPrecisionRecallCurve', {
    numLabels: preds.shape[1],
    thresholds: preds.shape[0] > EXACT_ROWS ? 1000 : null,
  });
  try {
    const pb = batches(preds, preds.shape[0]);
    const tb = batches(target, target.shape[0]);
    for (let i = 0; i < pb.length; i++) curve.update(pb[i], tb[i]);
    return plain(curve.bestThresholds({ criterion }));
  } finally {
    curve.dispose();
  }
}

self.onmessage = async (event) => {
  const { id, type, job } = event.data;
  const post = (msg) => self.postMessage({ id, ...msg });
  try {
    await ready;
    registry ??= listMetrics();
    if (type === 'registry') post({ type: 'done', result: { registry, simd: simd() } });
    else if (type === 'run') post({ type: 'done', result: await compute(job, post) });
    else if (type === 'masks') post({ type: 'done', result: await evaluateMaskJob(job, post) });
    else if (type === 'bestThresholds') post({ type: 'done', result: bestThresholds(job) });
    else throw new Error(`unknown request ${type}`);
  } catch (e) {
    post({ type: 'error', message: e?.message ?? String(e) });
  }
};
