// Worker side of the PNG masks cell: decodes the matched mask files with the npm package
// (decodeMask), infers numClasses unless given, and evaluates them with evaluateMasks (MeanIoU
// per class, per image) plus MulticlassJaccardIndex, DiceScore and pixel accuracy fed the same
// batches. Every metric row records its name and options so the page, the export and the tests
// can reproduce it with createMetric. With the scenes' images (optional, paired by name on the
// page), the worst images come back decoded by the package's readImage, with both masks, for the
// page to draw the mask overlays.
import { createMetric, decodeMask, evaluateMasks, readImage } from '../../npm/dist/index.mjs';
import { inferNumClasses } from './lib/match.mjs';

/** How many of the worst images get an overlay (when their image is given). */
export const OVERLAYS = 6;

function plainTensor(v) {
  return typeof v === 'number' ? v : Array.from(v.data);
}

/**
 * One scene for the overlay: the image as 8-bit RGBA (readImage's samples scaled by its data
 * range; grey repeated; no alpha) and both label maps, or {name, problem} when the image cannot
 * be read or its size is not the masks'.
 */
async function overlayOf(name, file, masks) {
  let im;
  try {
    im = readImage(new Uint8Array(await file.arrayBuffer()), { name: file.name, alpha: 'drop' });
  } catch (e) {
    return { name, file: file.name, problem: e.message };
  }
  const [h, w] = masks.target.shape;
  if (im.width !== w || im.height !== h)
    return {
      name,
      file: file.name,
      problem: `${file.name} is ${im.width}×${im.height}, the masks are ${w}×${h}: not overlaid`,
    };
  const c = im.shape[0];
  const rgba = new Uint8ClampedArray(w * h * 4);
  const scale = 255 / im.dataRange;
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = Math.round(im.data[Math.min(k, c - 1) * w * h + i] * scale);
    rgba[i * 4 + 3] = 255;
  }
  return { name, file: file.name, width: w, height: h, rgba, pred: masks.pred.data, target: masks.target.data };
}

/**
 * job: {pairs: [{name, pred: File, target: File}], numClasses: int|null, ignoreIndex: int|null,
 * classNames?: [name by class id], images?: {pair name: File}}.
 */
export async function evaluateMaskJob(job, post) {
  const t0 = performance.now();
  const { pairs, ignoreIndex = null } = job;
  if (!pairs?.length) throw new Error('no predicted mask has a reference mask of the same name');
  const decoded = [];
  for (const [i, p] of pairs.entries()) {
    const [pb, tb] = await Promise.all([p.pred.arrayBuffer(), p.target.arrayBuffer()]);
    decoded.push({
      name: p.name,
      pred: decodeMask(pb, { name: `${p.name} (prediction)` }),
      target: decodeMask(tb, { name: `${p.name} (reference)` }),
    });
    if (i % 4 === 3) post({ type: 'progress', done: i + 1, total: pairs.length * 2 });
  }
  const inferred = inferNumClasses(
    decoded.flatMap((d) => [d.pred, d.target]),
    ignoreIndex ?? NaN,
  );
  const numClasses = job.numClasses ?? inferred;
  const ign = ignoreIndex === null ? {} : { ignoreIndex };
  const classNames = job.classNames
    ? Array.from({ length: numClasses }, (_, id) => job.classNames[id] || String(id))
    : undefined;
  const specs = {
    meanIoU: ['MeanIoU', { numClasses, inputFormat: 'index', ...ign, reduction: 'sample' }],
    meanIoUDataset: ['MeanIoU', { numClasses, inputFormat: 'index', ...ign, reduction: 'dataset' }],
    jaccardMacro: ['MulticlassJaccardIndex', { numClasses, ...ign, average: 'macro' }],
    diceMacro: ['DiceScore', { numClasses, inputFormat: 'index', ...ign, average: 'macro' }],
    pixelAccuracy: ['MulticlassAccuracy', { numClasses, ...ign, average: 'micro' }],
    jaccardPerClass: ['MulticlassJaccardIndex', { numClasses, ...ign, average: 'none' }],
    dicePerClass: ['DiceScore', { numClasses, inputFormat: 'index', ...ign, average: 'none' }],
  };
  const metrics = Object.fromEntries(Object.entries(specs).map(([k, [name, o]]) => [k, createMetric(name, o)]));
  let report;
  try {
    report = await evaluateMasks(decoded, {
      numClasses,
      ignoreIndex,
      classNames,
      metrics,
      onProgress: ({ done }) => {
        if (done % 4 === 0) post({ type: 'progress', done: pairs.length + done, total: pairs.length * 2 });
      },
    });
  } finally {
    for (const m of Object.values(metrics)) m.dispose();
  }
  const values = Object.fromEntries(Object.entries(report.metrics).map(([k, v]) => [k, plainTensor(v)]));
  const table = ['meanIoU', 'meanIoUDataset', 'jaccardMacro', 'diceMacro', 'pixelAccuracy'].map((k) => ({
    key: k,
    name: specs[k][0],
    options: specs[k][1],
    value: values[k],
  }));
  const perClassIds = report.classes.map((c) => c.id);
  // evaluateMasks' own per-class MeanIoU runs (dataset and sample reduction) and its per-image
  // one (each image alone), as options for the page's cells and their checks
  const common = { numClasses, inputFormat: 'index', ignoreIndex, includeBackground: true };
  const byName = new Map(decoded.map((d) => [d.name, d]));
  const overlays = [];
  for (const im of report.images.slice(0, OVERLAYS)) {
    const file = job.images?.[im.name];
    if (file) overlays.push(await overlayOf(im.name, file, byName.get(im.name)));
  }
  return {
    task: 'segmentation',
    numImages: report.numImages,
    numClasses,
    inferredNumClasses: inferred,
    ignoreIndex,
    metrics: table,
    perClass: report.classes.map((c) => ({
      ...c,
      jaccard: values.jaccardPerClass[c.id],
      dice: values.dicePerClass[c.id],
    })),
    perClassIds,
    perClassSpecs: { jaccard: specs.jaccardPerClass, dice: specs.dicePerClass },
    meanIoUSpecs: {
      dataset: { ...common, reduction: 'dataset', perClass: true },
      sample: { ...common, reduction: 'sample', perClass: true },
      image: { ...common, reduction: 'dataset' },
    },
    classNames: classNames ?? null,
    overlays,
    meanIoU: { dataset: plainTensor(report.meanIoU.dataset), sample: plainTensor(report.meanIoU.sample) },
    // per image, worst first (evaluateMasks' order), and in input order for the plot
    images: report.images.map(({ name, index, width, height, meanIoU }) => ({ name, index, width, height, meanIoU })),
    ms: performance.now() - t0,
  };
}
