// The app every browser bundler builds: `import ... from 'wasmetrics'` resolves to the `browser`
// export (dist/index.browser.mjs); evaluateParallel runs on its default Web Worker.
import { init, createMetric, evaluateParallel, simd } from 'wasmetrics';
import { fixtureCase, feed, batchesOf } from './case.mjs';

async function main() {
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
  return { single, parallel: parallel.m, simd: simd() };
}

main().then(
  (result) => {
    window.wasmetricsResult = result;
  },
  (e) => {
    window.wasmetricsResult = { error: String(e?.stack ?? e) };
  },
);
