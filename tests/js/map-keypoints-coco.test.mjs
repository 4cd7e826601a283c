// MeanAveragePrecision({iouType: 'keypoints'}) and COCOKeypoints are one engine
// (src/wasmetrics/detection/coco_eval.cpp, OKS from detection/oks.hpp): on every COCOKeypoints
// fixture input, the COCO files as per-image dicts (keypoints [N, K, 3]), with COCOeval's float64
// thresholds, give the fixture's ten COCOeval keypoint stats (pycocotools, not our own output) and
// COCOKeypoints' own numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage, readFixtureFiles } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const { MeanAveragePrecision, COCOKeypoints, COCO_KEYPOINT_SUMMARY_KEYS: STATS } = lib;

const cases = (readFixtureFiles().find((f) => f.file === 'detection_qa.json')?.cases ?? []).filter(
  (c) => c.metric === 'COCOKeypoints' && !Object.hasOwn(c, 'error'),
);
const numpyLinspace = (a, b, n) => Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * ((b - a) / (n - 1)) + a));

// [x1, y1, v1, x2, ...] as [[x1, y1, v1], ...]
const triples = (flat) => Array.from({ length: flat.length / 3 }, (_, j) => flat.slice(3 * j, 3 * j + 3));

// Images by id (COCOeval's order), annotations in file order, only the categories of `gt`.
function asPerImageDicts({ gt, dt }) {
  const images = [...gt.images].sort((a, b) => a.id - b.id);
  const known = new Set(gt.categories.map((c) => c.id));
  const preds = images.map((im) => {
    const ds = dt.filter((d) => d.image_id === im.id && known.has(d.category_id));
    return {
      keypoints: ds.map((d) => triples(d.keypoints)),
      scores: ds.map((d) => d.score),
      labels: ds.map((d) => d.category_id),
    };
  });
  const target = images.map((im) => {
    const as = gt.annotations.filter((a) => a.image_id === im.id && known.has(a.category_id));
    return {
      boxes: as.map((a) => a.bbox),
      labels: as.map((a) => a.category_id),
      iscrowd: as.map((a) => a.iscrowd ?? 0),
      area: as.map((a) => a.area),
      keypoints: as.map((a) => triples(a.keypoints)),
    };
  });
  return { preds, target };
}

const skip = cases.length ? false : 'no COCOKeypoints cases';

test('MeanAveragePrecision keypoints = COCOKeypoints on the fixture inputs', { skip }, () => {
  assert.ok(cases.length >= 5, `only ${cases.length} cases`);
  for (const c of cases) {
    assert.equal(c.batches.length, 1, `${c.id}: one batch expected`);
    const sigmas = c.args.kpt_oks_sigmas ?? null;
    const coco = new COCOKeypoints({ kptOksSigmas: sigmas });
    const m = new MeanAveragePrecision({
      iouType: 'keypoints',
      boxFormat: 'xywh',
      kptOksSigmas: sigmas,
      iouThresholds: numpyLinspace(0.5, 0.95, 10),
      recThresholds: numpyLinspace(0, 1, 101),
    });
    try {
      coco.update(JSON.stringify(c.batches[0].gt), JSON.stringify(c.batches[0].dt));
      const engine = coco.compute().stats;
      const { preds, target } = asPerImageDicts(c.batches[0]);
      m.update(preds, target);
      const got = m.compute();
      STATS.forEach((k, i) => {
        const have = Number(got[k]);
        // MeanAveragePrecision returns float32 values, as TorchMetrics' tensors.
        assert.ok(
          Math.abs(have - c.expected.stats.data[i]) <= 1e-6,
          `${c.id}: ${k} ${have}, COCOeval ${c.expected.stats.data[i]}`,
        );
        assert.ok(
          Math.abs(have - Number(engine.data[i])) <= 1e-6,
          `${c.id}: ${k} ${have}, COCOKeypoints ${engine.data[i]}`,
        );
      });
    } finally {
      m.dispose();
      coco.dispose();
    }
  }
});

test('MeanAveragePrecision keypoints: bad keypoints throw naming the image and field, the state unchanged', () => {
  const m = new MeanAveragePrecision({ iouType: 'keypoints', kptOksSigmas: [0.1, 0.1, 0.1] });
  const target = [
    {
      boxes: [[0, 0, 10, 10]],
      labels: [1],
      keypoints: [
        [
          [1, 1, 2],
          [3, 3, 2],
          [5, 5, 2],
        ],
      ],
    },
  ];
  const preds = [
    {
      keypoints: [
        [
          [1, 1, 1],
          [3, 3, 1],
          [5, 5, 1],
        ],
      ],
      scores: [0.5],
      labels: [1],
    },
  ];
  try {
    m.update(preds, target);
    const before = m.compute();
    // keypoints missing on the ground truth: the engine names both inputs it needs
    assert.throws(
      () => m.update(preds, [{ boxes: [[0, 0, 10, 10]], labels: [1] }]),
      /iouType='keypoints' needs `pred_keypoints` and `target_keypoints`/,
    );
    // two keypoints per object for three sigmas
    assert.throws(
      () =>
        m.update(
          [
            {
              keypoints: [
                [
                  [1, 1, 1],
                  [3, 3, 1],
                ],
              ],
              scores: [0.5],
              labels: [1],
            },
          ],
          [
            {
              ...target[0],
              keypoints: [
                [
                  [1, 1, 2],
                  [3, 3, 2],
                ],
              ],
            },
          ],
        ),
      /`pred_keypoints` must have shape \[K, N, 3\].*N = 3 \(one keypoint per kptOksSigmas entry\), got \[1, 2, 3\]/,
    );
    // one object's keypoints not in triples; a missing image's keypoints; different counts in one update
    assert.throws(
      () => m.update([{ keypoints: [[1, 1, 1, 3]], scores: [0.5], labels: [1] }], target),
      /preds\[0\]\.keypoints must have shape \[N, K, 3\]/,
    );
    assert.throws(
      () => m.update([...preds, { scores: [0.4], labels: [1], boxes: [[0, 0, 1, 1]] }], [...target, ...target]),
      /preds\[1\]\.keypoints is missing while other images have keypoints/,
    );
    assert.throws(
      () =>
        m.update(preds, [
          {
            ...target[0],
            keypoints: [
              [
                [1, 1, 2],
                [3, 3, 2],
              ],
            ],
          },
        ]),
      /target\[0\]\.keypoints has 2 keypoints per object but preds\[0\]\.keypoints has 3/,
    );
    assert.throws(
      () => m.update(preds, [{ labels: [1], keypoints: target[0].keypoints }]),
      /target\[0\]\.boxes is missing/,
    );
    assert.deepEqual(m.compute(), before);
  } finally {
    m.dispose();
  }
});
