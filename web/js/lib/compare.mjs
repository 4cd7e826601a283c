// The Classification mode's sliced results and its A/B comparison (issue 24): which columns can
// slice the rows, their keys, the predicted labels and per-row correctness McNemar's test needs,
// and the comparison itself with the package's mcnemarTest / delongTest / pairedBootstrap. Pure
// functions over {data, shape} inputs: the compute worker runs them, and the mode's expected()
// (in Node) reuses the label rule, never the numbers.

// A slice column has at most this many distinct values (more looks like an id, and the page's
// table and bar chart stop being readable).
export const MAX_SLICES = 50;
// The paired bootstrap's resamples: 1000, fewer on large inputs (each resample updates two
// metrics on n rows), never below 200.
export const BOOTSTRAP_SEED = 0;
export const bootstrapCount = (n) => Math.max(200, Math.min(1000, Math.floor(2e7 / Math.max(1, n))));

/** Whether a smaller value of the metric is better (errors, losses, distances). */
export const lowerIsBetter = (name) => /Error|Loss|Distance|Divergence|Brier|Hamming|Deviance|Perplexity/.test(name);

/** Distinct values of a column (its codes for a text column). */
function distinct(c) {
  return new Set(c.values).size;
}

/** The columns that can slice the rows: role 'ignore' (not a prediction, target or id), 2..MAX_SLICES values. */
export function sliceCandidates(columns) {
  return columns.filter(
    (c) => c.role === 'ignore' && c.values.length > 0 && distinct(c) >= 2 && distinct(c) <= MAX_SLICES,
  );
}

/** The column the page slices by unless told otherwise: the first text candidate, else none. */
export function defaultSliceColumn(columns) {
  return sliceCandidates(columns).find((c) => c.categories)?.name ?? null;
}

/** One key per row: the text of a text column, the number of an integer column, else its text. */
export function sliceKeys(column) {
  if (column.categories) return Array.from(column.values, (k) => column.categories[k]);
  return Array.from(column.values, (v) => (Number.isSafeInteger(v) ? v : String(v)));
}

/**
 * Binary 0/1 predictions by TorchMetrics' rule, the one the package applies: scores outside
 * [0, 1] are logits (sigmoid first), and a score counts positive when score > threshold (a score
 * exactly on the threshold is negative).
 */
export function binaryLabels(data, threshold) {
  let probabilities = true;
  for (let i = 0; i < data.length; i++) if (!(data[i] >= 0 && data[i] <= 1)) probabilities = false;
  return data.map((v) => ((probabilities ? v : 1 / (1 + Math.exp(-v))) > threshold ? 1 : 0));
}

/** [N, C] scores -> argmax labels (the first maximum); [N] scores with a threshold -> 0/1; labels stay. */
export function predictedLabels(preds, threshold) {
  if (preds.shape.length === 2) {
    const [n, c] = preds.shape;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (preds.data[i * c + j] > preds.data[i * c + best]) best = j;
      out[i] = best;
    }
    return { data: out, shape: [n] };
  }
  if (threshold !== undefined && threshold !== null)
    return { data: binaryLabels(preds.data, threshold), shape: preds.shape };
  return preds;
}

/** Per row, whether the predicted label equals the target (1) or not (0). */
export function correctness(preds, target, threshold) {
  const labels = predictedLabels(preds, threshold).data;
  return Uint8Array.from(target.data, (t, i) => (labels[i] === t ? 1 : 0));
}

/** The accuracy metric McNemar's test goes with, for a task (binary and multiclass only). */
export function accuracySpec(task, { threshold, numClasses }) {
  if (task === 'binary') return { name: 'BinaryAccuracy', options: { threshold } };
  if (task === 'multiclass') return { name: 'MulticlassAccuracy', options: { numClasses, average: 'micro' } };
  return null;
}

/**
 * Model B against model A on the same rows, with the package `wm`: `value(name, options, preds)`
 * computes one metric on all rows. Returns {tests: [{metric, options, a, b, test, fields}], n}:
 * McNemar on accuracy (binary, multiclass), DeLong on BinaryAUROC (binary), a paired bootstrap of
 * `focus` (any scalar metric), reporting each resample to `progress(done, total)`. Fields are
 * {key: number} with keys as the page's data-key shows them.
 */
export function compareModels(
  wm,
  { task, preds, predsB, target, threshold, numClasses, focus },
  value,
  progress = null,
) {
  const n = target.shape[0];
  const tests = [];
  const acc = accuracySpec(task, { threshold, numClasses });
  if (acc) {
    const a = value(acc.name, acc.options, preds);
    const b = value(acc.name, acc.options, predsB);
    const r = wm.mcnemarTest(
      correctness(preds, target, task === 'binary' ? threshold : null),
      correctness(predsB, target, task === 'binary' ? threshold : null),
    );
    // the per-row correctness must be the package's accuracy, or the test would be on other numbers
    if (Math.abs(r.accuracyA - a) > 1e-9 || Math.abs(r.accuracyB - b) > 1e-9) {
      throw new Error(
        `McNemar: the per-row correctness (${r.accuracyA}, ${r.accuracyB}) disagrees with ${acc.name} (${a}, ${b})`,
      );
    }
    tests.push({
      ...acc,
      a,
      b,
      test: 'mcnemar',
      label: `McNemar (${r.method === 'exact' ? 'exact binomial' : 'chi-square, continuity-corrected'}; ${r.onlyA} rows only A right, ${r.onlyB} only B right)`,
      fields: { difference: b - a, statistic: r.statistic, pValue: r.pValue },
    });
  }
  if (task === 'binary' && preds.shape.length === 1) {
    const a = value('BinaryAUROC', {}, preds);
    const b = value('BinaryAUROC', {}, predsB);
    const r = wm.delongTest(preds.data, predsB.data, target.data);
    tests.push({
      name: 'BinaryAUROC',
      options: {},
      a,
      b,
      test: 'delong',
      label: 'DeLong (two correlated AUROCs)',
      fields: {
        difference: r.difference,
        statistic: r.z,
        pValue: r.pValue,
        'interval.0': r.interval[0],
        'interval.1': r.interval[1],
      },
    });
  }
  if (focus) {
    const numBootstraps = bootstrapCount(n);
    const m = wm.createMetric(focus.name, focus.options);
    try {
      const r = wm.pairedBootstrap(m, [preds, target], [predsB, target], {
        numBootstraps,
        seed: BOOTSTRAP_SEED,
        onProgress: progress,
      });
      tests.push({
        ...focus,
        a: r.valueA,
        b: r.valueB,
        test: 'bootstrap',
        numBootstraps,
        label: `paired bootstrap (${numBootstraps} resamples, seed ${BOOTSTRAP_SEED}, 95% percentile interval)`,
        fields: {
          difference: r.difference,
          pValue: r.pValue,
          'interval.0': r.interval[0],
          'interval.1': r.interval[1],
        },
      });
    } finally {
      m.dispose();
    }
  }
  return { n, tests };
}
