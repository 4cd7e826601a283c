// From parsed datasets to metric inputs: column roles, the task suggested by the data, class
// names, and the default metric choice. Pure functions, tested in Node (tests/js/web-lib.test.mjs).

export const TASKS = ['binary', 'multiclass', 'multilabel', 'regression', 'segmentation'];

const ID_RE = /^(id|idx|index|key|name|file|filename|path|sample|sample_id|image|image_id|row)$/i;
const TARGET_RE = /^(targets?|labels?|y|y_?true|true|truth|gt|ground_?truth|class|actual)$|^(target|true|gt|label|y)[_:.\-]|[_:.\-](true|target|gt|label)$/i;

/** 'id' | 'target' | 'pred' | 'ignore' for a column of the predictions file (targets file: see collectColumns). */
export function guessRole(column) {
  if (ID_RE.test(column.name)) return 'id';
  if (TARGET_RE.test(column.name)) return 'target';
  if (column.categories) return column.categories.length === column.values.length ? 'id' : 'ignore';
  return 'pred';
}

/** A class name from a column name: p_cat, prob_cat, cat_prob, pred_cat -> cat; target_cat -> cat. */
export function className(columnName) {
  return columnName
    .replace(/^(p|prob|proba|probs|pred|preds|score|scores|logit|logits|target|true|gt|label|y)[_:.\-](?=.)/i, '')
    .replace(/(?<=.)[_:.\-](prob|proba|score|pred|true|target|gt|label)$/i, '');
}

function tensorColumns(t, file, base) {
  if (t.shape.length === 1) return [{ name: base, values: Float64Array.from(t.data, Number), categories: null, file }];
  const [n, c] = t.shape;
  return Array.from({ length: c }, (_, j) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = Number(t.data[i * c + j]);
    return { name: `${base}_${j}`, values, categories: null, file };
  });
}

/**
 * The columns (with a default role each) and the >= 3-D tensors of the two datasets.
 * @param preds a dataset from the parse worker (table | tensor | tensors), with `.name` the file name
 * @param target the targets file's dataset, or null when the predictions file has target columns
 */
export function collectColumns(preds, target) {
  const columns = [];
  const tensors = {};
  const add = (ds, side) => {
    if (!ds) return;
    if (ds.kind === 'table') {
      for (const c of ds.columns) {
        let role = guessRole(c);
        if (side === 'target' && role === 'pred') role = 'target';
        columns.push({ ...c, file: ds.name, role });
      }
    } else if (ds.kind === 'tensor') {
      if (ds.shape.length >= 3) tensors[side] = ds;
      else for (const c of tensorColumns(ds, ds.name, side)) columns.push({ ...c, role: side });
    } else if (ds.kind === 'tensors') {
      for (const [key, t] of Object.entries(ds.tensors)) {
        const role = TARGET_RE.test(key) ? 'target' : side;
        if (t.shape.length >= 3) tensors[role] = { ...t, name: ds.name };
        else for (const c of tensorColumns(t, ds.name, key)) columns.push({ ...c, role: ID_RE.test(key) ? 'id' : role });
      }
    }
  };
  add(preds, 'pred');
  add(target, 'target');
  return { columns, tensors };
}

