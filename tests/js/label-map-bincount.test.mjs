// The uint8 label-map fast path of the multiclass confusion matrix (one scatter, ignore mask folded
// in) must count exactly what the general path counts: the same maps as int32 take the general
// path and are the reference. Invalid maps fall back and fail with the general path's message.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const { init, createMetric } = await importPackage();
await init();

const C = 7;
const shape = [3, 40, 50];
const n = shape.reduce((a, b) => a * b, 1);
const pred = new Uint8Array(n);
const target = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  target[i] = i % 13 === 0 ? 255 : (i * 7) % C;
  pred[i] = (i * 7 + (i % 5 === 0 ? 3 : 0)) % C;
}
const asInt32 = (a) => ({ data: Int32Array.from(a), shape });

function both(name, options, p, t) {
  const fast = createMetric(name, options);
  const general = createMetric(name, options);
  try {
    fast.update({ data: p, shape }, { data: t, shape });
    fast.update({ data: p, shape }, { data: t, shape });
    general.update(asInt32(p), asInt32(t));
    general.update(asInt32(p), asInt32(t));
    return [fast.compute(), general.compute()];
  } finally {
    fast.dispose();
    general.dispose();
  }
}

test('uint8 label maps: confusion matrix and Jaccard equal the int32 path (ignore 255, ignore in range, no ignore)', () => {
  const inRange = target.map((v) => (v === 255 ? 2 : v));
  const noIgnore = target.map((v) => (v === 255 ? 1 : v));
  for (const [options, t] of [[{ ignoreIndex: 255 }, target], [{ ignoreIndex: 2 }, inRange], [{}, noIgnore]]) {
    for (const [name, extra] of [['MulticlassConfusionMatrix', {}], ['MulticlassConfusionMatrix', { normalize: 'true' }],
      ['MulticlassJaccardIndex', { average: 'macro' }], ['MulticlassJaccardIndex', { average: 'none' }]]) {
      const [fast, general] = both(name, { numClasses: C, ...options, ...extra }, pred, t);
      assert.deepEqual(fast, general, `${name} ${JSON.stringify({ ...options, ...extra })}`);
    }
  }
  const [cm] = both('MulticlassConfusionMatrix', { numClasses: C, ignoreIndex: 255 }, pred, target);
  const kept = target.filter((v) => v !== 255).length;
  assert.equal(cm.data.reduce((a, b) => a + b, 0), 2 * kept);
});

test('uint8 label maps with an out-of-range pred or target: the same error as the int32 path, state unchanged', () => {
  for (const [p, t] of [[pred.map((v, i) => (i === 17 ? C : v)), target], [pred, target.map((v, i) => (i === 5 ? 9 : v))]]) {
    const fast = createMetric('MulticlassConfusionMatrix', { numClasses: C, ignoreIndex: 255 });
    const general = createMetric('MulticlassConfusionMatrix', { numClasses: C, ignoreIndex: 255 });
    let expected;
    assert.throws(() => general.update(asInt32(p), asInt32(t)), (e) => { expected = e.message; return true; });
    assert.throws(() => fast.update({ data: p, shape }, { data: t, shape }), (e) => e.message === expected);
    assert.equal(fast.compute().data.reduce((a, b) => a + b, 0), 0);
    fast.dispose();
    general.dispose();
  }
});
