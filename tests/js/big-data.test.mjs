// Big data and leaks (issue 9, part 3), through the npm API:
// - 2 GB of input streamed in chunks through streaming metrics keeps the WebAssembly heap flat;
// - exact curve states (thresholds null) refuse, with an Error suggesting `thresholds: <int>`,
//   before the heap runs out — with a small budget and with the default one;
// - 10,000 create/update/dispose cycles leave malloc's in-use bytes where they were;
// - a metric never disposed is freed by the FinalizationRegistry (child process, --expose-gc).
// memoryUsage().usedBytes is dlmalloc's mallinfo().uordblks; heapBytes the size of wasm memory.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { distMjsUrl, importPackage } from './helpers.mjs';

const wasmetrics = await importPackage();
await wasmetrics.init();
const { createMetric, memoryUsage } = wasmetrics;

const MB = 2 ** 20;

test('2 GB of regression input in 64 MB chunks: exact result, state and heap stay flat', () => {
  const n = 8 * MB; // float32 elements per input per chunk: 2 inputs x 32 MB
  const preds = new Float32Array(n);
  const target = new Float32Array(n);
  let sse = 0; // float64 reference over one chunk; every chunk is the same data
  for (let i = 0; i < n; i++) {
    preds[i] = Math.fround((i % 1000) / 1000);
    target[i] = Math.fround(((i * 7) % 1000) / 1000);
    sse += (preds[i] - target[i]) ** 2;
  }
  const chunks = (2 * 1024 * MB) / (preds.byteLength + target.byteLength);
  const m = createMetric('MeanSquaredError');
  try {
    m.update(preds, target);
    const heapAfterFirst = memoryUsage().heapBytes;
    const stateBytes = m.stateBytes;
    for (let c = 1; c < chunks; c++) m.update(preds, target);
    assert.equal(chunks, 32);
    assert.equal(m.stateBytes, stateBytes, 'state grew with the data');
    assert.equal(memoryUsage().heapBytes, heapAfterFirst, 'the heap grew after the first chunk');
    assert.ok(memoryUsage().heapBytes < 256 * MB, `heap ${memoryUsage().heapBytes} bytes for 64 MB chunks`);
    const mse = m.compute();
    assert.ok(Math.abs(mse - sse / n) <= 1e-6 * (sse / n), `MSE ${mse}, float64 reference ${sse / n}`);
  } finally {
    m.dispose();
  }
});

test('binned BinaryAUROC over 256 MB of scores in chunks: constant state', () => {
  const n = 16 * MB;
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3 === 0 ? 1 : 0;
    scores[i] = Math.fround(labels[i] ? 0.6 + (i % 100) / 250 : (i % 100) / 200);
  }
  const m = createMetric('BinaryAUROC', { thresholds: 101 });
  const small = createMetric('BinaryAUROC', { thresholds: 101 });
  try {
    m.update(scores, labels);
    const bytes = m.stateBytes;
    for (let c = 1; c < 3; c++) m.update(scores, labels);
    assert.equal(m.stateBytes, bytes);
    small.update(scores.subarray(0, 3000), labels.subarray(0, 3000)); // the same distribution, 3000 samples
    assert.ok(Math.abs(m.compute() - small.compute()) < 1e-3, `${m.compute()} vs ${small.compute()}`);
  } finally {
    m.dispose();
    small.dispose();
  }
});

test('exact curve state over its maxStateBytes budget: Error suggesting thresholds, state unchanged', () => {
  const budget = 5 * 1000; // 1000 binary samples at 5 bytes
  const m = createMetric('BinaryAUROC', { maxStateBytes: budget });
  const ref = createMetric('BinaryAUROC');
  try {
    const scores = Float32Array.from({ length: 600 }, (_, i) => (i % 17) / 17);
    const labels = Uint8Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    m.update(scores, labels);
    ref.update(scores, labels);
    assert.throws(
      () => m.update(scores, labels),
      (e) =>
        e instanceof Error &&
        /maxStateBytes=5000/.test(e.message) &&
        /thresholds: 1000/.test(e.message) &&
        !/max_state_bytes/.test(e.message),
    );
    assert.throws(() => m.forward(scores, labels), /maxStateBytes/);
    const other = createMetric('BinaryAUROC', { maxStateBytes: budget });
    other.update(scores, labels);
    assert.throws(() => m.merge(other), /maxStateBytes/, 'merge is held to the budget too');
    other.dispose();
    assert.equal(m.stateBytes, 3000);
    assert.equal(m.compute(), ref.compute());
  } finally {
    m.dispose();
    ref.dispose();
  }
  for (const [name, options] of [
    ['MulticlassROC', { numClasses: 4 }],
    ['MultilabelAveragePrecision', { numLabels: 4 }],
  ]) {
    const c = createMetric(name, { ...options, maxStateBytes: 100 });
    try {
      const rows = 20;
      const preds = { data: new Float32Array(rows * 4).fill(0.25), shape: [rows, 4] };
      const target = name.startsWith('Multiclass')
        ? new Int32Array(rows)
        : { data: new Int32Array(rows * 4), shape: [rows, 4] };
      assert.throws(
        () => c.update(preds, target),
        (e) =>
          e instanceof Error &&
          new RegExp(`^${name}: the exact curve state`).test(e.message) &&
          /thresholds: 1000/.test(e.message),
      );
      assert.equal(c.stateBytes, 0);
    } finally {
      c.dispose();
    }
  }
});

