// tideErrors (npm/src/tide.mjs): TIDE's error breakdown on small scenes where each error type is
// built on purpose; every count and dAP below is worked out by hand in the comments (TIDE's AP:
// per class, precision made non-increasing, sampled at recall 0, 0.01, ..., 1 — 101 bars — and
// averaged; mAP the mean over classes with detections or ground truth). Boxes are xywh.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
const { tideErrors, WasmetricsError } = lib;

const XYWH = { boxFormat: 'xywh' };
const close = (got, want, what) => assert.ok(Math.abs(got - want) <= 1e-12, `${what}: ${got}, expected ${want}`);
const ZERO = { cls: 0, loc: 0, both: 0, dupe: 0, bkg: 0, miss: 0 };

function checkAll(r, { ap, counts, dAP, falsePositive, falseNegative }) {
  close(r.ap, ap, 'ap');
  assert.deepEqual(r.counts, { ...ZERO, ...counts });
  for (const [k, v] of Object.entries({ ...ZERO, ...dAP })) close(r.dAP[k], v, `dAP.${k}`);
  close(r.dAPSpecial.falsePositive, falsePositive, 'dAPSpecial.falsePositive');
  close(r.dAPSpecial.falseNegative, falseNegative, 'dAPSpecial.falseNegative');
}

test("classification error: a box on the other class's object", () => {
  // gt A (class 1) at [0,0,10,10], gt B (class 2) at [20,0,10,10].
  // d0 class 1 on A, score .9: true positive. d1 class 1 on B, score .8: its same-class IoU is 0
  // (not loc), its IoU with B (other class) is 1 >= 0.5: cls; B is claimed by it, so not missed.
  // AP: class 1 = [TP .9, FP .8] over 1 gt: precision 1 at recall 1 -> 1; class 2: 1 gt, no
  // detection -> 0; mAP 0.5. Fixing cls relabels d1 as a class-2 TP: both classes 1, mAP 1 -> dAP 0.5.
  // Special: FP -> scores 0 does not change class 1 (already 1) -> 0. FN -> B removed: class 2
  // has nothing left and leaves the mean -> mAP 1, +0.5.
  const r = tideErrors(
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [20, 0, 10, 10],
        ],
        scores: [0.9, 0.8],
        labels: [1, 1],
      },
    ],
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [20, 0, 10, 10],
        ],
        labels: [1, 2],
      },
    ],
    XYWH,
  );
  checkAll(r, { ap: 0.5, counts: { cls: 1 }, dAP: { cls: 0.5 }, falsePositive: 0, falseNegative: 0.5 });
  assert.deepEqual(r.preds, [
    [
      { type: 'tp', ignored: false, gt: 0, iou: 1 },
      { type: 'cls', ignored: false, gt: 1, iou: 0 },
    ],
  ]);
  assert.deepEqual(r.target, [
    [
      { type: 'tp', pred: 0 },
      { type: 'fixable', pred: -1 },
    ],
  ]);
});

test('localisation errors: the better-scored one claims the object, the other is removed', () => {
  // gt A (class 1) [0,0,10,10]. d0 [5,0,10,10] .9 and d1 [0,5,10,10] .8, class 1: IoU 50/150 = 1/3
  // each, in [0.1, 0.5]: two loc errors on A (A is fixable, not missed). gt B (class 2)
  // [20,0,10,10] and d2 class 1 on it, .7: cls.
  // AP: class 1 has 3 FPs, class 2 nothing: mAP 0.
  // Fix loc: d0 becomes the TP of A, d1 is removed, d2 stays FP: class 1 = [TP .9, FP .7] -> 1;
  // class 2 -> 0; mAP 0.5. Fix cls: d2 becomes class 2's TP -> class 2 = 1, class 1 = 0: 0.5.
  // Special: FP -> no TP anywhere, 0. FN -> A and B removed: class 1 keeps 3 FPs and 0 gt (AP 0,
  // still counted), class 2 leaves the mean: mAP 0 -> 0.
  const r = tideErrors(
    [
      {
        boxes: [
          [5, 0, 10, 10],
          [0, 5, 10, 10],
          [20, 0, 10, 10],
        ],
        scores: [0.9, 0.8, 0.7],
        labels: [1, 1, 1],
      },
    ],
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [20, 0, 10, 10],
        ],
        labels: [1, 2],
      },
    ],
    XYWH,
  );
  checkAll(r, { ap: 0, counts: { loc: 2, cls: 1 }, dAP: { loc: 0.5, cls: 0.5 }, falsePositive: 0, falseNegative: 0 });
  assert.deepEqual(
    r.preds[0].map((p) => [p.type, p.gt]),
    [
      ['loc', 0],
      ['loc', 0],
      ['cls', 1],
    ],
  );
  close(r.preds[0][0].iou, 1 / 3, 'iou of d0');
  assert.deepEqual(
    r.target[0].map((t) => t.type),
    ['fixable', 'fixable'],
  );
});

