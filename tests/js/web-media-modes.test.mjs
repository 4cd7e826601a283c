// The Image-pair and Audio modes of the demo page (web/js/modes/images.mjs, audio.mjs) in headless
// Chromium, beyond what tests/js/web-modes.test.mjs checks for every mode: files picked as lists
// are paired by name; a truncated PNG or a recording at another rate shows one banner naming the
// file(s) and clears the results; the chosen pair's SSIM (from its return_full_image map), drawn
// on demand in the worker, equals the package's; the split slider moves; the permutation PIT
// chose is shown. Skipped only where /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { importPackage } from './helpers.mjs';
import {
  chromiumOrSkip,
  launchChromium,
  settledState,
  showMode,
  startDemoServer,
  visibleAlerts,
  webDir,
  openedState,
} from './web-harness.mjs';

const wasmetrics = await importPackage();
await wasmetrics.init();
const images = (await import(pathToFileURL(join(webDir, 'js/modes/images.mjs')).href)).default;
const audio = (await import(pathToFileURL(join(webDir, 'js/modes/audio.mjs')).href)).default;
const { plain } = await import(pathToFileURL(join(webDir, 'js/mode-lib.mjs')).href);

const sample = (path) => ({
  name: path.split('/').pop(),
  mimeType: 'application/octet-stream',
  buffer: readFileSync(join(webDir, path)),
});
const asFiles = (paths) =>
  paths.map((p) => {
    const b = readFileSync(join(webDir, p));
    return { name: p.split('/').pop(), bytes: new Uint8Array(b) };
  });

