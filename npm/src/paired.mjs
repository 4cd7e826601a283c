// Is model B better than model A on the same rows? Paired tests over two models' predictions:
// McNemar's test (accuracy-type: which rows each model gets right), DeLong's test for two
// correlated binary AUROCs (Sun & Xu 2014's O(n log n) midrank algorithm) and a seeded paired
// bootstrap for any metric. Plain JS: each is one pass (or one sort) over the rows, run once per
// comparison; the bootstrap's metric values come from the package's own metrics.
import { binomialHalfCdf, chi2Sf, normalQuantile, normalSf } from './distributions.mjs';
import { emptyCopy, requireMetricLike } from './common.mjs';
import { Tensor } from './tensor.mjs';
import { Rng, quantileOf, rowCount, takeRows } from './resample.mjs';

// Below this many discordant pairs, mcnemarTest's exact: 'auto' uses the exact binomial test
// (the usual rule of thumb: the chi-square approximation is poor for b + c < 25).
const EXACT_BELOW = 25;

function flags(values, what, where) {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values))
    throw new TypeError(`${where}: \`${what}\` must be an array of booleans or 0/1 (one per row)`);
  return Array.from(values, (v, i) => {
    if (v === true || v === 1 || v === 1n) return true;
    if (v === false || v === 0 || v === 0n) return false;
    throw new RangeError(
      `${where}: \`${what}\`[${i}] is ${String(v)}; expected a boolean or 0/1 (whether the model got the row right)`,
    );
  });
}

const isTable = (t) =>
  Array.isArray(t) && t.length === 2 && t.every((r) => (Array.isArray(r) || ArrayBuffer.isView(r)) && r.length === 2);

/**
 * McNemar's test on paired correctness, with statsmodels' conventions (`mcnemar(table, exact,
 * correction)`). Give either two per-row arrays, `correctA` and `correctB` (booleans or 0/1:
 * whether each model got the row right), or the 2x2 table `[[both right, only A right], [only B
 * right, both wrong]]`. Options: `exact` (true: the binomial test, statistic = min(b, c), p =
 * min(1, 2 P(K <= statistic)), K ~ Bin(b + c, 1/2); false: chi-square with 1 degree of freedom,
 * statistic = (|b - c| - 1)^2 / (b + c) with `correction` (default true), (b - c)^2 / (b + c)
 * without; 'auto' (default): exact when b + c < 25). b and c are the discordant counts (only A
 * right, only B right). Without discordant pairs the exact p-value is 1 and the chi-square one NaN.
 */
export function mcnemarTest(first, second, options) {
  const where = 'mcnemarTest';
  let table;
  let opts = options;
  if (
    isTable(first) &&
    (second === undefined ||
      (second !== null && typeof second === 'object' && !Array.isArray(second) && !ArrayBuffer.isView(second)))
  ) {
    opts = second;
    table = first.map((r) => Array.from(r, Number));
    if (!table.flat().every((v) => Number.isSafeInteger(v) && v >= 0))
      throw new RangeError(`${where}: the table must hold non-negative integer counts, got ${JSON.stringify(table)}`);
  } else {
    const a = flags(first, 'correctA', where);
    const b = flags(second, 'correctB', where);
    if (a.length !== b.length)
      throw new RangeError(
        `${where}: correctA has ${a.length} rows and correctB ${b.length}; the two models must be scored on the same rows`,
      );
    table = [
      [0, 0],
      [0, 0],
    ];
    for (let i = 0; i < a.length; i++) table[a[i] ? 0 : 1][b[i] ? 0 : 1]++;
  }
  const { exact = 'auto', correction = true } = opts ?? {};
  if (exact !== true && exact !== false && exact !== 'auto')
    throw new TypeError(`${where}: exact must be true, false or 'auto', got ${String(exact)}`);
  if (typeof correction !== 'boolean')
    throw new TypeError(`${where}: correction must be a boolean, got ${String(correction)}`);
  const onlyA = table[0][1];
  const onlyB = table[1][0];
  const discordant = onlyA + onlyB;
  const useExact = exact === 'auto' ? discordant < EXACT_BELOW : exact;
  const n = table.flat().reduce((s, v) => s + v, 0);
  const base = {
    table,
    onlyA,
    onlyB,
    n,
    accuracyA: n === 0 ? NaN : (table[0][0] + onlyA) / n,
    accuracyB: n === 0 ? NaN : (table[0][0] + onlyB) / n,
  };
  if (useExact) {
    const statistic = Math.min(onlyA, onlyB);
    return { ...base, method: 'exact', statistic, pValue: Math.min(1, 2 * binomialHalfCdf(statistic, discordant)) };
  }
  // no discordant pair: 0/0 (statsmodels gives NaN without the correction, an absurd Infinity, p 0, with it)
  const statistic = discordant === 0 ? NaN : (Math.abs(onlyA - onlyB) - (correction ? 1 : 0)) ** 2 / discordant;
  return { ...base, method: correction ? 'chi2-corrected' : 'chi2', statistic, pValue: chi2Sf(statistic, 1) };
}

