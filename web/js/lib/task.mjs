// From parsed datasets to metric inputs: column roles, the task suggested by the data, class
// names, and the default metric choice. Pure functions, tested in Node (tests/js/web-lib.test.mjs).

import { rowPlace } from './table.mjs';

export const TASKS = ['binary', 'multiclass', 'multilabel', 'regression', 'segmentation'];

const ID_RE = /^(id|idx|index|key|name|file|filename|path|sample|sample_id|image|image_id|row)$/i;
// Target names: y, y_true, y_test, target(s), label(s), ... and prefixed/suffixed forms such as
// target_cat or cat_true. sklearn's prediction names (y_pred, y_score, y_prob, y_proba, y_hat)
// are predictions: the "y_" prefix alone says nothing.
const TARGET_RE =
  /^(targets?|labels?|y|y_?true|y_?test|y_?gt|y_?label|y_?target|true|truth|gt|ground_?truth|class|actual)$|^(target|true|gt|label)[_:.-]|[_:.-](true|target|gt|label)$/i;

/** Whether the values are exactly 0, 1, ..., n-1 (a pandas index). */
export function isRowIndex(values) {
  if (values.length < 2) return false;
  for (let i = 0; i < values.length; i++) if (values[i] !== i) return false;
  return true;
}

/**
 * 'id' | 'target' | 'pred' | 'ignore' for a column of the predictions file (targets file: see
 * collectColumns). `position` is the column's place in its table: an unnamed first column holding
 * 0..n-1 is the index pandas' to_csv() writes, a sample id.
 */
export function guessRole(column, position = -1) {
  if (ID_RE.test(column.name)) return 'id';
  if (position === 0 && column.unnamed && !column.categories && isRowIndex(column.values)) return 'id';
  if (TARGET_RE.test(column.name)) return 'target';
  if (column.categories) return column.categories.length === column.values.length ? 'id' : 'ignore';
  return 'pred';
}

/** A class name from a column name: p_cat, prob_cat, cat_prob, pred_cat -> cat; target_cat -> cat. */
export function className(columnName) {
  return columnName
    .replace(/^(p|prob|proba|probs|pred|preds|score|scores|logit|logits|target|true|gt|label|y)[_:.-](?=.)/i, '')
    .replace(/(?<=.)[_:.-](prob|proba|score|pred|true|target|gt|label)$/i, '');
}

// A column of a 1-D or 2-D array; `source` says where it came from (for "Copy as code").
function tensorColumns(t, file, base, source) {
  if (t.shape.length === 1)
    return [
      {
        name: base,
        values: Float64Array.from(t.data, Number),
        categories: null,
        file,
        source: { ...source, col: null },
      },
    ];
  const [n, c] = t.shape;
  return Array.from({ length: c }, (_, j) => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = Number(t.data[i * c + j]);
    return { name: `${base}_${j}`, values, categories: null, file, source: { ...source, col: j } };
  });
}

/** The key a column's role is remembered by when the user changes it. */
export const columnKey = (c) => `${c.file}\u0000${c.name}`;

/**
 * The columns (with a default role each) and the >= 3-D tensors of the two datasets. Every column
 * carries `source` (format, file, and the column's place in it) and its dataset (`ds`) for
 * messages naming lines.
 * @param preds a dataset from the parse worker (table | tensor | tensors), with `.name` the file name
 * @param target the targets file's dataset, or null when the predictions file has target columns
 * @param roles a Map of columnKey -> role the user chose (kept across re-runs)
 */
