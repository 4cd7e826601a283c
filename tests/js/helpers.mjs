// Shared by the tests in tests/js (not a test file itself: node --test only runs *.test.mjs here).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const npmDir = join(repoRoot, 'npm');
export const distDir = join(npmDir, 'dist');
export const distMjsUrl = pathToFileURL(join(distDir, 'index.mjs')).href;
export const distCjsPath = join(distDir, 'index.cjs');

const BUILD_HINT = 'build it first: build both WASM variants, then `node npm/scripts/build.mjs` (see npm/HACKING.md)';

/** The package as users import it (npm/dist/index.mjs). Missing dist is an error, never a skip. */
export async function importPackage() {
  for (const f of ['index.mjs', 'index.cjs', 'index.d.ts', 'wasmetrics-simd.wasm', 'wasmetrics-plain.wasm']) {
    if (!existsSync(join(distDir, f))) throw new Error(`npm/dist/${f} is missing: ${BUILD_HINT}`);
  }
  return import(distMjsUrl);
}

export function conformanceDir() {
  return process.env.WASMETRICS_CONFORMANCE_DIR ?? resolve(repoRoot, '../shared/conformance');
}

/** [{file, cases}] for every *.json fixture file, sorted by name. */
export function readFixtureFiles() {
  const dir = conformanceDir();
  if (!existsSync(dir)) throw new Error(`conformance fixtures not found at ${dir} (set WASMETRICS_CONFORMANCE_DIR)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, cases: JSON.parse(readFileSync(join(dir, file), 'utf8')).cases }));
}

/** "NaN", "Infinity", "-Infinity" strings and booleans as numbers. */
export function fixtureNumber(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`fixture: not a number: ${JSON.stringify(v)}`);
}

/**
 * Whether a fixture's JSON value is a tensor object: exactly the keys dtype, shape and data
 * (FORMAT-text-retrieval.md); anything else (strings, lists of strings, dicts) is plain data.
 */
export function isFixtureTensor(v) {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).length === 3 &&
    Object.hasOwn(v, 'dtype') &&
    Object.hasOwn(v, 'shape') &&
    Object.hasOwn(v, 'data')
  );
}

/** A fixture tensor {dtype, shape, data} as the typed array of its dtype, in the API's {data, shape} form. */
export function fixtureTensor(j, where) {
  if (Array.isArray(j)) {
    throw new Error(`${where} is a list where a tensor {dtype, shape, data} was expected`);
  }
  const numbers = j.data.map(fixtureNumber);
  switch (j.dtype) {
    case 'float32':
      return { data: Float32Array.from(numbers), shape: j.shape };
    case 'float64':
      return { data: Float64Array.from(numbers), shape: j.shape };
    case 'int32':
      return { data: Int32Array.from(numbers), shape: j.shape };
    case 'int64':
      return { data: BigInt64Array.from(j.data, (v) => BigInt(fixtureNumber(v))), shape: j.shape };
    case 'uint8':
      return { data: Uint8Array.from(numbers), shape: j.shape };
    case 'bool':
      return { data: Uint8Array.from(numbers), shape: j.shape, dtype: 'bool' };
    default:
      throw new Error(`${where}: unknown fixture dtype ${j.dtype}`);
  }
}

/** TorchMetrics' snake_case argument names as a JS user writes them. */
export function camelCaseArgs(args = {}) {
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), v]),
  );
}

/** The fixtures' rule: |a - b| <= atol + rtol * |b|, NaN equal to NaN. */
export function close(a, b, atol, rtol) {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

const isTensorJson = (e) =>
  e !== null &&
  typeof e === 'object' &&
  !Array.isArray(e) &&
  Object.keys(e).length === 2 &&
  Array.isArray(e.shape) &&
  Array.isArray(e.data);

/**
 * Compares an API result (number | Tensor | object | array) with a fixture RESULT. Returns ''
 * when they match, else the first difference.
 */
export function compareResult(got, expected, atol, rtol, Tensor, path = 'result') {
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return `${path}: expected a list of ${expected.length} results, got ${describe(got)}`;
    if (got.length !== expected.length) return `${path}: expected ${expected.length} items, got ${got.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = compareResult(got[i], expected[i], atol, rtol, Tensor, `${path}[${i}]`);
      if (d) return d;
    }
    return '';
  }
  if (isTensorJson(expected)) {
    const want = expected.data.map(fixtureNumber);
    if (expected.shape.length === 0) {
      if (typeof got !== 'number') return `${path}: expected a number (0-d result), got ${describe(got)}`;
      return close(got, want[0], atol, rtol) ? '' : `${path}: got ${got}, expected ${expected.data[0]}`;
    }
    if (!(got instanceof Tensor))
      return `${path}: expected a Tensor of shape [${expected.shape}], got ${describe(got)}`;
    if (JSON.stringify(got.shape) !== JSON.stringify(expected.shape)) {
      return `${path}: shape [${got.shape}], expected [${expected.shape}]`;
    }
    if (got.data.length !== want.length) return `${path}: ${got.data.length} elements, expected ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      if (!close(got.data[i], want[i], atol, rtol))
        return `${path}[${i}]: got ${got.data[i]}, expected ${expected.data[i]}`;
    }
    return '';
  }
  if (got === null || typeof got !== 'object' || Array.isArray(got) || got instanceof Tensor) {
    return `${path}: expected named results {${Object.keys(expected)}}, got ${describe(got)}`;
  }
  for (const [key, value] of Object.entries(expected)) {
    if (!Object.hasOwn(got, key)) return `${path}: missing field '${key}'`;
    const d = compareResult(got[key], value, atol, rtol, Tensor, `${path}.${key}`);
    if (d) return d;
  }
  const extra = Object.keys(got).filter((k) => !Object.hasOwn(expected, k));
  return extra.length ? `${path}: fields the fixture does not have: ${extra.join(', ')}` : '';
}

function describe(v) {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name === 'Tensor' ? `a Tensor of shape [${v.shape}]` : 'an object';
  return `${typeof v} ${v}`;
}

/**
 * Runs `fn` and returns [its result, the CPU seconds (user + system) this process spent on it].
 * For "finishes, rather than looping over a declared size" checks: CPU time, unlike the wall clock,
 * does not grow when other processes keep the machine busy.
 */
export function withCpuSeconds(fn) {
  const start = process.cpuUsage();
  const result = fn();
  const { user, system } = process.cpuUsage(start);
  return [result, (user + system) / 1e6];
}
