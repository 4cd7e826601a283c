// Whether the engine implements WebAssembly SIMD: the loader picks the build by it, and
// scripts/build.mjs writes the same probe into dist/node-bridge.cjs (src/early-compile.mjs).

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): validates only where the
// engine implements WebAssembly SIMD (the same probe as wasm-feature-detect / onnxruntime-web).
export const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version 1
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, //       type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, //                         function section: one function of type 0
  0x0a,
  0x0a,
  0x01,
  0x08,
  0x00, //                   code section: one body, no locals
  0x41,
  0x00,
  0xfd,
  0x0f,
  0xfd,
  0x62,
  0x0b, //       i32.const 0; i8x16.splat; i8x16.popcnt; end
]);

/** True when this engine validates a WebAssembly SIMD module. */
export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}
