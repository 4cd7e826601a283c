// Detection inputs through the npm package: TorchMetrics' lists of per-image dicts (npm/src/detection.mjs)
// and COCO JSON (npm/src/coco.mjs). Expected values come from the conformance fixtures (pycocotools via
// TorchMetrics) or from the flat inputs of the same data (the engine's own form), never from our output.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { camelCaseArgs, compareResult, fixtureTensor, importPackage, readFixtureFiles } from './helpers.mjs';
import { mulberry32 } from '../../scripts/lib/mulberry32.mjs';

const lib = await importPackage();
await lib.init();
const { MeanAveragePrecision, IntersectionOverUnion, evaluateCoco, readCoco, decodeRle, createMetric } = lib;

const detectionCases = readFixtureFiles().find((f) => f.file === 'detection.json')?.cases ?? [];
const valueCases = detectionCases.filter((c) => !Object.hasOwn(c, 'error'));

// A fixture image dict {key: {dtype, shape, data}} in the API's tensor forms.
const imageDict = (img, where) =>
  Object.fromEntries(Object.entries(img).map(([k, v]) => [k, fixtureTensor(v, `${where}.${k}`)]));

// COCOeval's Params thresholds, np.linspace in float64 (numpy: i * step + start, the last exactly stop),
// written here independently of npm/src/coco.mjs.
const numpyLinspace = (a, b, n) => Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * ((b - a) / (n - 1)) + a));
const COCO_THRESHOLDS = { iouThresholds: numpyLinspace(0.5, 0.95, 10), recThresholds: numpyLinspace(0, 1, 101) };

function computeWith(name, args, batches) {
  const m = createMetric(name, args);
  try {
    for (const b of batches) m.update(...b);
    return m.compute();
  } finally {
    m.dispose();
  }
}

test('fixtures are found', () => {
  assert.ok(valueCases.length >= 30, `only ${valueCases.length} detection value cases`);
});

test("per-image dicts give the fixtures' (pycocotools / TorchMetrics) values for every detection case", () => {
  for (const c of valueCases) {
    const batches = c.batches.map((b, i) => [
      b.preds.map((img, k) => imageDict(img, `${c.id}.batches[${i}].preds[${k}]`)),
      b.target.map((img, k) => imageDict(img, `${c.id}.batches[${i}].target[${k}]`)),
    ]);
    const got = computeWith(c.metric, camelCaseArgs(c.args), batches);
    const diff = compareResult(got, c.expected, c.atol ?? 1e-6, c.rtol ?? 1e-5, lib.Tensor, `${c.id}: compute()`);
    assert.equal(diff, '', diff);
  }
});

test('forward takes per-image dicts too', () => {
  const c = valueCases.find((x) => x.forward && x.metric === 'MeanAveragePrecision');
  const m = createMetric(c.metric, camelCaseArgs(c.args));
  try {
    c.batches.forEach((b, i) => {
      const got = m.forward(
        b.preds.map((img) => imageDict(img, 'p')),
        b.target.map((img) => imageDict(img, 't')),
      );
      const diff = compareResult(
        got,
        c.forward[i],
        c.atol ?? 1e-6,
        c.rtol ?? 1e-5,
        lib.Tensor,
        `${c.id}: forward[${i}]`,
      );
      assert.equal(diff, '', diff);
    });
  } finally {
    m.dispose();
  }
});

// A fixture box as COCO xywh, converted the way TorchMetrics hands boxes to pycocotools
// (torchvision's box_convert in the boxes' float32 arithmetic, via xyxy; then .tolist()).
function toXywh(b, format) {
  const f = Math.fround;
  let x1;
  let y1;
  let x2;
  let y2;
  if (format === 'xywh') return b;
  if (format === 'xyxy') [x1, y1, x2, y2] = b;
  else {
    const hw = f(0.5 * b[2]);
    const hh = f(0.5 * b[3]);
    [x1, y1, x2, y2] = [f(b[0] - hw), f(b[1] - hh), f(b[0] + hw), f(b[1] + hh)];
  }
  return [x1, y1, f(x2 - x1), f(y2 - y1)];
}

