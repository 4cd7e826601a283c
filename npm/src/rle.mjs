// COCO run-length encoding on its own (pycocotools' mask API: encode, decode, area, toBbox, iou,
// frPyObjects + merge), for QA tools that need masks outside a metric. The engine does the work
// (src/wasmetrics/detection/rle_api.cpp, the code COCOSegmPolygons and MeanAveragePrecision use);
// a refused input throws a WasmetricsError naming the function and the argument. RLEs come out
// compressed, {size: [h, w], counts: string}, as pycocotools' encode returns them; compressed and
// uncompressed (counts a list of run lengths) RLEs are read.
import { wasmetricsError } from './errors.mjs';
import { getWasm } from './loader.mjs';
import { toInputTensor, withHeapBytes } from './tensor.mjs';

function refused(M) {
  const e = M.takeError();
  if (e !== null) throw wasmetricsError(e.code, e.message, e.metric, e.argument);
}

// An RLE as JSON can carry it: typed-array size / counts become plain lists.
const plain = (v) => (ArrayBuffer.isView(v) ? Array.from(v, Number) : v);
const plainRle = (r) =>
  r !== null && typeof r === 'object' && !Array.isArray(r) && 'counts' in r
    ? { ...r, size: plain(r.size), counts: plain(r.counts) }
    : r;

function jsonText(fn, value) {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (e) {
    throw wasmetricsError('E_INPUT', `${fn}: the arguments cannot be written as JSON (${e.message})`, fn);
  }
}

function call(fn, args) {
  const M = getWasm(`${fn}()`);
  const out = M.rleCall(fn, jsonText(fn, args));
  refused(M);
  return JSON.parse(out);
}

/** A binary mask ([h, w] nested arrays, or {data, shape: [h, w]}; nonzero = 1) as a compressed COCO RLE. */
export function rleEncode(mask) {
  let t;
  try {
    t = toInputTensor(mask, 'rleEncode: `mask`');
  } catch (e) {
    throw wasmetricsError('E_INPUT', e.message, 'rleEncode', 'mask');
  }
  if (t.heap || t.shape.length !== 2)
    throw wasmetricsError(
      'E_SHAPE',
      `rleEncode: \`mask\` must be a 2-D [height, width] array, got shape [${t.shape.join(', ')}]`,
      'rleEncode',
      'mask',
    );
  const [h, w] = t.shape;
  const bytes = new Uint8Array(t.data.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number(t.data[i]) !== 0 ? 1 : 0;
  const M = getWasm('rleEncode()');
  const out = withHeapBytes(M, bytes, (ptr) => M.rleEncode(ptr, h, w));
  refused(M);
  return JSON.parse(out);
}

/** A COCO RLE as {data: Uint8Array (row-major 0/1), shape: [h, w]}. */
export function rleDecode(rle) {
  const M = getWasm('rleDecode()');
  const data = M.rleDecode(jsonText('rleDecode', plainRle(rle)));
  refused(M);
  return { data, shape: [rle.size[0], rle.size[1]] };
}

/** Foreground pixels of a COCO RLE. */
export const rleArea = (rle) => call('rleArea', { rle: plainRle(rle) });

/** [x, y, width, height] of a COCO RLE's foreground (pycocotools' toBbox); zeros when empty. */
export const rleToBbox = (rle) => call('rleToBbox', { rle: plainRle(rle) });

/**
 * pycocotools' iou(dt, gt, iscrowd): [D][G] mask IoU of two lists of COCO RLEs of one size; a crowd
 * ground truth (iscrowd[j] truthy) gives intersection over the detection's area.
 */
export function rleIou(dt, gt, iscrowd = null) {
  if (!Array.isArray(dt) || !Array.isArray(gt))
    throw wasmetricsError('E_INPUT', 'rleIou: `dt` and `gt` must be lists of COCO RLEs', 'rleIou');
  return call('rleIou', {
    dt: dt.map(plainRle),
    gt: gt.map(plainRle),
    iscrowd: iscrowd === null ? null : Array.from(iscrowd, (v) => (v ? 1 : 0)),
  });
}

/**
 * COCO polygons ([[x0, y0, x1, y1, ...], ...], one object's parts) rasterised on a height x width
 * image exactly as pycocotools does (frPyObjects, then the parts merged as annToRLE does): one RLE.
 */
export function rleFrPoly(polygons, height, width) {
  for (const [name, v] of [
    ['height', height],
    ['width', width],
  ]) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw wasmetricsError(
        'E_INPUT',
        `rleFrPoly: \`${name}\` must be a positive integer, got ${v}`,
        'rleFrPoly',
        name,
      );
  }
  return call('rleFrPoly', { polygons, height, width });
}
