
// ---- Collections, composition, wrappers, custom metrics, parallel evaluation --------------------
// (appended by npm/scripts/build.mjs from npm/src/collection.d.ts)

/**
 * What collections, compositions and wrappers accept: a built-in metric, a custom one
 * ({@link defineMetric}), or one of those classes themselves.
 */
export interface MetricLike {
  readonly name: string;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): any;
  compute(): any;
  reset(): void;
  merge(other: any): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  dispose(): void;
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
export declare class MetricCollection implements MetricLike, Composable {
  constructor(metrics: Record<string, MetricLike> | readonly MetricLike[], options?: MetricCollectionOptions);
  readonly name: 'MetricCollection';
  readonly prefix: string;
  readonly postfix: string;
  readonly disposed: boolean;
  /** The metrics by key (without prefix/postfix). */
  readonly metrics: Record<string, MetricLike>;
  /** The compute groups: arrays of keys sharing one state, the first being the one updated. */
  readonly computeGroups: string[][];
  keys(): string[];
  update(...inputs: TensorInput[]): void;
  forward(...inputs: TensorInput[]): Record<string, MetricResult>;
  compute(): Record<string, MetricResult>;
  reset(): void;
  merge(other: MetricCollection): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  /** A collection of empty copies with the same prefix, postfix and grouping. */
  clone(): MetricCollection;
  dispose(): void;
  [Symbol.dispose](): void;
}
export interface MetricCollection extends Composable {}

/** Built by the operator methods (`a.add(b)`...); does not own its parts. */
export declare class CompositionalMetric implements MetricLike {
  constructor(op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'abs' | 'neg', a: Operand, b?: Operand);
  /** The expression, e.g. "(MulticlassPrecision + MulticlassRecall)". */
  readonly name: string;
  /** The distinct metrics of the expression, each updated once per update(). */
  readonly parts: MetricLike[];
  readonly disposed: boolean;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): MetricResult;
  compute(): MetricResult;
  reset(): void;
  merge(other: CompositionalMetric): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): CompositionalMetric;
  /** Marks the composition unusable; the parts are the caller's to dispose. */
  dispose(): void;
  [Symbol.dispose](): void;
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
export declare abstract class CustomMetric implements MetricLike {
  constructor(options?: Record<string, unknown>);
  readonly name: string;
  /** The constructor's options (frozen), visible to update() and compute() as this.options. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly disposed: boolean;
  /** Number of update() calls folded in. */
  readonly updates: number;
  readonly stateBytes: number;
  readonly stateKey: string;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): any;
  compute(): any;
  computeFrom(source: CustomMetric): any;
  reset(): void;
  merge(other: CustomMetric): void;
  /** A "WMJS" blob: JSON header (version, metric name, options hash, states) + float64 states. */
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): this;
  dispose(): void;
  [Symbol.dispose](): void;
}
export interface CustomMetric extends Composable {}

/** A class of custom metric instances. */
export interface CustomMetricClass<I extends any[], R> {
  new (options?: Record<string, unknown>): CustomMetric & { update(...inputs: I): void; forward(...inputs: I): R; compute(): R };
  readonly definition: { readonly name: string };
}

/**
 * Defines a metric in JavaScript (TorchMetrics' "Implementing a Metric"): states with reductions
 * (sum, mean, min, max, cat), update() folding a batch, compute() reading a state. The class gets
 * update / forward / compute / reset / merge / saveState / loadState like the built-in metrics.
 */
export declare function defineMetric<S extends Record<string, CustomStateDecl>, I extends any[], R>(
  definition: MetricDefinition<S, I, R>): CustomMetricClass<I, R>;

/** Options of {@link ClasswiseWrapper}. */
export interface ClasswiseWrapperOptions {
  /** One label per class, e.g. ['cat', 'dog']. Default: the class indices. */
  labels?: readonly (string | number)[] | null;
  /** Default: the metric's name in lower case + '_' when neither prefix nor postfix is given. */
  prefix?: string | null;
  postfix?: string | null;
}