test('exact BinaryAUROC with the default budget refuses before the 4 GB heap runs out', () => {
  const m = createMetric('BinaryAUROC');
  const budget = m.options.maxStateBytes;
  assert.equal(budget, 512 * MB);
  const n = 16 * MB; // 80 MB of state per chunk
  const scores = new Float32Array(n).fill(0.5);
  const labels = new Uint8Array(n);
  let refused = null;
  try {
    for (let c = 0; c < 20 && refused === null; c++) {
      try {
        m.update(scores, labels);
      } catch (e) {
        refused = e;
      }
    }
    assert.ok(refused instanceof Error, 'never refused');
    assert.match(refused.message, /BinaryAUROC: the exact curve state/);
    assert.match(refused.message, /thresholds: 1000/);
    assert.ok(m.stateBytes <= budget && m.stateBytes > budget - 5 * n, `state ${m.stateBytes} bytes`);
    assert.ok(memoryUsage().heapBytes < 4096 * MB);
  } finally {
    m.dispose();
  }
  assert.ok(memoryUsage().usedBytes < 64 * MB, `after dispose ${memoryUsage().usedBytes} bytes still in use`);
  const after = createMetric('BinaryAUROC');
  after.update([0.1, 0.9], [0, 1]);
  assert.equal(after.compute(), 1);
  after.dispose();
});

test('10,000 create/update/dispose cycles leave malloc in-use bytes flat', () => {
  const cycle = (i) => {
    const kinds = [
      [
        'MeanSquaredError',
        {},
        [
          [1, 2, i % 5],
          [1, 3, 2],
        ],
      ],
      [
        'MulticlassAccuracy',
        { numClasses: 4 },
        [
          [0, 1, 2, i % 4],
          [0, 1, 3, 3],
        ],
      ],
      [
        'BinaryAUROC',
        {},
        [
          [0.1, 0.9, (i % 10) / 10],
          [0, 1, 1],
        ],
      ],
      [
        'MeanIoU',
        { numClasses: 3, inputFormat: 'index' },
        [
          { data: Int32Array.of(0, 1, 2, i % 3), shape: [1, 2, 2] },
          { data: Int32Array.of(0, 1, 2, 2), shape: [1, 2, 2] },
        ],
      ],
    ];
    const [name, options, batch] = kinds[i % kinds.length];
    const m = createMetric(name, options);
    m.update(...batch);
    m.compute();
    m.saveState();
    if (i % 7 === 0) {
      try {
        m.update([NaN], [1]); // rejected batches must not leak either
      } catch {
        /* expected for the classification metrics */
      }
    }
    m.dispose();
  };
  for (let i = 0; i < 1000; i++) cycle(i); // warm-up: Embind's type caches, the registry
  const before = memoryUsage().usedBytes;
  for (let i = 0; i < 10000; i++) cycle(i);
  const after = memoryUsage().usedBytes;
  // One leaked byte per cycle would be 10,000 bytes.
  assert.ok(after - before < 4096, `in-use bytes went from ${before} to ${after}`);
});

test('a metric never disposed is freed by the FinalizationRegistry (node --expose-gc)', () => {
  const script = `
    const w = await import(${JSON.stringify(distMjsUrl)});
    await w.init();
    const base = w.memoryUsage().usedBytes;
    (() => {
      for (let i = 0; i < 200; i++) {
        const m = new w.MulticlassConfusionMatrix({ numClasses: 100 }); // 80 kB of state each
        m.update([1, 2], [1, 3]);
      }
    })();
    const held = w.memoryUsage().usedBytes;
    let now = held;
    // V8 may keep a few of the most recent objects alive (feedback vectors, handles): GC promises
    // no single finalization, so the safety net must reclaim at least 90% of the forgotten states.
    for (let round = 0; round < 500 && now - base > 0.1 * (held - base); round++) { // finalizers run as tasks: on a busy machine it takes more rounds
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 10));
      now = w.memoryUsage().usedBytes;
    }
    console.log(JSON.stringify({ base, held, now }));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const { base, held, now } = JSON.parse(out.trim().split('\n').pop());
  assert.ok(held - base > 200 * 80000, `200 states should hold 16 MB, held ${held - base} bytes`);
  assert.ok(now - base < 0.1 * (held - base), `after gc ${now - base} bytes still in use (held ${held - base})`);
});

test('a cat state (SpearmanCorrCoef) that outgrows the 4 GB heap: an Error, state consistent, module usable', () => {
  // In a child process: the heap grows to 4 GB once and is given back with the process.
  const script = `
    const w = await import(${JSON.stringify(distMjsUrl)});
    await w.init();
    const chunk = new Float32Array(32 * 2 ** 20).fill(1); // 128 MB per input per update
    const m = w.createMetric('SpearmanCorrCoef');
    let accepted = 0, error = null;
    for (; accepted < 40; accepted++) {
      try { m.update(chunk, chunk); } catch (e) { error = { isError: e instanceof Error, message: e.message }; break; }
    }
    const stateBytes = m.stateBytes;
    m.dispose();
    const s = w.createMetric('MeanSquaredError');
    s.update([1, 2], [1, 4]);
    console.log(JSON.stringify({ accepted, error, stateBytes, chunkBytes: chunk.byteLength, after: s.compute() }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.ok(r.error?.isError, `never refused or not an Error: ${JSON.stringify(r)}`);
  assert.match(r.error.message, /out of memory/);
  // both cat states (preds, target) hold exactly the accepted updates: nothing half-appended
  assert.equal(r.stateBytes, 2 * r.accepted * r.chunkBytes);
  assert.equal(r.after, 2);
});
