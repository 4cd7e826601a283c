// Image, audio and shape metrics through the npm package, on one WebAssembly build: the generated
// classes with camelCase options, named results (SSIM's {ssim, image}) as Tensors, shards merged
// across instances, state blobs, and errors naming the argument. Values are checked against JS
// reference formulas (PSNR, SNR, SI-SDR, CSI, TV), never against copied numbers.
// Run once per build, in its own process: image-audio-simd.test.mjs, image-audio-plain.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';
import { importPackage } from './helpers.mjs';

const closeTo = (a, b, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

function randomArray(rand, n, scale = 1) {
  return Float64Array.from({ length: n }, () => rand() * scale);
}

export async function runImageAudio({ simd }) {
  const lib = await importPackage();
  await lib.init({ simd });
  // Metrics not registered yet are skipped (as the conformance runner skips their cases).
  const registered = new Set(lib.listMetrics().map((m) => m.name));
  const needs = (ctx, ...names) => {
    const missing = names.filter((n) => !registered.has(n));
    if (missing.length) ctx.skip(`${missing.join(', ')} not registered yet`);
    return missing.length === 0;
  };

  // First in the file: the heap's high-water mark is still that of a fresh module.
  test(`[${simd ? 'simd' : 'plain'}] a large batch is copied into the heap a part at a time`, (ctx) => {
    if (!needs(ctx, 'PeakSignalNoiseRatio')) return;
    const n = 1 << 22; // 16 MB per input
    const p = new Float32Array(n).fill(0.25),
      t = new Float32Array(n).fill(0.5);
    const peakGrowth = (sliceBytes) => {
      lib.Metric.inputSliceBytes = sliceBytes;
      const before = lib.memoryUsage().peakBytes;
      const m = new lib.PeakSignalNoiseRatio({ dataRange: 1 });
      m.update({ data: p, shape: [4, 1, 1024, 1024] }, { data: t, shape: [4, 1, 1024, 1024] });
      const value = m.compute();
      m.dispose();
      return { growth: lib.memoryUsage().peakBytes - before, value };
    };
    try {
      const parts = peakGrowth(512 * 1024);
      const whole = peakGrowth(0); // after: the parts' peak is below the whole batch's
      assert.ok(parts.growth < 4e6, `in parts the heap peak grew by ${parts.growth} bytes`);
      assert.ok(whole.growth > 24e6, `whole, the heap peak grew by ${whole.growth} bytes (the probe itself)`);
      assert.ok(closeTo(parts.value, 10 * Math.log10(1 / 0.0625)), `${parts.value}`);
      assert.equal(parts.value, whole.value);
    } finally {
      lib.Metric.inputSliceBytes = 512 * 1024;
    }
  });

  test(`[${simd ? 'simd' : 'plain'}] a batch in parts gives the state, values and errors of the whole`, (ctx) => {
    if (!needs(ctx, 'PeakSignalNoiseRatio')) return;
    const rand = mulberry32(23);
    const shape = [3, 2, 5, 7],
      size = 210;
    // eighths: every difference, square and sum is exact in float64, so the sums do not depend on
    // their order and the states must be equal to the byte
    const eighth = () => Math.floor(rand() * 9) / 8;
    const f32 = () => Float32Array.from({ length: size }, eighth);
    const batches = [0, 1, 2].map(() => [
      { data: f32(), shape },
      { data: f32(), shape },
    ]);
    const mixed = [
      { data: f32(), shape },
      { data: Float64Array.from({ length: size }, eighth), shape },
    ];
    const errorOf = (f) => {
      try {
        f();
      } catch (e) {
        return { code: e.code, message: e.message };
      }
      return null;
    };
    const run = (sliceBytes, options) => {
      lib.Metric.inputSliceBytes = sliceBytes;
      const m = new lib.PeakSignalNoiseRatio(options);
      const out = { forward: [], errors: [] };
      for (const [p, t] of batches) out.forward.push(m.forward(p, t));
      m.update(...mixed);
      const before = m.saveState();
      // refused batches: shapes differ; a bool input holding a byte other than 0/1 in its last part
      out.errors.push(errorOf(() => m.update(batches[0][0], { data: f32().subarray(0, 200), shape: [2, 2, 5, 10] })));
      const bools = new Uint8Array(size).fill(1);
      bools[size - 3] = 2;
      out.errors.push(errorOf(() => m.update({ data: bools, shape, dtype: 'bool' }, batches[0][1])));
      out.unchanged = Buffer.from(m.saveState()).equals(Buffer.from(before));
      out.value = m.compute();
      out.state = m.saveState();
      m.dispose();
      return out;
    };
    const values = (v) => (typeof v === 'number' ? [v] : Array.from(v.data));
    try {
      for (const options of [{ dataRange: 1 }, {}, { dataRange: 1, dim: [1, 2, 3], reduction: 'none' }]) {
        const whole = run(0, options);
        assert.ok(whole.errors.every((e) => e !== null) && whole.unchanged, JSON.stringify(options));
        for (const sliceBytes of [8, 100, 1000]) {
          const got = run(sliceBytes, options);
          const what = `${JSON.stringify(options)}, ${sliceBytes} bytes per part`;
          assert.deepEqual(got.errors, whole.errors, what);
          assert.ok(got.unchanged, what);
          for (const [a, b] of [[got.value, whole.value], ...got.forward.map((f, i) => [f, whole.forward[i]])]) {
            assert.equal(values(a).length, values(b).length, what);
            values(a).forEach((x, i) => assert.equal(x, values(b)[i], what));
          }
          assert.ok(Buffer.from(got.state).equals(Buffer.from(whole.state)), `${what}: the states differ`);
        }
      }
    } finally {
      lib.Metric.inputSliceBytes = 512 * 1024;
    }
  });

  test(`[${simd ? 'simd' : 'plain'}] PSNR over shards equals the formula over everything`, (ctx) => {
    if (!needs(ctx, 'PeakSignalNoiseRatio')) return;
    const rand = mulberry32(11);
    const p = randomArray(rand, 2 * 64),
      t = randomArray(rand, 2 * 64);
    let sse = 0;
    for (let i = 0; i < p.length; i++) sse += (p[i] - t[i]) ** 2;
    const want = 10 * Math.log10(1 / (sse / p.length));
    const a = new lib.PeakSignalNoiseRatio({ dataRange: 1 });
    const b = new lib.PeakSignalNoiseRatio({ dataRange: 1 });
    a.update({ data: p.subarray(0, 64), shape: [1, 1, 8, 8] }, { data: t.subarray(0, 64), shape: [1, 1, 8, 8] });
    b.update({ data: p.subarray(64), shape: [1, 1, 8, 8] }, { data: t.subarray(64), shape: [1, 1, 8, 8] });
    a.merge(b);
    assert.ok(closeTo(a.compute(), want), `${a.compute()} != ${want}`);
    a.dispose();
    b.dispose();
  });

  test(`[${simd ? 'simd' : 'plain'}] SSIM returnFullImage gives {ssim, image} with the map of every image`, (ctx) => {
    if (!needs(ctx, 'StructuralSimilarityIndexMeasure')) return;
    const rand = mulberry32(12);
    const m = new lib.StructuralSimilarityIndexMeasure({ dataRange: 1, returnFullImage: true });
    for (let k = 0; k < 2; k++) {
      m.update(
        { data: randomArray(rand, 2 * 144), shape: [2, 1, 12, 12] },
        { data: randomArray(rand, 2 * 144), shape: [2, 1, 12, 12] },
      );
    }
    const r = m.compute();
    assert.deepEqual(Object.keys(r), ['ssim', 'image']);
    assert.deepEqual(r.image.shape, [4, 1, 12, 12]);
    const mean = r.image.data.reduce((s, v) => s + v, 0) / r.image.data.length;
    assert.ok(closeTo(r.ssim, mean, 1e-6), `ssim ${r.ssim} is the mean of the maps ${mean}`);
    const blob = m.saveState();
    const copy = new lib.StructuralSimilarityIndexMeasure({ dataRange: 1, returnFullImage: true });
    copy.loadState(blob);
    assert.ok(closeTo(copy.compute().ssim, r.ssim));
    m.dispose();
    copy.dispose();
  });

  test(`[${simd ? 'simd' : 'plain'}] SNR and SI-SDR follow their formulas; PIT undoes a speaker swap`, (ctx) => {
    if (!needs(ctx, 'SignalNoiseRatio', 'ScaleInvariantSignalDistortionRatio', 'PermutationInvariantTraining')) return;
    const rand = mulberry32(13);
    const T = 100;
    const t = randomArray(rand, T, 2),
      p = Float64Array.from(t, (v) => v + (rand() - 0.5) * 0.3);
    let st = 0,
      sn = 0,
      pt = 0;
    for (let i = 0; i < T; i++) {
      st += t[i] ** 2;
      sn += (t[i] - p[i]) ** 2;
      pt += p[i] * t[i];
    }
    const eps = 2.220446049250313e-16;
    const snr = new lib.SignalNoiseRatio();
    snr.update(p, t);
    assert.ok(closeTo(snr.compute(), 10 * Math.log10((st + eps) / (sn + eps))));
    const alpha = (pt + eps) / (st + eps);
    let ss = 0,
      nn = 0;
    for (let i = 0; i < T; i++) {
      ss += (alpha * t[i]) ** 2;
      nn += (alpha * t[i] - p[i]) ** 2;
    }
    const sisdr = new lib.ScaleInvariantSignalDistortionRatio();
    sisdr.update(p, t);
    assert.ok(closeTo(sisdr.compute(), 10 * Math.log10((ss + eps) / (nn + eps))));

    const pit = new lib.PermutationInvariantTraining({ metricFunc: 'signal_noise_ratio' });
    const other = randomArray(rand, T, 2);
    const swapped = new Float64Array(2 * T);
    swapped.set(other, 0);
    swapped.set(p, T); // preds' speaker 1 estimates target speaker 0
    const target = new Float64Array(2 * T);
    target.set(t, 0);
    target.set(other, T);
    pit.update({ data: swapped, shape: [1, 2, T] }, { data: target, shape: [1, 2, T] });
    // speaker 1 of preds is `other` exactly: its SNR is eps-bound, so compare the other pairing only
    const snrOther = 10 * Math.log10((other.reduce((s, v) => s + v * v, 0) + eps) / eps);
    assert.ok(closeTo(pit.compute(), (10 * Math.log10((st + eps) / (sn + eps)) + snrOther) / 2, 1e-6));
    for (const m of [snr, sisdr, pit]) m.dispose();
  });

  test(`[${simd ? 'simd' : 'plain'}] CriticalSuccessIndex and TotalVariation count as defined`, (ctx) => {
    if (!needs(ctx, 'CriticalSuccessIndex', 'TotalVariation')) return;
    const csi = new lib.CriticalSuccessIndex({ threshold: 0.5, keepSequenceDim: 0 });
    csi.update({ data: [0.6, 0.2, 0.9, 0.7], shape: [2, 2] }, { data: [0.7, 0.8, 0.1, 0.9], shape: [2, 2] });
    // row 0: hit, miss -> 1/2; row 1: false alarm, hit -> 1/2
    assert.deepEqual(Array.from(csi.compute().data), [0.5, 0.5]);
    const tv = new lib.TotalVariation({ reduction: 'none' });
    tv.update({ data: [0, 1, 3, 5, 1, 1, 1, 1], shape: [2, 1, 2, 2] });
    assert.deepEqual(Array.from(tv.compute().data), [10, 0]);
    csi.dispose();
    tv.dispose();
  });

  test(`[${simd ? 'simd' : 'plain'}] bad input is an Error naming the argument, and the state is kept`, (ctx) => {
    if (!needs(ctx, 'StructuralSimilarityIndexMeasure', 'PermutationInvariantTraining')) return;
    const m = new lib.StructuralSimilarityIndexMeasure({ dataRange: 1 });
    const ok = { data: new Float64Array(144).fill(0.5), shape: [1, 1, 12, 12] };
    m.update(ok, ok);
    assert.throws(
      () =>
        m.update(
          { data: new Float64Array(16), shape: [1, 1, 4, 4] },
          { data: new Float64Array(16), shape: [1, 1, 4, 4] },
        ),
      /padding/,
    );
    assert.throws(() => m.update(ok, { data: new Float64Array(12), shape: [1, 12] }), /`preds` and `target`/);
    assert.equal(m.compute(), 1);
    assert.throws(() => new lib.PermutationInvariantTraining({}), /metric_func|metricFunc/);
    m.dispose();
  });
}
