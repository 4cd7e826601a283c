#!/usr/bin/env node
// The demo page with a large CSV (issue 6: "a 200 MB CSV must not freeze the page"): writes a
// CSV of N MB (4 columns: three scores and a label) to a temp dir, drops it on the page in
// headless Chromium, and records while it parses and computes: how often requestAnimationFrame
// and a 0 ms timer got to run on the main thread (frames per second, longest gap between
// frames), how the progress bar advanced, parse time and end-to-end time. Run by hand
// (not in make test); the browser test runs the same path at 40 MB.
// Usage: node bench/web-big-csv.mjs [--mb=200] [--json]   (after `make npm` and npm ci in web/)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  chromiumOrSkip,
  launchChromium,
  startDemoServer,
  startMainThreadProbe,
  writeSyntheticCsv,
} from '../tests/js/web-harness.mjs';
import { benchArgs } from './args.mjs';

const args = benchArgs('bench/web-big-csv.mjs', ['mb', 'json']);
const mbWanted = Number(args.mb ?? 200);
const chromium = chromiumOrSkip({
  skip: (why) => {
    throw new Error(why);
  },
});
const { server, origin } = await startDemoServer();

const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-big-csv-'));
const file = join(tmp, 'big.csv');
const rows = Math.ceil((mbWanted * 2 ** 20) / 29); // 29 bytes a row
await writeSyntheticCsv(file, rows);

const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(origin + '/web/');
  const results = '[data-results="classification"]'; // the page contract (web/README.md)
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'ready', results, {
    timeout: 120_000,
  });
  const t0 = await startMainThreadProbe(page, { timers: true });
  await page.setInputFiles('input[data-input="predictions"]', file);
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.state !== 'computing', results, {
    timeout: 1_800_000,
    polling: 500,
  });
  const p = await page.evaluate(() => {
    window.__probe.stop = true;
    window.__probe.end = performance.now();
    return window.__probe;
  });
  const state = await page.$eval(results, (e) => e.dataset.state);
  const errors = await page.$$eval('.cell .error:not([hidden])', (es) => es.map((e) => e.textContent));
  const gaps = (ts) =>
    ts
      .slice(1)
      .map((t, i) => t - ts[i])
      .filter((_, i) => ts[i] >= t0);
  const parseEnd = p.parsedAt ?? p.end;
  const inParse = (ts) => ts.filter((t) => t >= t0 && t <= parseEnd);
  const frameGaps = gaps(inParse(p.frames));
  const timerGaps = gaps(inParse(p.timers));
  const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
  const result = {
    mb: +(statSync(file).size / 2 ** 20).toFixed(1),
    rows,
    state,
    errors,
    parseSeconds: +((parseEnd - t0) / 1000).toFixed(2),
    totalSeconds: +((p.end - t0) / 1000).toFixed(2),
    parseMBps: +(statSync(file).size / 2 ** 20 / ((parseEnd - t0) / 1000)).toFixed(1),
    progressUpdates: p.progress.length,
    progressValues: p.progress.filter((_, i, a) => i % Math.ceil(a.length / 8) === 0).map(([, v]) => +v.toFixed(3)),
    framesDuringParse: frameGaps.length + 1,
    fpsDuringParse: +((frameGaps.length + 1) / ((parseEnd - t0) / 1000)).toFixed(1),
    frameGapMs: {
      median: +pct(frameGaps, 0.5).toFixed(1),
      p99: +pct(frameGaps, 0.99).toFixed(1),
      max: +Math.max(...frameGaps).toFixed(1),
    },
    // the whole run: parse, compute in the worker, then drawing the results and plots here
    frameGapWholeRunMs: (() => {
      const g = gaps(p.frames.filter((t) => t >= t0));
      return { p99: +pct(g, 0.99).toFixed(1), max: +Math.max(...g).toFixed(1) };
    })(),
    timerGapMs: {
      median: +pct(timerGaps, 0.5).toFixed(1),
      p99: +pct(timerGaps, 0.99).toFixed(1),
      max: +Math.max(...timerGaps).toFixed(1),
    },
    resultLine: await page.$eval('#results-out .muted', (e) => e.textContent).catch(() => null),
  };
  console.log(args.json ? JSON.stringify(result) : result);
} finally {
  await browser.close();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
