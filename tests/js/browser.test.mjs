// evaluateParallel in Chromium with 2 Web Workers (tests/browser/parallel.html): equal to one
// thread, and every failure (a worker that throws, closes, never answers; abort) rejects; through
// playwright-core (a devDependency of npm/) driving Debian's /usr/bin/chromium: no browser is
// downloaded. The repository is served by a tiny HTTP server on 127.0.0.1. Skipped only when
// /usr/bin/chromium is absent (scripts/install-deps.sh installs it).
import assert from 'node:assert/strict';
import { existsSync, createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, sep } from 'node:path';
import { test } from 'node:test';

import { importPackage, npmDir, repoRoot } from './helpers.mjs';

const CHROMIUM = '/usr/bin/chromium';
const MIME = {
  '.html': 'text/html',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serveRepo() {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end(); // the browser asks for it on its own
      return;
    }
    const path = normalize(join(repoRoot, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(repoRoot + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test(
  'evaluateParallel with 2 Web Workers in Chromium equals single-thread, every family; failures reject',
  { timeout: 180_000 },
  async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is absent (apt-get install chromium; scripts/install-deps.sh does it)`);
      return;
    }
    await importPackage(); // fails clearly when npm/dist is missing
    const { chromium } = createRequire(join(npmDir, 'package.json'))('playwright-core');
    const server = await serveRepo();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
      await page.goto(`http://127.0.0.1:${server.address().port}/tests/browser/parallel.html`);
      const result = await page.evaluate(() => window.wasmetricsResult);
      assert.equal(result.error, undefined, result.error);
      assert.deepEqual(problems, []);
      assert.ok(Object.keys(result.families).length >= 5);
      for (const [family, r] of Object.entries(result.families)) {
        assert.ok(r.equal, `${family}: parallel ${r.got} != single-thread ${r.want}`);
        assert.equal(r.workers, 2, `${family}: 2 Web Workers started`);
        assert.equal(r.progress, r.total, `${family}: progress reached the total`);
        assert.ok(r.intact, `${family}: the caller's batches are intact after the call`);
      }
      const f = result.failures;
      assert.deepEqual(
        f.fixtureNormal,
        { value: f.want },
        'the misbehaving-worker fixture serves correctly in normal mode',
      );
      assert.match(
        f.throwBatch.error ?? '',
        /^evaluateParallel: worker \d failed while working on batch \d: .*boom: the worker threw/,
      );
      assert.match(
        f.closeOnStart.error ?? '',
        /^evaluateParallel: worker \d sent nothing for 1500 ms while loading the package \(timeoutMs/,
      );
      assert.match(
        f.closeOnBatch.error ?? '',
        /^evaluateParallel: worker \d sent nothing for 5000 ms while working on batch \d \(timeoutMs/,
      );
      assert.match(
        f.silent.error ?? '',
        /^evaluateParallel: worker \d sent nothing for 1500 ms while loading the package/,
      );
      assert.equal(f.abort.name, 'AbortError');
      assert.match(f.abort.error, /^evaluateParallel: aborted/);
      assert.match(f.badBatch.error ?? '', /^evaluateParallel: batch 2: .*MeanSquaredError/);
      assert.deepEqual(f.afterwards, { value: f.want }, 'a call after the failures works');
      assert.deepEqual(f.sameBatchesAgain, { value: f.want }, 'the same batches evaluate again');
    } finally {
      await browser.close();
      server.close();
    }
  },
);
