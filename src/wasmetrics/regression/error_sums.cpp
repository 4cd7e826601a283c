#include "wasmetrics/regression/error_sums.hpp"

#include <cmath>
#include <utility>

#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>

#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/core/state_tensor.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/kernels/regression_sums.hpp"
#include "wasmetrics/regression/common.hpp"
#include "wasmetrics/regression/weighted_sums.hpp"

namespace wasmetrics::regression {

ErrorSumStates declare_error_sums(StateLayout& layout, std::string sum_name, std::int64_t num_outputs) {
  ErrorSumStates out;
  out.sums = layout.add<double>(std::move(sum_name), Reduction::sum, {num_outputs});
  out.total = layout.add<std::int64_t>("total", Reduction::sum, {});
  return out;
}

namespace {

// The paths besides the kernel's, each out of line: a WebAssembly engine compiles a function whole
// on its first call (V8's lazy compilation), so a first update() compiles only the path it takes.

// weighted: sum w·err and the total weight (every element of a row weighs the row's weight)
[[gnu::noinline]] void add_weighted_error_sums(std::string_view metric, const ErrorSumStates& states, State& s,
                                               const TensorView& preds, const TensorView& target, const TensorView& w,
                                               std::int64_t num_outputs, bool squared) {
  promote_counts_to_float64(s);  // total: the sum of the weights (core/weighted_state.hpp)
  auto err = [squared](double d) { return squared ? d * d : std::fabs(d); };
  // total is float64 now: its slot is typed int64 as declared, so it is reached through its StateVar
  add_weighted_errors(metric, preds, target, w, num_outputs, states.sums.span(s), states.total.var(s).as<double>()[0],
                      err);
}

// Anything but one output over float buffers: an xtensor reduction over rows, in row order per output.
[[gnu::noinline]] void add_row_error_sums(const ErrorSumStates& states, State& s, const TensorView& preds,
                                          const TensorView& target, std::size_t k, bool squared) {
  visit_rows_pair(preds, target, k, [&](const auto& P, const auto& T) {
    const auto diff = xt::cast<double>(P) - xt::cast<double>(T);
    const xt::xtensor<double, 1> per_output = squared ? xt::xtensor<double, 1>(xt::sum(xt::square(diff), {0}))
                                                      : xt::xtensor<double, 1>(xt::sum(xt::abs(diff), {0}));
    states.sums.tensor(s) += per_output;
  });
}

}  // namespace

void add_error_sums(std::string_view metric, const ErrorSumStates& states, State& s, std::span<const TensorView> in,
                    std::int64_t num_outputs, ErrorKind kind) {
  const TensorView& preds = in[0];
  const TensorView& target = in[1];
  require_same_shape(metric, "preds", preds, "target", target);
  // num_outputs == 1 flattens any shape (preds.view(-1)); more outputs take [N, num_outputs] only
  const std::int64_t rows = num_outputs > 1 ? rows_for_outputs(metric, preds, num_outputs) : preds.numel();
  const bool squared = kind == ErrorKind::squared;
  if (const TensorView* w = sample_weight_of(in)) {
    add_weighted_error_sums(metric, states, s, preds, target, *w, num_outputs, squared);
    return;
  }
  auto sums = states.sums.span(s);
  const auto k = static_cast<std::size_t>(num_outputs);
  // One output over float buffers is the hot path (bench W5): the SIMD kernels, several accumulators.
  const bool kernel = k == 1 && with_float_buffers(preds, target, [&](const auto* p, const auto* t, std::size_t n) {
                        sums[0] += squared ? kernels::sum_squared_diff(p, t, n) : kernels::sum_abs_diff(p, t, n);
                      });
  if (!kernel) add_row_error_sums(states, s, preds, target, k, squared);
  states.total.value(s) += rows;
}

}  // namespace wasmetrics::regression
