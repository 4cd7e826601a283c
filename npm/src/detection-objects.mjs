// Per-object detection inputs for the object-level analyses written in JS (tide.mjs,
// detection-confusion.mjs): the per-image dicts MeanAveragePrecision.update() takes
// (preds[i] = {boxes, scores, labels}, target[i] = {boxes, labels, iscrowd?}) read into plain
// arrays with boxes in COCO's xywh, and pycocotools' box IoU. Bad input throws a WasmetricsError
// naming the image and the field.
import { wasmetricsError } from './errors.mjs';
import { rleFrPoly, rleIou } from './rle.mjs';
import { toInputTensor } from './tensor.mjs';

const BOX_FORMATS = ['xyxy', 'xywh', 'cxcywh'];
const IOU_TYPES = ['bbox', 'segm'];

/** Throws a WasmetricsError of `code` for `fn`, naming `argument`. */
export function inputError(fn, code, message, argument) {
  return wasmetricsError(code, `${fn}: ${message}`, fn, argument);
}

function tensorOf(fn, value, where) {
  try {
    return toInputTensor(value, where);
  } catch (e) {
    throw inputError(fn, 'E_INPUT', e.message, where);
  }
}

function readColumn(fn, image, key, n, where, { integer = false, required = true } = {}) {
  if (!Object.hasOwn(image, key) || image[key] === undefined) {
    if (required) throw inputError(fn, 'E_INPUT', `${where}.${key} is missing`, `${where}.${key}`);
    return null;
  }
  const t = tensorOf(fn, image[key], `${where}.${key}`);
  if (t.heap)
    throw inputError(fn, 'E_INPUT', `${where}.${key}: HeapInputs are not read here; pass the array`, `${where}.${key}`);
  const length = t.shape.length === 0 ? 1 : t.shape[0];
  if (t.shape.length > 1 || (n !== null && length !== n)) {
    throw inputError(
      fn,
      'E_SHAPE',
      `${where}.${key} must have shape [${n ?? 'N'}], got [${t.shape.join(', ')}]`,
      `${where}.${key}`,
    );
  }
  const out = Array.from(t.data, Number);
  out.forEach((v, k) => {
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw inputError(
        fn,
        'E_INPUT',
        `${where}.${key}[${k}] must be a finite ${integer ? 'integer' : 'number'}, got ${v}`,
        `${where}.${key}`,
      );
    }
  });
  return out;
}

// Boxes [N, 4] in `format` to COCO xywh (the form pycocotools computes IoU on).
function readBoxes(fn, image, n, where, format) {
  if (!Object.hasOwn(image, 'boxes') || image.boxes === undefined)
    throw inputError(fn, 'E_INPUT', `${where}.boxes is missing`, `${where}.boxes`);
  const t = tensorOf(fn, image.boxes, `${where}.boxes`);
  if (t.heap)
    throw inputError(fn, 'E_INPUT', `${where}.boxes: HeapInputs are not read here; pass the array`, `${where}.boxes`);
  const empty = n === 0 && t.data.length === 0;
  if (!empty && (t.shape.length !== 2 || t.shape[0] !== n || t.shape[1] !== 4)) {
    throw inputError(
      fn,
      'E_SHAPE',
      `${where}.boxes must have shape [${n}, 4] (one box per label), got [${t.shape.join(', ')}]`,
      `${where}.boxes`,
    );
  }
  const boxes = [];
  for (let k = 0; k < n; k++) {
    const [a, b, c, d] = Array.from(
      t.data.subarray ? t.data.subarray(4 * k, 4 * k + 4) : t.data.slice(4 * k, 4 * k + 4),
      Number,
    );
    if (![a, b, c, d].every(Number.isFinite))
      throw inputError(
        fn,
        'E_INPUT',
        `${where}.boxes[${k}] must be finite, got [${[a, b, c, d].join(', ')}]`,
        `${where}.boxes`,
      );
    let box;
    if (format === 'xyxy') box = [a, b, c - a, d - b];
    else if (format === 'cxcywh') box = [a - c / 2, b - d / 2, c, d];
    else box = [a, b, c, d];
    if (box[2] < 0 || box[3] < 0)
      throw inputError(
        fn,
        'E_INPUT',
        `${where}.boxes[${k}] has a negative width or height in ${format}: [${[a, b, c, d].join(', ')}]`,
        `${where}.boxes`,
      );
    boxes.push(box);
  }
  return boxes;
}

// iouType 'segm': one COCO RLE or {polygons, size} per object (polygons rasterised by rleFrPoly).
function readMasks(fn, image, n, where) {
  const masks = image.masks;
  if (!Array.isArray(masks) || masks.length !== n) {
    throw inputError(
      fn,
      'E_SHAPE',
      `${where}.masks must list one COCO RLE or {polygons, size} per label (${n}), got ${Array.isArray(masks) ? masks.length : typeof masks}`,
      `${where}.masks`,
    );
  }
  return masks.map((m, k) => {
    if (m !== null && typeof m === 'object' && 'polygons' in m) {
      if (!Array.isArray(m.size) || m.size.length !== 2)
        throw inputError(fn, 'E_INPUT', `${where}.masks[${k}].size must be [height, width]`, `${where}.masks`);
      return rleFrPoly(m.polygons, m.size[0], m.size[1]);
    }
    if (m === null || typeof m !== 'object' || !('counts' in m) || !('size' in m)) {
      throw inputError(
        fn,
        'E_INPUT',
        `${where}.masks[${k}] must be a COCO RLE {size, counts} or {polygons, size}`,
        `${where}.masks`,
      );
    }
    return m;
  });
}

