// `make demo`: evaluates the bundled sample (examples/data/house_prices.csv: a price model's
// predictions against true prices) with the npm package, feeding it in batches as a data
// loader over an unshuffled test set would (sorted by price), and prints a table. Metrics
// accumulate over all batches; the last column shows what averaging per-batch values would
// have reported instead (the classic trap: R2 and correlations collapse within a price band).
import { readFileSync } from 'node:fs';
import { init, createMetric, simd } from '../../npm/dist/index.mjs';

await init();

const csv = readFileSync(new URL('../data/house_prices.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const header = csv[0].split(',');
const col = (name) => header.indexOf(name);
const preds = new Float64Array(csv.length - 1);
const target = new Float64Array(csv.length - 1);
csv
  .slice(1)
  .map((line) => line.split(','))
  .sort((a, b) => Number(a[col('true_price')]) - Number(b[col('true_price')]))
  .forEach((f, i) => {
    preds[i] = Number(f[col('predicted_price')]);
    target[i] = Number(f[col('true_price')]);
  });

const metrics = [
  ['MeanSquaredError', {}],
  ['MeanSquaredError', { squared: false }],
  ['MeanAbsoluteError', {}],
  ['MeanAbsolutePercentageError', {}],
  ['SymmetricMeanAbsolutePercentageError', {}],
  ['WeightedMeanAbsolutePercentageError', {}],
  ['MeanSquaredLogError', {}],
  ['R2Score', {}],
  ['ExplainedVariance', {}],
  ['PearsonCorrCoef', {}],
  ['SpearmanCorrCoef', {}],
  ['KendallRankCorrCoef', {}],
  ['ConcordanceCorrCoef', {}],
  ['LogCoshError', {}],
  ['RelativeSquaredError', {}],
  ['TweedieDevianceScore', { power: 2 }],
  ['MinkowskiDistance', { p: 3 }],
];
const batchSize = 100;
const rows = [];
for (const [name, options] of metrics) {
  let metric;
  try {
    metric = createMetric(name, options);
  } catch (e) {
    rows.push([label(name, options), 'not available: ' + e.message.split('\n')[0], '']);
    continue;
  }
  const perBatch = [];
  for (let start = 0; start < preds.length; start += batchSize) {
    const p = preds.subarray(start, start + batchSize),
      t = target.subarray(start, start + batchSize);
    perBatch.push(metric.forward(p, t));
  }
  const value = metric.compute();
  const naive = perBatch.reduce((a, b) => a + b, 0) / perBatch.length;
  rows.push([label(name, options), fmt(value), fmt(naive)]);
  metric.dispose();
}

function label(name, options) {
  const o = Object.entries(options)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return o ? `${name}(${o})` : name;
}
function fmt(v) {
  return typeof v === 'number' ? v.toPrecision(6) : String(v);
}

console.log(
  `wasmetrics demo: ${preds.length} house-price predictions in batches of ${batchSize} ` +
    `sorted by price ` +
    `(WebAssembly ${simd() ? 'SIMD' : 'plain'} build)\n`,
);
const head = ['metric', 'value (all data)', 'mean of per-batch values'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
