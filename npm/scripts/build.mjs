#!/usr/bin/env node
// Builds npm/dist from the two WebAssembly builds (build/wasm-simd, build/wasm-plain):
//   1. copies wasmetrics.wasm of each build to dist/wasmetrics-{simd,plain}.wasm;
//   2. turns the Emscripten glue (a classic script) into an ES module;
//   3. loads each build in Node, reads registryJson(), and generates one class per metric
//      plus dist/index.d.ts from it (nothing metric-specific is written by hand);
//   4. bundles src/ + glue + generated classes into dist/index.mjs, dist/index.cjs and
//      dist/index.browser.mjs (esbuild; each with its own 'wasmetrics:platform', src/platform*.mjs),
//      and writes dist/worker.mjs, the browser build's evaluateParallel worker;
//   5. imports the result and checks that it loads and lists the same metrics.
// Deterministic (no timestamps, registry order); exits non-zero with a message on any problem.
//
// Usage: node npm/scripts/build.mjs [--simd-dir=DIR] [--plain-dir=DIR]   (from anywhere)
//        node npm/scripts/build.mjs --check   (only verify that dist/ is complete: npm prepack)
import { exampleCode } from '../../scripts/lib/example-code.mjs';
import { resultType, tsResultTypes } from './result-types.mjs';
import { readDtypeCodes } from './dtype-codes.mjs';
import { EARLY_COMPILE_KEY } from '../src/early-compile.mjs';
import { SIMD_PROBE } from '../src/simd-probe.mjs';
import * as cocoKeys from '../src/coco-keys.mjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

// detection.d.ts declares COCO_SUMMARY_KEYS and COCO_KEYPOINT_SUMMARY_KEYS as `readonly string[]`;
// the typed declarations get the literal tuples of src/coco-keys.mjs, their one source.
function withCocoKeyTuples(dts) {
  let written = 0;
  const out = dts.replace(/\b(COCO_(?:KEYPOINT_)?SUMMARY_KEYS): readonly string\[\];/g, (_, name) => {
    written++;
    return `${name}: readonly [${cocoKeys[name].map((k) => `'${k}'`).join(', ')}];`;
  });
  if (written !== 2) throw new Error(`build: detection.d.ts declares ${written} of the 2 COCO key lists`);
  return out;
}

const npmDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(npmDir, '..');
const srcDir = join(npmDir, 'src');
const distDir = join(npmDir, 'dist');
const pkg = JSON.parse(readFileSync(join(npmDir, 'package.json'), 'utf8'));

const DIST_FILES = [
  'index.mjs',
  'index.node.mjs',
  'node-bridge.cjs',
  'index.cjs',
  'codecs.cjs',
  'index.browser.mjs',
  'worker.mjs',
  'bench.mjs',
  'bench-floors-simd.wasm',
  'bench-floors-plain.wasm',
  'index.d.ts',
  'index.d.cts',
  'wasmetrics-simd.wasm',
  'wasmetrics-plain.wasm',
  'THIRD-PARTY-NOTICES.md',
];
// Names index.mjs exports besides the metric classes: a metric must not take one of them.
const RESERVED_EXPORTS = [
  'init',
  'simd',
  'Tensor',
  'WasmetricsError',
  'Metric',
  'createMetric',
  'listMetrics',
  'decodeMask',
  'stackMasks',
  'evaluateMasks',
  'allocInput',
  'HeapInput', // zero-copy inputs (src/heap-input.d.ts)
  // collections, composition, wrappers, custom metrics, parallel evaluation (src/collection.d.ts)
  'MetricCollection',
  'CompositionalMetric',
  'CustomMetric',
  'defineMetric',
  'ClasswiseWrapper',
  'MinMaxMetric',
  'MetricTracker',
  'BootStrapper',
  'MultitaskWrapper',
  'evaluateParallel',
  'serveParallelWorker',
  'SlicedMetric',
  'mcnemarTest',
  'delongTest',
  'pairedBootstrap', // sliced evaluation, paired tests (src/sliced.d.ts)
  // detection inputs and COCO JSON (src/detection.d.ts)
  'DetectionMetric',
  'decodeRle',
  'readCoco',
  'evaluateCoco',
  'tideErrors',
  'detectionConfusionMatrix',
  'rleEncode',
  'rleDecode',
  'rleArea',
  'rleToBbox',
  'rleIou',
  'rleFrPoly',
  // trec_eval files and run comparison (src/trec.d.ts)
  'readQrels',
  'readRun',
  'readTrecCsv',
  'isTrecCsv',
  'trecInputs',
  'trecRanking',
  'TrecFormatError',
  'pairedTTest',
  'pairedRandomizationTest',
  'alignTranscripts', // transcription alignment (src/alignment.d.ts)
  // annotation files -> ratings matrix (src/annotations.d.ts)
  'readWideCsv',
  'readLongCsv',
  'readWideJson',
  'readWideNpy',
  'readLabelStudio',
  'readCvatXml',
  'readRatings',
  'detectRatingsFormat',
  'AnnotationFormatError',
  // object annotations in YOLO, Pascal VOC and CVAT files -> COCO (src/detection-importers.d.ts)
  'readYolo',
  'readYoloClasses',
  'readPascalVoc',
  'readCvatImages',
  'cocoResults',
  'imageSize',
  'readImage',
  'imagePair',
  'readWav',
  'audioPair',
  'MediaFormatError', // image and WAV files (src/media.d.ts)
];
const OPTION_TYPES = [
  'boolean',
  'integer',
  'number',
  'string',
  'number_or_string',
  'integer_or_string',
  'number_list',
  'integer_list',
  'string_list',
];

// Methods of the Metric base class (src/metric.mjs): a generated query method must not shadow one.
const METRIC_METHODS = [
  'constructor',
  'update',
  'forward',
  'compute',
  'reset',
  'merge',
  'saveState',
  'loadState',
  'computeFrom',
  'query',
  'dispose',
  'toString',
];

class BuildError extends Error {}
const fail = (message) => {
  throw new BuildError(message);
};

function parseArgs(argv) {
  const args = {
    check: false,
    simdDir: join(repoRoot, 'build/wasm-simd'),
    plainDir: join(repoRoot, 'build/wasm-plain'),
  };
  for (const a of argv) {
    if (a === '--check') args.check = true;
    else if (a.startsWith('--simd-dir=')) args.simdDir = resolve(a.slice('--simd-dir='.length));
    else if (a.startsWith('--plain-dir=')) args.plainDir = resolve(a.slice('--plain-dir='.length));
    else fail(`unknown argument ${a}; usage: build.mjs [--simd-dir=DIR] [--plain-dir=DIR] [--check]`);
  }
  return args;
}

function checkDist() {
  const missing = DIST_FILES.filter((f) => !existsSync(join(distDir, f)));
  if (!existsSync(join(npmDir, 'LICENSE'))) missing.push('../LICENSE');
  if (missing.length) {
    fail(
      `npm/dist is incomplete (missing ${missing.join(', ')}); run \`node npm/scripts/build.mjs\` after building the WASM`,
    );
  }
}

