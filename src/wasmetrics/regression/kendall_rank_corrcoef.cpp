// KendallRankCorrCoef (TorchMetrics regression/kendall.py): keeps every sample and, per output
// column, counts concordant (C) and discordant (D) pairs and the ties of each input, then
//   variant a: (C - D) / (C + D)                 (TorchMetrics' definition, not (C - D) / (n(n-1)/2))
//   variant b: (C - D) / sqrt((n0 - T_x)(n0 - T_y)),  n0 = n(n-1)/2, T = Σ t(t-1)/2 over tie groups
//   variant c: 2 (C - D) / (n² (m - 1) / m),     m = min(#distinct preds, #distinct target)
// clamped to [-1, 1] (NaN for a constant input). With t_test, also the p-value of the normal
// approximation of tau's statistic for `alternative` (two-sided, less, greater), returned as
// {"tau", "p_value"}.
// Pairs are counted in O(n log n) (Knight's algorithm: sort by (x, y), count the y inversions by
// merge sort) where TorchMetrics compares all n² pairs; the counts are the same. A pair with a NaN
// is neither concordant nor discordant, and NaNs never tie, as in TorchMetrics.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

struct Ties {
  double pairs = 0;  // Σ t(t-1)/2
  double p1 = 0;     // Σ t(t-1)(t-2)
  double p2 = 0;     // Σ t(t-1)(2t+5)
  double distinct = 0;
};

// Tie groups among the non-NaN values; each NaN is a distinct value of its own.
Ties ties_of(std::vector<double> v) {
  Ties out;
  const auto nan_end = std::partition(v.begin(), v.end(), [](double x) { return !std::isnan(x); });
  out.distinct = static_cast<double>(v.end() - nan_end);
  std::sort(v.begin(), nan_end);
  for (auto it = v.begin(); it != nan_end;) {
    auto next = std::find_if(it, nan_end, [&](double x) { return x != *it; });
    const double t = static_cast<double>(next - it);
    out.pairs += t * (t - 1) / 2;
    out.p1 += t * (t - 1) * (t - 2);
    out.p2 += t * (t - 1) * (2 * t + 5);
    out.distinct += 1;
    it = next;
  }
  return out;
}

std::int64_t tied_pairs(const std::vector<double>& sorted) {  // Σ t(t-1)/2 over runs of equal values
  std::int64_t total = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const auto t = static_cast<std::int64_t>(j - i);
    total += t * (t - 1) / 2;
    i = j;
  }
  return total;
}

// Sorts v ascending, returning the number of pairs i < j with v[i] > v[j].
std::int64_t count_inversions(std::vector<double>& v) {
  std::int64_t inversions = 0;
  std::vector<double> buf(v.size());
  for (std::size_t width = 1; width < v.size(); width *= 2) {
    for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, v.size()), hi = std::min(lo + 2 * width, v.size());
      std::size_t i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        if (v[j] < v[i]) {
          inversions += static_cast<std::int64_t>(mid - i);
          buf[o++] = v[j++];
        } else {
          buf[o++] = v[i++];
        }
      }
      while (i < mid) buf[o++] = v[i++];
      while (j < hi) buf[o++] = v[j++];
    }
    std::swap(v, buf);
  }
  return inversions;
}

// Concordant and discordant pairs among the rows where neither value is NaN.
std::pair<std::int64_t, std::int64_t> count_pairs(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, double>> rows;
  rows.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) rows.emplace_back(x[i], y[i]);
  std::sort(rows.begin(), rows.end());
  const auto n = static_cast<std::int64_t>(rows.size());
  const std::int64_t all = n * (n - 1) / 2;
  std::int64_t tied_x = 0, tied_xy = 0;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i + 1;
    while (j < rows.size() && rows[j].first == rows[i].first) ++j;
    const auto t = static_cast<std::int64_t>(j - i);
    tied_x += t * (t - 1) / 2;
    for (std::size_t a = i; a < j;) {  // runs of equal y inside the x group (y is sorted there)
      std::size_t b = a + 1;
      while (b < j && rows[b].second == rows[a].second) ++b;
      const auto u = static_cast<std::int64_t>(b - a);
      tied_xy += u * (u - 1) / 2;
      a = b;
    }
    i = j;
  }
  std::vector<double> ys(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) ys[i] = rows[i].second;
  const std::int64_t discordant = count_inversions(ys);  // ys is sorted afterwards
  const std::int64_t tied_y = tied_pairs(ys);
  const std::int64_t concordant = all - tied_x - tied_y + tied_xy - discordant;
  return {concordant, discordant};
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

class KendallRankCorrCoef final : public Metric {
 public:
  explicit KendallRankCorrCoef(Options o)
      : Metric(std::move(o)),
        variant_(options().get_string("variant")[0]),
        t_test_(options().get_bool("t_test")),
        num_outputs_(options().get_int("num_outputs")) {
    if (t_test_ && options().is_null("alternative"))
      fail(name(), ": option 'alternative' is required when t_test is true, got null");
    if (t_test_) alternative_ = options().get_string("alternative");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    regression::rows_for_outputs(name(), in[0], num_outputs_);
    preds_.append(s, std::span<const double>(to_doubles(in[0])));
    target_.append(s, std::span<const double>(to_doubles(in[1])));
  }

