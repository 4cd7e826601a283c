// Absurd sizes (issue 16, items 9 and 12) through the package: declared shapes far larger than their
// data, class counts of 2^31, work-scaling options far past their caps. Each is refused up front
// with an Error naming the argument (or, for an empty batch of a huge declared shape, answered),
// within a second of CPU time: nothing loops over declared sizes before checking them. The demo page's own
// parsing of such files is tested with the page (tests/js/web-*.test.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage, withCpuSeconds } from './helpers.mjs';

const w = await importPackage();
await w.init({ simd: true });
// Warm-up: the first constructor reads the registry (Embind, JSON) once; the cases time the calls.
new w.MulticlassAccuracy({ numClasses: 3 }).dispose();

const f32 = (n) => new Float32Array(n);
const CASES = [
  ['numClasses 2^31', () => new w.MulticlassAccuracy({ numClasses: 2 ** 31 }), /numClasses|num_classes/],
  ['numClasses 2^31 for a curve', () => new w.MulticlassAUROC({ numClasses: 2 ** 31 }), /numClasses|num_classes/],
  [
    'a declared 1e9-row shape with 4 elements',
    () => new w.MeanSquaredError().update({ data: f32(4), shape: [1e9] }, { data: f32(4), shape: [1e9] }),
    /preds/,
  ],
  [
    'a declared shape of 2^60 elements',
    () =>
      new w.MeanSquaredError().update(
        { data: f32(4), shape: [2 ** 30, 2 ** 30] },
        { data: f32(4), shape: [2 ** 30, 2 ** 30] },
      ),
    /preds/,
  ],
  [
    'a declared shape (0, 2^40) for 3 classes',
    () =>
      new w.MulticlassAccuracy({ numClasses: 3 }).update(
        { data: f32(0), shape: [0, 2 ** 40] },
        { data: new Int32Array(0), shape: [0] },
      ),
    /preds/,
  ],
  [
    'thresholds 1e7 (a 30 s compute before the cap)',
    () => new w.BinaryROC({ thresholds: 1e7 }),
    /thresholds.*at most 100000/,
  ],
  [
    'numBootstraps 1e6 (40 s and 236 MB before the cap)',
    () => new w.BootStrapper(new w.BinaryAccuracy(), { numBootstraps: 1e6 }),
    /numBootstraps.*at most 10000.*copy/,
  ],
  ['nCharOrder 1e9', () => new w.CHRFScore({ nCharOrder: 1e9 }), /n_char_order|nCharOrder/],
];

for (const [what, call, names] of CASES) {
  test(`${what}: refused up front, naming it, within a second of CPU`, () => {
    const [, seconds] = withCpuSeconds(() =>
      assert.throws(call, (e) => e instanceof Error && names.test(e.message), what),
    );
    assert.ok(seconds < 1, `${what}: took ${seconds.toFixed(3)} s of CPU`);
  });
}

test('an empty batch of a huge declared shape is answered at once', () => {
  const [, seconds] = withCpuSeconds(() => {
    const m = new w.MeanSquaredError();
    m.update({ data: f32(0), shape: [0, 100000] }, { data: f32(0), shape: [0, 100000] });
    m.update({ data: f32(0), shape: [1e9, 0] }, { data: f32(0), shape: [1e9, 0] });
    assert.ok(Number.isNaN(m.compute()), 'no sample: NaN, as TorchMetrics');
  });
  assert.ok(seconds < 1, `took ${seconds.toFixed(3)} s of CPU`);
});
