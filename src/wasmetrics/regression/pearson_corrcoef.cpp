// PearsonCorrCoef and ConcordanceCorrCoef (TorchMetrics regression/pearson.py, concordance.py;
// Concordance subclasses Pearson there and shares its states). Both keep, per output, the running
// moments of x = preds and y = target (regression/running_moments.hpp), merged with Chan's formula,
// so batches with very different means agree with a single pass.
//   Pearson:      r = cov / sqrt(var_x var_y), clamped to [-1, 1]  (NaN for a constant input)
//   Concordance:  2 r s_x s_y / (var_x + var_y + (mean_x - mean_y)²)
// with sample (n - 1) variances as TorchMetrics. Inputs are floating point, [N] or [N, num_outputs].
#include <cmath>
#include <utility>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/common.hpp"
#include "wasmetrics/regression/running_moments.hpp"

namespace wasmetrics {
namespace {

using regression::Moments;

class CorrelationBase : public Metric {
 public:
  explicit CorrelationBase(Options o) : Metric(std::move(o)), num_outputs_(options().get_int("num_outputs")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    // TorchMetrics' first update takes preds.mean(0), which torch refuses for integer tensors.
    require_floating(name(), "preds", in[0]);
    require_floating(name(), "target", in[1]);
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    regression::rows_for_outputs(name(), in[0], num_outputs_);
    auto m =
        regression::batch_moments(in[0], in[1], static_cast<std::size_t>(num_outputs_), kernels::PairForm::identity);
    moments_.store_all(s, m);
  }

  void merge_custom(State& into, const State& from) const override { moments_.merge(into, from); }

  Result compute_state(const State& s) const override {
    Tensor out;
    out.shape = {num_outputs_};
    for (const Moments& m : moments_.all(s)) out.data.push_back(value(m));
    return Result::squeezed(std::move(out));
  }

  virtual double value(const Moments& m) const = 0;

  static double pearson(const Moments& m) {
    const double var_x = m.m2_x / (m.n - 1), var_y = m.m2_y / (m.n - 1), cov = m.c_xy / (m.n - 1);
    return regression::clamp_unit(cov / std::sqrt(var_x * var_y));
  }

  std::int64_t num_outputs_;
  regression::MomentStates moments_ = regression::declare_moment_states(state_layout(), num_outputs_);
};

class PearsonCorrCoef final : public CorrelationBase {
 public:
  using CorrelationBase::CorrelationBase;

 protected:
  double value(const Moments& m) const override { return pearson(m); }
};

class ConcordanceCorrCoef final : public CorrelationBase {
 public:
  using CorrelationBase::CorrelationBase;

 protected:
  double value(const Moments& m) const override {
    const double var_x = m.m2_x / (m.n - 1), var_y = m.m2_y / (m.n - 1);
    const double dm = m.mean_x - m.mean_y;
    return 2.0 * pearson(m) * std::sqrt(var_x) * std::sqrt(var_y) / (var_x + var_y + dm * dm);
  }
};

std::vector<OptionSpec> correlation_options() {
  return {
      regression::num_outputs_option(", each correlated separately"),
  };
}

std::vector<InputSpec> correlation_inputs() {
  return {{"preds", false, "predictions, floating point, [N] or [N, num_outputs]"},
          {"target", false, "targets, floating point, same shape"}};
}

}  // namespace

WASMETRICS_COLD MetricSpec pearson_corr_coef_spec() {
  return {
      .name = "PearsonCorrCoef",
      .family = "regression",
      .doc = "Pearson correlation coefficient of preds and target, per output, from merge-stable running moments.",
      .inputs = correlation_inputs(),
      .options = correlation_options(),
      .make = [](const Options& o) { return std::make_unique<PearsonCorrCoef>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: PearsonCorrCoef()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [0.9849]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: PearsonCorrCoef(num_outputs=2)", "args": {"num_outputs": 2}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 2], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [2, 2], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [2], "data": [1, 1]}, "atol": 5e-05}
      ])json"),
  };
}

WASMETRICS_COLD MetricSpec concordance_corr_coef_spec() {
  return {
      .name = "ConcordanceCorrCoef",
      .family = "regression",
      .doc = "Lin's concordance correlation coefficient of preds and target, per output.",
      .inputs = correlation_inputs(),
      .options = correlation_options(),
      .make = [](const Options& o) { return std::make_unique<ConcordanceCorrCoef>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: ConcordanceCorrCoef()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [0.9777]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: ConcordanceCorrCoef(num_outputs=2)", "args": {"num_outputs": 2}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 2], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [2, 2], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [2], "data": [0.7273, 0.9887]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