function readInputs({ simdDir, plainDir }) {
  const files = {
    simdGlue: join(simdDir, 'wasmetrics.js'),
    simdWasm: join(simdDir, 'wasmetrics.wasm'),
    plainGlue: join(plainDir, 'wasmetrics.js'),
    plainWasm: join(plainDir, 'wasmetrics.wasm'),
    // bench/run.mjs's floors (bench/floors/), for dist/bench.mjs only
    simdFloorsGlue: join(simdDir, 'wasmetrics_bench_floors.js'),
    plainFloorsGlue: join(plainDir, 'wasmetrics_bench_floors.js'),
  };
  const missing = Object.values(files).filter((f) => !existsSync(f));
  if (missing.length) {
    fail(
      `missing build output:\n  ${missing.join('\n  ')}\nbuild both WebAssembly variants first ` +
        '(emcmake cmake ... -DWASMETRICS_SIMD=ON|OFF into build/wasm-simd and build/wasm-plain; see npm/HACKING.md)',
    );
  }
  const out = {};
  for (const [k, f] of Object.entries(files)) out[k] = k.endsWith('Glue') ? readFileSync(f, 'utf8') : readFileSync(f);
  return out;
}

// The glue ends with a UMD trailer assigning module.exports; inside a bundle that trailer would
// overwrite the CommonJS bundle's own exports, so it is replaced, not kept beside the export.
const UMD_TRAILER =
  /\nif \(typeof exports === 'object' && typeof module === 'object'\)\n\s+module\.exports = createWasmetricsModule;\nelse if \(typeof define === 'function' && define\['amd'\]\)\n\s+define\(\[\], function\(\) \{ return createWasmetricsModule; \}\);\nelse if \(typeof exports === 'object'\)\n\s+exports\["createWasmetricsModule"\] = createWasmetricsModule;\n?$/;

function glueToEsm(glue, where, name = 'createWasmetricsModule') {
  if (!new RegExp(`^\\s*var ${name} = `).test(glue))
    fail(`${where}: not an Emscripten MODULARIZE glue exporting ${name}`);
  const trailer = new RegExp(UMD_TRAILER.source.replaceAll('createWasmetricsModule', name));
  if (!trailer.test(glue))
    fail(`${where}: the glue's UMD trailer was not found (Emscripten output changed?); update glueToEsm()`);
  return `${glue.replace(trailer, '\n')}export default ${name};\n`;
}

async function loadRegistry(tmp, glueEsm, wasm, label) {
  const file = join(tmp, `glue-${label}.mjs`);
  writeFileSync(file, glueEsm);
  const create = (await import(pathToFileURL(file).href)).default;
  const M = await create({ wasmBinary: wasm });
  for (const name of ['NativeMetric', 'registryJson', 'errorCodesJson', '_malloc', '_free', 'HEAPU8']) {
    if (!(name in M)) fail(`the ${label} build does not export ${name}`);
  }
  // errorCodes: [{code, doc}] of src/wasmetrics/core/error_code.hpp (WasmetricsError's codes)
  return { ...JSON.parse(M.registryJson()), errorCodes: JSON.parse(M.errorCodesJson()) };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const TS_RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends ' +
    'false finally for function if import in instanceof new null return super switch this throw true try typeof var ' +
    'void while with as implements interface let package private protected public static yield arguments eval'
  ).split(' '),
);

function validateRegistry(registry) {
  if (!registry || !Array.isArray(registry.metrics)) fail('registryJson() has no "metrics" array');
  const seen = new Set();
  for (const m of registry.metrics) {
    const where = `registry entry ${JSON.stringify(m.name)}`;
    if (typeof m.name !== 'string' || !IDENTIFIER.test(m.name) || TS_RESERVED.has(m.name))
      fail(`${where}: not a valid class name`);
    if (RESERVED_EXPORTS.includes(m.name)) fail(`${where}: collides with the package export ${m.name}`);
    if (seen.has(m.name)) fail(`${where}: registered twice`);
    seen.add(m.name);
    if (!Array.isArray(m.inputs) || !Array.isArray(m.options)) fail(`${where}: inputs/options missing`);
    if (!Array.isArray(m.queries)) fail(`${where}: queries missing`);
    for (const o of [...m.options, ...m.queries.flatMap((q) => q.options)]) {
      if (!OPTION_TYPES.includes(o.type))
        fail(`${where}: option ${o.name} has type '${o.type}' that build.mjs does not know`);
      if (!IDENTIFIER.test(o.camelName))
        fail(`${where}: option camelName ${JSON.stringify(o.camelName)} is not an identifier`);
    }
    for (const q of m.queries) {
      if (!IDENTIFIER.test(q.camelName) || METRIC_METHODS.includes(q.camelName))
        fail(`${where}: query ${q.name} cannot be a method name`);
    }
  }
}

// ---- generated JS -------------------------------------------------------------------------------

