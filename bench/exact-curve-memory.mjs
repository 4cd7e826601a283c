// Peak extra heap memory of an exact BinaryAUROC compute() over W3's scores, in a fresh module (run
// by bench/run.mjs in a child process; prints one JSON line). usedBytes before compute() is what the
// state holds; peakBytes (malloc's high-water mark of heap bytes held) after compute() bounds the
// peak of anything compute() allocates: extra <= peak after - used before. This is an upper bound
// (free blocks left by the updates count as extra), tighter than the heap's growth (Emscripten
// grows the heap in large steps). Usage: node bench/exact-curve-memory.mjs <simd|plain> <scale>
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { workloadData } from './data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [build = 'simd', scale = '1'] = process.argv.slice(2);
const lib = await import(pathToFileURL(join(here, '..', 'npm/dist/index.mjs')).href);
await lib.init({ simd: build !== 'plain' });
const { scores, target } = workloadData('w3', Number(scale));
const n = scores.length;
const B = Math.ceil(n / 10);
const m = lib.createMetric('BinaryAUROC', {});
for (let b = 0; b < n; b += B) m.update(scores.subarray(b, b + B), target.subarray(b, b + B));
const before = lib.memoryUsage();
const stateBytes = m.stateBytes;
const value = m.compute();
const after = lib.memoryUsage();
m.dispose();
console.log(
  JSON.stringify({
    samples: n,
    stateBytesPerSample: stateBytes / n,
    usedBeforeCompute: before.usedBytes,
    peakBeforeCompute: before.peakBytes,
    peakAfterCompute: after.peakBytes,
    // the bound is only informative when compute() pushed the high-water mark up
    peakExtraBytesPerSampleAtMost: (Math.max(after.peakBytes, before.peakBytes) - before.usedBytes) / n,
    raisedPeak: after.peakBytes > before.peakBytes,
    heapGrowthBytesPerSample: (after.heapBytes - before.heapBytes) / n,
    value,
  }),
);
