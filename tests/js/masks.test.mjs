// Label masks from PNG files (npm/src/masks.mjs): decodeMask, stackMasks, evaluateMasks, and the
// segmentation example (examples/segmentation). The PNGs are written by a second, independent
// PNG writer (examples/segmentation/png-write.mjs, node:zlib), and every expected IoU comes from
// a small JS reference computed on the label arrays the test itself made, never copied numbers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

import { importPackage, npmDir, repoRoot } from './helpers.mjs';
import { vocPalette, writePng } from '../../examples/segmentation/png-write.mjs';
import { CLASS_NAMES, makeMasks, SAMPLES, VOID } from '../../examples/segmentation/make-masks.mjs';

const lib = await importPackage();
const { init, decodeMask, stackMasks, evaluateMasks, DiceScore } = lib;
await init();

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'wasmetrics-masks-'));
after(() => rmSync(work, { recursive: true, force: true }));

// ---- a tiny reference IoU on plain arrays ------------------------------------------------------

// Per image and class: intersection, union (pixels whose target is `ignore` left out; a
// prediction equal to `ignore` predicts no class).
function counts(pred, target, numClasses, ignore) {
  const inter = new Array(numClasses).fill(0);
  const p = new Array(numClasses).fill(0);
  const t = new Array(numClasses).fill(0);
  for (let i = 0; i < target.length; i++) {
    if (target[i] === ignore) continue;
    t[target[i]]++;
    if (pred[i] !== ignore) p[pred[i]]++;
    if (pred[i] === target[i]) inter[target[i]]++;
  }
  return { inter, union: inter.map((x, c) => p[c] + t[c] - x) };
}

function referenceIoU(pairs, numClasses, ignore) {
  const per = pairs.map(({ pred, target }) => counts(pred, target, numClasses, ignore));
  const classes = [...Array(numClasses).keys()];
  const I = classes.map((c) => per.reduce((s, x) => s + x.inter[c], 0));
  const U = classes.map((c) => per.reduce((s, x) => s + x.union[c], 0));
  const occurring = classes.filter((c) => U[c] > 0);
  const imageIoU = (x) => classes.map((c) => (x.union[c] > 0 ? x.inter[c] / x.union[c] : 0));
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  return {
    iouDataset: classes.map((c) => (U[c] > 0 ? I[c] / U[c] : 0)),
    meanDataset: occurring.length ? mean(occurring.map((c) => I[c] / U[c])) : NaN,
    iouSample: classes.map((c) => mean(per.map((x) => imageIoU(x)[c]))),
    meanSample: mean(per.map((x) => mean(imageIoU(x)))),
    perImage: per.map((x) => {
      const present = classes.filter((c) => x.union[c] > 0);
      return present.length ? mean(present.map((c) => x.inter[c] / x.union[c])) : NaN;
    }),
  };
}

const near = (a, b, what) =>
  assert.ok(Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-12, `${what}: ${a} != ${b}`);

function checkReport(report, ref, names) {
  report.classes.forEach((c, k) => {
    near(c.iouDataset, ref.iouDataset[c.id], `class ${c.id} dataset IoU`);
    near(c.iouSample, ref.iouSample[c.id], `class ${c.id} sample IoU`);
    assert.equal(c.id, report.classes[0].id + k);
  });
  near(report.meanIoU.dataset, ref.meanDataset, 'mean IoU (dataset)');
  near(report.meanIoU.sample, ref.meanSample, 'mean IoU (sample)');
  assert.equal(report.images.length, names.length);
  for (const im of report.images) {
    assert.equal(im.name, names[im.index]);
    near(im.meanIoU, ref.perImage[im.index], `${im.name} mean IoU`);
  }
}

// Deterministic pseudo-random labels.
function labels(n, numClasses, seed, Out = Uint8Array) {
  let s = seed >>> 0;
  return Out.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) % numClasses;
  });
}

const grey8 = (w, h, data) => writePng({ width: w, height: h, data, colorType: 'grey', bitDepth: 8 });

// ---- decoding ----------------------------------------------------------------------------------

