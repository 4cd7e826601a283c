// The Metric base class: a thin owner of one native (Embind) metric. No metric logic lives here:
// inputs are converted and copied, calls are forwarded, results are copied out.
import { getWasm } from './loader.mjs';
import { forEachHeapPart, fromNativeResult, toInputTensor, withHeapBytes, withHeapTensors } from './tensor.mjs';
import { toTextInput } from './text.mjs';
import { wasmetricsError, withCode } from './errors.mjs';
import { addDisposeSymbol } from './dispose-symbol.mjs';
import SPECS from 'wasmetrics:specs';
import REGISTRY_ZLIB from 'wasmetrics:registry';

let registryCache = null;

// The full registry (every spec with its examples) as scripts/build.mjs read it from the engine's
// registryJson(), shipped zlib-compressed (base64) and inflated and parsed on first use: building
// it in the engine took most of a second (every spec, every example parsed, ~1 MB copied out
// through Embind).
function registry(what) {
  getWasm(what); // the package's rule: init() first
  if (registryCache === null) {
    // Required here, not imported: esbuild then evaluates fflate (whose top level builds its
    // Huffman tables) on the first listMetrics(), not at every start (issue 18).
    const { strFromU8, unzlibSync } = require('./inflate.mjs');
    const zlib = Uint8Array.from(atob(REGISTRY_ZLIB), (c) => c.charCodeAt(0));
    const parsed = JSON.parse(strFromU8(unzlibSync(zlib)));
    registryCache = { parsed, byName: new Map(parsed.metrics.map((m) => [m.name, m])) };
  }
  return registryCache;
}

const optionInfo = ({ name, camelName, ...rest }) => ({ name: camelName, snakeName: name, ...structuredClone(rest) });

/**
 * What a metric instance needs of its registry entry (inputs; options' names and types), from the
 * table scripts/build.mjs generates ('wasmetrics:specs'): creating a metric never parses the whole
 * registry. A name not in the table falls back to the registry (which has no more names: undefined).
 */
export function metricSpec(name) {
  if (!Object.hasOwn(SPECS, name)) return registry(name).byName.get(name);
  let spec = decodedSpecs.get(name);
  if (!spec) decodedSpecs.set(name, (spec = decodeSpec(SPECS[name])));
  return spec;
}

const decodedSpecs = new Map();
let specIndex = null;
// A metric's position in the registry ('wasmetrics:specs' is in registry order), or -1: the engine
// then builds only that metric's spec to create it (it checks the name; a stale table is harmless).
function registryIndex(name) {
  specIndex ??= new Map(Object.keys(SPECS).map((n, i) => [n, i]));
  return specIndex.get(name) ?? -1;
}
const words = (text) => (text === '' ? [] : text.split(' '));
const camelCase = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