const docText = (text) => String(text ?? '').replace(/\*\//g, '*\\/');

function jsdoc(lines, indent = '') {
  const body = lines.flatMap((l) => docText(l).split('\n'));
  return [`${indent}/**`, ...body.map((l) => `${indent} *${l ? ` ${l}` : ''}`), `${indent} */`].join('\n');
}

// A detection metric fed per-image tensors (not one of the COCO JSON text metrics).
const perImageDetection = (m) => m.family === 'detection' && m.inputs.every((i) => (i.kind ?? 'tensor') === 'tensor');

function generateMetricsModule(registry) {
  const parts = [
    '// Generated by npm/scripts/build.mjs from registryJson() of the WebAssembly build. Do not edit.',
    "import { Metric } from './metric.mjs';",
    "import { DetectionMetric } from './detection.mjs';",
    '',
  ];
  for (const m of registry.metrics) {
    parts.push(jsdoc([m.doc, '', ...m.options.map((o) => `@param {object} [options.${o.camelName}] ${o.doc}`)]));
    // Detection metrics also take TorchMetrics' lists of per-image dicts (src/detection.mjs); the COCO
    // JSON ones (COCOSegmPolygons, ...) take text.
    parts.push(`export class ${m.name} extends ${perImageDetection(m) ? 'DetectionMetric' : 'Metric'} {`);
    parts.push('  constructor(options) {');
    parts.push(`    super(${JSON.stringify(m.name)}, options);`);
    parts.push('  }');
    for (const q of m.queries) {
      parts.push(
        jsdoc([q.doc, '', ...q.options.map((o) => `@param {object} [options.${o.camelName}] ${o.doc}`)], '  '),
      );
      parts.push(`  ${q.camelName}(options) {`);
      parts.push(`    return this.query(${JSON.stringify(q.name)}, options);`);
      parts.push('  }');
    }
    parts.push('}', '');
  }
  return parts.join('\n');
}

// ---- generated TypeScript -----------------------------------------------------------------------

function tsOptionType(o) {
  const literals = (o.choices ?? []).map((c) => JSON.stringify(c));
  const strings = literals.length ? literals : ['string'];
  const types = {
    boolean: ['boolean'],
    integer: ['number'],
    number: ['number'],
    string: strings,
    number_or_string: ['number', ...strings],
    integer_or_string: ['number', ...strings],
    number_list: ['number', 'readonly number[]', 'Readonly<Record<string, number>>'],
    integer_list: ['number', 'readonly number[]'],
    string_list: literals.length ? [...literals, `readonly (${literals.join(' | ')})[]`] : ['readonly string[]'],
  }[o.type];
  return [...types, ...(o.nullable ? ['null'] : [])].join(' | ');
}

function rangeText(o) {
  if (o.min === undefined && o.max === undefined) return null;
  const lo = o.min === undefined ? '(-Infinity' : `${o.minExclusive ? '(' : '['}${o.min}`;
  const hi = o.max === undefined ? 'Infinity)' : `${o.max}]`;
  return `Range: ${lo}, ${hi}${o.type.startsWith('integer') ? ', integers' : ''}.`;
}

// No default and null not allowed: the core refuses to construct the metric without it.
const isRequired = (o) => o.default === null && !o.nullable;

function paramName(name) {
  let id = String(name).replace(/[^A-Za-z0-9_$]/g, '_');
  if (!IDENTIFIER.test(id)) id = `_${id}`;
  return TS_RESERVED.has(id) ? `${id}_` : id;
}

const STATIC_DTS = `// Generated by npm/scripts/build.mjs from the registry of the WebAssembly build. Do not edit.

declare global {
  // Present in lib "esnext.disposable" and @types/node; repeated so that \`using\` type-checks
  // whatever lib the consumer compiles with.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Options of {@link init}. */
export interface InitOptions {
  /** Load the SIMD build (true) or the plain one (false). Default: SIMD where the engine validates it. */
  simd?: boolean;
  /** The .wasm file's bytes: nothing is fetched or read. Say which build they are with \`simd\`. */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
  /** Where to load the .wasm from: an absolute URL, a path relative to the page, or a file path in Node. */
  wasmUrl?: string | { readonly href: string };
  /** Maps the file name ('wasmetrics-simd.wasm' or 'wasmetrics-plain.wasm') and its default URL to where it is served. */
  locateFile?: (fileName: string, defaultUrl: string) => string | { readonly href: string };
}

/**
 * Loads the WebAssembly module; call (and await) it once before creating metrics. Idempotent:
 * later calls return the same promise; a later call with different options is rejected.
 */
export declare function init(options?: InitOptions): Promise<void>;

/** Whether init() loaded the SIMD build. Throws before init(). */
export declare function simd(): boolean;

/** The WebAssembly heap's size and the bytes malloc holds (metric states...). Throws before init(). */
export declare function memoryUsage(): { heapBytes: number; usedBytes: number; peakBytes: number };

/** Element types the core accepts (src/wasmetrics/core/dtype.hpp). */
export type DType = @DTYPE_UNION@;

export type TypedArrayInput =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;

export type NestedArray<T> = readonly (T | NestedArray<T>)[];

/**
 * One input tensor: a number or boolean (0-d), a typed array (1-D, its own dtype), nested arrays
 * (numbers -> float64, booleans -> bool), a {@link Tensor}, or \`{data, shape, dtype?}\` with
 * row-major data (dtype 'bool' marks a Uint8Array as booleans).
 */
export type TensorInput =
  | number
  | boolean
  | bigint
  | TypedArrayInput
  | NestedArray<number>
  | NestedArray<boolean>
  | NestedArray<bigint>
  | Tensor
  | { readonly data: TypedArrayInput | readonly (number | boolean | bigint)[]; readonly shape?: readonly number[]; readonly dtype?: DType };

/**
 * Text inputs (the text metrics): a string is one sample, an array of strings a batch. The whole
 * batch is encoded into the WebAssembly heap as one UTF-8 buffer; characters are counted as
 * Python counts them (code points).
 */
export type TextInput = string | readonly string[];
/** References: one list of reference strings per sample (a string stands for a list of one). */
export type TextListsInput = string | readonly (string | readonly string[])[];
/** Dict inputs (SQuAD): one object or an array of them. */
export type RecordsInput = object | readonly object[];

/** An n-dimensional float64 result, owned by JS (never a view into the WebAssembly heap). */
export declare class Tensor {
  constructor(data: Float64Array, shape: readonly number[]);
  /** Row-major elements. */
  readonly data: Float64Array;
  readonly shape: readonly number[];
  readonly ndim: number;
  readonly size: number;
  /** The element at one index per dimension. */
  get(...index: number[]): number;
  /** Nested arrays of numbers (a number for a 0-d tensor). */
  toArray(): number | NestedArray<number>;
}

/** A 0-d result is a plain number; curves and dicts are objects of results; per-class lists are arrays. */
export type MetricResult = number | Tensor | { readonly [name: string]: MetricResult } | readonly MetricResult[];

/** The keys of options \`O\` that a metric's options \`T\` do not have, as \`never\`: an unknown option is an error. */
export type NoExtraOptions<O, T> = { readonly [K in Exclude<keyof O, keyof T>]: never };
/** The options of \`T\` without a default. */
export type RequiredOptions<T> = { [K in keyof T as {} extends Pick<T, K> ? never : K]: T[K] };
/**
 * A metric's result type: \`Narrow\` unless one of the options \`K\` that reshape it is given (e.g.
 * MeanSquaredError is a number unless numOutputs is given, then number | Tensor).
 */
export type ShapedResult<O, K extends PropertyKey, Narrow, Wide> = [Extract<keyof O, K>] extends [never] ? Narrow : Wide;

export type OptionType = ${OPTION_TYPES.map((t) => `'${t}'`).join(' | ')};

/** One option of a metric, as listMetrics() reports it. */
export interface OptionInfo {
  /** camelCase, as JS passes it. */
  name: string;
  /** snake_case, as TorchMetrics spells it (accepted too). */
  snakeName: string;
  type: OptionType;
  default: unknown;
  choices?: string[];
  min?: number;
  max?: number;
  minExclusive?: boolean;
  nullable: boolean;
  doc: string;
}

export interface InputInfo {
  name: string;
  optional: boolean;
  doc: string;
  /** What the input takes: a tensor, text ({@link TextInput}), references ({@link TextListsInput}) or dicts. */
  kind: 'tensor' | 'text' | 'text_lists' | 'records';
  /** records: the key paths each dict must have (nested keys joined with '.'). */
  fields?: string[];
}

/** A named analysis of the state beyond compute(), called as a method of the metric. */
export interface QueryInfo {
  /** camelCase: the method name. */
  name: string;
  snakeName: string;
  doc: string;
  options: OptionInfo[];
}

/** A tensor in the conformance fixtures' JSON form (non-finite numbers as "NaN", "Infinity", "-Infinity"). */
export interface ExampleTensor {
  dtype: 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';
  shape: number[];
  data: Array<number | boolean | string>;
}

/** A compute() value in the fixtures' JSON form: a tensor {shape, data}, named results, or a list. */
export type ExampleResult = { shape: number[]; data: Array<number | string> } | { [name: string]: ExampleResult } | ExampleResult[];

/** A worked example of a metric, checked by the contract test (the @example blocks come from it). */
export interface MetricExample {
  doc: string;
  /** Constructor options, snake_case as in TorchMetrics. */
  args: Record<string, unknown>;
  /** update() calls in order: input name -> tensor (detection: preds/target as lists of per-image dicts). */
  batches: Array<Record<string, ExampleTensor | Array<Record<string, ExampleTensor>>>>;
  /** compute() after every batch. */
  expected: ExampleResult;
  /** Comparison: |got - expected| <= atol + rtol * |expected|, NaN equal to NaN. */
  atol: number;
  rtol: number;
}

export interface MetricInfo {
  name: string;
  family: string;
  doc: string;
  inputs: InputInfo[];
  options: OptionInfo[];
  queries: QueryInfo[];
  /** How the value depends on batching: 'rows' (any split, shards merged in any order), 'ordered' (row order matters), 'updates' (each update() call is a unit). */
  batching: 'rows' | 'ordered' | 'updates';
  /** false where update() accepts inputs with different numbers of rows, as TorchMetrics does (text zips pairs; clustering raises at compute()). */
  rejectsMismatchedRows: boolean;
  examples: MetricExample[];
  /**
   * What compute() returns, where the registry declares it (else null: the forms of the examples'
   * values): 'number', 'Tensor', {fields, open?}, {list}, {oneOf}, or {default, shapedBy, otherwise}.
   */
  result: ResultDescriptor | null;
}

/** A result form as the registry declares it (see {@link MetricInfo.result}). */
export type ResultDescriptor =
  | 'number'
  | 'Tensor'
  | { readonly oneOf: readonly ResultDescriptor[] }
  | { readonly list: ResultDescriptor }
  | { readonly fields: { readonly [name: string]: ResultDescriptor }; readonly open?: ResultDescriptor }
  | { readonly default: ResultDescriptor; readonly shapedBy: readonly string[]; readonly otherwise: ResultDescriptor };

/** The registered metrics with their inputs and options. Throws before init(). */
export declare function listMetrics(): MetricInfo[];

/**
 * Base of every metric. The state lives in the WebAssembly heap: call {@link Metric.dispose}
 * when done (or declare it with \`using\`); a FinalizationRegistry frees forgotten ones eventually.
 */
export declare abstract class Metric {
  protected constructor(name: string, options?: object);
  /**
   * Bytes of all inputs together copied into the heap per part when a large batch of typed arrays
   * goes to a metric that takes batches in parts (e.g. PeakSignalNoiseRatio); 0: every batch whole.
   */
  static inputSliceBytes: number;
  /** The registered name, e.g. "MeanSquaredError". */
  readonly name: string;
  /** Every option with its validated value, camelCase keys. */
  readonly options: Record<string, unknown>;
  /** Bytes of accumulated state in the WebAssembly heap. */
  readonly stateBytes: number;
  /** True after dispose(). */
  readonly disposed: boolean;
  /** Folds a batch into the state (inputs in the order of TorchMetrics' update()). */
  update(...inputs: (TensorInput | TextListsInput | RecordsInput | undefined)[]): void; // undefined: an optional input left out
  /** The value on this batch alone, while the batch is accumulated too. */
  forward(...inputs: (TensorInput | TextListsInput | RecordsInput | undefined)[]): MetricResult;
  /** The value over everything accumulated since construction or reset(). */
  compute(): MetricResult;
  reset(): void;
  /** Folds in the state of another instance of the same metric and options. */
  merge(other: Metric): void;
  /** A versioned binary copy of the state. */
  saveState(): Uint8Array;
  /** Replaces the state with a saveState() blob of the same metric and options. */
  loadState(state: Uint8Array | ArrayBuffer): void;
  /** Runs a query the registry declares for this metric (the classes have a method per query, e.g. bestThresholds). */
  query(name: string, options?: object): MetricResult;
  /** Frees the native state (idempotent). Any later use throws. */
  dispose(): void;
  [Symbol.dispose](): void;
}
`;

// The members of an options interface, each with its doc, range and default.
function optionMembers(options, required) {
  return options.flatMap((o) => {
    const lines = [o.doc, ''];
    const range = rangeText(o);
    if (range) lines.push(range);
    lines.push(`@defaultValue ${JSON.stringify(o.default)}`);
    return [jsdoc(lines, '  '), `  ${o.camelName}${required(o) ? '' : '?'}: ${tsOptionType(o)};`];
  });
}

// WasmetricsError and the union of its codes, from the engine's one list (src/wasmetrics/core/error_code.hpp).
function errorDts(errorCodes) {
  return [
    '',
    '/** The stable codes of {@link WasmetricsError} (src/wasmetrics/core/error_code.hpp): branch on these, not on messages. */',
    'export type WasmetricsErrorCode =',
    ...errorCodes.map((e, i) => `  /** ${docText(e.doc)} */\n  | '${e.code}'${i === errorCodes.length - 1 ? ';' : ''}`),
    '',
    '/** What the engine refuses, and use before init() or after dispose(): an Error with a stable `code`. */',
    'export declare class WasmetricsError extends Error {',
    '  /** Every code with its one line of text. */',
    '  static readonly codes: { readonly [C in WasmetricsErrorCode]: string };',
    '  constructor(message: string, details?: { code?: WasmetricsErrorCode; metric?: string; argument?: string; cause?: unknown });',
    "  name: 'WasmetricsError';",
    '  readonly code: WasmetricsErrorCode;',
    '  /** The registered name of the metric that raised it, when one did. */',
    '  readonly metric?: string;',
    '  /** The input or option at fault (camelCase), when the engine names one. */',
    '  readonly argument?: string;',
    '}',
  ].join('\n');
}

// The npm README's table of error codes, regenerated from the engine's list (the text between the
// '<!-- error-codes:' marker and the next blank line); the file is rewritten only when it differs.
function writeErrorCodeTable(errorCodes) {
  const readmePath = join(npmDir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = readme.indexOf('<!-- error-codes:');
  if (start < 0) fail('npm/README.md has no <!-- error-codes: --> marker');
  const markerEnd = readme.indexOf('\n', start) + 1;
  const end = readme.indexOf('\n\n', markerEnd);
  const table = ['| code | meaning |', '|---|---|', ...errorCodes.map((e) => `| \`${e.code}\` | ${e.doc} |`)].join(
    '\n',
  );
  const updated = readme.slice(0, markerEnd) + table + readme.slice(end);
  if (updated !== readme) writeFileSync(readmePath, updated);
}

function generateDts(registry, dtypes) {
  const out = [
    STATIC_DTS.replace('@DTYPE_UNION@', dtypes.map((d) => `'${d.name}'`).join(' | ')),
    errorDts(registry.errorCodes),
  ];
  const results = new Map(registry.metrics.map((m) => [m.name, tsResultTypes(resultType(m))]));
  for (const m of registry.metrics) {
    out.push('');
    if (m.options.length === 0) {
      out.push(`/** ${docText(m.name)} takes no options. */`);
      out.push(`export type ${m.name}Options = Record<string, never>;`);
    } else {
      out.push(`/** Options of {@link ${m.name}} (snake_case names are accepted at run time too). */`);
      out.push(`export interface ${m.name}Options {`, ...optionMembers(m.options, isRequired), '}');
    }
    const inputType = {
      tensor: 'TensorInput',
      text: 'TextInput',
      text_lists: 'TextListsInput',
      records: 'RecordsInput',
    };
    const params = m.inputs
      .map((i) => `${paramName(i.name)}${i.optional ? '?' : ''}: ${inputType[i.kind ?? 'tensor']}`)
      .join(', ');
    const paramDocs = m.inputs.map((i) => `@param ${paramName(i.name)} ${i.doc}`);
    // the registry's first example (the one the contract test checks) as an @example block
    const example = (m.examples ?? [])[0];
    const exampleLines = example ? ['', '@example', example.doc, '```ts', ...exampleCode(m, example), '```'] : [];
    out.push(jsdoc([m.doc, '', `Family: ${m.family}.`, ...exampleLines]));
    // compute()'s type from the registry (npm/scripts/result-types.mjs): when options reshape the
    // result, an interface generic in it and a constructor that picks it from the options given.
    const result = results.get(m.name);
    const shaped = result.shapedBy.length > 0;
    const R = shaped ? 'R' : result.wide;
    out.push(
      shaped
        ? `export interface ${m.name}<R extends ${result.wide} = ${result.wide}> extends Metric {`
        : `export declare class ${m.name} extends Metric {`,
    );
    if (!shaped) out.push(`  constructor(options${m.options.some(isRequired) ? '' : '?'}: ${m.name}Options);`);
    out.push(jsdoc(['Folds a batch into the state.', ...paramDocs], '  '));
    if (perImageDetection(m)) {
      // TorchMetrics' form first: one dict per image (src/detection.d.ts).
      const perImage = [
        "@param preds one dict per image: boxes, scores, labels (masks for iouType 'segm')",
        "@param target one dict per image: boxes, labels, iscrowd?, area? (masks for iouType 'segm')",
      ];
      out.push(
        jsdoc(["Folds a batch of images into the state (TorchMetrics' lists of per-image dicts).", ...perImage], '  '),
      );
      out.push('  update(preds: readonly DetectionPrediction[], target: readonly DetectionTarget[]): void;');
      out.push(jsdoc(['The value on this batch of images alone, while it is accumulated too.', ...perImage], '  '));
      out.push(`  forward(preds: readonly DetectionPrediction[], target: readonly DetectionTarget[]): ${R};`);
    }
    out.push(`  update(${params}): void;`);
    out.push(jsdoc(['The value on this batch alone, while the batch is accumulated too.', ...paramDocs], '  '));
    out.push(`  forward(${params}): ${R};`);
    out.push(jsdoc(['The value over everything accumulated since construction or reset().'], '  '));
    out.push(`  compute(): ${R};`);
    out.push(`  computeFrom(source: Metric): ${R};`);
    for (const q of m.queries) {
      const qType = `${m.name}${q.camelName[0].toUpperCase()}${q.camelName.slice(1)}Options`;
      out.push(jsdoc([q.doc], '  '));
      out.push(`  ${q.camelName}(options?: ${qType}): MetricResult;`);
    }
    out.push('}');
    if (shaped) {
      const keys = result.shapedBy.map((k) => `'${k}'`).join(' | ');
      out.push(
        `/** ${docText(m.name)}: compute() is ${docText(result.narrow)} unless ${result.shapedBy.join(' or ')} is given. */`,
      );
      out.push(`export declare const ${m.name}: {`);
      const required = m.options.some(isRequired); // then no default for O: options must be given
      out.push(
        `  new <const O extends ${m.name}Options${required ? '' : ' = {}'}>(options${required ? '' : '?'}: O & NoExtraOptions<O, ${m.name}Options>): ` +
          `${m.name}<ShapedResult<O, ${keys}, ${result.narrow}, ${result.wide}>>;`,
      );
      out.push(`  readonly prototype: ${m.name};`);
      out.push('};');
    }
    for (const q of m.queries) {
      const qType = `${m.name}${q.camelName[0].toUpperCase()}${q.camelName.slice(1)}Options`;
      out.push(`/** Options of {@link ${m.name}.${q.camelName}}. */`);
      // a query checks its own required options (they depend on the criterion): all optional here
      out.push(`export interface ${qType} {`, ...optionMembers(q.options, () => false), '}');
    }
  }
  const names = registry.metrics.map((m) => m.name);
  out.push('');
  out.push('export interface MetricOptionsMap {');
  for (const n of names) out.push(`  ${n}: ${n}Options;`);
  out.push('}');
  out.push('');
  out.push('export interface MetricClassMap {');
  for (const n of names) out.push(`  ${n}: ${n};`);
  out.push('}');
  out.push('');
  out.push('export type MetricName = keyof MetricClassMap;');
  out.push('');
  out.push("/** The options that reshape each metric's result (never: none). */");
  out.push('export interface MetricShapedBy {');
  for (const n of names)
    out.push(
      `  ${n}: ${
        results
          .get(n)
          .shapedBy.map((k) => `'${k}'`)
          .join(' | ') || 'never'
      };`,
    );
  out.push('}');
  out.push('');
  out.push('/** Each metric with its result when no reshaping option is given. */');
  out.push('export interface MetricNarrowMap {');
  for (const n of names) out.push(`  ${n}: ${results.get(n).shapedBy.length ? `${n}<${results.get(n).narrow}>` : n};`);
  out.push('}');
  out.push('');
  out.push('/** A metric by its registered name; throws listing the known names if there is none. */');
  out.push(
    'export declare function createMetric<N extends MetricName, const O extends Partial<MetricOptionsMap[N]> = {}>(name: N, ...options: {} extends MetricOptionsMap[N]',
  );
  out.push('  ? [options?: O & NoExtraOptions<O, MetricOptionsMap[N]>]');
  out.push('  : [options: O & NoExtraOptions<O, MetricOptionsMap[N]> & RequiredOptions<MetricOptionsMap[N]>])');
  out.push('  : ShapedResult<O, MetricShapedBy[N], MetricNarrowMap[N], MetricClassMap[N]>;');
  // No catch-all overload: a misspelled name must not compile (issue 18). A name this build does
  // not know (a newer .wasm) is passed as `name as MetricName`, at the caller's own risk.
  out.push('');
  // Hand-written declarations of the non-generated exports in src/masks.mjs.
  out.push(readFileSync(join(srcDir, 'masks.d.ts'), 'utf8'));
  // Hand-written declarations of collections, composition, wrappers, custom metrics and
  // parallel evaluation (src/collection.mjs and its neighbours).
  out.push(readFileSync(join(srcDir, 'collection.d.ts'), 'utf8'));
  // Hand-written declarations of detection inputs and the COCO reader (src/detection.mjs, src/coco.mjs).
  out.push(withCocoKeyTuples(readFileSync(join(srcDir, 'detection.d.ts'), 'utf8')));
  out.push(readFileSync(join(srcDir, 'heap-input.d.ts'), 'utf8')); // zero-copy inputs
  out.push(readFileSync(join(srcDir, 'trec.d.ts'), 'utf8')); // trec_eval files, paired tests (src/trec.mjs)
  out.push(readFileSync(join(srcDir, 'sliced.d.ts'), 'utf8')); // SlicedMetric, mcnemarTest, delongTest, pairedBootstrap
  out.push(readFileSync(join(srcDir, 'alignment.d.ts'), 'utf8')); // transcription alignment (src/alignment.mjs)
  out.push(readFileSync(join(srcDir, 'annotations.d.ts'), 'utf8')); // annotation files (src/annotations.mjs)
  out.push(readFileSync(join(srcDir, 'detection-importers.d.ts'), 'utf8')); // YOLO, VOC, CVAT -> COCO
  out.push(readFileSync(join(srcDir, 'media.d.ts'), 'utf8')); // image and WAV files (src/images.mjs, src/wav.mjs)
  return out.join('\n');
}

// ---- bundling -----------------------------------------------------------------------------------

// platformFile: the src/platform*.mjs this bundle gets as 'wasmetrics:platform' (see platform.mjs).
function virtualModules(modules, platformFile) {
  return {
    name: 'wasmetrics-virtual-modules',
    setup(b) {
      b.onResolve({ filter: /^wasmetrics:platform$/ }, () => ({ path: join(srcDir, platformFile) }));
      b.onResolve({ filter: /^wasmetrics:/ }, (args) => ({ path: args.path, namespace: 'wasmetrics-virtual' }));
      b.onLoad({ filter: /.*/, namespace: 'wasmetrics-virtual' }, (args) => {
        if (!Object.hasOwn(modules, args.path)) return { errors: [{ text: `unknown virtual module ${args.path}` }] };
        return { contents: modules[args.path], loader: 'js', resolveDir: srcDir };
      });
    },
  };
}

// The third-party decoders npm/src requires on first use (a PNG, a JPEG, listMetrics()'s inflate:
// src/inflate.mjs, fflate's functions). In dist/index.cjs, the bundle Node's `import` and `require`
// load, they are not compiled at every start: V8 pre-parses every function of a script it compiles,
// and these 127 KB cost 3-4 ms of index.cjs's compile and 1.5 ms of its evaluation at every start
// (issue 18; bench/README "Session 17"). index.cjs requires them from dist/codecs.cjs on first use
// instead. The ESM bundles keep them inline: browser bundlers and pages load one file. (fflate
// through src/inflate.mjs: its ESM build, the one fast-png imports, so codecs.cjs holds one copy.)
const CJS_CODECS = ['./inflate.mjs', 'fast-png', 'jpeg-js/lib/decoder.js'];

function codecsEntry() {
  const entries = CJS_CODECS.map((name) => `  ${JSON.stringify(name)}: () => require(${JSON.stringify(name)}),`);
  return `module.exports = {\n${entries.join('\n')}\n};\n`;
}

function codecsFromSiblingFile() {
  return {
    name: 'wasmetrics-codecs-from-sibling-file',
    setup(b) {
      // A stub per codec; its path must not end in .mjs (esbuild would take it for an ES module).
      b.onResolve({ filter: /.*/ }, (args) =>
        CJS_CODECS.includes(args.path)
          ? { path: `${args.path} from codecs.cjs`, namespace: 'wasmetrics-codec', pluginData: args.path }
          : undefined,
      );
      b.onResolve({ filter: /^\.\/codecs\.cjs$/ }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'wasmetrics-codec' }, (args) => ({
        contents: `module.exports = require('./codecs.cjs')[${JSON.stringify(args.pluginData)}]();\n`,
        loader: 'js',
      }));
    },
  };
}

async function bundle(modules) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    fail('esbuild is not installed: run `npm ci` in npm/ first');
  }
  const common = {
    entryPoints: [join(srcDir, 'index.mjs')],
    bundle: true,
    platform: 'neutral',
    target: 'es2022',
    external: ['node:*'],
    charset: 'ascii',
    legalComments: 'inline',
    logLevel: 'silent',
    absWorkingDir: repoRoot, // source-path comments in the output must not depend on the cwd
    banner: {
      js: `// ${pkg.name} ${pkg.version}: built by npm/scripts/build.mjs from npm/src and the WebAssembly build.`,
    },
  };
  const builds = [
    {
      ...common,
      format: 'esm',
      outfile: join(distDir, 'index.mjs'),
      plugins: [virtualModules(modules, 'platform.mjs')],
    },
    {
      ...common,
      format: 'esm',
      outfile: join(distDir, 'index.browser.mjs'),
      plugins: [virtualModules(modules, 'platform-browser.mjs')],
    },
    // bench/run.mjs's entry (src/bench.mjs): not shipped (package.json "files" leaves it out).
    {
      ...common,
      entryPoints: [join(srcDir, 'bench.mjs')],
      format: 'esm',
      outfile: join(distDir, 'bench.mjs'),
      plugins: [virtualModules(modules, 'platform.mjs')],
    },
    {
      ...common,
      format: 'cjs',
      plugins: [codecsFromSiblingFile(), virtualModules(modules, 'platform-node.mjs')],
      outfile: join(distDir, 'index.cjs'),
      // import.meta does not exist in CommonJS: the shim gives the file URL of index.cjs.
      define: { 'import.meta.url': 'importMetaUrl' },
      inject: [join(srcDir, 'cjs-shim.mjs')],
    },
    // index.cjs's decoders (codecsFromSiblingFile): one file, so fast-png and the registry's
    // inflate share one fflate.
    {
      ...common,
      entryPoints: ['wasmetrics:codecs'],
      format: 'cjs',
      plugins: [virtualModules({ 'wasmetrics:codecs': codecsEntry() }, 'platform-node.mjs')],
      outfile: join(distDir, 'codecs.cjs'),
    },
  ];
  const bundled = new Set();
  for (const options of builds) {
    const result = await esbuild.build({ ...options, metafile: true });
    if (result.warnings.length) {
      const text = await esbuild.formatMessages(result.warnings, { kind: 'warning' });
      fail(`esbuild warnings for ${options.outfile}:\n${text.join('\n')}`);
    }
    keepOneByte(options.outfile);
    if (options.outfile.endsWith('index.cjs')) plainCjsExports(options.outfile);
    if (options.outfile.endsWith('.browser.mjs')) {
      const nodeImport = Object.values(result.metafile.outputs)
        .flatMap((o) => o.imports)
        .find((i) => i.path.startsWith('node:'));
      if (nodeImport) fail(`${options.outfile} imports ${nodeImport.path}: browser bundlers cannot resolve it`);
    }
    if (options.outfile.endsWith('bench.mjs')) continue; // not shipped: no notices needed
    for (const input of Object.keys(result.metafile.inputs)) {
      const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) bundled.add(m[1]);
    }
  }
  writeThirdPartyNotices([...bundled].sort());
  writeNodeEsmEntry();
  // Not bundled: Vite and webpack bundle it themselves from `new Worker(new URL('./worker.mjs', ...))`.
  writeFileSync(
    join(distDir, 'worker.mjs'),
    `// ${pkg.name} ${pkg.version}: evaluateParallel's Web Worker in the browser build.\n` +
      "import { serveParallelWorker } from './index.browser.mjs';\n\nserveParallelWorker(globalThis);\n",
  );
}

