// Loads the WebAssembly module once per JS realm. Explicit states:
//   idle --init()--> loading --> ready
//                           \--> failed --init()--> loading (a wrong URL can be corrected)
// The Emscripten glue is always handed an already compiled module through `instantiateWasm`, so
// it never fetches or reads a file itself (its own loaders do not work under Node ESM).
// 'wasmetrics:glue' is made by scripts/build.mjs: one glue when both builds' glues are identical.
import { glueFor } from 'wasmetrics:glue';
import { readFileBytes } from 'wasmetrics:platform';
import SPECS from 'wasmetrics:specs';
import { takeOfferedCompile } from './early-compile.mjs';
import { wasmetricsError } from './errors.mjs';
import { simdSupported } from './simd-probe.mjs';

const INIT_OPTION_KEYS = ['simd', 'wasmBinary', 'wasmUrl', 'locateFile'];
const NOT_READY = 'wasmetrics: call `await init()` first';

let state = 'idle'; // 'idle' | 'loading' | 'ready' | 'failed'
let initPromise = null;
let initOptions = null;
let wasmModule = null;
let loadedSimd = null;
// Node: the default build's compile, started when the package loads (startup budget, issue 18;
// src/early-compile.mjs); an init() that asks for that build takes it. Not in browsers: there
// init({wasmUrl, locateFile}) may still move the .wasm.
let earlyCompile = null; // {simd, compiled: Promise<WebAssembly.Module>} until an init() takes or drops it

function isNode() {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}

// Takes the compile dist/node-bridge.cjs started, or reads and compiles the default .wasm now,
// where the host has a file system (Node, Bun, Deno).
function compileDefaultBuildEarly() {
  if (!isNode() || typeof globalThis.location !== 'undefined') return;
  earlyCompile = takeOfferedCompile();
  if (earlyCompile !== null) return;
  const useSimd = simdSupported();
  const compiled = compileWasm({}, useSimd);
  compiled.catch(() => {}); // not unhandled: an init() that takes it reports the failure
  earlyCompile = { simd: useSimd, compiled };
}

// The early compile's module when `options` ask for that build from its default place; forgotten
// either way (the first init() decides which build the realm loads).
function takeEarlyCompile(options, useSimd) {
  const early = earlyCompile;
  earlyCompile = null;
  const defaultPlace = options.wasmBinary === undefined && options.wasmUrl === undefined && !options.locateFile;
  return early !== null && defaultPlace && early.simd === useSimd ? early.compiled : null;
}

function sameOptions(a, b) {
  return INIT_OPTION_KEYS.every((k) => a[k] === b[k]);
}

/**
 * Loads the WebAssembly module. Idempotent: every call while loading or after success returns
 * the same promise. A later call with different options is refused (the module loads once).
 */
export function init(options = {}) {
  if (options === null || typeof options !== 'object') {
    return Promise.reject(new TypeError(`wasmetrics.init: options must be an object, got ${String(options)}`));
  }
  if (state === 'loading' || state === 'ready') {
    const given = Object.keys(options).length > 0;
    if (given && !sameOptions(options, initOptions)) {
      return Promise.reject(
        new Error('wasmetrics.init: already initialized with other options; the module loads once per page or process'),
      );
    }
    return initPromise;
  }
  state = 'loading';
  initOptions = { ...options };
  initPromise = load(initOptions).then(
    ({ module, simd }) => {
      wasmModule = module;
      loadedSimd = simd;
      state = 'ready';
    },
    (error) => {
      state = 'failed';
      initPromise = null;
      throw error;
    },
  );
  return initPromise;
}

/** Which build was loaded: true for the SIMD one. */
export function simd() {
  if (state !== 'ready')
    throw wasmetricsError('E_NOT_INITIALIZED', `${NOT_READY} (simd() tells which build init() loaded)`);
  return loadedSimd;
}

/** The Emscripten module; `what` names the caller in the error. */
export function getWasm(what) {
  if (state !== 'ready') throw wasmetricsError('E_NOT_INITIALIZED', `${NOT_READY} (before ${what})`);
  return wasmModule;
}

