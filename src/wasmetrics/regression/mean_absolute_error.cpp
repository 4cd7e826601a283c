// MeanAbsoluteError: states sum_abs_error [num_outputs] and total, as TorchMetrics
// (regression/mae.py). num_outputs == 1 flattens any shape; otherwise rows are [N, num_outputs].
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"
#include "wasmetrics/regression/error_sums.hpp"

namespace wasmetrics {
namespace {

class MeanAbsoluteError final : public Metric {
 public:
  explicit MeanAbsoluteError(Options o) : Metric(std::move(o)), num_outputs_(options().get_int("num_outputs")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    regression::add_error_sums(name(), states_, s, in, num_outputs_, regression::ErrorKind::absolute);
  }

  Result compute_state(const State& s) const override {
    auto sae = states_.sums.span(s);
    const double n = count_at(states_.total.var(s), 0);
    Tensor out;
    out.shape = {num_outputs_};
    for (double v : sae) out.data.push_back(v / n);
    return Result::squeezed(std::move(out));
  }

 private:
  std::int64_t num_outputs_;
  regression::ErrorSumStates states_ = regression::declare_error_sums(state_layout(), "sum_abs_error", num_outputs_);
};

}  // namespace

WASMETRICS_COLD MetricSpec mean_absolute_error_spec() {
  return {
      .name = "MeanAbsoluteError",
      .family = "regression",
      .doc = "Mean absolute error, accumulated over all batches.",
      .inputs = {{"preds", false, "predictions, any shape ([N, num_outputs] when num_outputs > 1)"},
                 {"target", false, "targets, same shape"},
                 sample_weight_input()},
      .options =
          {
              regression::num_outputs_option(", each scored separately"),
          },
      .make = [](const Options& o) { return std::make_unique<MeanAbsoluteError>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MeanAbsoluteError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MeanAbsoluteError(num_outputs=3)", "args": {"num_outputs": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 3], "data": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]}, "target": {"dtype": "float32", "shape": [2, 3], "data": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}}], "expected": {"shape": [3], "data": [1, 2, 3]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