test('a palette PNG decodes to its palette indices, not colours (VOC colour map, void 255)', () => {
  const [w, h] = [9, 5];
  const data = labels(w * h, 21, 7);
  data[3] = 255;
  data[w * h - 1] = 255;
  const png = writePng({ width: w, height: h, data, colorType: 'palette', bitDepth: 8, palette: vocPalette(256) });
  const m = decodeMask(png, { name: 'voc.png' });
  assert.ok(m.data instanceof Uint8Array);
  assert.deepEqual(m.shape, [h, w]);
  assert.deepEqual([...m.data], [...data]);
  assert.equal(m.colorType, 'palette');
  assert.equal(m.bitDepth, 8);
  assert.deepEqual(m.palette[1], vocPalette(256)[1]); // class 1 of VOC is dark red (128, 0, 0)
  assert.deepEqual(m.palette[1], [128, 0, 0]);
});

test('1-, 2- and 4-bit palette and greyscale PNGs are unpacked to one value per pixel (rows padded to a byte)', () => {
  for (const depth of [1, 2, 4]) {
    for (const colorType of ['palette', 'grey']) {
      const [w, h] = [7, 3]; // 7 samples per row: every row ends in a partly used byte
      const data = labels(w * h, 2 ** depth, depth);
      const palette = colorType === 'palette' ? vocPalette(2 ** depth) : undefined;
      const m = decodeMask(writePng({ width: w, height: h, data, colorType, bitDepth: depth, palette }), { name: 'x' });
      assert.deepEqual([...m.data], [...data], `${colorType} ${depth}-bit`);
      assert.equal(m.bitDepth, depth);
      assert.equal(m.colorType, colorType);
    }
  }
});

test('a 16-bit greyscale PNG decodes to a Uint16Array and evaluates (labels above 255, void 65535)', async () => {
  const [w, h, numClasses] = [11, 6, 700];
  const target = labels(w * h, numClasses, 3, Uint16Array);
  const pred = target.map((v, i) => (i % 3 === 0 ? (v + 300) % numClasses : v));
  target[5] = 65535;
  pred[6] = 65535; // a prediction of the ignore value on a kept pixel predicts no class
  const png = (d) => writePng({ width: w, height: h, data: d, colorType: 'grey', bitDepth: 16 });
  const m = decodeMask(png(target), { name: 'deep.png' });
  assert.ok(m.data instanceof Uint16Array);
  assert.equal(m.bitDepth, 16);
  assert.deepEqual([...m.data], [...target]);
  assert.ok(Math.max(...m.data.filter((v) => v !== 65535)) > 255);
  const report = await evaluateMasks([{ name: 'deep.png', pred: png(pred), target: png(target) }], {
    numClasses,
    ignoreIndex: 65535,
  });
  checkReport(report, referenceIoU([{ pred, target }], numClasses, 65535), ['deep.png']);
});

