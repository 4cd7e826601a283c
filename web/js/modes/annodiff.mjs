// The Annotation diff mode: a reference set of object annotations and a candidate (another
// annotator's annotations, or a model's results), compared object by object. A notebook mode
// (mode-shell.mjs): evaluate runs in the mode worker with the npm package — the files read by its
// importers (COCO, Pascal VOC, CVAT for images, YOLO), matched by COCOMatches (pycocotools'
// evaluateImg), mAP by evaluateCoco / COCOSegmPolygons / COCOKeypoints, and, when the package
// has them, TIDE's error breakdown (tideErrors) and the detection confusion matrix
// (detectionConfusionMatrix). The review cell (annodiff-view.mjs) lists the images by number of
// problems and draws both sets.
import {
  alignPair,
  boxIou,
  classCounts,
  cocoMatches,
  diffObjects,
  keypointOks,
  packDiff,
  pairSimilarity,
  readAnnotationSide,
  unpackDiff,
} from '../lib/annodiff.mjs';
import { reviewCell } from '../annodiff-view.mjs';
import { chartCell, codeSnippet, plain, resultCell, table } from '../mode-lib.mjs';
import { download, el, fmt } from '../ui.mjs';

const MATCHES = 'COCOMatches';
const TIDE_TYPES = ['cls', 'loc', 'both', 'dupe', 'bkg', 'miss'];
const TIDE_NAMES = {
  cls: 'classification',
  loc: 'localisation',
  both: 'both (cls + loc)',
  dupe: 'duplicate',
  bkg: 'background',
  miss: 'missed',
};
/** The options of the package's TIDE run (detqa-api: tideErrors on readCoco's per-image dicts). */
const tideOptions = (iou, compare = 'bbox') => ({
  boxFormat: 'xywh',
  iouThreshold: Number(iou),
  ...(compare === 'segm' ? { iouType: 'segm' } : {}),
});
/** The confusion matrix's run: every candidate object (score > 0), the page's IoU. */
const confusionOptions = (iou, classes, compare = 'bbox') => ({
  ...tideOptions(iou, compare),
  scoreThreshold: 0,
  classes,
});
const matchOptions = (compare, iou) => ({ iouType: compare, iou: Number(iou) });

