// The demo page's Annotation diff mode (web/js/modes/annodiff.mjs) in headless Chromium (Playwright's
// playwright-core, Debian's /usr/bin/chromium): a reference file and a candidate file are loaded,
// and the counts shown (per class true positives, false positives, missed; precision and recall)
// must be what the npm package's COCOMatches gives in Node on the same pair, counted here from
// its raw output; mAP must be evaluateCoco's. The candidate is given as another annotator's COCO
// file with other image and category ids (aligned by file name and class name). Also: the images
// list is sorted by number of problems, n / p step through the problems, the flagged-objects
// export holds every problem, TIDE / the confusion matrix are shown exactly when the package has
// them, and a broken CVAT file's error names the file and the element.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  openedState,
  settledState,
  startDemoServer,
  visibleAlerts,
  webDir,
} from './web-harness.mjs';

const lib = await importPackage();
await lib.init();

const sampleDir = join(webDir, 'samples/annodiff');
const reference = JSON.parse(readFileSync(join(sampleDir, 'reference.json'), 'utf8'));
const results = JSON.parse(readFileSync(join(sampleDir, 'candidate.json'), 'utf8'));

/** TP, FP and missed per category id at IoU 0.5, counted from COCOMatches' own output. */
function packageCounts(gt, dt) {
  const m = new lib.COCOMatches({ iouType: 'bbox' });
  try {
    m.update(JSON.stringify(gt), JSON.stringify(dt));
    const per = new Map();
    const flat = (v) => (typeof v === 'number' ? [v] : Array.from(v.data)); // a scalar comes back as a number
    for (const e of m.compute()) {
      const [cat] = flat(e.category_id);
      const c = per.get(cat) ?? { tp: 0, fp: 0, fn: 0 };
      const [dtIds, gtIds, dtIgnore, dtMatches, gtIgnore, gtMatches] = [
        e.dt_ids,
        e.gt_ids,
        e.dt_ignore,
        e.dt_matches,
        e.gt_ignore,
        e.gt_matches,
      ].map(flat);
      const [D, G] = [dtIds.length, gtIds.length];
      for (let k = 0; k < D; k++) {
        if (dtIgnore[k]) continue; // row 0 of [2, D]: IoU 0.5
        if (dtMatches[k]) c.tp++;
        else c.fp++;
      }
      for (let k = 0; k < G; k++) if (!gtIgnore[k] && !gtMatches[k]) c.fn++;
      per.set(cat, c);
    }
    return per;
  } finally {
    m.dispose();
  }
}