// The fixture's images as a COCO pair: image ids 1..B in fixture order, category id = label, boxes xywh.
function fixtureAsCoco(c) {
  const format = c.args.box_format ?? 'xyxy';
  const box = (t, j) =>
    toXywh(
      t.boxes.data.slice(j * 4, j * 4 + 4).map((v) => Math.fround(v)),
      format,
    );
  const images = [];
  const annotations = [];
  const results = [];
  const labels = new Set();
  let imageId = 0;
  for (const b of c.batches) {
    b.preds.forEach((p, k) => {
      const t = b.target[k];
      imageId += 1;
      images.push({ id: imageId, file_name: `${imageId}.jpg`, width: 640, height: 480 });
      const tl = t.labels.data;
      tl.forEach((label, j) => {
        labels.add(label);
        annotations.push({
          id: annotations.length + 1,
          image_id: imageId,
          category_id: label,
          bbox: box(t, j),
          iscrowd: t.iscrowd ? t.iscrowd.data[j] : 0,
          ...(t.area ? { area: t.area.data[j] } : {}),
        });
      });
      p.labels.data.forEach((label, j) => {
        labels.add(label);
        results.push({ image_id: imageId, category_id: label, bbox: box(p, j), score: p.scores.data[j] });
      });
    });
  }
  const categories = [...labels].sort((a, b) => a - b).map((id) => ({ id, name: `class ${id}` }));
  // Listed in reverse: COCOeval sorts image ids, so file order must not matter.
  return { gt: { images: images.reverse(), annotations, categories }, results };
}

const OWN_FIELDS = ['perClass', 'images', 'annotations', 'detections'];
const withoutOwn = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => !OWN_FIELDS.includes(k)));

test("COCO JSON (ground truth + results files) read by readCoco gives the fixtures' values for every bbox mAP case; evaluateCoco = COCOeval's thresholds", () => {
  const cocoCases = valueCases.filter(
    (c) => c.metric === 'MeanAveragePrecision' && (c.args.iou_type ?? 'bbox') === 'bbox',
  );
  assert.ok(cocoCases.length >= 10, `only ${cocoCases.length} bbox MeanAveragePrecision cases to write as COCO JSON`);
  for (const c of cocoCases) {
    const { gt, results } = fixtureAsCoco(c);
    const { box_format: _, iou_type: __, ...args } = c.args;
    const options = { classMetrics: false, ...camelCaseArgs(args) };
    for (const [gtIn, resIn] of [
      [gt, results],
      [JSON.stringify(gt), new TextEncoder().encode(JSON.stringify(results))],
    ]) {
      // The fixtures are TorchMetrics' (torch.linspace float32 thresholds unless the case gives some):
      // MeanAveragePrecision on readCoco's dicts.
      const { preds, target } = readCoco(gtIn, resIn);
      const viaDicts = computeWith('MeanAveragePrecision', { ...options, boxFormat: 'xywh' }, [[preds, target]]);
      const diff = compareResult(
        viaDicts,
        c.expected,
        c.atol ?? 1e-6,
        c.rtol ?? 1e-5,
        lib.Tensor,
        `${c.id} as COCO JSON`,
      );
      assert.equal(diff, '', diff);
      // evaluateCoco: the same with COCOeval's float64 thresholds where the case gives none.
      const coco = {
        iouThresholds: options.iouThresholds ?? COCO_THRESHOLDS.iouThresholds,
        recThresholds: options.recThresholds ?? COCO_THRESHOLDS.recThresholds,
      };
      const want = computeWith('MeanAveragePrecision', { ...options, ...coco, boxFormat: 'xywh' }, [[preds, target]]);
      assertSameResult(withoutOwn(evaluateCoco(gtIn, resIn, options)), want, `${c.id}: evaluateCoco`);
    }
  }
});

