// The demo page's Annotation diff mode (web/js/modes/annodiff.mjs) in headless Chromium (Playwright's
// playwright-core, Debian's /usr/bin/chromium): a reference file and a candidate file are loaded,
// and the counts shown (per class true positives, false positives, missed; precision and recall)
// must be what the npm package's COCOMatches gives in Node on the same pair, counted here from
// its raw output; mAP must be evaluateCoco's. The candidate is given as another annotator's COCO
// file with other image and category ids (aligned by file name and class name). Also: the images
// list is sorted by number of problems, n / p step through the problems, the flagged-objects
// export holds every problem, TIDE / the confusion matrix are shown exactly when the package has
// them, and a broken CVAT file's error names the file and the element. Compared as segm, every
// object's similarity shown is the package's mask IoU (rleIou over rleFrPoly) and TIDE / the
// matrix are the package's on masks; compared as keypoints, it is OKS (the page's keypointOks,
// which the Node tests below check by redoing COCOMatches' keypoint matching with it).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { cocoMatches, keypointOks, pairSimilarity } from '../../web/js/lib/annodiff.mjs';
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

/**
 * pycocotools' evaluateImg greedy matching at thresholds 0.5 and 0.75 of one COCOMatches entry
 * (detections and ground truths in the entry's order), with the similarity `sim(dt, gt)`.
 */
function greedyMatches(e, dtById, gtById, sim) {
  const dts = e.dtIds.map((id) => dtById.get(id));
  const gts = e.gtIds.map((id) => gtById.get(id));
  const ious = dts.map((d) => gts.map((g) => sim(d, g)));
  return [0.5, 0.75].map((t) => {
    const gtm = gts.map(() => 0);
    const dtm = dts.map(() => 0);
    for (let i = 0; i < dts.length; i++) {
      let iou = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (let j = 0; j < gts.length; j++) {
        if (gtm[j] > 0 && !gts[j].iscrowd) continue;
        if (m > -1 && !e.gtIgnore[m] && e.gtIgnore[j]) break;
        if (ious[i][j] < iou) continue;
        [iou, m] = [ious[i][j], j];
      }
      if (m < 0) continue;
      dtm[i] = gts[m].id;
      gtm[m] = e.dtIds[i];
    }
    return { dtm, gtm };
  });
}

/** Redoes COCOMatches' keypoint matching with keypointOks; returns the number of pairs compared. */
function checkOksMatching(gt, dt) {
  const m = cocoMatches(lib, gt, dt, 'keypoints');
  const gtById = new Map(m.gt.annotations.map((a) => [a.id, a]));
  const dtById = new Map(m.dt.map((a, j) => [j + 1, a]));
  const oks = pairSimilarity(lib, 'keypoints', m.options); // keypointOks with the matching's sigmas
  let pairs = 0;
  let matched = 0;
  for (const e of m.entries) {
    const got = greedyMatches(e, dtById, gtById, (d, g) => oks([g], [d])[0][0]);
    for (const row of [0, 1]) {
      assert.deepEqual(got[row].dtm, e.dtMatches[row], `image ${e.imageId}: detections' matches at row ${row}`);
      assert.deepEqual(got[row].gtm, e.gtMatches[row], `image ${e.imageId}: ground truths' matches at row ${row}`);
      matched += got[row].dtm.filter(Boolean).length;
    }
    pairs += e.dtIds.length * e.gtIds.length;
  }
  return { pairs, matched };
}

test("keypointOks redoes COCOMatches' keypoint matching on the bundled sample (5 keypoints, sigmas 0.1)", () => {
  const { pairs, matched } = checkOksMatching(reference, results);
  assert.ok(pairs > 10 && matched > 0, `pairs compared: ${pairs}, matches: ${matched}`);
});

