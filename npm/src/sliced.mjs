// SlicedMetric: one metric (or collection) per slice of the rows — per annotator, data source,
// subgroup — plus the overall value, from one update() call.
//
// The routing is plain JS on purpose: the wrapper holds any metric-like object (built-in metrics,
// collections, custom and composed metrics), which a C++ router could not, and routing is one
// pass over the keys (a counting sort into per-slice row lists) and one gather per input, the
// same order of work as the copy into the WASM heap that each update makes anyway. The metric
// arithmetic stays in the wrapped metrics.
import { allOrNothing, emptyCopy, requireMetricLike, stateKeyOf } from './common.mjs';
import { canonicalJson, hashText } from './blob.mjs';
import { JsMetric } from './js-metric.mjs';
import { rowCount, takeRows } from './resample.mjs';

// A cap on the slices: each is a full copy of the metric. A slice column of unique row ids is a
// mistake that would otherwise make one WASM metric per row.
const DEFAULT_MAX_SLICES = 1000;
const MAX_MAX_SLICES = 100_000;

const describeKey = (k) => (typeof k === 'string' ? JSON.stringify(k) : String(k));

/** Ints before strings; ints by value, strings by code unit. */
export function compareSliceKeys(a, b) {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function normalizeKey(k, where) {
  if (typeof k === 'string') return k;
  if (typeof k === 'bigint') {
    if (k < BigInt(Number.MIN_SAFE_INTEGER) || k > BigInt(Number.MAX_SAFE_INTEGER))
      throw new RangeError(`${where}: slice key ${k}n is not a safe integer`);
    return Number(k);
  }
  if (typeof k === 'number' && Number.isSafeInteger(k)) return Object.is(k, -0) ? 0 : k;
  throw new TypeError(
    `${where}: slice keys must be integers or strings, got ${typeof k === 'number' ? k : (describeKey(k) ?? typeof k)}`,
  );
}

// The slice keys of a batch as an array of ints/strings (one per row).
function readKeys(keys, where) {
  let list;
  if (Array.isArray(keys) || ArrayBuffer.isView(keys)) list = keys;
  else if (keys !== null && typeof keys === 'object' && 'data' in keys && ArrayBuffer.isView(keys.data)) {
    if (keys.shape !== undefined && (keys.shape.length !== 1 || keys.shape[0] !== keys.data.length)) {
      throw new RangeError(`${where}: slice keys must be one per row (shape [N]), got shape [${keys.shape}]`);
    }
    list = keys.data;
  } else {
    throw new TypeError(
      `${where}: the last update() argument must be the slice keys, one int or string per row (an array or typed array), got ${keys === null ? 'null' : typeof keys}`,
    );
  }
  const out = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = normalizeKey(list[i], where);
    } catch (e) {
      e.message = `${e.message} (row ${i})`;
      throw e;
    }
  }
  return out;
}

/**
 * Per-slice values of a metric or collection: `update(...inputs, sliceKeys)` routes each row (dim
 * 0 of every input) to the slice named by its key (an integer or a string; 1 and '1' are different
 * slices) and also to the overall metric. compute() returns `{overall, slices: [{key, value,
 * count}]}`, slices sorted by key (ints first), `count` the rows the slice received, `value` null
 * for a slice with no row (one declared with `keys`). Owns `metric` (it becomes the overall metric:
 * give a fresh one); each slice is an empty copy of it. Mergeable (slices of both sides, created
 * where missing) and saveable as one blob. A refused update changes nothing, no slice is created.
 */
export class SlicedMetric extends JsMetric {
  #overall;
  #slices = new Map(); // key -> {metric, count}
  #declared;
  #maxSlices;

  constructor(metric, { keys = [], maxSlices = DEFAULT_MAX_SLICES } = {}) {
    super();
    requireMetricLike(metric, 'SlicedMetric');
    if (!Number.isSafeInteger(maxSlices) || maxSlices < 1 || maxSlices > MAX_MAX_SLICES) {
      throw new RangeError(`SlicedMetric: maxSlices must be an integer from 1 to ${MAX_MAX_SLICES}, got ${maxSlices}`);
    }
    if (!Array.isArray(keys))
      throw new TypeError('SlicedMetric: keys must be an array of the slice keys to report even when empty');
    const declared = readKeys(keys, 'SlicedMetric: keys');
    if (new Set(declared).size !== declared.length) throw new Error('SlicedMetric: keys must be distinct');
    if (declared.length > maxSlices)
      throw new RangeError(`SlicedMetric: ${declared.length} keys declared but maxSlices is ${maxSlices}`);
    this.#overall = metric;
    this.#maxSlices = maxSlices;
    this.#declared = declared;
    for (const k of declared) this.#slices.set(k, { metric: emptyCopy(metric), count: 0 });
  }