// A bundle with one character above U+00FF is held by V8 as a two-byte string (Node reads index.cjs
// as UTF-8: 1.3 MB instead of 650 KB, and a slower scan) at every start (issue 18). esbuild's
// `charset: 'ascii'` escapes the code; what it leaves are comments (jpeg-js has a curly quote in
// one), where the same escape is only text.
function keepOneByte(file) {
  const text = readFileSync(file, 'utf8');
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[^\x00-\xff]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  if (escaped !== text) writeFileSync(file, escaped);
}

// esbuild's CommonJS entry exports through getters (`__export(index_exports, {name: () => name})`,
// copied by `__toCommonJS`): live bindings, which an ESM-to-CJS bundle needs in general, and 285
// one-line functions that V8 compiles one by one when index.node.mjs reads each name, 2-3 ms of every
// start (issue 18). No export of index.mjs is ever reassigned (its modules are evaluated by the end
// of index.cjs's top level), so index.cjs ends with one object of plain values instead, made after
// every declaration; the same names, enumerable, with the same non-enumerable __esModule marker.
function plainCjsExports(file) {
  const text = readFileSync(file, 'utf8');
  const block =
    /^var index_exports = \{\};\n__export\(index_exports, \{\n([^]*?)\n\}\);\nmodule\.exports = __toCommonJS\(index_exports\);\n/m.exec(
      text,
    );
  if (!block) fail(`${file}: esbuild's export block was not found; update plainCjsExports`);
  const entries = block[1].split('\n').map((line) => {
    const m = /^ {2}([A-Za-z_$][\w$]*): \(\) => ([A-Za-z_$][\w$]*),?$/.exec(line);
    if (!m) fail(`${file}: unexpected export line ${JSON.stringify(line)}; update plainCjsExports`);
    return `  ${m[1]}: ${m[2]},`;
  });
  const tail =
    '\n// the exports as plain values (npm/scripts/build.mjs, plainCjsExports)\n' +
    `module.exports = __defProp({\n${entries.join('\n')}\n}, "__esModule", { value: true });\n`;
  writeFileSync(file, text.slice(0, block.index) + text.slice(block.index + block[0].length) + tail);
}