test(
  "Annotation diff mode: the counts shown for a reference and a candidate file are the package's",
  { timeout: 400_000 },
  async (t) => {
    const chromium = chromiumOrSkip(t);
    if (!chromium) return;
    const { server, origin } = await startDemoServer();
    const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-annodiff-'));
    const browser = await launchChromium(chromium);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const settled = settledState(page, 'annodiff');
    try {
      await page.goto(`${origin}/web/?mode=annodiff`);
      assert.equal(await openedState(page, 'annodiff'), 'ready', 'the bundled sample is computed');

      // the candidate as another annotator's COCO file: other image ids, categories in another order
      const cats = [...reference.categories].reverse().map((c, k) => ({ id: 101 + k, name: c.name }));
      const catOf = new Map(reference.categories.map((c) => [c.id, cats.find((x) => x.name === c.name).id]));
      const candidate = {
        images: reference.images.map((im) => ({ ...im, id: im.id + 500 })),
        categories: cats,
        annotations: results.map((r, k) => ({
          ...r,
          id: k + 1,
          image_id: r.image_id + 500,
          category_id: catOf.get(r.category_id),
          iscrowd: 0,
          area: r.bbox[2] * r.bbox[3],
        })),
      };
      const refPath = join(tmp, 'reference.json');
      const candPath = join(tmp, 'annotator-b.json');
      writeFileSync(refPath, JSON.stringify(reference));
      writeFileSync(candPath, JSON.stringify(candidate));
      await page.setInputFiles(input('candidate'), candPath);
      await settled();
      await page.setInputFiles(input('reference'), refPath);
      assert.equal(
        await settled(),
        'ready',
        `uploaded pair computed (${(await visibleAlerts(page)).map((a) => a.text).join(' | ')})`,
      );
      assert.match(
        await page.textContent('#annodiff-read'),
        /Reference: COCO; candidate: COCO\. 10 images, 56 reference and 59 candidate objects/,
      );

      const want = packageCounts(reference, results);
      const rows = await page.$$eval('#annodiff-class-table tbody tr', (trs) =>
        trs.map((tr) => ({
          cls: tr.dataset.class,
          counts: Object.fromEntries(
            [...tr.querySelectorAll('[data-count]')].map((td) => [td.dataset.count, Number(td.dataset.value)]),
          ),
          rates: Object.fromEntries(
            [...tr.querySelectorAll('[data-metric="COCOMatches"]')].map((td) => [
              td.dataset.key,
              Number(td.dataset.value),
            ]),
          ),
        })),
      );
      assert.equal(rows.length, reference.categories.length + 1, 'a row per class and the total');
      const total = { tp: 0, fp: 0, fn: 0 };
      for (const c of reference.categories) {
        const row = rows.find((r) => r.cls === String(c.id));
        const w = want.get(c.id);
        assert.deepEqual(
          [row.counts['true positives'], row.counts['false positives'], row.counts.missed],
          [w.tp, w.fp, w.fn],
          `${c.name}: TP, FP, missed`,
        );
        assert.ok(Math.abs(row.rates.precision - w.tp / (w.tp + w.fp)) < 1e-12, `${c.name}: precision`);
        assert.ok(Math.abs(row.rates.recall - w.tp / (w.tp + w.fn)) < 1e-12, `${c.name}: recall`);
        for (const k of Object.keys(total)) total[k] += w[k];
      }
      const all = rows.find((r) => r.cls === 'all');
      assert.deepEqual(
        [all.counts['true positives'], all.counts['false positives'], all.counts.missed],
        [total.tp, total.fp, total.fn],
        'the totals',
      );
      const map = await page.$eval('#annodiff-map-table [data-key="map"]', (td) => Number(td.dataset.value));
      assert.equal(map, lib.evaluateCoco(reference, results, { classMetrics: false }).map, "mAP is evaluateCoco's");

      // TIDE and the confusion matrix: shown exactly when the package has them
      const hasTide = typeof lib.tideErrors === 'function';
      assert.equal(
        (await page.$$eval('#annodiff-tide-table [data-metric="tideErrors"]', (e) => e.length)) > 0,
        hasTide,
        'TIDE cells iff the package has tideErrors',
      );
      assert.equal(await page.$$eval('#annodiff-tide-missing', (e) => e.length), hasTide ? 0 : 1);
      const hasConfusion = typeof lib.detectionConfusionMatrix === 'function';
      assert.equal(
        (await page.$$eval('#annodiff-confusion [data-metric]', (e) => e.length)) > 0,
        hasConfusion,
        'confusion cells iff the package has detectionConfusionMatrix',
      );

      // the images list, most problems first; n steps to the next problem
      const problems = await page.$$eval('#annodiff-images tbody tr [data-count="problems"]', (tds) =>
        tds.map((td) => Number(td.dataset.value)),
      );
      assert.deepEqual(
        problems,
        [...problems].sort((a, b) => b - a),
        'most problems first',
      );
      const nProblems = total.fp + total.fn;
      assert.equal(
        problems.reduce((s, x) => s + x, 0),
        nProblems,
        'every missed and false-positive object is listed once',
      );
      assert.match(await page.textContent('#annodiff-viewer-caption'), new RegExp(`problem 1 of ${nProblems}`));
      await page.focus('.annodiff-viewer');
      await page.keyboard.press('n');
      await page.waitForFunction(
        (n) => document.querySelector('#annodiff-viewer-caption').textContent.includes(`problem 2 of ${n}`),
        nProblems,
      );
      await page.keyboard.press('p');
      await page.keyboard.press('p');
      await page.waitForFunction(
        (n) => document.querySelector('#annodiff-viewer-caption').textContent.includes(`problem ${n} of ${n}`),
        nProblems,
      );
      // filtered to missed objects of one class
      await page.selectOption('#annodiff-filter-type', 'missed');
      await page.selectOption('#annodiff-filter-class', String(reference.categories[0].id));
      const missed0 = await page.$$eval('#annodiff-images tbody tr [data-count="problems"]', (tds) =>
        tds.reduce((s, td) => s + Number(td.dataset.value), 0),
      );
      assert.equal(missed0, want.get(reference.categories[0].id).fn, 'the filter: missed objects of the first class');

      // the flagged objects as COCO
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('button[data-export="flagged-coco"]'),
      ]);
      const flagged = JSON.parse(readFileSync(await download.path(), 'utf8'));
      assert.equal(flagged.annotations.length, nProblems, 'one flagged annotation per problem');
      assert.ok(flagged.annotations.every((a) => ['missed', 'false positive'].includes(a.attributes.outcome)));

      // a broken CVAT file: the error names the file and the element
      const broken = join(tmp, 'broken.xml');
      writeFileSync(broken, readFileSync(join(webDir, '../tests/data/detection/broken/cvat-two-points.xml'), 'utf8'));
      await page.setInputFiles(input('candidate'), broken);
      assert.equal(await settled(), 'error');
      const alerts = (await visibleAlerts(page)).map((a) => a.text).join(' | ');
      assert.match(
        alerts,
        /candidate: readCvatImages: broken\.xml, image "frame_000\.png", <polygon> line 16: a polygon needs at least 3 points/,
      );
      assert.deepEqual(pageErrors, []);
    } finally {
      await browser.close();
      server.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
