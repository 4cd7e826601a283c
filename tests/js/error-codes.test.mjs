// WasmetricsError codes (src/wasmetrics/core/error_code.hpp, issue 18): each refusal carries its
// stable code, the metric's name and the argument at fault; checked by code, never by wording. Every
// code but E_INTERNAL (a bug by definition) is produced by a real call here. The README's table
// must list exactly the engine's codes (scripts/build.mjs writes it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { distMjsUrl, importPackage, npmDir } from './helpers.mjs';

const lib = await importPackage();
const { WasmetricsError, createMetric, MeanSquaredError, MulticlassAccuracy } = lib;
await lib.init();

// Runs fn, expects a WasmetricsError with `code` (and `metric`, `argument` when given).
function throwsCode(fn, code, metric, argument) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `nothing thrown; expected ${code}`);
  assert.ok(caught instanceof WasmetricsError, `${caught?.name}: ${caught?.message} is not a WasmetricsError`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'WasmetricsError');
  assert.equal(caught.code, code, `${caught.code}: ${caught.message}`);
  assert.ok(Object.hasOwn(WasmetricsError.codes, caught.code));
  assert.ok(caught.message.length > 0);
  if (metric !== undefined) assert.equal(caught.metric, metric);
  if (argument !== undefined) assert.equal(caught.argument, argument, caught.message);
  return caught;
}

const f32 = (...v) => Float32Array.from(v);

test('WasmetricsError is exported, an Error subclass, with every code and its line of text from the binding', () => {
  assert.equal(typeof WasmetricsError, 'function');
  assert.ok(WasmetricsError.prototype instanceof Error);
  const codes = Object.keys(WasmetricsError.codes);
  assert.ok(codes.length >= 10);
  for (const [code, doc] of Object.entries(WasmetricsError.codes)) {
    assert.match(code, /^E_[A-Z_]+$/);
    assert.ok(typeof doc === 'string' && doc.length > 10, `${code} has no text`);
  }
  assert.ok(Object.isFrozen(WasmetricsError.codes));
});

