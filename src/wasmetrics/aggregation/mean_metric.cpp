// MeanMetric: weighted mean Σ(w·x)/Σw over everything accumulated (TorchMetrics aggregation.py).
// States: mean_value = Σ(w·x) and weight = Σw, both summed (float64 sums of the float32 inputs).
// Nothing accumulated, or only NaN dropped by nan_strategy, gives 0/0 = NaN (A2).
#include "wasmetrics/aggregation/nan_handling.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

class MeanMetric final : public Metric {
 public:
  explicit MeanMetric(Options o) : Metric(std::move(o)), nan_(aggregation::NanStrategy::from(options())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = aggregation::clean_batch(name(), nan_, in[0], in.size() > 1 ? &in[1] : nullptr);
    const aggregation::BatchSums sums = aggregation::batch_sums(b);
    mean_value_.value(s) = sums.weighted;
    weight_.value(s) = sums.weight;
  }

  Result compute_state(const State& s) const override {
    return Result::scalar(mean_value_.value(s) / weight_.value(s));
  }

 private:
  aggregation::NanStrategy nan_;
  StateSlot<double> mean_value_ = declare_state<double>("mean_value", Reduction::sum, {});
  StateSlot<double> weight_ = declare_state<double>("weight", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec mean_metric_spec() {
  return {
      .name = "MeanMetric",
      .family = "aggregation",
      .doc = "Weighted mean of a stream of values: sum(weight * value) / sum(weight).",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar)"},
                 {"weight", true, "weights, broadcast to value's shape (default 1)"}},
      .options = {aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<MeanMetric>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MeanMetric()", "args": {}, "batches": [{"value": {"dtype": "int64", "shape": [], "data": [1]}}, {"value": {"dtype": "int64", "shape": [2], "data": [2, 3]}}], "expected": {"shape": [], "data": [2]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
