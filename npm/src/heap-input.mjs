// Zero-copy inputs: a buffer allocated in the WebAssembly heap that the caller fills through a
// typed-array view; Metric.update/forward read it in place instead of copying it in.
import { addDisposeSymbol } from './dispose-symbol.mjs';
import { withCode } from './errors.mjs';
import { getWasm } from './loader.mjs';
import { DTYPES } from './tensor.mjs';

const finalizer =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry(({ M, ptr }) => M._free(ptr)) : null;

/**
 * An input tensor living in the WebAssembly heap. `data` is a fresh typed-array view on every
 * access: a view kept across another allocation (a new metric, an update, allocInput) may be
 * detached when the heap grows, so read `data` again after allocating. dispose() frees it.
 */
export class HeapInput {
  #M;
  #ptr;
  #dtype;
  #shape;
  #length;

  constructor(token, M, dtype, shape, length) {
    if (token !== HEAP_INPUT_TOKEN) throw new TypeError('HeapInput: use allocInput(dtype, shape)');
    const bytes = length * DTYPES[dtype].Array.BYTES_PER_ELEMENT;
    const ptr = M._malloc(Math.max(bytes, 1)) >>> 0;
    if (ptr === 0)
      throw withCode(
        new Error(`allocInput: out of memory in the WebAssembly heap allocating ${bytes} bytes`),
        'E_OUT_OF_MEMORY',
      );
    this.#M = M;
    this.#ptr = ptr;
    this.#dtype = dtype;
    this.#shape = Object.freeze([...shape]);
    this.#length = length;
    finalizer?.register(this, { M, ptr }, this);
  }

  #alive(what) {
    if (this.#ptr === 0) throw new Error(`HeapInput.${what}: this input was disposed; allocate a new one`);
    return this.#ptr;
  }

  /** A view of the buffer over the current heap; read it again after any allocation. */
  get data() {
    const ptr = this.#alive('data');
    return new DTYPES[this.#dtype].Array(this.#M.HEAPU8.buffer, ptr, this.#length);
  }

  get dtype() {
    return this.#dtype;
  }

  get shape() {
    return this.#shape;
  }

  get byteLength() {
    return this.#length * DTYPES[this.#dtype].Array.BYTES_PER_ELEMENT;
  }

  get disposed() {
    return this.#ptr === 0;
  }

  /** Heap address, for the binding; throws once disposed. */
  pointer(what) {
    return this.#alive(what);
  }

  /** Frees the buffer. Idempotent; any later use (data, update) throws. */
  dispose() {
    if (this.#ptr === 0) return;
    finalizer?.unregister(this);
    this.#M._free(this.#ptr);
    this.#ptr = 0;
  }
}

const HEAP_INPUT_TOKEN = Symbol('HeapInput');

addDisposeSymbol(HeapInput);

/**
 * Allocates an input of `dtype` and `shape` in the WebAssembly heap, after init(). Fill
 * `input.data`, pass `input` to update()/forward() (read in place, no copy), reuse it for the
 * next batch, and dispose() it when done.
 */
export function allocInput(dtype, shape) {
  const M = getWasm('allocInput()');
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
    throw new TypeError(`allocInput: unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(DTYPES).join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new TypeError(
      `allocInput: shape must be an array of non-negative integers, got ${JSON.stringify(shape) ?? String(shape)}`,
    );
  }
  const length = shape.reduce((n, d) => n * d, 1);
  // 2 ** 32 bytes would reach malloc as 0 (its size argument is a 32-bit integer)
  if (!Number.isSafeInteger(length * 8) || length * DTYPES[dtype].Array.BYTES_PER_ELEMENT >= 2 ** 32) {
    throw withCode(
      new RangeError(`allocInput: shape ${JSON.stringify(shape)} is larger than the 4 GB WebAssembly heap`),
      'E_OUT_OF_MEMORY',
    );
  }
  return new HeapInput(HEAP_INPUT_TOKEN, M, dtype, shape, length);
}