// [inputs, options] as scripts/build.mjs writes them: 'name[=kind][?] ...', 'snake_name[#] ...'
function decodeSpec([inputs, options]) {
  return {
    inputs: words(inputs).map((w) => {
      const m = /^([^=?]+)(?:=([a-z_]+))?(\?)?$/.exec(w);
      return { name: m[1], kind: m[2] ?? 'tensor', optional: m[3] === '?' };
    }),
    options: words(options).map((w) => {
      const name = w.replace(/#$/, '');
      return { name, camelName: camelCase(name), type: w.endsWith('#') ? 'number_list' : 'other' };
    }),
  };
}

/** The registered metrics: name, family, doc, inputs, options and queries (camelCase names). */
export function listMetrics() {
  return registry('listMetrics()').parsed.metrics.map((m) => ({
    name: m.name,
    family: m.family,
    doc: m.doc,
    inputs: m.inputs.map((i) => ({ ...i })),
    options: m.options.map(optionInfo),
    queries: m.queries.map((q) => ({
      name: q.camelName,
      snakeName: q.name,
      doc: q.doc,
      options: q.options.map(optionInfo),
    })),
    batching: m.batching,
    rejectsMismatchedRows: m.rejectsMismatchedRows,
    // worked examples in the conformance fixtures' JSON conventions (snake_case args, batches of
    // {dtype, shape, data} tensors keyed by update() input, expected RESULT): a fresh copy per call
    examples: structuredClone(m.examples ?? []),
    // what compute() returns where the registry declares it (npm/scripts/result-types.mjs's form)
    result: structuredClone(m.result ?? null),
  }));
}

// The safety net for a metric that was never disposed: delete the native object once the JS
// wrapper is garbage. The held value is the Embind handle (never the wrapper itself).
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((native) => {
        if (!native.isDeleted()) native.delete();
      })
    : null;

// code: E_OPTION for a metric's options, E_QUERY for a query's; `metric` names the metric in the error.
function optionsJson(metricName, options, code = 'E_OPTION', metric = metricName) {
  if (options === undefined || options === null) return '{}';
  if (typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw withCode(
      new TypeError(`${metricName}: options must be an object such as {numClasses: 3}, got ${String(options)}`),
      code,
      metric,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      throw withCode(
        new Error(`${metricName}: option '${key}' holds ${String(value)}; options cannot carry NaN or Infinity`),
        code,
        metric,
      );
    }
  }
  return JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
}

// With `labels`, a per-class list option (e.g. the per-label `threshold`) may be given as an
// object keyed by label, as bestThresholds() returns it; it becomes the array in label order.
function listsByLabel(metricName, spec, options) {
  const labels = options?.labels;
  if (!Array.isArray(labels)) return options;
  let out = options;
  for (const o of spec.options) {
    if (o.type !== 'number_list') continue;
    const key = o.camelName in options ? o.camelName : o.name;
    const value = options[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) continue;
    const unknown = Object.keys(value).filter((k) => !labels.includes(k));
    const missing = labels.filter((l) => !Object.hasOwn(value, l));
    if (unknown.length || missing.length) {
      throw withCode(
        new Error(
          `${metricName}: option '${key}' keyed by label must have one value per label in \`labels\`` +
            `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
        ),
        'E_OPTION',
        metricName,
      );
    }
    out = { ...out, [key]: labels.map((l) => value[l]) };
  }
  return out;
}

function blobBytes(blob, where, metric) {
  if (blob instanceof ArrayBuffer) return new Uint8Array(blob);
  if (ArrayBuffer.isView(blob)) return new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  throw withCode(
    new TypeError(`${where}: the state must be a Uint8Array (from saveState()) or an ArrayBuffer`),
    'E_STATE_BLOB',
    metric,
  );
}

/**
 * Base of every metric class. Construct a subclass (`new MeanSquaredError({squared: false})`) or
 * use `createMetric(name, options)`, after `await init()`. Call `dispose()` when done (or use
 * `using`): the native state lives in the WebAssembly heap, not in the JS garbage-collected heap.
 */
export class Metric {
  #native;
  #name;
  #inputNames;
  #inputKinds;
  #camelNames;
  #task = null; // the `task` given to a task wrapper (see the constructor)
  #split = null; // how the engine may take a batch in parts (tensor.mjs SPLIT_*; 0: never), asked once

  /**
   * Bytes of all inputs together copied into the WebAssembly heap per part when a large batch of
   * typed arrays is given to update()/forward() of a metric whose engine takes batches in parts
   * (e.g. PeakSignalNoiseRatio): each part is folded while it is in cache. 0 sends every batch
   * whole. The state and values are the same either way (up to the rounding of sums).
   */
  static inputSliceBytes = 512 * 1024;

  constructor(name, options) {
    if (new.target === Metric) {
      throw withCode(
        new TypeError('Metric is abstract: use a metric class (new MeanSquaredError()) or createMetric(name, options)'),
        'E_UNKNOWN_METRIC',
      );
    }
    if (typeof name !== 'string') {
      throw withCode(
        new TypeError(`createMetric: the metric name must be a string, got ${String(name)}`),
        'E_UNKNOWN_METRIC',
      );
    }
    const M = getWasm(`new ${name}()`);
    const spec = metricSpec(name);
    // throws for unknown names/options
    this.#native = new M.NativeMetric(
      name,
      optionsJson(name, spec ? listsByLabel(name, spec, options) : options),
      registryIndex(name),
    );
    this.#name = name;
    // A task wrapper (Accuracy, ...) makes the task-specific metric, whose options lack `task`:
    // kept here so that `options` (and `new m.constructor(m.options)`) name the task again.
    this.#task =
      spec?.options.some((o) => o.name === 'task') && options && typeof options === 'object'
        ? (options.task ?? null)
        : null;
    this.#inputNames = spec.inputs.map((i) => i.name);
    this.#inputKinds = spec.inputs.map((i) => i.kind ?? 'tensor');
    this.#camelNames = new Map(spec.options.map((o) => [o.name, o.camelName]));
    finalizer?.register(this, this.#native, this);
  }

  #alive(method) {
    if (this.#native === null) {
      throw wasmetricsError(
        'E_DISPOSED',
        `${this.#name}.${method}: this metric was disposed; create a new one`,
        this.#name,
      );
    }
    return this.#native;
  }

  // merge / computeFrom take another native-backed metric (a JS-side metric has no native state).
  #expectMetric(method, other) {
    if (!(other instanceof Metric)) {
      throw withCode(
        new TypeError(`${this.#name}.${method}: expected a metric, got ${String(other)}`),
        'E_STATE_MISMATCH',
        this.#name,
      );
    }
  }

  // `parts(native)`: how to end a batch given in parts (update: endParts, forward: forwardParts).
  #withInputs(method, inputs, fn, parts = null) {
    const native = this.#alive(method);
    let n = inputs.length;
    while (n > 0 && inputs[n - 1] === undefined) n--; // trailing optional inputs left out
    const tensors = [];
    for (let i = 0; i < n; i++) {
      const name = this.#inputNames[i] ?? `input ${i}`;
      const where = `${this.#name}.${method}: \`${name}\``;
      const kind = this.#inputKinds[i] ?? 'tensor';
      try {
        tensors.push(kind === 'tensor' ? toInputTensor(inputs[i], where) : toTextInput(inputs[i], kind, where));
      } catch (e) {
        throw withCode(e, 'E_INPUT', this.#name); // a wrong type, a ragged array...: refused before the engine
      }
    }
    const M = getWasm(`${this.#name}.${method}`);
    if (parts && this.#foldInParts(M, native, tensors)) return parts(native);
    return withHeapTensors(M, tensors, (descriptors, flat) => fn(native, descriptors, flat));
  }

  // A large batch of typed arrays copied and folded a part at a time (tensor.mjs forEachHeapPart)
  // where the engine declares how this metric's batches may be cut; false: send it whole. A refused
  // part (the engine dropped the parts, the state is unchanged) is false too: the whole batch then
  // throws the error it would have thrown, with its own shapes and indices.
  #foldInParts(M, native, tensors) {
    this.#split ??= native.split();
    if (this.#split === 0) return false;
    let begun = false;
    try {
      return forEachHeapPart(M, tensors, this.#split, Metric.inputSliceBytes, (at) => {
        if (!begun) native.beginParts();
        begun = true;
        native.updatePartFlat(at, tensors.length);
      });
    } catch {
      return false;
    }
  }

  /** The metric's registered name, e.g. "MeanSquaredError". */
  get name() {
    return this.#name;
  }

  /** The validated options, every option present, camelCase keys. */
  get options() {
    const snake = JSON.parse(this.#alive('options').optionsJson());
    const out = Object.fromEntries(Object.entries(snake).map(([k, v]) => [this.#camelNames.get(k) ?? k, v]));
    if (this.#task !== null && !Object.hasOwn(out, 'task')) return { task: this.#task, ...out };
    return out;
  }

  /** Bytes of accumulated state in the WebAssembly heap. */
  get stateBytes() {
    return this.#alive('stateBytes').stateBytes();
  }

  /** True after dispose(). */
  get disposed() {
    return this.#native === null;
  }

  /** Folds a batch into the state. Inputs in the order of the metric's update() arguments. */
  update(...inputs) {
    this.#withInputs(
      'update',
      inputs,
      (native, d, flat) => (flat ? native.updateFlat(flat, d.length) : native.update(d)),
      (native) => native.endParts(),
    );
  }

  /** The value on this batch alone; the batch is accumulated too. */
  forward(...inputs) {
    return fromNativeResult(
      this.#withInputs(
        'forward',
        inputs,
        (native, d, flat) => (flat ? native.forwardFlat(flat, d.length) : native.forward(d)),
        (native) => native.forwardParts(),
      ),
    );
  }

  /** The value over everything accumulated since construction or the last reset(). */
  compute() {
    return fromNativeResult(this.#alive('compute').compute());
  }

  reset() {
    this.#alive('reset').reset();
  }

  /** Folds another instance's state into this one (same metric and options). */
  merge(other) {
    const native = this.#alive('merge');
    this.#expectMetric('merge', other);
    native.merge(other.#alive('merge (the metric merged in)'));
  }

  /** A versioned binary copy of the state. */
  saveState() {
    return this.#alive('saveState').saveState();
  }

  /**
   * Compute groups: metrics with equal keys accumulate identical states (e.g. MulticlassPrecision
   * and MulticlassRecall with the same input options), so one can be computed from another's state.
   */
  get stateKey() {
    return this.#alive('stateKey').stateKey();
  }

  /** This metric's value computed from `source`'s state; their stateKey must be equal. */
  computeFrom(source) {
    const native = this.#alive('computeFrom');
    this.#expectMetric('computeFrom', source);
    return fromNativeResult(native.computeFrom(source.#alive('computeFrom (the source metric)')));
  }

  /**
   * A named analysis of the accumulated state beyond compute(), declared in the registry (the
   * generated classes expose each as a method, e.g. `bestThresholds(options)`).
   */
  query(name, options) {
    const native = this.#alive(name);
    return fromNativeResult(native.query(name, optionsJson(`${this.#name}.${name}`, options, 'E_QUERY', this.#name)));
  }

  /** Replaces the state with one from saveState() of the same metric and options. */
  loadState(blob) {
    const native = this.#alive('loadState');
    const bytes = blobBytes(blob, `${this.#name}.loadState`, this.#name);
    withHeapBytes(getWasm(`${this.#name}.loadState`), bytes, (ptr, size) => native.loadState(ptr, size));
  }

  /** Frees the native state. Idempotent; any later use throws. */
  dispose() {
    if (this.#native === null) return;
    finalizer?.unregister(this);
    const native = this.#native;
    this.#native = null;
    native.delete();
  }

  toString() {
    return this.#native === null ? `${this.#name} (disposed)` : `${this.#name}(${this.#native.optionsJson()})`;
  }
}

addDisposeSymbol(Metric); // `using m = new MeanSquaredError()` disposes at the end of the block

/** A metric without a generated class (a name the wasm knows but this JS build does not). */
export class UnlistedMetric extends Metric {}
