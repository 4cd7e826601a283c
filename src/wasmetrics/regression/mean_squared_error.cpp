// MeanSquaredError: states sum_squared_error [num_outputs] and total, as TorchMetrics
// (regression/mse.py). RMSE (squared=false) is the root of the accumulated mean, never a mean
// of per-batch roots.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"
#include "wasmetrics/regression/error_sums.hpp"

namespace wasmetrics {
namespace {

class MeanSquaredError final : public Metric {
 public:
  explicit MeanSquaredError(Options o)
      : Metric(std::move(o)), squared_(options().get_bool("squared")), num_outputs_(options().get_int("num_outputs")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    regression::add_error_sums(name(), states_, s, in, num_outputs_, regression::ErrorKind::squared);
  }

  Result compute_state(const State& s) const override {
    auto sse = states_.sums.span(s);
    const double n = count_at(states_.total.var(s), 0);
    Tensor out;
    out.shape = {num_outputs_};
    for (double v : sse) out.data.push_back(squared_ ? v / n : std::sqrt(v / n));
    return Result::squeezed(std::move(out));
  }

 private:
  bool squared_;
  std::int64_t num_outputs_;
  regression::ErrorSumStates states_ =
      regression::declare_error_sums(state_layout(), "sum_squared_error", num_outputs_);
};

}  // namespace

WASMETRICS_COLD MetricSpec mean_squared_error_spec() {
  return {
      .name = "MeanSquaredError",
      .family = "regression",
      .doc = "Mean squared error (or its root with squared=false), accumulated over all batches.",
      .inputs = {{"preds", false, "predictions, [N] or [N, num_outputs]"},
                 {"target", false, "targets, same shape"},
                 sample_weight_input()},
      .options =
          {
              {.name = "squared",
               .type = OptionType::boolean,
               .default_value = true,
               .doc = "true: MSE; false: RMSE (root of the accumulated mean)"},
              regression::num_outputs_option(", each scored separately"),
          },
      .make = [](const Options& o) { return std::make_unique<MeanSquaredError>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MeanSquaredError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [3.0, 5.0, 2.5, 7.0]}, "target": {"dtype": "float32", "shape": [4], "data": [2.5, 5.0, 4.0, 8.0]}}], "expected": {"shape": [], "data": [0.875]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MeanSquaredError(num_outputs=3)", "args": {"num_outputs": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 3], "data": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]}, "target": {"dtype": "float32", "shape": [2, 3], "data": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}}], "expected": {"shape": [3], "data": [1, 4, 9]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