test('RGB, RGBA and non-PNG files are refused with the file named', async () => {
  const rgb = writePng({ width: 2, height: 2, data: new Uint8Array(12), colorType: 'rgb' });
  const rgba = writePng({ width: 2, height: 2, data: new Uint8Array(16), colorType: 'rgba' });
  assert.throws(
    () => decodeMask(rgb, { name: 'photo.png' }),
    /photo\.png: a label mask must be a greyscale or palette PNG, this one is RGB/,
  );
  assert.throws(() => decodeMask(rgba, { name: 'overlay.png' }), /overlay\.png: .*greyscale or palette.* RGBA/);
  assert.throws(
    () => decodeMask(new TextEncoder().encode('not a png at all'), { name: 'notes.txt' }),
    /notes\.txt: not a PNG file/,
  );
  assert.throws(() => decodeMask(rgb.subarray(0, 40), { name: 'cut.png' }), /cut\.png: cannot decode the PNG/);
  assert.throws(() => decodeMask('mask.png', { name: 'm' }), /m: expected the PNG file's bytes/);
  const good = grey8(2, 2, new Uint8Array(4));
  await assert.rejects(
    evaluateMasks([{ name: 'img_7.png', pred: rgb, target: good }], { numClasses: 2 }),
    /img_7\.png \(prediction\): a label mask must be a greyscale or palette PNG, this one is RGB/,
  );
});

// ---- evaluateMasks: errors ---------------------------------------------------------------------

test('a predicted mask whose size differs from its reference is an error naming the file and both sizes', async () => {
  const pairs = [
    { name: 'ok.png', pred: grey8(4, 3, new Uint8Array(12)), target: grey8(4, 3, new Uint8Array(12)) },
    { name: 'frame_0042.png', pred: grey8(4, 3, new Uint8Array(12)), target: grey8(3, 4, new Uint8Array(12)) },
  ];
  await assert.rejects(evaluateMasks(pairs, { numClasses: 2 }), (e) =>
    /frame_0042\.png: the predicted mask is 4x3 but the reference mask is 3x4/.test(e.message),
  );
});

test('a label >= numClasses that is not ignoreIndex is an error naming the file, the value and the pixel', async () => {
  const [w, h] = [5, 4];
  const target = new Uint8Array(w * h);
  const pred = new Uint8Array(w * h);
  target[2 * w + 3] = 9; // x=3, y=2
  const pair = (p, t) => [{ name: 'scene_9.png', pred: grey8(w, h, p), target: grey8(w, h, t) }];
  await assert.rejects(
    evaluateMasks(pair(pred, target), { numClasses: 6, ignoreIndex: 255 }),
    /scene_9\.png: reference label 9 at pixel \(x=3, y=2\) is outside \[0, 6\) and is not the ignoreIndex 255/,
  );
  await assert.rejects(
    evaluateMasks(pair(target, new Uint8Array(w * h)), { numClasses: 6 }),
    /scene_9\.png: predicted label 9 at pixel \(x=3, y=2\) is outside \[0, 6\) and no ignoreIndex is set/,
  );
  // The same value as the ignoreIndex is void, not an error.
  const report = await evaluateMasks(pair(pred, target), { numClasses: 6, ignoreIndex: 9 });
  assert.equal(report.numImages, 1);
  // Decoded label maps (no PNG) are checked the same way.
  await assert.rejects(
    evaluateMasks([{ name: 'arr', pred: { data: pred, shape: [h, w] }, target: { data: target, shape: [h, w] } }], {
      numClasses: 6,
    }),
    /arr: reference label 9 at pixel \(x=3, y=2\)/,
  );
});

test('options and pairs are checked', async () => {
  const m = grey8(2, 2, new Uint8Array(4));
  await assert.rejects(evaluateMasks([], { numClasses: 2 }), /no mask pairs/);
  await assert.rejects(evaluateMasks([{ name: 'a', pred: m, target: m }], {}), /numClasses must be a positive integer/);
  await assert.rejects(evaluateMasks([{ name: 'a', pred: m }], { numClasses: 2 }), /a needs both pred and target/);
  await assert.rejects(evaluateMasks(null, { numClasses: 2 }), /pairs must be an array/);
  await assert.rejects(
    evaluateMasks([{ name: 'a', pred: { data: new Float32Array(4), shape: [2, 2] }, target: m }], { numClasses: 2 }),
    /a \(prediction\): the predicted label map's data must be a Uint8Array, Uint16Array or Int32Array/,
  );
});

// ---- evaluateMasks: values ---------------------------------------------------------------------

test('ignoreIndex 255: void reference pixels leave every count; values match the JS reference', async () => {
  const [w, h, C] = [16, 12, 4];
  const pairs = [0, 1, 2].map((i) => {
    const target = labels(w * h, C, 10 + i);
    const pred = labels(w * h, C, 20 + i).map((v, j) => (j % 4 ? target[j] : v)); // three quarters right
    for (let j = i; j < w * h; j += 5) target[j] = VOID;
    return { name: `v${i}.png`, target, pred };
  });
  const enc = pairs.map((p) => ({ name: p.name, pred: grey8(w, h, p.pred), target: grey8(w, h, p.target) }));
  const report = await evaluateMasks(enc, { numClasses: C, ignoreIndex: 255 });
  const ref = referenceIoU(pairs, C, 255);
  checkReport(
    report,
    ref,
    pairs.map((p) => p.name),
  );
  const kept = pairs.reduce((s, p) => s + p.target.filter((v) => v !== 255).length, 0);
  assert.equal(
    report.classes.reduce((s, c) => s + c.targetPixels, 0),
    kept,
    'void pixels are not counted as support',
  );
  // The void pixels do change the result: scoring them as class 0 gives something else.
  const asZero = referenceIoU(
    pairs.map((p) => ({ pred: p.pred, target: p.target.map((v) => (v === 255 ? 0 : v)) })),
    C,
    -1,
  );
  assert.notEqual(report.meanIoU.dataset, asZero.meanDataset);
});

test('per-image IoU comes worst first; mixed sizes, dtypes and sources are batched and match the reference', async () => {
  const C = 5;
  const sizes = [
    [8, 6],
    [8, 6],
    [5, 7],
    [8, 6],
    [8, 6],
    [8, 6],
    [5, 7],
  ];
  const quality = [0.9, 0.2, 0.7, 0.5, 1, 0.35, 0.8]; // share of pixels predicted right
  const pairs = sizes.map(([w, h], i) => {
    const target = labels(w * h, C, 100 + i);
    const wrong = labels(w * h, C, 200 + i);
    const pred = target.map((v, j) => ((j * 7919) % 100 < quality[i] * 100 ? v : wrong[j]));
    return { name: `img${i}.png`, w, h, target, pred };
  });
  const sources = pairs.map((p, i) => {
    const png = (d) =>
      i === 3
        ? writePng({ width: p.w, height: p.h, data: Uint16Array.from(d), colorType: 'grey', bitDepth: 16 })
        : i === 5
          ? writePng({ width: p.w, height: p.h, data: d, colorType: 'palette', bitDepth: 8, palette: vocPalette(256) })
          : grey8(p.w, p.h, d);
    if (i === 1) return { name: p.name, pred: new Blob([png(p.pred)]), target: new Blob([png(p.target)]) }; // browser File/Blob
    if (i === 2) return { name: p.name, pred: png(p.pred).slice().buffer, target: Buffer.from(png(p.target)) }; // ArrayBuffer, Buffer
    if (i === 4)
      return { name: p.name, pred: { data: Int32Array.from(p.pred), shape: [p.h, p.w] }, target: png(p.target) };
    return { name: p.name, pred: png(p.pred), target: png(p.target) };
  });
  async function* lazily() {
    // an async iterable, as a folder reader yields pairs
    for (const s of sources) yield s;
  }
  const progress = [];
  const report = await evaluateMasks(lazily(), {
    numClasses: C,
    batchSize: 2,
    onProgress: (p) => progress.push(p.done),
  });
  const ref = referenceIoU(pairs, C, -1);
  checkReport(
    report,
    ref,
    pairs.map((p) => p.name),
  );
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7]);
  const order = [...ref.perImage.keys()].sort((a, b) => ref.perImage[a] - ref.perImage[b] || a - b);
  assert.deepEqual(
    report.images.map((im) => im.index),
    order,
  );
  assert.equal(report.images[0].name, 'img1.png'); // the worst prediction
  for (let k = 1; k < report.images.length; k++) assert.ok(report.images[k - 1].meanIoU <= report.images[k].meanIoU);
  // Batching changes nothing but the order of float sums: one image per batch gives the same report.
  const one = await evaluateMasks(sources, { numClasses: C, batchSize: 1 });
  assert.deepEqual(one.images, report.images);
  near(one.meanIoU.dataset, report.meanIoU.dataset, 'dataset mean, batches of 1');
  near(one.meanIoU.sample, report.meanIoU.sample, 'sample mean, batches of 1');
});