/** "640x480" -> {width, height}; '' -> undefined. */
function parseSize(text) {
  const t = String(text ?? '').trim();
  if (t === '') return undefined;
  const m = /^(\d+)\s*[x×,]\s*(\d+)$/.exec(t);
  if (!m) throw new Error(`YOLO image size must be WIDTHxHEIGHT (e.g. 640x480), got "${t}"`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Both sides read and aligned, the package's matching, every object's outcome and the counts. */
function diffPair(files, wasmetrics, { compare = 'bbox', iou = '0.5', imageSize = '' } = {}, progress = () => {}) {
  const images = files.images ?? [];
  const size = parseSize(imageSize);
  const ref = readAnnotationSide(files.reference, wasmetrics, { what: 'reference', images, imageSize: size });
  progress(0.1, 'reading the candidate');
  const cand = readAnnotationSide(files.candidate, wasmetrics, { what: 'candidate', images, imageSize: size });
  progress(0.2, 'matching (COCOMatches)');
  const pair = alignPair(ref, cand);
  const matched = cocoMatches(wasmetrics, pair.gt, pair.dt, compare);
  progress(0.45, 'outcomes per object');
  const similarity = pairSimilarity(wasmetrics, compare, matched.options);
  const diff = diffObjects(matched.gt, matched.dt, matched.entries, iou, similarity);
  const counts = classCounts(diff, matched.gt.categories);
  return { ref, cand, pair, matched, diff, counts };
}

/** mAP of the compared set: evaluateCoco (bbox, MeanAveragePrecision) or COCOeval's segm / keypoints stats. */
function mapOf(wasmetrics, gt, dt, compare, matchOpts) {
  if (compare === 'bbox') {
    const r = wasmetrics.evaluateCoco(gt, dt, { classMetrics: false });
    return {
      metric: 'MeanAveragePrecision',
      options: { classMetrics: false },
      values: { map: plain(r.map), map_50: plain(r.map_50), map_75: plain(r.map_75) },
    };
  }
  const metric = compare === 'segm' ? 'COCOSegmPolygons' : 'COCOKeypoints';
  const options = compare === 'keypoints' && matchOpts.kptOksSigmas ? { kptOksSigmas: matchOpts.kptOksSigmas } : {};
  const m = wasmetrics.createMetric(metric, options);
  try {
    m.update(JSON.stringify(gt), JSON.stringify(dt));
    const stats = plain(m.compute().stats);
    return { metric, options, values: { 'stats.0': stats[0], 'stats.1': stats[1], 'stats.2': stats[2] } };
  } finally {
    m.dispose();
  }
}

/**
 * readCoco's per-image dicts (image ids sorted, objects in file order), with each object's mask
 * for segm: {polygons, size} or its RLE, as tideErrors / detectionConfusionMatrix take them.
 */
function detectionInputs(wasmetrics, gt, dt, compare) {
  const d = wasmetrics.readCoco(gt, dt);
  if (compare !== 'segm') return d;
  const sizes = new Map(gt.images.map((im) => [im.id, [im.height, im.width]]));
  const slot = new Map(d.imageIds.map((id, k) => [id, k]));
  const maskOf = (a) =>
    Array.isArray(a.segmentation) ? { polygons: a.segmentation, size: sizes.get(a.image_id) } : a.segmentation;
  const [pm, tm] = [d.imageIds.map(() => []), d.imageIds.map(() => [])];
  for (const a of gt.annotations) tm[slot.get(a.image_id)].push(maskOf(a));
  for (const a of dt) pm[slot.get(a.image_id)].push(maskOf(a));
  return {
    ...d,
    preds: d.preds.map((p, i) => ({ ...p, masks: pm[i] })),
    target: d.target.map((t, i) => ({ ...t, masks: tm[i] })),
  };
}

/** TIDE and the confusion matrix, when the package has them (feature-detected: null otherwise). */
function extrasOf(wasmetrics, gt, dt, iou, compare = 'bbox') {
  const has = (name) => typeof wasmetrics[name] === 'function';
  if (!has('tideErrors') && !has('detectionConfusionMatrix')) return { tide: null, confusion: null };
  const d = detectionInputs(wasmetrics, gt, dt, compare);
  let tide = null;
  let confusion = null;
  if (has('tideErrors')) {
    const t = wasmetrics.tideErrors(d.preds, d.target, tideOptions(iou, compare));
    tide = {
      ap: t.ap,
      counts: { ...t.counts },
      dAP: { ...t.dAP },
      dAPSpecial: { ...t.dAPSpecial },
      options: tideOptions(iou, compare),
    };
  }
  if (has('detectionConfusionMatrix')) {
    const classes = d.categories.map((c) => c.id);
    const options = confusionOptions(iou, classes, compare);
    const c = wasmetrics.detectionConfusionMatrix(d.preds, d.target, options);
    confusion = { classes: [...c.classes], counts: plain(c.counts), options };
  }
  return { tide, confusion, imageIds: d.imageIds };
}

/** Outcome rows of every problem (missed, false positive) for the CSV export. */
function problemRows(r) {
  const names = new Map(r.categories.map((c) => [c.id, c.name]));
  const images = unpackDiff(r.diff);
  const rows = [
    [
      'image_id',
      'file_name',
      'set',
      'object_id',
      'category_id',
      'category',
      'outcome',
      'error',
      { bbox: 'box_iou', segm: 'mask_iou', keypoints: 'oks' }[r.compare] ?? 'iou',
      'paired_with',
      'score',
      'x',
      'y',
      'width',
      'height',
    ],
  ];
  for (const im of images) {
    for (const [side, list] of [
      ['reference', im.ref],
      ['candidate', im.cand],
    ]) {
      for (const o of list) {
        if (o.outcome !== 'missed' && o.outcome !== 'fp') continue;
        rows.push([
          im.id,
          im.file_name,
          side,
          o.id,
          o.categoryId,
          names.get(o.categoryId),
          o.outcome === 'fp' ? 'false positive' : o.outcome,
          o.kind,
          o.iou ?? '',
          o.partner ?? '',
          o.score ?? '',
          ...(o.bbox ?? ['', '', '', '']),
        ]);
      }
    }
  }
  return rows;
}

/** The flagged objects as a COCO file (a re-annotation queue): each problem with its outcome. */
function flaggedCoco(r) {
  const flagged = r.diff.images.filter((im) => im.problems > 0);
  const offset = r.diff.images.reduce((m, im) => im.ref.reduce((n, o) => Math.max(n, o.id), m), 0);
  const annotations = [];
  for (const im of flagged) {
    for (const [side, list] of [
      ['reference', im.ref],
      ['candidate', im.cand],
    ]) {
      for (const o of list) {
        if (o.outcome !== 'missed' && o.outcome !== 'fp') continue;
        const a = {
          id: side === 'reference' ? o.id : offset + o.id,
          image_id: im.id,
          category_id: o.categoryId,
          bbox: o.bbox,
          area: o.bbox ? o.bbox[2] * o.bbox[3] : 0,
          iscrowd: 0,
          attributes: {
            source: side,
            source_id: o.id,
            outcome: o.outcome === 'fp' ? 'false positive' : o.outcome,
            error: o.kind,
            [{ bbox: 'box_iou', segm: 'mask_iou', keypoints: 'oks' }[r.compare] ?? 'iou']: o.iou,
            paired_with: o.partner,
          },
        };
        if (o.polygons) a.segmentation = o.polygons;
        if (o.keypoints)
          Object.assign(a, {
            keypoints: o.keypoints,
            num_keypoints: o.keypoints.filter((_, k) => k % 3 === 2).filter((v) => v > 0).length,
          });
        if (o.score !== undefined) a.score = o.score;
        annotations.push(a);
      }
    }
  }
  return {
    info: { description: `wasmetrics Annotation diff: flagged objects at IoU ${r.iou} (${r.compare})` },
    images: flagged.map(({ id, file_name: fileName, width, height }) => ({ id, file_name: fileName, width, height })),
    annotations,
    categories: r.categories,
  };
}

// The worker's last diff (geometry included), for the calls that follow a run (geometry, flagged).
let last = null;
function lastDiff(files, wasmetrics, options) {
  const { compare = 'bbox', iou = '0.5', imageSize = '' } = options ?? {};
  if (last?.key !== JSON.stringify({ compare, iou, imageSize })) {
    const { matched, diff } = diffPair(files, wasmetrics, { compare, iou, imageSize });
    last = { key: JSON.stringify({ compare, iou, imageSize }), diff, compare, iou, categories: matched.gt.categories };
  }
  return last;
}

const stemOf = (n) =>
  String(n)
    .split('/')
    .pop()
    .replace(/\.[^.]*$/, '');

export default {
  name: 'annodiff',
  title: 'Annotation diff',
  label: 'Annotation diff: two sets of object annotations, object by object',
  about:
    "A reference set of object annotations and a candidate (another annotator's, or a model's results), each as COCO JSON, Pascal VOC XML, CVAT for images XML or a YOLO folder (with classes.txt), compared object by object with the package's COCOMatches (pycocotools' matching): per-class precision, recall and F1, mAP, the images with the most problems and a viewer of both sets. The images (optional) are drawn under the objects; YOLO sizes come from them. Export: the problems as CSV, the flagged objects as a COCO file, the report as JSON.",
  inputs: [
    {
      role: 'reference',
      label: 'Reference',
      hint: 'COCO .json, VOC/CVAT .xml, or a YOLO folder',
      accept: '.json,.xml,.txt,.names,.yaml,.yml',
      multiple: true,
      folder: true,
    },
    {
      role: 'candidate',
      label: 'Candidate',
      hint: 'the same formats, or a COCO results list',
      accept: '.json,.xml,.txt,.names,.yaml,.yml',
      multiple: true,
      folder: true,
    },
    {
      role: 'images',
      label: 'Images',
      hint: 'PNG/JPEG, matched by file name',
      accept: 'image/png,image/jpeg',
      multiple: true,
      folder: true,
      binary: true,
      optional: true,
    },
  ],
  options: [
    { name: 'iou', label: 'IoU threshold', choices: ['0.5', '0.75'], default: '0.5' },
    { name: 'compare', label: 'Compare', choices: ['bbox', 'segm', 'keypoints'], default: 'bbox' },
    { name: 'imageSize', label: 'YOLO image size (WxH, without images)', default: '' },
  ],
  samples: [
    {
      name: 'annodiff-small',
      label: 'Street scenes: reference vs model (10 images, 4 classes)',
      files: {
        reference: ['samples/annodiff/reference.json'],
        candidate: ['samples/annodiff/candidate.json'],
        images: Array.from(
          { length: 10 },
          (_, i) => `samples/annodiff/images/scene_${String(i + 1).padStart(5, '0')}.png`,
        ),
      },
    },
    {
      // the same pair through the importers: the reference a CVAT export, the candidate a YOLO folder
      name: 'annodiff-cvat-yolo',
      label: 'The same as a CVAT export vs a YOLO folder',
      files: {
        reference: ['samples/annodiff/reference-cvat.xml'],
        candidate: [
          'samples/annodiff/yolo/classes.txt',
          ...Array.from({ length: 10 }, (_, i) => `samples/annodiff/yolo/scene_${String(i + 1).padStart(5, '0')}.txt`),
        ],
        images: Array.from(
          { length: 10 },
          (_, i) => `samples/annodiff/images/scene_${String(i + 1).padStart(5, '0')}.png`,
        ),
      },
    },
  ],

  async evaluate(files, wasmetrics, options = {}, { progress = () => {} } = {}) {
    const { compare = 'bbox', iou = '0.5' } = options;
    progress(0, 'reading the reference');
    const { ref, cand, pair, matched, diff, counts } = diffPair(files, wasmetrics, options, progress);
    progress(0.5, 'mAP');
    const map = mapOf(wasmetrics, matched.gt, matched.dt, compare, matched.options);
    progress(0.7, 'TIDE and the confusion matrix');
    // TIDE and the matrix compare boxes or masks; keypoints have neither in the package
    const extras =
      compare === 'keypoints'
        ? { tide: null, confusion: null }
        : extrasOf(wasmetrics, matched.gt, matched.dt, iou, compare);
    progress(0.9, 'the review list');
    const result = {
      compare,
      iou,
      formats: { reference: ref.format, candidate: cand.format },
      added: pair.added,
      matchOptions: matchOptions(compare, iou),
      categories: matched.gt.categories.map(({ id, name, skeleton, keypoints }) => ({
        id,
        name,
        ...(skeleton ? { skeleton } : {}),
        ...(keypoints ? { keypoints } : {}),
      })),
      counts,
      map,
      tide: extras.tide,
      confusion: extras.confusion,
      tideAvailable: typeof wasmetrics.tideErrors === 'function',
      confusionAvailable: typeof wasmetrics.detectionConfusionMatrix === 'function',
      diff: packDiff(diff),
      hasImages: (files.images ?? []).length > 0,
    };
    last = {
      key: JSON.stringify({ compare, iou, imageSize: options.imageSize ?? '' }),
      diff,
      compare,
      iou,
      categories: result.categories,
    };
    return result;
  },

  calls: {
    /** The polygons and keypoints of one image's objects (the results posted to the page leave geometry out). */
    geometry(files, wasmetrics, options, { imageId }) {
      const im = lastDiff(files, wasmetrics, options).diff.images.find((x) => x.id === imageId);
      const of = (o) => ({
        id: o.id,
        ...(o.polygons ? { polygons: o.polygons } : {}),
        ...(o.keypoints ? { keypoints: o.keypoints } : {}),
      });
      return im ? { ref: im.ref.map(of), cand: im.cand.map(of) } : { ref: [], cand: [] };
    },
    /** The flagged objects as a COCO file, with their geometry. */
    flagged(files, wasmetrics, options) {
      return flaggedCoco(lastDiff(files, wasmetrics, options));
    },
    /** One image decoded by the package's readImage as 8-bit RGBA for the viewer (matched by name without extension). */
    image(files, wasmetrics, options, { fileName }) {
      const f = (files.images ?? []).find((x) => stemOf(x.relativePath ?? x.name) === stemOf(fileName));
      if (!f) return { problem: `no image named ${stemOf(fileName)} among the images picked` };
      let im;
      try {
        im = wasmetrics.readImage(f.bytes instanceof ArrayBuffer ? new Uint8Array(f.bytes) : f.bytes, {
          name: f.name,
          alpha: 'drop',
        });
      } catch (e) {
        return { problem: e.message };
      }
      const [c, h, w] = im.shape; // channel-first [C, H, W]
      const rgba = new Uint8ClampedArray(w * h * 4);
      const scale = 255 / im.dataRange;
      for (let i = 0; i < w * h; i++) {
        for (let k = 0; k < 3; k++) rgba[i * 4 + k] = Math.round(im.data[Math.min(k, c - 1) * w * h + i] * scale);
        rgba[i * 4 + 3] = 255;
      }
      return { width: w, height: h, rgba };
    },
  },

  render(r, out, { ms, simd, call }) {
    const n = r.counts.all;
    const images = unpackDiff(r.diff);
    out.replaceChildren(
      el('p', {
        class: 'muted',
        id: 'annodiff-read',
        text:
          `Reference: ${r.formats.reference}; candidate: ${r.formats.candidate}. ${images.length} images, ${n.ref} reference and ${n.cand} candidate objects compared (${r.compare}, IoU ${r.iou})` +
          `${r.added.images ? `; ${r.added.images} candidate image(s) not in the reference` : ''}${r.added.categories ? `; ${r.added.categories} candidate class(es) not in the reference` : ''}. Computed by wasmetrics (${simd ? 'SIMD' : 'plain'} build) in a worker in ${Math.round(ms)} ms.`,
      }),
    );
    const opts = r.matchOptions;
    const rate = (value, key, extra) => resultCell('td', { metric: MATCHES, value, options: opts, key, extra });
    const count = (value, what) =>
      el('td', { class: 'num', text: String(value), dataset: { value: String(value), count: what } });
    const rowOf = (c, extra) => [
      count(c.ref, 'reference objects'),
      count(c.cand, 'candidate objects'),
      count(c.tp, 'true positives'),
      count(c.fp, 'false positives'),
      count(c.fn, 'missed'),
      count(c.wrongClass, 'wrong class'),
      rate(c.precision, 'precision', extra),
      rate(c.recall, 'recall', extra),
      rate(c.f1, 'f1', extra),
    ];
    const perClass = table(
      'annodiff-class-table',
      ['Class', 'Id', 'Reference', 'Candidate', 'TP', 'FP', 'Missed', 'Wrong class (FP)', 'Precision', 'Recall', 'F1'],
      [
        ...r.counts.perClass.map((c) => [c.name, String(c.id), ...rowOf(c, { class: String(c.id) })]),
        ['all (micro)', '', ...rowOf(n, { average: 'micro' })],
      ],
    );
    r.counts.perClass.forEach((c, i) => (perClass.tBodies[0].rows[i].dataset.class = String(c.id)));
    perClass.tBodies[0].rows[r.counts.perClass.length].dataset.class = 'all';
    out.append(
      el('h3', { text: `Per class at IoU ${r.iou} (${r.compare})` }),
      el('p', {
        class: 'muted',
        text: "TP, FP and missed from the package's COCOMatches (pycocotools' evaluateImg: area all, 100 objects per image and class; crowd objects ignored). Wrong class: a false positive over a missed object of another class (box IoU, mask IoU or OKS as compared, at the threshold; the page's reading, counted in FP and Missed too).",
      }),
      perClass,
    );
    const mapCells = Object.entries(r.map.values).map(([key, value]) => {
      const td = resultCell('td', { metric: r.map.metric, value, options: r.map.options, key });
      td.textContent = value === -1 ? '-1 (none)' : fmt(value);
      return td;
    });
    out.append(
      el('h3', { text: `mAP (${r.map.metric})` }),
      table('annodiff-map-table', ['AP @[.50:.95]', 'AP @.50', 'AP @.75'], [mapCells]),
    );
    const plots = el('div', { class: 'plots' });
    out.append(el('h3', { text: 'Problems per class' }), plots);
    chartCell(plots, {
      id: 'annodiff-problems',
      title: `Problems per class at IoU ${r.iou}`,
      fileName: `annodiff-problems-iou-${r.iou}.png`,
      config: {
        type: 'bar',
        data: {
          labels: r.counts.perClass.map((c) => c.name),
          datasets: [
            {
              label: 'missed (not wrong class)',
              data: r.counts.perClass.map((c) => c.fn - c.missedAsWrongClass),
              backgroundColor: '#e8590c',
            },
            {
              label: 'missed as another class',
              data: r.counts.perClass.map((c) => c.missedAsWrongClass),
              backgroundColor: '#862e9c',
            },
            {
              label: 'false positive: wrong class',
              data: r.counts.perClass.map((c) => c.wrongClass),
              backgroundColor: '#ae3ec9',
            },
            { label: 'duplicate', data: r.counts.perClass.map((c) => c.duplicate), backgroundColor: '#f59f00' },
            {
              label: 'poor localisation',
              data: r.counts.perClass.map((c) => c.localisation),
              backgroundColor: '#1864ab',
            },
            { label: 'background', data: r.counts.perClass.map((c) => c.background), backgroundColor: '#c92a2a' },
          ],
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'objects' } } } },
      },
    });
    tideCell(r, out);
    confusionCell(r, out);
    reviewCell(out, { ...r, images }, { call, hasImages: r.hasImages });
    out.append(
      el('h3', { text: 'Flagged objects' }),
      el(
        'p',
        { class: 'buttons' },
        el('button', {
          type: 'button',
          dataset: { export: 'flagged-coco' },
          text: 'Flagged objects as COCO JSON',
          onclick: async () =>
            download(
              new Blob([JSON.stringify(await call('flagged'))], { type: 'application/json' }),
              `annodiff-flagged-iou-${r.iou}.json`,
            ),
        }),
        ' (every missed and false-positive object with its outcome in `attributes`; "Results as CSV" below is the same list as a table)',
      ),
    );
    return [
      ['precision', 'Precision'],
      ['recall', 'Recall'],
      ['f1', 'F1'],
    ]
      .map(([key, label]) => ({
        label: `${label} @${r.iou}`,
        metric: MATCHES,
        value: n[key],
        options: opts,
        dataset: { key, average: 'micro' },
      }))
      .concat(
        Object.entries(r.map.values)
          .slice(0, 1)
          .map(([key, value]) => ({
            label: 'mAP',
            metric: r.map.metric,
            value,
            options: r.map.options,
            dataset: { key },
          })),
      );
  },

  csvRows: problemRows,

  /** A Node script printing the shown numbers: the same readers, COCOMatches, outcomes and counts. */
  code(r, files, options) {
    return codeSnippet({
      title: 'Annotation diff',
      files,
      helpers: [
        parseSize,
        readAnnotationSide,
        alignPair,
        cocoMatches,
        boxIou,
        keypointOks,
        pairSimilarity,
        diffObjects,
        classCounts,
        diffPair,
        mapOf,
        tideOptions,
        confusionOptions,
        detectionInputs,
        extrasOf,
      ],
      consts: {
        MATCHES,
        OPTIONS: { compare: r.compare, iou: r.iou, imageSize: options?.imageSize ?? '' },
        MATCH_OPTIONS: r.matchOptions,
      },
      body: `
const { matched, counts } = diffPair(files, wasmetrics, OPTIONS);
for (const c of [...counts.perClass, { ...counts.all, id: 'all' }]) {
  for (const key of ['precision', 'recall', 'f1']) cells.push({ metric: MATCHES, options: MATCH_OPTIONS, key, ...(c.id === 'all' ? { average: 'micro' } : { class: String(c.id) }), value: c[key] });
}
const map = mapOf(wasmetrics, matched.gt, matched.dt, OPTIONS.compare, matched.options);
for (const [key, value] of Object.entries(map.values)) cells.push({ metric: map.metric, options: map.options, key, value });
// TIDE and the detection confusion matrix, when this wasmetrics has them (boxes or masks)
if (OPTIONS.compare !== 'keypoints') {
  const { tide, confusion } = extrasOf(wasmetrics, matched.gt, matched.dt, OPTIONS.iou, OPTIONS.compare);
  if (tide) for (const type of Object.keys(tide.dAP)) cells.push({ metric: 'tideErrors', options: tide.options, key: \`dAP.\${type}\`, value: tide.dAP[type] }, { metric: 'tideErrors', options: tide.options, key: \`counts.\${type}\`, value: tide.counts[type] });
  if (confusion) cells.push({ metric: 'detectionConfusionMatrix', options: confusion.options, key: 'counts', value: confusion.counts });
}
`,
    });
  },

  /**
   * The package's value for a shown cell: COCOMatches' counts (precision / recall / F1 per class
   * or micro), the mAP metric's value, tideErrors' and detectionConfusionMatrix's (when the
   * package has them), recomputed in Node from the same files and options.
   */
  async expected(cell, files, wasmetrics) {
    if (cell.metric === MATCHES) {
      const { counts } = diffPair(files, wasmetrics, { compare: cell.options.iouType, iou: String(cell.options.iou) });
      const c = cell.average === 'micro' ? counts.all : counts.perClass.find((x) => String(x.id) === cell.class);
      return c?.[cell.key];
    }
    if (['MeanAveragePrecision', 'COCOSegmPolygons', 'COCOKeypoints'].includes(cell.metric)) {
      const compare = { MeanAveragePrecision: 'bbox', COCOSegmPolygons: 'segm', COCOKeypoints: 'keypoints' }[
        cell.metric
      ];
      const { matched } = diffPair(files, wasmetrics, { compare, iou: '0.5' });
      return mapOf(wasmetrics, matched.gt, matched.dt, compare, matched.options).values[cell.key];
    }
    if (cell.metric === 'tideErrors' || cell.metric === 'detectionConfusionMatrix') {
      if (typeof wasmetrics[cell.metric] !== 'function') return undefined;
      const compare = cell.options.iouType ?? 'bbox';
      const { matched } = diffPair(files, wasmetrics, { compare, iou: String(cell.options.iouThreshold) });
      const d = detectionInputs(wasmetrics, matched.gt, matched.dt, compare);
      const v = wasmetrics[cell.metric](d.preds, d.target, cell.options);
      return plain(
        String(cell.key)
          .split('.')
          .reduce((x, k) => x?.[k], v),
      );
    }
    return undefined;
  },
};