export function collectColumns(preds, target, roles = new Map()) {
  const columns = [];
  const tensors = {};
  const add = (ds, side) => {
    if (!ds) return;
    const base = {
      format: ds.format ?? 'csv',
      layout: ds.layout ?? null,
      file: ds.name,
      delimiter: ds.delimiter ?? ',',
      header: ds.header ?? false,
    };
    if (ds.kind === 'table') {
      ds.columns.forEach((c, j) => {
        let role = guessRole(c, j);
        if (side === 'target' && role === 'pred') role = 'target';
        columns.push({ ...c, file: ds.name, role, ds, source: { ...base, col: j, key: c.name } });
      });
    } else if (ds.kind === 'tensor') {
      if (ds.shape.length >= 3) tensors[side] = { ...ds, source: { ...base, col: null } };
      else for (const c of tensorColumns(ds, ds.name, side, base)) columns.push({ ...c, role: side, ds });
    } else if (ds.kind === 'tensors') {
      for (const [key, t] of Object.entries(ds.tensors)) {
        const role = TARGET_RE.test(key) ? 'target' : side;
        if (t.shape.length >= 3) tensors[role] = { ...t, name: ds.name, source: { ...base, key, col: null } };
        else
          for (const c of tensorColumns(t, ds.name, key, { ...base, key }))
            columns.push({ ...c, role: ID_RE.test(key) ? 'id' : role, ds });
      }
    }
  };
  add(preds, 'pred');
  add(target, 'target');
  for (const c of columns) c.role = roles.get(columnKey(c)) ?? c.role;
  return { columns, tensors };
}

const where = (c, row) => (c.ds?.kind === 'table' ? rowPlace(c.ds, row) : `row ${row}`);

/**
 * What the Data cell reports before anything is computed, for the prediction and target columns:
 * `errors` (bad cells by line and column: text in a numeric column, empty, NaN; a label column
 * with empty cells) and `warnings` (1-based labels, probability rows not summing to 1, score
 * columns that look like ids).
 */
export function checkColumns({ columns }) {
  const errors = [],
    warnings = [];
  const used = columns.filter((c) => c.role === 'pred' || c.role === 'target');
  for (const c of used) {
    const what = `column "${c.name}" (${c.file})`;
    const bad = [
      ...(c.badCells ?? []).map((b) => ({ ...b, why: `"${b.text}" is not a number` })),
      ...(c.missing ?? []).map((b) => ({ ...b, why: b.text === '' ? 'empty' : `${b.text} (not a number)` })),
    ];
    let count = (c.badCount ?? 0) + (c.missingCount ?? 0);
    if (!c.badCells) {
      // a column of an array (.npy, JSON): its NaN entries
      for (let i = 0; i < c.values.length; i++) {
        if (!Number.isNaN(c.values[i])) continue;
        if (bad.length < 20) bad.push({ row: i, why: 'NaN' });
        count++;
      }
    }
    if (count) {
      bad.sort((a, b) => a.row - b.row);
      errors.push(
        `${what}: ${count} bad cell${count === 1 ? '' : 's'}: ${bad
          .slice(0, 10)
          .map((b) => `${where(c, b.row)}: ${b.why}`)
          .join('; ')}${count > 10 ? '; …' : ''}`,
      );
    }
  }
  if (errors.length) return { errors, warnings };

  const pc = used.filter((c) => c.role === 'pred'),
    tc = used.filter((c) => c.role === 'target');
  const inUnit = (c) => {
    const [lo, hi] = range(c.values);
    return lo >= 0 && hi <= 1;
  };
  // score columns that look like ids: integers outside [0, 1], all different, beside probability columns
  if (pc.length > 1) {
    for (const c of pc) {
      if (c.categories || inUnit(c) || !isIntegral(c.values) || !pc.some((o) => o !== c && inUnit(o))) continue;
      if (new Set(c.values).size === c.values.length) {
        const [lo, hi] = range(c.values);
        warnings.push(
          `column "${c.name}" (${c.file}) holds distinct integers ${lo}..${hi} beside probability columns: it looks like a sample id, not a score; give it the role "sample id"`,
        );
      }
    }
  }
  if (tc.length === 1 && !tc[0].categories && pc.length > 1 && isIntegral(tc[0].values)) {
    const t = tc[0];
    const [tlo, thi] = range(t.values);
    const P = pc.length;
    if (tlo >= 1 && thi === P)
      warnings.push(
        `the labels of "${t.name}" run ${tlo}..${thi} with ${P} score columns: they look 1-based, and TorchMetrics counts classes from 0 (subtract 1 from the labels)`,
      );
    const scores = pc.filter((c) => !c.categories);
    if (scores.length === P && scores.every(inUnit)) {
      let off = 0,
        first = -1,
        firstSum = 0;
      const n = t.values.length;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (const c of scores) sum += c.values[i];
        if (Math.abs(sum - 1) > 1e-3) {
          if (first < 0) [first, firstSum] = [i, sum];
          off++;
        }
      }
      if (off)
        warnings.push(
          `${off} of ${n} rows of the ${P} score columns do not sum to 1 (${where(scores[0], first)} sums to ${+firstSum.toPrecision(6)}): they are not softmax probabilities; TorchMetrics uses such scores as they are`,
        );
    }
  }
  return { errors, warnings };
}