test('an image whose pixels are all void sorts last (NaN); includeBackground false drops class 0', async () => {
  const [w, h] = [4, 4];
  const t1 = labels(16, 3, 1);
  const p1 = labels(16, 3, 2);
  const pairs = [
    { name: 'void.png', pred: grey8(w, h, new Uint8Array(16)), target: grey8(w, h, new Uint8Array(16).fill(255)) },
    { name: 'real.png', pred: grey8(w, h, p1), target: grey8(w, h, t1) },
  ];
  const report = await evaluateMasks(pairs, {
    numClasses: 3,
    ignoreIndex: 255,
    includeBackground: false,
    classNames: ['bg', 'a', 'b'],
  });
  assert.deepEqual(
    report.images.map((im) => im.name),
    ['real.png', 'void.png'],
  );
  assert.ok(Number.isNaN(report.images[1].meanIoU));
  assert.deepEqual(
    report.classes.map((c) => [c.id, c.name]),
    [
      [1, 'a'],
      [2, 'b'],
    ],
  );
  const { inter, union } = counts(p1, t1, 3, 255);
  near(report.classes[1].iouDataset, union[2] ? inter[2] / union[2] : 0, 'class 2');
});

test('extra metrics passed in options.metrics see the same [N, H, W] batches', async () => {
  const [w, h, C] = [6, 5, 3];
  const target = labels(w * h, C, 5);
  const pred = labels(w * h, C, 6);
  const dice = new DiceScore({ numClasses: C, inputFormat: 'index', average: 'micro' });
  try {
    const report = await evaluateMasks([{ name: 'd', pred: grey8(w, h, pred), target: grey8(w, h, target) }], {
      numClasses: C,
      metrics: { dice },
    });
    // micro Dice over all classes of one image: 2 * agreements / (2 * pixels)
    const agree = target.filter((v, i) => v === pred[i]).length;
    near(report.metrics.dice, agree / (w * h), 'micro dice');
  } finally {
    dice.dispose();
  }
});

