// wasmetrics: TorchMetrics-grade metrics computed in WebAssembly.
// The per-metric classes come from 'wasmetrics:metrics', generated from the registry of the
// WebAssembly build by scripts/build.mjs; nothing here names a metric.
import { Metric } from './metric.mjs';
import { installOperators } from './compose.mjs';

export { init, memoryUsage, simd } from './loader.mjs';
export { Tensor } from './tensor.mjs';
export { WasmetricsError } from './errors.mjs';
export { allocInput, HeapInput } from './heap-input.mjs';
export { Metric, listMetrics } from './metric.mjs';
export { createMetric } from './create-metric.mjs';
export { decodeMask, stackMasks, evaluateMasks } from './masks.mjs';
export { readImage, imagePair } from './images.mjs';
export { readWav, audioPair } from './wav.mjs';
export { MediaFormatError } from './media-error.mjs';
export * from 'wasmetrics:metrics';
export { MetricCollection } from './collection.mjs';
export { CompositionalMetric } from './compose.mjs';
export { CustomMetric, defineMetric } from './custom.mjs';
export { BootStrapper, ClasswiseWrapper, MetricTracker, MinMaxMetric, MultitaskWrapper } from './wrappers.mjs';
export { SlicedMetric } from './sliced.mjs';
export { mcnemarTest, delongTest, pairedBootstrap } from './paired.mjs';
export { evaluateParallel } from './parallel.mjs';
export { serveParallelWorker } from './worker.mjs';
export { DetectionMetric, decodeRle } from './detection.mjs';
export { readCoco, evaluateCoco } from './coco.mjs';
export { COCO_SUMMARY_KEYS, COCO_KEYPOINT_SUMMARY_KEYS } from './coco-keys.mjs';
export { tideErrors } from './tide.mjs';
export { detectionConfusionMatrix } from './detection-confusion.mjs';
export { rleEncode, rleDecode, rleArea, rleToBbox, rleIou, rleFrPoly } from './rle.mjs';
export {
  readQrels,
  readRun,
  readTrecCsv,
  isTrecCsv,
  trecInputs,
  trecRanking,
  TrecFormatError,
  pairedTTest,
  pairedRandomizationTest,
} from './trec.mjs';
export { alignTranscripts } from './alignment.mjs';
export {
  readWideCsv,
  readLongCsv,
  readWideJson,
  readWideNpy,
  readLabelStudio,
  readCvatXml,
  readRatings,
  detectRatingsFormat,
  AnnotationFormatError,
} from './annotations.mjs';
export {
  readYolo,
  readYoloClasses,
  readPascalVoc,
  readCvatImages,
  cocoResults,
  imageSize,
} from './detection-importers.mjs';

// Every metric gets add, sub, mul, div, pow, abs, neg (and radd, rsub...): see compose.mjs.
installOperators(Metric);
