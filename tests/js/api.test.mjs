// The JS API of npm/dist/index.mjs: input forms, errors, dispose, state blobs, merge, forward vs
// compute, heap ownership of outputs. Expected values come from the data in each test (or from
// another path through the API), never from numbers copied into the code.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
const { init, simd, createMetric, listMetrics, Metric, Tensor, MeanSquaredError } = lib;

// Awaited so that it runs before init() below.
await test('before init(): metric classes, createMetric, listMetrics and simd() throw "call `await init()` first"', () => {
  for (const fn of [() => new MeanSquaredError(), () => createMetric('MeanSquaredError'), listMetrics, simd]) {
    assert.throws(fn, /call `await init\(\)` first/);
  }
});

await init();

const mse = (p, t) => p.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / p.length;
const closeTo = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

test('init() is idempotent and simd() reports the loaded build', () => {
  assert.equal(init(), init());
  assert.equal(typeof simd(), 'boolean');
  assert.equal(
    simd(),
    WebAssembly.validate(
      new Uint8Array([
        0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
      ]),
    ),
  );
});

test('every input form gives the same value', () => {
  const p = [0.5, 2, -1, 4, 3, 1.25];
  const t = [1, 2, 0, 3, 3, 1];
  const want = mse(p, t);
  const forms = {
    'nested arrays': [
      [
        [p[0], p[1], p[2]],
        [p[3], p[4], p[5]],
      ],
      [
        [t[0], t[1], t[2]],
        [t[3], t[4], t[5]],
      ],
    ],
    'flat Float64Array': [Float64Array.from(p), Float64Array.from(t)],
    '{data: Float64Array, shape}': [
      { data: Float64Array.from(p), shape: [2, 3] },
      { data: Float64Array.from(t), shape: [2, 3] },
    ],
    '{data: plain array, shape}': [
      { data: p, shape: [3, 2] },
      { data: t, shape: [3, 2] },
    ],
    '{data: plain array, shape, dtype}': [
      { data: p, shape: [6], dtype: 'float32' },
      { data: t, shape: [6], dtype: 'int64' },
    ],
    Tensor: [new Tensor(Float64Array.from(p), [6]), new Tensor(Float64Array.from(t), [6])],
    'int64 target': [Float64Array.from(p), BigInt64Array.from(t, BigInt)],
    'int32 target': [Float64Array.from(p), Int32Array.from(t)],
  };
  for (const [form, inputs] of Object.entries(forms)) {
    const m = new MeanSquaredError();
    m.update(...inputs);
    assert.ok(closeTo(m.compute(), want), `${form}: ${m.compute()} != ${want}`);
    m.dispose();
  }
  // float32 data are float32 values, not their float64 decimals.
  const f = new MeanSquaredError();
  f.update(Float32Array.from(p.map((v) => v + 0.1)), Float64Array.from(t));
  assert.ok(
    closeTo(
      f.compute(),
      mse(
        p.map((v) => Math.fround(v + 0.1)),
        t,
      ),
    ),
  );
  f.dispose();
});

test('booleans: nested booleans and {data: Uint8Array, dtype: "bool"} are bool tensors', () => {
  const bools = [true, false, true, true];
  const numbers = bools.map(Number);
  const target = [1, 1, 0, 1];
  const ref = new MeanSquaredError();
  ref.update(numbers, target);
  for (const preds of [bools, { data: Uint8Array.from(numbers), shape: [4], dtype: 'bool' }]) {
    const m = new MeanSquaredError();
    m.update(preds, target);
    assert.equal(m.compute(), ref.compute());
    m.dispose();
  }
  ref.dispose();
});

test('a plain number is a 0-d input', () => {
  const mean = createMetric('MeanMetric');
  for (const v of [1, 2, 6]) mean.update(v);
  assert.ok(closeTo(mean.compute(), 3));
  mean.dispose();
});

