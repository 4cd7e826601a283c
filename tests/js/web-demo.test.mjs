// The demo page (web/) in headless Chromium, driven by Playwright (playwright-core from web/'s
// devDependencies, Debian's /usr/bin/chromium; no browser is downloaded). The page is served by
// web/serve.mjs on 127.0.0.1; every number shown is checked against the npm package computed here
// in Node on the same data. Skipped only where /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { distMjsUrl, importPackage, repoRoot } from './helpers.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  readCsv,
  settledState,
  shownMetrics,
  stack,
  startDemoServer,
  visibleAlerts,
  webDir,
  writeSyntheticCsv,
  openedState,
} from './web-harness.mjs';

const { init, createMetric } = await importPackage();
await init();

/** A metric's compute() over one batch, as plain data (number, [..], nested arrays, objects). */
function nodeValue(name, options, preds, target) {
  const m = createMetric(name, options);
  try {
    m.update(preds, target);
    const v = m.compute();
    return plain(v);
  } finally {
    m.dispose();
  }
}
function plain(v) {
  if (typeof v === 'number') return v;
  if (v && v.shape) return Array.from(v.data);
  if (Array.isArray(v)) return v.map(plain);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}
function close(a, b, what) {
  if (Number.isNaN(a) && Number.isNaN(b)) return;
  assert.ok(
    Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)),
    `${what}: page shows ${a}, the package in Node gives ${b}`,
  );
}

