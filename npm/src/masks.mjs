// Segmentation label masks from PNG files: decoding (fast-png, bundled), stacking into [N, H, W]
// label maps, and a QA evaluation (per-class IoU, mean IoU, per-image IoU worst first) that runs
// the registered MeanIoU metric. Works the same in Node (Buffer, Uint8Array) and in browsers
// (ArrayBuffer, File/Blob). No metric logic here: every IoU comes from the WebAssembly core; this
// file only decodes, checks inputs so that errors can name the file, and batches.
import METRIC_CLASSES from 'wasmetrics:metric-classes';
import { decodePngChecked, pngBytes, unpackLowBitDepth } from './png.mjs';

const COLOUR_NAMES = { 2: 'greyscale with alpha', 3: 'RGB', 4: 'RGBA' };

/**
 * Decodes a PNG label mask. Greyscale (1/2/4/8/16-bit) gives the grey values, palette PNGs (the
 * VOC / Cityscapes convention) give the palette *indices*, never colours. 16-bit masks give a
 * Uint16Array, the others a Uint8Array. RGB, RGBA and grey+alpha PNGs are refused: a label mask
 * stores one class id per pixel. `name` (e.g. the file name) is used in every error message.
 */
export function decodeMask(bytes, { name = 'mask' } = {}) {
  const png = decodePngChecked(pngBytes(bytes, name), name);
  const { width, height, depth } = png;
  const isPalette = png.palette !== undefined;
  if (png.channels !== 1) {
    throw new Error(
      `${name}: a label mask must be a greyscale or palette PNG, this one is ${
        COLOUR_NAMES[png.channels] ?? `${png.channels}-channel`
      } (${depth}-bit); save it with one class id per pixel`,
    );
  }
  let data = png.data;
  if (depth < 8) data = unpackLowBitDepth(data, width, height, depth);
  else if (depth === 8 && !(data instanceof Uint8Array))
    data = new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (data.length !== width * height) {
    throw new Error(`${name}: decoded ${data.length} values for a ${width}x${height} image`);
  }
  const mask = { data, shape: [height, width], name, bitDepth: depth, colorType: isPalette ? 'palette' : 'grey' };
  if (isPalette) mask.palette = png.palette.map((c) => c.slice(0, 3));
  return mask;
}

const shapeText = (shape) => `${shape[1]}x${shape[0]}`; // width x height, as image tools print sizes

function labelMap(value, name, side) {
  if (value && typeof value === 'object' && 'data' in value && 'shape' in value && !ArrayBuffer.isView(value)) {
    const { data, shape } = value;
    const ok =
      data instanceof Uint8Array ||
      data instanceof Uint8ClampedArray ||
      data instanceof Uint16Array ||
      data instanceof Int32Array;
    if (!ok)
      throw new TypeError(`${name}: the ${side} label map's data must be a Uint8Array, Uint16Array or Int32Array`);
    if (
      !Array.isArray(shape) ||
      shape.length !== 2 ||
      !shape.every((d) => Number.isSafeInteger(d) && d > 0) ||
      shape[0] * shape[1] !== data.length
    ) {
      throw new Error(
        `${name}: the ${side} label map needs shape [H, W] matching its ${data.length} values, got ${JSON.stringify(shape)}`,
      );
    }
    return { data, shape, name: value.name ?? name };
  }
  return decodeMask(value, { name });
}

/**
 * Stacks label maps of one size ([H, W] each) into one [N, H, W] tensor, copying each map once.
 * The element type is the widest of the inputs (uint8 < uint16 < int32). Sizes must agree.
 */
export function stackMasks(masks) {
  if (!Array.isArray(masks) || masks.length === 0)
    throw new TypeError('stackMasks: expected a non-empty array of masks');
  const [h, w] = masks[0].shape;
  let rank = 0;
  for (const m of masks) {
    if (m.shape[0] !== h || m.shape[1] !== w) {
      throw new Error(
        `stackMasks: ${m.name ?? 'a mask'} is ${shapeText(m.shape)} but ${masks[0].name ?? 'the first mask'} is ${shapeText([h, w])}`,
      );
    }
    rank = Math.max(rank, m.data instanceof Int32Array ? 2 : m.data instanceof Uint16Array ? 1 : 0);
  }
  const Out = [Uint8Array, Uint16Array, Int32Array][rank];
  const data = new Out(masks.length * h * w);
  masks.forEach((m, i) => data.set(m.data, i * h * w));
  return { data, shape: [masks.length, h, w] };
}

