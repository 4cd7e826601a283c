// Accessibility and phone width of the demo page (web/), each mode with results shown, in headless
// Chromium (tests/js/web-harness.mjs): axe-core (web/'s devDependencies) finds no critical or
// serious violation in the light and the dark theme (prefers-color-scheme), and at 390x844
// nothing scrolls sideways. Every mode of the registry (web/js/modes/registry.mjs) is visited. Skipped only where
// /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { chromiumOrSkip, launchChromium, settledState, showMode, startDemoServer, webDir } from './web-harness.mjs';

const axeSource = readFileSync(createRequire(join(webDir, 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');

const { MODES } = await import(pathToFileURL(join(webDir, 'js/modes/registry.mjs')).href);

/** Every registered mode with its first sample's results shown. */
async function showEveryMode(page, visit) {
  for (const mode of MODES) {
    await showMode(page, mode);
    await settledState(page, mode)(); // a mode may load a sample when first shown
    await page.click(`[data-mode-panel="${mode}"] button[data-sample]`);
    assert.equal(await settledState(page, mode)(), 'ready', mode);
    await visit(mode);
  }
}

test('demo page: accessibility and phone width', { timeout: 300_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const browser = await launchChromium(chromium);
  try {
    for (const colorScheme of ['light', 'dark'])
      await t.test(`axe-core: no critical or serious violation in any mode (${colorScheme} theme)`, async () => {
        const page = await (
          await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme })
        ).newPage();
        await page.goto(origin + '/web/');
        await page.evaluate(axeSource); // through the DevTools protocol: the page's CSP stays as it is
        const found = [];
        await showEveryMode(page, async (mode) => {
          const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
          for (const v of r.violations.filter((x) => ['critical', 'serious'].includes(x.impact))) {
            found.push(
              `${mode}: ${v.id} (${v.impact}): ${v.help}; ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(' | ')}`,
            );
          }
        });
        assert.deepEqual(found, []);
      });

    await t.test('390x844: no horizontal scroll in any mode', async () => {
      const page = await (
        await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
      ).newPage();
      await page.goto(origin + '/web/');
      const wide = [];
      await showEveryMode(page, async (mode) => {
        const w = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          culprits: [...document.querySelectorAll('body *')]
            .filter(
              (e) =>
                e.offsetParent !== null &&
                e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 &&
                !e.closest('.out, pre, .table-scroll'),
            )
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`),
        }));
        if (w.scroll > w.client)
          wide.push(`${mode}: page ${w.scroll} px wide in a ${w.client} px screen (${w.culprits.join(', ')})`);
      });
      assert.deepEqual(wide, []);
    });
  } finally {
    await browser.close();
    server.close();
  }
});
