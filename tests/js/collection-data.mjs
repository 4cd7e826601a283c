// Seeded batches for the collection / parallel / browser tests and bench/collection.mjs (not a
// test file itself). Pure JS, no Node API: tests/browser/ imports it too.
import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

/** A seeded generator of floats in [0, 1) (mulberry32). */
export const rng = mulberry32;

const ints = (r, n, k) => Int32Array.from({ length: n }, () => Math.floor(r() * k));

/** [preds, target] float32 regression batches of n rows. */
export function regressionBatches(seed, count, n) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const target = Float32Array.from({ length: n }, () => r() * 10 - 5);
    const preds = target.map((t) => t + (r() - 0.5) * 3);
    return [preds, target];
  });
}

/** [value] float64 batches for the aggregation metrics. */
export function aggregationBatches(seed, count, n) {
  const r = rng(seed);
  return Array.from({ length: count }, () => [Float64Array.from({ length: n }, () => r() * 100 - 20)]);
}

/** [preds (logits {data, shape: [n, classes]}), target (int32 labels)] multiclass batches. */
export function classificationBatches(seed, count, n, classes) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const target = ints(r, n, classes);
    const logits = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < classes; c++)
        logits[i * classes + c] = r() * 2 - 1 + (c === target[i] && r() < 0.6 ? 1.5 : 0);
    }
    return [{ data: logits, shape: [n, classes] }, target];
  });
}

/** [preds, target] int32 label maps [n, h, w] for the segmentation metrics (inputFormat 'index'). */
export function segmentationBatches(seed, count, n, h, w, classes) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const target = ints(r, n * h * w, classes);
    const preds = target.map((t) => (r() < 0.7 ? t : Math.floor(r() * classes)));
    return [
      { data: preds, shape: [n, h, w] },
      { data: target, shape: [n, h, w] },
    ];
  });
}

/**
 * Detection batches in the flat layout (pred_boxes, pred_scores, pred_labels, pred_counts,
 * target_boxes, target_labels, target_counts): `images` images per batch, xyxy boxes.
 */
export function detectionBatches(seed, count, images, classes) {
  const r = rng(seed);
  const box = () => {
    const x = r() * 80;
    const y = r() * 80;
    return [x, y, x + 5 + r() * 30, y + 5 + r() * 30];
  };
  return Array.from({ length: count }, () => {
    const tb = [];
    const tl = [];
    const tc = [];
    const pb = [];
    const ps = [];
    const pl = [];
    const pc = [];
    for (let i = 0; i < images; i++) {
      const nt = 1 + Math.floor(r() * 4);
      let np = 0;
      for (let k = 0; k < nt; k++) {
        const b = box();
        const label = Math.floor(r() * classes);
        tb.push(...b);
        tl.push(label);
        if (r() < 0.8) {
          // a detection near the truth
          pb.push(...b.map((v) => v + (r() - 0.5) * 6));
          ps.push(r());
          pl.push(r() < 0.85 ? label : Math.floor(r() * classes));
          np++;
        }
      }
      if (r() < 0.5) {
        pb.push(...box());
        ps.push(r() * 0.5);
        pl.push(Math.floor(r() * classes));
        np++;
      } // a false positive
      tc.push(nt);
      pc.push(np);
    }
    return [
      { data: Float32Array.from(pb), shape: [pl.length, 4] },
      Float32Array.from(ps),
      Int32Array.from(pl),
      Int32Array.from(pc),
      { data: Float32Array.from(tb), shape: [tl.length, 4] },
      Int32Array.from(tl),
      Int32Array.from(tc),
    ];
  });
}

/** A deep copy of batches (typed arrays copied), so one set can be transferred and one kept. */
export function copyBatches(batches) {
  const copy = (v) => {
    if (ArrayBuffer.isView(v)) return v.slice();
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  return batches.map(copy);
}

/**
 * The families evaluateParallel is checked on: metrics {key: {name, options}} and batches.
 * Every metric of a family takes the same update arguments.
 */
export function parallelCases(scale = 1) {
  const C = 5;
  return {
    regression: {
      metrics: {
        mse: { name: 'MeanSquaredError' },
        rmse: { name: 'MeanSquaredError', options: { squared: false } },
        mae: { name: 'MeanAbsoluteError' },
        r2: { name: 'R2Score' },
        pearson: { name: 'PearsonCorrCoef' },
        spearman: { name: 'SpearmanCorrCoef' },
        ev: { name: 'ExplainedVariance' },
        ccc: { name: 'ConcordanceCorrCoef' },
        mape: { name: 'MeanAbsolutePercentageError' },
        logcosh: { name: 'LogCoshError' },
      },
      batches: regressionBatches(11, 12 * scale, 500),
    },
    aggregation: {
      metrics: {
        mean: { name: 'MeanMetric' },
        sum: { name: 'SumMetric' },
        max: { name: 'MaxMetric' },
        min: { name: 'MinMetric' },
        cat: { name: 'CatMetric' },
        running: { name: 'RunningMean', options: { window: 3 } },
      },
      batches: aggregationBatches(12, 12 * scale, 300),
    },
    classification: {
      metrics: {
        acc: { name: 'MulticlassAccuracy', options: { numClasses: C } },
        precision: { name: 'MulticlassPrecision', options: { numClasses: C } },
        recall: { name: 'MulticlassRecall', options: { numClasses: C, average: 'none' } },
        f1: { name: 'MulticlassF1Score', options: { numClasses: C, average: 'weighted' } },
        specificity: { name: 'MulticlassSpecificity', options: { numClasses: C } },
        confmat: { name: 'MulticlassConfusionMatrix', options: { numClasses: C } },
        kappa: { name: 'MulticlassCohenKappa', options: { numClasses: C } },
        mcc: { name: 'MulticlassMatthewsCorrCoef', options: { numClasses: C } },
      },
      batches: classificationBatches(13, 12 * scale, 400, C),
    },
    segmentation: {
      metrics: {
        miou: { name: 'MeanIoU', options: { numClasses: 4, inputFormat: 'index' } },
        miouPerClass: { name: 'MeanIoU', options: { numClasses: 4, inputFormat: 'index', perClass: true } },
        gdice: { name: 'GeneralizedDiceScore', options: { numClasses: 4, inputFormat: 'index' } },
        dice: { name: 'DiceScore', options: { numClasses: 4, inputFormat: 'index' } },
      },
      batches: segmentationBatches(14, 8 * scale, 2, 16, 16, 4),
    },
    detection: {
      metrics: {
        map: { name: 'MeanAveragePrecision', options: { classMetrics: true } },
      },
      batches: detectionBatches(15, 8 * scale, 3, 3),
    },
    detectionIoU: {
      metrics: {
        iou: { name: 'IntersectionOverUnion' },
        giou: { name: 'GeneralizedIntersectionOverUnion' },
      },
      // IoU metrics take no scores: drop pred_scores from the MAP layout.
      batches: detectionBatches(16, 8 * scale, 3, 3).map(([pb, , pl, pc, tb, tl, tc]) => [pb, pl, pc, tb, tl, tc]),
    },
  };
}

/**
 * The reference evaluateParallel is checked against: each metric of `metrics` ({key: {name,
 * options}}) on its own, made by `createMetric`, updated with every batch in order on this thread.
 */
export function evaluateSingleThread(createMetric, metrics, batches) {
  const out = {};
  for (const [key, { name, options }] of Object.entries(metrics)) {
    const m = createMetric(name, options);
    for (const b of batches) m.update(...b);
    out[key] = m.compute();
    m.dispose();
  }
  return out;
}
