// The demo page's curve plots (ROC / PR per class, reliability diagram), its PNG masks cell and
// a large CSV parsed while the page keeps drawing frames, in
// headless Chromium driven by Playwright (playwright-core, Debian's /usr/bin/chromium). Every
// number the page shows or plots is checked against the npm package run here in Node on the same
// data; plots must have ink; no request may leave the page's origin. Skipped only where
// /usr/bin/chromium is absent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { distMjsUrl, importPackage, repoRoot } from './helpers.mjs';
import {
  chromiumOrSkip,
  input,
  launchChromium,
  readCsv,
  settledState,
  showMode,
  stack,
  startDemoServer,
  startMainThreadProbe,
  visibleAlerts,
  webDir,
  writeSyntheticCsv,
  openedState,
} from './web-harness.mjs';

const masksDir = join(repoRoot, 'examples/data/masks');
const { init, createMetric, decodeMask, evaluateMasks } = await importPackage();
await init();

function nodeValue(name, options, batches) {
  const m = createMetric(name, options);
  try {
    for (const [p, t] of batches) m.update(p, t);
    return plain(m.compute());
  } finally {
    m.dispose();
  }
}
function plain(v) {
  if (typeof v === 'number') return v;
  if (v && v.shape) return Array.from(v.data);
  if (Array.isArray(v)) return v.map(plain);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}
function close(a, b, what, tol = 1e-12) {
  if (Number.isNaN(a) && Number.isNaN(b)) return;
  assert.ok(
    Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)),
    `${what}: page shows ${a}, the package in Node gives ${b}`,
  );
}

