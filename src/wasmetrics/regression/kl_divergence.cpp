// KLDivergence: KL(p || q) per row of two [N, D] inputs, as TorchMetrics
// (regression/kl_divergence.py). log_prob=false normalises each row to sum 1 and sums
// p log(p / q) (0 log 0 = 0); log_prob=true takes log-probabilities and sums exp(p) (p - q).
// reduction "mean"/"sum" keep a running sum and the row count; "none" (or null) keeps every row's
// value, returned as [N].
#include <cmath>
#include <vector>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class KLDivergence final : public Metric {
 public:
  explicit KLDivergence(Options o)
      : Metric(std::move(o)),
        log_prob_(options().get_bool("log_prob")),
        keep_rows_(options().is_null("reduction") || options().get_string("reduction") == "none"),
        sum_(!keep_rows_ && options().get_string("reduction") == "sum") {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& p = in[0];
    const TensorView& q = in[1];
    require_same_shape(name(), "p", p, "q", q);
    if (p.ndim() != 2)
      fail(name(), ": expected both `p` and `q` to be 2-D [N, D] distributions, got shape ", shape_str(p.shape));
    const auto rows = static_cast<std::size_t>(p.shape[0]);
    const auto d = static_cast<std::size_t>(p.shape[1]);
    std::vector<double> measures(rows, 0.0);
    if (log_prob_) {
      regression::for_each_pair(p, q,
                                [&](std::size_t i, double a, double b) { measures[i / d] += std::exp(a) * (a - b); });
    } else {
      std::vector<double> sum_p(rows, 0.0), sum_q(rows, 0.0);
      regression::for_each_pair(p, q, [&](std::size_t i, double a, double b) {
        sum_p[i / d] += a;
        sum_q[i / d] += b;
      });
      regression::for_each_pair(p, q, [&](std::size_t i, double a, double b) {
        const std::size_t r = i / d;
        const double pn = a / sum_p[r], qn = b / sum_q[r];
        if (pn != 0) measures[r] += pn * std::log(pn / qn);  // _safe_xlogy: 0 where p == 0
      });
    }
    if (keep_rows_) {
      measures_.append(s, std::span<const double>(measures));
    } else {
      double total = 0;
      for (double m : measures) total += m;
      measures_.value(s) = total;
      total_.value(s) = static_cast<std::int64_t>(rows);
    }
  }

  Result compute_state(const State& s) const override {
    auto m = measures_.span(s);
    if (keep_rows_) {
      regression::require_updated(name(), s);
      return Result::squeezed(Tensor::vector(std::vector<double>(m.begin(), m.end())));
    }
    if (sum_) return Result::scalar(m[0]);
    return Result::scalar(m[0] / count_at(total_.var(s), 0));
  }

 private:
  bool log_prob_;
  bool keep_rows_;
  bool sum_;
  // reduction none: every row's value; else their sum (with the row count either way)
  StateSlot<double> measures_ = keep_rows_ ? declare_state<double>("measures", Reduction::cat, {0})
                                           : declare_state<double>("measures", Reduction::sum, {});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec kl_divergence_spec() {
  return {
      .name = "KLDivergence",
      .family = "regression",
      .doc = "Kullback-Leibler divergence KL(p || q) of row distributions, reduced over rows.",
      .inputs = {{"p", false, "data distribution, [N, D] (probabilities or, with log_prob, log-probabilities)"},
                 {"q", false, "prior or approximating distribution, same shape and kind"}},
      .options =
          {
              {.name = "log_prob",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true: inputs are log-probabilities; false: non-negative weights, each row normalised to sum 1"},
              {.name = "reduction",
               .type = OptionType::string,
               .default_value = "mean",
               .choices = {"mean", "sum", "none"},
               .nullable = true,
               .doc = "over rows: 'mean', 'sum', or 'none'/null for one value per row"},
          },
      .make = [](const Options& o) { return std::make_unique<KLDivergence>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: KLDivergence()", "args": {}, "batches": [{"p": {"dtype": "float32", "shape": [1, 3], "data": [0.36, 0.48, 0.16]}, "q": {"dtype": "float32", "shape": [1, 3], "data": [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]}}], "expected": {"shape": [], "data": [0.0853]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
