// Jest on native ESM (NODE_OPTIONS=--experimental-vm-modules): import resolves to dist/index.mjs.
import { init, createMetric, evaluateParallel, simd } from 'wasmetrics';
import { fixtureCase, feed, batchesOf } from './case.mjs';

test('a fixture case, alone and through evaluateParallel', async () => {
  await init();
  const metric = createMetric(fixtureCase.metric, fixtureCase.args);
  feed(metric);
  const single = metric.compute();
  metric.dispose();
  const parallel = await evaluateParallel({
    metrics: { m: { name: fixtureCase.metric, options: fixtureCase.args } },
    batches: batchesOf(),
    workers: 2,
  });
  console.log(`WASMETRICS_RESULT ${JSON.stringify({ single, parallel: parallel.m, simd: simd() })}`);
}, 120_000); // compiling the .wasm and starting 2 workers exceed Jest's 5 s default on a busy machine
