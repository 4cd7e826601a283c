#!/usr/bin/env node
// Issue 14: where evaluateParallel makes the demo page faster. Drops synthetic multiclass CSVs
// (3 score columns and a label) of several sizes on the page in headless Chromium, once with the
// metrics table on one thread (?parallel=off) and once per worker count (?parallel=N), and prints
// the metrics table's compute time the page reports (data-metrics-ms) for each. The page's
// default rule (classification-cells.mjs, PARALLEL_MIN_ROWS) comes from this table; web/README.md
// ("Parallel evaluation") records it. Run by hand (not in make test).
// Usage: node bench/web-parallel.mjs [--rows=100000,400000,1600000] [--workers=2,4]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromiumOrSkip, launchChromium, startDemoServer, writeSyntheticCsv } from '../tests/js/web-harness.mjs';
import { benchArgs } from './args.mjs';

const args = benchArgs('bench/web-parallel.mjs', ['rows', 'workers']);
const sizes = (args.rows ?? '100000,400000,1600000').split(',').map(Number);
const workerCounts = (args.workers ?? '2,4').split(',').map(Number);
const chromium = chromiumOrSkip({
  skip: (why) => {
    throw new Error(why);
  },
});
const { server, origin } = await startDemoServer();
const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-parallel-'));
const browser = await launchChromium(chromium);
const results = '[data-results="classification"]';
try {
  const page = await browser.newPage();
  console.log(`cores: ${await page.evaluate(() => navigator.hardwareConcurrency)}`);
  console.log(['rows', 'one thread ms', ...workerCounts.map((w) => `${w} workers ms`)].join('\t'));
  for (const rows of sizes) {
    const file = join(tmp, `${rows}.csv`);
    await writeSyntheticCsv(file, rows);
    const line = [rows];
    for (const parallel of ['off', ...workerCounts]) {
      await page.goto(`${origin}/web/?mode=classification&parallel=${parallel}`);
      await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.state === 'ready', results, {
        timeout: 300_000,
      });
      await page.setInputFiles('input[data-input="predictions"]', file);
      await page.waitForFunction((sel) => document.querySelector(sel).dataset.state !== 'computing', results, {
        timeout: 1_800_000,
        polling: 500,
      });
      const r = await page
        .$eval('#results-out [data-metrics-ms]', (e) => ({
          ms: Number(e.dataset.metricsMs),
          workers: Number(e.dataset.workers),
        }))
        .catch(() => null);
      line.push(
        r
          ? `${Math.round(r.ms)}${parallel !== 'off' && r.workers === 1 ? ' (fell back to one thread)' : ''}`
          : 'failed',
      );
    }
    console.log(line.join('\t'));
  }
} finally {
  await browser.close();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
