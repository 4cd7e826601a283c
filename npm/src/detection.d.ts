// ---- Detection inputs and COCO JSON (npm/src/detection.mjs, npm/src/coco.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** A COCO run-length encoded mask: compressed (`counts` a string) or uncompressed (run lengths). */
export interface CocoRle {
  /** [height, width]. */
  readonly size: readonly [number, number] | readonly number[];
  readonly counts: string | readonly number[];
}

/** A COCO polygon segmentation (one object's parts) with its image's [height, width], rasterised as pycocotools does. */
export interface CocoPolygonMask {
  readonly polygons: readonly (readonly number[])[];
  readonly size: readonly [number, number] | readonly number[];
}

/** An image's masks: a binary [N, H, W] tensor, or N COCO RLEs / polygon masks of one size. */
export type DetectionMasks = TensorInput | readonly (CocoRle | CocoPolygonMask)[];

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
  /** iouType 'keypoints' (MeanAveragePrecision): [N, K, 3] x, y, visibility (or COCO's flat [N, 3K]); boxes may then be left out (a detection's box is its keypoints' extent). */
  readonly keypoints?: TensorInput;
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
  /** iouType 'keypoints' (MeanAveragePrecision): [N, K, 3] (visibility 0: not labelled; an object without labelled keypoints is ignored); boxes are required. */
  readonly keypoints?: TensorInput;
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
  readonly target: {
    boxes: { data: Float64Array; shape: [number, 4] };
    labels: Int32Array;
    iscrowd: Uint8Array;
    area: Float64Array;
  }[];
  readonly boxFormat: 'xywh';
}

/**
 * Reads a COCO ground-truth file (images, annotations, categories) and a results file (array of
 * {image_id, category_id, bbox, score}). Throws an Error naming the entry and field for unknown
 * image or category ids, duplicate ids, malformed boxes, missing fields and non-finite numbers.
 */
export declare function readCoco(groundTruth: CocoJson, results: CocoJson): CocoDataset;

/**
 * The keys of COCOeval's 12 summary numbers in MeanAveragePrecision's result (bbox and segm, default
 * maxDetectionThresholds [1, 10, 100]), in pycocotools' summarize() order. (scripts/build.mjs writes
 * the tuple of src/coco-keys.mjs in place of string[].)
 */
export declare const COCO_SUMMARY_KEYS: readonly string[];
/** The keys of COCOeval's 10 keypoint summary numbers (iouType 'keypoints'), in summarize()'s order. */
export declare const COCO_KEYPOINT_SUMMARY_KEYS: readonly string[];

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
export declare function evaluateCoco(
  groundTruth: CocoJson,
  results: CocoJson,
  options?: EvaluateCocoOptions,
): CocoEvaluation;

// ---- Object-level errors: TIDE and the detection confusion matrix (npm/src/tide.mjs, npm/src/detection-confusion.mjs) ----

/** Per-image inputs of {@link tideErrors} and {@link detectionConfusionMatrix}: MeanAveragePrecision's. */
export interface DetectionObjectsOptions {
  /** Box layout of `boxes`: 'xyxy' (default), 'xywh' (COCO, readCoco's output) or 'cxcywh'. */
  boxFormat?: 'xyxy' | 'xywh' | 'cxcywh';
  /** 'bbox' (default): `boxes`; 'segm': `masks`, one COCO RLE or {polygons, size} per object (mask IoU by the engine: needs init()). */
  iouType?: 'bbox' | 'segm';
}

/** TIDE's error types: classification, localisation, both, duplicate, background, missed. */
export type TideErrorType = 'cls' | 'loc' | 'both' | 'dupe' | 'bkg' | 'miss';

export interface TideOptions extends DetectionObjectsOptions {
  /** Foreground IoU: a match needs IoU >= this (TIDE's pos_threshold). Default 0.5. */
  iouThreshold?: number;
  /** Background IoU: a detection overlapping no ground truth above this is `bkg`. Default 0.1. */
  backgroundThreshold?: number;
  /** Detections kept per image, highest scores first. Default 100. */
  maxDetections?: number;
}

export interface TideDetection {
  /** 'tp' matched; a TIDE error type otherwise; 'dropped' beyond maxDetections (not evaluated). */
  readonly type: 'tp' | Exclude<TideErrorType, 'miss'> | 'dropped';
  /** Matched a crowd region: not a false positive for AP (tidecv still gives it an error type). */
  readonly ignored: boolean;
  /** Index in target[i] of the matched ground truth (tp) or the one the error refers to (cls, loc, dupe); -1 otherwise. */
  readonly gt: number;
  /** Best IoU with a same-class (non-crowd) ground truth. */
  readonly iou: number;
}

