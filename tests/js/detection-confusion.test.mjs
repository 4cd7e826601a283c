// detectionConfusionMatrix (npm/src/detection-confusion.mjs): the matrix YOLO-family tools print,
// on scenes worked out by hand. Rows = predicted class, columns = true class, background last.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const lib = await importPackage();
const { detectionConfusionMatrix, WasmetricsError } = lib;

const XYWH = { boxFormat: 'xywh' };

// gts: A class 1 [0,0,10,10], B class 2 [20,0,10,10], C class 3 [40,0,10,10].
// d0 class 1 on A (.9): cell (1, 1). d1 class 3 on B (.8): (3, 2), a class confusion.
// d2 class 2 far away (.7): (2, background). d3 class 1 [1,0,10,10] (.6): IoU 90/110 with A, but
// A keeps d0 (IoU 1): (1, background). d4 class 2 on C at score .2 < .25: not counted, so C is
// missed: (background, 3).
const preds = [
  {
    boxes: [
      [0, 0, 10, 10],
      [20, 0, 10, 10],
      [100, 100, 10, 10],
      [1, 0, 10, 10],
      [40, 0, 10, 10],
    ],
    scores: [0.9, 0.8, 0.7, 0.6, 0.2],
    labels: [1, 3, 2, 1, 2],
  },
];
const target = [
  {
    boxes: [
      [0, 0, 10, 10],
      [20, 0, 10, 10],
      [40, 0, 10, 10],
    ],
    labels: [1, 2, 3],
  },
];

test('counts per cell, with background row and column', () => {
  const r = detectionConfusionMatrix(preds, target, XYWH);
  assert.deepEqual(r.classes, [1, 2, 3]);
  assert.deepEqual(r.counts, [
    // true: 1  2  3  bg
    [1, 0, 0, 1], // predicted 1
    [0, 0, 0, 1], // predicted 2
    [0, 1, 0, 0], // predicted 3
    [0, 0, 1, 0], // background (missed)
  ]);
  assert.deepEqual(r.matrix, r.counts);
  assert.equal(r.normalize, null);
  assert.deepEqual(r.preds[0], [
    { gt: 0, row: 0, col: 0 },
    { gt: 1, row: 2, col: 1 },
    { gt: -1, row: 1, col: 3 },
    { gt: -1, row: 0, col: 3 },
    { gt: -1, row: -1, col: -1 },
  ]);
  assert.deepEqual(r.target[0], [
    { pred: 0, row: 0, col: 0 },
    { pred: 1, row: 2, col: 1 },
    { pred: -1, row: 3, col: 2 },
  ]);
});

test('normalisation: by true class (YOLO), by predicted class, over all', () => {
  // Column sums 1, 1, 1, 2; row sums 2, 1, 1, 1; total 5.
  const t = detectionConfusionMatrix(preds, target, { ...XYWH, normalize: 'true' });
  assert.deepEqual(t.matrix, [
    [1, 0, 0, 0.5],
    [0, 0, 0, 0.5],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
  ]);
  const p = detectionConfusionMatrix(preds, target, { ...XYWH, normalize: 'pred' });
  assert.deepEqual(p.matrix, [
    [0.5, 0, 0, 0.5],
    [0, 0, 0, 1],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
  ]);
  const a = detectionConfusionMatrix(preds, target, { ...XYWH, normalize: 'all' });
  assert.deepEqual(a.matrix, [
    [0.2, 0, 0, 0.2],
    [0, 0, 0, 0.2],
    [0, 0.2, 0, 0],
    [0, 0, 0.2, 0],
  ]);
  assert.deepEqual(a.counts, t.counts);
});

