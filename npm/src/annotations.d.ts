// ---- Annotation files -> ratings matrix (npm/src/annotations.mjs; appended to index.d.ts by scripts/build.mjs) ----

/**
 * Thrown by the annotation readers for a malformed file. The message names the line (CSV, XML) or
 * the JSON record (`task[3] (id 17).annotations[1].result[0]`) and what is wrong; the same
 * places are given as fields.
 */
export declare class AnnotationFormatError extends Error {
  /** 1-based line of the file, where the format has lines (CSV, XML; JSON syntax errors). */
  readonly line?: number;
  /** The JSON record at fault (Label Studio). */
  readonly record?: string;
  /** The column, attribute or JSON field at fault. */
  readonly field?: string;
  /** The file at fault (the object-annotation importers: readYolo, readPascalVoc, readCvatImages). */
  readonly file?: string;
}

/**
 * A ratings matrix [items, annotators] ready for the agreement metrics:
 * `new KrippendorffAlpha().update(table.ratings)`, `new DawidSkene({numClasses: table.labels.length})`.
 */
export interface RatingTable {
  /** Item ids, in the order first met (rows). */
  items: string[];
  /** Annotators, in the order first met (columns; a wide table's column order). */
  annotators: string[];
  /**
   * The labels; class k is `labels[k]`. Given by the `labels` option, else: when every label is a
   * number, ascending by value (so ordinal/interval agreement sees the scale's order), otherwise
   * sorted by text.
   */
  labels: string[];
  /** Class indices into `labels`, NaN where an annotator did not rate an item. */
  ratings: { data: Float64Array; shape: [number, number] };
  /** The labels' numeric values (for interval/ratio alpha) when every label is a number, else null. */
  values: { data: Float64Array; shape: [number, number] } | null;
  /** Number of ratings read (cells that are not NaN). */
  count: number;
}

export interface RatingReaderOptions {
  /** The labels in class order; a label outside this list is an error naming where it appears. */
  labels?: string[];
}

export interface CsvRatingOptions extends RatingReaderOptions {
  /** Field delimiter; default: whichever of `,` tab `;` the header line holds most of. */
  delimiter?: string;
  /** Cell values (trimmed) that mean "not rated"; default `['']`. */
  missing?: string[];
}

export interface WideCsvOptions extends CsvRatingOptions {
  /** The item id column; default the first column. */
  itemColumn?: string;
  /** The annotator columns; default every column but the item column. */
  annotators?: string[];
}

export interface LongCsvOptions extends CsvRatingOptions {
  /** Default: the first of item, item_id, itemid, unit, unit_id, task, task_id, image, id (any case). */
  itemColumn?: string;
  /** Default: the first of annotator, annotator_id, rater, rater_id, coder, user, user_id, worker, worker_id. */
  annotatorColumn?: string;
  /** Default: the first of label, rating, class, category, answer, choice, value. */
  labelColumn?: string;
}

export interface LabelStudioOptions extends RatingReaderOptions {
  /** The classification control (`from_name`) to read; required when the export has several. */
  fromName?: string;
}

/** One row per item, one column per annotator (CSV/TSV); an empty cell is a missing rating. */
export declare function readWideCsv(text: string, options?: WideCsvOptions): RatingTable;

/** One rating per row: item, annotator, label columns in any order, found by header name. */
export declare function readLongCsv(text: string, options?: LongCsvOptions): RatingTable;

/**
 * A wide table as JSON: rows `{item, <annotator>: label}` (item key `itemKey`, default "item") or
 * arrays of labels (items and annotators named by index); null, "" or an absent key is missing.
 */
export declare function readWideJson(
  json: string | unknown[],
  options?: RatingReaderOptions & { itemKey?: string },
): RatingTable;

/**
 * A wide table as a NumPy .npy file: a 2-D numeric [items, annotators] array (f4 f8 i1 i2 i4 i8 u1
 * u2 u4 u8, little-endian, C or Fortran order); NaN or `missingValue` is missing; named by index.
 */
export declare function readWideNpy(
  bytes: ArrayBuffer | ArrayBufferView,
  options?: RatingReaderOptions & { missingValue?: number },
): RatingTable;

/**
 * Label Studio's JSON export: tasks are items (by `id`), `completed_by` the annotator (user id, or
 * the email when the export holds the user object), `choices` (or `rating`) results the labels.
 * Cancelled annotations are skipped. Takes the JSON text or the parsed value.
 */
export declare function readLabelStudio(json: string | unknown[], options?: LabelStudioOptions): RatingTable;

/**
 * CVAT for images 1.1 XML, one export per annotator: <image name> is the item, its <tag label> the
 * label; the annotator is <meta>'s assignee (else owner) username unless given with the file.
 */
export declare function readCvatXml(
  files: string | Array<string | { text: string; annotator?: string }>,
  options?: RatingReaderOptions,
): RatingTable;

export type RatingsFormat = 'wide' | 'long' | 'label-studio' | 'cvat' | 'wide-json' | 'npy';

/** The reader a file needs: bytes are .npy; text by its first characters (JSON: by its first record; CSV: by its header). */
export declare function detectRatingsFormat(file: string | ArrayBuffer | ArrayBufferView): RatingsFormat;

/** Any of the formats above, detected from the file unless `format` names it. */
export declare function readRatings(
  file: string | ArrayBuffer | ArrayBufferView,
  options?: WideCsvOptions &
    LongCsvOptions &
    LabelStudioOptions & { itemKey?: string; missingValue?: number; format?: RatingsFormat },
): RatingTable;
