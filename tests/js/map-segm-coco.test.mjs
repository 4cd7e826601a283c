// MeanAveragePrecision({iouType: 'segm'}) and COCOSegmPolygons are one engine
// (src/wasmetrics/detection/coco_eval.cpp): on every COCOSegmPolygons fixture input, the polygons
// rasterised with rleFrPoly and given to MeanAveragePrecision as RLE masks, with COCOeval's float64
// thresholds, give the fixture's twelve COCOeval stats (pycocotools, not our own output).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage, readFixtureFiles } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const { MeanAveragePrecision, rleFrPoly, COCO_SUMMARY_KEYS: STATS } = lib;

const cases = (readFixtureFiles().find((f) => f.file === 'detection_qa.json')?.cases ?? []).filter(
  (c) => c.metric === 'COCOSegmPolygons' && !Object.hasOwn(c, 'error'),
);
const numpyLinspace = (a, b, n) => Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * ((b - a) / (n - 1)) + a));

// One COCO annotation's segmentation as an RLE on its image (polygons merged as annToRLE does), or
// (`polygonsAsGiven`) the polygons themselves with the image size, for MeanAveragePrecision to rasterise.
let polygonsAsGiven = false;
const maskOf = (seg, image) => {
  if (!Array.isArray(seg)) return seg;
  return polygonsAsGiven
    ? { polygons: seg, size: [image.height, image.width] }
    : rleFrPoly(seg, image.height, image.width);
};

function asPerImageDicts({ gt, dt }) {
  const images = [...gt.images].sort((a, b) => a.id - b.id);
  const preds = images.map((im) => {
    const ds = dt.filter((d) => d.image_id === im.id);
    return {
      masks: ds.map((d) => maskOf(d.segmentation, im)),
      scores: ds.map((d) => d.score),
      labels: ds.map((d) => d.category_id),
    };
  });
  const target = images.map((im) => {
    const as = gt.annotations.filter((a) => a.image_id === im.id);
    return {
      masks: as.map((a) => maskOf(a.segmentation, im)),
      labels: as.map((a) => a.category_id),
      iscrowd: as.map((a) => a.iscrowd ?? 0),
      area: as.map((a) => a.area),
    };
  });
  return { preds, target };
}

const checkAll = () => {
  assert.ok(cases.length >= 5, `only ${cases.length} cases`);
  for (const c of cases) {
    assert.equal(c.batches.length, 1, `${c.id}: one batch expected`);
    const { preds, target } = asPerImageDicts(c.batches[0]);
    const m = new MeanAveragePrecision({
      iouType: 'segm',
      iouThresholds: numpyLinspace(0.5, 0.95, 10),
      recThresholds: numpyLinspace(0, 1, 101),
    });
    try {
      m.update(preds, target);
      const got = m.compute();
      STATS.forEach((k, i) => {
        const want = c.expected.stats.data[i];
        const have = Number(got[k]);
        // MeanAveragePrecision returns float32 values, as TorchMetrics' tensors.
        assert.ok(Math.abs(have - want) <= 1e-6, `${c.id}: ${k} ${have}, COCOeval ${want}`);
      });
    } finally {
      m.dispose();
    }
  }
};
const skip = cases.length ? false : 'no COCOSegmPolygons cases';

test(
  'MeanAveragePrecision segm = COCOSegmPolygons on the fixture inputs (masks as RLE from rleFrPoly)',
  { skip },
  () => {
    polygonsAsGiven = false;
    checkAll();
  },
);

test('MeanAveragePrecision segm takes COCO polygons directly ({polygons, size} per object)', { skip }, () => {
  polygonsAsGiven = true;
  try {
    checkAll();
  } finally {
    polygonsAsGiven = false;
  }
  const m = new MeanAveragePrecision({ iouType: 'segm' });
  try {
    assert.throws(
      () =>
        m.update(
          [{ masks: [{ polygons: [[1, 1, 5, 1]], size: [7, 6] }], scores: [1], labels: [0] }],
          [{ masks: [], labels: [] }],
        ),
      /rleFrPoly: `polygons\[0\]` must have at least 3 points/,
    );
  } finally {
    m.dispose();
  }
});
