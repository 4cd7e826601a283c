// What collections, compositions and wrappers need from the metrics they hold. A "metric-like"
// object has update / forward / compute / reset / merge / saveState / loadState / dispose and a
// name: built-in metrics (Metric), custom ones (defineMetric), and the classes of this layer.
// Optional: `stateKey` (equal keys accumulate identical states), `computeFrom(source)`,
// `stateSource` (the object whose state computeFrom reads), and `clone()` (an empty copy).
import { Metric, UnlistedMetric } from './metric.mjs';

const METHODS = ['update', 'forward', 'compute', 'reset', 'merge', 'saveState', 'loadState', 'dispose'];

export function isMetricLike(m) {
  return m !== null && typeof m === 'object' && METHODS.every((k) => typeof m[k] === 'function');
}

export function requireMetricLike(m, where) {
  if (!isMetricLike(m)) {
    const what =
      m === null
        ? 'null'
        : typeof m === 'object'
          ? `an object (${m.constructor?.name ?? 'no prototype'})`
          : `${typeof m} ${String(m)}`;
    throw new TypeError(`${where}: expected a metric (update, compute, merge, saveState...), got ${what}`);
  }
  return m;
}

/** A new, empty metric with the same class and configuration as `m`. */
export function emptyCopy(m) {
  if (m instanceof UnlistedMetric) return new UnlistedMetric(m.name, m.options);
  if (m instanceof Metric) return new m.constructor(m.options);
  if (typeof m.clone === 'function') return m.clone();
  throw new TypeError(`${m.name ?? m}: cannot make an empty copy (no clone() method)`);
}

/** The key of the state `m` accumulates, or null when it shares its state with nothing. */
export function stateKeyOf(m) {
  try {
    const key = m.stateKey;
    return typeof key === 'string' && typeof m.computeFrom === 'function' ? key : null;
  } catch {
    return null;
  }
}

/** The object whose state computeFrom() reads when `m` leads a compute group. */
export const stateSourceOf = (m) => m.stateSource ?? m;

/** Guards the methods of this layer's classes after dispose(). */
export function checkAlive(obj, disposed, method) {
  if (disposed) throw new Error(`${obj.name}.${method}: this metric was disposed; create a new one`);
}

export function checkSameClass(self, other, where) {
  if (!(other instanceof self.constructor)) {
    throw new TypeError(
      `${where}: expected another ${self.constructor.name}, got ${other?.constructor?.name ?? String(other)}`,
    );
  }
}

// Scratch copies for allOrNothing, one per built-in metric that took part in a call.
const scratchCopies = new WeakMap();

function scratchOf(m) {
  let s = scratchCopies.get(m);
  if (s === undefined) {
    s = emptyCopy(m);
    scratchCopies.set(m, s);
  } else {
    s.reset();
  }
  return s;
}

/**
 * Makes one call on every part of a wrapper or composite so that a refusal by any part changes
 * none of them (README: a rejected call leaves the state unchanged). `call(m, i)` makes part i's
 * share of the call on `m` and returns its value; the values come back in part order.
 * A built-in metric takes its share on an empty scratch copy first (which checks the batch, blob
 * or merge without touching the part); once every part has accepted, it merges that copy in
 * (`replaces`: the call is made again on the part, for loadState). Other parts (wrappers, custom
 * metrics) are saved before their call and restored if a later part refuses.
 */
export function allOrNothing(parts, call, { replaces = false } = {}) {
  if (parts.length <= 1) return parts.map((m, i) => call(m, i));
  const values = new Array(parts.length);
  const staged = parts.map((m) => m instanceof Metric);
  const scratch = new Array(parts.length);
  const saved = [];
  try {
    parts.forEach((m, i) => {
      if (!staged[i]) return;
      scratch[i] = scratchOf(m);
      values[i] = call(scratch[i], i);
    });
    parts.forEach((m, i) => {
      if (staged[i]) return;
      saved.push([m, m.saveState()]);
      values[i] = call(m, i);
    });
  } catch (e) {
    for (const [m, blob] of saved.reverse()) m.loadState(blob);
    for (const s of scratch) s?.reset();
    throw e;
  }
  parts.forEach((m, i) => {
    if (!staged[i]) return;
    if (replaces) call(m, i);
    else m.merge(scratch[i]);
    scratch[i].reset();
  });
  return values;
}