test("evaluateCoco uses COCOeval's float64 thresholds, MeanAveragePrecision TorchMetrics' float32 ones", () => {
  // One gt [0,0,20,10] (area 200) and one detection [0,0,11,10] inside it: IoU = 110/200 = 0.55,
  // exactly COCOeval's second threshold np.linspace(.5, .95, 10)[1] = 0.55 (a match needs IoU >= t),
  // while TorchMetrics' torch.linspace float32 value is 0.550000011920929 > 0.55.
  // COCOeval: matched at 0.5 and 0.55, not above: AP 1, 1, 0 x 8 -> map 0.2.
  // TorchMetrics: matched at 0.5 only -> map 0.1.
  const gt = {
    images: [{ id: 1 }],
    categories: [{ id: 1 }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 20, 10] }],
  };
  const results = [{ image_id: 1, category_id: 1, bbox: [0, 0, 11, 10], score: 0.9 }];
  assert.equal(COCO_THRESHOLDS.iouThresholds[1], 110 / 200);
  // (Results are float32, as TorchMetrics' tensors: compared at 1e-6.)
  const coco = evaluateCoco(gt, results);
  assert.ok(Math.abs(coco.map - 0.2) < 1e-6, `evaluateCoco map ${coco.map}, expected 0.2`);
  const { preds, target } = readCoco(gt, results);
  const tm = computeWith('MeanAveragePrecision', { boxFormat: 'xywh' }, [[preds, target]]);
  assert.ok(Math.abs(tm.map - 0.1) < 1e-6, `MeanAveragePrecision map ${tm.map}, expected 0.1`);
  // Thresholds given explicitly are used as given by both.
  assert.ok(Math.abs(evaluateCoco(gt, results, { iouThresholds: [0.55] }).map - 1) < 1e-6);
});

// ---- the three input forms on one synthetic data set ----------------------------------------------

const rng = mulberry32;

function syntheticCoco(seed, numImages, cats) {
  const r = rng(seed);
  const box = () => {
    const w = 2 + r() * 150;
    const h = 2 + r() * 150;
    return [
      Math.round(r() * 400 * 10) / 10,
      Math.round(r() * 300 * 10) / 10,
      Math.round(w * 10) / 10,
      Math.round(h * 10) / 10,
    ];
  };
  const images = [];
  const annotations = [];
  const results = [];
  for (let i = 0; i < numImages; i++) {
    const id = 1000 + 7 * i;
    images.push({ id, width: 640, height: 480 });
    const nGt = i % 5 === 0 ? 0 : 1 + Math.floor(r() * 6); // some images without ground truth
    for (let j = 0; j < nGt; j++) {
      const b = box();
      const cat = cats[Math.floor(r() * cats.length)];
      annotations.push({
        id: annotations.length + 1,
        image_id: id,
        category_id: cat,
        bbox: b,
        area: b[2] * b[3] * 0.8,
        iscrowd: r() < 0.1 ? 1 : 0,
      });
      if (r() < 0.8) {
        const jit = b.map((v) => v + (r() - 0.5) * 10);
        results.push({
          image_id: id,
          category_id: r() < 0.9 ? cat : cats[0],
          bbox: [jit[0], jit[1], Math.abs(jit[2]), Math.abs(jit[3])],
          score: Math.round(r() * 1000) / 1000,
        });
      }
    }
    const nFp = i % 7 === 3 ? 0 : Math.floor(r() * 4); // some images without detections
    for (let j = 0; j < nFp; j++)
      results.push({ image_id: id, category_id: cats[Math.floor(r() * cats.length)], bbox: box(), score: r() });
  }
  // results in a shuffled order: per image, their order is kept.
  return {
    gt: { images: images.reverse(), annotations, categories: cats.map((id) => ({ id, name: `c${id}` })) },
    results,
  };
}

function assertSameResult(a, b, what) {
  assert.deepEqual(Object.keys(a), Object.keys(b), `${what}: fields`);
  for (const k of Object.keys(b)) {
    const x = a[k];
    const y = b[k];
    if (typeof y === 'number') assert.ok(Object.is(x, y), `${what}.${k}: ${x} vs ${y}`);
    else assert.deepEqual(Array.from(x.data), Array.from(y.data), `${what}.${k}`);
  }
}

