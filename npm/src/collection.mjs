// MetricCollection, as TorchMetrics': several metrics updated with one call, computed to one
// {name: value} object. Compute groups: metrics whose stateKey is equal accumulate identical
// states (MulticlassPrecision, Recall, F1Score, Accuracy... with the same input options), so only
// the first of each group (its leader) is updated; the others are computed from its state.
import { allOrNothing, emptyCopy, requireMetricLike, stateKeyOf, stateSourceOf } from './common.mjs';
import { canonicalJson, hashText } from './blob.mjs';
import { CompositionalMetric } from './compose.mjs';
import { JsMetric } from './js-metric.mjs';

/**
 * Several metrics updated together. `metrics` is `{key: metric}` or an array of metrics (keyed by
 * their names). The collection owns its metrics: dispose() disposes them.
 *
 * Options: `prefix` / `postfix` added to every key of compute() and forward(); `computeGroups`
 * (default true) updates each group of metrics sharing a state once.
 *
 * Inside a collection, a metric that is not the leader of its group is not updated itself: read
 * values through the collection's compute() (or from `leader`'s state with computeFrom()).
 */
export class MetricCollection extends JsMetric {
  #metrics; // Map key -> metric
  #groups; // [{key (state key or null), members: [key...], leader, scratch}]
  #derived; // Map key -> CompositionalMetric whose parts are all entries: computed from their values
  #prefix;
  #postfix;
  #computeGroups;

  constructor(metrics, { prefix = '', postfix = '', computeGroups = true } = {}) {
    super();
    const where = 'MetricCollection';
    if (typeof prefix !== 'string' || typeof postfix !== 'string')
      throw new TypeError(`${where}: prefix and postfix must be strings`);
    let entries;
    if (Array.isArray(metrics)) {
      entries = metrics.map((m, i) => [requireMetricLike(m, `${where}: metrics[${i}]`).name, m]);
    } else if (metrics !== null && typeof metrics === 'object' && !ArrayBuffer.isView(metrics)) {
      entries = Object.entries(metrics).map(([k, m]) => [k, requireMetricLike(m, `${where}: metrics.${k}`)]);
    } else {
      throw new TypeError(`${where}: expected {name: metric} or an array of metrics, got ${String(metrics)}`);
    }
    if (entries.length === 0) throw new Error(`${where}: no metrics given`);
    const seen = new Set();
    for (const [key] of entries) {
      if (seen.has(key))
        throw new Error(`${where}: two metrics named '${key}'; pass {name: metric} to name them apart`);
      seen.add(key);
    }
    this.#metrics = new Map(entries);
    this.#prefix = prefix;
    this.#postfix = postfix;
    this.#computeGroups = Boolean(computeGroups);
    this.#groups = [];
    // An expression of other entries (`{mse, rmse: mse.pow(0.5)}`) is not updated itself: its
    // parts are, once, and its value is computed from theirs.
    const entryMetrics = new Set(entries.map(([, m]) => m));
    this.#derived = new Map(
      entries.filter(([, m]) => m instanceof CompositionalMetric && m.parts.every((part) => entryMetrics.has(part))),
    );
    const byStateKey = new Map();
    for (const [key, m] of entries) {
      if (this.#derived.has(key)) continue;
      const stateKey = this.#computeGroups ? stateKeyOf(m) : null;
      // The same object twice is one state whatever its key.
      const existing = stateKey !== null ? byStateKey.get(stateKey) : this.#groups.find((g) => g.leader === m);
      if (existing) {
        existing.members.push(key);
      } else {
        const group = { key: stateKey, members: [key], leader: m, scratch: null };
        this.#groups.push(group);
        if (stateKey !== null) byStateKey.set(stateKey, group);
      }
    }
  }

  get name() {
    return 'MetricCollection';
  }

  get prefix() {
    return this.#prefix;
  }

  get postfix() {
    return this.#postfix;
  }

  // The group leaders: the metrics updated, merged and saved (one blob section each).
  get stateParts() {
    return this.#groups.map((g) => g.leader);
  }

  get blobType() {
    return { kind: 'collection', name: 'MetricCollection' };
  }

