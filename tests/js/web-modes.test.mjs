// Every mode of the demo page (web/js/modes/registry.mjs), in headless Chromium: for each of its
// bundled samples, every number the page shows as a result ([data-metric][data-value], the page
// contract of web/README.md, summary strip included) equals what the npm package computes in
// Node from the same files — through the mode's own `expected(cell, files, wasmetrics)`, which
// recomputes one cell from its data-metric, data-options and data-key. Generic over the modes: a
// mode added to the registry is covered without touching this file. Also, for the modes built on
// the shared notebook (mode-shell.mjs): a broken file clears the results and shows one banner,
// and a reload restores the sample and the options and recomputes (never a stale number).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { importPackage } from './helpers.mjs';
import { chromiumOrSkip, launchChromium, settledState, showMode, visibleAlerts, webDir } from './web-harness.mjs';

const wasmetrics = await importPackage();
await wasmetrics.init();
const { MODES } = await import(pathToFileURL(join(webDir, 'js/modes/registry.mjs')).href);
const { plain } = await import(pathToFileURL(join(webDir, 'js/mode-lib.mjs')).href);
const modeOf = async (name) => (await import(pathToFileURL(join(webDir, `js/modes/${name}.mjs`)).href)).default;

/** A sample's files as the mode's expected() takes them: role -> {name, text, bytes} (or a list). */
function sampleFiles(sample) {
  const one = (url) => {
    const bytes = readFileSync(join(webDir, url));
    return { name: url.split('/').pop(), text: bytes.toString('utf8'), bytes: new Uint8Array(bytes) };
  };
  return Object.fromEntries(
    Object.entries(sample.files).map(([role, url]) => [role, Array.isArray(url) ? url.map(one) : one(url)]),
  );
}

/** Every result cell of a mode's panel, its data-* attributes parsed (JSON where they hold JSON). */
function shownCells(page, mode) {
  return page.$$eval(`[data-mode-panel="${mode}"] [data-metric][data-value]`, (els) =>
    els.map((e) => {
      const d = { ...e.dataset };
      for (const k of ['options', 'queryOptions']) if (d[k]) d[k] = JSON.parse(d[k]);
      d.value = /^(NaN|-?Infinity)$/.test(d.value) ? Number(d.value) : JSON.parse(d.value);
      d.where = e.closest('[data-summary]') ? 'summary' : (e.closest('table')?.id ?? 'page');
      return d;
    }),
  );
}

const numbers = (v) =>
  typeof v === 'number'
    ? [v]
    : typeof v === 'boolean'
      ? [Number(v)]
      : Array.isArray(v)
        ? v.flatMap(numbers)
        : v && typeof v === 'object'
          ? Object.values(v).flatMap(numbers)
          : [NaN];
function same(got, want) {
  const [a, b] = [numbers(got), numbers(want)];
  return (
    a.length === b.length &&
    a.every(
      (x, i) =>
        (Number.isNaN(x) && Number.isNaN(b[i])) ||
        x === b[i] ||
        Math.abs(x - b[i]) <= 1e-9 * Math.max(1, Math.abs(b[i])),
    )
  );
}

/** Checks every shown cell against the package; returns how many were checked. */
async function checkCells(page, mode, files, label) {
  const cells = await shownCells(page, mode.name);
  assert.ok(cells.length > 0, `${label}: the page shows no [data-metric][data-value] number`);
  let checked = 0;
  const wrong = [];
  for (const cell of cells) {
    let want = await mode.expected(cell, files, wasmetrics);
    if (want === undefined) continue;
    want = plain(want);
    if (typeof cell.value === 'number' && Array.isArray(want) && cell.class !== undefined)
      want = want[Number(cell.class)];
    checked++;
    if (!same(cell.value, want))
      wrong.push(
        `${cell.where}: ${cell.metric} ${JSON.stringify(cell.options ?? {})} key=${cell.key ?? ''} class=${cell.class ?? ''} pair=${cell.pair ?? ''} run=${cell.run ?? ''}: page ${JSON.stringify(cell.value)}, package ${JSON.stringify(want)}`,
      );
  }
  assert.deepEqual(wrong, [], `${label}: numbers shown differ from the package's`);
  assert.ok(checked > 0, `${label}: none of the ${cells.length} numbers shown could be recomputed`);
  return { shown: cells.length, checked };
}