test('COCO JSON path == per-image dict path == flat path on the same data', () => {
  const { gt, results } = syntheticCoco(7, 60, [1, 3, 8, 12]);
  const options = { classMetrics: true, iouThresholds: [0.5, 0.75], recThresholds: COCO_THRESHOLDS.recThresholds };
  const coco = withoutOwn(evaluateCoco(gt, results, options));

  // Per-image dicts written independently of readCoco: nested arrays, images in id order.
  const ids = gt.images.map((im) => im.id).sort((a, b) => a - b);
  const preds = ids.map((id) => {
    const rs = results.filter((x) => x.image_id === id);
    return { boxes: rs.map((x) => x.bbox), scores: rs.map((x) => x.score), labels: rs.map((x) => x.category_id) };
  });
  const target = ids.map((id) => {
    const as = gt.annotations.filter((x) => x.image_id === id);
    return {
      boxes: as.map((x) => x.bbox),
      labels: as.map((x) => x.category_id),
      iscrowd: as.map((x) => x.iscrowd),
      area: as.map((x) => x.area),
    };
  });
  const dicts = computeWith('MeanAveragePrecision', { ...options, boxFormat: 'xywh' }, [[preds, target]]);
  assertSameResult(coco, dicts, 'COCO vs dicts');
  // The same dicts with typed arrays: flat Float64Array boxes (4N values), Int32Array labels.
  const typed = (list) =>
    list.map((img) =>
      Object.fromEntries(
        Object.entries(img).map(([k, v]) => [
          k,
          k === 'boxes' ? Float64Array.from(v.flat()) : k === 'labels' ? Int32Array.from(v) : Float64Array.from(v),
        ]),
      ),
    );
  assertSameResult(
    computeWith('MeanAveragePrecision', { ...options, boxFormat: 'xywh' }, [[typed(preds), typed(target)]]),
    dicts,
    'typed vs nested',
  );

  // Flat: the registry's inputs, concatenated by hand.
  const flat = (list, key, width) => ({
    data: Float64Array.from(list.flatMap((img) => img[key].flat())),
    shape: width ? [list.flatMap((img) => img[key]).length, width] : [list.flatMap((img) => img[key]).length],
  });
  const ints = (list, key) => ({
    data: Int32Array.from(list.flatMap((img) => img[key])),
    shape: [list.flatMap((img) => img[key]).length],
  });
  const counts = (list) => Int32Array.from(list, (img) => img.labels.length);
  const flatResult = computeWith('MeanAveragePrecision', { ...options, boxFormat: 'xywh' }, [
    [
      flat(preds, 'boxes', 4),
      flat(preds, 'scores'),
      ints(preds, 'labels'),
      counts(preds),
      flat(target, 'boxes', 4),
      ints(target, 'labels'),
      counts(target),
      ints(target, 'iscrowd'),
      flat(target, 'area'),
    ],
  ]);
  assertSameResult(coco, flatResult, 'COCO vs flat');

  // Splitting the images over two updates (and merging two metrics) changes nothing.
  const half = 25;
  const split = computeWith('MeanAveragePrecision', { ...options, boxFormat: 'xywh' }, [
    [preds.slice(0, half), target.slice(0, half)],
    [preds.slice(half), target.slice(half)],
  ]);
  assertSameResult(split, dicts, 'two updates vs one');
});

test('evaluateCoco: perClass names every category seen, with its mAP and mAR', () => {
  const { gt, results } = syntheticCoco(11, 30, [2, 5, 9]);
  const r = evaluateCoco(gt, results);
  assert.deepEqual(
    r.perClass.map((c) => c.name),
    r.perClass.map((c) => `c${c.id}`),
  );
  assert.deepEqual(
    r.perClass.map((c) => c.id),
    Array.from(r.classes.data),
  );
  assert.deepEqual(
    r.perClass.map((c) => c.map),
    Array.from(r.map_per_class.data),
  );
  assert.deepEqual(
    r.perClass.map((c) => c.mar),
    Array.from(r.mar_100_per_class.data),
  );
  assert.equal(r.images, 30);
  assert.equal(r.annotations, gt.annotations.length);
  assert.equal(r.detections, results.length);
  const ds = readCoco(gt, results);
  assert.deepEqual(
    ds.imageIds,
    [...ds.imageIds].sort((a, b) => a - b),
  );
});

