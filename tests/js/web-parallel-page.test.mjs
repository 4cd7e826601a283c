// Issue 14 on the demo page: the Classification mode's metrics table computed by evaluateParallel
// on Web Workers (?parallel=2, as the page does by itself for large inputs on >= 4 cores) shows
// exactly the numbers of one thread (?parallel=off), and says it used the workers. Timing is not
// tested here (no test depends on speed): bench/web-parallel.mjs measures where it is faster.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  chromiumOrSkip,
  input,
  launchChromium,
  settledState,
  shownMetrics,
  startDemoServer,
  writeSyntheticCsv,
  openedState,
} from './web-harness.mjs';

test('demo page: the metrics table on 2 Web Workers equals one thread', { timeout: 600_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-parallel-'));
  const file = join(tmp, 'scores.csv');
  await writeSyntheticCsv(file, 150_000); // 3 batches of the page's 65,536 rows
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const shown = {};
    for (const parallel of ['off', '2']) {
      await page.goto(`${origin}/web/?mode=classification&parallel=${parallel}`);
      const settled = settledState(page, 'classification');
      assert.equal(await openedState(page), 'ready');
      await page.setInputFiles(input('predictions'), file);
      assert.equal(await settled(), 'ready');
      const line = await page.$eval('#results-out [data-metrics-ms]', (e) => ({
        workers: e.dataset.workers,
        text: e.textContent,
      }));
      assert.equal(line.workers, parallel === 'off' ? '1' : '2', line.text);
      shown[parallel] = (await shownMetrics(page)).filter((c) => c.options && c.class === null);
    }
    assert.ok(shown.off.length >= 3, 'the metrics table shows numbers');
    assert.deepEqual(shown['2'], shown.off, 'the same metrics, options and values (bit for bit)');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
