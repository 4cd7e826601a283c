// The demo page's detection cell (web/js/detection-cell.mjs) in headless Chromium, driven by Playwright
// (playwright-core from web/'s devDependencies, Debian's /usr/bin/chromium; no browser is downloaded):
// the bundled COCO pair and uploaded files must show exactly what the npm package's evaluateCoco gives
// in Node on the same files, and a broken results file must show the reader's message.
// Skipped only where /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { chromiumOrSkip, input, launchChromium, settledState, showMode, shownMetrics, startDemoServer, visibleAlerts, webDir } from './web-harness.mjs';

const { init, evaluateCoco } = await importPackage();
await init();

const STAT_KEYS = ['map', 'map_50', 'map_75', 'map_small', 'map_medium', 'map_large', 'mar_1', 'mar_10', 'mar_100', 'mar_small', 'mar_medium', 'mar_large'];

test('detection cell of the web demo in headless Chromium', { timeout: 300_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-coco-'));
  const browser = await launchChromium(chromium);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  const foreign = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`)) foreign.push(r.url());
  });
  // The cell is settled when its state is ready/error and stays so a moment.
  const settled = settledState(page, 'detection');
  // By the page contract: [data-metric="MeanAveragePrecision"] cells with data-key, per class data-class.
  const shown = async () => {
    const cells = await shownMetrics(page, 'detection');
    assert.ok(cells.every((c) => c.metric === 'MeanAveragePrecision'));
    const names = Object.fromEntries(await page.$$eval('#coco-per-class-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.id, tr.cells[0].textContent])));
    const perClass = cells.filter((c) => c.key === 'map_per_class').map((c) => ({ name: names[c.class], id: Number(c.class), map: c.value,
      mar: cells.find((x) => x.key === 'mar_100_per_class' && x.class === c.class).value }));
    return { summary: Object.fromEntries(cells.filter((c) => c.class === null).map((c) => [c.key, c.value])), perClass };
  };
  const checkAgainstNode = async (gtText, resultsText) => {
    const want = evaluateCoco(gtText, resultsText, { classMetrics: true });
    const got = await shown();
    assert.deepEqual(Object.keys(got.summary), STAT_KEYS, 'the twelve numbers, in pycocotools\' order');
    for (const k of STAT_KEYS) assert.equal(got.summary[k], want[k], `${k}: page shows ${got.summary[k]}, the package in Node gives ${want[k]}`);
    assert.equal(got.perClass.length, want.perClass.length, 'one row per category');
    for (const c of want.perClass) {
      const row = got.perClass.find((x) => x.id === c.id);
      assert.ok(row, `a row for category ${c.id}`);
      assert.deepEqual(row, { name: c.name, id: c.id, map: c.map, mar: c.mar }, `category ${c.name}`);
    }
    const worstFirst = got.perClass.map((c) => c.map);
    assert.deepEqual(worstFirst, [...worstFirst].sort((a, b) => a - b), 'per-class rows worst AP first');
    return want;
  };

  try {
    await page.goto(`${origin}/web/`);
    assert.equal(await settled(), 'empty', 'the detection mode starts empty');

    await t.test('the bundled sample COCO pair: numbers shown == evaluateCoco in Node', async () => {
      await showMode(page, 'detection');
      await page.click('#coco-sample');
      assert.equal(await settled(), 'ready');
      const gt = readFileSync(join(webDir, 'samples/coco-gt.json'), 'utf8');
      const res = readFileSync(join(webDir, 'samples/coco-results.json'), 'utf8');
      const want = await checkAgainstNode(gt, res);
      assert.ok(want.map > 0 && want.map < 1, `a sample with something to show (map ${want.map})`);
      assert.match(await page.$eval('#coco-out p', (p) => p.textContent), new RegExp(`^${want.images} images, ${want.annotations} ground-truth boxes, ${want.detections} detections`));
    });

    await t.test('uploaded files (a different results file): numbers shown == Node', async () => {
      const gt = readFileSync(join(webDir, 'samples/coco-gt.json'), 'utf8');
      const res = JSON.parse(readFileSync(join(webDir, 'samples/coco-results.json'), 'utf8'));
      const fewer = JSON.stringify(res.filter((_, k) => k % 3 !== 0));
      writeFileSync(join(tmp, 'instances_val.json'), gt);
      writeFileSync(join(tmp, 'detections.json'), fewer);
      await page.setInputFiles(input('coco-gt'), join(tmp, 'instances_val.json'));
      await settled();
      await page.setInputFiles(input('coco-dt'), join(tmp, 'detections.json'));
      assert.equal(await settled(), 'ready');
      await checkAgainstNode(gt, fewer);
    });

    await t.test('a results file with an unknown category shows the reader\'s message', async () => {
      const res = JSON.parse(readFileSync(join(webDir, 'samples/coco-results.json'), 'utf8'));
      res[2].category_id = 999;
      writeFileSync(join(tmp, 'bad.json'), JSON.stringify(res));
      await page.setInputFiles(input('coco-dt'), join(tmp, 'bad.json'));
      assert.equal(await settled(), 'error');
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1, 'one error banner');
      assert.equal(alerts[0].link, '#cell-detection');
      assert.match(alerts[0].text, /results\[2\]\.category_id 999 is not a category of the ground truth \(known: 1, 3, 18\)/);
      assert.equal(await page.$$eval('#coco-summary-table', (x) => x.length), 0, 'no stale table next to the error');
      assert.deepEqual(await shownMetrics(page, 'detection'), [], 'no stale number');
      assert.equal(await page.$$eval('[data-mode-panel="detection"] [data-summary] [data-metric]', (x) => x.length), 0, 'summary strip cleared');
    });

    assert.deepEqual(foreign, [], 'no request leaves the page\'s origin');
    assert.deepEqual(pageErrors, [], 'no uncaught error on the page');
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
