// A compile of the default .wasm started before the package's bundle loads (startup budget,
// issue 18). Node's `import` entry goes through dist/node-bridge.cjs, which scripts/build.mjs
// writes to read the .wasm and call WebAssembly.compile before it requires index.cjs: V8 then
// decodes and validates the module on a background thread while Node reads and compiles the
// 600 KB bundle, instead of after it. The bridge offers the pending module under this global key;
// the loader (src/loader.mjs) takes it once, when the bundle loads, and init() uses it when it
// asks for that build from its default place.
export const EARLY_COMPILE_KEY = 'wasmetrics.earlyCompile';

/** The offered {simd, compiled: Promise<WebAssembly.Module>}, or null; removed from the global. */
export function takeOfferedCompile() {
  const key = Symbol.for(EARLY_COMPILE_KEY);
  const offered = globalThis[key];
  delete globalThis[key];
  return offered !== null && typeof offered === 'object' && typeof offered.compiled?.then === 'function'
    ? offered
    : null;
}
