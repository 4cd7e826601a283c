// ---- Collections, composition, wrappers, custom metrics, parallel evaluation --------------------
// (appended by npm/scripts/build.mjs from npm/src/collection.d.ts)

/** The calls of a metric that do not depend on its value's type (MetricLike, JsMetric). */
interface StateCalls {
  readonly name: string;
  update(...inputs: any[]): void;
  reset(): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  dispose(): void;
}

/**
 * What collections, compositions and wrappers accept: a built-in metric, a custom one
 * ({@link defineMetric}), or one of those classes themselves.
 */
export interface MetricLike extends StateCalls {
  forward(...inputs: any[]): any;
  compute(): any;
  merge(other: any): void;
}

/** An operand of metric arithmetic: a metric, a number or a Tensor. */
export type Operand = MetricLike | number | Tensor;

/** Arithmetic on metrics (TorchMetrics' CompositionalMetric); every metric class has these methods. */
export interface Composable {
  /** this + other. */
  add(other: Operand): CompositionalMetric;
  /** other + this. */
  radd(other: Operand): CompositionalMetric;
  /** this - other. */
  sub(other: Operand): CompositionalMetric;
  /** other - this, e.g. `m.rsub(1)` for 1 - m. */
  rsub(other: Operand): CompositionalMetric;
  /** this * other. */
  mul(other: Operand): CompositionalMetric;
  /** other * this. */
  rmul(other: Operand): CompositionalMetric;
  /** this / other. */
  div(other: Operand): CompositionalMetric;
  /** other / this. */
  rdiv(other: Operand): CompositionalMetric;
  /** this ** other. */
  pow(other: Operand): CompositionalMetric;
  /** other ** this. */
  rpow(other: Operand): CompositionalMetric;
  /** |this|. */
  abs(): CompositionalMetric;
  /** -this. */
  neg(): CompositionalMetric;
}

export interface Metric extends Composable {
  /**
   * Compute groups: metrics with equal keys accumulate identical states (e.g. MulticlassPrecision
   * and MulticlassRecall with the same input options).
   */
  readonly stateKey: string;
  /** This metric's value computed from `source`'s state (their stateKey must be equal). */
  computeFrom(source: Metric): MetricResult;
}

/**
 * The protocol every class below shares (npm/src/js-metric.mjs): `R` is what forward() and
 * compute() return, `Self` what merge() takes. Not exported: the classes extend it.
 */
declare abstract class JsMetric<R, Self> implements MetricLike {
  /** True after dispose() (idempotent; any later use throws). */
  readonly disposed: boolean;
  /** The value on this batch alone; the batch is accumulated too. */
  forward(...inputs: any[]): R;
  /** The value over everything accumulated. */
  compute(): R;
  /** Folds in another instance of the same class and configuration. */
  merge(other: Self): void;
  [Symbol.dispose](): void;
}
declare interface JsMetric<R, Self> extends StateCalls {}
// A declaration file exports every top-level declaration unless it has an export statement: this
// one keeps StateCalls and JsMetric local (only what is marked `export` is the package's API).
export {};

/** Options of {@link MetricCollection}. */
export interface MetricCollectionOptions {
  /** Prepended to every key of compute() and forward(). */
  prefix?: string;
  /** Appended to every key of compute() and forward(). */
  postfix?: string;
  /** Update each group of metrics sharing a state (equal stateKey) once. @defaultValue true */
  computeGroups?: boolean;
}

/**
 * Several metrics updated with one call; compute() returns `{key: value}`. Metrics with equal
 * stateKey form a compute group: only the first is updated, the others are computed from its
 * state. Owns its metrics: dispose() disposes them. saveState() is one blob for the collection.
 */
