// ---- Segmentation label masks (npm/src/masks.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** PNG file bytes as Node (Buffer) and browsers (ArrayBuffer from File.arrayBuffer()) give them. */
export type PngBytes = ArrayBuffer | ArrayBufferView;

/** One [H, W] label map: a class id per pixel, row-major. */
export interface LabelMap {
  readonly data: Uint8Array | Uint16Array | Int32Array;
  /** [height, width]. */
  readonly shape: readonly [number, number];
  readonly name?: string;
}

/** A decoded PNG label mask. */
export interface DecodedMask extends LabelMap {
  /** Uint16Array for 16-bit PNGs, Uint8Array otherwise (1/2/4-bit samples are unpacked). */
  readonly data: Uint8Array | Uint16Array;
  readonly shape: [number, number];
  readonly name: string;
  /** The PNG's bit depth: 1, 2, 4, 8 or 16. */
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  /** 'palette': `data` holds palette indices (VOC/Cityscapes); 'grey': the grey values. */
  readonly colorType: 'grey' | 'palette';
  /** The palette's [r, g, b] colours, for palette PNGs only. */
  readonly palette?: [number, number, number][];
}

/**
 * Decodes a PNG label mask: greyscale (1/2/4/8/16-bit) gives the grey values, a palette PNG its
 * palette indices (never colours). Throws an Error naming `name` for bytes that are not a PNG, a
 * corrupt PNG, and RGB/RGBA/grey+alpha PNGs (a label mask must be greyscale or palette).
 */
export declare function decodeMask(bytes: PngBytes, options?: { name?: string }): DecodedMask;

/**
 * Stacks [H, W] label maps of one size into an [N, H, W] tensor, copying each once; the element
 * type is the widest of the inputs (uint8 < uint16 < int32). Throws if the sizes differ.
 */
export declare function stackMasks(masks: readonly LabelMap[]): {
  data: Uint8Array | Uint16Array | Int32Array;
  shape: [number, number, number];
};

/** A mask as evaluateMasks() takes it: PNG bytes, a File/Blob, or a decoded label map. */
export type MaskSource = PngBytes | { arrayBuffer(): Promise<ArrayBuffer> } | LabelMap;

/** One image: its predicted and reference masks. `name` (e.g. the file name) is used in errors and results. */
export interface MaskPair {
  name?: string;
  pred: MaskSource;
  target: MaskSource;
}

export interface EvaluateMasksOptions<M extends Record<string, Metric> = Record<string, Metric>> {
  /** Number of classes C; labels must lie in [0, C) or equal ignoreIndex. */
  numClasses: number;
  /** Reference label whose pixels are left out of every count (e.g. 255, void). Default null. */
  ignoreIndex?: number | null;
  /** false drops class 0 from the classes and every mean. Default true. */
  includeBackground?: boolean;
  /** Display names by class id. */
  classNames?: readonly string[];
  /** Images per [N, H, W] batch (images of one size are batched together). Default 16. */
  batchSize?: number;
  /** Called after each pair is read and checked. */
  onProgress?: (progress: { done: number; name: string }) => void;
  /**
   * More metrics (created by the caller with inputFormat 'index', e.g. DiceScore) updated with
   * every batch; their compute() results come back under the same keys. The caller disposes them.
   */
  metrics?: M;
}

export interface ClassIoU {
  id: number;
  /** classNames[id], or the id as text. */
  name: string;
  /** IoU of intersections and unions summed over all images (Cityscapes/VOC); 0 if the class never occurs. */
  iouDataset: number;
  /** Mean over images of the class's IoU per image, an image without the class scoring 0 (TorchMetrics' MeanIoU). */
  iouSample: number;
  /** Reference pixels of the class (void pixels excluded). */
  targetPixels: number;
  /** Predicted pixels of the class, on non-void pixels. */
  predPixels: number;
  /** Whether the class occurs in any reference or prediction (non-void pixels). */
  present: boolean;
}

export interface ImageIoU {
  name: string;
  /** Position in the input order. */
  index: number;
  width: number;
  height: number;
  /** This image's mean IoU over the classes it has in reference or prediction (NaN if every pixel is void). */
  meanIoU: number;
}

export interface MaskReport<M extends Record<string, Metric> = Record<string, Metric>> {
  numImages: number;
  numClasses: number;
  ignoreIndex: number | null;
  /** One entry per evaluated class (class 0 left out with includeBackground false). */
  classes: ClassIoU[];
  meanIoU: {
    /** Mean of the per-class dataset IoU over the classes that occur (Cityscapes/VOC "mIoU"). */
    dataset: number;
    /** TorchMetrics' MeanIoU: the mean over images of each image's class-mean IoU (absent classes score 0). */
    sample: number;
  };
  /** Every image, worst mean IoU first (NaN last). */
  images: ImageIoU[];
  /** compute() of each metric passed in options.metrics. */
  metrics: { [K in keyof M]: MetricResult };
}

/**
 * Evaluates predicted label masks against reference masks with the MeanIoU metric (call init()
 * first). Masks of one size are stacked into [N, H, W] batches. Rejects with an Error naming the
 * file for an unreadable or RGB PNG, a size mismatch (both sizes given), and a label >= numClasses
 * that is not ignoreIndex (the value and pixel given).
 */
export declare function evaluateMasks<M extends Record<string, Metric> = Record<string, Metric>>(
  pairs: Iterable<MaskPair> | AsyncIterable<MaskPair>,
  options: EvaluateMasksOptions<M>,
): Promise<MaskReport<M>>;