// dist/index.node.mjs, Node's `import` entry: dist/index.cjs re-exported by name, so that `import`
// and `require` in one process share one module instance (one init(), metrics that merge across
// both) instead of loading two copies of the package. It imports index.cjs through node-bridge.cjs,
// three lines that hand index.cjs's exports on in a form Node's cjs-module-lexer does not follow:
// an ESM import of CommonJS lexes the imported file for its export names, and lexing the 430 KB
// bundle cost ~0.1 s of CPU at every start (issue 18); the names are listed here anyway. Bundlers
// follow the bridge's require() as they followed the import.
function writeNodeEsmEntry() {
  const names = Object.keys(createRequire(import.meta.url)(join(distDir, 'index.cjs')));
  const bad = names.find((n) => !IDENTIFIER.test(n) || TS_RESERVED.has(n));
  if (bad) fail(`index.cjs exports ${bad}, which cannot be re-exported by name`);
  writeFileSync(
    join(distDir, 'node-bridge.cjs'),
    `// ${pkg.name} ${pkg.version}: index.cjs for index.node.mjs, without Node lexing index.cjs again.\n` +
      "'use strict';\n\n" +
      earlyCompileSource() +
      "\nconst lib = require('./index.cjs');\n\nmodule.exports = lib;\n",
  );
  writeFileSync(
    join(distDir, 'index.node.mjs'),
    `// ${pkg.name} ${pkg.version}: Node's import entry; the package itself is index.cjs (one module instance).\n` +
      "import lib from './node-bridge.cjs';\n\n" +
      `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = lib;\n`,
  );
}

