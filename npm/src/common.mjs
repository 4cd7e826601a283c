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
    const what = m === null ? 'null' : typeof m === 'object' ? `an object (${m.constructor?.name ?? 'no prototype'})` : `${typeof m} ${String(m)}`;
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
    throw new TypeError(`${where}: expected another ${self.constructor.name}, got ${other?.constructor?.name ?? String(other)}`);
  }
}

export function addDisposeSymbol(cls) {
  if (typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(cls.prototype, Symbol.dispose, {
      value: function dispose() {
        this.dispose();
      },
      writable: true,
      configurable: true,
    });
  }
}
