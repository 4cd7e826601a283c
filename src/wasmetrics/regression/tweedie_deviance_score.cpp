// TweedieDevianceScore: mean Tweedie deviance of `preds` against `targets` for a given `power`,
// as TorchMetrics (regression/tweedie_deviance.py):
//   power 0: (t - p)²                          power 1 (Poisson): 2 (t log(t/p) + p - t), 0 log 0 = 0
//   power 2 (Gamma): 2 (log(p/t) + t/p - 1)    otherwise: 2 (max(t,0)^(2-q)/((1-q)(2-q)) - t p^(1-q)/(1-q) +
//   p^(2-q)/(2-q))
// 0 < power < 1 is undefined (rejected at construction); each power restricts the input's sign
// and an update that breaks it is rejected, with TorchMetrics' messages. NaN passes the checks.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class TweedieDevianceScore final : public Metric {
 public:
  explicit TweedieDevianceScore(Options o) : Metric(std::move(o)), power_(options().get_number("power")) {
    if (power_ > 0 && power_ < 1)
      fail(name(), ": Deviance Score is not defined for power=", power_, " (0 < power < 1)");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& targets = in[1];
    require_same_shape(name(), "preds", preds, "targets", targets);
    check_domain(preds, targets);
    const double q = power_;
    double sum = 0;
    if (q == 0) {
      regression::for_each_pair(preds, targets, [&](std::size_t, double p, double t) { sum += (t - p) * (t - p); });
    } else if (q == 1) {
      regression::for_each_pair(preds, targets, [&](std::size_t, double p, double t) {
        const double xlogy = t == 0 ? 0.0 : t * std::log(t / p);
        sum += 2 * (xlogy + p - t);
      });
    } else if (q == 2) {
      regression::for_each_pair(preds, targets,
                                [&](std::size_t, double p, double t) { sum += 2 * (std::log(p / t) + t / p - 1); });
    } else {
      regression::for_each_pair(preds, targets, [&](std::size_t, double p, double t) {
        const double t0 = t < 0 ? 0.0 : t;  // torch.max(t, 0): NaN stays NaN
        const double term1 = std::pow(t0, 2 - q) / ((1 - q) * (2 - q));
        const double term2 = t * std::pow(p, 1 - q) / (1 - q);
        const double term3 = std::pow(p, 2 - q) / (2 - q);
        sum += 2 * (term1 - term2 + term3);
      });
    }
    sum_deviance_score_.value(s) = sum;
    num_observations_.value(s) = preds.numel();
  }

  Result compute_state(const State& s) const override {
    return Result::scalar(sum_deviance_score_.value(s) / count_at(num_observations_.var(s), 0));
  }

 private:
  void check_domain(const TensorView& preds, const TensorView& targets) const {
    const double q = power_;
    if (q == 0) return;
    bool preds_nonpositive = false, targets_negative = false, targets_nonpositive = false;
    regression::for_each_pair(preds, targets, [&](std::size_t, double p, double t) {
      preds_nonpositive |= p <= 0;
      targets_negative |= t < 0;
      targets_nonpositive |= t <= 0;
    });
    if (q == 1 || (q > 1 && q < 2)) {
      if (preds_nonpositive || targets_negative)
        fail(name(), ": for power=", q, ", 'preds' has to be strictly positive and 'targets' cannot be negative");
    } else if (q < 0) {
      if (preds_nonpositive) fail(name(), ": for power=", q, ", 'preds' has to be strictly positive");
    } else if (preds_nonpositive || targets_nonpositive) {  // power >= 2
      fail(name(), ": for power=", q, ", both 'preds' and 'targets' have to be strictly positive");
    }
  }

  double power_;
  StateSlot<double> sum_deviance_score_ = declare_state<double>("sum_deviance_score", Reduction::sum, {});
  StateSlot<std::int64_t> num_observations_ = declare_state<std::int64_t>("num_observations", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec tweedie_deviance_score_spec() {
  return {
      .name = "TweedieDevianceScore",
      .family = "regression",
      .doc = "Mean Tweedie deviance (0 normal, 1 Poisson, 2 Gamma, other powers compound) over all elements.",
      .inputs = {{"preds", false, "predictions, any shape"}, {"targets", false, "targets, same shape"}},
      .options =
          {
              {.name = "power",
               .type = OptionType::number,
               .default_value = 0.0,
               .doc = "Tweedie power: <= 0, or >= 1 (0 < power < 1 is undefined)"},
          },
      .make = [](const Options& o) { return std::make_unique<TweedieDevianceScore>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: TweedieDevianceScore(power=2)", "args": {"power": 2}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [4.0, 3.0, 2.0, 1.0]}, "targets": {"dtype": "float32", "shape": [4], "data": [1.0, 2.0, 3.0, 4.0]}}], "expected": {"shape": [], "data": [1.2083]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