// The bridge's first statements: start compiling the default .wasm before index.cjs is read and
// compiled, and offer it to the loader (src/early-compile.mjs says why; the SIMD probe is the
// loader's own, src/simd-probe.mjs). Any failure is left for init() to meet and report.
function earlyCompileSource() {
  return `// Compile the .wasm while Node reads and compiles index.cjs (src/early-compile.mjs).
try {
  const simd = WebAssembly.validate(new Uint8Array(${JSON.stringify([...SIMD_PROBE])}));
  const file = require('node:path').join(__dirname, simd ? 'wasmetrics-simd.wasm' : 'wasmetrics-plain.wasm');
  const compiled = WebAssembly.compile(require('node:fs').readFileSync(file));
  compiled.catch(() => {}); // init() reports a failure
  globalThis[Symbol.for(${JSON.stringify(EARLY_COMPILE_KEY)})] = { simd, compiled };
} catch {
  // no file system or no .wasm here (bundled): init() loads it
}
`;
}

// dist/THIRD-PARTY-NOTICES.md: the licence of every npm package the bundles contain, read from
// the bundler's own list of inputs, so a new bundled dependency can never ship without its notice.
function writeThirdPartyNotices(packages) {
  const parts = [
    '# Third-party notices',
    '',
    `${pkg.name} bundles the following packages into dist/index.mjs, dist/index.browser.mjs and dist/index.cjs.`,
    '',
  ];
  for (const name of packages) {
    const dir = join(npmDir, 'node_modules', name);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'license']
      .map((f) => join(dir, f))
      .find(existsSync);
    if (!licenceFile) fail(`bundled package ${name} has no LICENSE file to copy into THIRD-PARTY-NOTICES.md`);
    parts.push(
      `## ${name} ${meta.version} (${meta.license})`,
      '',
      '```',
      readFileSync(licenceFile, 'utf8').trim(),
      '```',
      '',
    );
  }
  writeFileSync(join(distDir, 'THIRD-PARTY-NOTICES.md'), parts.join('\n'));
}

