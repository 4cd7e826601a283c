// Detection inputs as TorchMetrics takes them: update(preds, target) with one dict per image
// (preds[i] = {boxes, scores, labels, masks?, keypoints?}, target[i] = {boxes, labels, iscrowd?, area?, masks?,
// keypoints?}).
// The engine takes them flat (src/wasmetrics/detection/inputs.hpp): `<side>_<key>` is key <key> of
// every image of that side concatenated in image order, `<side>_counts` each image's number of
// annotations. This module only reshapes and checks, naming the image and the field; the metric
// itself validates the flat tensors again.
import { Metric, metricSpec } from './metric.mjs';
import { rleFrPoly } from './rle.mjs';
import { toInputTensor } from './tensor.mjs';

const FLOAT_DTYPES = new Set(['float32', 'float64']);
const INT_DTYPES = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'bool']);

// COCO's compressed RLE string (pycocotools maskApi rleFrString): 5 bits per char offset by 48,
// a continuation bit, a sign bit on the last chunk, and runs from the third on stored as
// differences to the run two before.
function rleCountsFromString(s, where) {
  const counts = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new Error(`${where}: corrupt compressed RLE (string ends inside a run)`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63)
        throw new Error(`${where}: corrupt compressed RLE (character ${JSON.stringify(s[p])} at ${p})`);
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/**
 * One COCO RLE ({size: [h, w], counts: string | number[]}) as a row-major [h, w] 0/1 Uint8Array.
 * COCO runs go down the columns (column-major), zeros first.
 */
export function decodeRle(rle, where = 'decodeRle') {
  if (
    rle === null ||
    typeof rle !== 'object' ||
    !Array.isArray(rle.size) ||
    rle.size.length !== 2 ||
    !rle.size.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new TypeError(
      `${where}: an RLE needs size [height, width] of non-negative integers, got ${JSON.stringify(rle?.size)}`,
    );
  }
  const [h, w] = rle.size;
  let counts;
  if (typeof rle.counts === 'string') counts = rleCountsFromString(rle.counts, where);
  else if (Array.isArray(rle.counts) || ArrayBuffer.isView(rle.counts)) counts = Array.from(rle.counts, Number);
  else
    throw new TypeError(`${where}: RLE counts must be a string (compressed) or an array of run lengths (uncompressed)`);
  const out = new Uint8Array(h * w);
  let at = 0;
  let value = 0;
  for (let i = 0; i < counts.length; i++, value ^= 1) {
    const run = counts[i];
    if (!Number.isSafeInteger(run) || run < 0)
      throw new Error(`${where}: RLE run ${i} is ${run}, not a non-negative integer`);
    if (at + run > h * w) throw new Error(`${where}: RLE runs cover more than size ${h} x ${w} = ${h * w} pixels`);
    if (value) {
      for (let j = at; j < at + run; j++) out[(j % h) * w + Math.floor(j / h)] = 1;
    }
    at += run;
  }
  if (at !== h * w) throw new Error(`${where}: RLE runs cover ${at} pixels, size ${h} x ${w} needs ${h * w}`);
  return out;
}

const isRle = (v) => v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && 'counts' in v && 'size' in v;
// A COCO polygon segmentation with its image size: {polygons: [[x0, y0, x1, y1, ...], ...], size: [h, w]}.
const isPolygonMask = (v) =>
  v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && 'polygons' in v && 'size' in v;

// Polygons rasterised as pycocotools does (rleFrPoly, parts merged) into a COCO RLE.
function polygonRle(mask, where) {
  const size = mask.size;
  if (!Array.isArray(size) || size.length !== 2)
    throw new TypeError(`${where}.size must be [height, width], got ${JSON.stringify(size)}`);
  return rleFrPoly(mask.polygons, size[0], size[1]);
}

// Per-field reader of one image: the tensor, its leading size and checks, errors naming the field.
function field(image, key, where, required) {
  if (!Object.hasOwn(image, key) || image[key] === undefined) {
    if (required) throw new Error(`${where}.${key} is missing`);
    return null;
  }
  return toInputTensor(image[key], `${where}.${key}`);
}

function rowsOf(t) {
  return t.shape.length === 0 ? 1 : t.shape[0];
}

function checkPerBox(t, n, where, kind) {
  const ok = (t.shape.length === 1 && t.shape[0] === n) || (n === 0 && t.data.length === 0 && t.shape.length <= 1);
  if (!ok)
    throw new Error(
      `${where} must have one value per box (shape [${n}], as labels), got shape [${t.shape.join(', ')}]`,
    );
  if (kind === 'int' && !INT_DTYPES.has(t.dtype) && t.dtype !== 'float64') {
    throw new TypeError(`${where} must hold integers, got ${t.dtype}`);
  }
}

// Masks of one image: [N, H, W] binary tensor, or an array of N COCO RLEs.
function readMasks(given, n, where) {
  const value =
    Array.isArray(given) && given.some(isPolygonMask)
      ? given.map((m, k) => (isPolygonMask(m) ? polygonRle(m, `${where}[${k}]`) : m))
      : given;
  if (Array.isArray(value) && value.length > 0 && value.every(isRle)) {
    const [h, w] = value[0].size ?? [];
    const data = new Uint8Array(n * h * w);
    if (value.length !== n) throw new Error(`${where} has ${value.length} RLEs but the image has ${n} labels`);
    value.forEach((rle, k) => {
      const mask = decodeRle(rle, `${where}[${k}]`);
      if (rle.size[0] !== h || rle.size[1] !== w) {
        throw new Error(`${where}[${k}] is ${rle.size[0]} x ${rle.size[1]} but ${where}[0] is ${h} x ${w}`);
      }
      data.set(mask, k * h * w);
    });
    return { data, shape: [n, h, w] };
  }
  const t = toInputTensor(value, where);
  if (n === 0 && t.data.length === 0) return null;
  if (t.shape.length !== 3 || t.shape[0] !== n) {
    throw new Error(
      `${where} must have shape [N, H, W] with N = ${n} (one mask per label), got [${t.shape.join(', ')}]`,
    );
  }
  if (FLOAT_DTYPES.has(t.dtype) && !Array.isArray(value)) {
    throw new TypeError(`${where} must be a bool or integer 0/1 tensor (or COCO RLEs), got ${t.dtype}`);
  }
  const data = new Uint8Array(t.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(t.data[i]);
    if (v !== 0 && v !== 1) {
      throw new Error(`${where} must hold 0 and 1 only, got ${v} in mask ${Math.floor(i / (t.shape[1] * t.shape[2]))}`);
    }
    data[i] = v;
  }
  return { data, shape: t.shape };
}

// Keypoints of one image: [N, K, 3] (x, y, visibility per keypoint), or COCO's flat [N, 3K] lists.
function readKeypoints(given, n, where) {
  const t = toInputTensor(given, where);
  if (n === 0 && t.data.length === 0) return null;
  if (t.shape.length === 2 && t.shape[0] === n && t.shape[1] % 3 === 0) t.shape = [n, t.shape[1] / 3, 3];
  if (t.shape.length !== 3 || t.shape[0] !== n || t.shape[2] !== 3) {
    throw new Error(
      `${where} must have shape [N, K, 3] (x, y, visibility of K keypoints) or [N, 3K] with N = ${n} (one per label), got [${t.shape.join(', ')}]`,
    );
  }
  if (!FLOAT_DTYPES.has(t.dtype) && !Array.isArray(given))
    throw new TypeError(`${where} must be float32 or float64 (or numbers), got ${t.dtype}`);
  for (let i = 0; i < t.data.length; i++) {
    const v = Number(t.data[i]);
    if (!Number.isFinite(v))
      throw new Error(`${where} must be finite, got ${v} in object ${Math.floor(i / (3 * t.shape[1]))}`);
  }
  return t;
}

// Concatenates one key of every image. `kind`: 'boxes' | 'float' | 'int' | 'masks' | 'keypoints'.
class Column {
  constructor(kind) {
    this.kind = kind;
    this.parts = [];
    this.float32 = true;
    this.maskSize = null;
  }

  push(t, n) {
    this.parts.push({ t, n });
    if (t && t.dtype !== 'float32') this.float32 = false;
  }

  tensor() {
    const total = this.parts.reduce((s, p) => s + p.n, 0);
    if (this.kind === 'masks') {
      const [h, w] = this.maskSize ?? [0, 0];
      const data = new Uint8Array(total * h * w);
      let at = 0;
      for (const { t, n } of this.parts) {
        if (t) data.set(t.data, at);
        at += n * h * w;
      }
      return { data, dtype: 'uint8', shape: [total, h, w] };
    }
    if (this.kind === 'keypoints') {
      const k = this.parts.find((p) => p.t)?.t.shape[1] ?? 0;
      const data = new Float64Array(total * k * 3);
      let at = 0;
      for (const { t, n } of this.parts) {
        if (t) for (let i = 0; i < n * k * 3; i++) data[at + i] = Number(t.data[i]);
        at += n * k * 3;
      }
      return { data, shape: [total, k, 3] };
    }
    const width = this.kind === 'boxes' ? 4 : 1;
    const Out = this.kind === 'int' ? Int32Array : this.kind === 'boxes' && this.float32 ? Float32Array : Float64Array;
    const shape = this.kind === 'boxes' ? [total, 4] : [total];
    const joined = this.#adjacentViews(Out, width);
    if (joined) return { data: joined, shape };
    const data = new Out(total * width);
    let at = 0;
    for (const { t, n } of this.parts) {
      if (t) {
        for (let i = 0; i < n * width; i++) data[at + i] = Number(t.data[i]);
      } // else zeros: TorchMetrics' item.get("iscrowd", zeros_like(labels))
      at += n * width;
    }
    return { data, shape };
  }

  // The parts as one view when every part is an `Out` view of one buffer right after the previous
  // one (readCoco's per-image arrays): the concatenation is then that range, no copy. Else null.
  #adjacentViews(Out, width) {
    let buffer = null;
    let start = 0;
    let end = 0;
    for (const { t, n } of this.parts) {
      if (n === 0 && (!t || t.data.length === 0)) continue;
      const d = t?.data;
      if (!(d instanceof Out) || d.length !== n * width) return null;
      if (buffer === null) {
        buffer = d.buffer;
        start = d.byteOffset;
      } else if (d.buffer !== buffer || d.byteOffset !== end) {
        return null;
      }
      end = d.byteOffset + d.byteLength;
    }
    return buffer === null ? null : new Out(buffer, start, (end - start) / Out.BYTES_PER_ELEMENT);
  }
}

