// `make seg-example`: evaluates a folder of predicted label masks against a folder of reference
// masks (PNG files matched by name) with wasmetrics' evaluateMasks(), and prints per-class IoU,
// mean IoU and the five worst images. The files are read one pair at a time.
//
//   node examples/segmentation/evaluate.mjs [referenceDir predictedDir] [--num-classes=6]
//        [--ignore-index=255] [--classes=background,sky,...] [--worst=5]
// Defaults: the sample masks in examples/data/masks (made by make-masks.mjs), their six classes
// and void label 255.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, simd, evaluateMasks } from '../../npm/dist/index.mjs';

const SAMPLE_CLASSES = ['background', 'sky', 'road', 'building', 'car', 'person'];

function parseArgs(argv) {
  const flags = {};
  const dirs = [];
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (m) flags[m[1]] = m[2];
    else if (a.startsWith('--')) throw new Error(`unknown flag ${a}`);
    else dirs.push(a);
  }
  if (dirs.length !== 0 && dirs.length !== 2) throw new Error('give both referenceDir and predictedDir, or neither');
  const sample = fileURLToPath(new URL('../data/masks/', import.meta.url));
  const classNames = flags.classes ? flags.classes.split(',') : dirs.length ? undefined : SAMPLE_CLASSES;
  const numClasses = flags['num-classes'] ? Number(flags['num-classes']) : classNames?.length;
  if (!numClasses) throw new Error('--num-classes=N (or --classes=a,b,...) is required for your own folders');
  return {
    refDir: resolve(dirs[0] ?? join(sample, 'reference')),
    predDir: resolve(dirs[1] ?? join(sample, 'predicted')),
    numClasses,
    ignoreIndex: flags['ignore-index'] === 'none' ? null : Number(flags['ignore-index'] ?? 255),
    classNames,
    worst: Number(flags.worst ?? 5),
  };
}

async function pngNames(dir) {
  return (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.png')).sort();
}

// Reference and prediction matched by file name; a file on one side only is an error.
async function matchFolders(refDir, predDir) {
  const refs = await pngNames(refDir);
  const preds = new Set(await pngNames(predDir));
  const noPred = refs.filter((f) => !preds.has(f));
  const noRef = [...preds].filter((f) => !refs.includes(f));
  if (noPred.length || noRef.length) {
    throw new Error(
      [
        noPred.length && `no prediction for ${noPred.join(', ')} (in ${predDir})`,
        noRef.length && `no reference for ${noRef.join(', ')} (in ${refDir})`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  if (refs.length === 0) throw new Error(`no PNG files in ${refDir}`);
  return refs;
}

async function* readPairs(refDir, predDir, names) {
  for (const name of names) {
    const [target, pred] = await Promise.all([readFile(join(refDir, name)), readFile(join(predDir, name))]);
    yield { name, target, pred };
  }
}

// Columns of numbers (and n/a, absent) are right-aligned, text left-aligned.
function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = head.map((_, i) => rows.every((r) => /^(-?[0-9.]+|n\/a|absent)$/.test(r[i])));
  const line = (r) =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const pct = (v) => (Number.isNaN(v) ? 'n/a' : (100 * v).toFixed(1));

const args = parseArgs(process.argv.slice(2));
await init();
const names = await matchFolders(args.refDir, args.predDir);
const report = await evaluateMasks(readPairs(args.refDir, args.predDir, names), {
  numClasses: args.numClasses,
  ignoreIndex: args.ignoreIndex,
  classNames: args.classNames,
});

const where = (d) => basename(d);
console.log(
  `wasmetrics segmentation QA: ${report.numImages} images, ${where(args.predDir)}/ against ${where(args.refDir)}/ ` +
    `(${report.numClasses} classes, void ${report.ignoreIndex ?? 'none'}; WebAssembly ${simd() ? 'SIMD' : 'plain'} build)\n`,
);
console.log(
  table(
    ['class', 'IoU % (dataset)', 'IoU % (mean of images)', 'reference px', 'predicted px'],
    report.classes.map((c) => [
      `${c.id} ${c.name}`,
      c.present ? pct(c.iouDataset) : 'absent',
      pct(c.iouSample),
      String(c.targetPixels),
      String(c.predPixels),
    ]),
  ),
);
console.log(
  `\nmean IoU, dataset (intersections/unions summed over images, Cityscapes/VOC): ${pct(report.meanIoU.dataset)} %`,
);
console.log(
  `mean IoU, sample  (per-image IoU averaged, absent classes 0, TorchMetrics): ${pct(report.meanIoU.sample)} %\n`,
);
console.log(`${Math.min(args.worst, report.images.length)} worst images (mean IoU over the classes each image has):`);
console.log(
  table(
    ['rank', 'image', 'size', 'mean IoU %'],
    report.images
      .slice(0, args.worst)
      .map((im, i) => [String(i + 1), im.name, `${im.width}x${im.height}`, pct(im.meanIoU)]),
  ),
);
