// The benchmark's floors (bench/run.mjs), not metrics: the least work over the same bytes (one SIMD
// read, the simple confusion scatter, the radix sort, one histogram pass). They run in a WebAssembly
// module of their own (bench/floors/, built beside each build of the package's), so the package's
// .wasm carries nothing bench-only (issue 18); its inputs live in that module's heap: copy the
// bytes in with alloc() or copyOf(), untimed. Node only (dist/bench.mjs, never shipped).
import { floorsGlueFor } from 'wasmetrics:bench-floors-glue';

import { simd } from './loader.mjs';
import { DTYPES } from './tensor.mjs';

let M = null;
const need = () => {
  if (!M) throw new Error('benchFloors: call `await benchFloors.init()` after init()');
  return M;
};

/** Bytes in the floors' heap: `data` is a fresh view each time (the heap may grow). */
class FloorInput {
  #ptr;
  constructor(Array, length) {
    this.Array = Array;
    this.length = length;
    this.byteLength = length * Array.BYTES_PER_ELEMENT;
    this.#ptr = need()._malloc(Math.max(this.byteLength, 1));
    if (!this.#ptr) throw new RangeError(`benchFloors: no room for ${this.byteLength} bytes`);
  }
  get data() {
    return new this.Array(need().HEAPU8.buffer, this.#ptr, this.length);
  }
  pointer() {
    return this.#ptr;
  }
  dispose() {
    if (this.#ptr) need()._free(this.#ptr);
    this.#ptr = 0;
  }
}

export const benchFloors = Object.freeze({
  /** Loads the floors built like the package's module in use (SIMD or plain): after init(). */
  async init() {
    const useSimd = simd();
    const { readFile } = await import('node:fs/promises');
    const wasmBinary = await readFile(
      new URL(useSimd ? './bench-floors-simd.wasm' : './bench-floors-plain.wasm', import.meta.url),
    );
    M = await floorsGlueFor(useSimd)({ wasmBinary });
  },
  /** `length` elements of `dtype` ('uint8', 'float32', ...) in the floors' heap. */
  alloc: (dtype, length) => new FloorInput(DTYPES[dtype].Array, length),
  /** A copy of a typed array's (or a HeapInput's) elements in the floors' heap. */
  copyOf(source) {
    const data = source.data ?? source;
    const f = new FloorInput(data.constructor, data.length);
    f.data.set(data);
    return f;
  },
  readSum: (input) => need().benchReadFloor(input.pointer(), input.byteLength),
  scatter: (pred, target) =>
    need().benchScatterFloor(pred.pointer(), target.pointer(), Math.min(pred.byteLength, target.byteLength)),
  /** uint16 label maps: the same scatter over twice the bytes. */
  scatter16: (pred, target) =>
    need().benchScatterFloorU16(pred.pointer(), target.pointer(), Math.min(pred.length, target.length)),
  /** Sorts its inputs in place. */
  radixSort: (scores, labels) =>
    need().benchRadixSortFloor(scores.pointer(), labels.pointer(), Math.min(scores.byteLength / 4, labels.byteLength)),
  /** Sorts its inputs in place, then sweeps them for the exact AUROC (returned). */
  rocSweep: (scores, labels) =>
    need().benchRocSweepFloor(scores.pointer(), labels.pointer(), Math.min(scores.byteLength / 4, labels.byteLength)),
  /** Σx, Σy, Σx², Σy², Σxy of two float32 inputs, as one checksum. */
  moments: (x, y) => need().benchMomentsFloor(x.pointer(), y.pointer(), Math.min(x.length, y.length)),
  histogram: (scores, labels, bins) =>
    need().benchHistogramFloor(
      scores.pointer(),
      labels.pointer(),
      Math.min(scores.byteLength / 4, labels.byteLength),
      bins,
    ),
});
