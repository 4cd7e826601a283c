// Regenerates the demo page's screenshots referenced by README.md (docs/screenshots/<mode>.png):
// each mode of the registry with one of its samples, in headless Chromium (playwright-core from
// web/'s devDependencies, Debian's /usr/bin/chromium), the page served as `make demo` serves it.
// The first screen at 1280x900, saved at half size to keep the files small. Not part of
// `make test`; needs the built package (make npm).
//
//   node web/scripts/screenshots.mjs [mode ...]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(webDir, '../docs/screenshots');
const { MODES } = await import(pathToFileURL(join(webDir, 'js/modes/registry.mjs')).href);
// the sample shown for a mode (default: its first)
const SAMPLE = { segmentation: 'streets-photos', ranking: 'two-runs' };
// what to scroll to: the part of the results worth seeing first
const SCROLL_TO = { segmentation: '#masks-worst', detection: '#coco-per-class-table', annodiff: '#annodiff-viewer' };

const { chromium } = createRequire(join(webDir, 'package.json'))('playwright-core');
const serve = await import(pathToFileURL(join(webDir, 'serve.mjs')).href);
const server = serve.createDemoServer();
const origin = await serve.listen(server, 0);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
mkdirSync(outDir, { recursive: true });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const wanted = process.argv.slice(2);
  for (const name of MODES.filter((m) => !wanted.length || wanted.includes(m))) {
    const mode = (await import(pathToFileURL(join(webDir, `js/modes/${name}.mjs`)).href)).default;
    const sample = SAMPLE[name] ?? mode.samples[0].name;
    await page.goto(`${origin}/web/?mode=${name}`);
    const settled = async () => {
      await page.waitForFunction(
        (n) => ['ready', 'error', 'empty'].includes(document.querySelector(`[data-results="${n}"]`)?.dataset.state),
        name,
        { timeout: 180_000 },
      );
      await page.waitForTimeout(300);
    };
    await settled();
    await page.click(`[data-mode-panel="${name}"] button[data-sample="${sample}"]`);
    await settled();
    const state = await page.$eval(`[data-results="${name}"]`, (e) => e.dataset.state);
    if (state !== 'ready') throw new Error(`${name}/${sample}: the page is ${state}`);
    if (SCROLL_TO[name]) {
      await page.$eval(SCROLL_TO[name], (e) => {
        e.scrollIntoView({ block: 'start' });
        window.scrollBy(0, -140); // its heading too
      });
    }
    await page.waitForTimeout(300);
    const full = await page.screenshot({ type: 'png' });
    // half size, drawn by the page's own canvas (smoothed), as a PNG
    const small = await page.evaluate(async (b64) => {
      const bitmap = await createImageBitmap(
        new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' }),
      ); // no fetch: the page's CSP
      const c = new OffscreenCanvas(Math.round(bitmap.width / 2), Math.round(bitmap.height / 2));
      const ctx = c.getContext('2d');
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(bitmap, 0, 0, c.width, c.height);
      const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    }, full.toString('base64'));
    const file = join(outDir, `${name}.png`);
    writeFileSync(file, Buffer.from(small, 'base64'));
    console.log(`${file}: ${name} / ${sample}, ${Math.round(Buffer.from(small, 'base64').length / 1024)} KB`);
  }
} finally {
  await browser.close();
  server.close();
}