test('duplicate, background, both and missed in one image', () => {
  // gts: A class 1 [0,0,10,10]; B class 1 [100,100,10,10] (nothing near: missed); C class 2
  // [50,0,10,10] (only a class-1 box at IoU 1/3 near it: missed, as `both` claims nothing).
  // Detections, all class 1, in score order:
  //   d3 .97 [55,0,10,10]: same-class IoU 0; IoU 1/3 with C (other class, < 0.5; > 0.1): both
  //   d2 .95 [200,200,10,10]: overlaps nothing: bkg
  //   d0 .90 [0,0,10,10]: TP on A
  //   d1 .80 [0,0,10,10]: A taken; IoU 1 with the used A: dupe
  // AP class 1 (2 gt): FP FP TP FP -> precision 0 0 1/3 1/4, made non-increasing 1/3 1/3 1/3 1/4,
  //   recall 0 0 .5 .5: bars at recall 0..0.5 (51 of 101) read 1/3 -> 17/101. Class 2: 0.
  //   mAP = 17/202.
  // Fix bkg (drop d2): FP TP FP -> precision 1/2 at recall .5: 51/202 for class 1, mAP 51/404,
  //   dAP = 51/404 - 34/404 = 17/404. Fix both (drop d3): the same, 17/404.
  // Fix dupe (drop d1): FP FP TP -> still 1/3 up to recall .5: dAP 0.
  // Fix miss (B and C removed from the gt counts): class 1 has 1 gt, recall 0 0 1 1 -> all 101
  //   bars 1/3 -> 1/3; class 2 (no gt, no detection) leaves the mean: dAP = 1/3 - 17/202 = 151/606.
  // Special: FP -> TP scored 1, FPs 0: TP first, precision 1 up to recall .5 -> 51/101, mAP
  //   51/202: +34/202. FN -> the same removals as fixing miss: 151/606.
  const r = tideErrors(
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [0, 0, 10, 10],
          [200, 200, 10, 10],
          [55, 0, 10, 10],
        ],
        scores: [0.9, 0.8, 0.95, 0.97],
        labels: [1, 1, 1, 1],
      },
    ],
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [100, 100, 10, 10],
          [50, 0, 10, 10],
        ],
        labels: [1, 1, 2],
      },
    ],
    XYWH,
  );
  checkAll(r, {
    ap: 17 / 202,
    counts: { dupe: 1, bkg: 1, both: 1, miss: 2 },
    dAP: { bkg: 17 / 404, both: 17 / 404, miss: 151 / 606 },
    falsePositive: 34 / 202,
    falseNegative: 151 / 606,
  });
  assert.deepEqual(
    r.preds[0].map((p) => [p.type, p.gt]),
    [
      ['tp', 0],
      ['dupe', 0],
      ['bkg', -1],
      ['both', -1],
    ],
  );
  assert.deepEqual(r.target[0], [
    { type: 'tp', pred: 0 },
    { type: 'miss', pred: -1 },
    { type: 'miss', pred: -1 },
  ]);
});

