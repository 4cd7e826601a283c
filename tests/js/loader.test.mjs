// init() and the loader: each scenario needs a fresh module state (init() loads once per realm),
// so each runs in a child node process that prints one JSON line. HTTP loading is checked against
// a server on 127.0.0.1 in this process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { distCjsPath, distDir, distMjsUrl, importPackage } from './helpers.mjs';

await importPackage(); // fails clearly if npm/dist is missing

const run = promisify(execFile);

// Runs `body` (ESM; `W` is the package) in a child process and returns its printed JSON.
async function child(body, { nodeArgs = [], cjs = false } = {}) {
  const code = cjs
    ? `const W = require(${JSON.stringify(distCjsPath)});\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });`
    : `import * as W from ${JSON.stringify(distMjsUrl)};\n${body}`;
  const args = [...nodeArgs, ...(cjs ? [] : ['--input-type=module']), '-e', code];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// Every child checks the same computation; its expected value comes from the data.
const CHECK = `
  const m = new W.MeanSquaredError();
  m.update([1, 2, 4], [1, 4, 0]);
  out.value = m.compute();
  m.dispose();`;
const EXPECTED_VALUE = ((1 - 1) ** 2 + (2 - 4) ** 2 + (4 - 0) ** 2) / 3;

test('a failed init() rejects with the URL, leaves simd() unusable, and a later init() retries', async () => {
  const out = await child(`
    const out = {};
    try { await W.init({ wasmUrl: '/nonexistent/dir/wasmetrics.wasm' }); out.bad = 'resolved'; } catch (e) { out.bad = e.message; }
    try { W.simd(); out.simdAfterFailure = 'no error'; } catch (e) { out.simdAfterFailure = e.message; }
    try { await W.init({ wasmBinaryy: new Uint8Array(1) }); out.unknown = 'resolved'; } catch (e) { out.unknown = e.message; }
    const p = W.init({ simd: false });
    await p;
    out.simd = W.simd();
    out.samePromise = W.init({ simd: false }) === p && W.init() === p;
    try { await W.init({ simd: true }); out.conflict = 'resolved'; } catch (e) { out.conflict = e.message; }
    ${CHECK}
    console.log(JSON.stringify(out));`);
  assert.match(out.bad, /could not load \/nonexistent\/dir\/wasmetrics\.wasm/);
  assert.match(out.simdAfterFailure, /call `await init\(\)` first/);
  assert.match(out.unknown, /unknown option 'wasmBinaryy'/);
  assert.equal(out.simd, false);
  assert.equal(out.samePromise, true);
  assert.match(out.conflict, /already initialized with other options/);
  assert.equal(out.value, EXPECTED_VALUE);
});

test('init({wasmBinary}) uses the given bytes', async () => {
  const out = await child(`
    const { readFileSync } = await import('node:fs');
    const out = {};
    await W.init({ simd: false, wasmBinary: readFileSync(${JSON.stringify(join(distDir, 'wasmetrics-plain.wasm'))}) });
    out.simd = W.simd();
    ${CHECK}
    console.log(JSON.stringify(out));`);
  assert.deepEqual(out, { simd: false, value: EXPECTED_VALUE });
});

test('the CommonJS build finds its .wasm next to index.cjs', async () => {
  const out = await child(
    `
    const out = {};
    await W.init();
    out.simd = W.simd();
    ${CHECK}
    console.log(JSON.stringify(out));`,
    { cjs: true },
  );
  assert.deepEqual(out, { simd: true, value: EXPECTED_VALUE });
});

test('a forgotten metric is freed by the FinalizationRegistry safety net', async () => {
  // 6000 metrics of 800 KB of state each (4.8 GB) never disposed: without the safety net the
  // 4 GB heap runs out.
  const out = await child(
    `
    await W.init();
    const out = { created: 0 };
    const width = 100000;
    const row = { data: new Float64Array(width), shape: [1, width] };
    for (let i = 0; i < 6000; i++) {
      const m = new W.MeanSquaredError({ numOutputs: width });
      m.update(row, row);
      out.created++;
      if (i % 100 === 99) { globalThis.gc(); await new Promise((r) => setTimeout(r, 0)); }
    }
    console.log(JSON.stringify(out));`,
    { nodeArgs: ['--expose-gc'] },
  );
  assert.equal(out.created, 6000);
});

let server;
let base;
const requests = [];

before(async () => {
  // /wasm/<file> is served as application/wasm (streaming compile), /octet/<file> as
  // application/octet-stream (the loader must fall back to reading the bytes); the rest is 404.
  server = createServer((req, res) => {
    requests.push(req.url);
    const m = /^\/(wasm|octet)\/(wasmetrics-(?:simd|plain)\.wasm)$/.exec(req.url);
    if (!m) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': m[1] === 'wasm' ? 'application/wasm' : 'application/octet-stream' });
    res.end(readFileSync(join(distDir, m[2])));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server.close());

test('init({wasmUrl}) fetches over HTTP (application/wasm: streaming compilation)', async () => {
  const out = await child(`
    const out = {};
    await W.init({ wasmUrl: ${JSON.stringify(`${base}/wasm/wasmetrics-simd.wasm`)} });
    out.simd = W.simd();
    ${CHECK}
    console.log(JSON.stringify(out));`);
  assert.equal(out.simd, true);
  assert.equal(out.value, EXPECTED_VALUE);
  assert.ok(requests.includes('/wasm/wasmetrics-simd.wasm'));
});

test('init({locateFile}) gets the file name and default URL; another MIME type falls back to bytes', async () => {
  const out = await child(`
    const out = {};
    await W.init({ simd: false, locateFile: (file, defaultUrl) => {
      out.file = file; out.defaultUrl = defaultUrl;
      return new URL('/octet/' + file, ${JSON.stringify(base)});
    } });
    out.simd = W.simd();
    ${CHECK}
    console.log(JSON.stringify(out));`);
  assert.equal(out.file, 'wasmetrics-plain.wasm');
  assert.equal(out.defaultUrl, new URL('wasmetrics-plain.wasm', `${distMjsUrl}`).href);
  assert.equal(out.simd, false);
  assert.equal(out.value, EXPECTED_VALUE);
  assert.ok(requests.includes('/octet/wasmetrics-plain.wasm'));
});

test('an HTTP error rejects init() with the status', async () => {
  const out = await child(`
    const out = {};
    try { await W.init({ wasmUrl: ${JSON.stringify(`${base}/missing.wasm`)} }); out.error = 'resolved'; } catch (e) { out.error = e.message; }
    console.log(JSON.stringify(out));`);
  assert.match(out.error, /missing\.wasm: HTTP 404/);
});
