// The percentage errors, as TorchMetrics (regression/mape.py, symmetric_mape.py, wmape.py):
//   MeanAbsolutePercentageError           mean of |p - t| / max(|t|, eps)
//   SymmetricMeanAbsolutePercentageError  mean of 2 |p - t| / max(|t| + |p|, eps)
//   WeightedMeanAbsolutePercentageError   Σ|p - t| / max(Σ|t|, eps)
// with eps = 1.17e-06 (QUIRKS R4): a zero target gives a huge but finite term, NaN propagates.
// Inputs of any shape; every element counts once.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

constexpr double kEpsilon = 1.17e-06;

double clamp_min(double v, double lo) { return v < lo ? lo : v; }  // torch.clamp(min=): NaN stays NaN

enum class Kind { mape, smape, wmape };

class PercentageError final : public Metric {
 public:
  PercentageError(Options o, Kind kind) : Metric(std::move(o)), kind_(kind) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& target = in[1];
    require_same_shape(name(), "preds", preds, "target", target);
    double a = 0, b = 0;
    switch (kind_) {
      case Kind::mape:
        regression::for_each_pair(preds, target, [&](std::size_t, double p, double t) {
          a += std::fabs(p - t) / clamp_min(std::fabs(t), kEpsilon);
        });
        break;
      case Kind::smape:
        regression::for_each_pair(preds, target, [&](std::size_t, double p, double t) {
          a += std::fabs(p - t) / clamp_min(std::fabs(t) + std::fabs(p), kEpsilon);
        });
        a *= 2;
        break;
      case Kind::wmape:
        regression::for_each_pair(preds, target, [&](std::size_t, double p, double t) {
          a += std::fabs(p - t);
          b += std::fabs(t);
        });
        break;
    }
    if (kind_ == Kind::wmape) {
      sum_abs_error_.value(s) = a;
      sum_scale_.value(s) = b;
    } else {
      sum_abs_per_error_.value(s) = a;
      total_.value(s) = target.numel();
    }
  }

  Result compute_state(const State& s) const override {
    if (kind_ == Kind::wmape) return Result::scalar(sum_abs_error_.value(s) / clamp_min(sum_scale_.value(s), kEpsilon));
    return Result::scalar(sum_abs_per_error_.value(s) / count_at(total_.var(s), 0));
  }

 private:
  Kind kind_;
  // WMAPE: the sums of |p - t| and |t|; MAPE, SMAPE: the sum of the per-element errors and their count
  bool wmape_ = kind_ == Kind::wmape;
  StateSlot<double> sum_abs_error_ =
      wmape_ ? declare_state<double>("sum_abs_error", Reduction::sum, {}) : StateSlot<double>();
  StateSlot<double> sum_scale_ = wmape_ ? declare_state<double>("sum_scale", Reduction::sum, {}) : StateSlot<double>();
  StateSlot<double> sum_abs_per_error_ =
      wmape_ ? StateSlot<double>() : declare_state<double>("sum_abs_per_error", Reduction::sum, {});
  StateSlot<std::int64_t> total_ =
      wmape_ ? StateSlot<std::int64_t>() : declare_state<std::int64_t>("total", Reduction::sum, {});
};

std::vector<InputSpec> inputs() {
  return {{"preds", false, "predictions, any shape"}, {"target", false, "targets, same shape"}};
}

}  // namespace

WASMETRICS_COLD MetricSpec mean_absolute_percentage_error_spec() {
  return {
      .name = "MeanAbsolutePercentageError",
      .family = "regression",
      .doc = "Mean of |preds - target| / max(|target|, 1.17e-6) over all elements.",
      .inputs = inputs(),
      .options = {},
      .make = [](const Options& o) { return std::make_unique<PercentageError>(o, Kind::mape); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MeanAbsolutePercentageError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [3], "data": [0.9, 15.0, 1200000.0]}, "target": {"dtype": "float32", "shape": [3], "data": [1.0, 10.0, 1000000.0]}}], "expected": {"shape": [], "data": [0.2667]}, "atol": 5e-05}
      ])json"),
  };
}

WASMETRICS_COLD MetricSpec symmetric_mean_absolute_percentage_error_spec() {
  return {
      .name = "SymmetricMeanAbsolutePercentageError",
      .family = "regression",
      .doc = "Mean of 2 |preds - target| / max(|target| + |preds|, 1.17e-6) over all elements.",
      .inputs = inputs(),
      .options = {},
      .make = [](const Options& o) { return std::make_unique<PercentageError>(o, Kind::smape); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: SymmetricMeanAbsolutePercentageError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [3], "data": [0.9, 15.0, 1200000.0]}, "target": {"dtype": "float32", "shape": [3], "data": [1.0, 10.0, 1000000.0]}}], "expected": {"shape": [], "data": [0.229]}, "atol": 5e-05}
      ])json"),
  };
}

WASMETRICS_COLD MetricSpec weighted_mean_absolute_percentage_error_spec() {
  return {
      .name = "WeightedMeanAbsolutePercentageError",
      .family = "regression",
      .doc = "Sum of |preds - target| over max(sum of |target|, 1.17e-6), over all elements.",
      .inputs = inputs(),
      .options = {},
      .make = [](const Options& o) { return std::make_unique<PercentageError>(o, Kind::wmape); },
      .examples = examples_from_json(R"json([
        {"doc": "sum |preds - target| / sum |target|", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [3.0, 5.0, 2.5, 7.0]}, "target": {"dtype": "float32", "shape": [4], "data": [2.5, 5.0, 4.0, 8.0]}}], "expected": {"shape": [], "data": [0.1538461538]}}
      ])json"),
  };
}

}  // namespace wasmetrics
