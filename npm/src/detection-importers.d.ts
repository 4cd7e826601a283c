// ---- Object annotations -> COCO (npm/src/detection-importers.mjs; appended to index.d.ts by scripts/build.mjs) ----

/** A file as the importers take it: its name (or path in a folder) and its text or bytes. */
export interface AnnotationFile {
  readonly name: string;
  /** The path inside a picked folder; used instead of `name` in messages and pairing. */
  readonly relativePath?: string;
  readonly text?: string;
  readonly bytes?: ArrayBuffer | ArrayBufferView;
}

/** One object of {@link CocoObjects}: COCO's annotation fields, plus what the source file said. */
export interface CocoObject {
  id: number;
  image_id: number;
  category_id: number;
  /** [x, y, width, height] in pixels. */
  bbox: [number, number, number, number] | number[];
  area: number;
  iscrowd: 0 | 1 | number;
  /** Polygons (YOLO segmentation lines, CVAT <polygon>): [[x0, y0, x1, y1, ...]]. */
  segmentation?: number[][];
  /** CVAT <points>: [x, y, 2, ...] (every point visible). */
  keypoints?: number[];
  num_keypoints?: number;
  /** A confidence from the file (YOLO's 6th value, a VOC <score>). */
  score?: number;
  /** VOC <difficult>1. */
  difficult?: 1;
  /** CVAT occluded="1". */
  occluded?: 1;
}

/**
 * A COCO ground-truth object, as instances_*.json holds it. Image and annotation ids are 1..n in
 * file order; category ids 1..C in the classes' order. Give it to readCoco / evaluateCoco, or as
 * `JSON.stringify(coco)` to COCOMatches, COCOSegmPolygons, COCOKeypoints.
 */
export interface CocoObjects {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: CocoObject[];
  categories: { id: number; name: string }[];
  /** Present (true) when some object carried a confidence. */
  scored?: true;
  /** CVAT shapes that are not read (polyline, ellipse, mask, cuboid, tag, ...): counts by element name. */
  skipped?: Record<string, number>;
}

/**
 * The image's {width, height} from its PNG or JPEG header (nothing is decoded); null for another
 * format. Throws on a PNG or JPEG cut short before its size.
 */
export declare function imageSize(
  bytes: ArrayBuffer | ArrayBufferView,
  name?: string,
): { width: number; height: number } | null;

/** A YOLO classes file's names: one a line (classes.txt, obj.names), or data.yaml's `names` (list or `0: name` block). */
export declare function readYoloClasses(text: string, file?: string): string[];

/**
 * YOLO txt labels (one file per image, `class cx cy w h` normalised to [0, 1]; a 6th value is a
 * confidence; `class x1 y1 x2 y2 ...` a polygon) into COCO. Label and image files pair by name
 * without extension; an image without a label file has no objects. Sizes come from the images'
 * headers, else from `imageSize`. Class k is category k + 1. Throws AnnotationFormatError naming
 * the file and line (`a.txt, line 3: class 7 is not in the classes file (2 classes: 0..1)`).
 */
export declare function readYolo(
  labels: readonly AnnotationFile[],
  options: {
    /** The class names, or a classes.txt / data.yaml text. */
    classes: readonly string[] | string;
    /** The images (PNG or JPEG bytes) whose headers give the sizes. */
    images?: readonly AnnotationFile[];
    /** The size of every image, when the images are not given. */
    imageSize?: { width: number; height: number };
  },
): CocoObjects;

/**
 * Pascal VOC XML files (one per image) into COCO; boxes as given (xmin, ymin, xmax - xmin, ymax -
 * ymin). Throws AnnotationFormatError naming the file, the <object> and the line.
 */
export declare function readPascalVoc(
  files: readonly AnnotationFile[],
  options?: {
    /** The category order (ids 1..C); an object of another class is then an error. Default: as met. */
    classes?: readonly string[];
    /** <difficult>1 objects become iscrowd 1 (ignored by the COCO matching, as VOC ignores them). */
    difficultAsCrowd?: boolean;
  },
): CocoObjects;

/**
 * "CVAT for images 1.1" XML exports into COCO: <box> as boxes, <polygon> as polygons, <points> as
 * keypoints; other shapes are counted in `skipped`. Categories: the export's labels in order.
 * Throws AnnotationFormatError naming the file, the image and the element's line.
 */
export declare function readCvatImages(
  files: AnnotationFile | readonly AnnotationFile[],
  options?: { classes?: readonly string[] },
): CocoObjects;

/**
 * A COCO object's annotations as a results list (image_id, category_id, score, bbox and any
 * segmentation / keypoints): the candidate side of a comparison. Missing scores become `score` (1).
 */
export declare function cocoResults(
  coco: { annotations: readonly Partial<CocoObject>[] },
  options?: { score?: number },
): {
  image_id: number;
  category_id: number;
  score: number;
  bbox?: number[];
  segmentation?: number[][];
  keypoints?: number[];
}[];
