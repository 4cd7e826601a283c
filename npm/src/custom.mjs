// Metrics written in JavaScript, as TorchMetrics' "Implementing a Metric": declare states with
// their reductions, fold a batch into the state, compute from the state. The engine's rules hold
// here too: each batch is folded into a *fresh* state first and merged second, so a throwing
// update() leaves the state unchanged, forward() is compute() on the batch state, and merge(),
// saveState() and loadState() work without metric-specific code. The protocol (alive checks,
// same-class merge, the blob's kind, name and options hash) is JsMetric's (js-metric.mjs).
import { checkSameClass } from './common.mjs';
import { canonicalJson, hashText } from './blob.mjs';
import { installOperators } from './compose.mjs';
import { JsMetric } from './js-metric.mjs';

const REDUCTIONS = ['sum', 'mean', 'min', 'max', 'cat'];
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// A state declaration -> {kind: 'number' | 'vector' | 'cat', reduce, init}.
function parseStates(metricName, states) {
  if (states === null || typeof states !== 'object' || Object.keys(states).length === 0) {
    throw new TypeError(
      `defineMetric(${metricName}): \`states\` must be an object such as {sse: {init: 0, reduce: 'sum'}}`,
    );
  }
  const out = {};
  for (const [key, decl] of Object.entries(states)) {
    const where = `defineMetric(${metricName}): state '${key}'`;
    const reduce = decl?.reduce ?? 'sum';
    if (!REDUCTIONS.includes(reduce))
      throw new Error(`${where}: unknown reduce ${JSON.stringify(reduce)}; known: ${REDUCTIONS.join(', ')}`);
    const init = decl?.init;
    if (reduce === 'cat') {
      if (init !== undefined && !(Array.isArray(init) && init.length === 0)) {
        throw new Error(`${where}: a 'cat' state starts empty (init: [] or left out)`);
      }
      out[key] = { kind: 'cat', reduce, init: [] };
    } else if (typeof init === 'number') {
      out[key] = { kind: 'number', reduce, init };
    } else if (Array.isArray(init) || init instanceof Float64Array) {
      if (!Array.from(init).every((v) => typeof v === 'number'))
        throw new TypeError(`${where}: init must hold numbers`);
      out[key] = { kind: 'vector', reduce, init: Float64Array.from(init) };
    } else {
      throw new TypeError(`${where}: init must be a number or an array of numbers, got ${String(init)}`);
    }
  }
  return out;
}

const fresh = (states) =>
  Object.fromEntries(
    Object.entries(states).map(([k, s]) => [
      k,
      s.kind === 'number' ? s.init : s.kind === 'vector' ? Float64Array.from(s.init) : [],
    ]),
  );

function combine(reduce, x, y, wx, wy) {
  switch (reduce) {
    case 'sum':
      return x + y;
    case 'min':
      return Math.min(x, y);
    case 'max':
      return Math.max(x, y);
    default:
      return wx + wy === 0 ? x : (x * wx + y * wy) / (wx + wy); // mean, weighted by updates
  }
}

/**
 * The base of classes made by defineMetric(). Not constructed directly.
 */
export class CustomMetric extends JsMetric {
  #state;
  #updates = 0;
  #options;

  constructor(options = {}) {
    super();
    if (new.target === CustomMetric || !new.target.definition) {
      throw new TypeError('CustomMetric is abstract: make a class with defineMetric({...})');
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(`${new.target.definition.name}: options must be an object, got ${String(options)}`);
    }
    this.#options = Object.freeze({ ...options });
    this.#state = fresh(this.#def.states);
  }

