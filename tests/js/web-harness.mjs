// Shared by the demo page's browser tests (not a test file itself): Playwright's Chromium (Debian's
// /usr/bin/chromium, never a downloaded browser), the page served as `make demo` serves it, the
// page's settled state, and the sample CSV readers.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { repoRoot } from './helpers.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const webDir = join(repoRoot, 'web');

/** Playwright's chromium launcher; null (and `t` skipped) only where /usr/bin/chromium is absent. */
export function chromiumOrSkip(t) {
  if (!existsSync(CHROMIUM)) {
    t.skip('no /usr/bin/chromium (apt-get install chromium; scripts/install-deps.sh does)');
    return null;
  }
  try {
    return createRequire(join(webDir, 'package.json'))('playwright-core').chromium;
  } catch {
    throw new Error('web/node_modules is missing: run `npm ci` in web/ (scripts/install-deps.sh does)');
  }
}

/** Vendors the page's dependencies and serves the repository as `make demo` does. */
export async function startDemoServer() {
  execFileSync(process.execPath, [join(webDir, 'scripts/vendor.mjs')], { stdio: 'inherit' });
  const serve = await import(pathToFileURL(join(webDir, 'serve.mjs')).href);
  const server = serve.createDemoServer();
  const origin = await serve.listen(server, 0);
  return { server, origin, serve };
}

export function launchChromium(chromium) {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * A waiter for a settled state: data-state of `selector` (the page's body, or a cell with its own
 * state) 'ready' or 'error', and still so a moment later (an action may queue a follow-up run
 * just after the first one ends).
 */
export function settledState(page, selector = 'body') {
  return async () => {
    for (;;) {
      await page.waitForFunction((sel) => ['ready', 'error'].includes(document.querySelector(sel)?.dataset.state), selector, { timeout: 120_000 });
      await page.waitForTimeout(200);
      const state = await page.$eval(selector, (e) => e.dataset.state);
      if (state === 'ready' || state === 'error') return state;
    }
  };
}

/** A simple comma-separated sample file: its header and a column getter. */
export function readCsv(file) {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
  return { header, col: (name) => rows.map((r) => r[header.indexOf(name)]) };
}

/** Columns of number strings as one row-major [n, columns] float64 tensor. */
export function stack(columns) {
  const n = columns[0].length;
  return { data: Float64Array.from({ length: n * columns.length }, (_, k) => Number(columns[k % columns.length][Math.floor(k / columns.length)])), shape: [n, columns.length] };
}
