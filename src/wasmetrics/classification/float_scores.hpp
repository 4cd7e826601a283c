#pragma once
// Float-score inputs of the metrics that read probabilities themselves rather than thresholded
// labels: calibration error, hinge loss (binary, multiclass) and the multilabel ranking metrics.
// Each function validates one batch (shapes, float preds, V4, V2, then V3 or V1), applies
// TorchMetrics' ignore_index handling and logits rule for that family, and returns the scores as
// doubles holding exactly the values TorchMetrics computes in the preds' dtype (float32 results
// are rounded to float32).
#include <cstdint>
#include <vector>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::classification {

// Binary (calibration, hinge): entries whose target is ignore_index are dropped first; the logits
// test (sigmoid iff a kept value lies outside [0, 1]) looks at the kept entries only (C4).
struct BinaryScores {
  std::vector<double> p;        // kept entries, flattened
  std::vector<std::uint8_t> t;  // 0 / 1
  bool f32 = true;              // preds were float32 (values are float32 numbers)
};
BinaryScores binary_scores(const InputFormat& f, const TensorView& preds, const TensorView& target);

// Multiclass (calibration, hinge): preds [N, C, ...] float, target [N, ...]; rows are the
// positions (n, ...) in TorchMetrics' movedim(1, -1).reshape(-1, C) order; rows whose target is
// ignore_index are dropped first; softmax over C iff a kept value lies outside [0, 1].
struct ClassScores {
  std::int64_t rows = 0, C = 0;
  std::vector<double> p;        // [rows, C]
  std::vector<std::int32_t> t;  // [rows], in [0, C)
  bool f32 = true;
};
ClassScores multiclass_scores(const InputFormat& f, const TensorView& preds, const TensorView& target);

// Multilabel (ranking): preds and target [N, L, ...]; the logits test looks at the whole tensor;
// rows are the positions (n, ...); an ignored entry gets pred = target = -4L as TorchMetrics'
// _multilabel_confusion_matrix_format writes them (t = kIgnored here).
struct LabelScores {
  static constexpr std::uint8_t kIgnored = 2;
  std::int64_t rows = 0, L = 0;
  std::vector<double> p;        // [rows, L]
  std::vector<std::uint8_t> t;  // [rows, L]: 0, 1 or kIgnored
  bool f32 = true;
};
LabelScores multilabel_scores(const InputFormat& f, const TensorView& preds, const TensorView& target);

// The InputFormat of these metrics from their validated options (num_classes / num_labels,
// ignore_index, validate_args); checks num_classes/num_labels >= 2.
InputFormat score_format(const Options& o, Task task, LogitsTest test);
// The (preds, target) inputs of a binary or multiclass metric that squashes scores.
std::vector<InputSpec> score_inputs(Task task);

// sigmoid / softmax as TorchMetrics computes them in the preds' dtype.
double sigmoid_as(double x, bool f32);
void softmax_row_as(double* row, std::int64_t C, bool f32);

// torch.linspace(0, 1, n_bins + 1) in float32 or float64 (CPU kernel: the first half counted up
// from 0, the second half down from 1).
std::vector<double> unit_linspace(std::int64_t n_bins, bool f32);

}  // namespace wasmetrics::classification