/** `{<prefix><label><postfix>: number}` from a per-class (1-D) result. Owns the wrapped metric. */
export declare class ClasswiseWrapper implements MetricLike {
  constructor(metric: MetricLike, options?: ClasswiseWrapperOptions);
  readonly name: string;
  readonly metric: MetricLike;
  readonly labels: string[] | null;
  readonly disposed: boolean;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): Record<string, number>;
  compute(): Record<string, number>;
  reset(): void;
  merge(other: ClasswiseWrapper): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): ClasswiseWrapper;
  dispose(): void;
  [Symbol.dispose](): void;
}
export interface ClasswiseWrapper extends Composable {}

/** `{raw, max, min}`: the value and its extremes over compute()/forward() calls. Owns the metric. */
export declare class MinMaxMetric implements MetricLike {
  constructor(metric: MetricLike);
  readonly name: string;
  readonly metric: MetricLike;
  readonly disposed: boolean;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): { raw: number; max: number; min: number };
  compute(): { raw: number; max: number; min: number };
  reset(): void;
  merge(other: MinMaxMetric): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): MinMaxMetric;
  dispose(): void;
  [Symbol.dispose](): void;
}
export interface MinMaxMetric extends Composable {}

/** Options of {@link MetricTracker}. */
export interface MetricTrackerOptions {
  /** Higher is better (true), lower is better (false); per key for a collection. @defaultValue true */
  maximize?: boolean | readonly boolean[] | Record<string, boolean>;
}

/** Per-epoch history of a metric or collection. Owns the metric given. */
export declare class MetricTracker implements MetricLike {
  constructor(metric: MetricLike, options?: MetricTrackerOptions);
  readonly name: string;
  readonly disposed: boolean;
  /** Epochs started with increment(). */
  readonly nSteps: number;
  readonly maximize: boolean | readonly boolean[] | Record<string, boolean>;
  /** Starts an epoch (an empty copy of the metric); the previous epoch's value goes to the history. */
  increment(): void;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): any;
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
  bestMetric(options: { returnStep: true }): { value: number | Record<string, number>; step: number | Record<string, number> };
  merge(other: MetricTracker): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): MetricTracker;
  dispose(): void;
  [Symbol.dispose](): void;
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
export declare class BootStrapper implements MetricLike {
  /** `metric` is a template: the copies are empty copies of it; it stays the caller's. */
  constructor(metric: MetricLike, options?: BootStrapperOptions);
  readonly name: string;
  readonly disposed: boolean;
  readonly numBootstraps: number;
  readonly seed: number;
  update(...inputs: any[]): void;
  forward(...inputs: any[]): { mean?: number | Tensor; std?: number | Tensor; quantile?: number | Tensor; raw?: Tensor };
  compute(): { mean?: number | Tensor; std?: number | Tensor; quantile?: number | Tensor; raw?: Tensor };
  reset(): void;
  merge(other: BootStrapper): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): BootStrapper;
  dispose(): void;
  [Symbol.dispose](): void;
}
export interface BootStrapper extends Composable {}

/** One metric per task: update({task: preds}, {task: target}); compute() gives {task: value}. Owns its metrics. */
export declare class MultitaskWrapper implements MetricLike {
  constructor(taskMetrics: Record<string, MetricLike>, options?: { prefix?: string; postfix?: string });
  readonly name: 'MultitaskWrapper';
  readonly disposed: boolean;
  readonly tasks: Record<string, MetricLike>;
  update(preds: Record<string, any>, target: Record<string, any>): void;
  forward(preds: Record<string, any>, target: Record<string, any>): Record<string, any>;
  compute(): Record<string, any>;
  reset(): void;
  merge(other: MultitaskWrapper): void;
  saveState(): Uint8Array;
  loadState(state: Uint8Array | ArrayBuffer): void;
  clone(): MultitaskWrapper;
  dispose(): void;
  [Symbol.dispose](): void;
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
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
}

/**
 * Evaluates metrics over batches on Web Workers (browsers) or worker_threads (Node); returns
 * `{key: value}` equal to updating the same metrics with every batch on one thread. Always
 * settles: a failed batch, a worker that errs, exits or stays silent for `timeoutMs`, or an
 * aborted `signal` rejects with an Error and terminates every worker of the call.
 */
export declare function evaluateParallel<K extends string>(options: EvaluateParallelOptions<K>): Promise<Record<K, MetricResult>>;

/**
 * Serves evaluateParallel's worker protocol (for a custom worker script: pass its URL as
 * `workerUrl`). `port`: Node's worker_threads parentPort, or the worker's global scope (default).
 */
export declare function serveParallelWorker(port?: unknown): void;
