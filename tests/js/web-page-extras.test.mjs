// The page's shared extras (web/README.md): PNG export of any chart (ui.mjs canvasPng/pngButton,
// mode-lib.mjs chartCell), the notebook modes' progress bar (role="progressbar", fed by the mode
// worker), the Text mode's metric picker, several files in one input (CVAT, one per annotator),
// and the Ranking mode's plots. In headless Chromium (tests/js/web-harness.mjs); the picker's
// coverage of the package's text metrics is checked in Node.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

import { importPackage } from './helpers.mjs';
import { chromiumOrSkip, launchChromium, settledState, showMode, startDemoServer, webDir } from './web-harness.mjs';

const wasmetrics = await importPackage();
await wasmetrics.init();
const modeOf = async (name) => (await import(pathToFileURL(join(webDir, `js/modes/${name}.mjs`)).href)).default;

/** A PNG file's size and pixel rows, decoded: signature, IHDR, the IDAT zlib stream inflated. */
function decodePng(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let at = 8;
  let header = null;
  const idat = [];
  while (at < bytes.length) {
    const len = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR')
      header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), depth: data[8], colour: data[9] };
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  assert.ok(header, 'an IHDR chunk');
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[header.colour];
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(
    raw.length,
    header.height * (1 + (header.width * channels * header.depth) / 8),
    'the pixel data has the size IHDR says',
  );
  return { ...header, distinctBytes: new Set(raw).size };
}

test("the Text mode's picker offers every text metric the package registers with text inputs", async () => {
  const text = await modeOf('text');
  const picker = text.options.find((o) => o.name === 'metrics');
  const offered = new Set(picker.choices.map((c) => c.metric));
  const registered = wasmetrics
    .listMetrics()
    .filter((m) => m.family === 'text' && m.inputs.every((i) => ['text', 'text_lists'].includes(i.kind)));
  assert.ok(registered.length >= 10, `the package registers ${registered.length} text metrics with text inputs`);
  assert.deepEqual(
    registered.map((m) => m.name).filter((n) => !offered.has(n)),
    [],
  );
  assert.ok(picker.default.length > 0 && picker.default.every((id) => picker.choices.some((c) => c.value === id)));
});