test("the README table lists exactly the binding's codes, with their text", () => {
  const readme = readFileSync(join(npmDir, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- error-codes:')).split('\n\n')[0];
  const rows = [...table.matchAll(/^\| `(E_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(rows), { ...WasmetricsError.codes });
});

test('E_UNKNOWN_METRIC and E_OPTION at construction', () => {
  throwsCode(() => createMetric('MeanSquaredErorr'), 'E_UNKNOWN_METRIC', 'MeanSquaredErorr');
  throwsCode(() => new MeanSquaredError({ foo: 1 }), 'E_OPTION', 'MeanSquaredError');
  throwsCode(() => new MulticlassAccuracy({ numClasses: -3 }), 'E_OPTION', 'MulticlassAccuracy');
});

test('E_INPUT: a batch the engine refuses; the state is unchanged', () => {
  const m = new MeanSquaredError();
  m.update(f32(1, 2), f32(1, 4));
  const before = m.compute();
  // a metric's own check of its values (untagged in the engine: the entry point's code)
  const tweedie = new lib.TweedieDevianceScore({ power: 1 });
  throwsCode(() => tweedie.update(f32(1, 2), f32(-1, 2)), 'E_INPUT', 'TweedieDevianceScore');
  throwsCode(() => tweedie.forward(f32(1, 2), f32(-1, 2)), 'E_INPUT', 'TweedieDevianceScore');
  tweedie.dispose();
  // a bool input holding a byte other than 0 or 1 (the engine's one rule for bools)
  throwsCode(
    () => m.update({ data: new Uint8Array([1, 2]), shape: [2], dtype: 'bool' }, f32(1, 2)),
    'E_INPUT',
    'MeanSquaredError',
    'preds',
  );
  assert.equal(m.compute(), before);
  m.dispose();
});

test('E_SHAPE, E_DTYPE, E_LABEL_RANGE, E_NON_FINITE from the shared input checks, naming the input; state unchanged', () => {
  const acc = new MulticlassAccuracy({ numClasses: 3 });
  acc.update(Int32Array.from([0, 1, 2]), Int32Array.from([0, 1, 1]));
  const before = acc.compute();
  throwsCode(
    () => acc.update(Int32Array.from([0, 1]), Int32Array.from([0, 1, 2])),
    'E_SHAPE',
    'MulticlassAccuracy',
    'preds',
  );
  throwsCode(
    () => acc.update({ data: Int32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), shape: [3, 3] }, Int32Array.from([0, 1, 2])),
    'E_DTYPE',
    'MulticlassAccuracy',
    'preds',
  );
  throwsCode(
    () => acc.update(Int32Array.from([0, 1, 2]), Int32Array.from([0, 5, 2])),
    'E_LABEL_RANGE',
    'MulticlassAccuracy',
    'target',
  );
  throwsCode(
    () =>
      acc.forward(
        { data: Float32Array.from([0.2, 0.3, 0.5, NaN, 0.5, 0.5, 0.1, 0.1, 0.8]), shape: [3, 3] },
        Int32Array.from([0, 1, 2]),
      ),
    'E_NON_FINITE',
    'MulticlassAccuracy',
    'preds',
  );
  assert.equal(acc.compute(), before);
  acc.dispose();
  const binary = new lib.BinaryAccuracy();
  throwsCode(
    () => binary.update(f32(0.5, Infinity), Int32Array.from([0, 1])),
    'E_NON_FINITE',
    'BinaryAccuracy',
    'preds',
  );
  throwsCode(() => binary.update(f32(0.5, 0.2), Int32Array.from([0, 2])), 'E_LABEL_RANGE', 'BinaryAccuracy', 'target');
  binary.dispose();
});

test('core/inputs.hpp and core/sample_weight.hpp checks: E_SHAPE, E_DTYPE, E_NON_FINITE, the input camelCased', () => {
  const mse = new MeanSquaredError();
  throwsCode(() => mse.update(f32(1, 2, 3), f32(1, 2)), 'E_SHAPE', 'MeanSquaredError', 'preds');
  mse.dispose();
  const pearson = new lib.PearsonCorrCoef();
  throwsCode(() => pearson.update(Int32Array.from([1, 2, 3]), f32(1, 2, 3)), 'E_DTYPE', 'PearsonCorrCoef', 'preds');
  pearson.dispose();
  const acc = new lib.BinaryAccuracy();
  acc.update(f32(0.2, 0.8, 0.6), Int32Array.from([0, 1, 1]), Float64Array.from([1, 0, 2]));
  const before = acc.compute();
  const weighted = (w) => () => acc.update(f32(0.2, 0.8, 0.6), Int32Array.from([0, 1, 1]), w);
  throwsCode(weighted(Float64Array.from([1, 1])), 'E_SHAPE', 'BinaryAccuracy', 'sampleWeight');
  throwsCode(weighted(Float64Array.from([1, NaN, 1])), 'E_NON_FINITE', 'BinaryAccuracy', 'sampleWeight');
  throwsCode(weighted(Float64Array.from([1, -Infinity, 1])), 'E_NON_FINITE', 'BinaryAccuracy', 'sampleWeight');
  throwsCode(weighted(Float64Array.from([1, -1, 1])), 'E_INPUT', 'BinaryAccuracy', 'sampleWeight');
  assert.equal(acc.compute(), before);
  acc.dispose();
});

test('E_OPTION names the option in camelCase, as a JS caller writes it, in `argument` and in the message', () => {
  const e = throwsCode(() => new MulticlassAccuracy({ numClasses: 1 }), 'E_OPTION', 'MulticlassAccuracy', 'numClasses');
  assert.doesNotMatch(e.message, /num_classes/);
  assert.match(e.message, /numClasses/);
  const missing = throwsCode(() => new MulticlassAccuracy(), 'E_OPTION', 'MulticlassAccuracy', 'numClasses');
  assert.doesNotMatch(missing.message, /num_classes/);
  throwsCode(() => new MulticlassAccuracy({ numClasses: 3, topK: 4 }), 'E_OPTION', 'MulticlassAccuracy', 'topK');
  throwsCode(
    () => new MulticlassAccuracy({ numClasses: 3, labels: ['a', 'b'] }),
    'E_OPTION',
    'MulticlassAccuracy',
    'labels',
  );
  // a metric's own check of its options (untagged in the engine)
  throwsCode(() => new lib.TweedieDevianceScore({ power: 0.5 }), 'E_OPTION', 'TweedieDevianceScore');
});

test('E_COMPUTE: compute() with too few samples', () => {
  const r2 = new lib.R2Score();
  r2.update(f32(1), f32(1));
  throwsCode(() => r2.compute(), 'E_COMPUTE', 'R2Score');
  r2.dispose();
});

test('E_OUT_OF_MEMORY: a heap input the WebAssembly heap cannot hold', () => {
  throwsJsCode(() => lib.allocInput('uint8', [2 ** 32 - 1]), Error, 'E_OUT_OF_MEMORY');
  throwsJsCode(() => lib.allocInput('uint8', [2 ** 32]), RangeError, 'E_OUT_OF_MEMORY');
  // the module is usable afterwards
  const m = new MeanSquaredError();
  m.update(f32(1, 2), f32(1, 4));
  assert.equal(m.compute(), 2);
  m.dispose();
});

test('E_STATE_BLOB, E_STATE_MISMATCH, E_QUERY', () => {
  const a = new MulticlassAccuracy({ numClasses: 3 });
  const b = new MulticlassAccuracy({ numClasses: 4 });
  const mse = new MeanSquaredError();
  throwsCode(() => a.loadState(new Uint8Array([1, 2, 3, 4])), 'E_STATE_BLOB', 'MulticlassAccuracy');
  throwsCode(() => a.loadState(b.saveState()), 'E_STATE_BLOB', 'MulticlassAccuracy');
  throwsCode(() => a.merge(b), 'E_STATE_MISMATCH', 'MulticlassAccuracy');
  throwsCode(() => mse.merge(a), 'E_STATE_MISMATCH', 'MeanSquaredError');
  throwsCode(() => mse.query('noSuchQuery'), 'E_QUERY', 'MeanSquaredError');
  for (const m of [a, b, mse]) m.dispose();
});

test('options whose state would exceed the per-metric state budget are an E_OPTION (choose smaller options)', () => {
  throwsCode(() => new lib.MulticlassConfusionMatrix({ numClasses: 200_000 }), 'E_OPTION', 'MulticlassConfusionMatrix');
});

test('E_DISPOSED: any use after dispose()', () => {
  const m = new MeanSquaredError();
  m.dispose();
  throwsCode(() => m.compute(), 'E_DISPOSED', 'MeanSquaredError');
  throwsCode(() => m.update(f32(1), f32(1)), 'E_DISPOSED', 'MeanSquaredError');
  throwsCode(() => m.saveState(), 'E_DISPOSED', 'MeanSquaredError');
});

test('E_NOT_INITIALIZED: a metric before init() (fresh process)', async () => {
  const script = `import(${JSON.stringify(distMjsUrl)}).then((lib) => {
    try { new lib.MeanSquaredError(); console.log('no error'); }
    catch (e) { console.log(JSON.stringify({ code: e.code, isClass: e instanceof lib.WasmetricsError })); }
  });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
  assert.deepEqual(JSON.parse(stdout), { code: 'E_NOT_INITIALIZED', isClass: true });
});

// Refusals the JS layer makes before the engine keep their class (TypeError...) and carry a code.
function throwsJsCode(fn, ErrorClass, code, metric) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ErrorClass, `${caught?.name}: ${caught?.message} is not a ${ErrorClass.name}`);
  assert.equal(caught.code, code, `${caught.code}: ${caught.message}`);
  assert.ok(Object.hasOwn(WasmetricsError.codes, caught.code));
  if (metric !== undefined) assert.equal(caught.metric, metric);
}

test('JS-side TypeErrors carry codes too: inputs, options, merge, blobs', () => {
  const m = new MeanSquaredError();
  try {
    throwsJsCode(() => m.update('1, 2', f32(1, 2)), TypeError, 'E_INPUT', 'MeanSquaredError');
    throwsJsCode(
      () =>
        m.update(
          [[1, 2], [3]],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      Error,
      'E_SHAPE',
      'MeanSquaredError',
    );
    throwsJsCode(
      () => m.update({ data: Float32Array.from([1, 2]), dtype: 'int32' }, f32(1, 2)),
      TypeError,
      'E_DTYPE',
      'MeanSquaredError',
    );
    throwsJsCode(() => new MeanSquaredError(42), TypeError, 'E_OPTION', 'MeanSquaredError');
    throwsJsCode(() => new MeanSquaredError({ numOutputs: NaN }), Error, 'E_OPTION', 'MeanSquaredError');
    throwsJsCode(() => m.merge({}), TypeError, 'E_STATE_MISMATCH', 'MeanSquaredError');
    throwsJsCode(() => m.computeFrom(null), TypeError, 'E_STATE_MISMATCH', 'MeanSquaredError');
    throwsJsCode(() => m.loadState('blob'), TypeError, 'E_STATE_BLOB', 'MeanSquaredError');
    throwsJsCode(() => createMetric(42), TypeError, 'E_UNKNOWN_METRIC');
    // the state is unchanged by a refused update
    m.update(f32(1, 2), f32(1, 4));
    const before = m.compute();
    throwsJsCode(() => m.update(f32(1), { data: [1, 2], shape: [3] }), Error, 'E_SHAPE', 'MeanSquaredError');
    assert.equal(m.compute(), before);
  } finally {
    m.dispose();
  }
});
