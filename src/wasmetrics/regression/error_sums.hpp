#pragma once
// MeanSquaredError and MeanAbsoluteError share one update: TorchMetrics' shape rule (num_outputs
// == 1 flattens any shape; otherwise [N, num_outputs]), the weighted path, and the per-output sum
// of an elementwise error (the float kernels for one output, an xtensor reduction otherwise).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::regression {

enum class ErrorKind { squared, absolute };

// The two states, in this order: the per-output error sums (`sum_name`, float64 [num_outputs], sum)
// and `total` (int64 [], sum: the rows; float64 once a weighted batch is folded in, the sum of the
// weights, so it is read with count_at(total.var(s), 0)).
struct ErrorSumStates {
  StateSlot<double> sums;
  StateSlot<std::int64_t> total;
};
ErrorSumStates declare_error_sums(StateLayout& layout, std::string sum_name, std::int64_t num_outputs);

// Adds Σ err(preds - target) per output to the sums and the rows (or, weighted, the weights) to total.
void add_error_sums(std::string_view metric, const ErrorSumStates& states, State& s, std::span<const TensorView> in,
                    std::int64_t num_outputs, ErrorKind kind);

}  // namespace wasmetrics::regression
