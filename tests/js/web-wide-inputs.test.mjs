// Issue 16, item 9, in the page: small files with absurd shapes froze the main thread for minutes
// (a 0.2 MB CSV of 20,000 columns: 115 s; a 128-byte .npy of shape (0, 100000)), and a 1,000-class
// score table never finished drawing (a Chart.js element per confusion-matrix cell, a line per
// class). Checked structurally, never by timing: the refusals come from the parse worker before
// the role table exists, and a wide result draws bounded charts (web/js/lib/limits.mjs,
// web/js/plots-more.mjs). Skipped only where /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  chromiumOrSkip,
  input,
  launchChromium,
  settledState,
  showMode,
  startDemoServer,
  visibleAlerts,
  openedState,
} from './web-harness.mjs';

const { writeNpy } = await import(new URL('../../web/js/lib/npy.mjs', import.meta.url).href);
const { MAX_COLUMNS } = await import(new URL('../../web/js/lib/limits.mjs', import.meta.url).href);
const { MAX_BAR_CLASSES, MAX_CURVES } = { MAX_BAR_CLASSES: 30, MAX_CURVES: 10 }; // plots-more.mjs needs window.Chart; its values are checked below

function scoreTable(classes, rows) {
  const header = [...Array.from({ length: classes }, (_, k) => `p_${k}`), 'label'].join(',');
  const lines = Array.from({ length: rows }, (_, i) => {
    const label = (i * 7) % classes;
    const predicted = i % 3 === 0 ? (label + 1) % classes : label;
    return [
      ...Array.from({ length: classes }, (_, k) => (k === predicted ? 0.9 : 0.1 / (classes - 1)).toFixed(6)),
      label,
    ].join(',');
  });
  return `${header}\n${lines.join('\n')}\n`;
}

test('issue 16 item 9: wide and empty inputs in the page', { timeout: 600_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-wide-'));
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/web/`);
    const settled = settledState(page, 'classification');
    await openedState(page);
    const load = async (name, content) => {
      const f = join(tmp, name);
      writeFileSync(f, content);
      await page.setInputFiles(input('predictions'), f);
      return settled();
    };
    assert.equal(
      await page
        .evaluate(() => import('./js/plots-more.mjs').then((m) => [m.MAX_BAR_CLASSES, m.MAX_CURVES]))
        .then(String),
      String([MAX_BAR_CLASSES, MAX_CURVES]),
    );

    await t.test('a CSV wider than the page takes is refused by the parse worker, naming the width', async () => {
      const cols = MAX_COLUMNS * 10;
      const row = Array.from({ length: cols }, (_, k) => (k % 10) / 10).join(',');
      assert.equal(
        await load('wide.csv', `${Array.from({ length: cols }, (_, k) => `c${k}`).join(',')}\n${row}\n${row}\n`),
        'error',
      );
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1);
      assert.match(
        alerts[0].text,
        new RegExp(
          `wide\\.csv: the file has ${cols.toLocaleString('en-US')} columns: the page takes at most ${MAX_COLUMNS.toLocaleString('en-US')}`,
        ),
      );
      assert.equal(
        await page.$$eval('#data-out select[data-column]', (s) => s.length),
        0,
        'no role row was built for the refused file',
      );
    });

    await t.test('a .npy of shape (0, 100000) is refused: no samples', async () => {
      assert.equal(await load('empty.npy', writeNpy(new Float32Array(0), [0, 100000])), 'error');
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0].text, /empty\.npy: the file has shape \(0, 100000\): no samples/);
    });

    await t.test('a .npy of shape (2, 30000) is refused for its width', async () => {
      assert.equal(await load('wide.npy', writeNpy(new Float32Array(60000), [2, 30000])), 'error');
      assert.match((await visibleAlerts(page))[0].text, /wide\.npy: the file has 30,000 columns/);
    });

    await t.test(
      '1,000 classes: bounded role table, confusion matrix as an image, the worst classes charted',
      async () => {
        const classes = 1000;
        const state = await load('imagenet.csv', scoreTable(classes, 2000));
        assert.equal(state, 'ready', JSON.stringify(await visibleAlerts(page)));
        assert.equal(await page.$$eval('#data-out select[data-column]', (s) => s.length), 40, 'the first 40 role rows');
        await page.click('#more-columns');
        assert.equal(
          await page.$$eval('#data-out select[data-column]', (s) => s.length),
          classes + 1,
          'all role rows on request',
        );
        assert.ok(
          await page.$eval(
            '#plot-confusion',
            (c) => c.classList.contains('matrix-image') && c.width === 1000 && c.height === 1000,
          ),
        );
        const charts = await page.evaluate(() =>
          Object.fromEntries(
            [...document.querySelectorAll('#plots-out canvas')]
              .map((c) => [c.id, window.Chart.getChart(c)])
              .filter(([, chart]) => chart)
              .map(([id, chart]) => [
                id,
                { labels: chart.data.labels?.length ?? null, datasets: chart.data.datasets.length },
              ]),
          ),
        );
        assert.equal(charts['plot-per-class'].labels, MAX_BAR_CLASSES);
        assert.match(
          await page.$eval('[data-plot="plot-per-class"] h3', (h) => h.textContent),
          /the 30 classes with the lowest F1 of 1,000/,
        );
        for (const id of ['plot-roc', 'plot-pr'].filter((k) => charts[k])) {
          assert.ok(charts[id].datasets <= 2 * MAX_CURVES, `${id}: ${charts[id].datasets} datasets`);
        }
        assert.ok(charts['plot-roc'] || charts['plot-pr'], 'a curve chart is drawn');
      },
    );
    await t.test('Agreement with a crowd of annotators: no R × R pair table, the mean still shown', async () => {
      await showMode(page, 'agreement');
      const raters = 60;
      const rows = Array.from({ length: 30 }, (_, i) =>
        [
          `item${i}`,
          ...Array.from({ length: raters }, (_, k) => ['cat', 'dog', 'bird'][(i + (k % 7 === 0 ? 1 : 0)) % 3]),
        ].join(','),
      );
      const f = join(tmp, 'crowd.csv');
      writeFileSync(f, `item,${Array.from({ length: raters }, (_, k) => `ann${k}`).join(',')}\n${rows.join('\n')}\n`);
      await page.setInputFiles(input('ratings'), f);
      assert.equal(await settledState(page, 'agreement')(), 'ready', JSON.stringify(await visibleAlerts(page)));
      assert.equal(await page.$$eval('#agreement-pairs', (x) => x.length), 0);
      assert.match(
        await page.$eval('[data-results="agreement"] [data-note="pairs-not-drawn"]', (p) => p.textContent),
        /60 annotators: the pair table is drawn for at most 40/,
      );
      assert.equal(
        await page.$$eval(
          '[data-results="agreement"] [data-metric="CohenKappaMatrix"][data-key="meanPairwise"]',
          (x) => x.length,
        ),
        1,
      );
    });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