export declare class MetricCollection
  extends JsMetric<Record<string, MetricResult>, MetricCollection>
  implements Composable
{
  constructor(metrics: Record<string, MetricLike> | readonly MetricLike[], options?: MetricCollectionOptions);
  readonly name: 'MetricCollection';
  readonly prefix: string;
  readonly postfix: string;
  /** The metrics by key (without prefix/postfix). */
  readonly metrics: Record<string, MetricLike>;
  /** The compute groups: arrays of keys sharing one state, the first being the one updated. */
  readonly computeGroups: string[][];
  keys(): string[];
  update(...inputs: TensorInput[]): void;
  forward(...inputs: TensorInput[]): Record<string, MetricResult>;
  /** A collection of empty copies with the same prefix, postfix and grouping. */
  clone(): MetricCollection;
}
export interface MetricCollection extends Composable {}

/** Built by the operator methods (`a.add(b)`...); does not own its parts. */
export declare class CompositionalMetric extends JsMetric<MetricResult, CompositionalMetric> {
  constructor(op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'abs' | 'neg', a: Operand, b?: Operand);
  /** The expression, e.g. "(MulticlassPrecision + MulticlassRecall)". */
  readonly name: string;
  /** The distinct metrics of the expression, each updated once per update(). */
  readonly parts: MetricLike[];
  clone(): CompositionalMetric;
  /** Marks the composition unusable; the parts are the caller's to dispose. */
  dispose(): void;
}
export interface CompositionalMetric extends Composable {}

/** One state of a custom metric. */
export type CustomStateDecl =
  | { init: number; reduce?: 'sum' | 'mean' | 'min' | 'max' }
  | { init: readonly number[] | Float64Array; reduce?: 'sum' | 'mean' | 'min' | 'max' }
  | { init?: readonly []; reduce: 'cat' };

/** The state object update() and compute() see: numbers, Float64Arrays, or number[] for 'cat'. */
export type CustomState<S extends Record<string, CustomStateDecl>> = {
  [K in keyof S]: S[K] extends { reduce: 'cat' } ? number[] : S[K] extends { init: number } ? number : Float64Array;
};

/** What {@link defineMetric} takes. */
export interface MetricDefinition<S extends Record<string, CustomStateDecl>, I extends any[], R> {
  /** The class name (an identifier); also the name checked by loadState(). */
  name: string;
  /** The states with their initial values and reductions ('mean' is weighted by update count). */
  states: S;
  /** Folds one batch into `state`, a fresh state for the batch. Must be synchronous. */
  update(this: CustomMetric, state: CustomState<S>, ...inputs: I): void;
  /** The value from a state (a copy: changing it changes nothing). */
  compute(this: CustomMetric, state: CustomState<S>): R;
}

/** The base of classes made by {@link defineMetric}. */
export declare abstract class CustomMetric extends JsMetric<any, CustomMetric> {
  constructor(options?: Record<string, unknown>);
  /** The constructor's options (frozen), visible to update() and compute() as this.options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Number of update() calls folded in. */
  readonly updates: number;
  readonly stateBytes: number;
  readonly stateKey: string;
  computeFrom(source: CustomMetric): any;
  /** A "WMJS" blob: JSON header (version, metric name, options hash, states) + float64 states. */
  saveState(): Uint8Array;
  clone(): this;
}
export interface CustomMetric extends Composable {}

/** A class of custom metric instances. */
export interface CustomMetricClass<I extends any[], R> {
  new (
    options?: Record<string, unknown>,
  ): CustomMetric & { update(...inputs: I): void; forward(...inputs: I): R; compute(): R };
  readonly definition: { readonly name: string };
}

/**
 * Defines a metric in JavaScript (TorchMetrics' "Implementing a Metric"): states with reductions
 * (sum, mean, min, max, cat), update() folding a batch, compute() reading a state. The class gets
 * update / forward / compute / reset / merge / saveState / loadState like the built-in metrics.
 */
export declare function defineMetric<S extends Record<string, CustomStateDecl>, I extends any[], R>(
  definition: MetricDefinition<S, I, R>,
): CustomMetricClass<I, R>;

