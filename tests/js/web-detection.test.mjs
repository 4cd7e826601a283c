// The demo page's Detection mode (web/js/modes/detection.mjs) in headless Chromium, driven by Playwright
// (playwright-core from web/'s devDependencies, Debian's /usr/bin/chromium; no browser is downloaded):
// the bundled COCO pair and uploaded files must show exactly what the npm package's evaluateCoco gives
// in Node on the same files, a broken results file must show the reader's message; the per-category
// precision-recall chart has AP in its legend, exports as PNG, and with more than 10 categories
// shows the 10 with the lowest AP unless the filter says otherwise.
// Skipped only where /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  settledState,
  showMode,
  shownMetrics,
  startDemoServer,
  visibleAlerts,
  webDir,
} from './web-harness.mjs';

const { init, evaluateCoco, COCO_SUMMARY_KEYS: STAT_KEYS } = await importPackage();
await init();

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
    // the twelve numbers and the per-category table (the PR curves' cells ran at one IoU threshold)
    const cells = (await shownMetrics(page, 'detection')).filter((c) => c.options?.iouThresholds === undefined);
    assert.ok(cells.every((c) => c.metric === 'MeanAveragePrecision'));
    const names = Object.fromEntries(
      await page.$$eval('#coco-per-class-table tbody tr', (trs) =>
        trs.map((tr) => [tr.dataset.id, tr.cells[0].textContent]),
      ),
    );
    const perClass = cells
      .filter((c) => c.key === 'map_per_class')
      .map((c) => ({
        name: names[c.class],
        id: Number(c.class),
        map: c.value,
        mar: cells.find((x) => x.key === 'mar_100_per_class' && x.class === c.class).value,
      }));
    return {
      summary: Object.fromEntries(cells.filter((c) => c.class === null).map((c) => [c.key, c.value])),
      perClass,
    };
  };
  const checkAgainstNode = async (gtText, resultsText) => {
    const want = evaluateCoco(gtText, resultsText, { classMetrics: true });
    const got = await shown();
    assert.deepEqual(Object.keys(got.summary), STAT_KEYS, "the twelve numbers, in pycocotools' order");
    for (const k of STAT_KEYS)
      assert.equal(got.summary[k], want[k], `${k}: page shows ${got.summary[k]}, the package in Node gives ${want[k]}`);
    assert.equal(got.perClass.length, want.perClass.length, 'one row per category');
    for (const c of want.perClass) {
      const row = got.perClass.find((x) => x.id === c.id);
      assert.ok(row, `a row for category ${c.id}`);
      assert.deepEqual(row, { name: c.name, id: c.id, map: c.map, mar: c.mar }, `category ${c.name}`);
    }
    const worstFirst = got.perClass.map((c) => c.map);
    assert.deepEqual(
      worstFirst,
      [...worstFirst].sort((a, b) => a - b),
      'per-class rows worst AP first',
    );
    return want;
  };

  try {
    await page.goto(`${origin}/web/`);
    assert.equal(await settled(), 'empty', 'the detection mode starts empty');

    await t.test('the bundled sample COCO pair: numbers shown == evaluateCoco in Node', async () => {
      await showMode(page, 'detection');
      await page.click('[data-mode-panel="detection"] button[data-sample="coco-small"]');
      assert.equal(await settled(), 'ready');
      const gt = readFileSync(join(webDir, 'samples/coco-gt.json'), 'utf8');
      const res = readFileSync(join(webDir, 'samples/coco-results.json'), 'utf8');
      const want = await checkAgainstNode(gt, res);
      assert.ok(want.map > 0 && want.map < 1, `a sample with something to show (map ${want.map})`);
      assert.match(
        await page.$eval('#detection-out p', (p) => p.textContent),
        new RegExp(`^${want.images} images, ${want.annotations} ground-truth boxes, ${want.detections} detections`),
      );
    });

    await t.test(
      'PR curves: one line per category, AP (package, at the IoU chosen) in the legend, PNG export',
      async () => {
        const gt = readFileSync(join(webDir, 'samples/coco-gt.json'), 'utf8');
        const res = readFileSync(join(webDir, 'samples/coco-results.json'), 'utf8');
        for (const iou of ['0.75', '0.5']) {
          await page.selectOption('[data-mode-panel="detection"] [data-option="iou"]', iou);
          assert.equal(await settled(), 'ready');
          const want = evaluateCoco(gt, res, { classMetrics: true, iouThresholds: [Number(iou)] }).perClass.filter(
            (c) => c.map !== -1,
          );
          const legend = await page.evaluate(() =>
            window.Chart.getChart('detection-pr').data.datasets.map((d) => ({ label: d.label, n: d.data.length })),
          );
          assert.deepEqual(
            legend.map((d) => d.label).sort(),
            want.map((c) => `${c.name} (AP ${c.map.toFixed(3)})`).sort(),
            `IoU ${iou}: AP in the legend`,
          );
          assert.ok(
            legend.every((d) => d.n === 101),
            '101 recall points a line',
          );
          const apCells = (await shownMetrics(page, 'detection')).filter(
            (c) => c.options?.iouThresholds?.[0] === Number(iou) && c.key === 'map_per_class',
          );
          assert.deepEqual(
            apCells.map((c) => [Number(c.class), c.value]).sort((a, b) => a[0] - b[0]),
            want.map((c) => [c.id, c.map]).sort((a, b) => a[0] - b[0]),
          );
        }
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.click('[data-mode-panel="detection"] button[data-export="png"][data-plot="detection-pr"]'),
        ]);
        assert.match(download.suggestedFilename(), /^detection-pr-iou-0\.5\.png$/);
        const png = readFileSync(await download.path());
        assert.equal(png.subarray(1, 4).toString(), 'PNG');
        const size = await page.$eval('#detection-pr', (c) => ({ width: c.width, height: c.height }));
        assert.deepEqual(
          { width: png.readUInt32BE(16), height: png.readUInt32BE(20) },
          size,
          "the PNG has the canvas's size",
        );
      },
    );

    await t.test('more than 10 categories: the 10 with the lowest AP by default, the filter shows others', async () => {
      // 12 categories, one image each: category k has k+1 boxes, one missed per category -> AP rises with k
      const categories = Array.from({ length: 12 }, (_, k) => ({ id: k + 1, name: `class-${k + 1}` }));
      const images = categories.map((c) => ({ id: c.id, width: 640, height: 480 }));
      const annotations = [];
      const results = [];
      for (const c of categories)
        for (let j = 0; j <= c.id; j++) {
          const bbox = [10 + 40 * j, 10 + 30 * (j % 3), 30, 25];
          annotations.push({
            id: annotations.length + 1,
            image_id: c.id,
            category_id: c.id,
            bbox,
            area: 750,
            iscrowd: 0,
          });
          if (j > 0) results.push({ image_id: c.id, category_id: c.id, bbox, score: 0.9 - 0.01 * j });
        }
      const gt = JSON.stringify({ images, annotations, categories });
      writeFileSync(join(tmp, 'gt12.json'), gt);
      writeFileSync(join(tmp, 'dt12.json'), JSON.stringify(results));
      await page.setInputFiles(input('coco-gt'), join(tmp, 'gt12.json'));
      await settled();
      await page.setInputFiles(input('coco-dt'), join(tmp, 'dt12.json'));
      assert.equal(await settled(), 'ready');
      const want = evaluateCoco(gt, JSON.stringify(results), { classMetrics: true, iouThresholds: [0.5] }).perClass;
      const worst = [...want]
        .sort((a, b) => a.map - b.map || a.id - b.id)
        .slice(0, 10)
        .map((c) => c.name)
        .sort();
      const lines = async () =>
        (
          await page.evaluate(() =>
            window.Chart.getChart('detection-pr').data.datasets.map((d) => d.label.replace(/ \(AP.*$/, '')),
          )
        ).sort();
      assert.deepEqual(await lines(), worst, 'the 10 with the lowest AP');
      await page.selectOption('#detection-pr-filter', 'all');
      assert.equal((await lines()).length, 12);
      await page.selectOption('#detection-pr-filter', 'id:12');
      assert.deepEqual(await lines(), ['class-12']);
      assert.equal(
        await page.$eval('[data-results="detection"]', (e) => e.dataset.state),
        'ready',
        'the filter redraws, it does not recompute',
      );
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

    await t.test("a results file with an unknown category shows the reader's message", async () => {
      const res = JSON.parse(readFileSync(join(webDir, 'samples/coco-results.json'), 'utf8'));
      res[2].category_id = 999;
      writeFileSync(join(tmp, 'bad.json'), JSON.stringify(res));
      await page.setInputFiles(input('coco-dt'), join(tmp, 'bad.json'));
      assert.equal(await settled(), 'error');
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1, 'one error banner');
      assert.equal(alerts[0].link, '#cell-detection-input');
      assert.match(
        alerts[0].text,
        /results\[2\]\.category_id 999 is not a category of the ground truth \(known: 1, 3, 18\)/,
      );
      assert.equal(await page.$$eval('#coco-summary-table', (x) => x.length), 0, 'no stale table next to the error');
      assert.deepEqual(await shownMetrics(page, 'detection'), [], 'no stale number');
      assert.equal(
        await page.$$eval('[data-mode-panel="detection"] [data-summary] [data-metric]', (x) => x.length),
        0,
        'summary strip cleared',
      );
    });

    assert.deepEqual(foreign, [], "no request leaves the page's origin");
    assert.deepEqual(pageErrors, [], 'no uncaught error on the page');
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