test('COCO JSON: what is wrong is named (entry, field, value)', () => {
  const base = () => syntheticCoco(3, 6, [1, 2]);
  const cases = [
    [
      'result with unknown image_id',
      (d) => {
        d.results[0].image_id = 999999;
      },
      /results\[0\]\.image_id 999999 is not an image of the ground truth/,
    ],
    [
      'result with unknown category_id',
      (d) => {
        d.results[1].category_id = 77;
      },
      /results\[1\]\.category_id 77 is not a category of the ground truth \(known: 1, 2\)/,
    ],
    [
      'duplicate image id',
      (d) => {
        d.gt.images[1].id = d.gt.images[0].id;
      },
      /images\[1\]\.id \d+ is a duplicate/,
    ],
    [
      'duplicate category id',
      (d) => {
        d.gt.categories[1].id = 1;
      },
      /categories\[1\]\.id 1 is a duplicate/,
    ],
    [
      'duplicate annotation id',
      (d) => {
        d.gt.annotations[2].id = d.gt.annotations[0].id;
      },
      /annotations\[2\]\.id \d+ is a duplicate \(also annotations\[0\]\)/,
    ],
    [
      'annotation of an unknown image',
      (d) => {
        d.gt.annotations[0].image_id = -5;
      },
      /annotations\[0\]\.image_id -5 is not in images/,
    ],
    [
      'annotation of an unknown category',
      (d) => {
        d.gt.annotations[0].category_id = 4;
      },
      /annotations\[0\]\.category_id 4 is not in categories/,
    ],
    [
      'bbox of 3 numbers',
      (d) => {
        d.results[2].bbox = [1, 2, 3];
      },
      /results\[2\]\.bbox must be \[x, y, width, height\] of 4 finite numbers, got \[1,2,3\]/,
    ],
    [
      'negative width',
      (d) => {
        d.gt.annotations[0].bbox = [1, 2, -3, 4];
      },
      /annotations\[0\]\.bbox has a negative width or height/,
    ],
    [
      'non-finite score',
      (d) => {
        d.results[0].score = null;
      },
      /results\[0\]\.score must be a finite number, got null/,
    ],
    [
      'string coordinate',
      (d) => {
        d.results[0].bbox = [1, '2', 3, 4];
      },
      /results\[0\]\.bbox must be/,
    ],
    [
      'missing score',
      (d) => {
        delete d.results[3].score;
      },
      /results\[3\]\.score is missing/,
    ],
    [
      'missing bbox',
      (d) => {
        delete d.gt.annotations[1].bbox;
      },
      /annotations\[1\]\.bbox is missing/,
    ],
    [
      'missing image_id',
      (d) => {
        delete d.results[0].image_id;
      },
      /results\[0\]\.image_id is missing/,
    ],
    [
      'non-integer category id',
      (d) => {
        d.gt.categories[0].id = 1.5;
      },
      /categories\[0\]\.id must be an integer, got 1.5/,
    ],
    [
      'iscrowd 2',
      (d) => {
        d.gt.annotations[0].iscrowd = 2;
      },
      /annotations\[0\]\.iscrowd must be 0 or 1, got 2/,
    ],
    [
      'negative area',
      (d) => {
        d.gt.annotations[0].area = -1;
      },
      /annotations\[0\]\.area must be a finite number >= 0/,
    ],
    [
      'no categories',
      (d) => {
        delete d.gt.categories;
      },
      /ground truth has no `categories` array/,
    ],
    [
      'results not an array',
      (d) => {
        d.results = { annotations: [] };
      },
      /results must be an array/,
    ],
    [
      'files swapped',
      (d) => {
        const g = d.gt;
        d.gt = d.results;
        d.results = g;
      },
      /ground truth must be an object .* got an array/,
    ],
  ];
  for (const [what, mutate, message] of cases) {
    const d = base();
    mutate(d);
    assert.throws(() => evaluateCoco(d.gt, d.results), message, what);
  }
  assert.throws(() => evaluateCoco('{"images": [', '[]'), /the ground truth is not valid JSON/);
  assert.throws(
    () => evaluateCoco(base().gt, base().results, { iouType: 'segm' }),
    /iouType "segm" is not supported here.*COCOSegmPolygons/,
  );
  assert.throws(() => evaluateCoco(base().gt, base().results, { boxFormat: 'xyxy' }), /COCO boxes are xywh/);
  // Images without ground truth and without detections are kept (they count for pycocotools only
  // through their detections): an empty results file evaluates (all ground truth missed).
  const d = base();
  const r = evaluateCoco(d.gt, []);
  assert.equal(r.map, 0);
  assert.equal(r.detections, 0);
});

