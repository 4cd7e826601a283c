// COCO JSON (a ground-truth file + a detector's results file) to TorchMetrics' per-image dicts,
// checked the way pycocotools' COCO()/loadRes() and COCOeval read them, naming what is wrong.
// Boxes only here; `segmentation` fields are not read. Polygons, RLE and keypoints from COCO JSON
// are read by the COCOSegmPolygons, COCOKeypoints and COCOMatches metrics (JSON text inputs).
import { MeanAveragePrecision } from 'wasmetrics:metrics';

class CocoError extends Error {}

function parseJson(value, what) {
  let v = value;
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    v = new TextDecoder('utf-8').decode(bytes);
  }
  if (typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch (e) {
      throw new CocoError(`${what} is not valid JSON: ${e.message}`);
    }
  }
  if (v === null || typeof v !== 'object') {
    throw new CocoError(
      `${what} must be COCO JSON (a string, bytes or the parsed object), got ${v === null ? 'null' : typeof v}`,
    );
  }
  return v;
}

const show = (v) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

function requireId(obj, key, where) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    throw new CocoError(`${where} must be an object, got ${show(obj)}`);
  if (!Object.hasOwn(obj, key)) throw new CocoError(`${where}.${key} is missing`);
  const v = obj[key];
  if (!Number.isSafeInteger(v)) throw new CocoError(`${where}.${key} must be an integer, got ${show(v)}`);
  return v;
}

function requireBbox(obj, where) {
  if (!Object.hasOwn(obj, 'bbox'))
    throw new CocoError(`${where}.bbox is missing (only bbox evaluation is supported from COCO JSON)`);
  const b = obj.bbox;
  if (!Array.isArray(b) || b.length !== 4 || !b.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new CocoError(`${where}.bbox must be [x, y, width, height] of 4 finite numbers, got ${show(b)}`);
  }
  if (b[2] < 0 || b[3] < 0) throw new CocoError(`${where}.bbox has a negative width or height: ${show(b)}`);
  return b;
}

function knownList(map) {
  const ids = [...map.keys()];
  return ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, ... (${ids.length} in all)` : ids.join(', ');
}

// Where each annotation goes when they are grouped by image (`slots[j]`: annotation j's image),
// keeping file order within an image: its position, and each image's [offsets[k], offsets[k + 1]).
// `position` is null when the file lists the annotations by image already (results files usually do).
function imageOrder(slots, images) {
  const offsets = new Int32Array(images + 1);
  let sorted = true;
  for (let j = 0; j < slots.length; j++) {
    offsets[slots[j] + 1]++;
    if (j > 0 && slots[j] < slots[j - 1]) sorted = false;
  }
  for (let k = 0; k < images; k++) offsets[k + 1] += offsets[k];
  if (sorted) return { offsets, position: null };
  const next = offsets.slice(0, images);
  const position = new Int32Array(slots.length);
  for (let j = 0; j < slots.length; j++) position[j] = next[slots[j]]++;
  return { offsets, position };
}

// Rows of `width` values of `values` (file order) moved to their `position`s (image order).
function placeRows(values, width, position) {
  if (position === null) return values;
  const out = new values.constructor(values.length);
  for (let j = 0; j < position.length; j++) {
    const to = position[j] * width;
    for (let c = 0; c < width; c++) out[to + c] = values[j * width + c];
  }
  return out;
}

// The two parsed files' top-level shapes: a ground-truth object with the three arrays, a results array.
function checkTopLevel(gt, res) {
  if (Array.isArray(gt))
    throw new CocoError(
      'readCoco: the ground truth must be an object with images, annotations and categories; got an array (is it a results file?)',
    );
  for (const key of ['images', 'annotations', 'categories']) {
    if (!Array.isArray(gt[key]))
      throw new CocoError(
        `readCoco: the ground truth has no \`${key}\` array${gt[key] === undefined ? '' : ` (got ${show(gt[key])})`}`,
      );
  }
  if (!Array.isArray(res)) {
    throw new CocoError(
      'readCoco: the results must be an array of {image_id, category_id, bbox, score}' +
        `${res && Array.isArray(res.annotations) ? ' (got a ground-truth-like object)' : ''}`,
    );
  }
}

// The ground truth's images (id -> index in the file) and categories (id -> {id, name, index}).
function readImagesAndCategories(gt) {
  const images = new Map();
  gt.images.forEach((img, i) => {
    const id = requireId(img, 'id', `readCoco: ground truth images[${i}]`);
    if (images.has(id))
      throw new CocoError(
        `readCoco: ground truth images[${i}].id ${id} is a duplicate (also images[${images.get(id)}])`,
      );
    images.set(id, i);
  });
  const categories = new Map();
  gt.categories.forEach((cat, i) => {
    const id = requireId(cat, 'id', `readCoco: ground truth categories[${i}]`);
    if (categories.has(id)) throw new CocoError(`readCoco: ground truth categories[${i}].id ${id} is a duplicate`);
    categories.set(id, { id, name: typeof cat.name === 'string' ? cat.name : String(id), index: i });
  });
  return { images, categories };
}