test('stackMasks copies [H, W] maps into one [N, H, W] tensor of the widest type; sizes must agree', () => {
  const a = { data: Uint8Array.of(1, 2, 3, 4), shape: [2, 2], name: 'a' };
  const b = { data: Uint16Array.of(300, 6, 7, 8), shape: [2, 2], name: 'b' };
  const s = stackMasks([a, b]);
  assert.ok(s.data instanceof Uint16Array);
  assert.deepEqual(s.shape, [2, 2, 2]);
  assert.deepEqual([...s.data], [1, 2, 3, 4, 300, 6, 7, 8]);
  assert.ok(stackMasks([a, a]).data instanceof Uint8Array);
  assert.ok(stackMasks([a, { data: Int32Array.of(1, 2, 3, 4), shape: [2, 2] }]).data instanceof Int32Array);
  assert.throws(
    () => stackMasks([a, { data: new Uint8Array(6), shape: [3, 2], name: 'tall' }]),
    /tall is 2x3 but a is 2x2/,
  );
});

// ---- the example -------------------------------------------------------------------------------

const sampleDir = join(repoRoot, 'examples/data/masks');

test('the committed sample masks are exactly what make-masks.mjs writes', () => {
  const out = join(work, 'regenerated');
  makeMasks(out);
  for (const side of ['reference', 'predicted']) {
    const names = readdirSync(join(sampleDir, side)).sort();
    assert.deepEqual(names, SAMPLES.map((s) => s[0]).sort());
    for (const n of names) {
      assert.ok(
        readFileSync(join(out, side, n)).equals(readFileSync(join(sampleDir, side, n))),
        `${side}/${n} differs`,
      );
    }
  }
});

test('the samples cover 8-bit grey, palette and 16-bit masks, void 255 and another image size', () => {
  const kinds = new Set();
  for (const side of ['reference', 'predicted']) {
    for (const [name] of SAMPLES) {
      const m = decodeMask(readFileSync(join(sampleDir, side, name)), { name });
      kinds.add(`${m.colorType}${m.bitDepth}`);
      kinds.add(m.shape.join('x'));
      if (side === 'reference' && m.data.includes(VOID)) kinds.add('void');
    }
  }
  for (const k of ['grey8', 'palette8', 'grey16', 'void', '48x64', '32x48']) assert.ok(kinds.has(k), `no ${k} sample`);
});