  get #def() {
    return this.constructor.definition;
  }

  get name() {
    return this.#def.name;
  }

  /** The options given to the constructor (frozen); update() and compute() see them as this.options. */
  get options() {
    return this.#options;
  }

  // No parts: the state is this metric's own (every hook below is overridden).
  get stateParts() {
    return [];
  }

  get blobType() {
    return { kind: 'custom', name: this.name };
  }

  /** Number of update() calls folded in (it weights the 'mean' reduction). */
  get updates() {
    return this.#updates;
  }

  /** Bytes held by the state (approximate: 8 per number). */
  get stateBytes() {
    return Object.values(this.#state).reduce((n, v) => n + (typeof v === 'number' ? 8 : v.length * 8), 0);
  }

  /** Metrics of the same definition and options accumulate the same state. */
  get stateKey() {
    return `js:${this.#def.name}|${this.configHash()}`;
  }

  configHash() {
    return hashText(canonicalJson({ options: this.#options, states: this.#def.layout }));
  }

  // Runs the user's update on a fresh state and checks what it left there.
  #batchState(method, inputs) {
    const batch = fresh(this.#def.states);
    const returned = this.#def.update.call(this, batch, ...inputs);
    if (returned !== undefined && typeof returned?.then === 'function') {
      throw new TypeError(`${this.name}.${method}: update() must be synchronous (it returned a promise)`);
    }
    for (const [key, s] of Object.entries(this.#def.states)) {
      const v = batch[key];
      const bad =
        s.kind === 'number'
          ? typeof v !== 'number'
          : s.kind === 'vector'
            ? !(v instanceof Float64Array || Array.isArray(v)) || v.length !== s.init.length
            : !Array.isArray(v) && !ArrayBuffer.isView(v);
      if (bad) {
        throw new TypeError(
          `${this.name}.${method}: update() left state '${key}' as ${String(v)}; ` +
            `it must stay ${s.kind === 'number' ? 'a number' : s.kind === 'vector' ? `an array of ${s.init.length} numbers` : 'an array'}`,
        );
      }
      if (s.kind === 'vector') batch[key] = Float64Array.from(v);
      if (s.kind === 'cat') batch[key] = Array.from(v);
    }
    const extra = Object.keys(batch).filter((k) => !Object.hasOwn(this.#def.states, k));
    if (extra.length) throw new Error(`${this.name}.${method}: update() added undeclared states: ${extra.join(', ')}`);
    return batch;
  }

  #fold(batch, batchUpdates) {
    for (const [key, s] of Object.entries(this.#def.states)) {
      const into = this.#state[key];
      const from = batch[key];
      if (s.kind === 'number') this.#state[key] = combine(s.reduce, into, from, this.#updates, batchUpdates);
      else if (s.kind === 'vector')
        into.forEach((v, i) => {
          into[i] = combine(s.reduce, v, from[i], this.#updates, batchUpdates);
        });
      else for (const v of from) into.push(v);
    }
    this.#updates += batchUpdates;
  }

  // A copy, so that compute() cannot change the accumulated state.
  #copy(state) {
    return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, typeof v === 'number' ? v : v.slice()]));
  }

  // update(): inputs are passed to the definition's update() as given.
  updateState(inputs) {
    this.#fold(this.#batchState('update', inputs), 1);
  }

  forwardState(inputs) {
    const batch = this.#batchState('forward', inputs);
    this.#fold(this.#copy(batch), 1);
    return this.#def.compute.call(this, batch);
  }

  computeState() {
    return this.#def.compute.call(this, this.#copy(this.#state));
  }

  /** This metric's value from another instance's state (same definition and options). */
  computeFrom(source) {
    this.assertAlive('computeFrom');
    checkSameClass(this, source, `${this.name}.computeFrom`);
    if (source.stateKey !== this.stateKey) throw new Error(`${this.name}.computeFrom: the source has other options`);
    return this.#def.compute.call(this, source.#copy(source.#state));
  }

  resetState() {
    this.#state = fresh(this.#def.states);
    this.#updates = 0;
  }

  // merge(): another instance's state (same definition and options).
  mergeState(other) {
    if (other.configHash() !== this.configHash()) {
      throw new Error(
        `${this.name}.merge: cannot merge instances with different options: ` +
          `${canonicalJson(this.#options)} vs ${canonicalJson(other.#options)}`,
      );
    }
    this.#fold(other.#copy(other.#state), other.#updates);
  }

  /**
   * The state as a blob: a "WMJS" container (see blob.mjs) whose JSON header names the metric,
   * the options hash, the update count and each state's reduction and length, and whose sections
   * are the states as float64 bytes (exact, NaN and -0 included).
   */
  blobHeader() {
    return {
      updates: this.#updates,
      states: Object.entries(this.#def.states).map(([key, s]) => ({ name: key, reduce: s.reduce, kind: s.kind })),
    };
  }

  saveSections() {
    return Object.keys(this.#def.states).map((key) => {
      const v = this.#state[key];
      return typeof v === 'number' ? Float64Array.of(v) : Float64Array.from(v);
    });
  }

  loadSections(header, sections, where) {
    const entries = Object.entries(this.#def.states);
    const state = {};
    entries.forEach(([key, s], i) => {
      const d = header.states?.[i];
      if (
        !d ||
        d.name !== key ||
        d.reduce !== s.reduce ||
        d.kind !== s.kind ||
        !sections[i] ||
        sections[i].length % 8
      ) {
        throw new Error(`${where}: refusing the state blob: its states do not match this definition at '${key}'`);
      }
      const values = new Float64Array(sections[i].buffer, sections[i].byteOffset, sections[i].length / 8);
      const length = s.kind === 'number' ? 1 : s.kind === 'vector' ? s.init.length : values.length;
      if (values.length !== length)
        throw new Error(
          `${where}: refusing the state blob: state '${key}' has ${values.length} values, expected ${length}`,
        );
      state[key] =
        s.kind === 'number' ? values[0] : s.kind === 'vector' ? Float64Array.from(values) : Array.from(values);
    });
    if (!Number.isSafeInteger(header.updates) || header.updates < 0) {
      throw new Error(
        `${where}: refusing the state blob: its update count ${JSON.stringify(header.updates)} is not a non-negative integer`,
      );
    }
    this.#state = state;
    this.#updates = header.updates;
  }

  /** An empty instance with the same options. */
  clone() {
    return new this.constructor(this.#options);
  }

  toString() {
    return `${this.name}(${canonicalJson(this.#options)})`;
  }
}
installOperators(CustomMetric);

/**
 * Defines a metric in JavaScript; returns its class.
 *
 *   const RMSE = defineMetric({
 *     name: 'RootMeanSquaredError',
 *     states: {sse: {init: 0, reduce: 'sum'}, n: {init: 0, reduce: 'sum'}},
 *     update(state, preds, target) { ... state.sse += ...; state.n += preds.length; },
 *     compute(state) { return Math.sqrt(state.sse / state.n); },
 *   });
 *
 * States: `init` a number or an array of numbers (fixed length, reduced element-wise), reduce
 * 'sum' | 'mean' (weighted by update count) | 'min' | 'max'; or reduce 'cat' (a list of numbers
 * that update() appends to, concatenated on merge). update(state, ...inputs) receives a fresh
 * state for the batch and mutates it; compute(state) returns a number, Tensor or object. Both are
 * called with `this` being the metric (this.options holds the constructor's options).
 */
export function defineMetric(definition) {
  if (definition === null || typeof definition !== 'object')
    throw new TypeError('defineMetric: expected {name, states, update, compute}');
  const { name, update, compute } = definition;
  if (typeof name !== 'string' || !IDENT.test(name))
    throw new TypeError(`defineMetric: name must be an identifier, got ${String(name)}`);
  if (typeof update !== 'function')
    throw new TypeError(`defineMetric(${name}): update(state, ...inputs) must be a function`);
  if (typeof compute !== 'function') throw new TypeError(`defineMetric(${name}): compute(state) must be a function`);
  const states = parseStates(name, definition.states);
  const layout = Object.entries(states).map(([k, s]) => [k, s.reduce, s.kind, s.kind === 'vector' ? s.init.length : 0]);
  const frozen = Object.freeze({ name, states, layout, update, compute });
  // A named class, so that stack traces and constructor.name read as the metric.
  const cls = { [name]: class extends CustomMetric {} }[name];
  Object.defineProperty(cls, 'definition', { value: frozen });
  return cls;
}