test('thresholds and a given class order', () => {
  // scoreThreshold 0.1 lets d4 in: it matches C (IoU 1) as class 2 -> cell (2, 3); C no longer missed.
  const r = detectionConfusionMatrix(preds, target, { ...XYWH, scoreThreshold: 0.1, classes: [3, 2, 1] });
  assert.deepEqual(r.classes, [3, 2, 1]);
  // rows/cols in order 3, 2, 1, bg: d0 (1,1) -> [2][2]; d1 (3,2) -> [0][1]; d2 (2,bg) -> [1][3];
  // d3 (1,bg) -> [2][3]; d4 (2,3) -> [1][0].
  assert.deepEqual(r.counts, [
    [0, 1, 0, 0],
    [1, 0, 0, 1],
    [0, 0, 1, 1],
    [0, 0, 0, 0],
  ]);
  // One gt [0,0,10,10], one box [5,0,10,10]: IoU 1/3, matched only when iouThreshold < 1/3.
  const one = (iouThreshold) =>
    detectionConfusionMatrix(
      [{ boxes: [[5, 0, 10, 10]], scores: [1], labels: [0] }],
      [{ boxes: [[0, 0, 10, 10]], labels: [0] }],
      { ...XYWH, iouThreshold },
    ).counts;
  assert.deepEqual(one(0.3), [
    [1, 0],
    [0, 0],
  ]);
  assert.deepEqual(one(0.45), [
    [0, 1],
    [1, 0],
  ]);
});

test("the matching is ultralytics', not an optimal assignment", () => {
  // gt1 [0,0,10,10], gt2 [3,0,10,10]; X [0,0,10,10] (IoU 1 with gt1, 70/130 with gt2),
  // Y [1,0,10,10] (90/110 with gt1, 80/120 with gt2). Each detection first keeps its best gt
  // (both gt1), then gt1 keeps X: Y and gt2 stay unmatched although Y-gt2 is above 0.45.
  const r = detectionConfusionMatrix(
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [1, 0, 10, 10],
        ],
        scores: [0.9, 0.8],
        labels: [1, 1],
      },
    ],
    [
      {
        boxes: [
          [0, 0, 10, 10],
          [3, 0, 10, 10],
        ],
        labels: [1, 1],
      },
    ],
    XYWH,
  );
  assert.deepEqual(r.counts, [
    [1, 1],
    [1, 0],
  ]);
  assert.deepEqual(
    r.target[0].map((t) => t.pred),
    [0, -1],
  );
});

test('images without ground truth or detections; bad input', () => {
  const r = detectionConfusionMatrix(
    [
      { boxes: [[0, 0, 1, 1]], scores: [0.9], labels: [4] },
      { boxes: [], scores: [], labels: [] },
    ],
    [
      { boxes: [], labels: [] },
      { boxes: [[0, 0, 1, 1]], labels: [4] },
    ],
    XYWH,
  );
  assert.deepEqual(r.counts, [
    [0, 1],
    [1, 0],
  ]);
  const refuses = (fn, code, re) =>
    assert.throws(fn, (e) => e instanceof WasmetricsError && e.code === code && re.test(e.message));
  refuses(
    () => detectionConfusionMatrix(preds, target, { ...XYWH, classes: [1, 2] }),
    'E_LABEL_RANGE',
    /preds\[0\]\.labels\[1\] has label 3/,
  );
  refuses(() => detectionConfusionMatrix(preds, target, { normalize: 'rows' }), 'E_OPTION', /normalize/);
  refuses(() => detectionConfusionMatrix(preds, target, { scoreThreshold: -1 }), 'E_OPTION', /scoreThreshold/);
  refuses(() => detectionConfusionMatrix(preds, [{ labels: [1] }], XYWH), 'E_INPUT', /target\[0\]\.boxes is missing/);
});

test('masks (iouType segm)', async () => {
  await lib.init(); // mask IoU runs in the engine
  // 4 x 4: gt (class 1) the left two columns; a class-2 detection on it (IoU 1): cell (2, 1); a
  // class-1 detection on one pixel of the right half: no overlap, background column.
  const grid = (cells) => {
    const m = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    for (const [y, x] of cells) m[y][x] = 1;
    return lib.rleEncode(m);
  };
  const left = grid(
    [0, 1, 2, 3].flatMap((y) => [
      [y, 0],
      [y, 1],
    ]),
  );
  const r = detectionConfusionMatrix(
    [{ masks: [left, grid([[0, 3]])], scores: [0.9, 0.8], labels: [2, 1] }],
    [{ masks: [left], labels: [1] }],
    { iouType: 'segm' },
  );
  assert.deepEqual(r.classes, [1, 2]);
  assert.deepEqual(r.counts, [
    [0, 0, 1],
    [1, 0, 0],
    [0, 0, 0],
  ]);
});