  Result compute_state(const State& s) const override {
    regression::require_updated(name(), s);
    auto p = preds_.span(s);
    auto t = target_.span(s);
    const auto k = static_cast<std::size_t>(num_outputs_);
    const std::size_t rows = p.size() / k;
    Tensor tau, p_value;
    tau.shape = p_value.shape = {num_outputs_};
    std::vector<double> x(rows), y(rows);
    for (std::size_t j = 0; j < k; ++j) {
      for (std::size_t i = 0; i < rows; ++i) {
        x[i] = p[i * k + j];
        y[i] = t[i * k + j];
      }
      auto [c, d] = count_pairs(x, y);
      const Ties tx = ties_of(x), ty = ties_of(y);
      const double n = static_cast<double>(rows);
      const double diff = static_cast<double>(c - d);
      tau.data.push_back(regression::clamp_unit(tau_of(n, static_cast<double>(c), static_cast<double>(d), tx, ty)));
      if (t_test_) p_value.data.push_back(p_value_of(n, diff, tx, ty));
    }
    if (!t_test_) return Result::squeezed(std::move(tau));
    return Result::dict({{"tau", Result::squeezed(std::move(tau))}, {"p_value", Result::squeezed(std::move(p_value))}});
  }

 private:
  double tau_of(double n, double c, double d, const Ties& tx, const Ties& ty) const {
    if (variant_ == 'a') return (c - d) / (c + d);
    if (variant_ == 'b') {
      const double all = n * (n - 1) / 2;
      return (c - d) / std::sqrt((all - tx.pairs) * (all - ty.pairs));
    }
    const double m = std::min(tx.distinct, ty.distinct);
    return 2 * (c - d) / ((m - 1) / m * n * n);
  }

  double p_value_of(double n, double diff, const Ties& tx, const Ties& ty) const {
    const double base = n * (n - 1) * (2 * n + 5);
    double t_value;
    if (variant_ == 'a') {
      t_value = 3 * diff / std::sqrt(base / 2);
    } else {
      const double m = n * (n - 1);
      double denom = (base - tx.p2 - ty.p2) / 18;
      denom += 2 * tx.pairs * ty.pairs / m;
      denom += tx.p1 * ty.p1 / (9 * m * (n - 2));
      t_value = diff / std::sqrt(denom);
    }
    if (std::isnan(t_value)) return t_value;
    if (alternative_ == "less") return normal_cdf(t_value);
    if (alternative_ == "greater") return normal_cdf(-t_value);
    return 2 * normal_cdf(-std::fabs(t_value));  // two-sided
  }

  char variant_;
  bool t_test_;
  std::string alternative_;
  std::int64_t num_outputs_;
  StateSlot<double> preds_ = declare_state<double>("preds", Reduction::cat, {0, num_outputs_});
  StateSlot<double> target_ = declare_state<double>("target", Reduction::cat, {0, num_outputs_});
};

}  // namespace

WASMETRICS_COLD MetricSpec kendall_rank_corr_coef_spec() {
  return {
      .name = "KendallRankCorrCoef",
      .family = "regression",
      .doc = "Kendall rank correlation tau (variant a, b or c) per output, optionally with a t-test p-value.",
      .inputs = {{"preds", false, "predictions, [N] or [N, num_outputs]"}, {"target", false, "targets, same shape"}},
      .options =
          {
              {.name = "variant",
               .type = OptionType::string,
               .default_value = "b",
               .choices = {"a", "b", "c"},
               .doc = "tau-a (no tie correction), tau-b (ties adjusted) or tau-c (Stuart's, for rectangular tables)"},
              {.name = "t_test",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return the p-value of the test of tau against 0, as {tau, p_value}"},
              {.name = "alternative",
               .type = OptionType::string,
               .default_value = "two-sided",
               .choices = {"two-sided", "less", "greater"},
               .nullable = true,
               .doc = "alternative hypothesis of the t-test (used only with t_test; required then)"},
              regression::num_outputs_option(", each correlated separately"),
          },
      .make = [](const Options& o) { return std::make_unique<KendallRankCorrCoef>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: KendallRankCorrCoef()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 1.0]}}], "expected": {"shape": [], "data": [0.3333]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: KendallRankCorrCoef(num_outputs=2)", "args": {"num_outputs": 2}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 2], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [2, 2], "data": [3.0, -0.5, 2.0, 1.0]}}], "expected": {"shape": [2], "data": [1, 1]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: KendallRankCorrCoef(t_test=True, alternative='two-sided')", "args": {"t_test": true, "alternative": "two-sided"}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [2.5, 0.0, 2.0, 8.0]}, "target": {"dtype": "float32", "shape": [4], "data": [3.0, -0.5, 2.0, 1.0]}}], "expected": {"tau": {"shape": [], "data": [0.3333]}, "p_value": {"shape": [], "data": [0.4969]}}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