test('crowd regions, images without ground truth or detections, maxDetections, box formats', () => {
  // Image 0: a crowd region (class 1) [0,0,100,100] and gt A class 1 [200,200,10,10].
  //   d0 class 1 [10,10,10,10] .9: crowd IoU (over its own area) 1 > 0.5: ignored — not in the AP
  //   data, but tidecv still types it: it overlaps no (non-crowd) gt -> bkg. d1 on A .8: TP.
  // Image 1: no ground truth; d2 class 1 .7 -> bkg (an FP of class 1).
  // Image 2: gt class 1, no detections -> miss. Image 3: maxDetections 2 keeps the two best of
  //   three boxes on one gt (class 2): .6 TP, .5 dupe; .4 'dropped' (never evaluated).
  // AP class 1 (2 gt: A and image 2's): TP .8, FP .7 -> precision 1 at recall .5: 51/101.
  // Class 2 (1 gt): TP, FP -> 1. mAP = (51/101 + 1) / 2 = 76/101.
  // Fix bkg: removes d2 (d0 was not in the data): class 1 unchanged -> 0. Fix miss: class 1 has
  //   1 gt: TP first -> 1, mAP 1: dAP 25/101. Fix dupe: 0.
  const box = (x, y) => [x, y, x + 10, y + 10]; // xyxy here
  const r = tideErrors(
    [
      { boxes: [box(10, 10), box(200, 200)], scores: [0.9, 0.8], labels: [1, 1] },
      { boxes: [box(0, 0)], scores: [0.7], labels: [1] },
      { boxes: [], scores: [], labels: [] },
      { boxes: [box(0, 0), box(0, 0), box(0, 0)], scores: [0.4, 0.6, 0.5], labels: [2, 2, 2] },
    ],
    [
      { boxes: [[0, 0, 100, 100], box(200, 200)], labels: [1, 1], iscrowd: [1, 0] },
      { boxes: [], labels: [] },
      { boxes: [box(0, 0)], labels: [1] },
      { boxes: [box(0, 0)], labels: [2] },
    ],
    { maxDetections: 2 },
  );
  checkAll(r, {
    ap: 76 / 101,
    counts: { bkg: 2, miss: 1, dupe: 1 },
    dAP: { miss: 25 / 101 },
    falsePositive: 0, // class 1: TP already before its FP; class 2 too
    falseNegative: 25 / 101, // the missed gt removed, as fixing miss
  });
  assert.deepEqual(
    r.preds[0].map((p) => [p.type, p.ignored]),
    [
      ['bkg', true],
      ['tp', false],
    ],
  );
  assert.deepEqual(
    r.target[0].map((t) => t.type),
    ['ignored', 'tp'],
  );
  assert.deepEqual(
    r.preds[1].map((p) => p.type),
    ['bkg'],
  );
  assert.deepEqual(r.target[2], [{ type: 'miss', pred: -1 }]);
  assert.deepEqual(
    r.preds[3].map((p) => p.type),
    ['dropped', 'tp', 'dupe'],
  );
});

test('the foreground and background thresholds move the boundaries', () => {
  // One gt [0,0,10,10] class 1, one class-1 box [5,0,10,10] (IoU 1/3).
  const one = (opts) =>
    tideErrors([{ boxes: [[5, 0, 10, 10]], scores: [0.5], labels: [1] }], [{ boxes: [[0, 0, 10, 10]], labels: [1] }], {
      ...XYWH,
      ...opts,
    });
  assert.equal(one({}).preds[0][0].type, 'loc'); // 0.1 <= 1/3 <= 0.5
  assert.equal(one({ iouThreshold: 0.3 }).preds[0][0].type, 'tp'); // 1/3 >= 0.3: matched, AP 1
  close(one({ iouThreshold: 0.3 }).ap, 1, 'ap at 0.3');
  assert.equal(one({ backgroundThreshold: 0.4 }).preds[0][0].type, 'bkg'); // 1/3 < 0.4 and <= 0.4
});

test('bad inputs and options throw WasmetricsError naming the field', () => {
  const good = [{ boxes: [[0, 0, 1, 1]], scores: [1], labels: [1] }];
  const gt = [{ boxes: [[0, 0, 1, 1]], labels: [1] }];
  const refuses = (fn, code, re) =>
    assert.throws(fn, (e) => e instanceof WasmetricsError && e.code === code && re.test(e.message));
  refuses(() => tideErrors(good, [], XYWH), 'E_SHAPE', /one dict per image/);
  refuses(() => tideErrors('x', gt), 'E_INPUT', /`preds` must be a list/);
  refuses(
    () => tideErrors([{ boxes: [[0, 0, 1]], scores: [1], labels: [1] }], gt),
    'E_SHAPE',
    /preds\[0\]\.boxes must have shape \[1, 4\]/,
  );
  refuses(() => tideErrors([{ boxes: [[0, 0, 1, 1]], labels: [1] }], gt), 'E_INPUT', /preds\[0\]\.scores is missing/);
  refuses(
    () => tideErrors(good, [{ boxes: [[0, 0, 1, 1]], labels: [1.5] }]),
    'E_INPUT',
    /target\[0\]\.labels\[0\] must be a finite integer/,
  );
  refuses(
    () => tideErrors([{ boxes: [[0, 0, NaN, 1]], scores: [1], labels: [1] }], gt),
    'E_INPUT',
    /preds\[0\]\.boxes\[0\] must be finite/,
  );
  refuses(() => tideErrors([{ boxes: [[5, 0, 1, 1]], scores: [1], labels: [1] }], gt), 'E_INPUT', /negative width/);
  refuses(() => tideErrors(good, gt, { iouThreshold: 2 }), 'E_OPTION', /iouThreshold/);
  refuses(() => tideErrors(good, gt, { boxFormat: 'yxyx' }), 'E_OPTION', /boxFormat/);
  refuses(() => tideErrors(good, gt, { maxDetections: 0 }), 'E_OPTION', /maxDetections/);
  assert.ok(Number.isNaN(tideErrors([], []).ap), 'no class at all: NaN');
});