/** TIDE's error breakdown (tideErrors, when the package has it): each type's count and effect on AP. */
function tideCell(r, out) {
  out.append(el('h3', { text: 'TIDE error breakdown' }));
  if (!r.tide) {
    out.append(
      el('p', {
        class: 'muted',
        id: 'annodiff-tide-missing',
        text:
          r.compare === 'keypoints'
            ? "TIDE's breakdown compares boxes or masks: compare bbox or segm to see it."
            : "This build of wasmetrics has no tideErrors (TIDE's breakdown comes with a later version of the package).",
      }),
    );
    return;
  }
  const o = r.tide.options;
  const cell = (value, key) => resultCell('td', { metric: 'tideErrors', value, options: o, key });
  out.append(
    el('p', {
      class: 'muted',
      text: `TIDE (Bolya et al. 2020) at IoU ${r.iou}: each error type's count and the AP gained by fixing only that type (dAP, as fractions; tidecv prints them ×100).`,
    }),
    table(
      'annodiff-tide-table',
      ['Error type', 'Count', 'dAP'],
      TIDE_TYPES.map((t) => [TIDE_NAMES[t], cell(r.tide.counts[t], `counts.${t}`), cell(r.tide.dAP[t], `dAP.${t}`)]),
    ),
  );
  const plots = el('div', { class: 'plots' });
  out.append(plots);
  chartCell(plots, {
    id: 'annodiff-tide',
    title: `TIDE: AP gained by fixing each error type (IoU ${r.iou})`,
    fileName: `annodiff-tide-iou-${r.iou}.png`,
    config: {
      type: 'bar',
      data: {
        labels: TIDE_TYPES.map((t) => TIDE_NAMES[t]),
        datasets: [{ label: 'dAP', data: TIDE_TYPES.map((t) => r.tide.dAP[t]), backgroundColor: '#3b5bdb' }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } } },
    },
  });
}