function checkValues(t, n, where, kind) {
  const width = kind === 'boxes' ? 4 : 1;
  for (let i = 0; i < n * width; i++) {
    const v = Number(t.data[i]);
    if (!Number.isFinite(v)) {
      throw new Error(
        `${where} must be finite, got ${v}${kind === 'boxes' ? ` in box ${Math.floor(i / 4)}` : ` at ${i}`}`,
      );
    }
    if (kind === 'int' && (!Number.isInteger(v) || Math.abs(v) > 2147483647)) {
      throw new Error(`${where} must hold 32-bit integers, got ${v} at ${i}`);
    }
  }
}

const SIDES = { pred: 'preds', target: 'target' };
const TORCHMETRICS_KEYS = {
  pred: ['boxes', 'scores', 'labels', 'masks'],
  target: ['boxes', 'labels', 'iscrowd', 'area', 'masks'],
};
const COLUMN_KINDS = { boxes: 'boxes', masks: 'masks', keypoints: 'keypoints', labels: 'int', iscrowd: 'int' };

function checkImageLists(preds, target, call) {
  for (const [name, list] of [
    ['preds', preds],
    ['target', target],
  ]) {
    if (!Array.isArray(list)) {
      throw new TypeError(
        `${call}: \`${name}\` must be a list of per-image dicts (one per image), got ${list === null ? 'null' : typeof list}`,
      );
    }
  }
  if (preds.length !== target.length) {
    throw new Error(
      `${call}: \`preds\` and \`target\` must have one dict per image each, got ${preds.length} and ${target.length}`,
    );
  }
}