function isIntegral(values) {
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i])) return false;
  return true;
}
function range(values) {
  let lo = Infinity,
    hi = -Infinity;
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
    if (!tensors.pred || !tensors.target)
      throw new Error('segmentation needs a predictions and a targets array of masks ([N, H, W])');
    const n = tensors.target.shape[0];
    return {
      preds: { data: Float64Array.from(tensors.pred.data, Number), shape: tensors.pred.shape },
      target: { data: Float64Array.from(tensors.target.data, Number), shape: tensors.target.shape },
      ids: Array.from({ length: n }, (_, i) => `mask ${i}`),
      classNames: null,
      n,
    };
  }
  const pc = columns.filter((c) => c.role === 'pred');
  const tc = columns.filter((c) => c.role === 'target');
  const idc = columns.find((c) => c.role === 'id');
  if (pc.length === 0) throw new Error('no prediction column: give at least one column the role "prediction"');
  if (tc.length === 0) throw new Error('no target column: add a targets file, or give a column the role "target"');
  const n = pc[0].values.length;
  const other = [...pc, ...tc].find((c) => c.values.length !== n);
  if (other)
    throw new Error(
      `"${other.name}" (${other.file}) has ${other.values.length} rows but "${pc[0].name}" (${pc[0].file}) has ${n}`,
    );
  const textPred = pc.find((c) => c.categories);
  if (textPred && pc.length > 1)
    throw new Error(`prediction column "${textPred.name}" holds text; score columns must be numbers`);

  let classNames = null;
  if (pc.length > 1 && tc.length === 1) classNames = pc.map((c) => className(c.name));
  else if (tc.length > 1) classNames = tc.map((c) => className(c.name));

  // Text labels -> class indices.
  const encode = (c) => {
    if (!c.categories) return c.values;
    const cats = c.categories;
    let index;
    const lower = classNames?.map((s) => s.toLowerCase());
    if (lower && cats.every((s) => lower.includes(s.toLowerCase())))
      index = cats.map((s) => lower.indexOf(s.toLowerCase()));
    else {
      classNames ??= [...cats].sort();
      const names = classNames;
      if (!cats.every((s) => names.includes(s)))
        throw new Error(
          `"${c.name}" holds labels (${cats.slice(0, 3).join(', ')}…) that are not the class names ${names.join(', ')}`,
        );
      index = cats.map((s) => names.indexOf(s));
    }
    c.labelIndex = Object.fromEntries(cats.map((s, k) => [s, index[k]])); // for "Copy as code"
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
  const ids = idc
    ? idc.categories
      ? Array.from(idc.values, (k) => idc.categories[k])
      : Array.from(idc.values, String)
    : null;
  return {
    preds: stack(pc),
    target: stack(tc),
    ids,
    classNames,
    n,
    predNames: pc.map((c) => c.name),
    targetNames: tc.map((c) => c.name),
  };
}