test('demo page: curves per class, reliability diagram, PNG masks cell', { timeout: 600_000 }, async (t) => {
  const chromium = chromiumOrSkip(t);
  if (!chromium) return;
  const { server, origin } = await startDemoServer();
  const tmp = mkdtempSync(join(tmpdir(), 'wasmetrics-web-plots-'));
  const browser = await launchChromium(chromium);
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const foreign = [];
  const pageErrors = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin + '/') && !r.url().startsWith(`blob:${origin}/`)) foreign.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const settled = settledState(page);
  const masksSettled = settledState(page, 'segmentation');
  const inked = (id) =>
    page.$eval(`#${id}`, (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] > 240 && d[i + 1] > 240 && d[i + 2] > 240)) n++;
      return n;
    });
  const assertInked = async (id) => {
    assert.ok(await page.$(`#${id}`), `${id} exists`);
    const n = await inked(id);
    assert.ok(n > 1000, `${id} is blank (${n} inked pixels)`);
  };
  /** The curves and reliability bins the page plotted equal the package's in Node. */
  const checkCurves = async (family, size, preds, target, names, thresholds = null) => {
    const r = await page.evaluate(() => ({
      curves: window.__wasmetricsDemo.result.curves,
      calibration: window.__wasmetricsDemo.result.calibration,
    }));
    assert.deepEqual(
      r.curves.map((c) => c.metric),
      [`${family}ROC`, `${family}PrecisionRecallCurve`],
    );
    for (const c of r.curves) {
      assert.equal(c.error, undefined, `${c.metric}: ${c.error}`);
      assert.deepEqual(c.options, { ...size, thresholds });
      const want = nodeValue(c.metric, c.options, [[preds, target]]);
      // one curve per class: exact curves come as a list, binned ones as a flat [C, T] tensor
      const perClass = (v) =>
        Array.isArray(v[0])
          ? v
          : Array.from({ length: names.length }, (_, k) =>
              v.slice((k * v.length) / names.length, ((k + 1) * v.length) / names.length),
            );
      for (const key of Object.keys(want)) want[key] = perClass(want[key]);
      const [xKey, yKey] = c.kind === 'roc' ? ['fpr', 'tpr'] : ['recall', 'precision'];
      assert.deepEqual(
        c.series.map((s) => s.label),
        names,
      );
      c.series.forEach((s, k) => {
        assert.deepEqual(s.x, want[xKey][k], `${c.metric} ${names[k]} ${xKey}`);
        assert.deepEqual(s.y, want[yKey][k], `${c.metric} ${names[k]} ${yKey}`);
      });
    }
    await assertInked('plot-roc');
    await assertInked('plot-pr');
    // legends: each class's AUC / AP from the package; ROC's chance line; PR's prevalence baselines
    const legends = await page.evaluate(() =>
      Object.fromEntries(
        ['roc', 'pr'].map((k) => [
          k,
          window.Chart.getChart(`plot-${k}`).data.datasets.map((d) => ({ label: d.label, data: d.data })),
        ]),
      ),
    );
    const areaOptions = { ...size, thresholds, ...(family === 'Binary' ? {} : { average: 'none' }) };
    for (const [kind, area, short] of [
      ['roc', 'AUROC', 'AUC'],
      ['pr', 'AveragePrecision', 'AP'],
    ]) {
      const want = nodeValue(family + area, areaOptions, [[preds, target]]);
      const values = typeof want === 'number' ? [want] : want;
      names.forEach((n, k) =>
        assert.equal(legends[kind][k].label, `${n} (${short} ${values[k].toFixed(3)})`, `${kind} legend of ${n}`),
      );
    }
    assert.deepEqual(
      legends.roc.slice(names.length).map((d) => [d.label, d.data]),
      [
        [
          'chance (AUC 0.5)',
          [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        ],
      ],
    );
    const n = target.shape?.[0] ?? target.length;
    names.forEach((name, k) => {
      let positives = 0;
      for (let i = 0; i < n; i++)
        positives +=
          family === 'Multiclass'
            ? Number(target[i] === k)
            : Number((target.data ?? target)[i * names.length + k] === 1);
      const base = legends.pr[names.length + k];
      close(base.data[0].y, positives / n, `PR baseline of ${name}`, 1e-12);
      assert.equal(base.label, `${name} baseline (prevalence ${(positives / n).toFixed(3)})`);
    });
    // reliability diagram: the ECE is the package's, and the bins plotted add up to it
    const cal = r.calibration;
    const pooled = family === 'Multilabel';
    const flat = (x) => ({ data: x.data, shape: [x.data.length] });
    const ece = nodeValue(cal.metric, cal.options, [[pooled ? flat(preds) : preds, pooled ? flat(target) : target]]);
    close(cal.ece, ece, `${cal.metric}`);
    const total = cal.bins.reduce((s, b) => s + b.count, 0);
    assert.equal(total, pooled ? preds.data.length : (target.length ?? target.data.length));
    const fromBins = cal.bins.reduce((s, b) => s + (b.count / total) * Math.abs(b.accuracy - b.confidence), 0);
    close(fromBins, ece, 'ECE from the plotted bins', 1e-6);
    await assertInked('plot-calibration');
    const title = await page.$eval('[data-plot="plot-calibration"] h3', (h) => h.textContent);
    assert.ok(title.includes(`ECE ${ece.toFixed(4)}`), title);
  };

  // The sample masks as Node reads them (one [1, H, W] batch per image: every metric used here
  // is independent of batching).
  const NAMES = readdirSync(join(masksDir, 'reference'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  const load = (names) =>
    names.map((n) => ({
      name: n.replace(/\.png$/, ''),
      pred: decodeMask(readFileSync(join(masksDir, 'predicted', n)), { name: n }),
      target: decodeMask(readFileSync(join(masksDir, 'reference', n)), { name: n }),
    }));
  const batch1 = (m) => ({ data: m.data, shape: [1, ...m.shape] });
  const checkMasks = async (names, ignoreIndex) => {
    const pairs = load(names);
    // the metrics table (per-class cells carry data-class, the worst images' MeanIoU data-image)
    const shown = await page.$$eval('#masks-metrics [data-metric]', (els) =>
      els.map((e) => ({
        metric: e.dataset.metric,
        options: JSON.parse(e.dataset.options),
        value: Number(e.dataset.value),
      })),
    );
    const rows = shown.map((m) => ({ name: m.metric, options: m.options, value: m.value }));
    assert.deepEqual(
      rows.map((r) => r.name),
      ['MeanIoU', 'MeanIoU', 'MulticlassJaccardIndex', 'DiceScore', 'MulticlassAccuracy'],
    );
    let maxLabel = 0;
    for (const p of pairs)
      for (const m of [p.pred, p.target]) for (const v of m.data) if (v !== ignoreIndex && v > maxLabel) maxLabel = v;
    const numClasses = maxLabel + 1;
    for (const r of rows) {
      assert.equal(r.options.numClasses, numClasses, 'numClasses inferred from the labels');
      assert.equal(r.options.ignoreIndex, ignoreIndex);
      close(
        r.value,
        nodeValue(
          r.name,
          r.options,
          pairs.map((p) => [batch1(p.pred), batch1(p.target)]),
        ),
        `${r.name} ${JSON.stringify(r.options)}`,
      );
    }
    const report = await evaluateMasks(pairs, { numClasses, ignoreIndex });
    const perClass = await page.$$eval('#masks-per-class tbody tr', (trs) =>
      trs.map((tr) => [tr.cells[0].textContent, ...[...tr.cells].slice(1).map((c) => Number(c.dataset.value))]),
    );
    assert.equal(perClass.length, numClasses);
    const dice = nodeValue(
      'DiceScore',
      { numClasses, inputFormat: 'index', ignoreIndex, average: 'none' },
      pairs.map((p) => [batch1(p.pred), batch1(p.target)]),
    );
    const jac = nodeValue(
      'MulticlassJaccardIndex',
      { numClasses, ignoreIndex, average: 'none' },
      pairs.map((p) => [batch1(p.pred), batch1(p.target)]),
    );
    report.classes.forEach((c, k) => {
      close(perClass[k][1], c.iouDataset, `IoU (dataset) of class ${c.id}`);
      close(perClass[k][2], c.iouSample, `IoU (sample) of class ${c.id}`);
      close(perClass[k][3], jac[k], `Jaccard of class ${c.id}`);
      close(perClass[k][4], dice[k], `Dice of class ${c.id}`);
      assert.equal(perClass[k][5], c.targetPixels);
      assert.equal(perClass[k][6], c.predPixels);
    });
    const worst = await page.$$eval('#masks-worst tbody tr', (trs) =>
      trs.map((tr) => [tr.cells[0].textContent, Number(tr.cells[2].dataset.value)]),
    );
    assert.deepEqual(
      worst.map((w) => w[0]),
      report.images.slice(0, 10).map((im) => im.name),
    );
    worst.forEach((w, k) => close(w[1], report.images[k].meanIoU, `mean IoU of ${w[0]}`));
    await assertInked('plot-masks-per-class');
    await assertInked('plot-iou-per-image');
    return { rows, report };
  };

  try {
    await t.test('multiclass sample: ROC and PR per class and the reliability diagram equal the package', async () => {
      await page.goto(origin + '/web/');
      assert.equal(await openedState(page), 'ready');
      const csv = readCsv(join(webDir, 'samples/animals.csv'));
      const classes = ['cat', 'dog', 'bird', 'fish'];
      const preds = stack(classes.map(csv.col));
      const target = Float64Array.from(csv.col('label'), (s) => classes.indexOf(s));
      await checkCurves('Multiclass', { numClasses: 4 }, preds, target, classes);
    });

    await t.test('export: JSON and CSV carry the curves and the calibration; the snippet reproduces them', async () => {
      const r = await page.evaluate(() => ({
        curves: window.__wasmetricsDemo.result.curves,
        calibration: window.__wasmetricsDemo.result.calibration,
      }));
      const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
      assert.deepEqual(
        doc.curves.map((c) => c.series),
        r.curves.map((c) => c.series.map(({ label, x, y }) => ({ label, x, y }))),
      );
      close(doc.calibration.ece, r.calibration.ece, 'ECE in the JSON export');
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      const text = readFileSync(await csv.path(), 'utf8');
      assert.ok(text.includes(`"calibration","MulticlassCalibrationError","ece","${r.calibration.ece}"\n`));
      assert.ok(
        text.includes(
          `"curve","MulticlassROC cat","point[1]","${r.curves[0].series[0].x[1]} ${r.curves[0].series[0].y[1]}"\n`,
        ),
      );
      for (const id of ['plot-roc', 'plot-pr', 'plot-calibration']) {
        const [png] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-png="${id}"]`)]);
        assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${id} as PNG`);
      }
      const code = await page.$eval('#code code', (c) => c.textContent);
      const dir = mkdtempSync(join(tmp, 'snippet-'));
      copyFileSync(join(webDir, 'samples/animals.csv'), join(dir, 'animals.csv'));
      writeFileSync(join(dir, 'evaluate.mjs'), code.replace("from 'wasmetrics'", `from ${JSON.stringify(distMjsUrl)}`));
      const out = execFileSync(process.execPath, ['evaluate.mjs'], { cwd: dir, encoding: 'utf8' });
      const line = (name) => out.split('\n').find((l) => l.startsWith(name + ' '));
      const roc = JSON.parse(line('MulticlassROC').slice('MulticlassROC '.length));
      r.curves[0].series.forEach((s, k) => assert.deepEqual(roc.fpr[k], s.x, `snippet ROC fpr of ${s.label}`));
      close(Number(line('MulticlassCalibrationError').split(' ')[1]), r.calibration.ece, 'ECE from the snippet');
    });

    await t.test(
      'multilabel sample: curves per label and the pooled reliability diagram equal the package',
      async () => {
        await page.click('button[data-sample="tags"]');
        assert.equal(await settled(), 'ready');
        const tags = ['outdoor', 'people', 'animal', 'vehicle'];
        const csv = readCsv(join(webDir, 'samples/tags.csv'));
        await checkCurves(
          'Multilabel',
          { numLabels: 4 },
          stack(tags.map((g) => csv.col('p_' + g))),
          stack(tags.map((g) => csv.col(g + '_true'))),
          tags,
        );
      },
    );

    await t.test('binary sample: one ROC and PR curve', async () => {
      await page.click('button[data-sample="spam"]');
      assert.equal(await settled(), 'ready');
      const csv = readCsv(join(webDir, 'samples/spam.csv'));
      await checkCurves(
        'Binary',
        {},
        Float64Array.from(csv.col('score'), Number),
        Float64Array.from(csv.col('label'), Number),
        ['positive'],
      );
    });

    await t.test('past 20000 rows the curves are binned (201 thresholds) and still equal the package', async () => {
      const n = 20500;
      const lines = ['p_a,p_b,p_c,label'];
      const cols = [[], [], []],
        labels = [];
      for (let i = 0; i < n; i++) {
        const a = ((i * 7919) % 1000) / 2000,
          b = ((i * 104729) % 1000) / 2000;
        const row = [a, b, 1 - a - b].map((v) => v.toFixed(6));
        row.forEach((v, k) => cols[k].push(v));
        labels.push(String((i * 31) % 3));
        lines.push(`${row.join(',')},${labels[i]}`);
      }
      writeFileSync(join(tmp, 'many.csv'), lines.join('\n') + '\n');
      await page.setInputFiles(input('predictions'), join(tmp, 'many.csv'));
      assert.equal(await settled(), 'ready');
      await checkCurves(
        'Multiclass',
        { numClasses: 3 },
        stack(cols),
        Float64Array.from(labels, Number),
        ['a', 'b', 'c'],
        201,
      );
    });

    await t.test('PNG masks sample: metrics, per-class table, worst images and plots equal the package', async () => {
      await showMode(page, 'segmentation');
      await page.click('#masks-sample');
      assert.equal(await masksSettled(), 'ready', await page.$eval('#cell-masks .error', (e) => e.textContent));
      await checkMasks(NAMES, 255);
      assert.match(await page.$eval('#masks-match', (e) => e.textContent), /8 matched pairs/);
    });

    await t.test('masks export: JSON, CSV, PNG and the code snippet reproduce the numbers', async () => {
      const r = await page.evaluate(() => window.__wasmetricsMasks.result);
      const [json] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#masks-export button[data-export="json"]'),
      ]);
      const doc = JSON.parse(readFileSync(await json.path(), 'utf8'));
      assert.deepEqual(
        doc.metrics.map((m) => m.value),
        r.metrics.map((m) => m.value),
      );
      assert.deepEqual(
        doc.images.map((im) => im.name),
        r.images.map((im) => im.name),
      );
      const [csv] = await Promise.all([
        page.waitForEvent('download'),
        page.click('#masks-export button[data-export="csv"]'),
      ]);
      const text = readFileSync(await csv.path(), 'utf8');
      assert.ok(text.includes(`"image","${r.images[0].name}","meanIoU","${r.images[0].meanIoU}"\n`));
      for (const id of ['plot-masks-per-class', 'plot-iou-per-image']) {
        const [png] = await Promise.all([
          page.waitForEvent('download'),
          page.click(`#masks-export button[data-png="${id}"]`),
        ]);
        assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${id} as PNG`);
      }
      const code = await page.$eval('#masks-code code', (c) => c.textContent);
      const dir = mkdtempSync(join(tmp, 'masks-snippet-'));
      writeFileSync(
        join(dir, 'evaluate-masks.mjs'),
        code.replace("from 'wasmetrics'", `from ${JSON.stringify(distMjsUrl)}`),
      );
      const out = execFileSync(
        process.execPath,
        ['evaluate-masks.mjs', join(masksDir, 'predicted'), join(masksDir, 'reference')],
        { cwd: dir, encoding: 'utf8' },
      );
      for (const m of r.metrics) {
        const line = out.split('\n').find((l) => l.startsWith(m.key + ' '));
        assert.ok(line, `the snippet prints ${m.key}`);
        close(Number(line.slice(m.key.length + 1)), m.value, `${m.key} from the snippet`);
      }
    });

    await t.test('masks picked as a folder and as files: matched by name, unmatched names reported', async () => {
      const predDir = join(tmp, 'preds');
      mkdirSync(predDir);
      for (const n of NAMES.slice(0, 6)) copyFileSync(join(masksDir, 'predicted', n), join(predDir, n));
      copyFileSync(join(masksDir, 'predicted', NAMES[0]), join(predDir, 'extra_only_pred.png'));
      writeFileSync(join(predDir, 'notes.txt'), 'not a mask');
      await page.setInputFiles(input('masks-pred-folder'), predDir);
      await masksSettled();
      const targets = [...NAMES.slice(1), 'street_99.png'].map((n) => {
        const f = join(tmp, n);
        copyFileSync(join(masksDir, 'reference', n === 'street_99.png' ? NAMES[0] : n), f);
        return f;
      });
      await page.setInputFiles(input('masks-target'), targets);
      assert.equal(await masksSettled(), 'ready', await page.$eval('#cell-masks .error', (e) => e.textContent));
      assert.match(await page.$eval('#masks-match', (e) => e.textContent), /5 matched pairs/);
      assert.match(await page.$eval('#masks-only-pred', (e) => e.textContent), /\(2\): extra_only_pred, street_01$/);
      assert.match(
        await page.$eval('#masks-only-target', (e) => e.textContent),
        /\(3\): street_07, street_08, street_99$/,
      );
      assert.match(await page.$eval('#masks-skipped', (e) => e.textContent), /notes\.txt/);
      await checkMasks(NAMES.slice(1, 6), 255);
    });

    await t.test(
      'a corrupt PNG or an out-of-range label shows an error naming the file; the cell keeps working',
      async () => {
        const bad = join(tmp, 'bad');
        mkdirSync(bad);
        writeFileSync(
          join(bad, 'street_02.png'),
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]),
        );
        await page.setInputFiles(input('masks-pred'), join(bad, 'street_02.png'));
        assert.equal(await masksSettled(), 'error');
        const [alert] = await visibleAlerts(page);
        assert.match(alert.text, /street_02 \(prediction\): /);
        assert.equal(alert.link, '#cell-masks');
        // numClasses too small for the labels: the package's error names the file and the pixel
        await page.click('#masks-sample');
        await masksSettled();
        await page.fill('#masks-num-classes', '3');
        await page.dispatchEvent('#masks-num-classes', 'change');
        assert.equal(await masksSettled(), 'error');
        assert.match(
          await page.$eval('#cell-masks .error', (e) => e.textContent),
          /street_\d\d: .*label \d+ at pixel .* outside \[0, 3\)/,
        );
        await page.fill('#masks-num-classes', '');
        await page.dispatchEvent('#masks-num-classes', 'change');
        assert.equal(await masksSettled(), 'ready');
        await checkMasks(NAMES, 255);
      },
    );

    await t.test('masks dropped as several files on each side are matched and evaluated', async () => {
      await page.evaluate(async () => {
        const drop = async (side, folder, names) => {
          const dt = new DataTransfer();
          for (const n of names)
            dt.items.add(
              new File([await (await fetch(`../examples/data/masks/${folder}/${n}`)).blob()], n, { type: 'image/png' }),
            );
          document
            .querySelector(`#masks-drop-${side}`)
            .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        };
        await drop('pred', 'predicted', ['street_01.png', 'street_02.png', 'street_03.png', 'street_04.png']);
        await new Promise((r) => setTimeout(r, 300));
        await drop('target', 'reference', ['street_02.png', 'street_03.png', 'street_04.png']);
      });
      assert.equal(await masksSettled(), 'ready', await page.$eval('#cell-masks .error', (e) => e.textContent));
      assert.match(await page.$eval('#masks-match', (e) => e.textContent), /3 matched pairs/);
      assert.match(await page.$eval('#masks-only-pred', (e) => e.textContent), /\(1\): street_01$/);
      await checkMasks(NAMES.slice(1, 4), 255);
    });

    await t.test(
      "masks with the scenes' images and class names: names in the tables, the worst images drawn with their masks",
      async () => {
        await page.click('#masks-sample-photos');
        assert.equal(await masksSettled(), 'ready', await page.$eval('#cell-masks .error', (e) => e.textContent));
        const names = readFileSync(join(webDir, 'samples/streets/class-names.txt'), 'utf8').trim().split('\n');
        const { report } = await checkMasks(NAMES, 255); // the same numbers as without images
        assert.deepEqual(
          await page.$$eval('#masks-per-class tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent)),
          names,
          'class names in the per-class table',
        );
        assert.deepEqual(
          await page.evaluate(() => window.Chart.getChart('plot-masks-per-class').data.labels),
          names,
          'and in the chart',
        );
        assert.match(await page.$eval('#masks-images-matched', (e) => e.textContent), /^8 of 8 pairs have an image/);
        // the 6 worst, in the worst-first order, each image | reference | prediction
        assert.deepEqual(
          await page.$$eval('#masks-overlays figure', (fs) => fs.map((f) => f.dataset.image)),
          report.images.slice(0, 6).map((im) => im.name),
        );
        const panels = await page.$eval('#masks-overlay-0', (c) => {
          const ctx = c.getContext('2d');
          const w = (c.width - 12) / 3;
          const grab = (k) => Array.from(ctx.getImageData(k * (w + 6), 16, w, c.height - 16).data);
          return [grab(0), grab(1), grab(2)];
        });
        const differing = (a, b) => a.filter((v, i) => v !== b[i]).length;
        assert.ok(differing(panels[0], panels[1]) > panels[0].length / 4, 'the reference mask is drawn over the image');
        assert.ok(differing(panels[1], panels[2]) > 0, "the worst image's prediction differs from its reference");
        assert.ok(new Set(panels[0]).size > 20, 'the image is drawn');
        const legend = await page.$$eval('#cell-masks ul.legend li', (lis) => lis.map((li) => li.textContent.trim()));
        assert.ok(
          legend.length >= 3 && legend.every((n) => names.includes(n)),
          `a legend of the classes by name: ${legend}`,
        );
        const [png] = await Promise.all([
          page.waitForEvent('download'),
          page.click('button[data-export="png"][data-plot="masks-overlay-0"]'),
        ]);
        assert.deepEqual([...readFileSync(await png.path()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
        // the code snippet passes the names on
        assert.match(
          await page.$eval('#masks-code code', (c) => c.textContent),
          /classNames: \["background","sky","road","building","car","person"\]/,
        );

        // a names file as a label map: names where given, ids elsewhere
        writeFileSync(
          join(tmp, 'labels.json'),
          JSON.stringify({ 0: 'void-ish', 4: '<img src=x onerror="window.__pwned=1">car' }),
        );
        await page.setInputFiles(input('masks-class-names'), join(tmp, 'labels.json'));
        assert.equal(await masksSettled(), 'ready');
        assert.deepEqual(
          await page.$$eval('#masks-per-class tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent)),
          ['void-ish', '1', '2', '3', '<img src=x onerror="window.__pwned=1">car', '5'],
        );
        assert.equal(await page.locator('#cell-masks img').count(), 0, 'a name is text, never HTML');
        assert.equal(await page.evaluate(() => window.__pwned), undefined);
        // a broken names file: an error on the field, no stale numbers
        writeFileSync(join(tmp, 'bad-names.json'), '{"road": 1}');
        await page.setInputFiles(input('masks-class-names'), join(tmp, 'bad-names.json'));
        assert.equal(await masksSettled(), 'error');
        assert.match((await visibleAlerts(page))[0].text, /bad-names\.json: "road" is not a class id/);
        assert.equal(await page.$eval('#masks-class-names', (e) => e.getAttribute('aria-invalid')), 'true');
        assert.equal(await page.locator('[data-results="segmentation"] [data-metric]').count(), 0);
        // an image whose size is not its masks': named, not drawn
        await page.fill('#masks-class-names', '');
        const shots = join(tmp, 'shots');
        mkdirSync(shots);
        for (const n of NAMES) copyFileSync(join(webDir, 'samples/streets', n), join(shots, n));
        copyFileSync(join(webDir, 'samples/streets/street_07.png'), join(shots, report.images[0].name + '.png')); // 48x32 for a 64x48 scene
        await page.setInputFiles(
          input('masks-images'),
          NAMES.map((n) => join(shots, n)),
        );
        assert.equal(await masksSettled(), 'ready');
        assert.match(
          await page.$eval('#masks-overlays', (e) => e.textContent),
          new RegExp(
            `${report.images[0].name}: ${report.images[0].name}\\.png is 48×32, the masks are 64×48: not overlaid`,
          ),
        );
        assert.equal(await page.locator('#masks-overlays figure').count(), 5);
      },
    );

    await t.test(
      'a large CSV: the progress bar advances chunk by chunk and animation frames keep coming between chunks',
      async () => {
        // 24 MB = 6 of the parse worker's 4 MB chunks (bench/web-big-csv.mjs runs 200 MB by hand).
        const file = join(tmp, 'large.csv');
        const rows = Math.ceil((24 * 2 ** 20) / 29);
        await writeSyntheticCsv(file, rows, { binary: true });
        await showMode(page, 'classification');
        await startMainThreadProbe(page);
        await page.setInputFiles(input('predictions'), file);
        assert.equal(await settled(), 'ready');
        const probe = await page.evaluate(() => {
          window.__probe.stop = true;
          return window.__probe;
        });
        const values = [...new Set(probe.progress.map(([, v]) => v))];
        assert.ok(
          values.filter((v) => v > 0 && v < 1).length >= 4,
          `the progress bar advanced in steps: ${values.join(', ')}`,
        );
        for (let k = 1; k < values.length; k++)
          assert.ok(values[k] > values[k - 1], 'the progress bar never goes back');
        // Between the first and the last chunk's progress, the main thread drew frames in most
        // gaps between chunks: parsing happens in the worker, not here.
        const first = probe.progress.findIndex(([, v]) => v > 0);
        const stamps = probe.progress.slice(first).map(([t]) => t);
        let gapsWithFrames = 0;
        for (let k = 1; k < stamps.length; k++)
          if (probe.frames.some((f) => f > stamps[k - 1] && f < stamps[k])) gapsWithFrames++;
        assert.ok(
          gapsWithFrames >= (stamps.length - 1) / 2,
          `frames arrived in ${gapsWithFrames} of ${stamps.length - 1} gaps between progress updates`,
        );
        assert.match(
          await page.$eval('#results-out .muted', (e) => e.textContent),
          new RegExp(`^${rows.toLocaleString('en-US')} samples`),
        );
      },
    );

    await t.test("no request left the page's origin, no page error", async () => {
      assert.deepEqual(foreign, []);
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
