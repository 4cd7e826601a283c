#pragma once
// best_thresholds: the per-class (per-label) decision threshold that maximises F1 / F-beta or
// Youden's J, or the best recall (precision) at a given precision (recall), read off the
// accumulated curve state of a binary or multilabel curve metric in one pass over its points.
//
// The threshold is returned ready to feed back as the `threshold` option of the stat-score
// metrics, which predict `preds > threshold` (strict) while curve points count `score >= t`:
//   exact curves:  halfway (in the scores' precision: float32, or float64 for a float64 state)
//                  between the deciding score and the next lower distinct score, so
//                  `preds > threshold` reproduces the reported counts on the data seen;
//   binned curves: the largest float32 below the bin threshold t (`preds > it` == `preds >= t`).
// Candidates whose threshold would fall below 0 are skipped; "predict nothing" (threshold 1) is
// the fallback when no point beats it (or none meets the required precision / recall).
#include <vector>

#include "wasmetrics/classification/curve.hpp"
#include "wasmetrics/core/options.hpp"

namespace wasmetrics::classification {

enum class ThresholdCriterion { f_beta, youden, min_precision, min_recall };

struct ThresholdChoice {
  ThresholdCriterion criterion = ThresholdCriterion::f_beta;
  double beta = 1.0;     // f_beta
  double minimum = 0.0;  // min_precision / min_recall
};

struct BestThreshold {
  double threshold = 1.0;
  double value = 0;  // the criterion: F-beta, J, recall (min_precision) or precision (min_recall)
  double precision = 0, recall = 0, specificity = 0;  // at the threshold; 0 where undefined
};

// The query's option schema and its parsing.
std::vector<OptionSpec> best_thresholds_options();
ThresholdChoice threshold_choice_from_options(const Options& args);

// `given_thr`: the binned thresholds in the given order (CurveFormat::thresholds); unused when exact.
BestThreshold best_threshold(const ClassCurve& curve, const std::vector<float>& given_thr,
                             const ThresholdChoice& choice);

}  // namespace wasmetrics::classification
