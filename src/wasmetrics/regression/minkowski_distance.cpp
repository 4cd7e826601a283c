// MinkowskiDistance: (Σ |preds - targets|^p)^(1/p) over all elements, as TorchMetrics
// (regression/minkowski.py). `p` has no default there (a required argument) and must be >= 1.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class MinkowskiDistance final : public Metric {
 public:
  explicit MinkowskiDistance(Options o) : Metric(std::move(o)) {
    if (options().is_null("p"))
      fail(name(), ": option 'p' is required (a number >= 1; p=1 Manhattan, p=2 Euclidean distance)");
    p_ = options().get_number("p");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "targets", in[1]);
    double sum = 0;
    regression::for_each_pair(in[0], in[1],
                              [&](std::size_t, double p, double t) { sum += std::pow(std::fabs(p - t), p_); });
    minkowski_dist_sum_.value(s) = sum;
  }

  Result compute_state(const State& s) const override {
    return Result::scalar(std::pow(minkowski_dist_sum_.value(s), 1.0 / p_));
  }

 private:
  double p_ = 0;
  StateSlot<double> minkowski_dist_sum_ = declare_state<double>("minkowski_dist_sum", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec minkowski_distance_spec() {
  return {
      .name = "MinkowskiDistance",
      .family = "regression",
      .doc = "Minkowski distance (sum of |preds - targets|^p)^(1/p) over all elements.",
      .inputs = {{"preds", false, "predictions, any shape"}, {"targets", false, "targets, same shape"}},
      .options =
          {
              {.name = "p",
               .type = OptionType::number,
               .default_value = nullptr,
               .min = 1,
               .doc = "required: the order p >= 1 of the norm (1 Manhattan, 2 Euclidean)"},
          },
      .make = [](const Options& o) { return std::make_unique<MinkowskiDistance>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MinkowskiDistance(p=3)", "args": {"p": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [6.1, 2.11, 3.1, 5.6]}, "targets": {"dtype": "float32", "shape": [4], "data": [1.0, 2.8, 3.5, 4.5]}}], "expected": {"shape": [], "data": [5.122]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
