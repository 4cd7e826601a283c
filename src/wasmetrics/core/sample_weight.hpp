#pragma once
// The optional `sample_weight` input of update(preds, target, sample_weight) (scikit-learn's rule):
// one finite weight >= 0 per row of `preds` (N = preds.shape[0]); a row of weight w counts w times
// in every count and sum, a row of weight 0 as if absent. -0.0 is a zero weight.
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {

inline InputSpec sample_weight_input() {
  return {"sample_weight", true,
          "[N] weights >= 0, one per row of preds (optional): a row counts w times, weight 0 drops it"};
}

// `inputs` followed by the optional sample_weight.
inline std::vector<InputSpec> with_sample_weight(std::vector<InputSpec> inputs) {
  inputs.push_back(sample_weight_input());
  return inputs;
}

// The weights of a batch of `rows` rows as doubles; throws (naming the value and its index) on a
// shape other than [rows] (E_SHAPE), a NaN or infinite weight (E_NON_FINITE), a negative one (E_INPUT).
inline std::vector<double> read_sample_weight(std::string_view metric, const TensorView& w, std::int64_t rows) {
  if (w.ndim() != 1 || w.shape[0] != rows)
    fail_as(ErrorCode::E_SHAPE, "sample_weight", metric, ": `sample_weight` must have shape [", rows,
            "] (one weight per row of `preds`), got shape ", shape_str(w.shape));
  std::vector<double> out = to_doubles(w);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out[i]))
      fail_as(ErrorCode::E_NON_FINITE, "sample_weight", metric, ": `sample_weight` holds ", out[i], " at index ", i,
              "; weights must be finite and >= 0");
    if (!(out[i] >= 0))
      fail_as(ErrorCode::E_INPUT, "sample_weight", metric, ": `sample_weight` holds ", out[i], " at index ", i,
              "; weights must be finite and >= 0");
  }
  return out;
}

// The sample_weight input when given (inputs[index]), else nullptr.
inline const TensorView* sample_weight_of(std::span<const TensorView> in, std::size_t index = 2) {
  return in.size() > index ? &in[index] : nullptr;
}

}  // namespace wasmetrics
