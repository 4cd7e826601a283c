// Issue 15's defects of the demo page (web/), each as a browser test that fails on the page as it
// was: Playwright over Debian's /usr/bin/chromium (tests/js/web-harness.mjs), against the page
// contract of web/README.md ([data-mode], [data-input], [data-metric] + [data-value],
// [data-results][data-state], one role="alert" banner). Expected numbers come from the npm
// package in Node on the same data. Skipped only where /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { distMjsUrl, importPackage } from './helpers.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  settledState,
  showMode,
  shownMetrics,
  startDemoServer,
  visibleAlerts,
  openedState,
} from './web-harness.mjs';

const { init, createMetric } = await importPackage();
await init();
const { writeNpy } = await import(new URL('../../web/js/lib/npy.mjs', import.meta.url).href);

function nodeValue(name, options, preds, target) {
  const m = createMetric(name, options);
  try {
    m.update(preds, target);
    const v = m.compute();
    return typeof v === 'number' ? v : Array.from(v.data);
  } finally {
    m.dispose();
  }
}
function close(a, b, what) {
  if (Number.isNaN(a) && Number.isNaN(b)) return;
  assert.ok(
    Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)),
    `${what}: page shows ${a}, the package in Node gives ${b}`,
  );
}

// A deterministic 10-class problem, n rows, with a model right on ~96% of them.
function tenClasses(n = 200) {
  const probs = [],
    labels = [];
  for (let i = 0; i < n; i++) {
    const label = (i * 7) % 10;
    const predicted = i % 25 === 3 ? (label + 3) % 10 : label;
    const row = Array.from({ length: 10 }, (_, k) => (k === predicted ? 0.82 : 0.02));
    probs.push(row);
    labels.push(label);
  }
  return {
    probs,
    labels,
    preds: { data: Float64Array.from(probs.flat()), shape: [n, 10] },
    target: Float64Array.from(labels),
  };
}