function numbers(values, what, where) {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values))
    throw new TypeError(`${where}: \`${what}\` must be an array of numbers (one per row)`);
  const out = Float64Array.from(values, Number);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw new RangeError(`${where}: \`${what}\`[${bad}] is ${String(values[bad])}; scores must be finite numbers`);
  return out;
}

// Midranks (1-based, ties get the mean of their ranks) of `x`, by one sort.
function midranks(x) {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    const rank = (i + j + 1) / 2; // mean of ranks i+1 .. j
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

// AUC and the structural components (placement values) of one score vector, Sun & Xu 2014.
function placements(scores, positive) {
  const pos = [];
  const neg = [];
  scores.forEach((s, i) => (positive[i] ? pos : neg).push(s));
  const m = pos.length;
  const n = neg.length;
  const tz = midranks(Float64Array.from([...pos, ...neg]));
  const tx = midranks(Float64Array.from(pos));
  const ty = midranks(Float64Array.from(neg));
  const v10 = Float64Array.from(tx, (r, i) => (tz[i] - r) / n);
  const v01 = Float64Array.from(ty, (r, j) => 1 - (tz[m + j] - r) / m);
  const auc = v10.reduce((s, v) => s + v, 0) / m;
  return { auc, v10, v01 };
}

const covariance = (x, y) => {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (x.length - 1);
};

/**
 * DeLong's test for the difference of two correlated binary AUROCs (the same rows scored by two
 * models), with Sun & Xu (2014)'s O(n log n) algorithm: midranks of each model's scores among
 * the positives, the negatives and all rows give the placement values, whose covariances give the
 * AUCs' variances and covariance. Higher scores mean positive (ties count one half, as AUROC).
 * `target` is 0/1 (or booleans). Returns {aucA, aucB, difference: aucB - aucA, varianceA,
 * varianceB, covariance, variance (of the difference), z, pValue (two-sided), interval: [lo, hi]
 * (the normal interval of the difference at 1 - alpha), alpha, positives, negatives}. Needs at
 * least 2 positive and 2 negative rows. When the difference's variance is 0: z is 0 and p 1 if
 * the AUCs are equal, else z is ±Infinity and p 0.
 */
export function delongTest(scoresA, scoresB, target, { alpha = 0.05 } = {}) {
  const where = 'delongTest';
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`${where}: alpha must be in (0, 1), got ${alpha}`);
  const a = numbers(scoresA, 'scoresA', where);
  const b = numbers(scoresB, 'scoresB', where);
  const positive = flags(target, 'target', where);
  if (a.length !== b.length || a.length !== positive.length) {
    throw new RangeError(
      `${where}: scoresA has ${a.length} rows, scoresB ${b.length} and target ${positive.length}; the two models must be scored on the same rows`,
    );
  }
  const m = positive.filter(Boolean).length;
  const n = positive.length - m;
  if (m < 2 || n < 2)
    throw new RangeError(
      `${where}: needs at least 2 positive and 2 negative rows, got ${m} positive and ${n} negative`,
    );
  const A = placements(a, positive);
  const B = placements(b, positive);
  const varianceA = covariance(A.v10, A.v10) / m + covariance(A.v01, A.v01) / n;
  const varianceB = covariance(B.v10, B.v10) / m + covariance(B.v01, B.v01) / n;
  const cov = covariance(A.v10, B.v10) / m + covariance(A.v01, B.v01) / n;
  const variance = Math.max(0, varianceA + varianceB - 2 * cov);
  const difference = B.auc - A.auc;
  let z;
  if (variance === 0) z = difference === 0 ? 0 : Math.sign(difference) * Infinity;
  else z = difference / Math.sqrt(variance);
  const pValue = Number.isFinite(z) ? 2 * normalSf(Math.abs(z)) : 0;
  const half = normalQuantile(1 - alpha / 2) * Math.sqrt(variance);
  return {
    aucA: A.auc,
    aucB: B.auc,
    difference,
    varianceA,
    varianceB,
    covariance: cov,
    variance,
    z,
    pValue,
    interval: [difference - half, difference + half],
    alpha,
    positives: m,
    negatives: n,
  };
}

const MAX_BOOTSTRAPS = 100_000;

function scalarOf(value, select, where) {
  const v = select === null ? value : select(value);
  if (typeof v === 'number') return v;
  if (v instanceof Tensor && v.size === 1) return v.data[0];
  throw new TypeError(
    `${where}: the metric's value must be a number (give \`select\` to pick one from ${v instanceof Tensor ? `a Tensor of shape [${v.shape}]` : 'named results'})`,
  );
}

