// Arithmetic on metrics, as TorchMetrics' CompositionalMetric: `a.add(b)`, `a.div(2)`,
// `a.sub(b).abs()`... give a metric whose value is that expression of its parts' values. Updating
// it updates every distinct part once (a metric used twice in the expression is updated once).
// Values combine element-wise: numbers, Tensors of equal shape (or a Tensor with a number), and
// objects / arrays of those key by key.
import { Tensor } from './tensor.mjs';
import { emptyCopy, requireMetricLike } from './common.mjs';
import { hashText } from './blob.mjs';
import { JsMetric } from './js-metric.mjs';

const BINARY = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => x ** y,
};
const UNARY = {
  abs: Math.abs,
  neg: (x) => -x,
};
const SYMBOL = { add: '+', sub: '-', mul: '*', div: '/', pow: '**' };

function shapeEqual(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** f applied element-wise to two results (numbers, Tensors, objects or arrays of those). */
export function elementwise(f, x, y, where) {
  if (typeof x === 'number' && typeof y === 'number') return f(x, y);
  if (x instanceof Tensor || y instanceof Tensor) {
    if (typeof x === 'number')
      return new Tensor(
        y.data.map((v) => f(x, v)),
        y.shape,
      );
    if (typeof y === 'number')
      return new Tensor(
        x.data.map((v) => f(v, y)),
        x.shape,
      );
    if (x instanceof Tensor && y instanceof Tensor) {
      if (!shapeEqual(x.shape, y.shape)) {
        throw new Error(`${where}: cannot combine tensors of shapes [${x.shape}] and [${y.shape}]`);
      }
      return new Tensor(
        x.data.map((v, i) => f(v, y.data[i])),
        x.shape,
      );
    }
  }
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x)) return y.map((v) => elementwise(f, x, v, where));
    if (!Array.isArray(y)) return x.map((v) => elementwise(f, v, y, where));
    if (x.length !== y.length) throw new Error(`${where}: cannot combine lists of ${x.length} and ${y.length} results`);
    return x.map((v, i) => elementwise(f, v, y[i], where));
  }
  const isDict = (v) => v !== null && typeof v === 'object' && !(v instanceof Tensor);
  if (isDict(x) || isDict(y)) {
    if (!isDict(x)) return Object.fromEntries(Object.entries(y).map(([k, v]) => [k, elementwise(f, x, v, where)]));
    if (!isDict(y)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, elementwise(f, v, y, where)]));
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length || !keys.every((k) => Object.hasOwn(y, k))) {
      throw new Error(`${where}: cannot combine results with fields {${keys}} and {${Object.keys(y)}}`);
    }
    return Object.fromEntries(keys.map((k) => [k, elementwise(f, x[k], y[k], where)]));
  }
  throw new TypeError(`${where}: cannot do arithmetic on ${String(x)} and ${String(y)}`);
}

const isConstant = (v) => typeof v === 'number' || v instanceof Tensor;

function checkOperand(v, where) {
  if (isConstant(v)) return v;
  return requireMetricLike(v, where);
}

/**
 * A metric whose value is an arithmetic expression of other metrics' values (and constants).
 * Build it with the operator methods: `a.add(b)`, `a.sub(1)`, `a.mul(b).abs()`, `a.rsub(1)` for
 * `1 - a`. It does not own its parts: dispose() leaves them alone.
 */
export class CompositionalMetric extends JsMetric {
  #op;
  #a;
  #b;
  #leaves;

  constructor(op, a, b) {
    super();
    const where = `CompositionalMetric(${op})`;
    if (!Object.hasOwn(BINARY, op) && !Object.hasOwn(UNARY, op)) {
      throw new Error(
        `${where}: unknown operator; known: ${[...Object.keys(BINARY), ...Object.keys(UNARY)].join(', ')}`,
      );
    }
    this.#op = op;
    this.#a = checkOperand(a, `${where}: the first operand`);
    this.#b = Object.hasOwn(BINARY, op) ? checkOperand(b, `${where}: the second operand`) : undefined;
    if (isConstant(this.#a) && (this.#b === undefined || isConstant(this.#b))) {
      throw new TypeError(`${where}: at least one operand must be a metric`);
    }
    // The distinct metrics of the expression, in first-use order (nested compositions unfolded).
    const leaves = [];
    const visit = (node) => {
      if (node instanceof CompositionalMetric) node.#operands().forEach(visit);
      else if (!isConstant(node) && node !== undefined && !leaves.includes(node)) leaves.push(node);
    };
    visit(this);
    this.#leaves = leaves;
  }

  #operands() {
    return this.#b === undefined ? [this.#a] : [this.#a, this.#b];
  }

