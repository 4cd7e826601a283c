#!/usr/bin/env node
// Issue 20: how long the Annotation diff mode takes to load a large pair and become reviewable.
// Generates a seeded reference/candidate pair (web/scripts/make-annodiff-sample.mjs, no images),
// then (1) times the mode's evaluate in Node with the npm package (reading, COCOMatches, outcomes,
// mAP, TIDE/confusion when present), and (2) in headless Chromium uploads both files and times
// from the upload to the results shown (data-state ready: the per-class table, the image list
// and the viewer drawn), while a probe on the page's thread records its longest stall (the work
// runs in the mode's worker). web/README.md ("Annotation diff") records the numbers. Run by hand.
// Usage: node bench/web-annodiff.mjs [--images=5000] [--objects=50000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { importPackage } from '../tests/js/helpers.mjs';
import { chromiumOrSkip, launchChromium, startDemoServer } from '../tests/js/web-harness.mjs';
import { benchArgs } from './args.mjs';

const args = benchArgs('bench/web-annodiff.mjs', ['images', 'objects']);
const [images, objects] = [Number(args.images ?? 5000), Number(args.objects ?? 50000)];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-annodiff-'));
console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
execFileSync(
  process.execPath,
  [
    join(root, 'web/scripts/make-annodiff-sample.mjs'),
    `--images=${images}`,
    `--objects=${objects}`,
    `--out=${tmp}`,
    '--no-png',
  ],
  { stdio: 'inherit' },
);
const ref = join(tmp, 'reference.json');
const cand = join(tmp, 'candidate.json');

const wasmetrics = await importPackage();
await wasmetrics.init();
const mode = (await import(join(root, 'web/js/modes/annodiff.mjs'))).default;
const files = {
  reference: [{ name: 'reference.json', text: readFileSync(ref, 'utf8') }],
  candidate: [{ name: 'candidate.json', text: readFileSync(cand, 'utf8') }],
};
let t0 = performance.now();
const r = await mode.evaluate(files, wasmetrics, { iou: '0.5', compare: 'bbox', imageSize: '' });
console.log(
  `node evaluate: ${Math.round(performance.now() - t0)} ms (${r.counts.all.ref} reference, ${r.counts.all.cand} candidate objects; TIDE ${r.tide ? 'yes' : 'no'}, confusion ${r.confusion ? 'yes' : 'no'})`,
);

const chromium = chromiumOrSkip({
  skip: (why) => {
    throw new Error(why);
  },
});
const { server, origin } = await startDemoServer();
const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${origin}/web/?mode=annodiff`);
  const results = '[data-results="annodiff"]';
  await page.waitForFunction(
    (sel) => ['ready', 'error'].includes(document.querySelector(sel)?.dataset.state),
    results,
    { timeout: 300_000 },
  );
  // the page thread's longest gap between timer ticks while the pair loads (a frozen page stalls it)
  await page.evaluate(() => {
    window.__gap = 0;
    let last = performance.now();
    window.__probe = setInterval(() => {
      const now = performance.now();
      window.__gap = Math.max(window.__gap, now - last);
      last = now;
    }, 20);
  });
  await page.setInputFiles('input[data-input="candidate"]', cand);
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.state !== 'computing', results, {
    timeout: 1_800_000,
    polling: 200,
  });
  t0 = performance.now();
  await page.setInputFiles('input[data-input="reference"]', ref);
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.state !== 'computing', results, {
    timeout: 1_800_000,
    polling: 100,
  });
  const ms = performance.now() - t0;
  const state = await page.$eval(results, (e) => e.dataset.state);
  const gap = await page.evaluate(() => window.__gap);
  const caption = await page.textContent('#annodiff-viewer-caption').catch(() => '');
  console.log(
    `chromium: upload to reviewable: ${Math.round(ms)} ms (state ${state}); the page thread's longest stall: ${Math.round(gap)} ms; viewer: ${caption.slice(0, 80)}`,
  );
} finally {
  await browser.close();
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
