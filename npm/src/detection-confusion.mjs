// The detection confusion matrix YOLO-family tools print (ultralytics ConfusionMatrix.process_batch,
// written from its published algorithm): per image, detections with score > scoreThreshold are
// matched to ground truth regardless of class at IoU > iouThreshold: of all such pairs, by
// decreasing IoU, each detection keeps its best ground truth, then each ground truth its best
// detection. A matched pair counts in (detected class, true class); an unmatched ground truth in
// the background row, an unmatched detection in the background column. Rows are predicted classes,
// columns true classes (YOLO's layout), the last row and column background.
// One deliberate difference: older ultralytics releases skip the unmatched detections of an image
// where nothing matched at all; here every unmatched detection is a false positive.
import { wasmetricsError } from './errors.mjs';
import { iouMatrix, numberOption, optionsObject, readDetectionImages } from './detection-objects.mjs';

const FN = 'detectionConfusionMatrix';
const NORMALIZE = [null, 'true', 'pred', 'all'];

// ultralytics' matching of one image: [{gt, det, iou}] after both de-duplications.
function matchImage(dets, gts, iouThreshold, iouType) {
  let pairs = [];
  const ious = iouMatrix(dets, gts, false, iouType);
  gts.forEach((g, i) =>
    dets.forEach((d, j) => {
      const iou = ious[j][i];
      if (iou > iouThreshold) pairs.push({ gt: i, det: j, iou });
    }),
  );
  const byIou = (a, b) => b.iou - a.iou;
  const bestPer = (key) => {
    const seen = new Set();
    pairs = pairs.sort(byIou).filter((p) => !seen.has(p[key]) && seen.add(p[key]));
  };
  bestPer('det');
  bestPer('gt');
  return pairs;
}

function classList(images, given) {
  if (given === undefined || given === null) {
    const seen = new Set();
    for (const im of images) for (const o of [...im.dets, ...im.gts]) seen.add(o.label);
    return [...seen].sort((a, b) => a - b);
  }
  if (!Array.isArray(given) || !given.every(Number.isSafeInteger) || new Set(given).size !== given.length) {
    throw wasmetricsError(
      'E_OPTION',
      `${FN}: option 'classes' must be a list of distinct integer labels, got ${JSON.stringify(given)}`,
      FN,
      'classes',
    );
  }
  return given;
}

function normalized(counts, how) {
  const n = counts.length;
  if (how === null) return counts.map((row) => row.slice());
  const total = how === 'all' ? counts.flat().reduce((s, v) => s + v, 0) : 0;
  const colSum = (c) => counts.reduce((s, row) => s + row[c], 0);
  const rowSum = (r) => counts[r].reduce((s, v) => s + v, 0);
  const sums =
    how === 'true' ? Array.from({ length: n }, (_, c) => colSum(c)) : Array.from({ length: n }, (_, r) => rowSum(r));
  return counts.map((row, r) =>
    row.map((v, c) => {
      const d = how === 'all' ? total : how === 'true' ? sums[c] : sums[r];
      return d === 0 ? 0 : v / d;
    }),
  );
}

/**
 * The (C + 1) x (C + 1) detection confusion matrix over every image: rows the predicted class,
 * columns the true class, background last. See src/detection.d.ts.
 */
export function detectionConfusionMatrix(preds, target, options) {
  const opts = optionsObject(FN, options);
  const iouThreshold = numberOption(FN, opts, 'iouThreshold', 0.45);
  const scoreThreshold = numberOption(FN, opts, 'scoreThreshold', 0.25);
  const normalize = opts.normalize ?? null;
  if (!NORMALIZE.includes(normalize)) {
    throw wasmetricsError(
      'E_OPTION',
      `${FN}: option 'normalize' must be null, 'true', 'pred' or 'all', got ${JSON.stringify(normalize)}`,
      FN,
      'normalize',
    );
  }
  const iouType = opts.iouType ?? 'bbox';
  const images = readDetectionImages(FN, preds, target, opts.boxFormat ?? 'xyxy', iouType);
  const classes = classList(images, opts.classes);
  const C = classes.length;
  const slot = new Map(classes.map((c, k) => [c, k]));
  const slotOf = (label, where) => {
    if (!slot.has(label))
      throw wasmetricsError(
        'E_LABEL_RANGE',
        `${FN}: ${where} has label ${label}, not in option 'classes' [${classes.join(', ')}]`,
        FN,
        'classes',
      );
    return slot.get(label);
  };
  const counts = Array.from({ length: C + 1 }, () => new Array(C + 1).fill(0));
  const perImage = images.map((image, i) => {
    const predsOut = image.dets.map((d, j) => ({
      gt: -1,
      row: -1,
      col: -1,
      label: slotOf(d.label, `preds[${i}].labels[${j}]`),
    }));
    const targetOut = image.gts.map((g, k) => ({
      pred: -1,
      row: C,
      col: slotOf(g.label, `target[${i}].labels[${k}]`),
    }));
    const used = [];
    image.dets.forEach((d, j) => {
      if (d.score > scoreThreshold) used.push(j);
    });
    const dets = used.map((j) => image.dets[j]);
    for (const { gt, det } of matchImage(dets, image.gts, iouThreshold, iouType)) {
      const j = used[det];
      targetOut[gt].pred = j;
      targetOut[gt].row = predsOut[j].label;
      predsOut[j].gt = gt;
      predsOut[j].col = targetOut[gt].col;
    }
    for (const j of used) {
      predsOut[j].row = predsOut[j].label;
      if (predsOut[j].gt === -1) predsOut[j].col = C;
      counts[predsOut[j].row][predsOut[j].col] += 1;
    }
    for (const t of targetOut) if (t.pred === -1) counts[C][t.col] += 1;
    return { preds: predsOut.map(({ gt, row, col }) => ({ gt, row, col })), target: targetOut };
  });
  return {
    classes,
    matrix: normalized(counts, normalize),
    counts,
    normalize,
    preds: perImage.map((o) => o.preds),
    target: perImage.map((o) => o.target),
  };
}
