// The label-map fast paths of the multiclass confusion matrix (uint8: one scatter into a 256 x 256
// table; other integer types: two compares and a scatter into a (C + 2) x (C + 1) table) must count
// exactly what the general path counts. The reference is the same maps given as probabilities
// [N, C, H, W] whose argmax is the pred, which always takes the general path. Invalid maps fall back
// and fail with the general path's message, state unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const { init, createMetric } = await importPackage();
await init();

const C = 7;
const [N, H, W] = [3, 40, 50];
const shape = [N, H, W];
const n = N * H * W;
const pred = new Uint8Array(n);
const target = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  target[i] = i % 13 === 0 ? 255 : (i * 7) % C;
  pred[i] = (i * 7 + (i % 5 === 0 ? 3 : 0)) % C;
}
const DTYPES = [Uint8Array, Uint16Array, Int16Array, Int32Array, Uint32Array];

// [N, C, H, W] float32 scores with the largest at the pred's class.
function asProbs(p) {
  const probs = new Float32Array(n * C).fill(0.1 / C);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(i / (H * W)),
      px = i % (H * W);
    probs[(s * C + p[i]) * H * W + px] = 0.9;
  }
  return { data: probs, shape: [N, C, H, W] };
}

function computeAfterTwo(name, options, p, t) {
  const m = createMetric(name, options);
  try {
    m.update(p, t);
    m.update(p, t);
    return m.compute();
  } finally {
    m.dispose();
  }
}

test('integer label maps of every dtype: confusion matrix and Jaccard equal the general path (ignore 255, ignore in range, -1, none)', () => {
  const inRange = target.map((v) => (v === 255 ? 2 : v));
  const noIgnore = target.map((v) => (v === 255 ? 1 : v));
  const cases = [
    [{ ignoreIndex: 255 }, target],
    [{ ignoreIndex: 2 }, inRange],
    [{}, noIgnore],
    [{ ignoreIndex: -1 }, Int32Array.from(target, (v) => (v === 255 ? -1 : v))],
  ];
  for (const [options, t] of cases) {
    for (const [name, extra] of [
      ['MulticlassConfusionMatrix', {}],
      ['MulticlassConfusionMatrix', { normalize: 'true' }],
      ['MulticlassJaccardIndex', { average: 'macro' }],
      ['MulticlassJaccardIndex', { average: 'none' }],
    ]) {
      const opts = { numClasses: C, ...options, ...extra };
      const want = computeAfterTwo(name, opts, asProbs(pred), { data: Int32Array.from(t), shape });
      for (const D of DTYPES) {
        if (options.ignoreIndex === -1 && D.name.startsWith('Uint')) continue; // -1 is not a value of the type
        const got = computeAfterTwo(name, opts, { data: D.from(pred), shape }, { data: D.from(t), shape });
        assert.deepEqual(got, want, `${name} ${D.name} ${JSON.stringify(opts)}`);
      }
    }
  }
  // and the counts themselves, against a loop here
  const cm = computeAfterTwo(
    'MulticlassConfusionMatrix',
    { numClasses: C, ignoreIndex: 255 },
    { data: Uint16Array.from(pred), shape },
    { data: Uint16Array.from(target), shape },
  );
  const loop = new Array(C * C).fill(0);
  for (let i = 0; i < n; i++) if (target[i] !== 255) loop[target[i] * C + pred[i]] += 2;
  assert.deepEqual(Array.from(cm.data), loop);
});

test('integer label maps with an out-of-range pred or target: the same error for every dtype, state unchanged', () => {
  const bad = [
    [pred.map((v, i) => (i === 17 ? C : v)), target],
    [pred, target.map((v, i) => (i === 5 ? 9 : v))],
    [pred, Int32Array.from(target, (v, i) => (i === 5 ? -3 : v))],
  ];
  for (const [p, t] of bad) {
    const messages = new Set();
    for (const D of DTYPES) {
      if (D.name.startsWith('Uint') && t.some((v) => v < 0)) continue;
      const m = createMetric('MulticlassConfusionMatrix', { numClasses: C, ignoreIndex: 255 });
      assert.throws(
        () => m.update({ data: D.from(p), shape }, { data: D.from(t), shape }),
        (e) => {
          messages.add(e.message);
          return true;
        },
      );
      assert.equal(
        m.compute().data.reduce((a, b) => a + b, 0),
        0,
        D.name,
      );
      m.update({ data: D.from(pred), shape }, { data: D.from(target), shape });
      assert.equal(
        m.compute().data.reduce((a, b) => a + b, 0),
        target.filter((v) => v !== 255).length,
        `${D.name}: usable after the error`,
      );
      m.dispose();
    }
    assert.equal(messages.size, 1, [...messages].join(' | '));
  }
});