test("keypointOks redoes COCOMatches' keypoint matching with COCO's 17 sigmas (numpy's pairwise sum)", () => {
  // deterministic pseudo-random people: 17 keypoints, some unlabelled, one without any labelled
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const images = [];
  const annotations = [];
  const dets = [];
  for (let i = 1; i <= 30; i++) {
    images.push({ id: i, file_name: `p${i}.png`, width: 640, height: 480 });
    for (let k = 0; k < 3; k++) {
      const [x, y, w, h] = [rand() * 400, rand() * 300, 40 + rand() * 150, 60 + rand() * 150];
      const none = i % 10 === 0 && k === 0;
      const kp = Array.from({ length: 17 }, () => [
        x + rand() * w,
        y + rand() * h,
        none || rand() < 0.2 ? 0 : 2,
      ]).flat();
      const id = annotations.length + 1;
      annotations.push({
        id,
        image_id: i,
        category_id: 1,
        iscrowd: 0,
        bbox: [x, y, w, h],
        area: w * h * 0.6,
        keypoints: kp,
        num_keypoints: kp.filter((v, j) => j % 3 === 2 && v > 0).length,
      });
      for (let d = 0; d < 2; d++) {
        const jitter = (d + 1) * rand() * 0.12 * Math.sqrt(w * h);
        const dk = kp.map((v, j) => (j % 3 === 2 ? 1 : v + (rand() - 0.5) * jitter));
        dets.push({ image_id: i, category_id: 1, score: rand(), bbox: [x, y, w, h], keypoints: dk });
      }
    }
  }
  const names = Array.from({ length: 17 }, (_, j) => `k${j}`);
  const gt = { images, annotations, categories: [{ id: 1, name: 'person', keypoints: names }] };
  const { pairs, matched } = checkOksMatching(gt, dets);
  assert.ok(pairs > 100 && matched > 20, `pairs compared: ${pairs}, matches: ${matched}`);
});

/**
 * Every object shown with a partner and a similarity in the objects table, over the images with
 * problems (n steps through them): [{side, id, partner, value}], each object once.
 */