/** Options of {@link ClasswiseWrapper}. */
export interface ClasswiseWrapperOptions {
  /** One label per class, e.g. ['cat', 'dog']. Default: the class indices. */
  labels?: readonly (string | number)[] | null;
  /** Default: the metric's name in lower case + '_' when neither prefix nor postfix is given. */
  prefix?: string | null;
  postfix?: string | null;
}

/** `{<prefix><label><postfix>: number}` from a per-class (1-D) result. Owns the wrapped metric. */
export declare class ClasswiseWrapper extends JsMetric<Record<string, number>, ClasswiseWrapper> {
  constructor(metric: MetricLike, options?: ClasswiseWrapperOptions);
  readonly metric: MetricLike;
  readonly labels: string[] | null;
  clone(): ClasswiseWrapper;
}
export interface ClasswiseWrapper extends Composable {}

/** `{raw, max, min}`: the value and its extremes over compute()/forward() calls. Owns the metric. */
export declare class MinMaxMetric extends JsMetric<{ raw: number; max: number; min: number }, MinMaxMetric> {
  constructor(metric: MetricLike);
  readonly metric: MetricLike;
  clone(): MinMaxMetric;
}
export interface MinMaxMetric extends Composable {}

/** Options of {@link MetricTracker}. */
export interface MetricTrackerOptions {
  /** Higher is better (true), lower is better (false); per key for a collection. @defaultValue true */
  maximize?: boolean | readonly boolean[] | Record<string, boolean>;
}

/** Per-epoch history of a metric or collection. Owns the metric given. */
export declare class MetricTracker extends JsMetric<any, MetricTracker> {
  constructor(metric: MetricLike, options?: MetricTrackerOptions);
  /** Epochs started with increment(). */
  readonly nSteps: number;
  readonly maximize: boolean | readonly boolean[] | Record<string, boolean>;
  /** Starts an epoch (an empty copy of the metric); the previous epoch's value goes to the history. */
  increment(): void;
  /** The current epoch's value. */
  compute(): any;
  /** Resets the current epoch. */
  reset(): void;
  /** Forgets every epoch. */
  resetAll(): void;
  /** Every epoch's value, oldest first. */
  computeAll(): any[];
  /** The best value over epochs (NaN ignored); with returnStep, `{value, step}`. Per key for a collection. */
  bestMetric(options?: { returnStep?: false }): number | Record<string, number>;
  bestMetric(options: { returnStep: true }): {
    value: number | Record<string, number>;
    step: number | Record<string, number>;
  };
  clone(): MetricTracker;
}
export interface MetricTracker extends Composable {}

/** Options of {@link BootStrapper}. */
export interface BootStrapperOptions {
  /** Number of bootstrap copies, 1 to 10,000 (each is a full copy of the metric). @defaultValue 10 */
  numBootstraps?: number;
  /** Report the mean over copies. @defaultValue true */
  mean?: boolean;
  /** Report the sample standard deviation (n - 1) over copies. @defaultValue true */
  std?: boolean;
  /** Report these quantiles (linear interpolation, as torch.quantile). @defaultValue null */
  quantile?: number | readonly number[] | null;
  /** Report every copy's value, stacked along a first dimension. @defaultValue false */
  raw?: boolean;
  /** Seed of the random generator (xoshiro128**): the same seed gives the same draws. Default: random. */
  seed?: number | null;
  /** Only 'poisson' (each sample k ~ Poisson(1) times per copy), which streams. */
  samplingStrategy?: 'poisson';
}

/** Mean / std / quantiles of a metric over Poisson bootstrap resamples of the rows (dim 0) of every input. */
export declare class BootStrapper extends JsMetric<
  { mean?: number | Tensor; std?: number | Tensor; quantile?: number | Tensor; raw?: Tensor },
  BootStrapper
> {
  /** `metric` is a template: the copies are empty copies of it; it stays the caller's. */
  constructor(metric: MetricLike, options?: BootStrapperOptions);
  readonly numBootstraps: number;
  readonly seed: number;
  clone(): BootStrapper;
}
export interface BootStrapper extends Composable {}

