// Wrappers, as TorchMetrics': ClasswiseWrapper, MinMaxMetric, MetricTracker, BootStrapper and
// MultitaskWrapper. They hold other metrics (built-in, custom or collections) and add plain JS on
// top of their values; the metric arithmetic itself stays in the wrapped metrics. The protocol
// (dispose, merge, save/load, all or nothing over the parts) is JsMetric's (js-metric.mjs).
import { Tensor } from './tensor.mjs';
import { allOrNothing, emptyCopy, requireMetricLike, stateKeyOf, stateSourceOf } from './common.mjs';
import { canonicalJson, hashText, resultFromJson, resultToJson } from './blob.mjs';
import { installOperators } from './compose.mjs';
import { JsMetric } from './js-metric.mjs';
import { Rng, quantileOf, rowCount, takeRows } from './resample.mjs';

const configHash = (value) => hashText(canonicalJson(value));
const describeMetric = (m) => stateKeyOf(m) ?? String(m);

// ---- ClasswiseWrapper ---------------------------------------------------------------------------

/**
 * Turns a per-class result (a 1-D Tensor, e.g. MulticlassRecall with average 'none') into
 * `{<prefix><label><postfix>: number}`. Labels default to the class indices; the prefix defaults to
 * the metric's name in lower case plus '_' when neither prefix nor postfix is given.
 */
export class ClasswiseWrapper extends JsMetric {
  #metric;
  #labels;
  #prefix;
  #postfix;