export interface TideGroundTruth {
  /** 'tp' matched; 'miss' missed; 'fixable' unmatched but claimed by a cls/loc error; 'ignored' crowd. */
  readonly type: 'tp' | 'miss' | 'fixable' | 'ignored';
  /** Index in preds[i] of the matching detection, -1 if none. */
  readonly pred: number;
}

export interface TideResult {
  /** TIDE's mAP at iouThreshold (101-point, mean over classes), a fraction (tidecv prints x100); NaN without any class. */
  readonly ap: number;
  /** Number of errors of each type. */
  readonly counts: Readonly<Record<TideErrorType, number>>;
  /** AP gained by fixing only the errors of each type (>= 0, as tidecv), a fraction. */
  readonly dAP: Readonly<Record<TideErrorType, number>>;
  /** tidecv's special errors: AP gained with every false positive scored below every true positive; with every missed ground truth removed. */
  readonly dAPSpecial: { readonly falsePositive: number; readonly falseNegative: number };
  /** Per image, per input detection (input order). */
  readonly preds: TideDetection[][];
  /** Per image, per input ground truth (input order). */
  readonly target: TideGroundTruth[][];
}

/**
 * TIDE's error breakdown (Bolya et al. 2020, the tidecv package's rules) of detections against
 * ground truth, by box or mask IoU. Throws a WasmetricsError (E_INPUT, E_SHAPE, E_OPTION) naming the field.
 */
export declare function tideErrors(
  preds: readonly DetectionPrediction[],
  target: readonly DetectionTarget[],
  options?: TideOptions,
): TideResult;

export interface DetectionConfusionMatrixOptions extends DetectionObjectsOptions {
  /** Pairs need IoU > this. Default 0.45 (ultralytics). */
  iouThreshold?: number;
  /** Detections need score > this. Default 0.25 (ultralytics). */
  scoreThreshold?: number;
  /** Row/column order of the class labels; default the sorted labels seen. Another label throws (E_LABEL_RANGE). */
  classes?: readonly number[];
  /** null: counts; 'true': each column sums to 1 (YOLO's plot); 'pred': each row; 'all': the whole matrix. */
  normalize?: null | 'true' | 'pred' | 'all';
}

export interface DetectionConfusionMatrix {
  /** The C class labels, in row/column order. */
  readonly classes: number[];
  /** [C + 1][C + 1]: rows predicted class, columns true class; the last row and column are background. */
  readonly matrix: number[][];
  /** The counts (matrix before normalisation). */
  readonly counts: number[][];
  readonly normalize: null | 'true' | 'pred' | 'all';
  /** Per image, per detection: matched ground truth (-1 none) and its cell; row -1 below scoreThreshold. */
  readonly preds: { readonly gt: number; readonly row: number; readonly col: number }[][];
  /** Per image, per ground truth: matching detection (-1 none) and its cell. */
  readonly target: { readonly pred: number; readonly row: number; readonly col: number }[][];
}

/** The detection confusion matrix YOLO-family tools print, at a chosen IoU and score threshold. */
export declare function detectionConfusionMatrix(
  preds: readonly DetectionPrediction[],
  target: readonly DetectionTarget[],
  options?: DetectionConfusionMatrixOptions,
): DetectionConfusionMatrix;

// ---- COCO RLE functions (npm/src/rle.mjs; pycocotools' mask API, run by the engine) ----

/** A compressed COCO RLE as pycocotools' encode returns it. */
export interface CompressedCocoRle {
  readonly size: [number, number];
  readonly counts: string;
}

/** A binary [height, width] mask (nonzero = 1) as a compressed COCO RLE. Needs init(). */
export declare function rleEncode(mask: TensorInput): CompressedCocoRle;
/** A COCO RLE (compressed or not) as a row-major [height, width] 0/1 mask. */
export declare function rleDecode(rle: CocoRle): { data: Uint8Array; shape: [number, number] };
/** Foreground pixels of a COCO RLE. */
export declare function rleArea(rle: CocoRle): number;
/** [x, y, width, height] of a COCO RLE's foreground (pycocotools' toBbox); zeros when empty. */
export declare function rleToBbox(rle: CocoRle): [number, number, number, number];
/** [D][G] mask IoU (pycocotools' iou); a crowd ground truth gives intersection over the detection's area. RLEs must share one size. */
export declare function rleIou(
  dt: readonly CocoRle[],
  gt: readonly CocoRle[],
  iscrowd?: readonly (number | boolean)[] | null,
): number[][];
/** COCO polygons (one object's parts, [[x0, y0, x1, y1, ...], ...]) rasterised as pycocotools does, parts merged: one RLE. */
export declare function rleFrPoly(
  polygons: readonly (readonly number[])[],
  height: number,
  width: number,
): CompressedCocoRle;
