// Jest's defaults (CommonJS, node environment): require('wasmetrics') resolves to dist/index.cjs.
const { init, createMetric, evaluateParallel, simd } = require('wasmetrics');
const { fixtureCase, feed, batchesOf } = require('./case.cjs');

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
