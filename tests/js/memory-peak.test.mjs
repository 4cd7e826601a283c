// memoryUsage().peakBytes (dlmalloc's max footprint, bench/exact-curve-memory.mjs reads it): a
// high-water mark that is never below what malloc holds and rises past a large allocation.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const wasmetrics = await importPackage();
await wasmetrics.init();
const { createMetric, memoryUsage } = wasmetrics;

test("peakBytes is a high-water mark of malloc's bytes", () => {
  const start = memoryUsage();
  assert.ok(start.peakBytes >= start.usedBytes, JSON.stringify(start));
  // an exact curve state of 4M samples (20 MB) held, then freed
  const n = 4 * 2 ** 20;
  const scores = new Float32Array(n).map((_, i) => (i % 997) / 997);
  const target = new Uint8Array(n).map((_, i) => i % 3 === 0);
  const m = createMetric('BinaryAUROC', {});
  m.update(scores, target);
  const held = memoryUsage();
  assert.ok(held.usedBytes >= start.usedBytes + 5 * n, JSON.stringify(held));
  assert.ok(held.peakBytes >= held.usedBytes, JSON.stringify(held));
  m.dispose();
  const after = memoryUsage();
  assert.ok(after.usedBytes < held.usedBytes - 4 * n, JSON.stringify(after));
  assert.ok(after.peakBytes >= held.usedBytes, 'the mark does not fall when memory is freed');
});