test('examples/segmentation/evaluate.mjs prints per-class IoU, both mean IoUs and the five worst images', async () => {
  const { stdout } = await run(process.execPath, [join(repoRoot, 'examples/segmentation/evaluate.mjs')], { cwd: work });
  const pairs = SAMPLES.map(([name]) => {
    const read = (side) => decodeMask(readFileSync(join(sampleDir, side, name)), { name }).data;
    return { name, pred: read('predicted'), target: read('reference') };
  });
  const ref = referenceIoU(pairs, CLASS_NAMES.length, VOID);
  const pct = (v) => (100 * v).toFixed(1);
  const lines = stdout.split('\n');
  assert.match(stdout, /^class\s+IoU % \(dataset\)\s+IoU % \(mean of images\)/m);
  CLASS_NAMES.forEach((n, c) => {
    const row = lines.find((l) => l.startsWith(`${c} ${n} `));
    assert.ok(row, `no row for class ${c} ${n}`);
    assert.deepEqual(row.trim().split(/\s+/).slice(2, 4), [pct(ref.iouDataset[c]), pct(ref.iouSample[c])], row);
  });
  assert.match(stdout, new RegExp(`mean IoU, dataset .*: ${pct(ref.meanDataset)} %`));
  assert.match(stdout, new RegExp(`mean IoU, sample .*: ${pct(ref.meanSample)} %`));
  const worst = [...pairs.keys()].sort((a, b) => ref.perImage[a] - ref.perImage[b] || a - b).slice(0, 5);
  const rows = lines.filter((l) => /^\s+\d+\s+street_\d+\.png/.test(l));
  assert.deepEqual(
    rows.map((r) => r.trim().split(/\s+/)[1]),
    worst.map((i) => pairs[i].name),
  );
  assert.deepEqual(
    rows.map((r) => r.trim().split(/\s+/)[3]),
    worst.map((i) => pct(ref.perImage[i])),
  );
  assert.equal(rows[0].trim().split(/\s+/)[1], 'street_08.png', 'the bad prediction is the worst image');
});

test('evaluate.mjs names the file that has no counterpart', async () => {
  const ref = join(work, 'ref');
  const pred = join(work, 'pred');
  mkdirSync(ref);
  mkdirSync(pred);
  const m = grey8(2, 2, new Uint8Array(4));
  writeFileSync(join(ref, 'a.png'), m);
  writeFileSync(join(ref, 'b.png'), m);
  writeFileSync(join(pred, 'a.png'), m);
  await assert.rejects(
    run(process.execPath, [join(repoRoot, 'examples/segmentation/evaluate.mjs'), ref, pred, '--num-classes=2']),
    (e) => /no prediction for b\.png/.test(e.stderr),
  );
});

// ---- types -------------------------------------------------------------------------------------

test('index.d.ts types the mask API (tsc --noEmit, strict)', async () => {
  const project = join(work, 'ts');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(npmDir, join(project, 'node_modules/wasmetrics'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ts-consumer', private: true, type: 'module' }));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        types: [],
      },
      files: ['use.ts'],
    }),
  );
  writeFileSync(
    join(project, 'use.ts'),
    `
import { init, decodeMask, evaluateMasks, stackMasks, DiceScore, type MaskReport, type DecodedMask } from 'wasmetrics';
await init();
const m: DecodedMask = decodeMask(new Uint8Array(8), { name: 'a.png' });
const h: number = m.shape[0];
const kind: 'grey' | 'palette' = m.colorType;
const stacked: [number, number, number] = stackMasks([m, m]).shape;
const dice = new DiceScore({ numClasses: 3, inputFormat: 'index' });
const r: MaskReport<{ dice: DiceScore }> = await evaluateMasks([{ name: 'a', pred: m, target: new ArrayBuffer(8) }],
  { numClasses: 3, ignoreIndex: 255, metrics: { dice } });
const worst: string = r.images[0].name;
const miou: number = r.meanIoU.dataset + r.meanIoU.sample + r.classes[0].iouDataset;
r.metrics.dice;
// @ts-expect-error numClasses is required
await evaluateMasks([], {});
// @ts-expect-error a pair needs a target
await evaluateMasks([{ pred: m }], { numClasses: 2 });
// @ts-expect-error no such metric key
r.metrics.other;
export { h, kind, stacked, worst, miou };
`,
  );
  const tsc = join(npmDir, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', project], { cwd: project });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
