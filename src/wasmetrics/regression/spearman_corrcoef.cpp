// SpearmanCorrCoef (TorchMetrics regression/spearman.py): keeps every sample, cast to float32 as
// TorchMetrics does (values equal in float32 become ties, QUIRKS R1), and at compute() ranks each
// output column (ties get their mean rank) and returns cov / (std_x std_y + 1e-6) of the ranks
// (population moments), clamped to [-1, 1]; a constant input therefore gives 0. Inputs must be
// floating point, [N] or [N, num_outputs].
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

// Ranks 1..n with ties averaged. NaN sorts last and never ties (NaN != NaN), as in TorchMetrics.
std::vector<double> rank_data(const std::vector<float>& v) {
  const std::size_t n = v.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const bool na = std::isnan(v[a]), nb = std::isnan(v[b]);
    if (na || nb) return !na && nb;
    return v[a] < v[b];
  });
  std::vector<double> rank(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && v[idx[j]] == v[idx[i]]) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t r = i; r < j; ++r) rank[idx[r]] = mean_rank;
    i = j;
  }
  return rank;
}

class SpearmanCorrCoef final : public Metric {
 public:
  explicit SpearmanCorrCoef(Options o) : Metric(std::move(o)), num_outputs_(options().get_int("num_outputs")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& target = in[1];
    if (!is_floating(preds.dtype) || !is_floating(target.dtype))
      fail(name(), ": expected `preds` and `target` both to be floating point tensors, got ", dtype_name(preds.dtype),
           " and ", dtype_name(target.dtype));
    require_same_shape(name(), "preds", preds, "target", target);
    regression::rows_for_outputs(name(), preds, num_outputs_);
    append_float32(preds_, s, preds);
    append_float32(target_, s, target);
  }

  Result compute_state(const State& s) const override {
    regression::require_updated(name(), s);
    auto p = preds_.span(s);
    auto t = target_.span(s);
    const auto k = static_cast<std::size_t>(num_outputs_);
    const std::size_t n = p.size() / k;
    Tensor out;
    out.shape = {num_outputs_};
    std::vector<float> col_p(n), col_t(n);
    for (std::size_t j = 0; j < k; ++j) {
      for (std::size_t i = 0; i < n; ++i) {
        col_p[i] = p[i * k + j];
        col_t[i] = t[i * k + j];
      }
      out.data.push_back(rank_correlation(rank_data(col_p), rank_data(col_t)));
    }
    return Result::squeezed(std::move(out));
  }

 private:
  static void append_float32(StateSlot<float> slot, State& s, const TensorView& x) {
    std::vector<float> values(static_cast<std::size_t>(x.numel()));
    visit_floats("SpearmanCorrCoef", "preds", x, [&](auto span) {
      for (std::size_t i = 0; i < span.size(); ++i) values[i] = static_cast<float>(span[i]);
    });
    slot.append(s, std::span<const float>(values));
  }

  static double rank_correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      ma += a[i];
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    double cov = 0, va = 0, vb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double da = a[i] - ma, db = b[i] - mb;
      cov += da * db;
      va += da * da;
      vb += db * db;
    }
    cov /= n;
    const double std_a = std::sqrt(va / n), std_b = std::sqrt(vb / n);
    return regression::clamp_unit(cov / (std_a * std_b + 1e-6));
  }

  std::int64_t num_outputs_;
  StateSlot<float> preds_ = declare_state<float>("preds", Reduction::cat, {0, num_outputs_});
  StateSlot<float> target_ = declare_state<float>("target", Reduction::cat, {0, num_outputs_});
};

}  // namespace

WASMETRICS_COLD MetricSpec spearman_corr_coef_spec() {
  return {
      .name = "SpearmanCorrCoef",
      .family = "regression",
      .doc = "Spearman rank correlation of preds and target, per output (keeps every sample).",
      .inputs = {{"preds", false, "predictions, floating point, [N] or [N, num_outputs]"},
                 {"target", false, "targets, floating point, same shape"}},
      .options =
          {
              regression::num_outputs_option(", each correlated separately"),
          },
      .make = [](const Options& o) { return std::make_unique<SpearmanCorrCoef>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: SpearmanCorrCoef()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [], "data": [1]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: SpearmanCorrCoef(num_outputs=2)", "args": {"num_outputs": 2}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 2], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [2, 2], "data": [3.0, -0.5, 2.0, 7.0]}}], "expected": {"shape": [2], "data": [1, 1]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
