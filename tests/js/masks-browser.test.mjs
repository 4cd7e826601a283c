// The mask API in a real browser, no bundler: headless Chromium loads npm/dist/index.mjs from a
// server on 127.0.0.1 under a strict Content-Security-Policy, fetches sample PNGs as Blobs (as a
// page gets Files), decodes a palette and a 16-bit mask and runs evaluateMasks; the numbers must
// equal those of Node on the same files. Skipped where no Chromium is installed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { delimiter, join, normalize } from 'node:path';
import { test } from 'node:test';

import { importPackage, repoRoot } from './helpers.mjs';

const { init, evaluateMasks } = await importPackage();
await init();

const chromium = ['chromium', 'chromium-browser', 'google-chrome']
  .flatMap((b) => (process.env.PATH ?? '').split(delimiter).map((d) => join(d, b)))
  .find((p) => existsSync(p));

const NAMES = ['street_04.png', 'street_05.png', 'street_06.png', 'street_08.png'];

const PAGE = `<!doctype html>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'">
<body>loading</body><script type="module" src="/__test__/run.mjs"></script>`;

const RUN = `import { init, decodeMask, evaluateMasks } from '/npm/dist/index.mjs';
try {
  await init();
  const get = async (side, n) => new Blob([await (await fetch('/examples/data/masks/' + side + '/' + n)).arrayBuffer()]);
  const palette = decodeMask(await (await get('reference', 'street_04.png')).arrayBuffer(), { name: 'street_04.png' });
  const deep = decodeMask(new Uint8Array(await (await get('reference', 'street_06.png')).arrayBuffer()), { name: 'street_06.png' });
  const names = ${JSON.stringify(NAMES)};
  const pairs = await Promise.all(names.map(async (n) => ({ name: n, pred: await get('predicted', n), target: await get('reference', n) })));
  const r = await evaluateMasks(pairs, { numClasses: 6, ignoreIndex: 255 });
  document.body.textContent = 'RESULT ' + JSON.stringify({
    palette: [palette.colorType, palette.data.constructor.name, Array.from(palette.data)],
    deep: [deep.bitDepth, deep.data.constructor.name, Array.from(deep.data)],
    report: r,
  });
} catch (e) {
  document.body.textContent = 'ERROR ' + e.message;
}`;

const TYPES = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png', '.html': 'text/html' };

test(
  'in headless Chromium (strict CSP, no bundler): palette and 16-bit masks decode, evaluateMasks equals Node',
  { timeout: 120_000 },
  async (t) => {
    if (!chromium) {
      t.skip('no chromium in PATH');
      return;
    }
    const server = createServer((req, res) => {
      const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const body = url === '/' ? PAGE : url === '/__test__/run.mjs' ? RUN : null;
      if (body !== null) {
        res.writeHead(200, { 'content-type': url === '/' ? 'text/html' : 'text/javascript' });
        res.end(body);
        return;
      }
      const file = normalize(join(repoRoot, url));
      const allowed = [join(repoRoot, 'npm/dist'), join(repoRoot, 'examples/data/masks')].some((d) =>
        file.startsWith(d),
      );
      if (!allowed || !existsSync(file)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Playwright waits for the page's own verdict (no fixed time budget, so a loaded machine
    // only makes it slower, never wrong).
    const { chromium: browserType } = createRequire(join(repoRoot, 'npm/package.json'))('playwright-core');
    const browser = await browserType.launch({
      executablePath: chromium,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    let stdout;
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await page.waitForFunction(() => /^(RESULT|ERROR) /.test(document.body.textContent), null, { timeout: 90_000 });
      stdout = `<body>${await page.evaluate(() => document.body.textContent)}</body>`;
    } finally {
      await browser.close();
      server.close();
    }
    const m = /(RESULT|ERROR) (.*)<\/body>/s.exec(stdout);
    assert.ok(m, `no result in the page: ${stdout.slice(0, 500)}`);
    assert.equal(m[1], 'RESULT', m[2]);
    const got = JSON.parse(m[2]);

    const { decodeMask } = await importPackage();
    const read = (side, n) => readFileSync(join(repoRoot, 'examples/data/masks', side, n));
    const palette = decodeMask(read('reference', 'street_04.png'), { name: 'p' });
    const deep = decodeMask(read('reference', 'street_06.png'), { name: 'd' });
    assert.deepEqual(got.palette, ['palette', 'Uint8Array', Array.from(palette.data)]);
    assert.deepEqual(got.deep, [16, 'Uint16Array', Array.from(deep.data)]);
    const want = await evaluateMasks(
      NAMES.map((n) => ({ name: n, pred: read('predicted', n), target: read('reference', n) })),
      { numClasses: 6, ignoreIndex: 255 },
    );
    assert.deepEqual(got.report, JSON.parse(JSON.stringify(want)));
    assert.equal(got.report.images[0].name, 'street_08.png');
  },
);
