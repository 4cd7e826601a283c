// The Classification mode's "slice by column" and A/B comparison (issue 24), in headless Chromium:
// the per-slice table (worst first, row counts) and its bar chart, the model B input and the
// comparison table (McNemar on accuracy, DeLong on AUROC, a paired bootstrap of the chosen
// metric). Every number is checked against the npm package in Node, recomputed here from the CSV
// rows (a slice's rows picked here; the tests called on the files' columns).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { distMjsUrl, importPackage } from './helpers.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  settledState,
  startDemoServer,
  visibleAlerts,
  webDir,
  openedState,
} from './web-harness.mjs';

const wm = await importPackage();
await wm.init();
const { bootstrapCount, correctness } = await import(pathToFileURL(join(webDir, 'js/lib/compare.mjs')).href);

function csv(file) {
  const [header, ...rows] = readFileSync(join(webDir, 'samples', file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  return Object.fromEntries(header.map((h, j) => [h, rows.map((r) => r[j])]));
}
const A = csv('tickets.csv');
const B = csv('tickets-b.csv');
const scoreA = { data: Float64Array.from(A.score, Number), shape: [A.score.length] };
const scoreB = { data: Float64Array.from(B.score, Number), shape: [B.score.length] };
const label = { data: Float64Array.from(A.label, Number), shape: [A.label.length] };

function value(name, options, preds, target) {
  const m = wm.createMetric(name, options);
  try {
    m.update(preds, target);
    const v = m.compute();
    return typeof v === 'number' ? v : v.data[0];
  } finally {
    m.dispose();
  }
}
const rowsOf = (x, idx) => ({ data: Float64Array.from(idx, (i) => x.data[i]), shape: [idx.length] });
const close = (got, want, what) =>
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: page ${got}, package ${want}`);

const cellsOf = (page, table) =>
  page.$$eval(`#${table} [data-metric][data-value]`, (els) =>
    els.map((e) => ({
      ...e.dataset,
      value: Number(e.dataset.value),
      options: JSON.parse(e.dataset.options ?? '{}'),
      row: e.closest('tr').dataset.slice ?? e.closest('tr').dataset.test,
    })),
  );

test(
  "Classification: slices by a column and model B against model A, every number the package's",
  { timeout: 300_000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { server, origin } = await startDemoServer();
    const browser = await launchChromium(chromium);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const settled = settledState(page);
    try {
      await page.goto(`${origin}/web/?mode=classification`);
      await openedState(page); // the mode's first sample
      await page.click('[data-mode-panel="classification"] button[data-sample="tickets"]');
      assert.equal(await settled(), 'ready');
      assert.deepEqual(await visibleAlerts(page), []);

      // the slice column is picked by itself: the one text column that is neither prediction nor target
      assert.equal(await page.$eval('#slice-by', (s) => s.value), 'channel');
      const rows = await page.$$eval('#slice-table tbody tr', (trs) =>
        trs.map((tr) => ({
          key: JSON.parse(tr.dataset.slice),
          count: Number(tr.querySelector('[data-count="rows"]').dataset.value),
        })),
      );
      const channels = [...new Set(A.channel)].sort();
      assert.deepEqual(rows.map((r) => r.key).sort(), channels);
      for (const r of rows) assert.equal(r.count, A.channel.filter((c) => c === r.key).length, `rows of ${r.key}`);
      const cells = await cellsOf(page, 'slice-table');
      assert.ok(cells.length >= 4 * 3, `${cells.length} slice cells`);
      for (const c of cells) {
        const key = JSON.parse(c.slice);
        const idx = A.channel.flatMap((v, i) => (v === key ? [i] : []));
        close(c.value, value(c.metric, c.options, rowsOf(scoreA, idx), rowsOf(label, idx)), `${c.metric} on ${key}`);
      }
      // worst first by the focus metric (higher is better for the default first metric)
      const focus = await page.$eval('#focus-metric', (s) => s.value);
      const ordered = rows.map((r) => cells.find((c) => c.metric === focus && JSON.parse(c.slice) === r.key).value);
      assert.deepEqual(
        ordered,
        [...ordered].sort((x, y) => x - y),
        `slices ordered by ${focus}, lowest first`,
      );
      assert.equal(
        await page.locator('[data-plot="plot-slices"] canvas').count(),
        1,
        'a bar chart of the metric per slice',
      );

      // model B against model A
      const compare = await cellsOf(page, 'compare-table');
      const tests = new Set(compare.map((c) => c.row));
      assert.deepEqual([...tests].sort(), ['bootstrap', 'delong', 'mcnemar']);
      const field = (test, key) => compare.find((c) => c.row === test && c.key === `${test}.${key}`);
      const acc = compare.find((c) => c.row === 'mcnemar' && c.run === 'A');
      const threshold = acc.options.threshold;
      const mc = wm.mcnemarTest(correctness(scoreA, label, threshold), correctness(scoreB, label, threshold));
      close(field('mcnemar', 'pValue').value, mc.pValue, 'McNemar p');
      close(field('mcnemar', 'statistic').value, mc.statistic, 'McNemar statistic');
      close(acc.value, value('BinaryAccuracy', acc.options, scoreA, label), 'accuracy A');
      const dl = wm.delongTest(scoreA.data, scoreB.data, label.data);
      for (const k of ['difference', 'statistic', 'pValue', 'interval.0', 'interval.1']) {
        close(
          field('delong', k).value,
          k === 'statistic' ? dl.z : k.startsWith('interval') ? dl.interval[Number(k.slice(-1))] : dl[k],
          `DeLong ${k}`,
        );
      }
      const boot = compare.find((c) => c.row === 'bootstrap' && c.run === 'A');
      assert.equal(boot.metric, focus, 'the bootstrap runs on the chosen metric');
      const m = wm.createMetric(boot.metric, boot.options);
      const bs = wm.pairedBootstrap(m, [scoreA, label], [scoreB, label], {
        numBootstraps: bootstrapCount(300),
        seed: 0,
      });
      m.dispose();
      for (const k of ['difference', 'pValue']) close(field('bootstrap', k).value, bs[k], `bootstrap ${k}`);
      close(field('bootstrap', 'interval.0').value, bs.interval[0], 'bootstrap interval low');
      close(field('bootstrap', 'interval.1').value, bs.interval[1], 'bootstrap interval high');
      for (const c of compare.filter((x) => x.key?.endsWith('pValue')))
        assert.ok(c.value > 0 && c.value <= 1, `${c.key} ${c.value}`);

      // "Copy as code" prints the same per-slice numbers (SlicedMetric in Node, the file read as the page did)
      const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-slices-'));
      try {
        copyFileSync(join(webDir, 'samples/tickets.csv'), join(dir, 'tickets.csv'));
        copyFileSync(join(webDir, 'samples/tickets-b.csv'), join(dir, 'tickets-b.csv'));
        const code = await page.$eval('#code code', (c) => c.textContent);
        writeFileSync(
          join(dir, 'evaluate.mjs'),
          code.replace("from 'wasmetrics'", `from ${JSON.stringify(distMjsUrl)}`),
        );
        const output = execFileSync(process.execPath, ['evaluate.mjs'], { cwd: dir, encoding: 'utf8' }).split('\n');
        const printed = output.filter((l) => l.startsWith('slice channel '));
        assert.equal(printed.length, cells.length, 'one printed line per slice cell');
        for (const c of cells) {
          const line = printed.find((l) => l.startsWith(`slice channel ${c.slice} `) && l.split(' ')[4] === c.metric);
          assert.ok(line, `the snippet prints ${c.metric} on ${c.slice}`);
          close(Number(line.split(' ')[5]), c.value, `snippet ${c.metric} on ${c.slice}`);
        }
        // and model B against model A: every number of the comparison table (McNemar, DeLong, bootstrap)
        const compared = new Map(
          output
            .filter((l) => l.startsWith('compare '))
            .map((l) => {
              const [, test, field, v] = l.split(' ');
              return [`${test} ${field}`, Number(v)];
            }),
        );
        for (const c of compare) {
          const k = c.run === 'B-A' ? `${c.row} ${c.key.slice(c.row.length + 1)}` : `${c.row} ${c.run}`;
          assert.ok(compared.has(k), `the snippet prints the comparison's ${k}`);
          close(compared.get(k), c.value, `snippet ${k}`);
        }
        assert.equal(compared.size, compare.length, 'one printed line per comparison cell');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }

      // another focus metric: the bootstrap and the order follow it
      const other = await page.$$eval('#focus-metric option', (os) => os.map((o) => o.value));
      const next = other.find((n) => n !== focus && /AUROC|F1Score/.test(n)) ?? other.find((n) => n !== focus);
      await page.selectOption('#focus-metric', next);
      assert.equal(await settled(), 'ready');
      assert.equal((await cellsOf(page, 'compare-table')).find((c) => c.row === 'bootstrap').metric, next);

      // no slicing: the table and chart go; slicing again brings them back
      await page.selectOption('#slice-by', '');
      assert.equal(await settled(), 'ready');
      assert.equal(await page.locator('#slice-table').count(), 0);
      assert.equal(await page.locator('[data-plot="plot-slices"]').count(), 0);
      await page.selectOption('#slice-by', 'channel');
      assert.equal(await settled(), 'ready');
      assert.equal(await page.locator('#slice-table tbody tr').count(), channels.length);

      // a model B file of another length is refused, naming both lengths; clearing it drops the comparison
      await page.setInputFiles(input('predictions-b'), {
        name: 'short-b.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('id,score\nt_0,0.5\nt_1,0.25\n'),
      });
      assert.equal(await settled(), 'error');
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0].text, /model B \(short-b\.csv\) has 2 rows but model A's predictions have 300/);
      assert.equal(await page.locator('[data-results="classification"] [data-metric]').count(), 0, 'no stale number');
      await page.click('#clear-b');
      assert.equal(await settled(), 'ready');
      assert.equal(await page.locator('#compare-table').count(), 0);
      assert.ok((await page.locator('#slice-table').count()) === 1);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      server.close();
    }
  },
);
