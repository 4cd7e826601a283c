/**
 * An input living in the WebAssembly heap (from allocInput): fill `data`, pass the HeapInput to
 * update()/forward() and it is read in place, without a copy.
 *
 * Views and memory growth: `data` returns a new typed-array view on every access. The heap may
 * grow on any allocation (a new metric, an update that grows a state, another allocInput), and
 * growth detaches every earlier view (it then has length 0). Allocate all inputs first and read
 * `data` again after anything that may allocate; never keep a view across such calls.
 *
 * Freeing: dispose() (or `using`) frees the buffer at once; later `data` or update() throws.
 * A forgotten HeapInput is freed when garbage-collected, but do not rely on it.
 */
export declare class HeapInput<D extends DType = DType> {
  private constructor();
  /** A fresh view of the buffer on the current heap: the typed array of `dtype`. */
  readonly data: HeapArrayOf<D>;
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly byteLength: number;
  readonly disposed: boolean;
  /** The heap address; throws once disposed. */
  pointer(what?: string): number;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** The typed array each dtype is stored as (bool: one byte, 0 or 1). */
export interface HeapArrayMap {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  bool: Uint8Array;
}

/** The typed array of a dtype (a union when D is). */
export type HeapArrayOf<D extends DType> = HeapArrayMap[D];

/** Allocates a zero-copy input of `dtype` and `shape` in the WebAssembly heap (after init()). */
export declare function allocInput<D extends DType>(dtype: D, shape: readonly number[]): HeapInput<D>;
