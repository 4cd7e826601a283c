// R2Score (TorchMetrics regression/r2.py). Per output, the running moments of the residual
// x = target - preds and of y = target (regression/running_moments.hpp):
//   rss = Σx² = m2_x + n mean_x²,  tss = Σ(y - mean_y)² = m2_y,  r2 = 1 - rss / tss
// with TorchMetrics' zero tests (QUIRKS R2): rss within 1e-4 of 0 gives 1 (perfect fit), else
// tss within 1e-4 of 0 gives 0 (constant target). Fewer than 2 samples is an error in compute().
// The number of outputs is inferred from the input ([N] one, [N, k] k) as TorchMetrics does, so
// the moments live in a cat state of rows; a later batch of another width is rejected.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/running_moments.hpp"
#include "wasmetrics/regression/weighted_sums.hpp"

namespace wasmetrics {
namespace {

using regression::Moments;

bool near_zero(double v) { return std::fabs(v) <= 1e-4; }  // torch.isclose(v, 0, atol=1e-4); NaN is not

class R2Score final : public Metric {
 public:
  explicit R2Score(Options o)
      : Metric(std::move(o)),
        adjusted_(options().get_int("adjusted")),
        multioutput_(options().get_string("multioutput")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    regression::append_residual_moments(name(), moment_rows_, s, in);
  }

  void merge_custom(State& into, const State& from) const override {
    regression::prepare_moment_rows_merge(name(), moment_rows_, into, from);
  }

  Result compute_state(const State& s) const override {
    const std::vector<Moments> m = regression::combine_moment_rows(name(), moment_rows_, s);
    const double n = m.empty() ? 0.0 : m[0].n;
    if (n < 2) fail(name(), ": needs at least two samples to calculate r2 score, got ", n);
    const std::size_t k = m.size();
    std::vector<double> raw(k), tss(k);
    for (std::size_t j = 0; j < k; ++j) {
      const double rss = m[j].m2_x + m[j].n * m[j].mean_x * m[j].mean_x;
      tss[j] = m[j].m2_y;
      if (near_zero(rss))
        raw[j] = 1.0;
      else if (near_zero(tss[j]))
        raw[j] = 0.0;
      else
        raw[j] = 1.0 - rss / tss[j];
    }
    std::vector<double> r2;
    if (multioutput_ == "raw_values") {
      r2 = raw;
    } else if (multioutput_ == "uniform_average") {
      double sum = 0;
      for (double v : raw) sum += v;
      r2 = {sum / static_cast<double>(k)};
    } else {  // variance_weighted
      double tss_sum = 0, sum = 0;
      for (double v : tss) tss_sum += v;
      for (std::size_t j = 0; j < k; ++j) sum += tss[j] / tss_sum * raw[j];
      r2 = {sum};
    }
    // Adjusted R²; with adjusted >= n - 1 TorchMetrics warns and falls back to the plain score.
    if (adjusted_ != 0 && static_cast<double>(adjusted_) < n - 1)
      for (double& v : r2) v = 1 - (1 - v) * (n - 1) / (n - static_cast<double>(adjusted_) - 1);
    return Result::squeezed(Tensor::vector(std::move(r2)));
  }

 private:
  std::int64_t adjusted_;
  std::string multioutput_;
  regression::MomentRowsSlot moment_rows_ = regression::declare_moment_rows(state_layout());
};

}  // namespace

WASMETRICS_COLD MetricSpec r2_score_spec() {
  return {
      .name = "R2Score",
      .family = "regression",
      .doc = "Coefficient of determination R², optionally adjusted, per output or averaged.",
      .inputs = {{"preds", false, "predictions, [N] or [N, outputs]"},
                 {"target", false, "targets, same shape"},
                 sample_weight_input()},
      .options =
          {
              {.name = "num_outputs",
               .type = OptionType::integer,
               .default_value = nullptr,
               .min = 1,
               .nullable = true,
               .doc = "deprecated and ignored (as in TorchMetrics): the number of outputs is taken from the input"},
              {.name = "adjusted",
               .type = OptionType::integer,
               .default_value = 0,
               .min = 0,
               .doc = "number of independent regressors for the adjusted R² (0: plain R²)"},
              {.name = "multioutput",
               .type = OptionType::string,
               .default_value = "uniform_average",
               .choices = {"raw_values", "uniform_average", "variance_weighted"},
               .doc = "several outputs: one score each, their mean, or their mean weighted by target variance"},
          },
      .make = [](const Options& o) { return std::make_unique<R2Score>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: R2Score()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [0.9486]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: R2Score(multioutput='raw_values')", "args": {"multioutput": "raw_values"}, "batches": [{"preds": {"dtype": "int64", "shape": [3, 2], "data": [0, 2, -1, 2, 8, -5]}, "target": {"dtype": "float32", "shape": [3, 2], "data": [0.5, 1.0, -1.0, 1.0, 7.0, -6.0]}}], "expected": {"shape": [2], "data": [0.9654, 0.9082]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