// The ground-truth annotations, in file order, as flat columns (`slot`: each one's image slot).
function readGroundTruthAnnotations(annotations, { images, categories, slot }) {
  const count = annotations.length;
  const out = {
    slot: new Int32Array(count),
    boxes: new Float64Array(count * 4),
    labels: new Int32Array(count),
    iscrowd: new Uint8Array(count),
    area: new Float64Array(count),
  };
  const annIds = new Map();
  for (let j = 0; j < count; j++) {
    const a = annotations[j];
    const where = `readCoco: ground truth annotations[${j}]`;
    const id = requireId(a, 'id', where);
    if (annIds.has(id)) throw new CocoError(`${where}.id ${id} is a duplicate (also annotations[${annIds.get(id)}])`);
    annIds.set(id, j);
    const imageId = requireId(a, 'image_id', where);
    if (!images.has(imageId)) throw new CocoError(`${where}.image_id ${imageId} is not in images`);
    const categoryId = requireId(a, 'category_id', where);
    if (!categories.has(categoryId))
      throw new CocoError(`${where}.category_id ${categoryId} is not in categories (known: ${knownList(categories)})`);
    const bbox = requireBbox(a, where);
    let crowd = 0;
    if (a.iscrowd !== undefined) {
      if (a.iscrowd !== 0 && a.iscrowd !== 1 && typeof a.iscrowd !== 'boolean')
        throw new CocoError(`${where}.iscrowd must be 0 or 1, got ${show(a.iscrowd)}`);
      crowd = Number(a.iscrowd);
    }
    let area = 0; // 0: the box area is used (the engine's rule for a missing area)
    if (a.area !== undefined) {
      if (typeof a.area !== 'number' || !Number.isFinite(a.area) || a.area < 0)
        throw new CocoError(`${where}.area must be a finite number >= 0, got ${show(a.area)}`);
      area = a.area;
    }
    out.slot[j] = slot.get(imageId);
    out.boxes.set(bbox, j * 4);
    out.labels[j] = categoryId;
    out.iscrowd[j] = crowd;
    out.area[j] = area;
  }
  return out;
}

// The results (detections), in file order, as flat columns (`slot`: each one's image slot).
function readResults(res, { images, categories, slot }) {
  const count = res.length;
  const out = {
    slot: new Int32Array(count),
    boxes: new Float64Array(count * 4),
    scores: new Float64Array(count),
    labels: new Int32Array(count),
  };
  for (let j = 0; j < count; j++) {
    const r = res[j];
    const where = `readCoco: results[${j}]`;
    const imageId = requireId(r, 'image_id', where);
    if (!images.has(imageId)) throw new CocoError(`${where}.image_id ${imageId} is not an image of the ground truth`);
    const categoryId = requireId(r, 'category_id', where);
    if (!categories.has(categoryId))
      throw new CocoError(
        `${where}.category_id ${categoryId} is not a category of the ground truth (known: ${knownList(categories)})`,
      );
    const bbox = requireBbox(r, where);
    if (!Object.hasOwn(r, 'score')) throw new CocoError(`${where}.score is missing`);
    if (typeof r.score !== 'number' || !Number.isFinite(r.score))
      throw new CocoError(`${where}.score must be a finite number, got ${show(r.score)}`);
    out.slot[j] = slot.get(imageId);
    out.boxes.set(bbox, j * 4);
    out.labels[j] = categoryId;
    out.scores[j] = r.score;
  }
  return out;
}

// One dict per image slot from flat columns (`slot` plus fields of one value a row, boxes of 4):
// the rows grouped by image, each field a view of one buffer (boxes as an [n, 4] tensor).
function perImage(columns, images) {
  const { slot, ...fields } = columns;
  const at = imageOrder(slot, images);
  const placed = Object.entries(fields).map(([key, values]) => {
    const width = key === 'boxes' ? 4 : 1;
    return [key, width, placeRows(values, width, at.position)];
  });
  return Array.from({ length: images }, (_, k) => {
    const [from, to] = [at.offsets[k], at.offsets[k + 1]];
    return Object.fromEntries(
      placed.map(([key, width, values]) => {
        const part = values.subarray(from * width, to * width);
        return [key, width === 1 ? part : { data: part, shape: [to - from, width] }];
      }),
    );
  });
}

