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
export declare class HeapInput {
  private constructor();
  /** A fresh view of the buffer on the current heap. */
  readonly data: Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly byteLength: number;
  readonly disposed: boolean;
  /** The heap address; throws once disposed. */
  pointer(what?: string): number;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Allocates a zero-copy input of `dtype` and `shape` in the WebAssembly heap (after init()). */
export declare function allocInput(dtype: DType, shape: readonly number[]): HeapInput;