/** One metric per task: update({task: preds}, {task: target}); compute() gives {task: value}. Owns its metrics. */
export declare class MultitaskWrapper extends JsMetric<Record<string, any>, MultitaskWrapper> {
  constructor(taskMetrics: Record<string, MetricLike>, options?: { prefix?: string; postfix?: string });
  readonly name: 'MultitaskWrapper';
  readonly tasks: Record<string, MetricLike>;
  update(preds: Record<string, any>, target: Record<string, any>): void;
  forward(preds: Record<string, any>, target: Record<string, any>): Record<string, any>;
  clone(): MultitaskWrapper;
}
export interface MultitaskWrapper extends Composable {}

/** The part of an AbortSignal that evaluateParallel uses (declared here: no DOM or Node types needed). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What {@link evaluateParallel} takes. */
export interface EvaluateParallelOptions<K extends string = string> {
  /** The metrics by key: registered names and their options. */
  metrics: Record<K, { name: MetricName | (string & {}); options?: Record<string, unknown> }>;
  /** Batches, each the update() arguments of every metric, e.g. [preds, target]. */
  batches: Iterable<readonly TensorInput[]> | AsyncIterable<readonly TensorInput[]>;
  /** Number of workers. Default: hardware concurrency (at most 8), else 2. */
  workers?: number;
  /** Called after each batch is folded in; total is undefined for iterators. */
  onProgress?: (done: number, total: number | undefined) => void;
  /**
   * @deprecated Ignored: the caller's typed arrays are always copied (only each view's bytes) and
   * the copies transferred, so the batches stay usable and can be evaluated again.
   */
  copy?: boolean;
  /**
   * true (default): batch states are folded in batch order, so the result equals the single-thread
   * one exactly; false: one state per worker (fewer messages; sums may differ in the last bits).
   */
  exact?: boolean;
  /** Options each worker passes to its own init(). Default: the main thread's SIMD choice. */
  init?: Omit<InitOptions, 'locateFile'>;
  /**
   * The module the workers load. Default: this package's own file. Browsers: a module worker that
   * calls serveParallelWorker(); Node: a module that exports serveParallelWorker (it is called
   * with worker_threads' parentPort).
   */
  workerUrl?: string | { readonly href: string };
  /** Batches in flight per worker. @defaultValue 2 */
  inflight?: number;
  /**
   * How long a worker that owes an answer (loading the package, a batch, its final state) may send
   * nothing before the call rejects and every worker is terminated; catches a worker that hung,
   * ran out of memory or was closed without an event. Infinity: no timeout (errors and, in Node,
   * exits are still reported at once). @defaultValue 60000
   */
  timeoutMs?: number;
  /** An AbortSignal that cancels the call: it rejects with an Error named 'AbortError' (cause: the signal's reason). */
  signal?: AbortSignalLike;
  /** Node only (worker_threads' resourceLimits), e.g. { maxOldGenerationSizeMb: 512 }; browsers ignore it. */
  resourceLimits?: {
    maxOldGenerationSizeMb?: number;
    maxYoungGenerationSizeMb?: number;
    codeRangeSizeMb?: number;
    stackSizeMb?: number;
  };
}

/**
 * Evaluates metrics over batches on Web Workers (browsers) or worker_threads (Node); returns
 * `{key: value}` equal to updating the same metrics with every batch on one thread. Always
 * settles: a failed batch, a worker that errs, exits or stays silent for `timeoutMs`, or an
 * aborted `signal` rejects with an Error and terminates every worker of the call.
 */
export declare function evaluateParallel<K extends string>(
  options: EvaluateParallelOptions<K>,
): Promise<Record<K, MetricResult>>;

/**
 * Serves evaluateParallel's worker protocol (for a custom worker script: pass its URL as
 * `workerUrl`). `port`: Node's worker_threads parentPort, or the worker's global scope (default).
 */
export declare function serveParallelWorker(port?: unknown): void;