  /** The expression, e.g. "(MulticlassPrecision + MulticlassRecall)". */
  get name() {
    const text = (v) => (typeof v === 'number' ? String(v) : v instanceof Tensor ? `Tensor[${v.shape}]` : v.name);
    if (this.#b === undefined) return `${this.#op}(${text(this.#a)})`;
    return `(${text(this.#a)} ${SYMBOL[this.#op]} ${text(this.#b)})`;
  }

  /** The distinct metrics the expression reads, each updated once per update(). */
  get parts() {
    return [...this.#leaves];
  }

  get stateParts() {
    return this.#leaves;
  }

  get blobType() {
    return { kind: 'composition', name: 'CompositionalMetric' };
  }

  // Evaluates the expression with `valueOf(leaf)` giving each part's value.
  #evaluate(valueOf) {
    const value = (node) => {
      if (isConstant(node)) return node;
      if (node instanceof CompositionalMetric) return node.#evaluate(valueOf);
      return valueOf(node);
    };
    if (this.#b === undefined) {
      const f = UNARY[this.#op];
      return elementwise((x) => f(x), value(this.#a), 0, this.name);
    }
    return elementwise(BINARY[this.#op], value(this.#a), value(this.#b), this.name);
  }

  /** The expression's value given each part's value by `valueOf(part)` (a collection uses it). */
  valueWith(valueOf) {
    this.assertAlive('valueWith');
    return this.#evaluate(valueOf);
  }

  // forward() and compute(): the expression of the parts' values (forward's: on this batch alone).
  combineValues(values) {
    const valueOf = new Map(this.#leaves.map((m, i) => [m, values[i]]));
    return this.#evaluate((m) => valueOf.get(m));
  }

  // merge(): another composition of the same shape, part by part.
  mergeState(other) {
    if (other.name !== this.name || other.#leaves.length !== this.#leaves.length) {
      throw new Error(`${this.name}.merge: cannot merge a different expression, ${other.name}`);
    }
    super.mergeState(other);
  }

  configHash() {
    return hashText(this.name);
  }

  // One blob holding every part's state.
  blobHeader() {
    return { expression: this.name };
  }

  /** The same expression over empty copies of the parts (or over `copyOf(part)` for each part). */
  clone(copyOf = emptyCopy) {
    const copies = new Map(this.#leaves.map((m) => [m, copyOf(m)]));
    const rebuild = (node) => {
      if (isConstant(node) || node === undefined) return node;
      if (node instanceof CompositionalMetric)
        return new CompositionalMetric(node.#op, rebuild(node.#a), rebuild(node.#b));
      return copies.get(node);
    };
    return rebuild(this);
  }

  // dispose() marks this composition unusable. The parts are not disposed: they belong to the caller.
  disposeParts() {}

  toString() {
    return this.name;
  }
}

// The operator methods every metric gets, one per operator of BINARY (with its reflected twin:
// a.radd(b) is b + a, so `m.rsub(1)` is 1 - m) and of UNARY; their docs are in collection.d.ts.
const binary = (op) =>
  function (other) {
    return new CompositionalMetric(op, this, other);
  };
const reflected = (op) =>
  function (other) {
    return new CompositionalMetric(op, other, this);
  };
const unary = (op) =>
  function () {
    return new CompositionalMetric(op, this);
  };
export const OPERATORS = {
  ...Object.fromEntries(
    Object.keys(BINARY).flatMap((op) => [
      [op, binary(op)],
      [`r${op}`, reflected(op)],
    ]),
  ),
  ...Object.fromEntries(Object.keys(UNARY).map((op) => [op, unary(op)])),
};

/** Gives a class's instances the operator methods (without overwriting methods it has). */
export function installOperators(cls) {
  for (const [name, fn] of Object.entries(OPERATORS)) {
    if (!Object.hasOwn(cls.prototype, name)) {
      Object.defineProperty(cls.prototype, name, { value: fn, writable: true, configurable: true });
    }
  }
}

installOperators(CompositionalMetric);
