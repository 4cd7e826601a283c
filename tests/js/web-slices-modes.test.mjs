// "Slice by column" in the Text and Ranking modes (issue 24; web/js/slices.mjs), and the progress of
// the Classification mode's A/B bootstrap, in headless Chromium. Every slice number is recomputed
// here with the npm package in Node on the slice's rows picked from the sample file (never through
// SlicedMetric); the slices' order (worst first), row counts, the bar chart and its PNG, the
// option's choices (the file's columns) and switching slicing off. The bootstrap test is
// structural: progress reported step by step and the page's timers running meanwhile.
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
  startDemoServer,
  startMainThreadProbe,
  visibleAlerts,
  webDir,
} from './web-harness.mjs';

const wm = await importPackage();
await wm.init();

const close = (got, want, what) =>
  assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: page ${got}, package ${want}`);
const value = (name, options, inputs, key) => {
  const m = wm.createMetric(name, options);
  try {
    m.update(...inputs);
    const v = m.compute();
    return key ? v[key] : typeof v === 'number' ? v : v.data[0];
  } finally {
    m.dispose();
  }
};
const sliceCells = (page, mode) =>
  page.$$eval(`[data-results="${mode}"] #slice-table [data-metric]`, (els) =>
    els.map((e) => ({
      metric: e.dataset.metric,
      key: e.dataset.key ?? null,
      options: JSON.parse(e.dataset.options ?? '{}'),
      slice: JSON.parse(e.dataset.slice),
      sliceBy: e.dataset.sliceBy,
      value: Number(e.dataset.value),
    })),
  );
const sliceRows = (page, mode) =>
  page.$$eval(`[data-results="${mode}"] #slice-table tbody tr`, (trs) =>
    trs.map((tr) => ({
      key: JSON.parse(tr.dataset.slice),
      count: Number(tr.querySelector('[data-count="rows"]').dataset.value),
    })),
  );
const optionValues = (page, mode) =>
  page.$$eval(`[data-mode-panel="${mode}"] select[data-option="sliceBy"] option`, (os) => os.map((o) => o.value));

async function pngOf(page, mode) {
  const button = page.locator(`[data-mode-panel="${mode}"] button[data-export="png"][data-plot="slice-plot"]`);
  assert.equal(await button.count(), 1, `${mode}: the slices' bar chart has a PNG button`);
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const file = await download.path();
  const bytes = readFileSync(file);
  rmSync(file, { force: true });
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], `${mode}: a PNG file`);
}

// the Text metrics that take every reference as a list (the rest take the first reference)
const LISTS = new Set([
  'BLEUScore',
  'SacreBLEUScore',
  'CHRFScore',
  'TranslationEditRate',
  'ExtendedEditDistance',
  'ROUGEScore',
]);