// ---- per-image dict validation ---------------------------------------------------------------------

test('per-image dicts: errors name the image and the field, and leave the state unchanged', () => {
  const m = new MeanAveragePrecision();
  try {
    const good = [
      [{ boxes: [[0, 0, 10, 10]], scores: [0.9], labels: [1] }],
      [{ boxes: [[0, 0, 10, 11]], labels: [1] }],
    ];
    m.update(...good);
    const before = m.saveState();
    const bad = [
      [
        [
          { boxes: [[0, 0, 10, 10]], scores: [0.9], labels: [1] },
          { boxes: [], scores: [], labels: [] },
        ],
        [{ boxes: [], labels: [] }],
        /one dict per image each, got 2 and 1/,
      ],
      [
        [{ boxes: [[0, 0, 10]], scores: [0.9], labels: [1] }],
        [{ boxes: [], labels: [] }],
        /preds\[0\]\.boxes must have shape \[N, 4\], got \[1, 3\]/,
      ],
      [
        [{ boxes: [], scores: [], labels: [] }],
        [
          {
            boxes: [
              [0, 0, 1, 1],
              [0, 0, 2, 2],
            ],
            labels: [1],
          },
        ],
        /target\[0\]\.boxes has 2 boxes but target\[0\]\.labels has 1 labels/,
      ],
      [[{ boxes: [[0, 0, 1, 1]], labels: [1] }], [{ boxes: [], labels: [] }], /preds\[0\]\.scores is missing/],
      [
        [{ boxes: [[0, 0, 1, 1]], scores: [NaN], labels: [1] }],
        [{ boxes: [], labels: [] }],
        /preds\[0\]\.scores must be finite, got NaN/,
      ],
      [
        [{ boxes: [[0, 0, 1, Infinity]], scores: [1], labels: [1] }],
        [{ boxes: [], labels: [] }],
        /preds\[0\]\.boxes must be finite, got Infinity in box 0/,
      ],
      [
        [{ boxes: [[0, 0, 1, 1]], scores: [1], labels: [1.5] }],
        [{ boxes: [], labels: [] }],
        /preds\[0\]\.labels must hold 32-bit integers, got 1.5/,
      ],
      [
        [{ boxes: [[0, 0, 1, 1]], scores: [1, 2], labels: [1] }],
        [{ boxes: [], labels: [] }],
        /preds\[0\]\.scores must have one value per box \(shape \[1\]/,
      ],
      [
        [{ boxes: [[0, 0, 1, 1]], scores: [1], labels: [1], colour: 'red' }],
        [{ boxes: [], labels: [] }],
        /preds\[0\] has unknown key colour/,
      ],
      [
        [{ boxes: [[0, 0, 1, 1]], scores: [1], labels: [1] }],
        [{ boxes: [], labels: [], score: [] }],
        /target\[0\] has unknown key score; known: boxes, labels, iscrowd, area/,
      ],
      [[null], [{ boxes: [], labels: [] }], /preds\[0\] must be a dict/],
      ['boxes', [], /`preds` must be a list of per-image dicts/],
      [
        [{ boxes: [], scores: [], labels: [] }],
        [{ boxes: [], labels: [], iscrowd: [[1]] }],
        /target\[0\]\.iscrowd must have one value per box/,
      ],
    ];
    for (const [preds, target, message] of bad) {
      assert.throws(() => m.update(preds, target), message);
    }
    assert.deepEqual(m.saveState(), before);
  } finally {
    m.dispose();
  }
  const iou = new IntersectionOverUnion();
  try {
    assert.throws(
      () => iou.update([{ boxes: [[0, 0, 1, 1]], labels: [1], score: [1] }], [{ boxes: [], labels: [] }]),
      /IntersectionOverUnion\.update: preds\[0\] has unknown key score/,
    );
  } finally {
    iou.dispose();
  }
});

// ---- masks: binary arrays and COCO RLE -------------------------------------------------------------

// COCO's RLE encoding (pycocotools maskApi rleEncode + rleToString), the direction decodeRle does not implement.
function encodeRle(mask, h, w) {
  const counts = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const v = mask[y * w + x];
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  let s = '';
  counts.forEach((c0, i) => {
    let x = i > 2 ? c0 - counts[i - 2] : c0;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  });
  return { counts, string: s };
}

test('decodeRle reads COCO RLE, compressed and uncompressed, and refuses corrupt ones', () => {
  const r = rng(5);
  for (const [h, w] of [
    [1, 1],
    [7, 5],
    [13, 29],
    [64, 48],
  ]) {
    const mask = Uint8Array.from({ length: h * w }, () => (r() < 0.4 ? 1 : 0));
    const { counts, string } = encodeRle(mask, h, w);
    assert.deepEqual(decodeRle({ size: [h, w], counts }), mask, `uncompressed ${h}x${w}`);
    assert.deepEqual(decodeRle({ size: [h, w], counts: string }), mask, `compressed ${h}x${w}`);
  }
  assert.throws(() => decodeRle({ size: [2, 2], counts: [1, 2] }), /RLE runs cover 3 pixels, size 2 x 2 needs 4/);
  assert.throws(() => decodeRle({ size: [2, 2], counts: [1, 5] }), /cover more than size 2 x 2/);
  assert.throws(() => decodeRle({ size: [2], counts: [4] }), /size \[height, width\]/);
  assert.throws(() => decodeRle({ size: [2, 2], counts: 'a' }), /corrupt compressed RLE/);
});

test('segm: masks as binary arrays, uncompressed RLE and compressed RLE give the same values', () => {
  const r = rng(9);
  const h = 24;
  const w = 32;
  const rect = () => {
    const m = new Uint8Array(h * w);
    const x0 = Math.floor(r() * 20);
    const y0 = Math.floor(r() * 16);
    const x1 = x0 + 2 + Math.floor(r() * 10);
    const y1 = y0 + 2 + Math.floor(r() * 8);
    for (let y = y0; y < Math.min(y1, h); y++) for (let x = x0; x < Math.min(x1, w); x++) m[y * w + x] = 1;
    return m;
  };
  // ground truth: the first two predicted masks moved by one pixel (so that IoUs span the thresholds)
  const shifted = (m) => Uint8Array.from(m, (_, k) => (k % w > 0 ? m[k - 1] : 0));
  const images = Array.from({ length: 4 }, (_, i) => {
    const p = Array.from({ length: 3 }, rect);
    return {
      p,
      ps: [0.9, 0.5, 0.2 + i / 10],
      pl: [0, 1, i % 2],
      t: [shifted(p[0]), shifted(shifted(p[1]))],
      tl: [0, 1],
    };
  });
  const asTensor = (ms) => ({ data: Uint8Array.from(ms.flatMap((m) => [...m])), shape: [ms.length, h, w] });
  const run = (toMasks) =>
    computeWith('MeanAveragePrecision', { iouType: 'segm', classMetrics: true }, [
      [
        images.map((im) => ({ masks: toMasks(im.p), scores: im.ps, labels: im.pl })),
        images.map((im) => ({ masks: toMasks(im.t), labels: im.tl })),
      ],
    ]);
  const binary = run(asTensor);
  const uncompressed = run((ms) => ms.map((m) => ({ size: [h, w], counts: encodeRle(m, h, w).counts })));
  const compressed = run((ms) => ms.map((m) => ({ size: [h, w], counts: encodeRle(m, h, w).string })));
  assertSameResult(uncompressed, binary, 'uncompressed RLE vs binary');
  assertSameResult(compressed, binary, 'compressed RLE vs binary');
  assert.ok(binary.map > 0 && binary.map < 1, `map ${binary.map}`);
  // the flat form with the registry's inputs
  const flat = computeWith('MeanAveragePrecision', { iouType: 'segm', classMetrics: true }, [
    [
      { data: new Float64Array(0), shape: [0, 4] },
      Float64Array.from(images.flatMap((im) => im.ps)),
      Int32Array.from(images.flatMap((im) => im.pl)),
      Int32Array.from(images, () => 3),
      { data: new Float64Array(0), shape: [0, 4] },
      Int32Array.from(images.flatMap((im) => im.tl)),
      Int32Array.from(images, () => 2),
      new Int32Array(8),
      new Float64Array(8),
      asTensor(images.flatMap((im) => im.p)),
      asTensor(images.flatMap((im) => im.t)),
    ],
  ]);
  assertSameResult(flat, binary, 'flat vs dicts');
  const m = new MeanAveragePrecision({ iouType: 'segm' });
  try {
    assert.throws(
      () => m.update([{ masks: [[[0, 2]]], scores: [1], labels: [0] }], [{ masks: [[[0, 1]]], labels: [0] }]),
      /preds\[0\]\.masks must hold 0 and 1 only, got 2 in mask 0/,
    );
    assert.throws(
      () =>
        m.update(
          [{ masks: [{ size: [2, 2], counts: [4] }], scores: [1], labels: [0] }],
          [{ masks: [{ size: [3, 2], counts: [6] }], labels: [0] }],
        ),
      /target\[0\]\.masks are 3 x 2 but preds\[0\]\.masks are 2 x 2/,
    );
    assert.throws(
      () =>
        m.update(
          [{ masks: [{ size: [2, 2], counts: [4] }], scores: [1, 1], labels: [0, 0] }],
          [{ masks: [], labels: [] }],
        ),
      /preds\[0\]\.masks has 1 RLEs but the image has 2 labels/,
    );
    assert.throws(
      () =>
        m.update(
          [
            { masks: [[[1, 0]]], scores: [1], labels: [0] },
            { boxes: [[0, 0, 1, 1]], scores: [1], labels: [0] },
          ],
          [
            { masks: [[[0, 1]]], labels: [0] },
            { masks: [], labels: [] },
          ],
        ),
      /preds\[1\]\.masks is missing while other images have masks/,
    );
  } finally {
    m.dispose();
  }
});

test('evaluateParallel shards per-image dict batches over workers; equal to one thread', async () => {
  const { gt, results } = syntheticCoco(21, 40, [1, 2, 3]);
  const { preds, target } = readCoco(gt, results);
  const batches = [];
  for (let i = 0; i < preds.length; i += 7) batches.push([preds.slice(i, i + 7), target.slice(i, i + 7)]);
  const options = { boxFormat: 'xywh', classMetrics: true };
  const want = computeWith('MeanAveragePrecision', options, batches);
  const got = await lib.evaluateParallel({
    metrics: { map: { name: 'MeanAveragePrecision', options } },
    batches,
    workers: 2,
  });
  assertSameResult(got.map, want, 'evaluateParallel vs one thread');
  const wantCoco = computeWith('MeanAveragePrecision', { ...options, ...COCO_THRESHOLDS }, batches);
  assertSameResult(wantCoco, withoutOwn(evaluateCoco(gt, results)), 'one thread (COCOeval thresholds) vs evaluateCoco');
});