test('Image-pair and Audio modes in a browser', { timeout: 600_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const browser = await launchChromium(chromium);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const panel = (mode) => `[data-mode-panel="${mode}"]`;
  try {
    await page.goto(`${origin}/web/?mode=images`);
    const imagesReady = settledState(page, 'images');
    assert.equal(await openedState(page, 'images'), 'ready');

    await t.test(
      "images: picked file lists are paired by name; another pair shown on demand has the package's SSIM",
      async () => {
        const est = ['samples/images/estimate/harbour.jpg', 'samples/images/estimate/texture.png'];
        const ref = [
          'samples/images/reference/texture.png',
          'samples/images/reference/harbour.png',
          'samples/images/reference/icon.png',
        ];
        await page.setInputFiles(`${panel('images')} input[data-input="images-reference"]`, ref.map(sample));
        assert.equal(await imagesReady(), 'ready');
        await page.setInputFiles(`${panel('images')} input[data-input="images-estimate"]`, est.map(sample));
        assert.equal(await imagesReady(), 'ready');
        assert.equal(
          await page.locator(`${panel('images')} input[data-input="images-estimate-folder"][webkitdirectory]`).count(),
          1,
          'a folder input beside the files input',
        );
        const pairs = await page.$$eval('#images-per-pair tbody tr td:first-child', (tds) =>
          tds.map((td) => td.textContent),
        );
        assert.deepEqual(pairs.sort(), ['harbour', 'texture']);
        assert.match(
          await page.textContent(`${panel('images')} [data-warnings]`),
          /References without an estimate of the same name, left out \(1\): icon/,
        );

        await page.click(`${panel('images')} button[data-show-pair="texture"]`);
        await page.waitForSelector(`${panel('images')} [data-pair-detail] [data-metric][data-pair="texture"]`);
        const cell = await page.$eval(`${panel('images')} [data-pair-detail] [data-metric]`, (e) => ({ ...e.dataset }));
        const files = { 'images-estimate': asFiles(est), 'images-reference': asFiles(ref) };
        const want = plain(
          await images.expected(
            { metric: cell.metric, options: JSON.parse(cell.options), key: cell.key, pair: cell.pair },
            files,
            wasmetrics,
          ),
        );
        assert.equal(Number(cell.value), want);
        assert.deepEqual(JSON.parse(cell.options), { dataRange: 255, returnFullImage: true });
        assert.equal(
          await page.locator(`${panel('images')} [data-pair-detail] canvas`).count(),
          3,
          'reference, estimate and SSIM map',
        );
        await page.fill(`${panel('images')} [data-compare-slider]`, '20');
        assert.match(
          await page.$eval(`${panel('images')} .compare canvas:last-child`, (c) => c.style.clipPath),
          /inset\(0(px)? 0(px)? 0(px)? 20%\)/,
        );
      },
    );

    await t.test('images: a truncated PNG shows one banner naming it and clears the results', async () => {
      const bytes = readFileSync(join(webDir, 'samples/images/estimate/texture.png'));
      await page.setInputFiles(`${panel('images')} input[data-input="images-estimate"]`, [
        { name: 'texture.png', mimeType: 'image/png', buffer: bytes.subarray(0, bytes.length >> 1) },
      ]);
      assert.equal(await imagesReady(), 'error');
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0].text, /texture\.png: cannot decode the PNG \(truncated/);
      assert.equal(await page.locator(`${panel('images')} [data-metric]`).count(), 0, 'no number survives');
      assert.ok(
        await page.locator(`${panel('images')} [data-export]`).evaluateAll((bs) => bs.every((b) => b.disabled)),
        'exports disabled',
      );
    });

    await showMode(page, 'audio');
    const audioReady = settledState(page, 'audio');
    assert.equal(await audioReady(), 'ready');

    await t.test("audio: PIT's permutation is shown for the two-source file; its SI-SDR is PIT's value", async () => {
      const row = await page.$$eval('#audio-per-file tbody tr', (trs) =>
        trs.map((tr) => [...tr.children].map((td) => td.textContent)).find((r) => r[0] === 'duet'),
      );
      assert.ok(row.includes('1←2, 2←1'), `the duet's sources are swapped in the estimate: ${row}`);
      const [sisdr, pit] = await Promise.all(
        ['ScaleInvariantSignalDistortionRatio', 'PermutationInvariantTraining'].map((m) =>
          page.$eval(`#audio-per-file [data-metric="${m}"][data-pair="duet"]`, (e) => Number(e.dataset.value)),
        ),
      );
      assert.ok(Math.abs(sisdr - pit) < 1e-9 * Math.abs(pit), `${sisdr} vs ${pit}`);
      assert.ok(
        (await page.locator(`${panel('audio')} [data-waves] canvas`).count()) >= 2,
        'waveforms of reference and estimate',
      );
      await page.selectOption(`${panel('audio')} [data-option="channels"]`, 'channels in order');
      assert.equal(await audioReady(), 'ready');
      const inOrder = await page.$eval(
        '#audio-per-file [data-metric="ScaleInvariantSignalDistortionRatio"][data-pair="duet"]',
        (e) => Number(e.dataset.value),
      );
      assert.ok(inOrder < sisdr, "the channels in order (swapped sources) score worse than PIT's order");
      await page.selectOption(`${panel('audio')} [data-option="channels"]`, audio.options[0].default);
      assert.equal(await audioReady(), 'ready');
    });

    await t.test('audio: a recording at another rate shows one banner naming both files', async () => {
      // the estimate "speech.wav" rewritten with a 16 kHz header (its reference is 8 kHz)
      const bytes = Buffer.from(readFileSync(join(webDir, 'samples/audio/estimate/speech.wav')));
      const fmt = bytes.indexOf('fmt ');
      bytes.writeUInt32LE(16000, fmt + 12);
      bytes.writeUInt32LE(32000, fmt + 16);
      await page.setInputFiles(`${panel('audio')} input[data-input="audio-estimate"]`, [
        { name: 'speech.wav', mimeType: 'audio/wav', buffer: bytes },
      ]);
      assert.equal(await audioReady(), 'error');
      const alerts = await visibleAlerts(page);
      assert.equal(alerts.length, 1);
      assert.match(
        alerts[0].text,
        /speech\.wav \(estimate\) and speech\.wav \(reference\): the sample rates differ: 16000 Hz and 8000 Hz/,
      );
      assert.equal(await page.locator(`${panel('audio')} [data-metric]`).count(), 0);
    });
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