/** The task the inputs look like, with its sizes and a one-line reason. */
export function suggestTask(inputs) {
  const { preds, target } = inputs;
  const p = preds.shape,
    t = target.shape;
  if (t.length >= 3 || p.length >= 3) {
    const sameShape = p.length === t.length && p.every((d, i) => d === t[i]);
    const [, hi] = range(target.data);
    const [, phi] = range(preds.data);
    const scores = p.length === t.length + 1;
    if (!sameShape && !scores) throw new Error(`predictions [${p}] and targets [${t}] do not match as masks`);
    return {
      task: 'segmentation',
      numClasses: Math.max(2, scores ? p[1] : Math.max(hi, phi) + 1),
      reason: `masks: targets of shape [${t}]`,
    };
  }
  const P = p.length === 2 ? p[1] : 1,
    T = t.length === 2 ? t[1] : 1;
  const tInt = isIntegral(target.data);
  const [tlo, thi] = range(target.data);
  const [plo, phi] = range(preds.data);
  if (T === 1 && P > 1) {
    if (!tInt) throw new Error(`the target column holds fractional values but there are ${P} score columns`);
    if (tlo < 0 || thi >= P) {
      const oneBased = tlo >= 1 && thi === P ? ' (they look 1-based: subtract 1)' : '';
      throw new Error(
        `the target labels run ${tlo}..${thi} but ${P} score columns mean classes 0..${P - 1}${oneBased}`,
      );
    }
    return { task: 'multiclass', numClasses: P, reason: `${P} score columns and one integer target` };
  }
  if (T === 1 && P === 1) {
    const pInt = isIntegral(preds.data);
    if (tInt && tlo >= 0 && thi <= 1 && (pInt ? phi <= 1 && plo >= 0 : true)) {
      return {
        task: 'binary',
        reason: pInt ? 'targets and predictions are 0/1' : 'targets are 0/1 and predictions are scores',
      };
    }
    if (tInt && pInt && tlo >= 0 && plo >= 0 && thi < 1000) {
      return {
        task: 'multiclass',
        numClasses: Math.max(2, Math.max(thi, phi) + 1),
        reason: 'integer class labels on both sides',
      };
    }
    return {
      task: 'regression',
      numOutputs: 1,
      reason: tInt ? 'integer targets with real-valued predictions' : 'real-valued targets',
    };
  }
  if (P !== T) throw new Error(`${P} prediction columns but ${T} target columns`);
  if (tInt && tlo >= 0 && thi <= 1) return { task: 'multilabel', numLabels: T, reason: `${T} target columns of 0/1` };
  return { task: 'regression', numOutputs: T, reason: `${T} real-valued target columns` };
}

const DEFAULTS = {
  binary: [
    'BinaryAccuracy',
    'BinaryPrecision',
    'BinaryRecall',
    'BinaryF1Score',
    'BinaryMatthewsCorrCoef',
    'BinaryAUROC',
    'BinaryAveragePrecision',
  ],
  multiclass: [
    'MulticlassAccuracy',
    'MulticlassPrecision',
    'MulticlassRecall',
    'MulticlassF1Score',
    'MulticlassCohenKappa',
    'MulticlassAUROC',
  ],
  multilabel: [
    'MultilabelAccuracy',
    'MultilabelPrecision',
    'MultilabelRecall',
    'MultilabelF1Score',
    'MultilabelHammingDistance',
    'MultilabelExactMatch',
  ],
  regression: [
    'MeanSquaredError',
    'MeanAbsoluteError',
    'MeanAbsolutePercentageError',
    'R2Score',
    'PearsonCorrCoef',
    'SpearmanCorrCoef',
  ],
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
    if (fmt.choices?.includes('index') && inputs.preds.shape.length === inputs.target.shape.length)
      out.inputFormat = 'index';
  }
  return out;
}
