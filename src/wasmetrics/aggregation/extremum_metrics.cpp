// MaxMetric and MinMetric: the largest / smallest value of a stream (TorchMetrics aggregation.py).
// One state each, reduced by max / min, starting at -inf / +inf: nothing accumulated (or only NaN
// dropped by nan_strategy) gives -inf / +inf (A2). After nan_strategy no NaN reaches the state.
#include <limits>

#include "wasmetrics/aggregation/nan_handling.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

template <bool IsMax>
class ExtremumMetric final : public Metric {
 public:
  explicit ExtremumMetric(Options o) : Metric(std::move(o)), nan_(aggregation::NanStrategy::from(options())) {}

 protected:
  static constexpr double kInit =
      IsMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();

  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = aggregation::clean_batch(name(), nan_, in[0]);
    // A loop, not xt::amax: it keeps the state's rules exactly (the first of equal values wins, so
    // 0.0 before -0.0 stays 0.0) and an empty batch (every entry NaN and dropped) gives ±inf.
    double best = kInit;
    for (float v : b.values) {
      const double d = static_cast<double>(v);
      if (IsMax ? d > best : d < best) best = d;
    }
    best_.value(s) = best;
  }

  Result compute_state(const State& s) const override { return Result::scalar(best_.value(s)); }

 private:
  aggregation::NanStrategy nan_;
  StateSlot<double> best_ =
      declare_state<double>(IsMax ? "max_value" : "min_value", IsMax ? Reduction::max : Reduction::min, {}, kInit);
};

}  // namespace

WASMETRICS_COLD MetricSpec max_metric_spec() {
  return {
      .name = "MaxMetric",
      .family = "aggregation",
      .doc = "Largest value of a stream (-inf when nothing was accumulated).",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar)"}},
      .options = {aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<ExtremumMetric<true>>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MaxMetric()", "args": {}, "batches": [{"value": {"dtype": "int64", "shape": [], "data": [1]}}, {"value": {"dtype": "int64", "shape": [2], "data": [2, 3]}}], "expected": {"shape": [], "data": [3]}, "atol": 5e-05}
      ])json"),
  };
}

WASMETRICS_COLD MetricSpec min_metric_spec() {
  return {
      .name = "MinMetric",
      .family = "aggregation",
      .doc = "Smallest value of a stream (+inf when nothing was accumulated).",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar)"}},
      .options = {aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<ExtremumMetric<false>>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MinMetric()", "args": {}, "batches": [{"value": {"dtype": "int64", "shape": [], "data": [1]}}, {"value": {"dtype": "int64", "shape": [2], "data": [2, 3]}}], "expected": {"shape": [], "data": [1]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
