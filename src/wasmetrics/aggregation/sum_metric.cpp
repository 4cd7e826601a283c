// SumMetric: sum of a stream of values (TorchMetrics aggregation.py). State sum_value, summed in
// float64 over the float32 inputs. Nothing accumulated gives 0 (A2).
#include "wasmetrics/aggregation/nan_handling.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

class SumMetric final : public Metric {
 public:
  explicit SumMetric(Options o) : Metric(std::move(o)), nan_(aggregation::NanStrategy::from(options())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = aggregation::clean_batch(name(), nan_, in[0]);
    sum_value_.value(s) = aggregation::batch_sums(b).weighted;
  }

  Result compute_state(const State& s) const override { return Result::scalar(sum_value_.value(s)); }

 private:
  aggregation::NanStrategy nan_;
  StateSlot<double> sum_value_ = declare_state<double>("sum_value", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec sum_metric_spec() {
  return {
      .name = "SumMetric",
      .family = "aggregation",
      .doc = "Sum of a stream of values.",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar)"}},
      .options = {aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<SumMetric>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: SumMetric()", "args": {}, "batches": [{"value": {"dtype": "int64", "shape": [], "data": [1]}}, {"value": {"dtype": "int64", "shape": [2], "data": [2, 3]}}], "expected": {"shape": [], "data": [6]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