test('readCoco output goes straight in (labels are the category ids)', () => {
  const gt = {
    images: [{ id: 7 }],
    categories: [
      { id: 3, name: 'cat' },
      { id: 5, name: 'dog' },
    ],
    annotations: [
      { id: 1, image_id: 7, category_id: 3, bbox: [0, 0, 10, 10] },
      { id: 2, image_id: 7, category_id: 5, bbox: [20, 0, 10, 10] },
    ],
  };
  const dt = [
    { image_id: 7, category_id: 3, bbox: [0, 0, 10, 10], score: 0.9 },
    { image_id: 7, category_id: 3, bbox: [20, 0, 10, 10], score: 0.8 },
  ];
  const d = lib.readCoco(gt, dt);
  const r = tideErrors(d.preds, d.target, { boxFormat: d.boxFormat });
  // The classification scene of the first test with category ids 3 and 5.
  assert.deepEqual(r.counts, { ...ZERO, cls: 1 });
  close(r.dAP.cls, 0.5, 'dAP.cls');
});

test('masks (iouType segm): a cls and a loc error on the same object, the better-scored claims it', async () => {
  await lib.init(); // mask IoU runs in the engine
  // 4 x 4 image. gt A (class 1): the left two columns (8 pixels); gt B (class 2): the right two.
  // d0 class 1 = A (.9): TP. d1 class 1 = B (.8): IoU 1 with another class: cls on B.
  // d2 class 2 = 2 pixels of B (.7): IoU 2/8 = 0.25 in [0.1, 0.5]: loc on B.
  // B is claimed (fixable); the claim goes to the best score among its cls/loc errors: d1.
  // AP: class 1 [TP .9, FP .8] -> 1; class 2 [FP .7], 1 gt -> 0; mAP 0.5.
  // Fix cls: d1 becomes class 2's TP (.8) above d2's FP -> class 2 = 1: mAP 1, dAP 0.5.
  // Fix loc: d2 does not hold B's claim, so it is removed: class 2 has nothing, 0: dAP 0.
  // Special: FP -> class 1 already has its TP first: 0. FN -> B removed, but class 2 keeps d2's
  // FP, so it stays in the mean at AP 0: 0.
  const grid = (cells) => {
    const m = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (const [y, x] of cells) m[y][x] = 1;
    return lib.rleEncode(m);
  };
  const cols = (a, b) => [0, 1, 2, 3].flatMap((y) => [a, b].map((x) => [y, x]));
  const A = grid(cols(0, 1));
  const B = grid(cols(2, 3));
  const r = tideErrors(
    [
      {
        masks: [
          A,
          B,
          grid([
            [0, 2],
            [1, 2],
          ]),
        ],
        scores: [0.9, 0.8, 0.7],
        labels: [1, 1, 2],
      },
    ],
    [{ masks: [A, B], labels: [1, 2] }],
    { iouType: 'segm' },
  );
  checkAll(r, { ap: 0.5, counts: { cls: 1, loc: 1 }, dAP: { cls: 0.5 }, falsePositive: 0, falseNegative: 0 });
  assert.deepEqual(
    r.preds[0].map((p) => [p.type, p.gt]),
    [
      ['tp', 0],
      ['cls', 1],
      ['loc', 1],
    ],
  );
  assert.deepEqual(
    r.target[0].map((t) => t.type),
    ['tp', 'fixable'],
  );
  // The same scene from COCO polygons ({polygons, size}): the square (1,1)-(5,5) covers 4 x 4 pixels.
  const sq = { polygons: [[1, 1, 5, 1, 5, 5, 1, 5]], size: [7, 6] };
  const p = tideErrors([{ masks: [sq], scores: [1], labels: [3] }], [{ masks: [sq], labels: [3] }], {
    iouType: 'segm',
  });
  assert.deepEqual(p.preds[0], [{ type: 'tp', ignored: false, gt: 0, iou: 1 }]);
  assert.throws(
    () => tideErrors([{ masks: [A], scores: [1], labels: [1] }], [{ masks: [], labels: [1] }], { iouType: 'segm' }),
    (e) => e instanceof WasmetricsError && /target\[0\]\.masks must list one COCO RLE/.test(e.message),
  );
});
