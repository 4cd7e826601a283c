// MeanSquaredLogError: mean of (log1p(preds) - log1p(target))² over all elements, as TorchMetrics
// (regression/log_mse.py). Values below -1 give NaN, which propagates.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class MeanSquaredLogError final : public Metric {
 public:
  using Metric::Metric;

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    double sum = 0;
    regression::for_each_pair(in[0], in[1], [&](std::size_t, double p, double t) {
      const double d = std::log1p(p) - std::log1p(t);
      sum += d * d;
    });
    sum_squared_log_error_.value(s) = sum;
    total_.value(s) = in[1].numel();
  }

  Result compute_state(const State& s) const override {
    return Result::scalar(sum_squared_log_error_.value(s) / count_at(total_.var(s), 0));
  }

 private:
  StateSlot<double> sum_squared_log_error_ = declare_state<double>("sum_squared_log_error", Reduction::sum, {});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec mean_squared_log_error_spec() {
  return {
      .name = "MeanSquaredLogError",
      .family = "regression",
      .doc = "Mean squared error of log1p(preds) against log1p(target), over all elements.",
      .inputs = {{"preds", false, "predictions, any shape"}, {"target", false, "targets, same shape"}},
      .options = {},
      .make = [](const Options& o) { return std::make_unique<MeanSquaredLogError>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MeanSquaredLogError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [3.0, 5.0, 2.5, 7.0]}, "target": {"dtype": "float32", "shape": [4], "data": [2.5, 5.0, 4.0, 8.0]}}], "expected": {"shape": [], "data": [0.0397]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
