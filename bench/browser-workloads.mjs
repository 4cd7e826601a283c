// W1, W3 and W5 (bench/run.mjs's workloads, scaled) as one function that runs unchanged in Node and
// in a browser Web Worker (bench/browser.mjs): the data comes from a seeded generator in the
// runtime itself (no transfer to time), each row is the median of `runs` runs after a warm-up, and
// includes construction, the batch updates, compute() and dispose(), as run.mjs's copy rows.

// xorshift32: the same bytes in both runtimes (bench/per-call.mjs uses it too).
export function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

function batches(array, n, width = 1) {
  const total = array.length / width;
  return Array.from({ length: n }, (_, b) =>
    array.subarray(Math.floor((total * b) / n) * width, Math.floor((total * (b + 1)) / n) * width),
  );
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** {rows: [{workload, contender, ms, value}]} for the package `lib` (already initialised). */
export function runBrowserWorkloads(lib, { scale = 1, runs = 5 } = {}) {
  const rows = [];
  const time = (workload, contender, name, options, inputs) => {
    const ts = [];
    let value;
    for (let r = 0; r <= runs; r++) {
      const t0 = performance.now();
      const m = lib.createMetric(name, options);
      for (const batch of inputs) m.update(...batch);
      value = m.compute();
      m.dispose();
      if (r > 0) ts.push(performance.now() - t0);
    }
    rows.push({ workload, contender, ms: median(ts), value: typeof value === 'number' ? value : NaN });
  };
  const rand = random(7);
  {
    const L = 20;
    const N = Math.max(10, Math.round(1e6 * scale));
    const preds = new Float32Array(N * L);
    const target = new Uint8Array(N * L);
    for (let i = 0; i < preds.length; i++) {
      preds[i] = rand();
      target[i] = rand() < 0.3 ? 1 : 0;
    }
    const pB = batches(preds, 10, L);
    const tB = batches(target, 10, L);
    const inputs = pB.map((p, b) => [
      { data: p, shape: [p.length / L, L] },
      { data: tB[b], shape: [p.length / L, L] },
    ]);
    time('W1 multilabel', 'MultilabelF1Score copy', 'MultilabelF1Score', { numLabels: L }, inputs);
  }
  {
    const N = Math.max(100, Math.round(1e7 * scale));
    const scores = new Float32Array(N);
    const labels = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      labels[i] = rand() < 0.1 ? 1 : 0;
      scores[i] = Math.min(1, Math.max(0, rand() * 0.8 + labels[i] * 0.2));
    }
    const inputs = batches(scores, 10).map((s, b) => [s, batches(labels, 10)[b]]);
    time('W3 binary ranking', 'BinaryAUROC 200 thresholds copy', 'BinaryAUROC', { thresholds: 200 }, inputs);
    time('W3 binary ranking', 'BinaryAUROC exact copy', 'BinaryAUROC', {}, inputs);
  }
  {
    const N = Math.max(100, Math.round(1e7 * scale));
    const preds = new Float32Array(N);
    const target = new Float32Array(N);
    for (let i = 0; i < N; i++) {
      target[i] = rand() * 2 - 1;
      preds[i] = target[i] + (rand() - 0.5) * 0.2;
    }
    const inputs = batches(preds, 10).map((p, b) => [p, batches(target, 10)[b]]);
    for (const name of ['MeanSquaredError', 'PearsonCorrCoef', 'R2Score'])
      time('W5 regression', `${name} copy`, name, {}, inputs);
  }
  return { rows, simd: lib.simd() };
}