test("issue 15: the demo page's defects, in headless Chromium", { timeout: 600_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-defects-'));
  const browser = await launchChromium(chromium);
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const settled = settledState(page, 'classification');
  const file = (name, content) => {
    const f = join(tmp, name);
    writeFileSync(f, content);
    return f;
  };
  const load = async (pred, target = null) => {
    if (target === null) await page.click('#clear-target');
    await page.setInputFiles(input('predictions'), pred);
    if (target !== null) {
      await settled();
      await page.setInputFiles(input('targets'), target);
    }
    return settled();
  };
  const metric = async (name) =>
    (await shownMetrics(page)).find((m) => m.metric === name && m.class === null && m.average === null);
  const roles = () =>
    page.$$eval('#data-out select[data-column]', (ss) =>
      Object.fromEntries(ss.map((s) => [s.closest('tr').querySelector('.colname').textContent, s.value])),
    );
  /** After a failure: nothing stale is left and one banner names the failing cell. */
  const assertInvalidated = async (cellId, message) => {
    assert.equal(await page.$eval('[data-results="classification"]', (e) => e.dataset.state), 'error');
    assert.deepEqual(await shownMetrics(page), [], 'no result of the previous data is left');
    assert.equal(
      await page.$$eval('[data-mode-panel="classification"] [data-summary] [data-metric]', (e) => e.length),
      0,
      'summary strip cleared',
    );
    assert.equal(await page.$$eval('#plots-out canvas', (e) => e.length), 0, 'plots cleared');
    assert.equal(await page.$eval('#code code', (e) => e.textContent), '', 'code cleared');
    for (const id of ['export-json', 'export-csv', 'copy-code'])
      assert.equal(await page.$eval(`#${id}`, (b) => b.disabled), true, `${id} disabled`);
    assert.equal(await page.$$eval('#export-png button', (e) => e.length), 0, 'no PNG export left');
    const alerts = await visibleAlerts(page);
    assert.equal(alerts.length, 1, `one error banner: ${JSON.stringify(alerts)}`);
    assert.equal(alerts[0].link, `#${cellId}`);
    assert.match(alerts[0].text, message);
  };

  try {
    await page.goto(origin + '/web/');
    assert.equal(await openedState(page), 'ready');

    await t.test(
      '1. pandas to_csv(): the unnamed index column is a sample id; a header 0..C-1 is a header',
      async () => {
        const { probs, labels, preds, target } = tenClasses();
        // pd.DataFrame({p_0..p_9, label}).to_csv(): an unnamed index column 0..n-1 first
        const head = ',' + probs[0].map((_, k) => `p_${k}`).join(',') + ',label\n';
        await load(
          file('pandas-index.csv', head + probs.map((r, i) => `${i},${r.join(',')},${labels[i]}`).join('\n') + '\n'),
        );
        assert.equal((await roles())['column 1'], 'id');
        const acc = await metric('MulticlassAccuracy');
        assert.equal(acc.options.numClasses, 10);
        close(acc.value, nodeValue('MulticlassAccuracy', acc.options, preds, target), 'MulticlassAccuracy');
        assert.ok(acc.value > 0.9, `a 96% accurate model, page shows ${acc.value}`);
        // pd.DataFrame(proba).to_csv(index=False) + a targets file
        const proba = file(
          'proba.csv',
          probs[0].map((_, k) => k).join(',') + '\n' + probs.map((r) => r.join(',')).join('\n') + '\n',
        );
        assert.equal(await load(proba, file('labels.csv', 'label\n' + labels.join('\n') + '\n')), 'ready');
        const acc2 = await metric('MulticlassAccuracy');
        assert.equal(acc2.options.numClasses, 10);
        close(
          acc2.value,
          nodeValue('MulticlassAccuracy', acc2.options, preds, target),
          'MulticlassAccuracy (header 0..9)',
        );
        assert.match(await page.$eval('#results-out .muted', (e) => e.textContent), /^200 samples/);
      },
    );

    await t.test(
      '2. a failing file clears results, plots and exports; one banner links to the failing cell',
      async () => {
        const cases = [
          [
            'no prediction column',
            [file('only-label.csv', 'id,label\na,0\nb,1\nc,0\n')],
            'cell-task',
            /no prediction column/,
          ],
          [
            'truncated .npy',
            [file('cut.npy', writeNpy(new Float64Array([0.1, 0.9, 0.4]), [3]).subarray(0, 140))],
            'cell-data',
            /cut\.npy: .*truncated/,
          ],
          ['NaN label', [file('nan-label.csv', 'score,label\n0.9,1\n0.2,nan\n0.7,0\n')], 'cell-data', /line 3: nan/],
          [
            'length mismatch',
            [file('five.csv', 'score\n0.1\n0.9\n0.3\n0.8\n0.6\n'), file('four.csv', 'label\n0\n1\n0\n1\n')],
            'cell-task',
            /has 4 rows but .* has 5/,
          ],
        ];
        for (const [what, files, cellId, message] of cases) {
          await page.click('button[data-sample="spam"]');
          assert.equal(await settled(), 'ready', what);
          assert.ok((await shownMetrics(page)).length > 3);
          assert.equal(await page.$eval('#export-json', (b) => b.disabled), false);
          assert.equal(await load(...files), 'error', what);
          await assertInvalidated(cellId, message);
        }
      },
    );

    await t.test(
      "3. one threshold rule (score > threshold, the package's) in the metrics, the per-class table and the confusion matrix",
      async () => {
        const scores = [0.5, 0.5, 0.75, 0.25, 0.5, 0.9, 0.5, 0.1];
        const labels = [1, 0, 1, 0, 1, 0, 1, 0];
        assert.equal(
          await load(
            file('on-threshold.csv', 'score,label\n' + scores.map((s, i) => `${s},${labels[i]}`).join('\n') + '\n'),
          ),
          'ready',
        );
        const preds = Float64Array.from(scores),
          target = Float64Array.from(labels);
        const shown = await shownMetrics(page);
        const recall = shown.find((m) => m.metric === 'BinaryRecall');
        assert.equal(recall.options.threshold, 0.5);
        close(recall.value, nodeValue('BinaryRecall', { threshold: 0.5 }, preds, target), 'BinaryRecall');
        const perClass = shown.find((m) => m.metric === 'MulticlassRecall' && m.class === '1');
        close(perClass.value, recall.value, 'recall of the positive class in the per-class table');
        const precision = shown.find((m) => m.metric === 'MulticlassPrecision' && m.class === '1');
        close(
          precision.value,
          nodeValue('BinaryPrecision', { threshold: 0.5 }, preds, target),
          'precision of the positive class',
        );
        const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
        const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
        assert.deepEqual(
          doc.confusionMatrix.data,
          nodeValue('BinaryConfusionMatrix', { threshold: 0.5 }, preds, target),
        );
        // worst samples: a positive scored exactly 0.5 is a miss at threshold 0.5
        // worst samples: the misses at score > 0.5 (positives scored exactly 0.5 among them) come first
        const worst = await page.$$eval('#worst-table tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
        assert.deepEqual(worst.slice(0, 4).sort(), ['0', '4', '5', '6'], `worst: ${worst}`);
      },
    );

    await t.test('4. sklearn names: y_true is the target; y_score, y_pred, y_prob, y_hat are predictions', async () => {
      const cases = [
        ['y_true,y_score', (i) => `${i % 2},${((i * 37) % 100) / 100}`, 'binary'],
        ['y_true,y_pred', (i) => `${i % 3},${(i * 5) % 3}`, 'multiclass'],
        ['y_prob,y_true', (i) => `${((i * 37) % 100) / 100},${i % 2}`, 'binary'],
        ['y_hat,y_true', (i) => `${(i * 7) % 2},${i % 2}`, 'binary'],
      ];
      for (const [header, row, task] of cases) {
        const rows = Array.from({ length: 30 }, (_, i) => row(i));
        assert.equal(
          await load(file(`${header.replace(',', '-')}.csv`, `${header}\n${rows.join('\n')}\n`)),
          'ready',
          header,
        );
        const [a, b] = header.split(',');
        const r = await roles();
        assert.equal(r.y_true, 'target', header);
        assert.equal(r[a === 'y_true' ? b : a], 'pred', header);
        assert.equal(await page.$eval('#task', (s) => s.value), task, header);
        const j = header.split(',').indexOf('y_true');
        const target = Float64Array.from(rows, (l) => Number(l.split(',')[j]));
        const preds = Float64Array.from(rows, (l) => Number(l.split(',')[1 - j]));
        const name = task === 'binary' ? 'BinaryAccuracy' : 'MulticlassAccuracy';
        const m = await metric(name);
        close(m.value, nodeValue(name, m.options, preds, target), `${name} for ${header}`);
      }
    });

    await t.test('5. bad cells are listed by line and column before anything is computed; data warnings', async () => {
      // one text cell in a score column: not silently "ignore"
      assert.equal(await load(file('one-text.csv', 'score,label\n0.9,1\n0.2,0\noops,1\n0.4,0\n')), 'error');
      await assertInvalidated(
        'cell-data',
        /column "score" \(one-text\.csv\): 1 bad cell: line 4: "oops" is not a number/,
      );
      assert.equal(await page.$eval('#data-out select[data-column="0"]', (s) => s.value), 'pred');
      // empty cells in both columns, listed together
      assert.equal(await load(file('empty.csv', 'score,label\n0.9,1\n,0\n0.4,\n')), 'error');
      const text = await page.$eval('#cell-data .error', (e) => e.textContent);
      assert.match(text, /column "score" \(empty\.csv\): 1 bad cell: line 3: empty/);
      assert.match(text, /column "label" \(empty\.csv\): 1 bad cell: line 4: empty/);
      // 1-based labels with four score columns: a warning in the Data cell and one error, not one per metric
      const rows = Array.from(
        { length: 12 },
        (_, i) => [0, 1, 2, 3].map((k) => (k === i % 4 ? 0.7 : 0.1)).join(',') + `,${(i % 4) + 1}`,
      );
      assert.equal(await load(file('one-based.csv', 'p_a,p_b,p_c,p_d,label\n' + rows.join('\n') + '\n')), 'error');
      assert.match(await page.$eval('#data-warnings', (e) => e.textContent), /look 1-based/);
      await assertInvalidated(
        'cell-task',
        /target labels run 1\.\.4 but 4 score columns mean classes 0\.\.3 \(they look 1-based/,
      );
      assert.equal(await page.$$eval('.error-cell', (e) => e.length), 0, 'no per-metric copies of the message');
      // probability rows not summing to 1, and a score column that looks like ids: warnings, results still shown
      const rows2 = Array.from(
        { length: 12 },
        (_, i) => `${100 + i * 3},${[0.6, 0.3, 0.3].map((v, k) => (k === i % 3 ? v : 0.2)).join(',')},${i % 3}`,
      );
      assert.equal(await load(file('warn.csv', 'sample_no,p_a,p_b,p_c,label\n' + rows2.join('\n') + '\n')), 'ready');
      const warnings = await page.$eval('#data-warnings', (e) => e.textContent);
      assert.match(
        warnings,
        /column "sample_no" \(warn\.csv\) holds distinct integers 100\.\.133 beside probability columns: it looks like a sample id/,
      );
      await page.selectOption('#data-out select[data-column="0"]', 'id');
      assert.equal(await settled(), 'ready');
      assert.match(
        await page.$eval('#data-warnings', (e) => e.textContent),
        /8 of 12 rows of the 3 score columns do not sum to 1 \(line 3 sums to 0\.7\)/,
      );
    });

    await t.test('6. "Copy as code" reproduces the page\'s numbers for CSV, TSV, JSON and .npy inputs', async () => {
      const { probs, labels, preds, target } = tenClasses(60);
      const dir = join(tmp, 'snippets');
      mkdirSync(dir);
      const inputs = {
        'records.json': JSON.stringify(
          probs.map((r, i) => ({ ...Object.fromEntries(r.map((v, k) => [`p_${k}`, v])), label: labels[i] })),
        ),
        'columns.json': JSON.stringify({
          ...Object.fromEntries(probs[0].map((_, k) => [`p_${k}`, probs.map((r) => r[k])])),
          label: labels,
        }),
        'nested.json': JSON.stringify(probs),
        'nested-labels.json': JSON.stringify(labels),
        'probs.npy': writeNpy(Float32Array.from(probs.flat()), [60, 10]),
        'labels.npy': writeNpy(BigInt64Array.from(labels.map(BigInt)), [60]),
        'labels.csv': 'label\n' + labels.join('\n') + '\n',
        'scores.tsv':
          probs[0].map((_, k) => `"p ${k}"`).join('\t') +
          '\tlabel\n' +
          probs.map((r, i) => `${r.join('\t')}\t${labels[i]}`).join('\n') +
          '\n',
      };
      for (const [name, content] of Object.entries(inputs)) writeFileSync(join(dir, name), content);
      const f32 = { data: Float64Array.from(Float32Array.from(probs.flat())), shape: [60, 10] };
      for (const [pred, targetFile, p] of [
        ['records.json', null, preds],
        ['columns.json', null, preds],
        ['nested.json', 'nested-labels.json', preds],
        ['probs.npy', 'labels.npy', f32],
        ['probs.npy', 'labels.csv', f32],
        ['scores.tsv', null, preds],
      ]) {
        assert.equal(await load(join(dir, pred), targetFile && join(dir, targetFile)), 'ready', pred);
        const shown = (await shownMetrics(page)).filter(
          (m) => m.table === 'metrics-table' && m.options && m.class === null,
        );
        assert.ok(shown.length >= 3);
        for (const m of shown) close(m.value, nodeValue(m.metric, m.options, p, target), `${m.metric} on ${pred}`);
        const code = await page.$eval('#code code', (c) => c.textContent);
        writeFileSync(
          join(dir, 'evaluate.mjs'),
          code.replace("from 'wasmetrics'", `from ${JSON.stringify(distMjsUrl)}`),
        );
        const out = execFileSync(process.execPath, ['evaluate.mjs'], { cwd: dir, encoding: 'utf8' });
        for (const m of shown) {
          const line = out.split('\n').find((l) => l.startsWith(m.metric + ' '));
          assert.ok(line, `the snippet for ${pred} prints ${m.metric}`);
          close(Number(line.slice(m.metric.length + 1)), m.value, `${m.metric} from the snippet for ${pred}`);
        }
      }
    });

    await t.test('7. an empty threshold or ignoreIndex field is an error on the field, never 0 or "none"', async () => {
      await page.click('button[data-sample="spam"]');
      assert.equal(await settled(), 'ready');
      await page.fill('#threshold', '');
      await page.dispatchEvent('#threshold', 'change');
      assert.equal(await settled(), 'error');
      assert.equal(await page.$eval('#threshold', (e) => e.getAttribute('aria-invalid')), 'true');
      assert.match(await page.$eval('#threshold-error', (e) => e.textContent), /decision threshold is empty/);
      await assertInvalidated('cell-results', /decision threshold is empty/);
      await page.fill('#threshold', '0.5');
      await page.dispatchEvent('#threshold', 'change');
      assert.equal(await settled(), 'ready');
      assert.equal(await page.$eval('#threshold', (e) => e.getAttribute('aria-invalid')), null);

      await showMode(page, 'segmentation');
      const masks = settledState(page, 'segmentation');
      await page.click('#masks-sample');
      assert.equal(await masks(), 'ready');
      await page.fill('#masks-ignore', '');
      await page.dispatchEvent('#masks-ignore', 'change');
      assert.equal(await masks(), 'error');
      assert.equal(await page.$eval('#masks-ignore', (e) => e.getAttribute('aria-invalid')), 'true');
      assert.deepEqual(await shownMetrics(page, 'segmentation'), []);
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0].text, /ignoreIndex is empty: type a number or "none"/);
      assert.equal(await page.$$eval('#masks-export button', (e) => e.length), 0, 'no stale masks export');
      await page.fill('#masks-ignore', '255');
      await page.dispatchEvent('#masks-ignore', 'change');
      assert.equal(await masks(), 'ready');
      await showMode(page, 'classification');
    });

    await t.test('no page error', () => assert.deepEqual(pageErrors, []));
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