async function shownSimilarities(page) {
  const caption = () => page.textContent('#annodiff-viewer-caption');
  const total = Number(/problem \d+ of (\d+)/.exec(await caption())?.[1] ?? 0);
  const seen = new Map();
  await page.focus('.annodiff-viewer');
  for (let k = 1; k <= total; k++) {
    await page.waitForFunction(
      ([k, n]) => document.querySelector('#annodiff-viewer-caption').textContent.includes(`problem ${k} of ${n}`),
      [k, total],
    );
    const rows = await page.$$eval('#annodiff-objects tbody tr', (trs) =>
      trs.map((tr) => ({
        side: tr.dataset.side,
        id: Number(tr.dataset.object),
        partner: tr.children[6].textContent,
        value: tr.querySelector('[data-similarity]')?.dataset.similarity ?? '',
      })),
    );
    for (const r of rows)
      if (r.partner !== '' && r.value !== '')
        seen.set(`${r.side}${r.id}`, { ...r, partner: Number(r.partner), value: Number(r.value) });
    if (k < total) await page.keyboard.press('n');
  }
  return [...seen.values()];
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

      // compared as segm: each object's similarity is the package's mask IoU, TIDE and the matrix on masks
      const option = (name) => `[data-mode-panel="annodiff"] [data-option="${name}"]`;
      await page.selectOption(option('compare'), 'segm');
      assert.equal(await settled(), 'ready', 'compared as segm');
      const size = new Map(reference.images.map((im) => [im.id, [im.height, im.width]]));
      const refById = new Map(reference.annotations.map((a) => [a.id, a]));
      const maskOf = (a) => lib.rleFrPoly(a.segmentation, ...size.get(a.image_id));
      const segmShown = await shownSimilarities(page);
      let segmChecked = 0;
      for (const o of segmShown) {
        const [ref, cand] = o.side === 'ref' ? [o.id, o.partner] : [o.partner, o.id];
        const want = lib.rleIou([maskOf(results[cand - 1])], [maskOf(refById.get(ref))])[0][0];
        assert.ok(Math.abs(o.value - want) < 1e-12, `segm: ${o.side} #${o.id} mask IoU ${o.value}, package ${want}`);
        segmChecked++;
      }
      assert.ok(segmChecked > 3, `mask IoUs checked: ${segmChecked}`);
      assert.match(await page.textContent('#annodiff-objects thead'), /Mask IoU/);
      if (hasTide) {
        const ids = reference.images.map((im) => im.id).sort((a, b) => a - b);
        const perImage = (list, im) => list.filter((a) => a.image_id === im);
        const preds = ids.map((im) => {
          const l = perImage(results, im);
          return {
            boxes: l.map((a) => a.bbox),
            scores: l.map((a) => a.score),
            labels: l.map((a) => a.category_id),
            masks: l.map((a) => ({ polygons: a.segmentation, size: size.get(im) })),
          };
        });
        const target = ids.map((im) => {
          const l = perImage(reference.annotations, im);
          return {
            boxes: l.map((a) => a.bbox),
            labels: l.map((a) => a.category_id),
            iscrowd: l.map((a) => a.iscrowd),
            masks: l.map((a) => ({ polygons: a.segmentation, size: size.get(im) })),
          };
        });
        const cells = await page.$$eval(
          '#annodiff-tide-table [data-metric="tideErrors"], #annodiff-confusion [data-metric]',
          (tds) =>
            tds.map((td) => ({
              metric: td.dataset.metric,
              key: td.dataset.key,
              value: Number(td.dataset.value),
              options: JSON.parse(td.dataset.options),
            })),
        );
        assert.ok(cells.length > 12, 'TIDE and confusion cells shown for segm');
        for (const c of cells) {
          assert.equal(c.options.iouType, 'segm', `${c.metric} ${c.key} runs on masks`);
          const v = c.key.split('.').reduce((x, k) => x?.[k], lib[c.metric](preds, target, c.options));
          assert.ok(Math.abs(c.value - v) < 1e-12, `segm ${c.metric} ${c.key}: page ${c.value}, package ${v}`);
        }
        const boxTide = lib.tideErrors(preds, target, { boxFormat: 'xywh', iouThreshold: 0.5 });
        const maskTide = lib.tideErrors(preds, target, { boxFormat: 'xywh', iouThreshold: 0.5, iouType: 'segm' });
        const ious = (t) => t.preds.flat().map((o) => o.iou);
        assert.notDeepEqual(ious(boxTide), ious(maskTide), 'TIDE on masks is not TIDE on boxes here');
      }

      // compared as keypoints: each object's similarity is OKS (keypointOks, checked against COCOMatches above)
      await page.selectOption(option('compare'), 'keypoints');
      assert.equal(await settled(), 'ready', 'compared as keypoints');
      const person = reference.categories.find((c) => c.keypoints);
      const sigmas = Array(person.keypoints.length).fill(0.1);
      const people = results.filter((r) => r.category_id === person.id); // candidate ids count the compared objects
      let oksChecked = 0;
      for (const o of await shownSimilarities(page)) {
        const [ref, cand] = o.side === 'ref' ? [o.id, o.partner] : [o.partner, o.id];
        const [d, g] = [people[cand - 1], refById.get(ref)];
        const want = keypointOks(d.keypoints, g.keypoints, g.bbox, g.area, sigmas);
        assert.ok(Math.abs(o.value - want) < 1e-12, `keypoints: ${o.side} #${o.id} OKS ${o.value}, want ${want}`);
        oksChecked++;
      }
      assert.ok(oksChecked > 1, `OKS values checked: ${oksChecked}`);
      assert.match(await page.textContent('#annodiff-objects thead'), /OKS/);
      await page.selectOption(option('compare'), 'bbox');
      assert.equal(await settled(), 'ready');

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
