// Worker side of the PNG masks cell: decodes the matched mask files with the npm package
// (decodeMask), infers numClasses unless given, and evaluates them with evaluateMasks (MeanIoU
// per class, per image) plus MulticlassJaccardIndex, DiceScore and pixel accuracy fed the same
// batches. Every metric row records its name and options so the page, the export and the tests
// can reproduce it with createMetric.
import { createMetric, decodeMask, evaluateMasks } from '../../npm/dist/index.mjs';
import { inferNumClasses } from './lib/match.mjs';

function plainTensor(v) {
  return typeof v === 'number' ? v : Array.from(v.data);
}

/** job: {pairs: [{name, pred: File, target: File}], numClasses: int|null, ignoreIndex: int|null, classNames?}. */
export async function evaluateMaskJob(job, post) {
  const t0 = performance.now();
  const { pairs, ignoreIndex = null } = job;
  if (!pairs?.length) throw new Error('no predicted mask has a reference mask of the same name');
  const decoded = [];
  for (const [i, p] of pairs.entries()) {
    const [pb, tb] = await Promise.all([p.pred.arrayBuffer(), p.target.arrayBuffer()]);
    decoded.push({ name: p.name, pred: decodeMask(pb, { name: `${p.name} (prediction)` }), target: decodeMask(tb, { name: `${p.name} (reference)` }) });
    if (i % 4 === 3) post({ type: 'progress', done: i + 1, total: pairs.length * 2 });
  }
  const inferred = inferNumClasses(decoded.flatMap((d) => [d.pred, d.target]), ignoreIndex ?? NaN);
  const numClasses = job.numClasses ?? inferred;
  const ign = ignoreIndex === null ? {} : { ignoreIndex };
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
    report = await evaluateMasks(decoded, { numClasses, ignoreIndex, classNames: job.classNames, metrics,
      onProgress: ({ done }) => { if (done % 4 === 0) post({ type: 'progress', done: pairs.length + done, total: pairs.length * 2 }); } });
  } finally {
    for (const m of Object.values(metrics)) m.dispose();
  }
  const values = Object.fromEntries(Object.entries(report.metrics).map(([k, v]) => [k, plainTensor(v)]));
  const table = ['meanIoU', 'meanIoUDataset', 'jaccardMacro', 'diceMacro', 'pixelAccuracy'].map((k) => ({ key: k, name: specs[k][0], options: specs[k][1], value: values[k] }));
  const perClassIds = report.classes.map((c) => c.id);
  return {
    task: 'segmentation', numImages: report.numImages, numClasses, inferredNumClasses: inferred, ignoreIndex,
    metrics: table,
    perClass: report.classes.map((c) => ({ ...c, jaccard: values.jaccardPerClass[c.id], dice: values.dicePerClass[c.id] })),
    perClassIds,
    perClassSpecs: { jaccard: specs.jaccardPerClass, dice: specs.dicePerClass },
    meanIoU: { dataset: plainTensor(report.meanIoU.dataset), sample: plainTensor(report.meanIoU.sample) },
    // per image, worst first (evaluateMasks' order), and in input order for the plot
    images: report.images.map(({ name, index, width, height, meanIoU }) => ({ name, index, width, height, meanIoU })),
    ms: performance.now() - t0,
  };
}
