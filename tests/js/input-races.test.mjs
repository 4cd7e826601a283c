// Inputs that change while update() reads them (issue 16): a getter of a later input resizes an
// earlier input's resizable ArrayBuffer after it was checked. The call must fail with a clear Error
// naming the size change, and the metric must be unchanged (MSE once came out Infinity, BinaryROC
// read unrelated heap memory).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
await lib.init();

for (const [metric, options, makeTarget] of [
  ['MeanSquaredError', {}, () => Float32Array.of(1, 2, 3, 4)],
  ['BinaryROC', {}, () => Int32Array.of(1, 0, 1, 0)],
]) {
  test(`${metric}: an input buffer shrunk by a later input's getter is refused, state unchanged`, () => {
    const m = lib.createMetric(metric, options);
    m.update(Float32Array.of(0.1, 0.2, 0.3, 0.4), makeTarget());
    const before = m.saveState();
    const buffer = new ArrayBuffer(16, { maxByteLength: 64 });
    const preds = new Float32Array(buffer); // length-tracking
    preds.set([0.5, 0.6, 0.7, 0.8]);
    const target = makeTarget();
    const hostile = {
      shape: [4],
      get data() {
        buffer.resize(4);
        return target;
      },
    };
    assert.throws(
      () => m.update(preds, hostile),
      (e) => e instanceof Error && /changed size/.test(e.message),
    );
    assert.deepEqual(m.saveState(), before);
    m.dispose();
  });
}