/** The detection confusion matrix (detectionConfusionMatrix, when the package has it): rows predicted, columns true, background last. */
function confusionCell(r, out) {
  out.append(el('h3', { text: 'Detection confusion matrix' }));
  if (!r.confusion) {
    out.append(
      el('p', {
        class: 'muted',
        id: 'annodiff-confusion-missing',
        text:
          r.compare === 'keypoints'
            ? 'The confusion matrix compares boxes or masks: compare bbox or segm to see it.'
            : 'This build of wasmetrics has no detectionConfusionMatrix (it comes with a later version of the package).',
      }),
    );
    return;
  }
  const names = new Map(r.categories.map((c) => [c.id, c.name]));
  const labels = [...r.confusion.classes.map((id) => names.get(id) ?? String(id)), 'background'];
  const max = Math.max(1, ...r.confusion.counts.flat());
  const t = el(
    'table',
    { id: 'annodiff-confusion' },
    el('caption', {
      text: "Rows: the candidate's class (last: background = missed); columns: the reference's class (last: background = false positive).",
    }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { text: 'candidate \\ reference', scope: 'col' }),
        ...labels.map((l) => el('th', { text: l, scope: 'col' })),
      ),
    ),
    el(
      'tbody',
      {},
      ...r.confusion.counts.map((row, i) =>
        el(
          'tr',
          {},
          el('th', { text: labels[i], scope: 'row' }),
          ...row.map((v, j) => {
            const td = resultCell('td', {
              metric: 'detectionConfusionMatrix',
              value: v,
              options: r.confusion.options,
              key: `counts.${i}.${j}`,
            });
            td.style.background = `rgba(59, 91, 219, ${(0.6 * v) / max})`;
            return td;
          }),
        ),
      ),
    ),
  );
  out.append(el('div', { class: 'table-scroll' }, t));
}