  constructor(metric, { labels = null, prefix = null, postfix = null } = {}) {
    super();
    this.#metric = requireMetricLike(metric, 'ClasswiseWrapper');
    if (
      labels !== null &&
      (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' && typeof l !== 'number'))
    ) {
      throw new TypeError("ClasswiseWrapper: labels must be an array of strings, e.g. ['cat', 'dog']");
    }
    if (labels !== null && new Set(labels.map(String)).size !== labels.length)
      throw new Error('ClasswiseWrapper: labels must be distinct');
    this.#labels = labels?.map(String) ?? null;
    this.#prefix = prefix ?? (postfix === null ? `${metric.name.toLowerCase()}_` : '');
    this.#postfix = postfix ?? '';
  }

  get name() {
    return `ClasswiseWrapper(${this.#metric.name})`;
  }

  /** The wrapped metric. */
  get metric() {
    return this.#metric;
  }

  get labels() {
    return this.#labels === null ? null : [...this.#labels];
  }

  get stateParts() {
    return [this.#metric];
  }

  // A wrapper of a grouped metric joins its compute group (see MetricCollection).
  get stateKey() {
    return stateKeyOf(this.#metric);
  }

  get stateSource() {
    return stateSourceOf(this.#metric);
  }

  #labelled(value, method) {
    if (!(value instanceof Tensor) || value.ndim !== 1) {
      const what =
        typeof value === 'number'
          ? 'a number'
          : value instanceof Tensor
            ? `a Tensor of shape [${value.shape}]`
            : 'named results';
      throw new Error(
        `${this.name}.${method}: the metric gave ${what}; ClasswiseWrapper needs one value per class ` +
          "(a 1-D result, e.g. average: 'none')",
      );
    }
    if (this.#labels !== null && this.#labels.length !== value.size) {
      throw new Error(`${this.name}.${method}: ${this.#labels.length} labels for ${value.size} classes`);
    }
    const labels = this.#labels ?? Array.from(value.data, (_, i) => String(i));
    return Object.fromEntries(labels.map((l, i) => [`${this.#prefix}${l}${this.#postfix}`, value.data[i]]));
  }

  combineValues([value], method) {
    return this.#labelled(value, method);
  }

  computeFrom(source) {
    this.assertAlive('computeFrom');
    return this.#labelled(this.#metric.computeFrom(stateSourceOf(source)), 'computeFrom');
  }

  // The wrapped metric's own blob (the labels are configuration, not state).
  encodeState() {
    return this.#metric.saveState();
  }

  decodeState(blob) {
    this.#metric.loadState(blob);
  }

  clone() {
    return new ClasswiseWrapper(emptyCopy(this.#metric), {
      labels: this.#labels,
      prefix: this.#prefix,
      postfix: this.#postfix,
    });
  }
}

// ---- MinMaxMetric -------------------------------------------------------------------------------

/**
 * `{raw, max, min}`: the wrapped metric's value and the largest and smallest value it has had at
 * any compute() or forward() since construction or reset(). The value must be a number.
 */
export class MinMaxMetric extends JsMetric {
  #metric;
  #min = Infinity;
  #max = -Infinity;

  constructor(metric) {
    super();
    this.#metric = requireMetricLike(metric, 'MinMaxMetric');
  }

  get name() {
    return `MinMaxMetric(${this.#metric.name})`;
  }

  get metric() {
    return this.#metric;
  }

  get stateParts() {
    return [this.#metric];
  }

  get blobType() {
    return { kind: 'wrapper', name: 'MinMaxMetric' };
  }

  #track(value, method) {
    if (typeof value !== 'number')
      throw new Error(`${this.name}.${method}: MinMaxMetric needs a scalar result, got ${String(value)}`);
    this.#max = Math.max(this.#max, value);
    this.#min = Math.min(this.#min, value);
    return { raw: value, max: this.#max, min: this.#min };
  }

  // {raw, max, min}; forward()'s raw is the value on this batch alone (which max and min take in).
  combineValues([value], method) {
    return this.#track(value, method);
  }

  resetState() {
    super.resetState();
    this.#min = Infinity;
    this.#max = -Infinity;
  }

  mergeState(other) {
    super.mergeState(other);
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
  }

  configHash() {
    return configHash(describeMetric(this.#metric));
  }

  blobHeader() {
    return { min: String(this.#min), max: String(this.#max) };
  }

  loadSections(header, sections, where) {
    const [min, max] = [header.min, header.max].map((v) =>
      typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN,
    );
    const fresh = min === Infinity && max === -Infinity;
    const nan = header.min === 'NaN' || header.max === 'NaN'; // a NaN value makes both NaN from then on
    if (!fresh && !nan && !(min <= max)) {
      throw new Error(
        `${where}: refusing the state blob: min ${JSON.stringify(header.min)} and max ${JSON.stringify(header.max)} are not a seen range`,
      );
    }
    super.loadSections(header, sections, where);
    this.#min = min;
    this.#max = max;
  }

  clone() {
    return new MinMaxMetric(emptyCopy(this.#metric));
  }
}

// ---- MetricTracker ------------------------------------------------------------------------------

/**
 * Per-epoch history of a metric (or a MetricCollection). increment() starts an epoch with an
 * empty copy; update / forward / compute / reset act on the current epoch; computeAll() gives
 * every epoch's value; bestMetric() the best one (highest if `maximize`, else lowest; NaN ignored).
 * `maximize` is a boolean, or for a collection an object {key: boolean} or an array in key order.
 */
export class MetricTracker extends JsMetric {
  #template;
  #current = null;
  #history = [];
  #maximize;

  constructor(metric, { maximize = true } = {}) {
    super();
    this.#template = requireMetricLike(metric, 'MetricTracker');
    if (typeof maximize !== 'boolean' && (maximize === null || typeof maximize !== 'object')) {
      throw new TypeError('MetricTracker: maximize must be a boolean, an array of booleans or {key: boolean}');
    }
    this.#maximize = maximize;
  }

  get name() {
    return `MetricTracker(${this.#template.name})`;
  }

  // The current epoch's metric: what update/forward/compute/reset/merge act on and the blob holds.
  get stateParts() {
    return this.#current === null ? [] : [this.#current];
  }

  get blobType() {
    return { kind: 'wrapper', name: 'MetricTracker' };
  }

  /** Number of epochs started with increment(). */
  get nSteps() {
    return this.#history.length + (this.#current === null ? 0 : 1);
  }

  get maximize() {
    return this.#maximize;
  }

  /** Starts a new epoch; the finished one's value is kept in the history and its metric freed. */
  increment() {
    this.assertAlive('increment');
    if (this.#current !== null) {
      this.#history.push(this.#current.compute());
      this.#current.dispose();
    }
    this.#current = emptyCopy(this.#template);
  }

  #epoch(method) {
    if (this.#current === null) throw new Error(`${this.name}.${method}: call increment() first to start an epoch`);
    return this.#current;
  }

  updateState(inputs) {
    this.#epoch('update').update(...inputs);
  }

  forwardState(inputs) {
    return this.#epoch('forward').forward(...inputs);
  }

  // compute(): the current epoch's value; reset(): resets the current epoch.
  computeState() {
    return this.#epoch('compute').compute();
  }

  resetState() {
    this.#epoch('reset').reset();
  }

  /** Forgets every epoch. */
  resetAll() {
    this.assertAlive('resetAll');
    this.#current?.dispose();
    this.#current = null;
    this.#history = [];
  }

  /** Every epoch's value, oldest first. */
  computeAll() {
    this.assertAlive('computeAll');
    return [...this.#history, this.#epoch('computeAll').compute()];
  }

  #maximizeFor(key, index) {
    const m = this.#maximize;
    if (typeof m === 'boolean') return m;
    const v = Array.isArray(m) ? m[index] : m[key];
    if (typeof v !== 'boolean') throw new Error(`${this.name}.bestMetric: maximize has no boolean for '${key}'`);
    return v;
  }

  static #best(values, maximize) {
    let step = -1;
    values.forEach((v, i) => {
      if (typeof v === 'number' && !Number.isNaN(v) && (step < 0 || (maximize ? v > values[step] : v < values[step])))
        step = i;
    });
    return { value: step < 0 ? NaN : values[step], step };
  }

  /**
   * The best value over the epochs; with {returnStep: true}, {value, step} (step -1 if every value
   * is NaN). For a collection, an object per key (of values, or {value: {...}, step: {...}}).
   */
  bestMetric({ returnStep = false } = {}) {
    const all = this.computeAll();
    if (all.every((v) => typeof v === 'number')) {
      const best = MetricTracker.#best(all, this.#maximizeFor(null, 0));
      return returnStep ? best : best.value;
    }
    if (all.every((v) => v !== null && typeof v === 'object' && !(v instanceof Tensor) && !Array.isArray(v))) {
      const keys = Object.keys(all[0]);
      const best = keys.map((k, i) => [
        k,
        MetricTracker.#best(
          all.map((v) => v[k]),
          this.#maximizeFor(k, i),
        ),
      ]);
      const value = Object.fromEntries(best.map(([k, b]) => [k, b.value]));
      return returnStep ? { value, step: Object.fromEntries(best.map(([k, b]) => [k, b.step])) } : value;
    }
    throw new Error(`${this.name}.bestMetric: needs scalar values (or named scalar values of a collection)`);
  }

  // merge(): the current epoch of another tracker of the same metric into the current epoch.
  mergeState(other) {
    this.#epoch('merge').merge(other.#epoch('merge (the tracker merged in)'));
  }

  configHash() {
    return configHash([describeMetric(this.#template), this.#maximize]);
  }

  // The history (as JSON in the header) and the current epoch's state.
  blobHeader() {
    return { history: this.#history.map((v) => resultToJson(v, Tensor)), started: this.#current !== null };
  }

  loadSections(header, sections, where) {
    if (
      !Array.isArray(header.history) ||
      typeof header.started !== 'boolean' ||
      sections.length !== (header.started ? 1 : 0)
    ) {
      throw new Error(`${where}: refusing the state blob: its history, epoch flag and sections do not agree`);
    }
    const history = header.history.map((v) => resultFromJson(v, Tensor));
    let current = null;
    if (header.started) {
      current = emptyCopy(this.#template);
      try {
        current.loadState(sections[0]);
      } catch (e) {
        current.dispose();
        throw e;
      }
    }
    this.#current?.dispose();
    this.#current = current;
    this.#history = history;
  }

  clone() {
    return new MetricTracker(emptyCopy(this.#template), { maximize: this.#maximize });
  }

  // dispose(): the current epoch's metric and the metric given to the constructor.
  disposeParts() {
    this.#current?.dispose();
    this.#template.dispose();
  }
}

// ---- BootStrapper -------------------------------------------------------------------------------

// A cap on the copies: TorchMetrics defaults to 10; beyond some thousands the spread estimate
// does not improve, while the work and memory keep growing with every copy.
const MAX_BOOTSTRAPS = 10_000;

/**
 * The mean, std, quantiles (and raw values) of a metric over bootstrap resamples, computed in a
 * streaming way (Poisson bootstrap): each of `numBootstraps` empty copies of `metric` receives
 * each sample (row along dim 0 of every input) k ~ Poisson(1) times. `seed` (an integer) makes
 * the draws reproducible. The metric given is only a template: it is left to the caller.
 * compute() returns {mean?, std?, quantile?, raw?}: std is the sample standard deviation (n-1),
 * quantiles interpolate linearly (torch.quantile), raw stacks the values along a first dimension.
 */
export class BootStrapper extends JsMetric {
  #copies;
  #rng;
  #seed;
  #config;
  #name;

  constructor(
    metric,
    {
      numBootstraps = 10,
      mean = true,
      std = true,
      quantile = null,
      raw = false,
      seed = null,
      samplingStrategy = 'poisson',
    } = {},
  ) {
    super();
    requireMetricLike(metric, 'BootStrapper');
    if (!Number.isInteger(numBootstraps) || numBootstraps < 1)
      throw new RangeError(`BootStrapper: numBootstraps must be a positive integer, got ${numBootstraps}`);
    if (numBootstraps > MAX_BOOTSTRAPS) {
      throw new RangeError(
        `BootStrapper: numBootstraps must be at most ${MAX_BOOTSTRAPS}, got ${numBootstraps}: each bootstrap is a ` +
          'full copy of the metric, updated on every batch (memory and time grow with the count; 1e6 blocked a page for 40 s)',
      );
    }
    if (samplingStrategy !== 'poisson')
      throw new Error(
        `BootStrapper: samplingStrategy ${JSON.stringify(samplingStrategy)} is not supported; 'poisson' streams, 'multinomial' would need every sample at once`,
      );
    const qs = quantile === null ? null : [quantile].flat();
    if (qs !== null && !qs.every((q) => typeof q === 'number' && q >= 0 && q <= 1))
      throw new RangeError('BootStrapper: quantile values must be in [0, 1]');
    if (seed !== null && !Number.isInteger(seed))
      throw new TypeError(`BootStrapper: seed must be an integer, got ${seed}`);
    this.#seed = seed ?? Math.floor(Math.random() * 2 ** 32);
    this.#rng = new Rng(this.#seed);
    this.#config = { numBootstraps, mean, std, quantile, raw };
    this.#name = `BootStrapper(${metric.name})`;
    this.#copies = Array.from({ length: numBootstraps }, () => emptyCopy(metric));
  }

  get name() {
    return this.#name;
  }

  get stateParts() {
    return this.#copies;
  }

  get blobType() {
    return { kind: 'wrapper', name: 'BootStrapper' };
  }

  get numBootstraps() {
    return this.#copies.length;
  }

  /** The seed in use (drawn at random when none was given). */
  get seed() {
    return this.#seed;
  }

  // The Poisson resample indices for one copy over n samples.
  #draw(n) {
    const index = [];
    for (let i = 0; i < n; i++) for (let k = this.#rng.poisson1(); k > 0; k--) index.push(i);
    return index;
  }

  #resamples(method, inputs) {
    const where = (i) => `${this.#name}.${method}: input ${i}`;
    const counts = inputs.map((x, i) => rowCount(x, where(i)));
    const n = counts.find((c) => c !== null);
    if (n === undefined) throw new Error(`${this.#name}.${method}: no input has a first dimension to resample along`);
    counts.forEach((c, i) => {
      if (c !== null && c !== n)
        throw new Error(
          `${where(i)} has ${c} rows but input ${counts.indexOf(n)} has ${n}; every input is resampled along dim 0`,
        );
    });
    return this.#copies.map(() => {
      const index = this.#draw(n);
      return index.length === 0 ? null : inputs.map((x, i) => takeRows(x, index, n, where(i)));
    });
  }

  // update(): each copy folds in its own Poisson resample of the batch (a copy drawing no sample skips it).
  updateState(inputs) {
    this.#eachCopy('update', inputs, (c, args) => c.update(...args));
  }

  // Each copy that draws samples takes `call` with its resample; all or nothing, the generator too.
  #eachCopy(method, inputs, call) {
    const position = Uint32Array.from(this.#rng.s);
    try {
      const draws = this.#resamples(method, inputs);
      const taking = this.#copies.filter((_, b) => draws[b] !== null);
      const args = draws.filter((a) => a !== null);
      return allOrNothing(taking, (c, i) => call(c, args[i]));
    } catch (e) {
      this.#rng.s.set(position);
      throw e;
    }
  }

  // forward(): the statistics over the copies' values on this batch alone; the batch is accumulated too.
  forwardState(inputs) {
    return this.#summarize(
      this.#eachCopy('forward', inputs, (c, args) => c.forward(...args)),
      'forward',
    );
  }

  combineValues(values, method) {
    return this.#summarize(values, method);
  }

  #summarize(values, method) {
    if (values.length === 0) throw new Error(`${this.#name}.${method}: no bootstrap copy has received a sample`);
    const tensor = values[0] instanceof Tensor;
    const shape = tensor ? values[0].shape : [];
    if (!values.every((v) => (tensor ? v instanceof Tensor && v.size === values[0].size : typeof v === 'number'))) {
      throw new Error(`${this.#name}.${method}: the metric must give a number or a Tensor of one shape`);
    }
    const size = tensor ? values[0].size : 1;
    const B = values.length;
    const column = (j) => values.map((v) => (tensor ? v.data[j] : v));
    const make = (data, s = shape) => (s.length === 0 ? data[0] : new Tensor(data, s));
    const out = {};
    const { mean, std, quantile, raw } = this.#config;
    const means = Float64Array.from({ length: size }, (_, j) => column(j).reduce((a, v) => a + v, 0) / B);
    if (mean) out.mean = make(means);
    if (std) {
      out.std = make(
        Float64Array.from({ length: size }, (_, j) =>
          Math.sqrt(column(j).reduce((a, v) => a + (v - means[j]) ** 2, 0) / (B - 1)),
        ),
      );
    }
    if (quantile !== null) {
      const qs = [quantile].flat();
      const data = new Float64Array(qs.length * size);
      for (let j = 0; j < size; j++) {
        const sorted = column(j).sort((a, b) => a - b);
        qs.forEach((q, k) => {
          data[k * size + j] = quantileOf(sorted, q);
        });
      }
      out.quantile = Array.isArray(quantile) ? new Tensor(data, [qs.length, ...shape]) : make(data);
    }
    if (raw) {
      const data = new Float64Array(B * size);
      values.forEach((v, b) => (tensor ? data.set(v.data, b * size) : (data[b] = v)));
      out.raw = new Tensor(data, [B, ...shape]);
    }
    return out;
  }

  // merge(): copy by copy (e.g. another shard's BootStrapper, best drawn with another seed).
  mergeState(other) {
    if (other.#copies.length !== this.#copies.length)
      throw new Error(`${this.#name}.merge: ${other.#copies.length} copies vs ${this.#copies.length}`);
    super.mergeState(other);
  }

  configHash() {
    return configHash([describeMetric(this.#copies[0]), this.#config]);
  }

  // Every copy's state and the random generator's position.
  blobHeader() {
    return { seed: this.#seed, rng: Array.from(this.#rng.s) };
  }

  loadSections(header, sections, where) {
    const uint32 = (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32;
    if (!uint32(header.seed))
      throw new Error(
        `${where}: refusing the state blob: seed ${JSON.stringify(header.seed)} is not a 32-bit unsigned integer`,
      );
    // xoshiro128**'s state: four 32-bit words, not all zero (an all-zero state only ever draws 0).
    if (
      !Array.isArray(header.rng) ||
      header.rng.length !== 4 ||
      !header.rng.every(uint32) ||
      header.rng.every((v) => v === 0)
    ) {
      throw new Error(
        `${where}: refusing the state blob: rng ${JSON.stringify(header.rng)} is not a generator state (four 32-bit words, not all zero)`,
      );
    }
    super.loadSections(header, sections, where);
    this.#seed = header.seed;
    this.#rng.s.set(header.rng);
  }

  /** Empty copies with the same configuration and seed. */
  clone() {
    const { numBootstraps, mean, std, quantile, raw } = this.#config;
    return new BootStrapper(this.#copies[0], { numBootstraps, mean, std, quantile, raw, seed: this.#seed });
  }
}

// ---- MultitaskWrapper ---------------------------------------------------------------------------

/**
 * One metric (or collection) per task: update(preds, target) takes `{task: preds}` and
 * `{task: target}` with exactly the wrapper's tasks; compute() gives `{task: value}` (keys with
 * `prefix` / `postfix`). Owns its metrics: dispose() disposes them.
 */
export class MultitaskWrapper extends JsMetric {
  #tasks;
  #prefix;
  #postfix;

  constructor(taskMetrics, { prefix = '', postfix = '' } = {}) {
    super();
    if (
      taskMetrics === null ||
      typeof taskMetrics !== 'object' ||
      Array.isArray(taskMetrics) ||
      Object.keys(taskMetrics).length === 0
    ) {
      throw new TypeError('MultitaskWrapper: expected {task: metric}');
    }
    this.#tasks = new Map(
      Object.entries(taskMetrics).map(([k, m]) => [k, requireMetricLike(m, `MultitaskWrapper: task '${k}'`)]),
    );
    this.#prefix = prefix;
    this.#postfix = postfix;
  }

  get name() {
    return 'MultitaskWrapper';
  }

  get tasks() {
    return Object.fromEntries(this.#tasks);
  }

  get stateParts() {
    return [...this.#tasks.values()];
  }

  get blobType() {
    return { kind: 'wrapper', name: 'MultitaskWrapper' };
  }

  #check(method, preds, target) {
    const tasks = [...this.#tasks.keys()];
    for (const [what, d] of [
      ['preds', preds],
      ['target', target],
    ]) {
      if (d === null || typeof d !== 'object' || Array.isArray(d) || ArrayBuffer.isView(d)) {
        throw new TypeError(`MultitaskWrapper.${method}: \`${what}\` must be {task: input}`);
      }
      const keys = Object.keys(d);
      if (keys.length !== tasks.length || !tasks.every((t) => Object.hasOwn(d, t))) {
        throw new Error(`MultitaskWrapper.${method}: \`${what}\` has tasks {${keys}}, expected {${tasks}}`);
      }
    }
  }

  // update(preds, target) / forward(preds, target): each task's metric takes its own entries.
  #eachTask(method, [preds, target]) {
    this.#check(method, preds, target);
    const tasks = [...this.#tasks.keys()];
    return allOrNothing(this.stateParts, (m, i) => m[method](preds[tasks[i]], target[tasks[i]]));
  }

  updateState(inputs) {
    this.#eachTask('update', inputs);
  }

  forwardState(inputs) {
    return this.combineValues(this.#eachTask('forward', inputs));
  }

  // {task: value}, keys with prefix and postfix; the values in task order.
  combineValues(values) {
    return Object.fromEntries(
      [...this.#tasks.keys()].map((t, i) => [`${this.#prefix}${t}${this.#postfix}`, values[i]]),
    );
  }

  mergeState(other) {
    if (other.configHash() !== this.configHash())
      throw new Error('MultitaskWrapper.merge: the wrappers have different tasks or metrics');
    super.mergeState(other);
  }

  configHash() {
    return configHash([...this.#tasks].map(([t, m]) => [t, describeMetric(m)]));
  }

  blobHeader() {
    return { tasks: [...this.#tasks.keys()] };
  }

  clone() {
    return new MultitaskWrapper(Object.fromEntries([...this.#tasks].map(([t, m]) => [t, emptyCopy(m)])), {
      prefix: this.#prefix,
      postfix: this.#postfix,
    });
  }
}

for (const cls of [ClasswiseWrapper, MinMaxMetric, MetricTracker, BootStrapper, MultitaskWrapper])
  installOperators(cls);