  /** The metrics by key (without prefix/postfix). */
  get metrics() {
    return Object.fromEntries(this.#metrics);
  }

  /** The keys (without prefix/postfix), in order. */
  keys() {
    return [...this.#metrics.keys()];
  }

  /** The compute groups: arrays of keys sharing one state, the first being updated. */
  get computeGroups() {
    return this.#groups.map((g) => [...g.members]);
  }

  #outKey(key) {
    return `${this.#prefix}${key}${this.#postfix}`;
  }

  // {outKey: value} in key order. Per group, `first(g)` is the leader's value and `source(g)` the
  // metric whose state the other members compute from (the same object twice shares the value).
  #values(first, source) {
    const values = new Map();
    for (const g of this.#groups) {
      const value = first(g);
      for (const key of g.members) {
        const m = this.#metrics.get(key);
        values.set(key, m === g.leader ? value : m.computeFrom(source(g)));
      }
    }
    const keyOf = new Map([...this.#metrics].map(([k, m]) => [m, k]).reverse()); // first key of each object
    for (const [key, expr] of this.#derived)
      values.set(
        key,
        expr.valueWith((part) => values.get(keyOf.get(part))),
      );
    return Object.fromEntries([...this.#metrics.keys()].map((k) => [this.#outKey(k), values.get(k)]));
  }

  // update(): every metric once per compute group (JsMetric's default over the leaders).
  // forward(): {key: value on this batch alone}; the batch is accumulated too.
  forwardState(inputs) {
    const shared = (g) => g.key !== null && g.members.some((k) => this.#metrics.get(k) !== g.leader);
    // First the shared groups' batch states, in scratch copies (nothing accumulated changes yet)...
    for (const g of this.#groups) {
      if (!shared(g)) continue;
      g.scratch ??= emptyCopy(g.leader);
      g.scratch.reset();
      g.scratch.update(...inputs);
    }
    // ...then every leader takes the batch, all or nothing: a shared group's leader merges its
    // scratch copy, the others forward the batch.
    const firsts = allOrNothing(
      this.#groups.map((g) => g.leader),
      (m, i) => {
        const g = this.#groups[i];
        if (!shared(g)) return m.forward(...inputs);
        m.merge(g.scratch);
        return undefined;
      },
    );
    const first = new Map(this.#groups.map((g, i) => [g, firsts[i]]));
    return this.#values(
      (g) => (shared(g) ? g.leader.computeFrom(stateSourceOf(g.scratch)) : first.get(g)),
      (g) => stateSourceOf(g.scratch),
    );
  }

  // compute(): {key: value} over everything accumulated.
  computeState() {
    return this.#values(
      (g) => g.leader.compute(),
      (g) => stateSourceOf(g.leader),
    );
  }

  resetState() {
    for (const [key, m] of this.#metrics) if (!this.#derived.has(key)) m.reset();
  }

  // What a blob or a merged collection must agree on: keys, metric configurations, groups.
  configHash() {
    return hashText(
      canonicalJson({
        groups: this.#groups.map((g) => g.members),
        derived: [...this.#derived.keys()],
        metrics: [...this.#metrics].map(([k, m]) => [k, m.name, stateKeyOf(m) ?? String(m)]),
      }),
    );
  }

  // merge(): another collection with the same keys, metrics and groups, leader by leader.
  mergeState(other) {
    if (other.configHash() !== this.configHash()) {
      throw new Error(
        `MetricCollection.merge: the collections differ (keys ${this.keys()} vs ${other.keys()}, or their options or groups)`,
      );
    }
    super.mergeState(other);
  }

  // The blob: a "WMJS" container (blob.mjs) whose header lists the keys of each compute group and
  // whose sections are the group leaders' own blobs.
  blobHeader() {
    return { groups: this.computeGroups };
  }

  /** A collection of empty copies of the metrics, with the same prefix, postfix and grouping. */
  clone() {
    const copies = new Map();
    const copyOf = (m) => {
      if (!copies.has(m)) copies.set(m, emptyCopy(m));
      return copies.get(m);
    };
    const entries = [...this.#metrics].map(([k, m]) => [k, this.#derived.has(k) ? null : copyOf(m)]);
    for (const e of entries) if (e[1] === null) e[1] = this.#derived.get(e[0]).clone(copyOf);
    return new MetricCollection(Object.fromEntries(entries), {
      prefix: this.#prefix,
      postfix: this.#postfix,
      computeGroups: this.#computeGroups,
    });
  }

  // dispose(): every metric of the collection.
  disposeParts() {
    for (const m of new Set(this.#metrics.values())) m.dispose();
    for (const g of this.#groups) g.scratch?.dispose();
  }

  toString() {
    return `MetricCollection(${this.keys().join(', ')})`;
  }
}
