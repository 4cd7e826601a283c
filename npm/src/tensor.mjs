// Tensors across the boundary: user inputs -> (typed array, dtype, shape) copied into the WASM heap
// in one bulk copy each (HeapInputs from allocInput are read in place); native results -> numbers, Tensors, objects and arrays owned by JS.

// Codes shared with bindings/embind.cpp (wasmetrics::DType).
import { withCode } from './errors.mjs';
import { HeapInput } from './heap-input.mjs';
import { textDescriptor } from './text.mjs';

export const DTYPES = Object.freeze({
  float32: { code: 0, Array: Float32Array },
  float64: { code: 1, Array: Float64Array },
  int8: { code: 2, Array: Int8Array },
  int16: { code: 3, Array: Int16Array },
  int32: { code: 4, Array: Int32Array },
  int64: { code: 5, Array: BigInt64Array },
  uint8: { code: 6, Array: Uint8Array },
  uint16: { code: 7, Array: Uint16Array },
  uint32: { code: 8, Array: Uint32Array },
  bool: { code: 9, Array: Uint8Array },
});

function typedArrayDtype(a) {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Uint32Array) return 'uint32';
  return null; // BigUint64Array, Float16Array, DataView: no such dtype in the core
}

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'no prototype'})`;
  return `${typeof v} ${String(v)}`;
}

const shapeText = (shape) => `[${shape.join(', ')}]`;
const indexText = (path) => path.map((i) => `[${i}]`).join('');

function checkShape(shape, where) {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw withCode(new TypeError(`${where}: shape must be an array of non-negative integers, got ${describe(shape)}`
      + (Array.isArray(shape) ? ` ${JSON.stringify(shape)}` : '')), 'E_SHAPE');
  }
  return shape.reduce((n, d) => n * d, 1);
}

// Leaves of a nested array or of a plain `data` array: numbers, booleans or bigints, one kind.
function leafDtype(v, where, path) {
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  throw new TypeError(`${where}${indexText(path)} must be a number, boolean or bigint, got ${describe(v)}`);
}

function leafConverter(dtype, where) {
  if (dtype === 'int64') {
    return (v, path) => {
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      throw new TypeError(`${where}${indexText(path)}: int64 needs an integer or bigint, got ${describe(v)}`);
    };
  }
  return (v, path) => {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'bigint') return Number(v);
    throw new TypeError(`${where}${indexText(path)} must be a number, boolean or bigint, got ${describe(v)}`);
  };
}

function fromNested(value, where, dtype) {
  const shape = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const firstPath = shape.map(() => 0);
  const kind = dtype ?? (Array.isArray(probe) ? 'float64' : leafDtype(probe, where, firstPath));
  const data = new DTYPES[kind].Array(shape.reduce((n, d) => n * d, 1));
  const convert = leafConverter(kind, where);
  let k = 0;
  // `at` is the index of the element being read; error messages copy it, nothing else does
  // (no allocation per element).
  const at = [];
  const plainNumbers = dtype === undefined && kind === 'float64';
  const walk = (arr, depth) => {
    if (arr.length !== shape[depth]) {
      throw withCode(new Error(`${where} is a ragged nested array: ${indexText(at) || 'the outer array'} has ${arr.length}`
        + ` elements but ${indexText(firstPath.slice(0, depth)) || 'the outer array'} has ${shape[depth]}`), 'E_SHAPE');
    }
    const leaves = depth === shape.length - 1;
    if (leaves && plainNumbers) {
      // The common case, numbers -> float64, without per-element dispatch; on anything else the
      // general loop below re-reads the row and reports it.
      const start = k;
      let i = 0;
      for (; i < arr.length; i++) {
        const v = arr[i];
        if (typeof v !== 'number') break;
        data[k++] = v;
      }
      if (i === arr.length) return;
      k = start;
    }
    for (let i = 0; i < arr.length; i++) {
      at[depth] = i;
      const v = arr[i];
      if (Array.isArray(v) !== !leaves) {
        throw withCode(new Error(`${where} is a ragged nested array: ${indexText(at)} is `
          + `${Array.isArray(v) ? 'an array' : describe(v)} where ${indexText(firstPath.slice(0, depth + 1))} is `
          + `${leaves ? 'not an array' : 'an array'}`), 'E_SHAPE');
      }
      if (leaves) {
        if (dtype === undefined && leafDtype(v, where, at) !== kind) {
          throw new TypeError(`${where} mixes element kinds: ${indexText(at)} is ${describe(v)} but `
            + `${indexText(firstPath)} is ${describe(probe)}`);
        }
        data[k++] = convert(v, at);
      } else {
        walk(v, depth + 1);
      }
    }
    at.length = depth;
  };
  walk(value, 0);
  return { data, dtype: kind, shape };
}

function fromObject(value, where) {
  const { data, dtype } = value;
  const shape = value.shape === undefined && ArrayBuffer.isView(data) ? [data.length] : value.shape;
  const size = checkShape(shape, where);
  if (dtype !== undefined && !Object.hasOwn(DTYPES, dtype)) {
    throw withCode(new TypeError(`${where}: unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(DTYPES).join(', ')}`), 'E_DTYPE');
  }
  let out;
  if (ArrayBuffer.isView(data)) {
    refuseDetached(data, where);
    const own = typedArrayDtype(data);
    if (own === null) throw withCode(new TypeError(`${where}: ${data.constructor.name} is not supported; use ${supportedArrays}`), 'E_DTYPE');
    const boolBytes = dtype === 'bool' && (own === 'uint8' || own === 'int8');
    if (dtype !== undefined && dtype !== own && !boolBytes) {
      throw withCode(new TypeError(`${where}: dtype '${dtype}' does not match its data, a ${data.constructor.name} (${own});`
        + ' convert the data or leave dtype out'), 'E_DTYPE');
    }
    out = { data, dtype: dtype ?? own, shape: [...shape] };
  } else if (Array.isArray(data)) {
    if (data.some(Array.isArray)) {
      throw new TypeError(`${where}: data must be flat (row-major) when a shape is given; pass nested arrays alone`);
    }
    const kind = dtype ?? (data.length ? leafDtype(data[0], where, [0]) : 'float64');
    const convert = leafConverter(kind, where);
    const typed = new DTYPES[kind].Array(data.length);
    for (let i = 0; i < data.length; i++) {
      if (dtype === undefined && leafDtype(data[i], where, [i]) !== kind) {
        throw new TypeError(`${where}: data mixes element kinds: [${i}] is ${describe(data[i])}, [0] is ${describe(data[0])}`);
      }
      typed[i] = convert(data[i], [i]);
    }
    out = { data: typed, dtype: kind, shape: [...shape] };
  } else {
    throw new TypeError(`${where}: data must be a typed array or an array of numbers, got ${describe(data)}`);
  }
  if (out.data.length !== size) {
    throw withCode(new Error(`${where} has ${out.data.length} elements but shape ${shapeText(shape)} needs ${size}`), 'E_SHAPE');
  }
  return out;
}

const supportedArrays = 'Float32Array, Float64Array, Int8/16/32Array, BigInt64Array, Uint8/16/32Array';

/**
 * One user input as {data: TypedArray, dtype, shape}. Accepts a number or boolean (0-d), a typed
 * array (1-D), nested arrays, a Tensor, or {data, shape, dtype?}. `where` names it in errors,
 * e.g. "MeanSquaredError.update: `target`".
 */
export function toInputTensor(value, where) {
  if (value instanceof HeapInput) {
    if (value.disposed) throw new Error(`${where}: this HeapInput was disposed; allocate a new one with allocInput()`);
    return { heap: value, dtype: value.dtype, shape: [...value.shape] };
  }
  if (typeof value === 'number') return { data: Float64Array.of(value), dtype: 'float64', shape: [] };
  if (typeof value === 'boolean') return { data: Uint8Array.of(value ? 1 : 0), dtype: 'bool', shape: [] };
  if (typeof value === 'bigint') return { data: BigInt64Array.of(value), dtype: 'int64', shape: [] };
  if (ArrayBuffer.isView(value)) {
    refuseDetached(value, where);
    const dtype = typedArrayDtype(value);
    if (dtype === null) throw new TypeError(`${where}: ${value.constructor.name} is not supported; use ${supportedArrays}`);
    return { data: value, dtype, shape: [value.length] };
  }
  if (Array.isArray(value)) return fromNested(value, where);
  if (value instanceof Tensor) return { data: value.data, dtype: 'float64', shape: [...value.shape] };
  if (value !== null && typeof value === 'object' && 'data' in value) return fromObject(value, where);
  throw new TypeError(`${where} must be a number, a typed array, nested arrays or {data, shape}, got ${describe(value)}`);
}

/**
 * Copies each tensor (or text input, see text.mjs) into the heap (one malloc + one set per input), calls fn with the binding's
 * descriptors [pointer, dtypeCode, shape] and, when every input is a tensor, the pointer of the same
 * descriptors flat in the heap (else 0), and frees everything whatever happens.
 */
export function withHeapTensors(M, tensors, fn) {
  const pointers = [];
  // A view of the heap itself (HeapInput.data passed as data) would be detached by the mallocs
  // below if the heap grows: copy it out first.
  const heapBuffer = M.HEAPU8.buffer;
  const safe = tensors.map((t) => (!t.heap && !t.text && t.data.buffer === heapBuffer ? { ...t, data: t.data.slice() } : t));
  try {
    const descriptors = safe.map((t) => {
      if (t.text) return textDescriptor(M, t.text, pointers); // strings: one UTF-8 buffer + offsets
      if (t.heap) return [t.heap.pointer('update'), DTYPES[t.dtype].code, t.shape]; // zero-copy: read in place
      // Checked again at the copy, after every input was resolved: a getter of a later input may
      // have resized an earlier input's (resizable) buffer since it was checked.
      const elements = t.shape.reduce((n, d) => n * d, 1);
      if (t.data.length !== elements) {
        throw new Error(`input ${safe.indexOf(t)} changed size during the call: its buffer holds ${t.data.length} elements, `
          + `its shape ${shapeText(t.shape)} needs ${elements}`);
      }
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      const ptr = M._malloc(Math.max(bytes.length, 1)) >>> 0;
      if (ptr === 0) throw withCode(new Error(`out of memory in the WebAssembly heap copying ${bytes.length} bytes`), 'E_OUT_OF_MEMORY');
      pointers.push(ptr);
      M.HEAPU8.set(bytes, ptr); // read HEAPU8 after malloc: growing memory replaces the view
      return [ptr, DTYPES[t.dtype].code, t.shape];
    });
    return fn(descriptors, safe.some((t) => t.text) ? 0 : flatDescriptors(M, descriptors, pointers));
  } finally {
    for (const ptr of pointers) M._free(ptr);
  }
}

// The same tensor descriptors as float64s in the heap, [pointer, dtypeCode, ndim, dims...] per input
// (the binding's updateFlat/forwardFlat read them as plain memory instead of through a JS call per
// field): its pointer, freed with the inputs.
function flatDescriptors(M, descriptors, pointers) {
  let size = 0;
  for (const d of descriptors) size += 3 + d[2].length;
  const ptr = M._malloc(Math.max(size, 1) * 8) >>> 0;
  if (ptr === 0) throw withCode(new Error('out of memory in the WebAssembly heap'), 'E_OUT_OF_MEMORY');
  pointers.push(ptr);
  const f64 = new Float64Array(M.HEAPU8.buffer, ptr, size); // after the malloc: growing memory replaces the buffer
  let k = 0;
  for (const [p, code, shape] of descriptors) {
    f64[k++] = p;
    f64[k++] = code;
    f64[k++] = shape.length;
    for (const dim of shape) f64[k++] = dim;
  }
  return ptr;
}

/** Copies bytes into the heap and calls fn(pointer, length); frees in any case. */
export function withHeapBytes(M, bytes, fn) {
  const ptr = M._malloc(Math.max(bytes.length, 1)) >>> 0;
  if (ptr === 0) throw withCode(new Error(`out of memory in the WebAssembly heap copying ${bytes.length} bytes`), 'E_OUT_OF_MEMORY');
  try {
    M.HEAPU8.set(bytes, ptr);
    return fn(ptr, bytes.length);
  } finally {
    M._free(ptr);
  }
}

/** An n-dimensional result: row-major float64 `data` and its `shape`. Owned by JS, never a heap view. */
export class Tensor {
  constructor(data, shape) {
    if (!(data instanceof Float64Array)) throw new TypeError('Tensor: data must be a Float64Array');
    const size = checkShape(shape, 'Tensor');
    if (data.length !== size) throw new Error(`Tensor: data has ${data.length} elements but shape ${shapeText(shape)} needs ${size}`);
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  get ndim() {
    return this.shape.length;
  }

  get size() {
    return this.data.length;
  }

  /** The element at the given indices (one per dimension). */
  get(...index) {
    if (index.length !== this.shape.length) {
      throw new RangeError(`Tensor.get: expected ${this.shape.length} indices for shape ${shapeText(this.shape)}, got ${index.length}`);
    }
    let offset = 0;
    for (let d = 0; d < index.length; d++) {
      const i = index[d];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[d]) {
        throw new RangeError(`Tensor.get: index ${String(i)} is out of range for dimension ${d} of shape ${shapeText(this.shape)}`);
      }
      offset = offset * this.shape[d] + i;
    }
    return this.data[offset];
  }

  /** Nested JS arrays of numbers (a number for a 0-d tensor). */
  toArray() {
    if (this.shape.length === 0) return this.data[0];
    let k = 0;
    const build = (depth) => {
      const out = new Array(this.shape[depth]);
      for (let i = 0; i < out.length; i++) out[i] = depth === this.shape.length - 1 ? this.data[k++] : build(depth + 1);
      return out;
    };
    return build(0);
  }

  toString() {
    return `Tensor(shape ${shapeText(this.shape)})`;
  }
}

// A view whose ArrayBuffer was detached (transferred, or a WebAssembly heap that grew) reads as
// empty. ArrayBuffer.prototype.detached where the runtime has it (Node 20 has not); otherwise an
// empty buffer is probed: constructing a view on a detached buffer throws.
function refuseDetached(view, where) {
  if (!isDetached(view)) return;
  throw new TypeError(`${where}: its typed array's buffer is detached (a view of the WebAssembly heap, such as `
    + 'HeapInput.data, goes stale when the heap grows): pass the HeapInput from allocInput() itself, not its .data');
}

function isDetached(view) {
  const buffer = view.buffer;
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  if (buffer.byteLength !== 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** Native result -> a number (0-d), a Tensor, an object of results or an array of results. */
export function fromNativeResult(r) {
  if (Array.isArray(r)) return r.map(fromNativeResult);
  if (r.data instanceof Float64Array && Array.isArray(r.shape)) {
    return r.shape.length === 0 ? r.data[0] : new Tensor(r.data, r.shape);
  }
  // Keys can be user class labels ("__proto__", "constructor"): own data properties, never an
  // assignment that could set the prototype.
  return Object.fromEntries(Object.entries(r).map(([name, value]) => [name, fromNativeResult(value)]));
}
