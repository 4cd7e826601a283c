// The package as a user gets it: `npm pack` in npm/, install the tarball into a fresh project
// with no network (it has no runtime dependencies), then use it from ESM and from CommonJS in
// child processes, and type-check a TypeScript consumer against dist/index.d.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { close, fixtureNumber, importPackage, npmDir, readFixtureFiles } from './helpers.mjs';

await importPackage(); // fails clearly if npm/dist is missing

const run = promisify(execFile);
const npm = (args, cwd) => run('npm', args, { cwd, maxBuffer: 16 << 20, timeout: 300_000 });

const work = mkdtempSync(join(tmpdir(), 'wasmetrics-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

// The first regression fixture case of MeanSquaredError with a value: checked through the package.
const fixtureCase = readFixtureFiles()
  .flatMap((f) => f.cases)
  .find((c) => c.metric === 'MeanSquaredError' && c.expected && c.expected.shape?.length === 0);

// Feeds the case through `lib` and prints the value; the same text for ESM and CommonJS.
const consumerBody = (caseJson) => `
  const c = ${caseJson};
  const num = (v) => (typeof v === 'string' ? Number(v) : v); // "NaN", "Infinity", "-Infinity"
  // args stay snake_case, as the fixtures spell them: accepted like camelCase.
  await lib.init();
  const m = lib.createMetric(c.metric, c.args);
  if (!(m instanceof lib.MeanSquaredError)) throw new Error('createMetric did not return the class');
  for (const b of c.batches) m.update(...['preds', 'target'].map((k) => ({ data: b[k].data.map(num), shape: b[k].shape, dtype: b[k].dtype })));
  console.log(JSON.stringify({ value: m.compute(), simd: lib.simd() }));
  m.dispose();`;

let packed;
let consumer;

// Writes `source` into the consumer project as `fileName`, runs it with Node there and returns
// what it printed, parsed as JSON.
async function runInConsumer(fileName, source) {
  const file = join(consumer, fileName);
  writeFileSync(file, source);
  const { stdout } = await run(process.execPath, [file], { cwd: consumer });
  return JSON.parse(stdout.trim());
}

test('npm pack ships dist/ (both .wasm, ESM, CJS, the browser build and its worker, types, third-party notices), package.json, README and LICENSE only', async () => {
  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], npmDir);
  [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const files = packed.files.map((f) => f.path).sort();
  // not dist/bench.mjs: bench/run.mjs's internal entry (benchFloors) stays out of the package
  assert.deepEqual(files, [
    'LICENSE',
    'README.md',
    'dist/THIRD-PARTY-NOTICES.md',
    'dist/codecs.cjs',
    'dist/index.browser.mjs',
    'dist/index.cjs',
    'dist/index.d.cts',
    'dist/index.d.ts',
    'dist/index.mjs',
    'dist/index.node.mjs',
    'dist/node-bridge.cjs',
    'dist/wasmetrics-plain.wasm',
    'dist/wasmetrics-simd.wasm',
    'dist/worker.mjs',
    'package.json',
  ]);
  assert.equal(packed.name, 'wasmetrics');
  // the declarations ship once: index.d.ts re-exports index.d.cts
  const size = (f) => packed.files.find((x) => x.path === f).size;
  assert.ok(
    size('dist/index.d.ts') < 200,
    `index.d.ts is ${size('dist/index.d.ts')} bytes: a second copy of the declarations?`,
  );
  assert.ok(size('dist/index.d.cts') > 10_000);
});

test('the package names its licence, and notices every bundled third-party package with its licence text', () => {
  const pkg = JSON.parse(readFileSync(join(npmDir, 'package.json'), 'utf8'));
  assert.equal(pkg.license, 'MIT');
  assert.equal(readFileSync(join(npmDir, 'LICENSE'), 'utf8'), readFileSync(join(npmDir, '../LICENSE'), 'utf8'));
  const notices = readFileSync(join(npmDir, 'dist/THIRD-PARTY-NOTICES.md'), 'utf8');
  const bundle = readFileSync(join(npmDir, 'dist/index.mjs'), 'utf8');
  // fast-png decodes PNG masks; it brings iobuffer and fflate (pako's successor): all MIT.
  for (const name of ['fast-png', 'iobuffer', 'fflate']) {
    assert.match(notices, new RegExp(`^## ${name} \\S+ \\(MIT\\)$`, 'm'), `${name} has no notice`);
    assert.ok(bundle.includes(`node_modules/${name}/`), `${name} is not bundled any more: the notice test is stale`);
  }
  assert.match(notices, /Permission is hereby granted/);
  // jpeg-js decodes JPEG images (readImage): BSD-3-Clause.
  assert.match(notices, /^## jpeg-js \S+ \(BSD-3-Clause\)$/m, 'jpeg-js has no notice');
  assert.ok(bundle.includes('node_modules/jpeg-js/'), 'jpeg-js is not bundled any more: the notice test is stale');
});

test('the tarball installs offline into a fresh project', async () => {
  assert.ok(packed, 'npm pack failed');
  consumer = join(work, 'consumer');
  await run('mkdir', ['-p', consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  await npm(['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], consumer);
  assert.ok(existsSync(join(consumer, 'node_modules/wasmetrics/dist/wasmetrics-simd.wasm')));
});

for (const kind of ['esm', 'cjs']) {
  test(`import from ${kind === 'esm' ? "ESM: import {init, ...} from 'wasmetrics'" : "CommonJS: require('wasmetrics')"}`, async (t) => {
    assert.ok(consumer, 'install failed');
    assert.ok(fixtureCase, 'no MeanSquaredError case in the conformance fixtures');
    const body = consumerBody(JSON.stringify(fixtureCase));
    const out = await runInConsumer(
      kind === 'esm' ? 'use.mjs' : 'use.cjs',
      kind === 'esm'
        ? `import * as lib from 'wasmetrics';\nimport { init, MeanSquaredError } from 'wasmetrics';\n` +
            `if (typeof init !== 'function' || typeof MeanSquaredError !== 'function') throw new Error('named exports');\n${body}\n`
        : `const lib = require('wasmetrics');\n(async () => {${body}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
    );
    const want = fixtureNumber(fixtureCase.expected.data[0]);
    t.diagnostic(`${fixtureCase.id}: ${out.value} (expected ${want}, simd build: ${out.simd})`);
    assert.ok(close(out.value, want, fixtureCase.atol ?? 1e-6, fixtureCase.rtol ?? 1e-5), `${out.value} != ${want}`);
  });
}

// index.cjs requires the decoders (fast-png, jpeg-js, fflate) from dist/codecs.cjs on first use
// (npm/scripts/build.mjs, CJS_CODECS): from the installed package, through both of Node's entries
// (import resolves to index.node.mjs, which loads index.cjs), they decode what index.mjs, which
// bundles them inline, decodes.
test('the installed package decodes PNG and JPEG and inflates listMetrics() through index.cjs', async () => {
  assert.ok(consumer, 'install failed');
  const media = join(npmDir, '../tests/data/media');
  const out = await runInConsumer(
    'decoders.mjs',
    `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as imported from 'wasmetrics';
const required = createRequire(import.meta.url)('wasmetrics');
await imported.init();
const out = { sameModule: imported.readImage === required.readImage, images: {} };
for (const name of ['rgb16.png', 'palette.png', 'rgb.jpg', 'grey.jpg']) {
  const img = required.readImage(readFileSync(${JSON.stringify(media)} + '/' + name), { name });
  out.images[name] = { shape: img.shape, data: Array.from(img.data) };
}
out.metrics = required.listMetrics().length;
console.log(JSON.stringify(out));
`,
  );
  assert.equal(out.sameModule, true, 'import and require loaded different copies');
  const inline = await importPackage(); // npm/dist/index.mjs: the decoders bundled inline
  await inline.init();
  for (const [name, got] of Object.entries(out.images)) {
    const want = inline.readImage(readFileSync(join(media, name)), { name });
    assert.deepEqual(got.shape, want.shape, name);
    assert.deepEqual(got.data, Array.from(want.data), name);
  }
  assert.equal(out.metrics, inline.listMetrics().length);
});

test('import and require in one Node process share one module instance: one init(), metrics merge across both', async () => {
  assert.ok(consumer, 'install failed');
  const out = await runInConsumer(
    'both.mjs',
    `import { createRequire } from 'node:module';
import * as esm from 'wasmetrics';
const cjs = createRequire(import.meta.url)('wasmetrics');
await esm.init();
const a = new esm.MeanSquaredError();
const b = new cjs.MeanSquaredError(); // no init() of its own: the same module
a.update(new Float32Array([1, 2]), new Float32Array([1, 4]));
b.update(new Float32Array([3]), new Float32Array([0]));
a.merge(b);
const one = new esm.MeanSquaredError();
one.update(new Float32Array([1, 2, 3]), new Float32Array([1, 4, 0]));
console.log(JSON.stringify({ sameClass: esm.Metric === cjs.Metric, merged: a.compute(), oneMetric: one.compute() }));
`,
  );
  assert.equal(out.sameClass, true);
  assert.equal(out.merged, out.oneMetric);
});

test('the TypeScript declarations type-check an ESM and a CommonJS consumer (tsc --noEmit, strict)', async () => {
  assert.ok(consumer, 'install failed');
  const tsc = join(npmDir, 'node_modules/typescript/bin/tsc');
  assert.ok(existsSync(tsc), 'typescript is a devDependency of npm/: run `npm ci` in npm/');
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022'],
        types: [],
        skipLibCheck: false,
      },
      files: ['consumer.mts', 'consumer-cjs.cts'],
    }),
  );
  // A CommonJS TypeScript consumer resolves the "require" condition (dist/index.d.cts).
  writeFileSync(
    join(consumer, 'consumer-cjs.cts'),
    `
import { init, createMetric, MeanSquaredError } from 'wasmetrics';

export async function main(): Promise<void> {
  await init();
  const m: MeanSquaredError = createMetric('MeanSquaredError', { numOutputs: 2 });
  m.dispose();
  // @ts-expect-error squared is a boolean
  new MeanSquaredError({ squared: 1 });
}
`,
  );
  // From the registry: a metric with a required option cannot be constructed without options.
  const lib = await importPackage();
  await lib.init();
  const required = lib.listMetrics().find((m) => m.options.some((o) => o.default === null && !o.nullable));
  const requiredCheck = required
    ? `// @ts-expect-error ${required.name} has a required option\n  new lib.${required.name}();`
    : '';
  writeFileSync(
    join(consumer, 'consumer.mts'),
    `
import { init, simd, createMetric, listMetrics, Metric, Tensor, MeanSquaredError } from 'wasmetrics';
import type { MeanSquaredErrorOptions, MetricResult, TensorInput, MetricInfo } from 'wasmetrics';
import * as lib from 'wasmetrics';

export async function main(): Promise<number> {
  await init({ simd: false, locateFile: (file: string, url: string) => url + '#' + file });
  const loadedSimd: boolean = simd();
  const options: MeanSquaredErrorOptions = { squared: false, numOutputs: 1 };
  const m = new MeanSquaredError(options);
  const preds: TensorInput = { data: new Float32Array([1, 2]), shape: [2] };
  m.update(preds, [[1], [2]]);
  m.update(new Float64Array([1]), 3);
  const r: MetricResult = m.forward([true, false], { data: new Uint8Array([1, 0]), shape: [2], dtype: 'bool' });
  const value = m.compute();
  const n = typeof value === 'number' ? value : value instanceof Tensor ? value.get(0) : NaN;
  const same: MeanSquaredError = createMetric('MeanSquaredError', { squared: true });
  // @ts-expect-error a misspelled metric name does not compile
  createMetric('MeanSquaredErorr');
  const any: Metric = createMetric('MeanAbsoluteError');
  same.merge(m);
  any.loadState(m.saveState());
  const infos: MetricInfo[] = listMetrics();
  m[Symbol.dispose]();
  same.dispose();
  // @ts-expect-error squared is a boolean
  new MeanSquaredError({ squared: 'yes' });
  // @ts-expect-error unknown option
  new MeanSquaredError({ nonsense: 1 });
  // @ts-expect-error numOutputs is a number
  createMetric('MeanSquaredError', { numOutputs: 'two' });
  // @ts-expect-error a string is not a tensor
  m.update('1, 2', [1, 2]);
  ${requiredCheck}
  // Detection: TorchMetrics' per-image dicts and COCO JSON (src/detection.d.ts).
  const map = new lib.MeanAveragePrecision({ classMetrics: true });
  map.update([{ boxes: [[0, 0, 1, 1]], scores: new Float32Array([0.5]), labels: [1] }],
    [{ boxes: { data: new Float64Array(4), shape: [1, 4] }, labels: [1], masks: [{ size: [1, 1], counts: [0, 1] }] }]);
  const cocoMap: number = lib.evaluateCoco('{}', '[]', { iouThresholds: [0.5] }).perClass[0].map;
  // @ts-expect-error COCO boxes are xywh
  lib.evaluateCoco('{}', '[]', { boxFormat: 'xyxy' });
  // @ts-expect-error labels are required
  map.update([{ boxes: [[0, 0, 1, 1]], scores: [1] }], []);
  map.dispose();
  // allocInput is typed by its dtype (the README's example under --strict)
  const heapF32 = lib.allocInput('float32', [2]);
  const f32: Float32Array = heapF32.data;
  f32.set([1, 2]);
  const heapI64 = lib.allocInput('int64', [1]);
  const big: BigInt64Array = heapI64.data;
  // @ts-expect-error a float32 input is not a BigInt64Array
  const wrong: BigInt64Array = heapF32.data;
  // @ts-expect-error not a dtype
  lib.allocInput('float16', [2]);
  // WasmetricsError: codes are a closed union
  let said = '';
  try { m.compute(); } catch (e) {
    if (e instanceof lib.WasmetricsError && e.code === 'E_DISPOSED') said = (e.metric ?? '') + lib.WasmetricsError.codes.E_DISPOSED;
    // @ts-expect-error not a code
    if (e instanceof lib.WasmetricsError && e.code === 'E_NO_SUCH_CODE') said = e.message;
  }
  heapF32.dispose();
  heapI64.dispose();
  return said.length + big.length + wrong.length + cocoMap + n + infos.length + (r === undefined ? 0 : 1) + (loadedSimd ? 1 : 0);
}
`,
  );
  try {
    await run(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json')], { cwd: consumer });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