async function selfCheck(registry) {
  const expected = registry.metrics.map((m) => m.name).sort();
  const esm = await import(pathToFileURL(join(distDir, 'index.mjs')).href);
  const cjs = createRequire(import.meta.url)(join(distDir, 'index.cjs'));
  // plainCjsExports: the CommonJS build exports every name of the ESM one, each with a value of its kind
  const names = (lib) => JSON.stringify(Object.keys(lib).sort());
  if (names(cjs) !== names(esm)) fail('index.cjs and index.mjs export different names');
  const unlike = Object.keys(esm).find((k) => cjs[k] === undefined || typeof cjs[k] !== typeof esm[k]);
  if (unlike) fail(`index.cjs exports ${unlike} as ${typeof cjs[unlike]}, index.mjs as ${typeof esm[unlike]}`);
  if (cjs.__esModule !== true) fail('index.cjs lost its __esModule marker');
  for (const [label, lib] of [
    ['index.mjs', esm],
    ['index.cjs', cjs],
  ]) {
    await lib.init();
    const listed = lib
      .listMetrics()
      .map((m) => m.name)
      .sort();
    if (JSON.stringify(listed) !== JSON.stringify(expected)) fail(`${label}: listMetrics() differs from the registry`);
    for (const name of expected) {
      // Not constructed: some metrics have required options (no default).
      if (!(lib[name]?.prototype instanceof lib.Metric)) fail(`${label} does not export the class ${name}`);
    }
    const first = expected.find((n) => registry.metrics.find((m) => m.name === n).options.length === 0);
    if (first) new lib[first]().dispose();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.check) {
    checkDist();
    return;
  }
  const inputs = readInputs(args);
  const simdGlue = glueToEsm(inputs.simdGlue, 'build/wasm-simd/wasmetrics.js');
  const plainGlue = glueToEsm(inputs.plainGlue, 'build/wasm-plain/wasmetrics.js');
  // One glue serves both builds when they are identical; the loader then bundles it once.
  const sameGlue = simdGlue === plainGlue;

  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-build-'));
  let registry;
  try {
    registry = await loadRegistry(tmp, plainGlue, inputs.plainWasm, 'plain');
    const simdRegistry = await loadRegistry(tmp, simdGlue, inputs.simdWasm, 'simd');
    if (JSON.stringify(registry) !== JSON.stringify(simdRegistry)) {
      fail('the SIMD and plain builds list different registries: rebuild both from the same sources');
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  validateRegistry(registry);

  // 'wasmetrics:glue' exports glueFor(useSimd) -> the module factory of that build.
  const modules = sameGlue
    ? { 'wasmetrics:glue': `${simdGlue}export const glueFor = () => createWasmetricsModule;\n` }
    : {
        'wasmetrics:glue-simd': simdGlue,
        'wasmetrics:glue-plain': plainGlue,
        'wasmetrics:glue':
          "import simd from 'wasmetrics:glue-simd';\nimport plain from 'wasmetrics:glue-plain';\n" +
          'export const glueFor = (useSimd) => (useSimd ? simd : plain);\n',
      };
  // dist/bench.mjs's floors module (src/bench-floors.mjs): floorsGlueFor(useSimd) -> its factory
  const floorsGlue = (which) =>
    glueToEsm(
      inputs[`${which}FloorsGlue`],
      `build/wasm-${which}/wasmetrics_bench_floors.js`,
      'createBenchFloorsModule',
    );
  modules['wasmetrics:bench-floors-glue-simd'] = floorsGlue('simd');
  modules['wasmetrics:bench-floors-glue-plain'] = floorsGlue('plain');
  modules['wasmetrics:bench-floors-glue'] =
    "import simd from 'wasmetrics:bench-floors-glue-simd';\nimport plain from 'wasmetrics:bench-floors-glue-plain';\n" +
    'export const floorsGlueFor = (useSimd) => (useSimd ? simd : plain);\n';
  modules['wasmetrics:metrics'] = generateMetricsModule(registry);
  // The classes by registered name (createMetric, evaluateMasks): an object
  // literal, where a namespace import of 'wasmetrics:metrics' made esbuild build a namespace object
  // with one getter per class at every start (issue 18).
  const classNames = registry.metrics.map((m) => `  ${m.name},`).join('\n');
  modules['wasmetrics:metric-classes'] =
    `import {\n${classNames}\n} from 'wasmetrics:metrics';\n\n` +
    `export default Object.freeze({\n  __proto__: null,\n${classNames}\n});\n`;
  // What a metric instance needs of its registry entry (src/metric.mjs, metricSpec), compact:
  // [inputs, options], each a space-separated list; an input is name[=kind][?] (kind when not a
  // tensor, ? when optional), an option its snake_case name, + '#' for a number_list. camelName is
  // derived (checked here). listMetrics() still reads the full registry from the engine.
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  modules['wasmetrics:specs'] = `export default ${JSON.stringify(
    Object.fromEntries(
      registry.metrics.map((m) => {
        for (const o of m.options)
          if (camel(o.name) !== o.camelName) fail(`${m.name}: option ${o.name} is not camelCased as ${o.camelName}`);
        return [
          m.name,
          [
            m.inputs
              .map((i) => `${i.name}${(i.kind ?? 'tensor') === 'tensor' ? '' : `=${i.kind}`}${i.optional ? '?' : ''}`)
              .join(' '),
            m.options.map((o) => `${o.name}${o.type === 'number_list' ? '#' : ''}`).join(' '),
          ],
        ];
      }),
    ),
  )};\n`;
  // listMetrics()'s registry: the engine's registryJson(), zlib-compressed (1.1 MB of JSON, most of
  // it examples, would have quadrupled each bundle) as base64, inflated and parsed on first use
  // (src/metric.mjs; fflate is bundled already, for PNG masks).
  const registryOnly = { ...registry };
  delete registryOnly.errorCodes;
  const registryZlib = deflateSync(Buffer.from(JSON.stringify(registryOnly)), { level: 9 }).toString('base64');
  modules['wasmetrics:registry'] = `export default ${JSON.stringify(registryZlib)};\n`;
  modules['wasmetrics:error-codes'] = `export default Object.freeze(${JSON.stringify(
    Object.fromEntries(registry.errorCodes.map((e) => [e.code, e.doc])),
    null,
    2,
  )});\n`;
  // The element types' codes ({name: code}, src/tensor.mjs), from their one list in C++ (dtype.hpp).
  const dtypes = readDtypeCodes();
  modules['wasmetrics:dtypes'] = `export default Object.freeze(${JSON.stringify(
    Object.fromEntries(dtypes.map((d) => [d.name, d.code])),
  )});\n`;

  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  copyFileSync(join(args.simdDir, 'wasmetrics.wasm'), join(distDir, 'wasmetrics-simd.wasm'));
  copyFileSync(join(args.plainDir, 'wasmetrics.wasm'), join(distDir, 'wasmetrics-plain.wasm'));
  copyFileSync(join(args.simdDir, 'wasmetrics_bench_floors.wasm'), join(distDir, 'bench-floors-simd.wasm'));
  copyFileSync(join(args.plainDir, 'wasmetrics_bench_floors.wasm'), join(distDir, 'bench-floors-plain.wasm'));
  // The declarations once, in index.d.cts: a CommonJS consumer's `require('wasmetrics')` needs
  // them there (under node16 resolution a .d.cts cannot re-export an ESM .d.ts), while an ESM
  // .d.ts may re-export a CommonJS one, so index.d.ts (the package is "type": "module") is one line.
  writeFileSync(join(distDir, 'index.d.cts'), generateDts(registry, dtypes));
  writeErrorCodeTable(registry.errorCodes);
  writeFileSync(
    join(distDir, 'index.d.ts'),
    "// The declarations are in index.d.cts (one copy for ESM and CommonJS consumers).\nexport * from './index.cjs';\n",
  );
  await bundle(modules);
  // npm ships the LICENSE of the package folder: the repository's one licence, copied (not kept twice).
  copyFileSync(join(repoRoot, 'LICENSE'), join(npmDir, 'LICENSE'));
  checkDist();
  await selfCheck(registry);
  console.log(
    `npm/dist: ${registry.metrics.length} metric classes (${registry.metrics.map((m) => m.name).join(', ')}); ` +
      `glue shared by both builds: ${sameGlue}`,
  );
}

main().catch((e) => {
  console.error(`build.mjs: ${e instanceof BuildError ? e.message : e.stack}`);
  process.exit(1);
});