test(
  'every mode: every number shown for every sample equals the npm package in Node',
  { timeout: 900_000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { startDemoServer } = await import('./web-harness.mjs');
    const { server, origin } = await startDemoServer();
    const browser = await launchChromium(chromium);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      await page.goto(`${origin}/web/`);
      assert.deepEqual(
        await page.$$eval('button[data-mode]', (bs) => bs.map((b) => b.dataset.mode)),
        MODES,
        'one switch button per registered mode, in order',
      );
      for (const name of MODES) {
        const mode = await modeOf(name);
        await t.test(`${name}: its declared inputs and samples are on the page`, async () => {
          assert.equal(
            typeof mode.expected,
            'function',
            `mode ${name} declares no expected(cell, files, wasmetrics): the page's numbers cannot be checked`,
          );
          await showMode(page, name);
          for (const inp of mode.inputs)
            assert.equal(
              await page.locator(`[data-mode-panel="${name}"] input[data-input="${inp.role}"]`).count(),
              1,
              `input[data-input="${inp.role}"]`,
            );
          for (const s of mode.samples)
            assert.equal(
              await page.locator(`[data-mode-panel="${name}"] button[data-sample="${s.name}"]`).count(),
              1,
              `button[data-sample="${s.name}"]`,
            );
        });
        for (const sample of mode.samples) {
          await t.test(`${name} / sample ${sample.name}: numbers shown == the package in Node`, async () => {
            await showMode(page, name);
            await settledState(page, name)(); // the mode's own first run (a mode may load a sample when first shown)
            await page.click(`[data-mode-panel="${name}"] button[data-sample="${sample.name}"]`);
            assert.equal(await settledState(page, name)(), 'ready');
            assert.deepEqual(await visibleAlerts(page), []);
            const { shown, checked } = await checkCells(page, mode, sampleFiles(sample), `${name}/${sample.name}`);
            if (mode.code)
              assert.match(
                await page.$eval(`[data-mode-panel="${name}"] pre[data-code] code`, (c) => c.textContent),
                /from 'wasmetrics'[\s\S]*console\.log/,
                'copy as code is filled (tests/js/web-modes-code.test.mjs runs it)',
              );
            t.diagnostic(`${name}/${sample.name}: ${checked} of ${shown} numbers shown recomputed by the package`);
          });
        }
        if (mode.mount) continue; // the checks below are the shared notebook's
        await t.test(
          `${name}: a broken file clears the results and shows one banner linking to the input`,
          async () => {
            await showMode(page, name);
            const role = mode.inputs[0].role;
            await page.setInputFiles(`[data-mode-panel="${name}"] input[data-input="${role}"]`, {
              name: 'broken.txt',
              mimeType: 'text/plain',
              buffer: Buffer.from('x\n'),
            });
            assert.equal(await settledState(page, name)(), 'error');
            assert.equal(
              await page.locator(`[data-mode-panel="${name}"] [data-metric]`).count(),
              0,
              'no number of the earlier sample survives',
            );
            const alerts = await visibleAlerts(page);
            assert.equal(alerts.length, 1);
            assert.match(alerts[0].text, /broken\.txt/);
            assert.equal(alerts[0].link, `#cell-${name}-input`);
            assert.ok(
              await page
                .locator(`[data-mode-panel="${name}"] [data-export]`)
                .evaluateAll((bs) => bs.every((b) => b.disabled)),
              'exports disabled',
            );
          },
        );
      }
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      server.close();
    }
  },
);

test(
  'a notebook mode survives a reload: sample and options restored, numbers recomputed',
  { timeout: 300_000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { startDemoServer } = await import('./web-harness.mjs');
    const { server, origin } = await startDemoServer();
    const browser = await launchChromium(chromium);
    const page = await browser.newPage();
    try {
      // every notebook mode with an option: choose its last sample and a non-default option value
      for (const name of MODES) {
        const mode = await modeOf(name);
        const option = mode.options?.find((o) => o.choices && !o.multiple); // a select (a checkbox group has no selectOption)
        if (mode.mount || !option) continue;
        const sample = mode.samples.at(-1);
        const choice = option.choices.find((c) => String(c) !== String(option.default));
        await page.goto(`${origin}/web/?mode=${name}`);
        await page.click(`[data-mode-panel="${name}"] button[data-sample="${sample.name}"]`);
        assert.equal(await settledState(page, name)(), 'ready');
        await page.selectOption(`[data-mode-panel="${name}"] [data-option="${option.name}"]`, String(choice));
        const before = await settledState(page, name)();
        await page.reload();
        assert.equal(await page.$eval('body', (b) => b.dataset.mode), name, 'the mode shown last is shown again');
        assert.equal(await settledState(page, name)(), before);
        assert.equal(
          await page.$eval(`[data-mode-panel="${name}"] [data-option="${option.name}"]`, (s) => s.value),
          String(choice),
          `${name}: option ${option.name} restored`,
        );
        assert.equal(
          await page.$eval(`[data-mode-panel="${name}"] button[data-sample="${sample.name}"]`, (b) =>
            b.classList.contains('active'),
          ),
          true,
          `${name}: sample ${sample.name} reloaded`,
        );
        if (before === 'ready') await checkCells(page, mode, sampleFiles(sample), `${name} after reload`);
        t.diagnostic(`${name}: ${option.name}=${choice} and sample ${sample.name} restored (${before})`);
      }
    } finally {
      await browser.close();
      server.close();
    }
  },
);