/**
 * The WebAssembly heap: `heapBytes` its current size (it only grows, up to 4 GB), `usedBytes` what
 * malloc has handed out and not taken back (metric states, result copies). Watch usedBytes for leaks.
 * `peakBytes`: the most bytes malloc has ever held from the heap (a high-water mark; never falls).
 */
export function memoryUsage() {
  const M = getWasm('memoryUsage()');
  return { heapBytes: M.HEAPU8.length, usedBytes: M.heapUsedBytes(), peakBytes: M.heapPeakBytes() };
}

async function load(options) {
  for (const key of Object.keys(options)) {
    if (!INIT_OPTION_KEYS.includes(key)) {
      throw new Error(`wasmetrics.init: unknown option '${key}'; known options: ${INIT_OPTION_KEYS.join(', ')}`);
    }
  }
  if (options.simd !== undefined && typeof options.simd !== 'boolean') {
    throw new TypeError(`wasmetrics.init: option 'simd' must be true or false, got ${String(options.simd)}`);
  }
  const supported = simdSupported();
  const userAsset = options.wasmBinary !== undefined || options.wasmUrl !== undefined;
  if (options.simd === true && !supported && !userAsset) {
    throw new Error('wasmetrics.init: {simd: true} but this engine does not support WebAssembly SIMD');
  }
  const useSimd = options.simd ?? supported;
  const compiled = await (takeEarlyCompile(options, useSimd) ?? compileWasm(options, useSimd));

  // The glue reports a failed instantiation only to the console, so race our own rejection.
  let instantiateFailed;
  const failure = new Promise((_, reject) => {
    instantiateFailed = reject;
  });
  const ready = glueFor(useSimd)({
    instantiateWasm(imports, receiveInstance) {
      WebAssembly.instantiate(compiled, imports).then(
        (instance) => receiveInstance(instance, compiled),
        (e) =>
          instantiateFailed(new Error(`wasmetrics.init: instantiating the WebAssembly module failed: ${e.message}`)),
      );
      return {}; // exports arrive asynchronously through receiveInstance
    },
  });
  const module = await Promise.race([ready, failure]);
  throwErrorsInJs(module);
  return { module, simd: useSimd };
}

// The engine reports a refused call as a value (takeError(), bindings/embind.cpp) and the error is
// thrown here, in JS: a JS exception thrown through WebAssembly frames leaks the stack they moved
// (16 bytes per refused call; 327,680 refused calls broke the module).
function throwErrorsInJs(module) {
  const { NativeMetric, takeError } = module;
  // takeError() is {message, code, metric, argument} of the refused call (codes:
  // src/wasmetrics/core/error_code.hpp), its option names as the engine spells them; the caller's
  // options JSON says which snake_case names the caller wrote (kept as written).
  const toError = ({ message, code, metric, argument }, optionsText) => {
    const written = snakeKeys(optionsText);
    const jsName = (name) => (written.has(name) ? name : camelCase(name));
    return wasmetricsError(
      code,
      jsOptionNames(message, metric, jsName),
      metric,
      argument === undefined ? undefined : jsName(argument),
    );
  };
  const optionsOf = new WeakMap(); // native metric -> the options JSON it was created with
  const flagAt = module.errorFlagPointer(); // a byte set while a refusal waits in takeError()
  const check = (native) => {
    if (module.HEAPU8[flagAt] === 0) return;
    const refused = takeError();
    if (refused !== null) throw toError(refused, optionsOf.get(native));
  };
  for (const key of Object.getOwnPropertyNames(NativeMetric.prototype)) {
    const method = NativeMetric.prototype[key];
    if (
      key === 'constructor' ||
      typeof method !== 'function' ||
      key === 'delete' ||
      key.startsWith('is') ||
      key === 'clone'
    )
      continue;
    NativeMetric.prototype[key] = function checked(...args) {
      const out = method.apply(this, args);
      check(this);
      return out;
    };
  }
  module.NativeMetric = function CheckedNativeMetric(...args) {
    const native = new NativeMetric(...args);
    const refused = module.HEAPU8[flagAt] === 0 ? null : takeError();
    if (refused !== null) {
      native.delete();
      throw toError(refused, args[1]);
    }
    if (typeof args[1] === 'string' && args[1].includes('_')) optionsOf.set(native, args[1]);
    return native;
  };
}

