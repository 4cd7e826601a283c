#pragma once
// Turning the nominal metrics' `preds`/`target` into class indices, as TorchMetrics'
// functional/nominal/*._update do: a 2-D [N, C] input is reduced with argmax(1) (a NaN counts as
// the largest value, as torch.argmax), then NaN positions are replaced (nan_strategy="replace",
// nan_replace_value) or dropped together with the other vector's entry ("drop"), then values are
// cast to int64 toward zero (Tensor.to(torch.long)).
#include <cstdint>
#include <string>
#include <vector>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::nominal {

struct NanHandling {
  bool drop = false;
  double replace_value = 0.0;

  // Validates nan_strategy / nan_replace_value as TorchMetrics' _nominal_input_validation.
  static NanHandling from(const std::string& metric, const Options& o);
};

// The paired class indices of one batch: target[i], preds[i], every index in [0, num_classes).
struct LabelPairs {
  std::vector<std::int64_t> target, preds;
};

LabelPairs read_label_pairs(const std::string& metric, const TensorView& preds, const TensorView& target,
                            std::int64_t num_classes, const NanHandling& nan);

// The nan_strategy / nan_replace_value option specs.
std::vector<OptionSpec> nan_options();

}  // namespace wasmetrics::nominal
