// WasmetricsError codes (bindings/error_codes.hpp, issue 18): each refusal carries its stable code
// and the metric's name; checked by code, never by wording. The README's table must list exactly
// the binding's codes.
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

// Runs fn, expects a WasmetricsError with `code` (and `metric` when given).
function throwsCode(fn, code, metric) {
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

test('the README table lists exactly the binding\'s codes, with their text', () => {
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
  throwsCode(() => m.update(f32(1, 2, 3), f32(1, 2)), 'E_INPUT', 'MeanSquaredError');
  throwsCode(() => m.forward(f32(1, 2, 3), f32(1, 2)), 'E_INPUT', 'MeanSquaredError');
  assert.equal(m.compute(), before);
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
    throwsJsCode(() => m.update([[1, 2], [3]], [[1, 2], [3, 4]]), Error, 'E_INPUT', 'MeanSquaredError');
    throwsJsCode(() => new MeanSquaredError(42), TypeError, 'E_OPTION', 'MeanSquaredError');
    throwsJsCode(() => new MeanSquaredError({ numOutputs: NaN }), Error, 'E_OPTION', 'MeanSquaredError');
    throwsJsCode(() => m.merge({}), TypeError, 'E_STATE_MISMATCH', 'MeanSquaredError');
    throwsJsCode(() => m.computeFrom(null), TypeError, 'E_STATE_MISMATCH', 'MeanSquaredError');
    throwsJsCode(() => m.loadState('blob'), TypeError, 'E_STATE_BLOB', 'MeanSquaredError');
    throwsJsCode(() => createMetric(42), TypeError, 'E_UNKNOWN_METRIC');
    // the state is unchanged by a refused update
    m.update(f32(1, 2), f32(1, 4));
    const before = m.compute();
    throwsJsCode(() => m.update(f32(1), { data: [1, 2], shape: [3] }), Error, 'E_INPUT', 'MeanSquaredError');
    assert.equal(m.compute(), before);
  } finally {
    m.dispose();
  }
});
