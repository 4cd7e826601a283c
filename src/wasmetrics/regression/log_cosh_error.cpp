// LogCoshError: mean of log(cosh(preds - target)) per output, as TorchMetrics
// (regression/log_cosh.py), states sum_log_cosh_error [num_outputs] and total (rows).
// log(cosh(d)) is evaluated as |d| + log1p(exp(-2|d|)) - log 2, which equals TorchMetrics'
// log((exp(d) + exp(-d)) / 2) but does not overflow to +inf for large |d| (|d| > 88 in float32).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class LogCoshError final : public Metric {
 public:
  explicit LogCoshError(Options o) : Metric(std::move(o)), num_outputs_(options().get_int("num_outputs")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    const std::int64_t rows = regression::rows_for_outputs(name(), in[0], num_outputs_);
    auto sums = sum_log_cosh_error_.span(s);
    const auto k = static_cast<std::size_t>(num_outputs_);
    static const double kLog2 = std::log(2.0);
    regression::for_each_pair(in[0], in[1], [&](std::size_t i, double p, double t) {
      const double a = std::fabs(p - t);
      sums[i % k] += a + std::log1p(std::exp(-2.0 * a)) - kLog2;
    });
    total_.value(s) = rows;
  }

  Result compute_state(const State& s) const override {
    auto sums = sum_log_cosh_error_.span(s);
    const double n = count_at(total_.var(s), 0);
    Tensor out;
    out.shape = {num_outputs_};
    for (double v : sums) out.data.push_back(v / n);
    return Result::squeezed(std::move(out));
  }

 private:
  std::int64_t num_outputs_;
  StateSlot<double> sum_log_cosh_error_ = declare_state<double>("sum_log_cosh_error", Reduction::sum, {num_outputs_});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec log_cosh_error_spec() {
  return {
      .name = "LogCoshError",
      .family = "regression",
      .doc = "Mean of log(cosh(preds - target)), per output.",
      .inputs = {{"preds", false, "predictions, [N] or [N, num_outputs]"}, {"target", false, "targets, same shape"}},
      .options =
          {
              regression::num_outputs_option(", each scored separately"),
          },
      .make = [](const Options& o) { return std::make_unique<LogCoshError>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: LogCoshError()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [3.0, 5.0, 2.5, 7.0]}, "target": {"dtype": "float32", "shape": [4], "data": [2.5, 5.0, 4.0, 8.0]}}], "expected": {"shape": [], "data": [0.3523]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: LogCoshError(num_outputs=3)", "args": {"num_outputs": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 3], "data": [3.0, 5.0, 1.2, -2.1, 2.5, 7.0]}, "target": {"dtype": "float32", "shape": [2, 3], "data": [2.5, 5.0, 1.3, 0.3, 4.0, 8.0]}}], "expected": {"shape": [3], "data": [0.9176, 0.4277, 0.2194]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
