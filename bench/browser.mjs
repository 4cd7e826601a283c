#!/usr/bin/env node
// The browser row (issue 25): W1, W3 and W5 (bench/browser-workloads.mjs) inside headless Chromium
// (/usr/bin/chromium via playwright-core, as the browser tests), in a module Web Worker that imports
// the package's browser build as the demo page's workers do, and the same function in this Node
// process; prints each row's browser / Node ratio, so that a regression of the browser path (a
// missing SIMD probe, a slower build chosen) shows. Both sides take the SIMD build when available.
//   node bench/browser.mjs [--scale=S] [--runs=N] [--out=DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromiumOrSkip, launchChromium } from '../tests/js/web-harness.mjs';
import { benchArgs } from './args.mjs';
import { runBrowserWorkloads } from './browser-workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const distDir = resolve(here, '../npm/dist');
const TYPES = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const args = benchArgs('bench/browser.mjs', ['scale', 'runs', 'out']);
const SCALE = Number(args.scale ?? 0.1);
const RUNS = Number(args.runs ?? 5);
const OUT = resolve(args.out ?? join(here, 'results'));

const WORKER = `import * as lib from '/dist/index.browser.mjs';
import { runBrowserWorkloads } from '/bench/browser-workloads.mjs';
self.onmessage = async ({ data }) => {
  try {
    await lib.init();
    self.postMessage(runBrowserWorkloads(lib, data));
  } catch (e) {
    self.postMessage({ error: String(e && e.stack || e) });
  }
};`;

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/')
    return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>bench</title>');
  if (path === '/worker.mjs') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(WORKER);
  const file =
    path === '/bench/browser-workloads.mjs'
      ? join(here, 'browser-workloads.mjs')
      : join(distDir, path.replace(/^\/dist\//, ''));
  if (!(path.startsWith('/dist/') && file.startsWith(distDir)) && path !== '/bench/browser-workloads.mjs')
    return res.writeHead(404).end();
  try {
    res
      .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});

const loadBefore = loadavg()[0];
const chromium = chromiumOrSkip({
  skip: (why) => {
    throw new Error(why);
  },
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;
let browserResult;
const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  browserResult = await page.evaluate(
    (opts) =>
      new Promise((ok) => {
        const w = new Worker('/worker.mjs', { type: 'module' });
        w.onmessage = ({ data }) => ok(data);
        w.onerror = (e) => ok({ error: e.message || 'worker error' });
        w.postMessage(opts);
      }),
    { scale: SCALE, runs: RUNS },
  );
} finally {
  await browser.close();
  server.close();
}
if (browserResult.error) throw new Error(`in Chromium: ${browserResult.error}`);

const lib = await import(pathToFileURL(join(distDir, 'index.mjs')).href);
await lib.init();
const nodeResult = runBrowserWorkloads(lib, { scale: SCALE, runs: RUNS });

const rows = nodeResult.rows.map((n, i) => {
  const b = browserResult.rows[i];
  if (b.contender !== n.contender) throw new Error(`row mismatch: ${b.contender} vs ${n.contender}`);
  return {
    workload: n.workload,
    contender: n.contender,
    nodeMs: n.ms,
    browserMs: b.ms,
    ratio: b.ms / n.ms,
    agree:
      Math.abs(b.value - n.value) <= 1e-9 * Math.max(1, Math.abs(n.value)) ||
      (Number.isNaN(b.value) && Number.isNaN(n.value)),
  };
});
console.log(
  `browser row: Chromium (Web Worker, ${browserResult.simd ? 'SIMD' : 'plain'} build) vs Node (${nodeResult.simd ? 'SIMD' : 'plain'} build), ` +
    `scale ${SCALE}, median of ${RUNS} runs; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
);
for (const r of rows) {
  console.log(
    `  ${r.browserMs.toFixed(2).padStart(9)} ms Chromium ${r.nodeMs.toFixed(2).padStart(9)} ms Node  ${r.ratio.toFixed(2).padStart(5)}x  ` +
      `${r.workload}: ${r.contender}${r.agree ? '' : '  WARNING: values differ'}`,
  );
}
mkdirSync(OUT, { recursive: true });
const file = join(OUT, `browser${SCALE === 0.1 ? '' : `-scale${SCALE}`}.json`);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      scale: SCALE,
      runs: RUNS,
      date: new Date().toISOString(),
      browserSimd: browserResult.simd,
      nodeSimd: nodeResult.simd,
      rows,
    },
    null,
    1,
  )}\n`,
);
console.log(`wrote ${file}`);