/**
 * A paired bootstrap of `metric` for two models on the same rows: `inputsA` and `inputsB` are the
 * update() arguments for each model (e.g. [predsA, target] and [predsB, target]); each of
 * `numBootstraps` resamples draws n row indices with replacement (one draw for both models: the
 * pairing) from a seeded generator (xoshiro128**, as BootStrapper's). `metric` is a template (an
 * empty copy does the work; it stays the caller's); `select` picks a number from a non-scalar
 * value. Returns {valueA, valueB, difference: valueB - valueA on all rows, interval: [lo, hi] (the
 * percentile interval of the resampled differences at 1 - alpha, interpolated as torch.quantile),
 * standardError (their standard deviation), pValue (two-sided: min(1, 2 min(1 + #{d <= 0}, 1 +
 * #{d >= 0}) / (B + 1)) over the B finite differences), numBootstraps, dropped (resamples whose
 * difference was not finite, e.g. a class missing), seed, alpha}. `onProgress(done, total)` is
 * called after each resample (a long bootstrap in a worker can report how far it is).
 */
export function pairedBootstrap(
  metric,
  inputsA,
  inputsB,
  { numBootstraps = 1000, seed = 0, alpha = 0.05, select = null, onProgress = null } = {},
) {
  const where = 'pairedBootstrap';
  requireMetricLike(metric, where);
  if (!Array.isArray(inputsA) || !Array.isArray(inputsB))
    throw new TypeError(`${where}: inputsA and inputsB must be arrays of update() arguments, e.g. [preds, target]`);
  if (!Number.isSafeInteger(numBootstraps) || numBootstraps < 1 || numBootstraps > MAX_BOOTSTRAPS) {
    throw new RangeError(
      `${where}: numBootstraps must be an integer from 1 to ${MAX_BOOTSTRAPS}, got ${numBootstraps}`,
    );
  }
  if (!Number.isSafeInteger(seed)) throw new TypeError(`${where}: seed must be an integer, got ${seed}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`${where}: alpha must be in (0, 1), got ${alpha}`);
  if (select !== null && typeof select !== 'function')
    throw new TypeError(`${where}: select must be a function from the metric's value to a number`);
  if (onProgress !== null && typeof onProgress !== 'function')
    throw new TypeError(`${where}: onProgress must be a function (done, total)`);
  const counts = [...inputsA, ...inputsB].map((x, i) => rowCount(x, `${where}: input ${i}`)).filter((c) => c !== null);
  const n = counts[0];
  if (n === undefined || counts.some((c) => c !== n))
    throw new RangeError(`${where}: every input must have the same number of rows (dim 0), got ${counts.join(', ')}`);
  if (n === 0) throw new RangeError(`${where}: no rows to resample`);
  const copy = emptyCopy(metric);
  try {
    const valueOn = (inputs) => {
      copy.reset();
      copy.update(...inputs);
      return scalarOf(copy.compute(), select, where);
    };
    const valueA = valueOn(inputsA);
    const valueB = valueOn(inputsB);
    const rng = new Rng(seed);
    const differences = [];
    const index = new Array(n);
    for (let r = 0; r < numBootstraps; r++) {
      for (let i = 0; i < n; i++) index[i] = Math.floor(rng.uniform() * n);
      const take = (inputs) => inputs.map((x, k) => takeRows(x, index, n, `${where}: input ${k}`));
      const d = valueOn(take(inputsB)) - valueOn(take(inputsA));
      if (Number.isFinite(d)) differences.push(d);
      onProgress?.(r + 1, numBootstraps);
    }
    const B = differences.length;
    const dropped = numBootstraps - B;
    if (B === 0)
      throw new Error(
        `${where}: no resample gave a finite difference (${dropped} dropped); is a class missing from the rows?`,
      );
    differences.sort((x, y) => x - y);
    const mean = differences.reduce((s, v) => s + v, 0) / B;
    const standardError = B > 1 ? Math.sqrt(differences.reduce((s, v) => s + (v - mean) ** 2, 0) / (B - 1)) : NaN;
    const atMost0 = differences.filter((v) => v <= 0).length;
    const atLeast0 = differences.filter((v) => v >= 0).length;
    return {
      valueA,
      valueB,
      difference: valueB - valueA,
      interval: [quantileOf(differences, alpha / 2), quantileOf(differences, 1 - alpha / 2)],
      standardError,
      pValue: Math.min(1, (2 * Math.min(1 + atMost0, 1 + atLeast0)) / (B + 1)),
      numBootstraps,
      dropped,
      seed,
      alpha,
    };
  } finally {
    copy.dispose();
  }
}