  get name() {
    return `SlicedMetric(${this.#overall.name})`;
  }

  /** The overall metric (every row). */
  get metric() {
    return this.#overall;
  }

  // The overall metric, then each slice's in key order (the blob's sections).
  get stateParts() {
    return [this.#overall, ...this.keys.map((k) => this.#slices.get(k).metric)];
  }

  get blobType() {
    return { kind: 'wrapper', name: 'SlicedMetric' };
  }

  get maxSlices() {
    return this.#maxSlices;
  }

  /** The slice keys seen or declared, sorted (ints first). */
  get keys() {
    return [...this.#slices.keys()].sort(compareSliceKeys);
  }

  // Splits a batch by slice: [{key, inputs, count}] in first-seen order, every input gathered once.
  #route(method, inputs) {
    const where = `${this.name}.${method}`;
    if (inputs.length < 2)
      throw new Error(
        `${where}: expected the metric's inputs followed by the slice keys, e.g. update(preds, target, groups)`,
      );
    const metricInputs = inputs.slice(0, -1);
    const keys = readKeys(inputs[inputs.length - 1], `${where}: slice keys`);
    const n = keys.length;
    metricInputs.forEach((x, i) => {
      const c = rowCount(x, `${where}: input ${i}`);
      if (c !== null && c !== n)
        throw new RangeError(
          `${where}: input ${i} has ${c} rows but the slice keys are ${n}; give one key per row (dim 0)`,
        );
    });
    const order = new Map(); // key -> slot
    const slot = new Int32Array(n);
    const counts = [];
    for (let i = 0; i < n; i++) {
      let s = order.get(keys[i]);
      if (s === undefined) {
        s = order.size;
        order.set(keys[i], s);
        counts.push(0);
      }
      slot[i] = s;
      counts[s]++;
    }
    const fresh = [...order.keys()].filter((k) => !this.#slices.has(k));
    if (this.#slices.size + fresh.length > this.#maxSlices) {
      throw new RangeError(
        `${where}: this batch would make ${this.#slices.size + fresh.length} slices, more than maxSlices ${this.#maxSlices} ` +
          `(new keys such as ${fresh.slice(0, 3).map(describeKey).join(', ')}); is the slice column an id? raise maxSlices if not`,
      );
    }
    if (order.size === 1) return [{ key: keys[0], inputs: metricInputs, count: n }];
    const rows = counts.map((c) => new Array(c));
    const filled = new Int32Array(counts.length);
    for (let i = 0; i < n; i++) rows[slot[i]][filled[slot[i]]++] = i;
    return [...order.keys()].map((key, s) => ({
      key,
      inputs: metricInputs.map((x, i) => takeRows(x, rows[s], n, `${where}: input ${i}`)),
      count: counts[s],
    }));
  }

  // One call on the overall metric and on every slice in the batch, all or nothing (new slices too).
  #apply(method, inputs) {
    const parts = this.#route(method, inputs);
    const created = parts.filter((p) => !this.#slices.has(p.key)).map((p) => [p.key, emptyCopy(this.#overall)]);
    const newMetric = new Map(created);
    const metrics = [this.#overall, ...parts.map((p) => newMetric.get(p.key) ?? this.#slices.get(p.key).metric)];
    let values;
    try {
      values = allOrNothing(metrics, (m, i) => m[method](...(i === 0 ? inputs.slice(0, -1) : parts[i - 1].inputs)));
    } catch (e) {
      for (const [, m] of created) m.dispose();
      throw e;
    }
    for (const [key, metric] of created) this.#slices.set(key, { metric, count: 0 });
    parts.forEach((p) => {
      this.#slices.get(p.key).count += p.count;
    });
    return {
      overall: values[0],
      slices: parts
        .map((p, i) => ({ key: p.key, value: values[i + 1], count: p.count }))
        .sort((a, b) => compareSliceKeys(a.key, b.key)),
    };
  }

  // update(): the rows into the overall metric and each row into its slice; the last argument is the slice keys.
  updateState(inputs) {
    this.#apply('update', inputs);
  }

  // forward(): the batch's own values (`{overall, slices}`, only the slices in the batch); accumulated too.
  forwardState(inputs) {
    return this.#apply('forward', inputs);
  }

  // compute(): `{overall, slices: [{key, value, count}]}`, slices sorted by key; value null for an empty slice.
  computeState() {
    return {
      overall: this.#overall.compute(),
      slices: this.keys.map((key) => {
        const { metric, count } = this.#slices.get(key);
        return { key, value: count === 0 ? null : metric.compute(), count };
      }),
    };
  }

  // reset() empties every slice; slices not declared with `keys` are dropped.
  resetState() {
    this.#overall.reset();
    for (const [key, s] of [...this.#slices]) {
      if (this.#declared.includes(key)) {
        s.metric.reset();
        s.count = 0;
      } else {
        s.metric.dispose();
        this.#slices.delete(key);
      }
    }
  }

  configHash() {
    // the name too: metrics of one compute group (BinaryAccuracy, BinaryF1Score) share a stateKey
    return hashText(canonicalJson([this.#overall.name, stateKeyOf(this.#overall) ?? String(this.#overall)]));
  }

  // merge(): another SlicedMetric of the same metric, slice by slice, adding the slices it lacks.
  mergeState(other) {
    if (other.configHash() !== this.configHash())
      throw new Error(`${this.name}.merge: the other SlicedMetric wraps another metric (${other.name})`);
    const theirs = [...other.#slices];
    const fresh = theirs.filter(([k]) => !this.#slices.has(k));
    if (this.#slices.size + fresh.length > this.#maxSlices) {
      throw new RangeError(
        `${this.name}.merge: the merge would make ${this.#slices.size + fresh.length} slices, more than maxSlices ${this.#maxSlices}`,
      );
    }
    const created = new Map(fresh.map(([k]) => [k, emptyCopy(this.#overall)]));
    const metrics = [this.#overall, ...theirs.map(([k]) => created.get(k) ?? this.#slices.get(k).metric)];
    try {
      allOrNothing(metrics, (m, i) => m.merge(i === 0 ? other.#overall : theirs[i - 1][1].metric));
    } catch (e) {
      for (const m of created.values()) m.dispose();
      throw e;
    }
    for (const [k, metric] of created) this.#slices.set(k, { metric, count: 0 });
    for (const [k, s] of theirs) this.#slices.get(k).count += s.count;
  }

  // The blob: the keys and row counts in the header, the overall state and each slice's state.
  blobHeader() {
    const keys = this.keys;
    return { keys, counts: keys.map((k) => this.#slices.get(k).count) };
  }

  loadSections(header, sections, where) {
    const { keys, counts } = header;
    const refuse = (why) => {
      throw new Error(`${where}: refusing the state blob: ${why}`);
    };
    if (
      !Array.isArray(keys) ||
      !Array.isArray(counts) ||
      keys.length !== counts.length ||
      sections.length !== keys.length + 1
    ) {
      refuse('its keys, row counts and sections do not agree');
    }
    if (!keys.every((k) => typeof k === 'string' || Number.isSafeInteger(k)) || new Set(keys).size !== keys.length)
      refuse('its slice keys are not distinct ints or strings');
    if (!counts.every((c) => Number.isSafeInteger(c) && c >= 0)) refuse('a row count is not a non-negative integer');
    const all = new Set([...keys, ...this.#declared]);
    if (all.size > this.#maxSlices) refuse(`it has ${all.size} slices, more than maxSlices ${this.#maxSlices}`);
    const loaded = new Map(keys.map((k) => [k, emptyCopy(this.#overall)]));
    const parts = [this.#overall, ...loaded.values()];
    try {
      allOrNothing(parts, (m, i) => m.loadState(sections[i]), { replaces: true });
    } catch (e) {
      for (const m of loaded.values()) m.dispose();
      throw e;
    }
    for (const s of this.#slices.values()) s.metric.dispose();
    this.#slices = new Map(keys.map((k, i) => [k, { metric: loaded.get(k), count: counts[i] }]));
    for (const k of this.#declared)
      if (!this.#slices.has(k)) this.#slices.set(k, { metric: emptyCopy(this.#overall), count: 0 });
  }

  /** An empty SlicedMetric with the same metric configuration, declared keys and cap. */
  clone() {
    return new SlicedMetric(emptyCopy(this.#overall), { keys: this.#declared, maxSlices: this.#maxSlices });
  }

  // dispose(): the overall metric and every slice.
  disposeParts() {
    this.#overall.dispose();
    for (const s of this.#slices.values()) s.metric.dispose();
    this.#slices.clear();
  }
}