// The first pixel of `data` holding a label outside [0, numClasses) that is not `ignore`, or -1.
function firstBadLabel(data, numClasses, ignore) {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if ((v >= numClasses || v < 0) && v !== ignore) return i;
  }
  return -1;
}

function checkLabels(mask, side, file, numClasses, ignoreIndex) {
  const i = firstBadLabel(mask.data, numClasses, ignoreIndex ?? NaN);
  if (i < 0) return;
  const [, w] = mask.shape;
  const v = mask.data[i];
  throw new Error(
    `${file}: ${side} label ${v} at pixel (x=${i % w}, y=${Math.floor(i / w)}) is outside [0, ${numClasses})` +
      (ignoreIndex === null || ignoreIndex === undefined
        ? ' and no ignoreIndex is set'
        : ` and is not the ignoreIndex ${ignoreIndex}`),
  );
}

async function resolveInput(value) {
  // A File or Blob (browser <input type=file>, or Node's Blob): read its bytes.
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && typeof value.arrayBuffer === 'function') {
    return value.arrayBuffer();
  }
  return value;
}

// Pixels per class on the pixels that count (target not `ignore`): the classes' support in the
// reference, and how often each was predicted there.
function countSupport(target, pred, ignore, targetCount, predCount) {
  const t = target.data;
  const p = pred.data;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === ignore) continue;
    targetCount[c]++;
    const q = p[i];
    if (q !== ignore) predCount[q]++;
  }
}

/**
 * Evaluates predicted label masks against reference masks with the registered MeanIoU metric.
 * `pairs` is an array, iterable or async iterable of `{name, pred, target}`, where `pred` and
 * `target` are PNG bytes (Uint8Array, Buffer, ArrayBuffer), a File/Blob, or a decoded label map
 * `{data, shape: [H, W]}`. Masks of one size are stacked into [N, H, W] batches (`batchSize`
 * images at most), so a folder of thousands of files never sits in memory at once.
 *
 * Throws an Error naming the file for an unreadable or RGB PNG, a prediction whose size differs
 * from its reference, and a label >= numClasses that is not `ignoreIndex` (with the value and
 * the pixel). Resolves to per-class IoU and mean IoU under both reductions, and every image's
 * IoU, worst first.
 */
export async function evaluateMasks(pairs, options = {}) {
  const {
    numClasses,
    ignoreIndex = null,
    includeBackground = true,
    classNames,
    batchSize = 16,
    onProgress,
    metrics = {},
  } = options;
  checkMaskOptions(pairs, numClasses, ignoreIndex, batchSize);
  const own = meanIoUMetrics({ numClasses, inputFormat: 'index', ignoreIndex, includeBackground });
  const ignore = ignoreIndex ?? NaN;
  const targetPixels = new Float64Array(numClasses);
  const predPixels = new Float64Array(numClasses);
  const images = [];
  let pending = [];
  const flush = () => {
    if (pending.length === 0) return;
    const preds = stackMasks(pending.map((p) => p.pred));
    const target = stackMasks(pending.map((p) => p.target));
    pending = [];
    for (const m of Object.values(own)) m.update(preds, target);
    for (const m of Object.values(metrics)) m.update(preds, target);
  };
  try {
    let index = 0;
    for await (const pair of pairs) {
      const { name, pred, target } = await readMaskPair(pair, index, numClasses, ignoreIndex);
      countSupport(target, pred, ignore, targetPixels, predPixels);
      const last = pending[pending.length - 1];
      if (last && (last.target.shape[0] !== target.shape[0] || last.target.shape[1] !== target.shape[1])) flush();
      pending.push({ pred, target });
      images.push({ name, index, width: target.shape[1], height: target.shape[0] });
      index++;
      if (pending.length >= batchSize) flush();
      onProgress?.({ done: index, name });
    }
    flush();
    if (images.length === 0) throw new Error('evaluateMasks: no mask pairs were given');
    return maskReport(
      own,
      metrics,
      images,
      { numClasses, ignoreIndex, includeBackground, classNames },
      {
        targetPixels,
        predPixels,
      },
    );
  } finally {
    for (const m of Object.values(own)) m.dispose();
  }
}

