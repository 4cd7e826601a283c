// ---- Sliced evaluation and paired model comparison ---------------------------------------------
// (appended by npm/scripts/build.mjs from npm/src/sliced.d.ts: src/sliced.mjs, src/paired.mjs)

/** A slice key: an integer or a string (1 and '1' are different slices). */
export type SliceKey = number | string;

/** Slice keys of a batch, one per row. */
export type SliceKeys =
  | readonly SliceKey[]
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float64Array
  | BigInt64Array
  | { data: ArrayBufferView; shape?: readonly number[] };

/** Options of {@link SlicedMetric}. */
export interface SlicedMetricOptions {
  /** Keys reported even with no row (value null, count 0); kept by reset(). @defaultValue [] */
  keys?: readonly SliceKey[];
  /** At most this many slices (1 to 100,000); a batch or merge making more is refused. @defaultValue 1000 */
  maxSlices?: number;
}

/** One slice's value: `value` is null when the slice has no row. */
export interface SliceValue<V = MetricResult> {
  key: SliceKey;
  value: V | null;
  /** Rows the slice received. */
  count: number;
}

/** compute() of a SlicedMetric: slices sorted by key, ints first. */
export interface SlicedResult<V = MetricResult> {
  overall: V;
  slices: SliceValue<V>[];
}

/**
 * Per-slice values of a metric or collection plus the overall value: `update(...inputs,
 * sliceKeys)` routes each row (dim 0 of every input) to its slice, in one pass. Owns `metric` (the
 * overall metric: give a fresh one); every slice is an empty copy of it. Mergeable (shards with
 * different slices), saveable as one blob; a refused update changes nothing and creates no slice.
 * @example
 * const m = new SlicedMetric(new BinaryAccuracy());
 * m.update(preds, target, ['web', 'scan', 'web', ...]);
 * m.compute(); // {overall: 0.8, slices: [{key: 'scan', value: 0.75, count: 40}, ...]}
 */
export declare class SlicedMetric<V = MetricResult> extends JsMetric<SlicedResult<V>, SlicedMetric<V>> {
  constructor(metric: MetricLike, options?: SlicedMetricOptions);
  /** The overall metric (every row). */
  readonly metric: MetricLike;
  readonly maxSlices: number;
  /** The keys seen or declared, sorted (ints first). */
  readonly keys: SliceKey[];
  /** The metric's update() inputs, then the slice keys (one per row). */
  update(...inputsThenKeys: any[]): void;
  /** The batch's own values (only its slices); the batch is accumulated too. */
  forward(...inputsThenKeys: any[]): SlicedResult<V>;
  /** Empties every slice; slices not declared with `keys` are dropped. */
  reset(): void;
  clone(): SlicedMetric<V>;
}

/** Options of {@link mcnemarTest}. */
export interface McNemarOptions {
  /** true: exact binomial test; false: chi-square (1 df); 'auto': exact below 25 discordant rows. @defaultValue 'auto' */
  exact?: boolean | 'auto';
  /** Continuity correction of the chi-square statistic. @defaultValue true */
  correction?: boolean;
}

/** What {@link mcnemarTest} returns. */
export interface McNemarResult {
  /** [[both right, only A right], [only B right, both wrong]]. */
  table: [[number, number], [number, number]];
  onlyA: number;
  onlyB: number;
  n: number;
  accuracyA: number;
  accuracyB: number;
  method: 'exact' | 'chi2' | 'chi2-corrected';
  /** min(onlyA, onlyB) (exact) or the chi-square statistic. */
  statistic: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * McNemar's test, statsmodels' conventions: per-row correctness of two models on the same rows
 * (booleans or 0/1), or the 2x2 table [[both right, only A right], [only B right, both wrong]].
 */
export declare function mcnemarTest(
  correctA: ArrayLike<boolean | number>,
  correctB: ArrayLike<boolean | number>,
  options?: McNemarOptions,
): McNemarResult;
export declare function mcnemarTest(table: readonly (readonly number[])[], options?: McNemarOptions): McNemarResult;

/** What {@link delongTest} returns; difference = aucB - aucA. */
export interface DeLongResult {
  aucA: number;
  aucB: number;
  difference: number;
  varianceA: number;
  varianceB: number;
  covariance: number;
  /** Variance of the difference. */
  variance: number;
  z: number;
  /** Two-sided. */
  pValue: number;
  /** Normal interval of the difference at 1 - alpha. */
  interval: [number, number];
  alpha: number;
  positives: number;
  negatives: number;
}

/**
 * DeLong's test for two correlated binary AUROCs (Sun & Xu 2014's O(n log n) algorithm): the same
 * rows scored by two models, target 0/1. Needs at least 2 positive and 2 negative rows.
 */
export declare function delongTest(
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  target: ArrayLike<boolean | number>,
  options?: { alpha?: number },
): DeLongResult;

/** Options of {@link pairedBootstrap}. */
export interface PairedBootstrapOptions {
  /** Resamples, 1 to 100,000. @defaultValue 1000 */
  numBootstraps?: number;
  /** Seed of the generator (xoshiro128**). @defaultValue 0 */
  seed?: number;
  /** The interval covers 1 - alpha. @defaultValue 0.05 */
  alpha?: number;
  /** Picks a number from a non-scalar value (a Tensor, a collection's object). */
  select?: ((value: any) => number) | null;
  /** Called after each resample with the resamples done and numBootstraps. */
  onProgress?: ((done: number, total: number) => void) | null;
}

/** What {@link pairedBootstrap} returns; difference = valueB - valueA. */
export interface PairedBootstrapResult {
  valueA: number;
  valueB: number;
  difference: number;
  /** Percentile interval of the resampled differences. */
  interval: [number, number];
  standardError: number;
  /** Two-sided: min(1, 2 min(1 + #{d <= 0}, 1 + #{d >= 0}) / (B + 1)). */
  pValue: number;
  numBootstraps: number;
  /** Resamples whose difference was not finite (left out). */
  dropped: number;
  seed: number;
  alpha: number;
}

/**
 * A seeded paired bootstrap of any metric for two models on the same rows: `inputsA`/`inputsB` are
 * each model's update() arguments, e.g. [predsA, target] and [predsB, target]; both are resampled
 * with the same row indices. `metric` is a template and stays the caller's.
 */
export declare function pairedBootstrap(
  metric: MetricLike,
  inputsA: readonly any[],
  inputsB: readonly any[],
  options?: PairedBootstrapOptions,
): PairedBootstrapResult;
