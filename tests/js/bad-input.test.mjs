// The bad-input matrix (issue 9, part 1), through the npm API, for every family. Each row is one
// hostile input: it must be a JS Error whose message names the argument and the value, and the
// metric must be left as it was — checked by updating a good batch, then the bad one, and comparing
// compute() with a metric that only saw the good batch (for update() and for forward()). Rows
// TorchMetrics accepts (empty batches, NaN in regression inputs) are in ACCEPTED with the QUIRKS.md
// rule that decides them.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';

const wasmetrics = await importPackage();

const f32 = (a, shape) => ({ data: Float32Array.from(a), shape: shape ?? [a.length] });
const i32 = (a, shape) => ({ data: Int32Array.from(a), shape: shape ?? [a.length] });
const boxes = (a) => f32(a, [a.length / 4, 4]);
const bool = (a) => ({ data: Uint8Array.from(a), dtype: 'bool', shape: [a.length] });
const i64 = (a) => ({ data: BigInt64Array.from(a, BigInt), shape: [a.length] });

// Per metric: its options, one good batch, bad batches and bad options. `expect` holds the
// patterns the message must match: the argument's name and the offending value.
const TABLE = [
  {
    family: 'regression',
    metric: 'MeanSquaredError',
    options: {},
    good: [f32([1, 2, 3]), f32([1.5, 2, 2])],
    badInputs: [
      ['wrong rank', [f32([1, 2, 3, 4], [2, 2]), f32([1, 2, 3, 4])], [/preds/, /\[2, 2\]/, /\[4\]/]],
      ['mismatched shapes', [f32([1, 2, 3]), f32([1, 2])], [/preds/, /\[3\]/, /\[2\]/]],
      ['missing input', [f32([1, 2])], [/preds, target/]],
      [
        'strings',
        [
          ['a', 'b'],
          [1, 2],
        ],
        [/`preds`/, /string a/],
      ],
      [
        'ragged nesting',
        [
          [[1, 2], [3]],
          [
            [1, 2],
            [3, 4],
          ],
        ],
        [/`preds`/, /ragged/],
      ],
      ['data/shape disagree', [{ data: [1, 2, 3], shape: [2] }, [1, 2]], [/`preds`/, /3 elements/, /\[2\]/]],
      ['BigUint64Array', [new BigUint64Array(2), f32([1, 2])], [/`preds`/, /BigUint64Array/]],
    ],
    badOptions: [
      ['unknown option', { squard: true }, [/'squard'/]],
      ['option of wrong type', { squared: 'yes' }, [/'squared'/, /yes/]],
      ['numOutputs 0', { numOutputs: 0 }, [/numOutputs/, /\b0\b/]],
      ['numOutputs 2.5', { numOutputs: 2.5 }, [/numOutputs/, /2\.5/]],
      ['numOutputs 2^31', { numOutputs: 2 ** 31 }, [/num_?outputs/i, /2147483648/]],
      ['numOutputs NaN', { numOutputs: NaN }, [/numOutputs/, /NaN/]],
      ['options not an object', 'squared', [/options/, /squared/]],
    ],
  },
  {
    family: 'regression',
    metric: 'PearsonCorrCoef',
    options: { numOutputs: 2 },
    good: [f32([1, 2, 3, 4, 5, 6], [3, 2]), f32([1, 3, 2, 5, 4, 7], [3, 2])],
    badInputs: [
      ['wrong number of outputs', [f32([1, 2, 3], [3, 1]), f32([1, 2, 3], [3, 1])], [/preds/, /\[3, 1\]/]],
      [
        'wrong rank',
        [f32([1, 2, 3, 4, 5, 6], [1, 3, 2]), f32([1, 2, 3, 4, 5, 6], [1, 3, 2])],
        [/preds/, /\[1, 3, 2\]/],
      ],
    ],
    badOptions: [
      ['numOutputs 2^31', { numOutputs: 2 ** 31 }, [/num_?outputs/i, /2147483648/]],
      ['numOutputs string', { numOutputs: '2' }, [/numOutputs/, /"2"/]],
    ],
  },
  {
    family: 'aggregation',
    metric: 'MeanMetric',
    options: { nanStrategy: 'error' },
    good: [f32([1, 2, 4])],
    badInputs: [
      ['NaN value with nanStrategy error', [f32([1, NaN, 3])], [/value/, /nan/i]],
      ['NaN weight with nanStrategy error', [f32([1, 2, 3]), f32([1, NaN, 1])], [/weight/, /nan/i]],
      ['weight of wrong shape', [f32([1, 2, 3]), f32([1, 2])], [/`weight`/, /\[2\]/, /\[3\]/]],
      ['boolean and number mixed', [[1, true]], [/`value`/, /mixes/]],
    ],
    badOptions: [
      ['unknown nanStrategy', { nanStrategy: 'bogus' }, [/nanStrategy/, /bogus/]],
      ['nanStrategy of wrong type', { nanStrategy: true }, [/nanStrategy/, /true/]],
      ['unknown option', { nan_strateg: 'error' }, [/'nan_strateg'/]],
    ],
  },
  {
    family: 'aggregation',
    metric: 'RunningMean',
    options: { window: 3 },
    good: [f32([1, 2, 4])],
    badInputs: [['value of strings', [['x']], [/`value`/, /string x/]]],
    badOptions: [
      ['window 0', { window: 0 }, [/window/, /\b0\b/]],
      ['window 2^31 as a string', { window: '2147483648' }, [/window/, /2147483648/]],
    ],
  },
  {
    family: 'binary',
    metric: 'BinaryAccuracy',
    options: {},
    good: [f32([0.1, 0.8, 0.6, 0.3]), i32([0, 1, 0, 1])],
    badInputs: [
      [
        'wrong rank',
        [f32([0.1, 0.8, 0.6, 0.3], [2, 2]), i32([0, 1, 0, 1])],
        [/[Pp]redictions|preds/, /\[2, 2\]/, /\[4\]/],
      ],
      ['mismatched shapes', [f32([0.1, 0.8, 0.6]), i32([0, 1, 0, 1])], [/preds|[Pp]redictions/, /\[3\]/, /\[4\]/]],
      ['non-integral float target', [f32([0.1, 0.8]), f32([0.5, 1])], [/`target`/, /0\.5/]],
      ['NaN target', [f32([0.1, 0.8]), f32([NaN, 1])], [/`target`/, /NaN/]],
      ['Infinity target', [f32([0.1, 0.8]), f32([Infinity, 1])], [/`target`/, /Infinity/]],
      ['NaN preds', [f32([NaN, 0.8]), i32([0, 1])], [/`preds`/, /NaN/]],
      ['+Infinity preds', [f32([0.1, Infinity]), i32([0, 1])], [/`preds`/, /Infinity/]],
      ['-Infinity preds', [f32([-Infinity, 0.8]), i32([0, 1])], [/`preds`/, /-Infinity/]],
      ['target 2', [f32([0.1, 0.8]), i32([2, 1])], [/`target`/, /value 2\b/]],
      ['target -1 (no ignoreIndex)', [f32([0.1, 0.8]), i32([-1, 1])], [/`target`/, /value -1\b/]],
      ['too many inputs', [f32([0.1]), i32([1]), f32([1]), i32([1])], [/preds, target, sample_weight/]],
      ['negative sample_weight', [f32([0.1, 0.8]), i32([0, 1]), f32([1, -2])], [/`sample_weight`/, /-2/]],
    ],
    badOptions: [
      ['threshold 1.5', { threshold: 1.5 }, [/threshold/, /1\.5/]],
      ['threshold -0.1', { threshold: -0.1 }, [/threshold/, /-0\.1/]],
      ['threshold as a string', { threshold: '0.5' }, [/threshold/, /"0\.5"/]],
      ['threshold Infinity', { threshold: Infinity }, [/threshold/, /Infinity/]],
      ['unknown option', { treshold: 0.5 }, [/'treshold'/]],
      ['ignoreIndex of wrong type', { ignoreIndex: 'none' }, [/ignoreIndex/, /none/]],
      ['multidimAverage unknown', { multidimAverage: 'bogus' }, [/multidimAverage/, /bogus/]],
    ],
  },
  {
    family: 'binary',
    metric: 'BinaryAveragePrecision',
    options: {},
    good: [f32([0.1, 0.8, 0.6, 0.3]), i32([0, 1, 0, 1])],
    badInputs: [
      ['int preds where scores are needed', [i32([0, 1, 1, 0]), i32([0, 1, 0, 1])], [/`preds`/, /int32/]],
      ['NaN preds', [f32([NaN, 0.8]), i32([0, 1])], [/`preds`/, /NaN/]],
      ['non-integral float target', [f32([0.1, 0.8]), f32([0.25, 1])], [/`target`/, /0\.25/]],
    ],
    badOptions: [
      ['thresholds 1', { thresholds: 1 }, [/thresholds/, /\b1\b/]],
      ['thresholds 2.5', { thresholds: 2.5 }, [/thresholds/, /2\.5/]],
      ['threshold list outside [0,1]', { thresholds: [0.2, 1.5] }, [/thresholds/, /1\.5/]],
      ['maxStateBytes 0', { maxStateBytes: 0 }, [/maxStateBytes/, /\b0\b/]],
    ],
  },
  {
    family: 'multiclass',
    metric: 'MulticlassAccuracy',
    options: { numClasses: 3 },
    good: [f32([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.5, 0.3, 0.2], [4, 3]), i32([0, 1, 2, 1])],
    badInputs: [
      ['target label = numClasses', [f32([0.7, 0.2, 0.1], [1, 3]), i32([3])], [/`target`/, /found 3\b/]],
      ['target label -1 (not the ignoreIndex)', [f32([0.7, 0.2, 0.1], [1, 3]), i32([-1])], [/`target`/, /found -1\b/]],
      ['int preds label 5', [i32([0, 5]), i32([0, 1])], [/`preds`/, /found 5\b/]],
      [
        'preds with the wrong number of classes',
        [f32([0.1, 0.9, 0.2, 0.8], [2, 2]), i32([0, 1])],
        [/preds/, /\[2, 2\]/],
      ],
      ['non-integral float target', [i32([0, 1]), f32([1.5, 1])], [/`target`/, /1\.5/]],
      ['NaN preds', [f32([NaN, 0.9, 0], [1, 3]), i32([0])], [/`preds`/, /NaN/]],
      ['Infinity preds', [f32([Infinity, 0.9, 0], [1, 3]), i32([0])], [/`preds`/, /Infinity/]],
    ],
    badOptions: [
      ['numClasses 0', { numClasses: 0 }, [/num_?classes/i, /\b0\b/]],
      ['numClasses 1', { numClasses: 1 }, [/num_?classes/i, /\b1\b/]],
      ['numClasses 2^31', { numClasses: 2 ** 31 }, [/num_?classes/i, /2147483648/]],
      ['numClasses 2.5', { numClasses: 2.5 }, [/numClasses/, /2\.5/]],
      ['numClasses as a string', { numClasses: '3' }, [/numClasses/, /"3"/]],
      ['numClasses missing', {}, [/num_?classes/i, /required/]],
      ['topK > numClasses', { numClasses: 3, topK: 5 }, [/top_?k/i, /\b5\b/]],
      ['average unknown', { numClasses: 3, average: 'bogus' }, [/average/, /bogus/]],
    ],
  },
  {
    family: 'multiclass',
    metric: 'MulticlassAUROC',
    options: { numClasses: 3 },
    good: [f32([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.5, 0.3, 0.2], [4, 3]), i32([0, 1, 2, 1])],
    badInputs: [
      ['int preds where scores are needed', [i32([0, 1, 2], [1, 3]), i32([0])], [/`preds`/, /int32/]],
      ['target label = numClasses', [f32([0.7, 0.2, 0.1], [1, 3]), i32([3])], [/`target`/, /found 3\b/]],
      ['-Infinity preds', [f32([-Infinity, 0.9, 0], [1, 3]), i32([0])], [/`preds`/, /-Infinity/]],
    ],
    badOptions: [
      ['numClasses 2^31', { numClasses: 2 ** 31 }, [/num_?classes/i, /2147483648/]],
      ['thresholds 0', { numClasses: 3, thresholds: 0 }, [/thresholds/, /\b0\b/]],
    ],
  },
  {
    family: 'multilabel',
    metric: 'MultilabelAccuracy',
    options: { numLabels: 3 },
    good: [f32([0.1, 0.7, 0.9, 0.6, 0.2, 0.4], [2, 3]), i32([0, 1, 1, 1, 0, 0], [2, 3])],
    badInputs: [
      ['target 2', [f32([0.1, 0.2, 0.9], [1, 3]), i32([0, 2, 1], [1, 3])], [/`target`/, /value 2\b/]],
      [
        'wrong number of labels',
        [f32([0.1, 0.2], [1, 2]), i32([0, 1], [1, 2])],
        [/number of labels/, /\b2\b/, /\b3\b/],
      ],
      ['NaN preds', [f32([0.1, NaN, 0.9], [1, 3]), i32([0, 1, 1], [1, 3])], [/`preds`/, /NaN/]],
      ['non-integral float target', [f32([0.1, 0.2, 0.9], [1, 3]), f32([0, 0.5, 1], [1, 3])], [/`target`/, /0\.5/]],
    ],
    badOptions: [
      [
        'per-label thresholds of the wrong length',
        { numLabels: 3, threshold: [0.5, 0.5] },
        [/threshold/, /expected 3/, /got 2/],
      ],
      ['per-label threshold outside [0,1]', { numLabels: 3, threshold: [0.5, 1.5, 0.5] }, [/threshold/, /1\.5/]],
      ['numLabels 0', { numLabels: 0 }, [/num_?labels/i, /\b0\b/]],
      ['numLabels 2^31', { numLabels: 2 ** 31 }, [/num_?labels/i, /2147483648/]],
    ],
  },
  {
    family: 'segmentation',
    metric: 'MeanIoU',
    options: { numClasses: 3, inputFormat: 'index' },
    good: [i32([0, 1, 2, 1], [1, 2, 2]), i32([0, 1, 2, 2], [1, 2, 2])],
    badInputs: [
      [
        'preds label = numClasses',
        [i32([0, 1, 2, 3], [1, 2, 2]), i32([0, 1, 2, 2], [1, 2, 2])],
        [/`preds`/, /label 3\b/],
      ],
      ['target label -1', [i32([0, 1, 2, 1], [1, 2, 2]), i32([0, 1, 2, -1], [1, 2, 2])], [/`target`/, /label -1\b/]],
      [
        'float preds in index format',
        [f32([0, 1, 2, 0.5], [1, 2, 2]), i32([0, 1, 2, 2], [1, 2, 2])],
        [/`preds`/, /float32/],
      ],
      ['NaN preds', [f32([0, 1, NaN, 0], [1, 2, 2]), i32([0, 1, 2, 2], [1, 2, 2])], [/`preds`/, /float32/]],
      [
        'mismatched shapes',
        [i32([0, 1, 2, 1], [1, 2, 2]), i32([0, 1, 2, 2], [1, 4])],
        [/`preds`/, /\[1, 2, 2\]/, /\[1, 4\]/],
      ],
    ],
    badOptions: [
      ['numClasses 0', { numClasses: 0 }, [/numClasses/, /\b0\b/]],
      ['numClasses 2^31', { numClasses: 2 ** 31 }, [/numClasses/, /2147483648/]],
      ['inputFormat unknown', { numClasses: 3, inputFormat: 'rgb' }, [/inputFormat/, /rgb/]],
    ],
  },
  {
    family: 'segmentation',
    metric: 'GeneralizedDiceScore',
    options: { numClasses: 3, inputFormat: 'index' },
    good: [i32([0, 1, 2, 1], [1, 2, 2]), i32([0, 1, 2, 2], [1, 2, 2])],
    badInputs: [
      ['preds label 7', [i32([0, 1, 2, 7], [1, 2, 2]), i32([0, 1, 2, 2], [1, 2, 2])], [/`preds`/, /label 7\b/]],
    ],
    badOptions: [['numClasses 2^31', { numClasses: 2 ** 31 }, [/numClasses/, /2147483648/]]],
  },
  {
    family: 'detection',
    metric: 'IntersectionOverUnion',
    options: {},
    good: [boxes([0, 0, 10, 10]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
    badInputs: [
      [
        'boxes of wrong rank',
        [f32([0, 0, 10, 10]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_boxes`/, /\[4\]/],
      ],
      [
        'boxes of 3 coordinates',
        [f32([0, 0, 10], [1, 3]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_boxes`/, /\[1, 3\]/],
      ],
      [
        'counts not adding up',
        [boxes([0, 0, 10, 10]), i32([0]), i32([2]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_counts`/, /got 2\b/],
      ],
      [
        'negative count',
        [boxes([0, 0, 10, 10]), i32([0]), i32([-1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_counts`/, /-1/],
      ],
      [
        'NaN coordinate',
        [boxes([0, NaN, 10, 10]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_boxes`/, /nan/i],
      ],
      [
        'Infinity coordinate',
        [boxes([0, 0, 10, 10]), i32([0]), i32([1]), boxes([1, 1, Infinity, 10]), i32([0]), i32([1])],
        [/`target_boxes`/, /inf/i],
      ],
      [
        'float labels',
        [boxes([0, 0, 10, 10]), f32([0.5]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_labels`/, /float32/],
      ],
    ],
    badOptions: [
      ['boxFormat unknown', { boxFormat: 'abc' }, [/boxFormat/, /abc/]],
      ['iouThreshold of wrong type', { iouThreshold: 'half' }, [/iouThreshold/, /half/]],
    ],
  },
  {
    family: 'detection',
    metric: 'MeanAveragePrecision',
    options: {},
    good: [boxes([0, 0, 10, 10]), f32([0.9]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
    badInputs: [
      [
        'NaN score',
        [boxes([0, 0, 10, 10]), f32([NaN]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/`pred_scores`/, /nan/i],
      ],
      [
        'scores of the wrong length',
        [boxes([0, 0, 10, 10]), f32([0.9, 0.8]), i32([0]), i32([1]), boxes([1, 1, 10, 10]), i32([0]), i32([1])],
        [/pred_scores/, /\b2\b|\[2\]/],
      ],
    ],
    badOptions: [
      ['iouType unknown', { iouType: 'polygon' }, [/iouType/, /polygon/]],
      ['unknown option', { iou_thresh: [0.5] }, [/'iou_thresh'/]],
    ],
  },
  {
    family: 'retrieval',
    metric: 'RetrievalPrecision',
    options: {},
    good: [f32([0.9, 0.2, 0.5]), bool([1, 0, 1]), i64([0, 0, 1])],
    badInputs: [
      ['int32 query ids', [f32([0.9]), bool([1]), i32([0])], [/`indexes`/, /int64/, /int32/]],
      ['NaN score', [f32([0.9, NaN]), bool([1, 0]), i64([0, 0])], [/`preds`/, /NaN/]],
      ['non-binary target', [f32([0.9]), i32([2]), i64([0])], [/`target`/, /got 2\b/]],
      [
        'mismatched lengths',
        [f32([0.9, 0.1]), bool([1, 0, 1]), i64([0, 0, 0])],
        [/`indexes`, `preds` and `target`/, /\[2\]/, /\[3\]/],
      ],
      ['empty batch (TorchMetrics refuses it too)', [f32([]), bool([]), i64([])], [/non-empty/, /0 rows/]],
    ],
    badOptions: [
      ['topK 0', { topK: 0 }, [/topK/, /got 0/]],
      ['aggregation unknown', { aggregation: 'sum' }, [/aggregation/, /sum/]],
    ],
  },
];

// Accepted on purpose (TorchMetrics accepts them; QUIRKS.md decides): an empty batch changes
// nothing; NaN in regression inputs propagates (R4); an ignoreIndex label is not out of range.
const ACCEPTED = [
  ['empty batch (regression)', 'MeanSquaredError', {}, [f32([]), f32([])], 'unchanged'],
  [
    'zero-length output dim (regression)',
    'PearsonCorrCoef',
    { numOutputs: 2 },
    [f32([], [0, 2]), f32([], [0, 2])],
    'unchanged',
  ],
  ['empty batch (aggregation)', 'MeanMetric', {}, [f32([])], 'unchanged'],
  ['empty batch (binary)', 'BinaryAccuracy', {}, [f32([]), i32([])], 'unchanged'],
  ['empty batch (binary curve)', 'BinaryAveragePrecision', {}, [f32([]), i32([])], 'unchanged'],
  ['empty batch (multiclass)', 'MulticlassAccuracy', { numClasses: 3 }, [i32([]), i32([])], 'unchanged'],
  [
    'zero-length extra dim (multiclass)',
    'MulticlassAccuracy',
    { numClasses: 3 },
    [f32([], [2, 3, 0]), i32([], [2, 0])],
    'unchanged',
  ],
  ['empty batch (multilabel)', 'MultilabelAccuracy', { numLabels: 3 }, [f32([], [0, 3]), i32([], [0, 3])], 'unchanged'],
  [
    'empty batch (segmentation)',
    'MeanIoU',
    { numClasses: 3, inputFormat: 'index' },
    [i32([], [0, 2, 2]), i32([], [0, 2, 2])],
    'unchanged',
  ],
  [
    'empty batch (detection)',
    'IntersectionOverUnion',
    {},
    [boxes([]), i32([]), i32([]), boxes([]), i32([]), i32([])],
    'unchanged',
  ],
  ['NaN preds in regression (R4)', 'MeanSquaredError', {}, [f32([NaN]), f32([1])], 'nan'],
  ['ignoreIndex -1 in binary target', 'BinaryAccuracy', { ignoreIndex: -1 }, [f32([0.9]), i32([-1])], 'unchanged'],
  [
    'ignoreIndex 255 in a label map',
    'MeanIoU',
    { numClasses: 3, inputFormat: 'index', ignoreIndex: 255 },
    [i32([255], [1, 1, 1]), i32([255], [1, 1, 1])],
    'defined',
  ],
];

// The good batch of a metric from TABLE, for ACCEPTED rows (same metric and options family).
function goodBatch(metric) {
  return TABLE.find((r) => r.metric === metric).good;
}

/** compute() as a value, or the error it raised (compared by message). */
function outcome(m) {
  try {
    return { value: m.compute() };
  } catch (e) {
    return { error: e.message };
  }
}

function messageCheck(patterns, what) {
  return (e) => {
    assert.ok(e instanceof Error, `${what}: threw ${String(e)}, not an Error`);
    for (const p of patterns) assert.match(e.message, p, `${what}: the message should name the argument and the value`);
    return true;
  };
}

{
  await wasmetrics.init();
  const label = wasmetrics.simd() ? 'simd' : 'plain';

  for (const row of TABLE) {
    const make = (options = row.options) => wasmetrics.createMetric(row.metric, options);
    const goodOnly = () => {
      const m = make();
      try {
        m.update(...row.good);
        return outcome(m);
      } finally {
        m.dispose();
      }
    };

    for (const [what, inputs, patterns] of row.badInputs) {
      test(`${label} ${row.family} ${row.metric}: ${what} is an Error naming it; state unchanged`, () => {
        const expected = goodOnly();
        for (const method of ['update', 'forward']) {
          const m = make();
          try {
            m.update(...row.good);
            const bytes = m.stateBytes;
            assert.throws(() => m[method](...inputs), messageCheck(patterns, `${row.metric}.${method} with ${what}`));
            assert.equal(m.stateBytes, bytes, `${method}: state size changed after a rejected batch`);
            assert.deepStrictEqual(
              outcome(m),
              expected,
              `${method}: compute() after a rejected batch differs from good-only`,
            );
          } finally {
            m.dispose();
          }
        }
      });
    }

    for (const [what, options, patterns] of row.badOptions) {
      test(`${label} ${row.family} ${row.metric}: option ${what} is an Error naming it`, () => {
        assert.throws(() => make(options).dispose(), messageCheck(patterns, `new ${row.metric}(${what})`));
      });
    }
  }

  for (const [what, metric, options, batch, kind] of ACCEPTED) {
    test(`${label} accepted on purpose: ${what}`, () => {
      const ref = wasmetrics.createMetric(metric, options);
      const m = wasmetrics.createMetric(metric, options);
      try {
        const good = goodBatch(metric);
        ref.update(...good);
        m.update(...good);
        m.update(...batch);
        const got = outcome(m);
        if (kind === 'unchanged') assert.deepStrictEqual(got, outcome(ref));
        else if (kind === 'nan')
          assert.ok(Number.isNaN(got.value), `expected NaN to propagate, got ${JSON.stringify(got)}`);
        else assert.ok(!('error' in got), `expected a value, got ${got.error}`);
      } finally {
        ref.dispose();
        m.dispose();
      }
    });
  }

  test(`${label} the module keeps working after every rejection above`, () => {
    const m = wasmetrics.createMetric('MeanSquaredError');
    m.update([1, 2, 3], [1, 2, 5]);
    assert.equal(m.compute(), 4 / 3);
    m.dispose();
  });
}