// flattenDetection's running state: a Column per registry input (but the counts), each side's
// per-image counts, the inputs some image gave, and the first mask size / keypoint count seen.
function detectionColumns(inputs) {
  const wanted = inputs.map((i) => {
    const us = i.name.indexOf('_');
    return { side: i.name.slice(0, us), key: i.name.slice(us + 1), optional: i.optional };
  });
  const columns = new Map(
    wanted
      .filter((w) => w.key !== 'counts')
      .map((w) => [`${w.side}_${w.key}`, new Column(COLUMN_KINDS[w.key] ?? 'float')]),
  );
  return {
    wanted,
    has: (side, key) => wanted.some((w) => w.side === side && w.key === key),
    columns,
    counts: { pred: [], target: [] },
    present: new Set(),
    maskSize: null, // one H x W for every mask of an update, predicted and ground truth
    maskWhere: '',
    keypointsWhere: '', // every object of an update has the same number of keypoints
  };
}

// One image's dict (`list[i]` of `side`) checked and appended to every column.
function readDetectionImage(acc, side, i, image, call) {
  const where = `${call}: ${SIDES[side]}[${i}]`;
  if (image === null || typeof image !== 'object' || Array.isArray(image) || ArrayBuffer.isView(image)) {
    throw new TypeError(
      `${where} must be a dict such as {boxes, ${side === 'pred' ? 'scores, ' : ''}labels}, got ${Array.isArray(image) ? 'an array' : String(image)}`,
    );
  }
  // TorchMetrics' keys a metric does not use (IoU's scores) are ignored as there; others are typos.
  const known = acc.wanted.filter((w) => w.side === side && w.key !== 'counts').map((w) => w.key);
  const unknown = Object.keys(image).filter((k) => !known.includes(k) && !TORCHMETRICS_KEYS[side].includes(k));
  if (unknown.length)
    throw new Error(
      `${where} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  const labels = field(image, 'labels', where, true);
  if (labels.shape.length > 1)
    throw new Error(`${where}.labels must be 1-D [N], got shape [${labels.shape.join(', ')}]`);
  const n = rowsOf(labels);
  checkPerBox(labels, n, `${where}.labels`, 'int');
  checkValues(labels, n, `${where}.labels`, 'int');
  acc.counts[side].push(n);
  acc.columns.get(`${side}_labels`).push(labels, n);
  const hasMasks = acc.has(side, 'masks') && image.masks !== undefined;
  // keypoints place a detection (its box is their extent, as COCO.loadRes); ground truths keep their boxes
  const boxesOptional = hasMasks || (side === 'pred' && acc.has(side, 'keypoints') && image.keypoints !== undefined);
  for (const { key } of acc.wanted.filter((w) => w.side === side && !['counts', 'labels'].includes(w.key))) {
    if (key === 'masks') pushMasks(acc, side, i, hasMasks ? image.masks : undefined, n, `${where}.masks`);
    else if (key === 'keypoints') pushKeypoints(acc, side, i, image.keypoints, n, `${where}.keypoints`);
    else pushPerBoxField(acc, side, i, image, key, n, where, boxesOptional);
  }
}

function pushMasks(acc, side, i, masks, n, fw) {
  const col = acc.columns.get(`${side}_masks`);
  if (masks === undefined) {
    col.push(null, n);
    return;
  }
  acc.present.add(`${side}_masks`);
  const m = readMasks(masks, n, fw);
  if (m) {
    const size = [m.shape[1], m.shape[2]];
    if (acc.maskSize && (acc.maskSize[0] !== size[0] || acc.maskSize[1] !== size[1])) {
      throw new Error(
        `${fw} are ${size[0]} x ${size[1]} but ${acc.maskWhere} are ${acc.maskSize[0]} x ${acc.maskSize[1]}; ` +
          'one update takes masks of one size (update once per image size)',
      );
    }
    acc.maskSize = size;
    acc.maskWhere = `${SIDES[side]}[${i}].masks`;
  }
  col.push(m, n);
}

function pushKeypoints(acc, side, i, keypoints, n, fw) {
  const t = keypoints === undefined ? null : readKeypoints(keypoints, n, fw);
  if (keypoints !== undefined) acc.present.add(`${side}_keypoints`);
  if (t) {
    const first = acc.columns
      .get('pred_keypoints')
      .parts.concat(acc.columns.get('target_keypoints').parts)
      .find((p) => p.t);
    if (first && first.t.shape[1] !== t.shape[1]) {
      throw new Error(`${fw} has ${t.shape[1]} keypoints per object but ${acc.keypointsWhere} has ${first.t.shape[1]}`);
    }
    if (!first) acc.keypointsWhere = `${SIDES[side]}[${i}].keypoints`;
  }
  acc.columns.get(`${side}_keypoints`).push(t, n);
}

// boxes, scores, iscrowd, area: boxes may be left out for masks (iou_type 'segm'); scores are
// required where the metric has them.
function pushPerBoxField(acc, side, i, image, key, n, where, boxesOptional) {
  const col = acc.columns.get(`${side}_${key}`);
  const fw = `${where}.${key}`;
  const required = key === 'scores' || (key === 'boxes' && !boxesOptional);
  const t = field(image, key, where, required);
  if (t === null) {
    col.push(null, key === 'boxes' ? 0 : n);
    return;
  }
  acc.present.add(`${side}_${key}`);
  if (key !== 'boxes') {
    const kind = key === 'iscrowd' ? 'int' : 'float';
    checkPerBox(t, n, fw, kind);
    if (key === 'scores' && !FLOAT_DTYPES.has(t.dtype))
      throw new TypeError(`${fw} must be float32 or float64 (or numbers), got ${t.dtype}`);
    checkValues(t, n, fw, kind);
    col.push(t, n);
    return;
  }
  // A flat typed array of 4N coordinates is N boxes (row-major [N, 4]).
  if (ArrayBuffer.isView(image.boxes) && t.shape.length === 1 && t.data.length === 4 * n) t.shape = [n, 4];
  const empty = t.data.length === 0 && t.shape.length <= 2;
  if (!empty && (t.shape.length !== 2 || t.shape[1] !== 4))
    throw new Error(`${fw} must have shape [N, 4], got [${t.shape.join(', ')}]`);
  const rows = empty ? 0 : t.shape[0];
  if (rows !== n && !(boxesOptional && rows === 0)) {
    throw new Error(`${fw} has ${rows} boxes but ${SIDES[side]}[${i}].labels has ${n} labels`);
  }
  if (!FLOAT_DTYPES.has(t.dtype)) throw new TypeError(`${fw} must be float32 or float64 (or numbers), got ${t.dtype}`);
  checkValues(t, rows, fw, 'boxes');
  col.push(t, rows);
}

// Boxes are all-or-nothing per side: some images with masks only would misalign them; so are masks and keypoints.
function checkAllOrNothing(acc, call) {
  for (const side of ['pred', 'target']) {
    for (const key of ['masks', 'keypoints']) {
      const col = acc.columns.get(`${side}_${key}`);
      if (!col || !acc.present.has(`${side}_${key}`)) continue;
      const i = col.parts.findIndex((p) => p.t === null && p.n > 0);
      if (i >= 0) throw new Error(`${call}: ${SIDES[side]}[${i}].${key} is missing while other images have ${key}`);
    }
    const col = acc.columns.get(`${side}_boxes`);
    const total = col.parts.reduce((s, p) => s + p.n, 0);
    const labels = acc.counts[side].reduce((s, c) => s + c, 0);
    if (total !== 0 && total !== labels) {
      const i = col.parts.findIndex((p, k) => p.n !== acc.counts[side][k]);
      throw new Error(
        `${call}: ${SIDES[side]}[${i}] has no boxes while other images have some; give boxes for every image or none (masks only)`,
      );
    }
  }
}

// An optional input is given when some image has it, or a later optional input is given
// (inputs are positional); images without it contribute zeros.
function givenInputs(wanted, present) {
  const give = new Array(wanted.length).fill(false);
  let later = false;
  for (let i = wanted.length - 1; i >= 0; i--) {
    const w = wanted[i];
    give[i] = !w.optional || later || present.has(`${w.side}_${w.key}`);
    later = later || (w.optional && give[i]);
  }
  return give;
}

/**
 * The flat inputs of a detection metric, in the order of its registry inputs, from TorchMetrics'
 * lists of per-image dicts. `inputs` is the registry's input list; `call` names the method in errors.
 */
export function flattenDetection(inputs, preds, target, call) {
  checkImageLists(preds, target, call);
  const acc = detectionColumns(inputs);
  for (const side of ['pred', 'target']) {
    const list = side === 'pred' ? preds : target;
    for (let i = 0; i < list.length; i++) readDetectionImage(acc, side, i, list[i], call);
  }
  checkAllOrNothing(acc, call);
  const give = givenInputs(acc.wanted, acc.present);
  for (const col of acc.columns.values()) col.maskSize = acc.maskSize;
  const out = [];
  for (let i = 0; i < acc.wanted.length && give[i]; i++) {
    const w = acc.wanted[i];
    if (w.key === 'counts') out.push({ data: Int32Array.from(acc.counts[w.side]), shape: [acc.counts[w.side].length] });
    else out.push(acc.columns.get(`${w.side}_${w.key}`).tensor());
  }
  return out;
}

/**
 * Base of the detection metrics' generated classes: update/forward take TorchMetrics' two lists
 * of per-image dicts (preds, target), or the flat inputs of the registry (7 or more arguments).
 */
export class DetectionMetric extends Metric {
  #flat(method, args) {
    if (args.length !== 2) return args;
    return flattenDetection(metricSpec(this.name).inputs, args[0], args[1], `${this.name}.${method}`);
  }

  update(...args) {
    return super.update(...this.#flat('update', args));
  }

  forward(...args) {
    return super.forward(...this.#flat('forward', args));
  }
}