test('web demo in headless Chromium', { timeout: 600_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const {
    server,
    origin,
    serve: { resolvePath },
  } = await startDemoServer();

  await t.test('the server refuses paths outside the repository and serves wasm as application/wasm', async () => {
    assert.equal(resolvePath(repoRoot, '/../etc/passwd'), null);
    assert.equal(resolvePath(repoRoot, '/%2e%2e/%2e%2e/etc/passwd'), null);
    assert.equal(resolvePath(repoRoot, '/.git/config'), null);
    assert.equal(resolvePath(repoRoot, '/web/%00index.html'), null);
    assert.ok(resolvePath(repoRoot, '/web/index.html'));
  });

  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-'));
  const browser = await launchChromium(chromium);
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const foreign = [];
  const dialogs = [];
  const pageErrors = [];
  page.on('request', (r) => {
    // blob: URLs made by the page (downloads) carry the page's origin: blob:http://127.0.0.1:PORT/uuid
    if (!r.url().startsWith(origin + '/') && !r.url().startsWith(`blob:${origin}/`)) foreign.push(r.url());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const settled = settledState(page);
  // The metrics table's values, by the page contract: [data-metric] with data-options, not per class.
  const shown = async () => {
    const errors = await page.$$eval('#metrics-table tbody tr', (rows) =>
      rows.map((r) => r.querySelector('.error-cell')?.textContent).filter(Boolean),
    );
    assert.deepEqual(errors, [], 'no metric failed on the page');
    return (await shownMetrics(page))
      .filter((m) => m.table === 'metrics-table' && m.options && m.class === null)
      .map((m) => ({ name: m.metric, options: m.options, value: m.value }));
  };
  const checkMetrics = async (preds, target, predsFor = () => preds) => {
    const rows = await shown();
    assert.ok(rows.length >= 3, 'at least three metrics shown');
    for (const r of rows) {
      const want = nodeValue(r.name, r.options, predsFor(r), target);
      if (typeof want === 'number') close(r.value, want, r.name);
      else assert.deepEqual(JSON.stringify(r.value), JSON.stringify(want), r.name);
    }
    return rows;
  };

  try {
    await t.test('opens on the bundled multiclass sample; numbers equal the package in Node; plots drawn', async () => {
      await page.goto(origin + '/web/');
      assert.equal(await openedState(page), 'ready');
      const csv = readCsv(join(webDir, 'samples/animals.csv'));
      const classes = ['cat', 'dog', 'bird', 'fish'];
      const preds = stack(classes.map(csv.col));
      const target = Float64Array.from(csv.col('label'), (s) => classes.indexOf(s));
      assert.equal(await page.$eval('#task', (s) => s.value), 'multiclass');
      const rows = await checkMetrics(preds, target);
      assert.ok(rows.some((r) => r.name === 'MulticlassAccuracy'));
      // per-class table: class names from the header, values from the package
      assert.deepEqual(
        await page.$$eval('#per-class-table tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent)),
        classes,
      );
      const all = await shownMetrics(page);
      for (const name of ['MulticlassPrecision', 'MulticlassRecall', 'MulticlassF1Score']) {
        const want = nodeValue(name, { numClasses: 4, average: 'none' }, preds, target);
        const got = all.filter((m) => m.metric === name && m.class !== null);
        assert.deepEqual(
          got.map((m) => m.class),
          ['0', '1', '2', '3'],
          name,
        );
        got.forEach((m, k) => close(m.value, want[k], `${name} of ${classes[k]}`));
        for (const average of ['macro', 'weighted', 'micro']) {
          close(
            all.find((m) => m.metric === name && m.average === average).value,
            nodeValue(name, { numClasses: 4, average }, preds, target),
            `${name} ${average}`,
          );
        }
      }
      // worst samples: the lowest probability of the true class first
      const worstId = await page.$eval('#worst-table tbody tr td', (td) => td.textContent);
      const p = (i) => preds.data[i * 4 + target[i]];
      const worst = [...target.keys()].sort((a, b) => p(a) - p(b))[0];
      assert.equal(worstId, csv.col('id')[worst]);
      // plots: the heatmap and the bar chart have coloured pixels
      for (const id of ['plot-confusion', 'plot-per-class']) {
        const inked = await page.$eval(`#${id}`, (c) => {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4)
            if (d[i + 3] > 0 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240)) n++;
          return n;
        });
        assert.ok(inked > 2000, `${id} is blank (${inked} inked pixels)`);
      }
      await page.screenshot({ path: join(tmp, 'animals.png'), fullPage: true });
    });

    await t.test(
      'export: JSON and CSV equal what is shown, PNG is a PNG, and the code snippet reproduces the numbers in Node',
      async () => {
        const rows = await shown();
        const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
        const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
        assert.equal(doc.task, 'multiclass');
        for (const r of rows)
          close(doc.metrics.find((m) => m.name === r.name).value, r.value, `${r.name} in the JSON export`);
        const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
        const text = readFileSync(await csv.path(), 'utf8');
        // Every field quoted (OWASP CSV injection; tests/js/web-safety.test.mjs)
        assert.match(text, /^"section","name","key","value"\n/);
        assert.match(text, /"per_class","cat","precision",/);
        const [png] = await Promise.all([
          page.waitForEvent('download'),
          page.click('button[data-png="plot-confusion"]'),
        ]);
        assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
        // copy as code: run the snippet with the package and the sample file
        const code = await page.$eval('#code code', (c) => c.textContent);
        const dir = mkdtempSync(join(tmp, 'snippet-'));
        copyFileSync(join(webDir, 'samples/animals.csv'), join(dir, 'animals.csv'));
        writeFileSync(
          join(dir, 'evaluate.mjs'),
          code.replace("from 'wasmetrics'", `from ${JSON.stringify(distMjsUrl)}`),
        );
        const out = execFileSync(process.execPath, ['evaluate.mjs'], { cwd: dir, encoding: 'utf8' });
        for (const r of rows) {
          const line = out.split('\n').find((l) => l.startsWith(r.name + ' '));
          assert.ok(line, `the snippet prints ${r.name}`);
          close(Number(line.slice(r.name.length + 1)), r.value, `${r.name} from the snippet`);
        }
      },
    );

    await t.test('two uploaded files (predictions + targets) give a regression; numbers equal Node', async () => {
      const csv = readCsv(join(repoRoot, 'examples/data/house_prices.csv'));
      writeFileSync(
        join(tmp, 'preds.csv'),
        'id,predicted_price\n' +
          csv
            .col('id')
            .map((id, i) => `${id},${csv.col('predicted_price')[i]}`)
            .join('\n') +
          '\n',
      );
      writeFileSync(join(tmp, 'targets.csv'), 'price\n' + csv.col('true_price').join('\n') + '\n');
      await page.setInputFiles(input('predictions'), join(tmp, 'preds.csv'));
      await settled();
      await page.setInputFiles(input('targets'), join(tmp, 'targets.csv'));
      assert.equal(await settled(), 'ready');
      assert.equal(await page.$eval('#task', (s) => s.value), 'regression');
      const rows = await checkMetrics(
        Float64Array.from(csv.col('predicted_price'), Number),
        Float64Array.from(csv.col('true_price'), Number),
      );
      assert.ok(rows.some((r) => r.name === 'R2Score'));
      assert.ok(await page.$('#plot-scatter'), 'a scatter plot for regression');
      await page.click('#clear-target');
      await settled();
    });

    await t.test('multilabel sample: per-label thresholds feed the metrics', async () => {
      await page.click('button[data-sample="tags"]');
      assert.equal(await settled(), 'ready');
      assert.equal(await page.$eval('#task', (s) => s.value), 'multilabel');
      const tags = ['outdoor', 'people', 'animal', 'vehicle'];
      const csv = readCsv(join(webDir, 'samples/tags.csv'));
      const preds = stack(tags.map((g) => csv.col('p_' + g)));
      const target = stack(tags.map((g) => csv.col(g + '_true')));
      const thresholds = [0.5, 0.3, 0.5, 0.7];
      await page.fill('input[aria-label="threshold of people"]', '0.3');
      await page.dispatchEvent('input[aria-label="threshold of people"]', 'change');
      await settled();
      await page.fill('input[aria-label="threshold of vehicle"]', '0.7');
      await page.dispatchEvent('input[aria-label="threshold of vehicle"]', 'change');
      assert.equal(await settled(), 'ready');
      const rows = await checkMetrics(preds, target); // each row's options carry what it ran with
      const thresholded = rows.filter((r) => Array.isArray(r.options.threshold));
      assert.ok(thresholded.length >= 2, 'the thresholded multilabel metrics get the per-label threshold array');
      for (const r of thresholded) assert.deepEqual(r.options.threshold, thresholds, r.name);
    });

    await t.test(
      'multilabel: "Fill with the best thresholds" puts the package\'s bestThresholds() in the editor',
      async () => {
        const tags = ['outdoor', 'people', 'animal', 'vehicle'];
        const csv = readCsv(join(webDir, 'samples/tags.csv'));
        const preds = stack(tags.map((g) => csv.col('p_' + g)));
        const target = stack(tags.map((g) => csv.col(g + '_true')));
        for (const criterion of ['f1', 'youden']) {
          await page.selectOption('#best-criterion', criterion);
          await page.click('#best-thresholds');
          assert.equal(await settled(), 'ready');
          const curve = createMetric('MultilabelPrecisionRecallCurve', { numLabels: 4 });
          curve.update(preds, target);
          const want = Array.from(curve.bestThresholds({ criterion }).threshold.data);
          curve.dispose();
          const got = await page.$$eval('#label-thresholds input', (inputs) => inputs.map((i) => Number(i.value)));
          assert.deepEqual(got, want, criterion);
          const rows = await checkMetrics(preds, target);
          assert.deepEqual(rows.find((r) => r.name === 'MultilabelF1Score')?.options.threshold ?? want, want);
        }
      },
    );

    await t.test('a corrupt file shows an error and the page keeps working', async () => {
      writeFileSync(join(tmp, 'broken.npy'), Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 200, 0, 1, 2]));
      await page.setInputFiles(input('predictions'), join(tmp, 'broken.npy'));
      assert.equal(await settled(), 'error');
      const [alert] = await visibleAlerts(page);
      assert.match(alert.text, /broken\.npy: .*(truncated|header)/);
      assert.equal(alert.link, '#cell-data');
      writeFileSync(join(tmp, 'ragged.csv'), 'score,label\n0.1,0\n0.2\n');
      await page.setInputFiles(input('predictions'), join(tmp, 'ragged.csv'));
      assert.equal(await settled(), 'error');
      assert.match(
        await page.$eval('#cell-data .error', (e) => e.textContent),
        /line 3 has 1 field but the header has 2/,
      );
      await page.click('button[data-sample="spam"]');
      assert.equal(await settled(), 'ready');
      assert.equal(await page.$eval('#task', (s) => s.value), 'binary');
      const csv = readCsv(join(webDir, 'samples/spam.csv'));
      await checkMetrics(Float64Array.from(csv.col('score'), Number), Float64Array.from(csv.col('label'), Number));
    });

    await t.test('file names and CSV headers are text, never HTML', async () => {
      const evil = '<img src=x onerror=alert(1)>.csv';
      writeFileSync(join(tmp, evil), '<img src=x onerror=alert(2)>,label\n0.9,1\n0.2,0\n0.7,0\n0.4,1\n');
      await page.setInputFiles(input('predictions'), join(tmp, evil));
      await settled();
      await page.waitForTimeout(300);
      assert.deepEqual(dialogs, []);
      assert.equal(await page.$$eval('main img', (imgs) => imgs.length), 0);
      assert.match(await page.$eval('#name-pred', (e) => e.textContent), /^<img src=x onerror=alert\(1\)>\.csv/);
      assert.ok(
        (await page.$$eval('#data-out .colname', (tds) => tds.map((td) => td.textContent))).includes(
          '<img src=x onerror=alert(2)>',
        ),
      );
    });

    await t.test('a large CSV parses in a worker with progress and gives every row', async () => {
      // No wall-clock bound here (tests must not depend on the machine's speed): the progress bar
      // shows partial values, and web-demo-features.test.mjs checks frames keep coming between chunks.
      const mbWanted = Number(process.env.WASMETRICS_WEB_BIG_MB ?? 40);
      const file = join(tmp, 'big.csv');
      const rowsWanted = Math.ceil((mbWanted * 2 ** 20) / 30);
      await writeSyntheticCsv(file, rowsWanted);
      await page.evaluate(() => {
        const bar = document.querySelector('#parse-progress');
        window.__partial = false;
        new MutationObserver(() => {
          const v = bar.querySelector('progress').value;
          if (!bar.hidden && v > 0 && v < 1) window.__partial = true;
        }).observe(bar, { attributes: true, subtree: true });
      });
      await page.setInputFiles(input('predictions'), file);
      assert.equal(await settled(), 'ready');
      assert.ok(await page.evaluate(() => window.__partial), 'the progress bar showed a partial value');
      assert.match(
        await page.$eval('#results-out .muted', (p) => p.textContent),
        new RegExp(`^${rowsWanted.toLocaleString('en-US')} samples`),
      );
    });

    await t.test("no request left the page's origin, no page error", async () => {
      assert.deepEqual(foreign, []);
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
