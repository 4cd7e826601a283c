// The names of COCOeval's summary numbers as MeanAveragePrecision returns them, in summarize()'s
// order: the one list the package, its result types (scripts/result-types.mjs), the demo page, the
// bench and the tests take them from. No imports: build scripts load this file directly.

/** The 12 bbox/segm stats (default max detections 1, 10, 100): AP, AP50, AP75, AP S/M/L, AR@1/10/100, AR S/M/L. */
export const COCO_SUMMARY_KEYS = Object.freeze([
  'map',
  'map_50',
  'map_75',
  'map_small',
  'map_medium',
  'map_large',
  'mar_1',
  'mar_10',
  'mar_100',
  'mar_small',
  'mar_medium',
  'mar_large',
]);

/** The 10 keypoint stats (iouType 'keypoints'): AP, AP50, AP75, AP M/L, AR, AR50, AR75, AR M/L. */
export const COCO_KEYPOINT_SUMMARY_KEYS = Object.freeze([
  'map',
  'map_50',
  'map_75',
  'map_medium',
  'map_large',
  'mar',
  'mar_50',
  'mar_75',
  'mar_medium',
  'mar_large',
]);
