// RunningMean and RunningSum: MeanMetric / SumMetric over the last `window` update() calls only
// (TorchMetrics aggregation.py + wrappers/running.py). forward() returns the batch's own value.
//
// State `rows` (cat, float64 [n, 2]): one row (Σ w·x, Σ w) per update() call, in order — also for a
// batch whose entries were all dropped by nan_strategy, which TorchMetrics counts as an update with
// a zero state. compute() reads only the last `window` rows: RunningMean Σ(Σw·x)/Σ(Σw) (NaN when
// that is 0/0), RunningSum Σ(Σx).
//
// Merging two instances concatenates their rows (this instance's first), so the window then covers
// the other instance's last updates: the last `window` updates of "this stream, then that one".
// TorchMetrics has no meaningful merge for Running (its slots are reduced slot by slot); this is the
// one reading that is independent of how the stream was split.
//
// Memory: merge_custom (called by the engine on every fold: update, forward and merge) trims the
// rows already held to the last `window`, so the state never exceeds window + (rows of what is
// folded in) rows — it does not grow with the number of updates. compute() never depends on the
// trim (it takes the last `window` rows anyway), and the trim gives the same result whether the
// engine calls merge_custom before or after the cat states are concatenated.
#include <algorithm>

#include "wasmetrics/aggregation/nan_handling.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

template <bool IsMean>
class RunningAggregate final : public Metric {
 public:
  explicit RunningAggregate(Options o)
      : Metric(std::move(o)), nan_(aggregation::NanStrategy::from(options())), window_(options().get_int("window")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView* weight = IsMean && in.size() > 1 ? &in[1] : nullptr;
    auto b = aggregation::clean_batch(name(), nan_, in[0], weight);
    const aggregation::BatchSums sums = aggregation::batch_sums(b);  // RunningSum has no weight: all 1
    const double row[2] = {sums.weighted, sums.weight};
    rows_.append(s, std::span<const double>(row, 2));
  }

  void merge_custom(State& into, const State& /*from*/) const override {
    StateVar& rows = rows_.var(into);
    if (rows.shape[0] <= window_) return;
    const auto drop = static_cast<std::size_t>(rows.shape[0] - window_) * 2 * sizeof(double);
    rows.bytes.erase(rows.bytes.begin(), rows.bytes.begin() + static_cast<std::ptrdiff_t>(drop));
    rows.shape[0] = window_;
  }

  Result compute_state(const State& s) const override {
    auto rows = rows_.span(s);
    const std::size_t n = rows.size() / 2;
    const std::size_t first = n > static_cast<std::size_t>(window_) ? n - static_cast<std::size_t>(window_) : 0;
    double sum = 0, weight = 0;
    for (std::size_t r = first; r < n; ++r) {
      sum += rows[2 * r];
      weight += rows[2 * r + 1];
    }
    return Result::scalar(IsMean ? sum / weight : sum);
  }

 private:
  aggregation::NanStrategy nan_;
  std::int64_t window_;
  StateSlot<double> rows_ = declare_state<double>("rows", Reduction::cat, {0, 2});
};

OptionSpec window_option() {
  return {.name = "window",
          .type = OptionType::integer,
          .default_value = 5,
          .min = 1,
          .doc = "number of most recent update() calls that compute() aggregates"};
}

}  // namespace

WASMETRICS_COLD MetricSpec running_mean_spec() {
  return {
      .name = "RunningMean",
      .family = "aggregation",
      .doc = "Weighted mean of the values of the last `window` update() calls.",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar)"},
                 {"weight", true, "weights, broadcast to value's shape (default 1)"}},
      .options = {window_option(), aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<RunningAggregate<true>>(o); },
      .batching = Batching::updates,
      .examples = examples_from_json(R"json([
        {"doc": "mean of the values of the last 2 update() calls", "args": {"window": 2}, "batches": [{"value": {"dtype": "float64", "shape": [2], "data": [1.0, 2.0]}}, {"value": {"dtype": "float64", "shape": [1], "data": [3.0]}}, {"value": {"dtype": "float64", "shape": [2], "data": [4.0, 5.0]}}], "expected": {"shape": [], "data": [4.0]}}
      ])json"),
  };
}

WASMETRICS_COLD MetricSpec running_sum_spec() {
  return {
      .name = "RunningSum",
      .family = "aggregation",
      .doc = "Sum of the values of the last `window` update() calls.",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar)"}},
      .options = {window_option(), aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<RunningAggregate<false>>(o); },
      .batching = Batching::updates,
      .examples = examples_from_json(R"json([
        {"doc": "sum of the last 2 update() calls", "args": {"window": 2}, "batches": [{"value": {"dtype": "float64", "shape": [2], "data": [1.0, 2.0]}}, {"value": {"dtype": "float64", "shape": [1], "data": [3.0]}}, {"value": {"dtype": "float64", "shape": [2], "data": [4.0, 5.0]}}], "expected": {"shape": [], "data": [12]}}
      ])json"),
  };
}

}  // namespace wasmetrics