function checkMaskOptions(pairs, numClasses, ignoreIndex, batchSize) {
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) {
    throw new TypeError(`evaluateMasks: numClasses must be a positive integer, got ${String(numClasses)}`);
  }
  if (ignoreIndex !== null && !Number.isSafeInteger(ignoreIndex)) {
    throw new TypeError(`evaluateMasks: ignoreIndex must be an integer or null, got ${String(ignoreIndex)}`);
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new TypeError(`evaluateMasks: batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  if (
    pairs === null ||
    pairs === undefined ||
    (typeof pairs[Symbol.iterator] !== 'function' && typeof pairs[Symbol.asyncIterator] !== 'function')
  ) {
    throw new TypeError('evaluateMasks: pairs must be an array (or iterable) of {name, pred, target}');
  }
}

// The MeanIoU instances evaluateMasks reads its report from (`common`: the shared options).
function meanIoUMetrics(common) {
  const { MeanIoU } = METRIC_CLASSES;
  if (typeof MeanIoU !== 'function') throw new Error('evaluateMasks: this build of wasmetrics has no MeanIoU metric');
  return {
    classDataset: new MeanIoU({ ...common, reduction: 'dataset', perClass: true }),
    classSample: new MeanIoU({ ...common, reduction: 'sample', perClass: true }),
    meanDataset: new MeanIoU({ ...common, reduction: 'dataset' }),
    meanSample: new MeanIoU({ ...common, reduction: 'sample' }),
    // Each image alone as Cityscapes/VOC score it: mean over the classes it has (NaN if none).
    perImage: new MeanIoU({ ...common, reduction: 'dataset', perSample: true }),
  };
}

// One {name, pred, target} pair read as two label maps of one size, their labels checked.
async function readMaskPair(pair, index, numClasses, ignoreIndex) {
  const name = pair?.name ?? (typeof pair?.target?.name === 'string' ? pair.target.name : `pair #${index}`);
  if (!pair || pair.pred === undefined || pair.target === undefined) {
    throw new TypeError(`evaluateMasks: ${name} needs both pred and target`);
  }
  const target = labelMap(await resolveInput(pair.target), `${name} (reference)`, 'reference');
  const pred = labelMap(await resolveInput(pair.pred), `${name} (prediction)`, 'predicted');
  if (pred.shape[0] !== target.shape[0] || pred.shape[1] !== target.shape[1]) {
    throw new Error(
      `${name}: the predicted mask is ${shapeText(pred.shape)} but the reference mask is ${shapeText(target.shape)}`,
    );
  }
  checkLabels(target, 'reference', name, numClasses, ignoreIndex);
  checkLabels(pred, 'predicted', name, numClasses, ignoreIndex);
  return { name, pred, target };
}

// evaluateMasks' result from its metrics once every pair is in.
function maskReport(own, metrics, images, { numClasses, ignoreIndex, includeBackground, classNames }, pixels) {
  const { targetPixels, predPixels } = pixels;
  const perImage = own.perImage.compute();
  images.forEach((im, i) => {
    im.meanIoU = perImage.data[i];
  });
  const first = includeBackground || numClasses === 1 ? 0 : 1;
  const classIds = Array.from({ length: numClasses - first }, (_, k) => k + first);
  const vector = (r) => (typeof r === 'number' ? [r] : Array.from(r.data));
  const iouDataset = vector(own.classDataset.compute());
  const iouSample = vector(own.classSample.compute());
  const extra = {};
  for (const [key, m] of Object.entries(metrics)) extra[key] = m.compute();
  return {
    numImages: images.length,
    numClasses,
    ignoreIndex,
    classes: classIds.map((id, k) => ({
      id,
      name: classNames?.[id] ?? String(id),
      iouDataset: iouDataset[k],
      iouSample: iouSample[k],
      targetPixels: targetPixels[id],
      predPixels: predPixels[id],
      present: targetPixels[id] + predPixels[id] > 0,
    })),
    meanIoU: { dataset: own.meanDataset.compute(), sample: own.meanSample.compute() },
    // Worst first; images with nothing to score (NaN: every pixel void) last; ties by input order.
    images: images.sort(
      (a, b) => Number.isNaN(a.meanIoU) - Number.isNaN(b.meanIoU) || a.meanIoU - b.meanIoU || a.index - b.index,
    ),
    metrics: extra,
  };
}