test(
  'page extras: PNG exports, progress bar, metric picker, several CVAT files, ranking plots',
  { timeout: 900_000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { server, origin } = await startDemoServer();
    const browser = await launchChromium(chromium);
    const page = await (
      await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } })
    ).newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await page.goto(`${origin}/web/`);

      await t.test(
        'every chart of the Ranking, Agreement and Text modes downloads as a PNG of its canvas size',
        async () => {
          for (const [mode, sample, least] of [
            ['ranking', 'two-runs', 2],
            ['agreement', 'sentiment-long', 2],
            ['text', 'asr', 1],
          ]) {
            await showMode(page, mode);
            await settledState(page, mode)();
            await page.click(`[data-mode-panel="${mode}"] button[data-sample="${sample}"]`);
            assert.equal(await settledState(page, mode)(), 'ready');
            const buttons = page.locator(`[data-mode-panel="${mode}"] button[data-export="png"]`);
            const n = await buttons.count();
            assert.ok(n >= least, `${mode}: ${n} PNG buttons`);
            for (let k = 0; k < n; k++) {
              const id = await buttons.nth(k).getAttribute('data-plot');
              const size = await page.$eval(`canvas#${id}`, (c) => ({ width: c.width, height: c.height }));
              const [download] = await Promise.all([page.waitForEvent('download'), buttons.nth(k).click()]);
              assert.match(download.suggestedFilename(), /\.png$/);
              const file = await download.path();
              const png = decodePng(readFileSync(file));
              rmSync(file, { force: true });
              assert.deepEqual(
                { width: png.width, height: png.height },
                size,
                `${mode}/${id}: the PNG has the canvas's size`,
              );
              assert.ok(png.distinctBytes > 8, `${mode}/${id}: the PNG is not blank`);
            }
          }
        },
      );

      await t.test('Ranking: the scatter and difference plots show the per-query values of the table', async () => {
        await showMode(page, 'ranking');
        await page.click('[data-mode-panel="ranking"] button[data-sample="two-runs"]');
        assert.equal(await settledState(page, 'ranking')(), 'ready');
        const got = await page.evaluate(() => {
          const cell = (metric, run, q) =>
            Number(
              document.querySelector(
                `#ranking-per-query [data-metric="${metric}"][data-run="${run}"][data-key="query.${q}"]`,
              ).dataset.value,
            );
          const scatter = window.Chart.getChart(document.getElementById('ranking-scatter')).data.datasets;
          const diff = window.Chart.getChart(document.getElementById('ranking-difference')).data;
          const metrics = ['RetrievalMAP', 'RetrievalNormalizedDCG'];
          return {
            scatterWrong: metrics.flatMap((m, j) =>
              scatter[j].data
                .filter((p) => p.x !== cell(m, 'A', p.q) || p.y !== cell(m, 'B', p.q))
                .map((p) => `${m} ${p.q}`),
            ),
            points: scatter[0].data.length,
            rows: document.querySelectorAll('#ranking-per-query tbody tr').length,
            diffWrong: diff.labels.filter(
              (q, i) =>
                Math.abs(
                  diff.datasets[0].data[i] -
                    (cell('RetrievalNormalizedDCG', 'B', q) - cell('RetrievalNormalizedDCG', 'A', q)),
                ) > 1e-12,
            ),
            sorted: diff.datasets[0].data.every((v, i, a) => i === 0 || a[i - 1] <= v),
          };
        });
        assert.deepEqual(got.scatterWrong, []);
        assert.equal(got.points, got.rows, 'one point a query');
        assert.deepEqual(got.diffWrong, []);
        assert.ok(got.sorted, 'differences sorted, largest loss first');
      });

      await t.test('Text: the picker chooses the corpus metrics shown; none chosen is a field error', async () => {
        await showMode(page, 'text');
        await settledState(page, 'text')();
        await page.click('[data-mode-panel="text"] button[data-sample="mt"]');
        assert.equal(await settledState(page, 'text')(), 'ready');
        const shown = () =>
          page.$$eval('#text-corpus [data-metric]', (els) =>
            els.map((e) => `${e.dataset.metric}${e.dataset.key ? `.${e.dataset.key}` : ''}${e.dataset.options}`),
          );
        const before = await shown();
        assert.ok(!before.some((m) => m.startsWith('ExtendedEditDistance')), 'EED is not a default');
        await page.check('[data-mode-panel="text"] input[data-option="metrics"][value="eed"]');
        assert.equal(await settledState(page, 'text')(), 'ready');
        const after = await shown();
        assert.equal(after.length, before.length + 1);
        assert.ok(after.some((m) => m.startsWith('ExtendedEditDistance')));
        for (const box of await page.$$('[data-mode-panel="text"] input[data-option="metrics"]:checked'))
          await box.uncheck();
        assert.equal(await settledState(page, 'text')(), 'error');
        assert.equal(await page.$eval('#text-option-metrics', (f) => f.getAttribute('aria-invalid')), 'true');
        assert.equal(await page.locator('[data-mode-panel="text"] [data-metric]').count(), 0);
        await page.check('[data-mode-panel="text"] input[data-option="metrics"][value="wer"]');
        assert.equal(await settledState(page, 'text')(), 'ready');
        assert.deepEqual(await shown(), ['WordErrorRate{}']);
        await page.reload(); // the picked metrics are restored with the sample
        assert.equal(await settledState(page, 'text')(), 'ready');
        assert.deepEqual(
          await page.$$eval('[data-mode-panel="text"] input[data-option="metrics"]:checked', (bs) =>
            bs.map((b) => b.value),
          ),
          ['wer'],
        );
        assert.deepEqual(await shown(), ['WordErrorRate{}']);
        // a pair chosen by id: its WER and CER (the package's, on that pair alone) and its alignment
        await page.click('[data-mode-panel="text"] button[data-sample="asr"]');
        assert.equal(await settledState(page, 'text')(), 'ready');
        await page.fill('[data-mode-panel="text"] [data-option="pair"]', 'utt-01');
        await page.press('[data-mode-panel="text"] [data-option="pair"]', 'Enter');
        assert.equal(await settledState(page, 'text')(), 'ready');
        const [, ref, hyp] = readFileSync(join(webDir, 'samples/text-asr.tsv'), 'utf8').split('\n')[1].split('\t');
        const wer = new wasmetrics.WordErrorRate();
        wer.update([hyp], [ref]);
        assert.equal(
          await page.$eval('#text-chosen [data-metric="WordErrorRate"]', (e) => Number(e.dataset.value)),
          wer.compute(),
        );
        wer.dispose();
        assert.equal(await page.$eval('[data-chosen] del', (e) => e.textContent), 'lights');
        await page.fill('[data-mode-panel="text"] [data-option="pair"]', 'no-such-pair');
        await page.press('[data-mode-panel="text"] [data-option="pair"]', 'Enter');
        assert.equal(await settledState(page, 'text')(), 'error');
        assert.match(
          await page.$eval('[data-mode-panel="text"] [data-banner]', (b) => b.textContent),
          /no pair "no-such-pair"/,
        );
        await page.fill('[data-mode-panel="text"] [data-option="pair"]', '');
        await page.press('[data-mode-panel="text"] [data-option="pair"]', 'Enter');
        assert.equal(await settledState(page, 'text')(), 'ready');
      });

      await t.test('Agreement: several CVAT exports picked together are one annotator each', async () => {
        await showMode(page, 'agreement');
        const names = ['ana', 'ben', 'chen'];
        await page.setInputFiles(
          '[data-mode-panel="agreement"] input[data-input="ratings"]',
          names.map((n) => join(webDir, `samples/cvat-street-${n}.xml`)),
        );
        assert.equal(await settledState(page, 'agreement')(), 'ready');
        assert.deepEqual(
          await page.$$eval('#agreement-annotators tbody tr td:first-child', (tds) => tds.map((td) => td.textContent)),
          names,
        );
        assert.equal(
          await page.$eval('[data-file-name="ratings"]', (e) => e.textContent),
          `3 files: ${names.map((n) => `cvat-street-${n}.xml`).join(', ')}`,
        );
        // a non-CVAT file among several is an error naming it
        await page.setInputFiles('[data-mode-panel="agreement"] input[data-input="ratings"]', [
          join(webDir, 'samples/cvat-street-ana.xml'),
          join(webDir, 'samples/agreement-long.csv'),
        ]);
        assert.equal(await settledState(page, 'agreement')(), 'error');
        assert.match(
          await page.$eval('[data-mode-panel="agreement"] [data-banner]', (b) => b.textContent),
          /agreement-long\.csv: a long file; several files are read as CVAT XML exports/,
        );
      });

      await t.test(
        'Agreement: 100,000 ratings compute in the worker with a progress bar; the page keeps running',
        async () => {
          const labels = ['cat', 'dog', 'bird', 'fish'];
          let s = 7;
          const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
          const lines = ['item,annotator,label'];
          for (let u = 0; u < 20000; u++)
            for (let r = 0; r < 5; r++)
              lines.push(`item-${u},rater-${r},${labels[rnd() < 0.8 ? u % 4 : Math.floor(rnd() * 4)]}`);
          await page.evaluate(() => {
            const p = (window.__progress = { values: [], ticks: 0, stop: false });
            const bar = document.querySelector('[data-mode-panel="agreement"] [role="progressbar"]');
            new MutationObserver(() =>
              p.values.push([Number(bar.getAttribute('aria-valuenow')), bar.getAttribute('aria-valuetext')]),
            ).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
            const tick = () => {
              p.ticks++;
              if (!p.stop) setTimeout(tick, 50);
            };
            tick();
          });
          await page.setInputFiles('[data-mode-panel="agreement"] input[data-input="ratings"]', {
            name: 'big-long.csv',
            mimeType: 'text/csv',
            buffer: Buffer.from(lines.join('\n')),
          });
          await page.waitForFunction(
            () => ['ready', 'error'].includes(document.querySelector('[data-results="agreement"]').dataset.state),
            null,
            { timeout: 600_000 },
          );
          assert.equal(await settledState(page, 'agreement')(), 'ready');
          const p = await page.evaluate(() => {
            window.__progress.stop = true;
            return {
              ...window.__progress,
              hidden: document.querySelector('[data-mode-panel="agreement"] [data-progress]').hidden,
            };
          });
          const values = p.values.map(([v]) => v);
          assert.ok(values.length >= 4, `progress shown at ${values.length} steps: ${JSON.stringify(p.values)}`);
          assert.ok(
            values.every((v, i) => i === 0 || values[i - 1] <= v),
            `progress only grows: ${values}`,
          );
          assert.ok(
            p.values.some(([, text]) => /Dawid–Skene/.test(text)),
            'the step is named',
          );
          assert.ok(p.hidden, 'the bar hides when the results are in');
          assert.ok(p.ticks >= 10, `the page's own timers ran ${p.ticks} times meanwhile`);
          assert.equal(
            await page.$eval('#agreement-overview [data-count="items"]', (e) => Number(e.dataset.value)),
            20000,
          );
        },
      );
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      server.close();
    }
  },
);
