// Worker side of the curve plots: ROC and precision-recall curves per class (binary, multiclass,
// multilabel) and the reliability diagram, all from the npm package's metrics. `run(name,
// options, preds, target)` is the compute worker's batched runner; every curve records the
// metric and options that produced it so that exports and tests can reproduce it.

// Exact curves keep every distinct score; past this many scores per class the curve is binned
// (thresholds linspace(0, 1, 201)) so the plot stays drawable and the state small.
const EXACT_MAX = 20000;
const BINNED = 201;
export const CALIBRATION_BINS = 15;

// Exact curves come as one tensor per class; binned ones as one [C, T] tensor (as TorchMetrics).
function vectors(v) {
  if (Array.isArray(v)) return v.map((t) => t.data);
  if (v.shape.length === 1) return [v.data];
  const [c, n] = v.shape;
  return Array.from({ length: c }, (_, k) => v.data.slice(k * n, (k + 1) * n));
}

function isProbability(data) {
  for (let i = 0; i < data.length; i++) if (!(data[i] >= 0 && data[i] <= 1)) return false;
  return true;
}

/** {name, metric, options, xLabel, yLabel, series: [{label, x, y}]} for ROC and PR, or [] when preds are labels. */
export function curvesFor(job, preds, target, run) {
  const { task } = job;
  const n = target.shape[0];
  const thresholds = n > EXACT_MAX ? BINNED : null;
  let family, size, names;
  if (task === 'binary' && preds.shape.length === 1) {
    family = 'Binary';
    names = ['positive'];
  } else if (task === 'multiclass' && preds.shape.length === 2) {
    family = 'Multiclass';
    size = { numClasses: preds.shape[1] };
    names = Array.from({ length: preds.shape[1] }, (_, k) => job.classNames?.[k] ?? `class ${k}`);
  } else if (task === 'multilabel' && preds.shape.length === 2) {
    family = 'Multilabel';
    size = { numLabels: preds.shape[1] };
    names = Array.from({ length: preds.shape[1] }, (_, k) => job.classNames?.[k] ?? `label ${k}`);
  } else return [];
  const options = { ...size, thresholds };
  const out = [];
  for (const [kind, metric, xKey, yKey, xLabel, yLabel] of [
    ['roc', 'ROC', 'fpr', 'tpr', 'false positive rate', 'true positive rate'],
    ['pr', 'PrecisionRecallCurve', 'recall', 'precision', 'recall', 'precision'],
  ]) {
    const name = family + metric;
    const title = kind === 'roc' ? 'ROC' : 'Precision-recall';
    try {
      const v = run(name, options, preds, target);
      const xs = vectors(v[xKey]),
        ys = vectors(v[yKey]);
      // the area in the legend, from the package with the curve's own thresholds: AUROC for ROC,
      // average precision for PR (whose chance level is the prevalence of the class)
      const area = kind === 'roc' ? 'AUROC' : 'AveragePrecision';
      const areaOptions = { ...size, thresholds, ...(family === 'Binary' ? {} : { average: 'none' }) };
      const areaValue = run(family + area, areaOptions, preds, target);
      const areas = typeof areaValue === 'number' ? [areaValue] : areaValue.data;
      const prevalence = kind === 'pr' ? prevalences(task, target, names.length) : null;
      out.push({
        kind,
        name: title,
        metric: name,
        options,
        xLabel,
        yLabel,
        binned: thresholds !== null,
        area: { metric: family + area, options: areaOptions, name: kind === 'roc' ? 'AUC' : 'AP' },
        series: names.map((label, k) => ({
          label,
          x: xs[k],
          y: ys[k],
          area: areas[k],
          ...(prevalence ? { prevalence: prevalence[k] } : {}),
        })),
      });
    } catch (e) {
      out.push({ kind, name: title, metric: name, options, error: e.message });
    }
  }
  return out;
}

/** Share of positives per class (multiclass: target == k; binary/multilabel: target 1 per column). */
function prevalences(task, target, C) {
  const n = target.shape[0];
  const out = new Float64Array(C);
  if (task === 'multiclass') for (let i = 0; i < n; i++) out[target.data[i]] += 1 / n;
  else for (let i = 0; i < n; i++) for (let k = 0; k < C; k++) out[k] += (target.data[i * C + k] === 1 ? 1 : 0) / n;
  return Array.from(out);
}

/**
 * Reliability diagram: per confidence bin the mean confidence, the accuracy and the count, with
 * the package's calibration error (ECE, l1) beside it. The bins follow the package's rule
 * (CALIBRATION_BINS equal-width bins over [0, 1], a confidence of exactly 1 in a bin of its own),
 * so sum(count/N * |accuracy - confidence|) equals the ECE; the browser test checks that.
 * Binary: confidence = the score, accuracy = the target. Multiclass: top-label confidence and
 * whether the top label is right. Multilabel: every (sample, label) score pooled as binary.
 */
export function calibrationFor(job, preds, target, run) {
  const { task } = job;
  if (!['binary', 'multiclass', 'multilabel'].includes(task) || (task !== 'binary' && preds.shape.length !== 2))
    return null;
  if (task === 'binary' && preds.shape.length !== 1) return null;
  if (!isProbability(preds.data))
    return { error: 'the scores are not probabilities in [0, 1] (logits?): no reliability diagram' };
  const nBins = CALIBRATION_BINS;
  let metric, options, conf, hit;
  if (task === 'multiclass') {
    const [n, c] = preds.shape;
    metric = 'MulticlassCalibrationError';
    options = { numClasses: c, nBins, norm: 'l1' };
    conf = new Float64Array(n);
    hit = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (preds.data[i * c + j] > preds.data[i * c + best]) best = j;
      conf[i] = preds.data[i * c + best];
      hit[i] = best === target.data[i] ? 1 : 0;
    }
  } else {
    metric = 'BinaryCalibrationError';
    options = { nBins, norm: 'l1' };
    conf = preds.data;
    hit = target.data;
  }
  let ece;
  try {
    ece = run(
      metric,
      options,
      task === 'multilabel' ? { data: preds.data, shape: [preds.data.length] } : preds,
      task === 'multilabel' ? { data: target.data, shape: [target.data.length] } : target,
    );
  } catch (e) {
    return { error: e.message };
  }
  // Boundaries as the core builds them (float32 linspace), so edge values fall as they do there.
  const bounds = Float32Array.from({ length: nBins + 1 }, (_, k) => k / nBins);
  const count = new Float64Array(nBins + 1),
    sumConf = new Float64Array(nBins + 1),
    sumHit = new Float64Array(nBins + 1);
  for (let i = 0; i < conf.length; i++) {
    const c = Math.fround(conf[i]);
    let b = 0;
    while (b < nBins && c >= bounds[b + 1]) b++;
    count[b]++;
    sumConf[b] += c;
    sumHit[b] += hit[i];
  }
  const bins = [];
  for (let b = 0; b <= nBins; b++) {
    if (!count[b]) continue;
    bins.push({
      lo: bounds[b],
      hi: b < nBins ? bounds[b + 1] : 1,
      count: count[b],
      confidence: sumConf[b] / count[b],
      accuracy: sumHit[b] / count[b],
    });
  }
  return { metric, options, ece, pooled: task === 'multilabel', total: conf.length, bins };
}