test('input errors name the metric, the method and the argument', () => {
  const m = new MeanSquaredError();
  assert.throws(
    () =>
      m.update(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    /MeanSquaredError\.update: `preds` is a ragged nested array/,
  );
  assert.throws(() => m.update([1, 2], [[1], 2]), /`target` is a ragged nested array/);
  assert.throws(() => m.update([1, 2], { data: [1, 2, 3], shape: [2] }), {
    message: 'MeanSquaredError.update: `target` has 3 elements but shape [2] needs 2',
  });
  assert.throws(
    () => m.forward({ data: new Float32Array(4), shape: [3] }, [1, 2, 3]),
    /MeanSquaredError\.forward: `preds` has 4 elements/,
  );
  assert.throws(() => m.update([1, 'x'], [1, 2]), /`preds`\[1\] must be a number/);
  assert.throws(() => m.update([1, true], [1, 2]), /`preds` mixes element kinds/);
  assert.throws(
    () => m.update({ data: new Float32Array(2), shape: [2], dtype: 'int32' }, [1, 2]),
    /dtype 'int32' does not match/,
  );
  assert.throws(() => m.update({ data: [1, 2], shape: [2], dtype: 'complex' }, [1, 2]), /unknown dtype/);
  assert.throws(
    () => m.update({ data: [1, 2], shape: [-2] }, [1, 2]),
    /shape must be an array of non-negative integers/,
  );
  assert.throws(() => m.update(new BigUint64Array(2), [1, 2]), /BigUint64Array is not supported/);
  assert.throws(() => m.update('1, 2', [1, 2]), /`preds` must be a number, a typed array/);
  // wrong input count (the core names the expected inputs)
  assert.throws(() => m.update([1, 2]), /preds, target/);
  assert.throws(() => m.update([1], [1], [1], [1]), /preds, target, sample_weight/);
  // shapes the core refuses
  assert.throws(
    () => m.update([1, 2, 3], [1, 2]),
    (e) => e instanceof Error && /preds/.test(e.message),
  );
  // the module and the metric stay usable, and rejected batches left no trace
  m.update([1, 2], [1, 4]);
  assert.ok(closeTo(m.compute(), 2));
  m.dispose();
});

test('option, metric and constructor errors', () => {
  assert.throws(() => new MeanSquaredError({ nonsense: 1 }), /unknown option 'nonsense'.*squared/);
  assert.throws(() => new MeanSquaredError({ squared: 'yes' }), /option 'squared'/);
  assert.throws(() => new MeanSquaredError({ numOutputs: 0 }), /option 'numOutputs'/);
  assert.throws(() => new MeanSquaredError({ num_outputs: 0 }), /option 'num_outputs'/);
  assert.throws(() => new MeanSquaredError({ numOutputs: NaN }), /numOutputs/);
  assert.throws(() => new MeanSquaredError('squared'), /options must be an object/);
  assert.throws(() => createMetric('NoSuchMetric'), /unknown metric 'NoSuchMetric'.*MeanSquaredError/);
  assert.throws(() => createMetric(42), TypeError);
  assert.throws(() => new Metric('MeanSquaredError'), /abstract/);
  // snake_case keys are accepted; options reads back camelCase
  const m = new MeanSquaredError({ num_outputs: 2 });
  assert.equal(m.options.numOutputs, 2);
  assert.equal(m.options.squared, true);
  m.dispose();
});

test('createMetric returns the generated class; listMetrics has camelCase option names', () => {
  const m = createMetric('MeanSquaredError', { squared: false });
  assert.ok(m instanceof MeanSquaredError && m instanceof Metric);
  assert.equal(m.name, 'MeanSquaredError');
  m.dispose();
  const metrics = listMetrics();
  for (const info of metrics) {
    assert.equal(typeof lib[info.name], 'function', `no exported class for ${info.name}`);
    for (const o of info.options) {
      assert.doesNotMatch(o.name, /_/, `${info.name}.${o.name} is not camelCase`);
      assert.equal(typeof o.snakeName, 'string');
    }
  }
  const entry = metrics.find((x) => x.name === 'MeanSquaredError');
  assert.deepEqual(
    entry.inputs.map((i) => i.name),
    ['preds', 'target', 'sample_weight'],
  );
  assert.ok(entry.options.some((o) => o.name === 'numOutputs' && o.snakeName === 'num_outputs'));
  entry.options.length = 0; // a copy: mutating it changes nothing
  assert.ok(listMetrics().find((x) => x.name === 'MeanSquaredError').options.length > 0);
});

test('dispose(): idempotent, Symbol.dispose, and any later use throws a clear Error', () => {
  const m = new MeanSquaredError();
  m.update([1], [2]);
  assert.equal(m.disposed, false);
  m.dispose();
  m.dispose();
  assert.equal(m.disposed, true);
  for (const [what, fn] of [
    ['update', () => m.update([1], [2])],
    ['forward', () => m.forward([1], [2])],
    ['compute', () => m.compute()],
    ['reset', () => m.reset()],
    ['saveState', () => m.saveState()],
    ['loadState', () => m.loadState(new Uint8Array(4))],
    ['options', () => m.options],
  ]) {
    assert.throws(fn, new RegExp(`MeanSquaredError\\.${what}: this metric was disposed`), what);
  }
  const other = new MeanSquaredError();
  assert.throws(() => other.merge(m), /disposed/);
  assert.throws(() => m.merge(other), /disposed/);
  other.dispose();

  assert.equal(typeof Symbol.dispose, 'symbol');
  const d = new MeanSquaredError();
  d[Symbol.dispose]();
  assert.equal(d.disposed, true);
});

test('options given at their defaults equal options omitted: zeroDivision 0 vs 0.0 (copies, collections, workers)', async () => {
  const { MulticlassF1Score, MulticlassAccuracy, MetricCollection, evaluateParallel } = lib;
  const preds = Int32Array.of(0, 1, 2, 2, 1);
  const target = Int32Array.of(0, 2, 2, 1, 1);
  const f1 = new MulticlassF1Score({ numClasses: 3 });
  f1.update(preds, target);
  const explicit = new MulticlassF1Score({ numClasses: 3, zeroDivision: 0 });
  assert.deepEqual(explicit.options, f1.options);
  explicit.loadState(f1.saveState());
  assert.equal(explicit.compute(), f1.compute());
  const copy = new f1.constructor(f1.options);
  copy.loadState(f1.saveState());
  assert.equal(copy.compute(), f1.compute());
  const coll = new MetricCollection({
    f1: new MulticlassF1Score({ numClasses: 3 }),
    acc: new MulticlassAccuracy({ numClasses: 3 }),
  });
  const value = coll.forward(preds, target);
  assert.equal(value.f1, f1.compute());
  const clone = coll.clone();
  clone.loadState(coll.saveState());
  assert.deepEqual(clone.compute(), coll.compute());
  const metrics = { f1: { name: 'MulticlassF1Score', options: { numClasses: 3 } } };
  assert.deepEqual(
    await evaluateParallel({
      metrics,
      batches: [
        [preds, target],
        [preds, target],
      ],
      workers: 2,
    }),
    { f1: f1.compute() },
  );
  for (const m of [f1, explicit, copy, coll, clone]) m.dispose();
});

test('saveState/loadState round trip; a blob of another metric or options is refused', () => {
  const a = new MeanSquaredError({ squared: false });
  a.update([1, 2, 3], [2, 2, 5]);
  a.update([0.5], [4]);
  const blob = a.saveState();
  assert.ok(blob instanceof Uint8Array && blob.length > 0);
  const b = new MeanSquaredError({ squared: false });
  b.loadState(blob);
  assert.equal(b.compute(), a.compute());
  const c = new MeanSquaredError({ squared: false });
  c.loadState(blob.slice().buffer); // an ArrayBuffer works too
  assert.equal(c.compute(), a.compute());
  // the state goes on accumulating after a load
  a.update([7], [1]);
  b.update([7], [1]);
  assert.equal(b.compute(), a.compute());

  const mean = createMetric('MeanMetric');
  mean.update([1, 2]);
  const before = b.compute();
  assert.throws(() => b.loadState(mean.saveState()), Error);
  assert.throws(() => b.loadState(new MeanSquaredError({ squared: true }).saveState()), Error);
  assert.throws(() => b.loadState(blob.subarray(0, blob.length - 3)), Error);
  assert.throws(() => b.loadState('blob'), TypeError);
  assert.equal(b.compute(), before, 'a refused blob leaves the state unchanged');
  for (const m of [a, b, c, mean]) m.dispose();
});

test('merge of two instances equals one instance fed everything', () => {
  const batches = [
    [
      [1, 2, 3],
      [1, 1, 1],
    ],
    [
      [10, -4],
      [0, 0],
    ],
    [[0.25], [0.5]],
  ];
  const single = new MeanSquaredError({ squared: false });
  for (const [p, t] of batches) single.update(p, t);
  const left = new MeanSquaredError({ squared: false });
  const right = new MeanSquaredError({ squared: false });
  left.update(...batches[0]);
  right.update(...batches[1]);
  right.update(...batches[2]);
  left.merge(right);
  assert.ok(closeTo(left.compute(), single.compute()));
  assert.throws(() => left.merge(new MeanSquaredError({ squared: true })), /different options/);
  assert.throws(() => left.merge(createMetric('MeanMetric')), /cannot merge/);
  assert.throws(() => left.merge({}), TypeError);
  for (const m of [single, left, right]) m.dispose();
});

test('forward returns the batch value while compute accumulates (no per-batch averaging)', () => {
  // Two batches of very different size and error: the mean of the two batch values is not the
  // value over all data.
  const b1 = [[10], [0]];
  const b2 = [
    [1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1.5],
  ];
  const m = new MeanSquaredError();
  const f1 = m.forward(...b1);
  const f2 = m.forward(...b2);
  for (const [batch, value] of [
    [b1, f1],
    [b2, f2],
  ]) {
    const alone = new MeanSquaredError();
    alone.update(...batch);
    assert.equal(value, alone.compute(), 'forward() is the value on the batch alone');
    alone.dispose();
  }
  const all = new MeanSquaredError();
  all.update([...b1[0], ...b2[0]], [...b1[1], ...b2[1]]);
  assert.ok(closeTo(m.compute(), all.compute()), 'compute() is the value over all data');
  assert.ok(Math.abs(m.compute() - (f1 + f2) / 2) > 1, 'compute() is not the mean of the forward() values');
  m.reset();
  m.update(...b2);
  assert.equal(m.compute(), f2, 'reset() forgets the earlier batches');
  m.dispose();
  all.dispose();
});

test('results: 0-d -> number, n-d -> Tensor with get/toArray', () => {
  const m = new MeanSquaredError({ numOutputs: 3 });
  const p = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const t = [
    [1, 0, 3],
    [2, 5, 9],
  ];
  m.update(p, t);
  const r = m.compute();
  assert.ok(r instanceof Tensor);
  assert.deepEqual(r.shape, [3]);
  assert.ok(r.data instanceof Float64Array);
  for (let j = 0; j < 3; j++) assert.ok(closeTo(r.get(j), mse([p[0][j], p[1][j]], [t[0][j], t[1][j]])));
  assert.deepEqual(r.toArray(), Array.from(r.data));
  assert.throws(() => r.get(3), RangeError);
  assert.throws(() => r.get(0, 0), RangeError);
  const t2 = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
  assert.deepEqual(t2.toArray(), [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(t2.get(1, 2), 6);
  assert.throws(() => new Tensor(new Float64Array(5), [2, 3]), /needs 6/);
  m.dispose();
});

test('outputs and state blobs are not views into the heap: still valid after memory growth', () => {
  const cat = createMetric('CatMetric');
  cat.update(Float64Array.from({ length: 1000 }, (_, i) => i * 0.5));
  const tensor = cat.compute();
  const snapshot = Array.from(tensor.data);
  const blob = cat.saveState();
  const blobSnapshot = Array.from(blob);
  assert.equal(tensor.data.buffer.byteLength, tensor.data.byteLength, 'the result owns its buffer');

  // 2 x 64 MiB of inputs: the heap has to grow, which detaches every view into the old memory.
  const n = 8 * 1024 * 1024;
  const big = new MeanSquaredError();
  big.update(new Float64Array(n).fill(1), new Float64Array(n));
  assert.equal(big.compute(), 1);
  big.dispose();

  assert.equal(tensor.data.length, snapshot.length);
  assert.deepEqual(Array.from(tensor.data), snapshot);
  assert.deepEqual(Array.from(blob), blobSnapshot);
  cat.dispose();
});

test('input copies are freed, after success and after a rejected batch (no heap leak)', () => {
  // ~4.5 GiB copied in total, more than the 4 GiB the heap may ever have.
  const n = 4 * 1024 * 1024;
  const preds = new Float64Array(n);
  const target = new Float64Array(n);
  const wrong = new Float64Array(n - 1);
  const m = new MeanSquaredError();
  for (let i = 0; i < 35; i++) {
    m.update(preds, target);
    assert.throws(() => m.update(preds, wrong), Error);
  }
  assert.equal(m.compute(), 0);
  m.dispose();
});
