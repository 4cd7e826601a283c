#pragma once
// MeanSquaredError and MeanAbsoluteError share one update: TorchMetrics' shape rule (num_outputs
// == 1 flattens any shape; otherwise [N, num_outputs]), the weighted path, and the per-output sum
// of an elementwise error (the float kernels for one output, an xtensor reduction otherwise).
#include <cstdint>
#include <span>
#include <string_view>

#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::regression {

enum class ErrorKind { squared, absolute };

// Adds Σ err(preds - target) per output to s[sum_state] ([num_outputs] float64) and the rows (or,
// weighted, the weights) to s["total"].
void add_error_sums(std::string_view metric, State& s, std::span<const TensorView> in, std::int64_t num_outputs,
                    ErrorKind kind, const char* sum_state);

}  // namespace wasmetrics::regression
