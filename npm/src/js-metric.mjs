// JsMetric: the protocol of every metric-like class written in JS (the wrappers of wrappers.mjs,
// MetricCollection, CompositionalMetric, CustomMetric, SlicedMetric), written once. As the
// engine's Metric base (src/wasmetrics/core/metric.hpp) does in C++, each public method here
// checks what every class checks (alive, the same class on merge, the blob's kind, name and
// configuration on load) and then calls a hook; a subclass writes only what differs:
//   stateParts        the metrics whose states make up this one's state, in blob order: the
//                     default hooks make the same call on each of them, all or nothing
//                     (common.mjs allOrNothing: a refusal by any part changes none)
//   combineValues()   the value from the parts' values (the default forward and compute)
//   blobType          {kind, name} of its "WMJS" state blob (blob.mjs), configHash() the
//                     configuration a loaded blob or a merged-in instance must match,
//                     blobHeader() the header fields beyond those
// and overrides a hook (updateState, forwardState, computeState, resetState, mergeState,
// saveSections, loadSections, disposeParts; encodeState / decodeState for a blob of another
// form) where its call is not "the same call on each part".
import { allOrNothing, checkAlive, checkSameClass } from './common.mjs';
import { addDisposeSymbol } from './dispose-symbol.mjs';
import { decodeBlob, encodeBlob } from './blob.mjs';

export class JsMetric {
  #disposed = false;

  /** True after dispose(). */
  get disposed() {
    return this.#disposed;
  }

  /** Throws the layer's disposed error if dispose() was called; `method` names the call refused. */
  assertAlive(method) {
    checkAlive(this, this.#disposed, method);
  }

  /** Folds a batch into the state. */
  update(...inputs) {
    this.assertAlive('update');
    this.updateState(inputs);
  }

  /** The value on this batch alone; the batch is accumulated too. */
  forward(...inputs) {
    this.assertAlive('forward');
    return this.forwardState(inputs);
  }

  /** The value over everything accumulated. */
  compute() {
    this.assertAlive('compute');
    return this.computeState();
  }

  reset() {
    this.assertAlive('reset');
    this.resetState();
  }

  /** Folds in another instance of the same class and configuration. */
  merge(other) {
    this.assertAlive('merge');
    checkSameClass(this, other, `${this.name}.merge`);
    other.assertAlive('merge (the metric merged in)');
    this.mergeState(other);
  }

  /** The state as one blob (blob.mjs), for loadState() of an instance of the same configuration. */
  saveState() {
    this.assertAlive('saveState');
    return this.encodeState();
  }

  /** Replaces the state with a saveState() blob; a refused blob changes nothing. */
  loadState(blob) {
    this.assertAlive('loadState');
    this.decodeState(blob, `${this.name}.loadState`);
  }

  /** Idempotent; any later use throws. Disposes what the instance owns (disposeParts). */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.disposeParts();
  }

  // ---- hooks: by default the same call on every part of stateParts --------------------------

  updateState(inputs) {
    allOrNothing(this.stateParts, (m) => m.update(...inputs));
  }

  forwardState(inputs) {
    return this.combineValues(
      allOrNothing(this.stateParts, (m) => m.forward(...inputs)),
      'forward',
    );
  }

  computeState() {
    return this.combineValues(
      this.stateParts.map((m) => m.compute()),
      'compute',
    );
  }

  resetState() {
    for (const m of this.stateParts) m.reset();
  }

  // `other` is alive and of this class; a subclass checks its configuration, then calls this.
  mergeState(other) {
    const theirs = other.stateParts;
    allOrNothing(this.stateParts, (m, i) => m.merge(theirs[i]));
  }

  /** Header fields of the blob beyond kind, name and optionsHash. */
  blobHeader() {
    return {};
  }

  /** The blob's sections: by default each part's own blob. */
  saveSections() {
    return this.stateParts.map((m) => m.saveState());
  }

  encodeState() {
    return encodeBlob({ ...this.blobType, optionsHash: this.configHash(), ...this.blobHeader() }, this.saveSections());
  }

  decodeState(blob, where) {
    const { header, sections } = decodeBlob(blob, where, { ...this.blobType, optionsHash: this.configHash() });
    this.loadSections(header, sections, where);
  }

  // One section per part; a subclass checks its own header fields first, then calls this.
  loadSections(_header, sections, where) {
    const parts = this.stateParts;
    if (sections.length !== parts.length) {
      throw new Error(
        `${where}: refusing the state blob: it holds ${sections.length} states, expected ${parts.length}`,
      );
    }
    allOrNothing(parts, (m, i) => m.loadState(sections[i]), { replaces: true });
  }

  disposeParts() {
    for (const m of this.stateParts) m.dispose();
  }
}
addDisposeSymbol(JsMetric);
