// ExplainedVariance (TorchMetrics regression/explained_variance.py): per output,
// 1 - Var(target - preds) / Var(target) with population variances from running moments of the
// residual x = target - preds and y = target (regression/running_moments.hpp). As TorchMetrics:
// a zero residual variance gives 1, a zero target variance (with a non-zero residual one) gives 0,
// and "variance_weighted" weighs by the target variances (NaN when they are all zero).
// The number of outputs is inferred from the input ([N] one, [N, k] k); inputs are 1-D or 2-D.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/running_moments.hpp"
#include "wasmetrics/regression/weighted_sums.hpp"

namespace wasmetrics {
namespace {

using regression::Moments;

class ExplainedVariance final : public Metric {
 public:
  explicit ExplainedVariance(Options o) : Metric(std::move(o)), multioutput_(options().get_string("multioutput")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    regression::append_residual_moments(name(), moment_rows_, s, in);
  }

  void merge_custom(State& into, const State& from) const override {
    regression::prepare_moment_rows_merge(name(), moment_rows_, into, from);
  }

  Result compute_state(const State& s) const override {
    const std::vector<Moments> m = regression::combine_moment_rows(name(), moment_rows_, s);
    if (m.empty()) return Result::scalar(std::nan(""));  // no update: 0/0 as TorchMetrics
    const std::size_t k = m.size();
    std::vector<double> score(k), denominator(k);
    for (std::size_t j = 0; j < k; ++j) {
      const double numerator = m[j].m2_x / m[j].n;
      denominator[j] = m[j].m2_y / m[j].n;
      if (numerator != 0 && denominator[j] != 0)
        score[j] = 1.0 - numerator / denominator[j];
      else if (numerator != 0)
        score[j] = 0.0;
      else
        score[j] = 1.0;
    }
    if (multioutput_ == "raw_values") return Result::squeezed(Tensor::vector(std::move(score)));
    double sum = 0;
    if (multioutput_ == "uniform_average") {
      for (double v : score) sum += v;
      return Result::scalar(sum / static_cast<double>(k));
    }
    double denom_sum = 0;
    for (double v : denominator) denom_sum += v;
    for (std::size_t j = 0; j < k; ++j) sum += denominator[j] / denom_sum * score[j];
    return Result::scalar(sum);
  }

 private:
  std::string multioutput_;
  regression::MomentRowsSlot moment_rows_ = regression::declare_moment_rows(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec explained_variance_spec() {
  return {
      .name = "ExplainedVariance",
      .family = "regression",
      .doc = "Explained variance 1 - Var(target - preds) / Var(target), per output or averaged.",
      .inputs = {{"preds", false, "predictions, [N] or [N, outputs]"},
                 {"target", false, "targets, same shape"},
                 sample_weight_input()},
      .options =
          {
              {.name = "multioutput",
               .type = OptionType::string,
               .default_value = "uniform_average",
               .choices = {"raw_values", "uniform_average", "variance_weighted"},
               .doc = "several outputs: one score each, their mean, or their mean weighted by target variance"},
          },
      .make = [](const Options& o) { return std::make_unique<ExplainedVariance>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: ExplainedVariance()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [0.9572]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: ExplainedVariance(multioutput='raw_values')", "args": {"multioutput": "raw_values"}, "batches": [{"preds": {"dtype": "int64", "shape": [3, 2], "data": [0, 2, -1, 2, 8, -5]}, "target": {"dtype": "float32", "shape": [3, 2], "data": [0.5, 1.0, -1.0, 1.0, 7.0, -6.0]}}], "expected": {"shape": [2], "data": [0.9677, 1]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
