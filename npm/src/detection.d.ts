// ---- Detection inputs and COCO JSON (npm/src/detection.mjs, npm/src/coco.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** A COCO run-length encoded mask: compressed (`counts` a string) or uncompressed (run lengths). */
export interface CocoRle {
  /** [height, width]. */
  readonly size: readonly [number, number] | readonly number[];
  readonly counts: string | readonly number[];
}

/** An image's masks: a binary [N, H, W] tensor, or N COCO RLEs of one size. */
export type DetectionMasks = TensorInput | readonly CocoRle[];

/** One image's predictions, as TorchMetrics' `preds[i]` (N boxes; all per-box fields have length N). */
export interface DetectionPrediction {
  /** [N, 4] in the metric's boxFormat; may be left out with masks (iouType 'segm'). */
  readonly boxes?: TensorInput;
  /** [N] confidence scores (MeanAveragePrecision only). */
  readonly scores?: TensorInput;
  /** [N] integer class labels. */
  readonly labels: TensorInput;
  /** iouType 'segm': the predicted masks. */
  readonly masks?: DetectionMasks;
}

/** One image's ground truth, as TorchMetrics' `target[i]`. */
export interface DetectionTarget {
  /** [N, 4] in the metric's boxFormat; may be left out with masks (iouType 'segm'). */
  readonly boxes?: TensorInput;
  /** [N] integer class labels. */
  readonly labels: TensorInput;
  /** [N] crowd flags (MeanAveragePrecision); default 0. */
  readonly iscrowd?: TensorInput;
  /** [N] areas for the COCO area ranges (MeanAveragePrecision); default: box or mask area. */
  readonly area?: TensorInput;
  /** iouType 'segm': the ground-truth masks. */
  readonly masks?: DetectionMasks;
}

/** Base class of the detection metrics: update/forward also take lists of per-image dicts. */
export declare abstract class DetectionMetric extends Metric {}

/** A COCO RLE as a row-major [height, width] array of 0/1. Throws on a corrupt RLE. */
export declare function decodeRle(rle: CocoRle, where?: string): Uint8Array;

/** COCO JSON as given: the text, its bytes, or the parsed object. */
export type CocoJson = string | ArrayBuffer | ArrayBufferView | object;

/** readCoco's output: per-image dicts in ascending image id order, boxes in xywh. */
export interface CocoDataset {
  readonly imageIds: number[];
  readonly categories: { id: number; name: string }[];
  readonly preds: { boxes: { data: Float64Array; shape: [number, 4] }; scores: Float64Array; labels: Int32Array }[];
  readonly target: { boxes: { data: Float64Array; shape: [number, 4] }; labels: Int32Array; iscrowd: Uint8Array; area: Float64Array }[];
  readonly boxFormat: 'xywh';
}

/**
 * Reads a COCO ground-truth file (images, annotations, categories) and a results file (array of
 * {image_id, category_id, bbox, score}). Throws an Error naming the entry and field for unknown
 * image or category ids, duplicate ids, malformed boxes, missing fields and non-finite numbers.
 */
export declare function readCoco(groundTruth: CocoJson, results: CocoJson): CocoDataset;

/** Options of {@link evaluateCoco}: MeanAveragePrecision's, boxes being COCO's xywh. */
export interface EvaluateCocoOptions extends Omit<MeanAveragePrecisionOptions, 'boxFormat' | 'iouType'> {
  /** Only 'bbox' from COCO JSON (polygon segmentation is not rasterised). */
  iouType?: 'bbox';
}

export interface CocoEvaluation {
  readonly [name: string]: MetricResult | unknown;
  readonly map: number;
  readonly map_50: number;
  readonly map_75: number;
  /** Per category with ground truth or detections (classMetrics, on by default). */
  readonly perClass: { id: number; name: string; map: number; mar: number }[];
  readonly images: number;
  readonly annotations: number;
  readonly detections: number;
}

/** COCO bbox mAP (pycocotools' COCOeval numbers) of a results file against a ground-truth file. */
export declare function evaluateCoco(groundTruth: CocoJson, results: CocoJson, options?: EvaluateCocoOptions): CocoEvaluation;