function isIntegral(values) {
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i])) return false;
  return true;
}
function range(values) {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * The metric inputs for the columns' roles: preds [N] or [N, P], target [N] or [N, T], the ids,
 * and the class names; target text labels are mapped to class indices (by the predictions'
 * column names when they match, else in sorted order).
 */
export function buildInputs({ columns, tensors }) {
  if (tensors.pred || tensors.target) {
    if (!tensors.pred || !tensors.target) throw new Error('segmentation needs a predictions and a targets array of masks ([N, H, W])');
    const n = tensors.target.shape[0];
    return { preds: { data: Float64Array.from(tensors.pred.data, Number), shape: tensors.pred.shape }, target: { data: Float64Array.from(tensors.target.data, Number), shape: tensors.target.shape },
      ids: Array.from({ length: n }, (_, i) => `mask ${i}`), classNames: null, n };
  }
  const pc = columns.filter((c) => c.role === 'pred');
  const tc = columns.filter((c) => c.role === 'target');
  const idc = columns.find((c) => c.role === 'id');
  if (pc.length === 0) throw new Error('no prediction column: give at least one column the role "prediction"');
  if (tc.length === 0) throw new Error('no target column: add a targets file, or give a column the role "target"');
  const n = pc[0].values.length;
  const other = [...pc, ...tc].find((c) => c.values.length !== n);
  if (other) throw new Error(`"${other.name}" (${other.file}) has ${other.values.length} rows but "${pc[0].name}" (${pc[0].file}) has ${n}`);
  const textPred = pc.find((c) => c.categories);
  if (textPred && pc.length > 1) throw new Error(`prediction column "${textPred.name}" holds text; score columns must be numbers`);

  let classNames = null;
  if (pc.length > 1 && tc.length === 1) classNames = pc.map((c) => className(c.name));
  else if (tc.length > 1) classNames = tc.map((c) => className(c.name));

  // Text labels -> class indices.
  const encode = (c) => {
    if (!c.categories) return c.values;
    const cats = c.categories;
    let index;
    const lower = classNames?.map((s) => s.toLowerCase());
    if (lower && cats.every((s) => lower.includes(s.toLowerCase()))) index = cats.map((s) => lower.indexOf(s.toLowerCase()));
    else {
      classNames ??= [...cats].sort();
      const names = classNames;
      if (!cats.every((s) => names.includes(s))) throw new Error(`"${c.name}" holds labels (${cats.slice(0, 3).join(', ')}…) that are not the class names ${names.join(', ')}`);
      index = cats.map((s) => names.indexOf(s));
    }
    return c.values.map((code) => index[code]);
  };
  const textCols = [...pc, ...tc].filter((c) => c.categories);
  if (textCols.length && !classNames) classNames = [...new Set(textCols.flatMap((c) => c.categories))].sort();

  const stack = (cols) => {
    if (cols.length === 1) return { data: Float64Array.from(encode(cols[0])), shape: [n] };
    const data = new Float64Array(n * cols.length);
    cols.forEach((c, j) => {
      const v = encode(c);
      for (let i = 0; i < n; i++) data[i * cols.length + j] = v[i];
    });
    return { data, shape: [n, cols.length] };
  };
  const ids = idc ? (idc.categories ? Array.from(idc.values, (k) => idc.categories[k]) : Array.from(idc.values, String)) : null;
  return { preds: stack(pc), target: stack(tc), ids, classNames, n, predNames: pc.map((c) => c.name), targetNames: tc.map((c) => c.name) };
}

/** The task the inputs look like, with its sizes and a one-line reason. */
export function suggestTask(inputs) {
  const { preds, target } = inputs;
  const p = preds.shape, t = target.shape;
  if (t.length >= 3 || p.length >= 3) {
    const sameShape = p.length === t.length && p.every((d, i) => d === t[i]);
    const [, hi] = range(target.data);
    const [, phi] = range(preds.data);
    const scores = p.length === t.length + 1;
    if (!sameShape && !scores) throw new Error(`predictions [${p}] and targets [${t}] do not match as masks`);
    return { task: 'segmentation', numClasses: Math.max(2, scores ? p[1] : Math.max(hi, phi) + 1), reason: `masks: targets of shape [${t}]` };
  }
  const P = p.length === 2 ? p[1] : 1, T = t.length === 2 ? t[1] : 1;
  const tInt = isIntegral(target.data);
  const [tlo, thi] = range(target.data);
  const [plo, phi] = range(preds.data);
  if (T === 1 && P > 1) {
    if (!tInt) throw new Error(`the target column holds fractional values but there are ${P} score columns`);
    return { task: 'multiclass', numClasses: Math.max(P, thi + 1), reason: `${P} score columns and one integer target` };
  }
  if (T === 1 && P === 1) {
    const pInt = isIntegral(preds.data);
    if (tInt && tlo >= 0 && thi <= 1 && (pInt ? phi <= 1 && plo >= 0 : true)) {
      return { task: 'binary', reason: pInt ? 'targets and predictions are 0/1' : 'targets are 0/1 and predictions are scores' };
    }
    if (tInt && pInt && tlo >= 0 && plo >= 0 && thi < 1000) {
      return { task: 'multiclass', numClasses: Math.max(2, Math.max(thi, phi) + 1), reason: 'integer class labels on both sides' };
    }
    return { task: 'regression', numOutputs: 1, reason: tInt ? 'integer targets with real-valued predictions' : 'real-valued targets' };
  }
  if (P !== T) throw new Error(`${P} prediction columns but ${T} target columns`);
  if (tInt && tlo >= 0 && thi <= 1) return { task: 'multilabel', numLabels: T, reason: `${T} target columns of 0/1` };
  return { task: 'regression', numOutputs: T, reason: `${T} real-valued target columns` };
}

const DEFAULTS = {
  binary: ['BinaryAccuracy', 'BinaryPrecision', 'BinaryRecall', 'BinaryF1Score', 'BinaryMatthewsCorrCoef', 'BinaryAUROC', 'BinaryAveragePrecision'],
  multiclass: ['MulticlassAccuracy', 'MulticlassPrecision', 'MulticlassRecall', 'MulticlassF1Score', 'MulticlassCohenKappa', 'MulticlassAUROC'],
  multilabel: ['MultilabelAccuracy', 'MultilabelPrecision', 'MultilabelRecall', 'MultilabelF1Score', 'MultilabelHammingDistance', 'MultilabelExactMatch'],
  regression: ['MeanSquaredError', 'MeanAbsoluteError', 'MeanAbsolutePercentageError', 'R2Score', 'PearsonCorrCoef', 'SpearmanCorrCoef'],
  segmentation: ['MeanIoU', 'DiceScore', 'MulticlassAccuracy', 'MulticlassJaccardIndex'],
};

/** The registry's metrics that fit a task (by name prefix or family), and which are checked by default. */
export function metricsForTask(registry, task) {
  const fits = (m) => {
    if (task === 'binary') return m.name.startsWith('Binary');
    if (task === 'multiclass') return m.name.startsWith('Multiclass');
    if (task === 'multilabel') return m.name.startsWith('Multilabel');
    if (task === 'regression') return m.family === 'regression';
    if (task === 'segmentation') return m.family === 'segmentation' || m.name.startsWith('Multiclass');
    return false;
  };
  const list = registry.filter(fits).filter((m) => m.name !== 'HausdorffDistance' || task === 'segmentation');
  const names = new Set(list.map((m) => m.name));
  return { list, checked: DEFAULTS[task].filter((n) => names.has(n)) };
}

/** Option values the data decide (numClasses, numLabels, numOutputs, inputFormat...) for a metric's schema. */
export function dataOptions(spec, suggestion, inputs) {
  const out = {};
  const has = (n) => spec.options.some((o) => o.name === n);
  if (has('numClasses') && suggestion.numClasses) out.numClasses = suggestion.numClasses;
  if (has('numLabels') && suggestion.numLabels) out.numLabels = suggestion.numLabels;
  if (has('numOutputs') && suggestion.numOutputs > 1) out.numOutputs = suggestion.numOutputs;
  if (has('inputFormat') && suggestion.task === 'segmentation') {
    const fmt = spec.options.find((o) => o.name === 'inputFormat');
    if (fmt.choices?.includes('index') && inputs.preds.shape.length === inputs.target.shape.length) out.inputFormat = 'index';
  }
  return out;
}