const camelCase = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const optionNames = new Map();

// The snake_case option names a caller wrote in its options JSON.
function snakeKeys(optionsText) {
  if (typeof optionsText !== 'string' || !optionsText.includes('_')) return new Set();
  try {
    return new Set(Object.keys(JSON.parse(optionsText)).filter((k) => k.includes('_')));
  } catch {
    return new Set();
  }
}

// The engine names a metric's options as TorchMetrics spells them (num_classes); a JS caller wrote
// numClasses, so an error message says numClasses (jsName keeps a name the caller wrote in
// snake_case). 'wasmetrics:specs' lists each metric's options.
function jsOptionNames(message, metric, jsName) {
  if (typeof message !== 'string' || !Object.hasOwn(SPECS, metric ?? '')) return message;
  let pattern = optionNames.get(metric);
  if (pattern === undefined) {
    const snake = SPECS[metric][1]
      .split(' ')
      .map((w) => w.replace(/#$/, ''))
      .filter((n) => n.includes('_'));
    pattern = snake.length ? new RegExp(`(?<![A-Za-z0-9_])(${snake.join('|')})(?![A-Za-z0-9_])`, 'g') : null;
    optionNames.set(metric, pattern);
  }
  return pattern === null ? message : message.replace(pattern, jsName);
}

// Written out literally, one per file, so that bundlers (Vite, webpack) see and emit both assets.
function defaultWasmUrl(useSimd) {
  return useSimd
    ? new URL('./wasmetrics-simd.wasm', import.meta.url)
    : new URL('./wasmetrics-plain.wasm', import.meta.url);
}

function toBytes(binary) {
  if (binary instanceof ArrayBuffer) return new Uint8Array(binary);
  if (ArrayBuffer.isView(binary)) return new Uint8Array(binary.buffer, binary.byteOffset, binary.byteLength);
  throw new TypeError("wasmetrics.init: option 'wasmBinary' must be an ArrayBuffer or a typed array");
}

async function compileWasm(options, useSimd) {
  if (options.wasmBinary !== undefined) {
    if (options.wasmBinary instanceof WebAssembly.Module) return options.wasmBinary;
    return WebAssembly.compile(toBytes(options.wasmBinary));
  }
  const fileName = useSimd ? 'wasmetrics-simd.wasm' : 'wasmetrics-plain.wasm';
  let where = options.wasmUrl;
  if (where === undefined && options.locateFile) where = options.locateFile(fileName, defaultWasmUrl(useSimd).href);
  if (where === undefined) where = defaultWasmUrl(useSimd);

  const url = resolveUrl(where);
  try {
    if (url === null || url.protocol === 'file:') {
      // Node (and Bun, Deno): read the file; fetch() does not take file: URLs there.
      return await WebAssembly.compile(await readFileBytes(url ?? String(where)));
    }
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    // Streaming compilation needs the application/wasm MIME type; otherwise read the bytes.
    const type = response.headers.get('content-type') ?? '';
    if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
      return await WebAssembly.compileStreaming(response);
    }
    return await WebAssembly.compile(await response.arrayBuffer());
  } catch (e) {
    throw new Error(`wasmetrics.init: could not load ${url ?? String(where)}: ${e.message}`, { cause: e });
  }
}

// A URL object, an absolute URL string, a path relative to the page (browsers), or null for a
// plain file path in Node. (No bare import.meta.url: webpack would inline the build's file path.)
function resolveUrl(where) {
  if (typeof where === 'object' && where !== null && typeof where.href === 'string') return new URL(where.href);
  const text = String(where);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(text)) return new URL(text);
  if (isNode() && typeof globalThis.location === 'undefined') return null;
  return new URL(text, globalThis.location?.href ?? defaultWasmUrl(false).href);
}

compileDefaultBuildEarly(); // last: every helper it calls is defined by now
