// RelativeSquaredError (TorchMetrics regression/rse.py): per output rss / max(tss, eps) with
// eps = float32 epsilon (TorchMetrics' states are float32), its root when squared=false, then the
// mean over outputs (always one number). rss and tss come from running moments of the residual
// x = target - preds and y = target (regression/running_moments.hpp), so a large target offset
// does not cancel (QUIRKS R3). Inputs are [N] or [N, num_outputs].
#include <cmath>
#include <limits>
#include <utility>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/common.hpp"
#include "wasmetrics/regression/running_moments.hpp"

namespace wasmetrics {
namespace {

using regression::Moments;

class RelativeSquaredError final : public Metric {
 public:
  explicit RelativeSquaredError(Options o)
      : Metric(std::move(o)), num_outputs_(options().get_int("num_outputs")), squared_(options().get_bool("squared")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    regression::rows_for_outputs(name(), in[0], num_outputs_);
    moments_.store_all(s, regression::batch_moments(in[0], in[1], static_cast<std::size_t>(num_outputs_),
                                                    kernels::PairForm::residual));
  }

  void merge_custom(State& into, const State& from) const override { moments_.merge(into, from); }

  Result compute_state(const State& s) const override {
    constexpr double eps = std::numeric_limits<float>::epsilon();
    double sum = 0;
    const std::vector<Moments> m = moments_.all(s);
    for (const Moments& o : m) {
      const double rss = o.m2_x + o.n * o.mean_x * o.mean_x;
      const double tss = o.m2_y < eps ? eps : o.m2_y;  // torch.clamp(min=eps): NaN stays NaN
      const double rse = rss / tss;
      sum += squared_ ? rse : std::sqrt(rse);
    }
    return Result::scalar(sum / static_cast<double>(m.size()));
  }

 private:
  std::int64_t num_outputs_;
  bool squared_;
  regression::MomentStates moments_ = regression::declare_moment_states(state_layout(), num_outputs_);
};

}  // namespace

WASMETRICS_COLD MetricSpec relative_squared_error_spec() {
  return {
      .name = "RelativeSquaredError",
      .family = "regression",
      .doc = "Relative squared error: residual sum of squares over total sum of squares, averaged over outputs.",
      .inputs = {{"preds", false, "predictions, [N] or [N, num_outputs]"}, {"target", false, "targets, same shape"}},
      .options =
          {
              regression::num_outputs_option("; the result is their mean"),
              {.name = "squared",
               .type = OptionType::boolean,
               .default_value = true,
               .doc = "true: relative squared error; false: its square root (per output, before the mean)"},
          },
      .make = [](const Options& o) { return std::make_unique<RelativeSquaredError>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: RelativeSquaredError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [0.0514]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