function labelCount(fn, image, where) {
  if (image === null || typeof image !== 'object' || Array.isArray(image))
    throw inputError(fn, 'E_INPUT', `${where} must be a dict {boxes, labels, ...}`, where);
  return readColumn(fn, image, 'labels', null, where, { integer: true });
}

/**
 * Reads TorchMetrics-style per-image lists into [{dets: [{box, score, label}], gts: [{box, label,
 * crowd}]}], one per image; boxes become xywh. Throws a WasmetricsError naming what is wrong.
 */
export function readDetectionImages(fn, preds, target, boxFormat = 'xyxy', iouType = 'bbox') {
  if (!IOU_TYPES.includes(iouType)) {
    throw wasmetricsError(
      'E_OPTION',
      `${fn}: option 'iouType' must be 'bbox' or 'segm', got ${JSON.stringify(iouType)}`,
      fn,
      'iouType',
    );
  }
  if (!BOX_FORMATS.includes(boxFormat)) {
    throw wasmetricsError(
      'E_OPTION',
      `${fn}: option 'boxFormat' must be one of ${BOX_FORMATS.join(', ')}, got ${JSON.stringify(boxFormat)}`,
      fn,
      'boxFormat',
    );
  }
  for (const [name, list] of [
    ['preds', preds],
    ['target', target],
  ]) {
    if (!Array.isArray(list))
      throw inputError(
        fn,
        'E_INPUT',
        `\`${name}\` must be a list of per-image dicts, got ${list === null ? 'null' : typeof list}`,
        name,
      );
  }
  if (preds.length !== target.length) {
    throw inputError(
      fn,
      'E_SHAPE',
      `\`preds\` and \`target\` must have one dict per image each, got ${preds.length} and ${target.length}`,
      'preds',
    );
  }
  return preds.map((p, i) => {
    const pw = `preds[${i}]`;
    const tw = `target[${i}]`;
    const plabels = labelCount(fn, p, pw);
    const segm = iouType === 'segm';
    const pboxes = segm ? readMasks(fn, p, plabels.length, pw) : readBoxes(fn, p, plabels.length, pw, boxFormat);
    const scores = readColumn(fn, p, 'scores', plabels.length, pw);
    const tlabels = labelCount(fn, target[i], tw);
    const tboxes = segm
      ? readMasks(fn, target[i], tlabels.length, tw)
      : readBoxes(fn, target[i], tlabels.length, tw, boxFormat);
    const crowd = readColumn(fn, target[i], 'iscrowd', tlabels.length, tw, { integer: true, required: false });
    return {
      // `box`: xywh (bbox) or a COCO RLE (segm), whatever iouMatrix compares.
      dets: plabels.map((label, k) => ({ box: pboxes[k], score: scores[k], label })),
      gts: tlabels.map((label, k) => ({ box: tboxes[k], label, crowd: crowd !== null && crowd[k] !== 0 })),
    };
  });
}

/**
 * pycocotools' bbIou for two xywh boxes: intersection over union, or over the detection's own area
 * for a crowd region; 0 when they do not overlap (and for an empty union).
 */
export function cocoBoxIou(dt, gt, crowd = false) {
  const w = Math.min(dt[0] + dt[2], gt[0] + gt[2]) - Math.max(dt[0], gt[0]);
  if (w <= 0) return 0;
  const h = Math.min(dt[1] + dt[3], gt[1] + gt[3]) - Math.max(dt[1], gt[1]);
  if (h <= 0) return 0;
  const i = w * h;
  const u = crowd ? dt[2] * dt[3] : dt[2] * dt[3] + gt[2] * gt[3] - i;
  return u > 0 ? i / u : 0;
}

/**
 * [D][G] IoU of detections and ground truths as readDetectionImages gives them: pycocotools' box
 * IoU, or its mask IoU (the engine's, needs init()) for iouType 'segm'; `crowd`: intersection
 * over the detection's area.
 */
export function iouMatrix(dets, gts, crowd, iouType = 'bbox') {
  if (iouType !== 'segm' || dets.length === 0 || gts.length === 0)
    return dets.map((d) => gts.map((g) => cocoBoxIou(d.box, g.box, crowd)));
  return rleIou(
    dets.map((d) => d.box),
    gts.map((g) => g.box),
    gts.map(() => (crowd ? 1 : 0)),
  );
}

/** Reads a number option in [0, 1] (or any positive integer with `integer`). */
export function numberOption(fn, options, name, fallback, { integer = false } = {}) {
  const v = options[name] ?? fallback;
  const ok = integer ? Number.isSafeInteger(v) && v > 0 : typeof v === 'number' && v >= 0 && v <= 1;
  if (!ok)
    throw wasmetricsError(
      'E_OPTION',
      `${fn}: option '${name}' must be ${integer ? 'a positive integer' : 'a number in [0, 1]'}, got ${JSON.stringify(v)}`,
      fn,
      name,
    );
  return v;
}

export function optionsObject(fn, options) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw wasmetricsError('E_OPTION', `${fn}: options must be an object`, fn, 'options');
  return options;
}