/**
 * Reads a COCO ground-truth file and a results file into TorchMetrics-style per-image dicts
 * (boxes in xywh), images in ascending id order as COCOeval takes them.
 */
export function readCoco(groundTruth, results) {
  const gt = parseJson(groundTruth, 'readCoco: the ground truth');
  const res = parseJson(results, 'readCoco: the results');
  checkTopLevel(gt, res);
  const { images, categories } = readImagesAndCategories(gt);
  const imageIds = [...images.keys()].sort((a, b) => a - b);
  const known = { images, categories, slot: new Map(imageIds.map((id, k) => [id, k])) };

  // Every annotation is read once, in file order, into flat typed arrays (no object per
  // annotation), then placed image by image (a stable counting sort on the image's slot): the
  // per-image dicts are views of one buffer per field, which update() takes without a copy.
  const target = perImage(readGroundTruthAnnotations(gt.annotations, known), imageIds.length);
  const preds = perImage(readResults(res, known), imageIds.length);
  return {
    imageIds,
    categories: [...categories.values()].sort((a, b) => a.id - b.id).map(({ id, name }) => ({ id, name })),
    preds,
    target,
    boxFormat: 'xywh',
  };
}

const asList = (v) => (typeof v === 'number' ? [v] : Array.from(v.data));

// np.linspace(start, stop, num) in float64 as numpy computes it (i * step + start, the last value
// exactly stop): COCOeval's Params thresholds. MeanAveragePrecision's defaults are TorchMetrics'
// torch.linspace float32 values instead, which move a match sitting on a threshold.
function numpyLinspace(start, stop, num) {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/** COCOeval's default IoU thresholds (.5:.05:.95) and recall thresholds (0:.01:1), float64. */
export const COCO_IOU_THRESHOLDS = Object.freeze(numpyLinspace(0.5, 0.95, 10));
export const COCO_REC_THRESHOLDS = Object.freeze(numpyLinspace(0, 1, 101));

/**
 * COCO bbox evaluation of a results file against a ground-truth file, with COCOeval's own float64
 * IoU and recall thresholds (np.linspace; MeanAveragePrecision keeps TorchMetrics' float32
 * torch.linspace ones): MeanAveragePrecision's result plus `perClass` [{id, name, map, mar}] for every
 * category that has ground truth or detections, and the counts read.
 */
export function evaluateCoco(groundTruth, results, options = {}) {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new TypeError('evaluateCoco: options must be an object');
  const { iouType = 'bbox', boxFormat, box_format: boxFormatSnake, ...rest } = options;
  if (iouType !== 'bbox') {
    throw new CocoError(
      `evaluateCoco: iouType ${show(iouType)} is not supported here (only 'bbox'); for polygons, RLE ` +
        "and keypoints in COCO JSON use the COCOSegmPolygons and COCOKeypoints metrics (COCOeval's own stats), " +
        'and COCOMatches for the per-object matching',
    );
  }
  if ((boxFormat ?? boxFormatSnake ?? 'xywh') !== 'xywh')
    throw new CocoError(
      `evaluateCoco: COCO boxes are xywh; boxFormat ${show(boxFormat ?? boxFormatSnake)} cannot apply`,
    );
  const coco = readCoco(groundTruth, results);
  // COCOeval's own thresholds unless the caller gives others (null or absent: COCOeval's).
  const iouThresholds = rest.iouThresholds ?? rest.iou_thresholds ?? [...COCO_IOU_THRESHOLDS];
  const recThresholds = rest.recThresholds ?? rest.rec_thresholds ?? [...COCO_REC_THRESHOLDS];
  delete rest.iou_thresholds;
  delete rest.rec_thresholds;
  const metric = new MeanAveragePrecision({
    classMetrics: true,
    ...rest,
    iouThresholds,
    recThresholds,
    boxFormat: 'xywh',
  });
  try {
    metric.update(coco.preds, coco.target);
    const value = metric.compute();
    const names = new Map(coco.categories.map((c) => [c.id, c.name]));
    const classes = asList(value.classes);
    const maxDet = Object.keys(value).find((k) => /^mar_\d+_per_class$/.test(k));
    const perClassAsked = (rest.classMetrics ?? rest.class_metrics ?? true) === true;
    const perClass =
      !perClassAsked || value.map_per_class === undefined
        ? []
        : classes.map((id, k) => ({
            id,
            name: names.get(id),
            map: asList(value.map_per_class)[k],
            mar: asList(value[maxDet])[k],
          }));
    return {
      ...value,
      perClass,
      images: coco.imageIds.length,
      annotations: coco.target.reduce((s, t) => s + t.labels.length, 0),
      detections: coco.preds.reduce((s, p) => s + p.labels.length, 0),
    };
  } finally {
    metric.dispose();
  }
}