test(
  "Text and Ranking: slice by column, every slice number the package's; the A/B bootstrap reports progress",
  { timeout: 600_000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { server, origin } = await startDemoServer();
    const browser = await launchChromium(chromium);
    const page = await (
      await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })
    ).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-slices-modes-'));
    try {
      await page.goto(`${origin}/web/`);

      await t.test('Text: the ASR pairs by speaker', async () => {
        const settled = settledState(page, 'text');
        await showMode(page, 'text');
        await settled();
        await page.click('[data-mode-panel="text"] button[data-sample="asr"]');
        assert.equal(await settled(), 'ready');
        assert.deepEqual(await visibleAlerts(page), []);
        assert.ok((await optionValues(page, 'text')).includes('speaker'), "the file's speaker column is offered");
        const [header, ...rows] = readFileSync(join(webDir, 'samples/text-asr.tsv'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split('\t'));
        const col = (name) => rows.map((r) => r[header.indexOf(name)]);
        const [hyp, ref, speaker] = [col('hypothesis'), col('reference'), col('speaker')];
        const shown = await sliceRows(page, 'text');
        assert.deepEqual(shown.map((r) => r.key).sort(), [...new Set(speaker)].sort(), 'one row per speaker');
        for (const r of shown)
          assert.equal(r.count, speaker.filter((s) => s === r.key).length, `${r.key}: its pair count`);
        const cells = await sliceCells(page, 'text');
        assert.ok(cells.length >= shown.length * 10, `${cells.length} slice cells`);
        for (const c of cells) {
          assert.equal(c.sliceBy, 'speaker');
          const idx = speaker.flatMap((s, i) => (s === c.slice ? [i] : []));
          const h = idx.map((i) => hyp[i]);
          const want = value(
            c.metric,
            c.options,
            [h, LISTS.has(c.metric) ? idx.map((i) => [ref[i]]) : idx.map((i) => ref[i])],
            c.key,
          );
          close(c.value, want, `${c.metric}${c.key ? `.${c.key}` : ''} of ${c.slice}`);
        }
        const wer = shown.map((r) => cells.find((c) => c.metric === 'WordErrorRate' && c.slice === r.key).value);
        assert.deepEqual(
          wer,
          [...wer].sort((a, b) => b - a),
          'worst WER first',
        );
        await pngOf(page, 'text');
        await page.selectOption('[data-mode-panel="text"] select[data-option="sliceBy"]', 'none');
        assert.equal(await settled(), 'ready');
        assert.equal(
          await page.locator('[data-results="text"] #slice-table').count(),
          0,
          'slicing off: no slices table',
        );
        await page.selectOption('[data-mode-panel="text"] select[data-option="sliceBy"]', 'speaker');
        assert.equal(await settled(), 'ready');
        assert.equal((await sliceRows(page, 'text')).length, shown.length);
      });

      await t.test("Ranking: run A's table by topic", async () => {
        const settled = settledState(page, 'ranking');
        await showMode(page, 'ranking');
        await settled();
        await page.click('[data-mode-panel="ranking"] button[data-sample="table"]');
        assert.equal(await settled(), 'ready');
        assert.deepEqual(await visibleAlerts(page), []);
        assert.ok((await optionValues(page, 'ranking')).includes('topic'), 'the query-level topic column is offered');
        const text = readFileSync(join(webDir, 'samples/ranking-bm25.csv'), 'utf8');
        const topicOf = new Map(
          text
            .trim()
            .split('\n')
            .slice(1)
            .map((l) => l.split(','))
            .map((f) => [f[0], f[4]]),
        );
        const { qrels, run } = wm.readTrecCsv(text);
        const shown = await sliceRows(page, 'ranking');
        assert.deepEqual(shown.map((r) => r.key).sort(), ['news', 'products']);
        const cells = await sliceCells(page, 'ranking');
        assert.equal(cells.length, shown.length * 5, 'MAP, MRR, NDCG@k, P@k, R@k per slice');
        for (const c of cells) {
          // the slice's queries alone: their qrels and run lines, through trecInputs
          const pickQ = (m) => new Map([...m].filter(([q]) => topicOf.get(q) === c.slice));
          const t = wm.trecInputs(pickQ(qrels), pickQ(run), { binary: c.metric !== 'RetrievalNormalizedDCG' });
          close(c.value, value(c.metric, c.options, [t.preds, t.target, t.indexes]), `${c.metric} of ${c.slice}`);
        }
        const ndcg = shown.map(
          (r) => cells.find((c) => c.metric === 'RetrievalNormalizedDCG' && c.slice === r.key).value,
        );
        assert.deepEqual(
          ndcg,
          [...ndcg].sort((a, b) => a - b),
          'worst NDCG first',
        );
        await pngOf(page, 'ranking');
        // the two-run sample has no table: no column to slice by, no slices
        await page.click('[data-mode-panel="ranking"] button[data-sample="two-runs"]');
        assert.equal(await settled(), 'ready');
        assert.equal(await page.locator('[data-results="ranking"] #slice-table').count(), 0);
      });

      await t.test('Classification: the A/B bootstrap reports its resamples while the page keeps running', async () => {
        const n = 30_000; // bootstrapCount: 666 resamples, each two metric updates on every row
        const a = ['id,channel,label,score'];
        const b = ['id,score'];
        for (let i = 0; i < n; i++) {
          const y = i % 2;
          const s = ((i * 7919) % 1000) / 1000;
          a.push(`t_${i},${['email', 'chat', 'phone'][i % 3]},${y},${((s + y) / 2).toFixed(6)}`);
          b.push(`t_${i},${((((i * 104729) % 1000) / 1000 + y) / 2).toFixed(6)}`);
        }
        writeFileSync(join(dir, 'big-a.csv'), `${a.join('\n')}\n`);
        writeFileSync(join(dir, 'big-b.csv'), `${b.join('\n')}\n`);
        const settled = settledState(page, 'classification');
        await showMode(page, 'classification');
        await settled();
        await page.setInputFiles(input('predictions'), join(dir, 'big-a.csv'));
        assert.equal(await settled(), 'ready');
        await startMainThreadProbe(page, { timers: true });
        await page.evaluate(() => {
          const box = document.querySelector('#compute-progress');
          window.__bootstrap = [];
          new MutationObserver(() => {
            const text = box.querySelector('span').textContent;
            if (!box.hidden && /bootstrap resample/.test(text) && window.__bootstrap.at(-1)?.text !== text)
              window.__bootstrap.push({ at: performance.now(), text, value: box.querySelector('progress').value });
          }).observe(box, { attributes: true, subtree: true, childList: true, characterData: true });
        });
        await page.setInputFiles(input('predictions-b'), join(dir, 'big-b.csv'));
        assert.equal(await settled(), 'ready');
        assert.ok(
          (await page.locator('#compare-table [data-key="bootstrap.pValue"]').count()) === 1,
          'the bootstrap ran',
        );
        const { seen, timers } = await page.evaluate(() => {
          window.__probe.stop = true;
          const s = window.__bootstrap;
          return {
            seen: s,
            timers: window.__probe.timers.filter((x) => s.length && x > s[0].at && x < s.at(-1).at).length,
          };
        });
        assert.ok(seen.length >= 3, `the progress bar showed ${seen.length} bootstrap steps`);
        const values = seen.map((s) => s.value);
        assert.deepEqual(
          values,
          [...values].sort((x, y) => x - y),
          'the bootstrap progress only grows',
        );
        assert.ok(values.at(-1) > values[0], 'and moves');
        assert.ok(timers > 0, "the page's timers ran while the bootstrap reported progress (it runs in the worker)");
      });
      assert.deepEqual(errors, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await browser.close();
      server.close();
    }
  },
);
