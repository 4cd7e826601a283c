// Shared by the demo page's browser tests (not a test file itself): Playwright's Chromium (Debian's
// /usr/bin/chromium, never a downloaded browser), the page served as `make demo` serves it, the
// page's settled state, the sample CSV readers, and the large-CSV generator and main-thread probe
// (also used by bench/web-big-csv.mjs).
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
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
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A waiter for a settled mode (the page contract, web/README.md): the data-state of the mode's
 * results area [data-results=mode] is ready, error or empty, and still so a moment later (an
 * action may queue a follow-up run just after the first one ends). Every action that starts work
 * sets 'computing' synchronously, so no state of an earlier run is read as the new one's.
 */
export function settledState(page, mode = 'classification') {
  const selector = `[data-results="${mode}"]`;
  const done = ['ready', 'error', 'empty'];
  return async () => {
    for (;;) {
      await page.waitForFunction(
        ([sel, ok]) => ok.includes(document.querySelector(sel)?.dataset.state),
        [selector, done],
        { timeout: 120_000 },
      );
      await page.waitForTimeout(200);
      const state = await page.$eval(selector, (e) => e.dataset.state);
      if (done.includes(state)) return state;
    }
  };
}

/**
 * Right after page.goto(): the page opens on a bundled sample, so the mode's results settle on
 * 'ready' (or 'error') once the module has loaded and the sample is computed; 'empty' is only the
 * moment before that, however long the machine takes to get there.
 */
export async function openedState(page, mode = 'classification') {
  const selector = `[data-results="${mode}"]`;
  await page.waitForFunction(
    (sel) => ['ready', 'error'].includes(document.querySelector(sel)?.dataset.state),
    selector,
    { timeout: 120_000 },
  );
  return settledState(page, mode)();
}

/** Clicks the mode switch's button for `mode` ([data-mode=mode]). */
export const showMode = (page, mode) => page.click(`button[data-mode="${mode}"]`);

/** The input of a role ([data-input=role]). */
export const input = (role) => `input[data-input="${role}"]`;

/**
 * The results a mode shows, per the contract: every [data-metric] element in its results area
 * with its data-value parsed (NaN kept), data-class, data-average, data-key, data-options and its table's id.
 */
export function shownMetrics(page, mode = 'classification') {
  return page.$$eval(`[data-results="${mode}"] [data-metric]`, (els) =>
    els.map((e) => ({
      metric: e.dataset.metric,
      value: /^(NaN|-?Infinity)$/.test(e.dataset.value) ? Number(e.dataset.value) : JSON.parse(e.dataset.value),
      class: e.dataset.class ?? null,
      average: e.dataset.average ?? null,
      key: e.dataset.key ?? null,
      options: e.dataset.options ? JSON.parse(e.dataset.options) : null,
      table: e.closest('table')?.id || null, // where it is shown: #metrics-table, #per-class-table, a plot's values, ...
    })),
  );
}

/** The visible role="alert" elements' text (the contract: at most one, the mode's banner). */
export function visibleAlerts(page) {
  return page.$$eval('[role="alert"]', (els) =>
    els
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({
        text: e.textContent,
        link: e.querySelector('a[href^="#"]')?.getAttribute('href') ?? null,
      })),
  );
}

/** A simple comma-separated sample file: its header and a column getter. */
export function readCsv(file) {
  const [header, ...rows] = readFileSync(file, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(','));
  return { header, col: (name) => rows.map((r) => r[header.indexOf(name)]) };
}

/** Columns of number strings as one row-major [n, columns] float64 tensor. */
export function stack(columns) {
  const n = columns[0].length;
  return {
    data: Float64Array.from({ length: n * columns.length }, (_, k) =>
      Number(columns[k % columns.length][Math.floor(k / columns.length)]),
    ),
    shape: [n, columns.length],
  };
}

/**
 * Streams a synthetic CSV of `rows` rows to `file` in 10,000-row chunks (no memory spike at any
 * size): `score_a,score_b,score_c,label` with 3 classes, or `score_a,score_b,label` binary. Rows
 * are ~29 bytes (multiclass) or ~20 bytes (binary).
 */
export function writeSyntheticCsv(file, rows, { binary = false } = {}) {
  const row = binary
    ? (i, a, b) => `${a.toFixed(6)},${b.toFixed(6)},${i % 2}\n`
    : (i, a, b) => `${a.toFixed(6)},${b.toFixed(6)},${(1 - a).toFixed(6)},${i % 3}\n`;
  return new Promise((done, fail) => {
    const s = createWriteStream(file);
    s.on('error', fail);
    s.write(binary ? 'score_a,score_b,label\n' : 'score_a,score_b,score_c,label\n');
    let i = 0;
    const more = () => {
      let ok = true;
      while (i < rows && ok) {
        let chunk = '';
        for (let k = 0; k < 10000 && i < rows; k++, i++)
          chunk += row(i, ((i * 7919) % 1000) / 1000, ((i * 104729) % 1000) / 1000);
        ok = s.write(chunk);
      }
      if (i < rows) s.once('drain', more);
      else s.end(done);
    };
    more();
  });
}

/**
 * Starts recording on the page's main thread, into `window.__probe`: the time of every animation
 * frame (`frames`), of every 0 ms timer (`timers`, with `timers: true`), and every value the parse
 * progress bar shows (`progress`: [time, value]) with the time it hid again (`parsedAt`). Set
 * `window.__probe.stop = true` to end it.
 */
export function startMainThreadProbe(page, { timers = false } = {}) {
  return page.evaluate((withTimers) => {
    const p = (window.__probe = { frames: [], timers: [], progress: [], parsedAt: null, start: performance.now() });
    const frame = () => {
      p.frames.push(performance.now());
      if (!p.stop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    if (withTimers) {
      const tick = () => {
        p.timers.push(performance.now());
        if (!p.stop) setTimeout(tick, 0);
      };
      tick();
    }
    const bar = document.querySelector('#parse-progress');
    new MutationObserver(() => {
      if (!bar.hidden) p.progress.push([performance.now(), bar.querySelector('progress').value]);
      else if (p.progress.length && p.parsedAt === null) p.parsedAt = performance.now();
    }).observe(bar, { attributes: true, subtree: true });
    return p.start;
  }, timers);
}
