// Writes the bundled sample data in examples/data/ (deterministic: fixed-seed generator).
// Run: node scripts/make-sample-data.mjs   (the output is committed; rerun only to change it)
import { writeFileSync, mkdirSync } from 'node:fs';
import { mulberry32 } from './lib/mulberry32.mjs';

const rand = mulberry32(20261124); // seeded: the sample is the same on every machine
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// House prices (in k€): a model that is good on average and worse on expensive houses.
const dir = new URL('../examples/data/', import.meta.url);
mkdirSync(dir, { recursive: true });
const rows = ['id,predicted_price,true_price'];
for (let i = 0; i < 1000; i++) {
  const truth = 80 + 420 * rand() ** 2;
  const pred = truth * (1 + 0.08 * gauss()) + 5 * gauss();
  rows.push(`${i},${pred.toFixed(3)},${truth.toFixed(3)}`);
}
writeFileSync(new URL('house_prices.csv', dir), rows.join('\n') + '\n');
console.log('wrote examples/data/house_prices.csv');
