// Chance-corrected agreement of raters who each label every unit with a class index, float64:
//  - CohenKappaRaters: two raters (columns A, B); kappa = 1 - Σ w·O / Σ w·E over the A x B table O
//    and its independence table E, weights none (1 - I), linear |i - j| or quadratic (i - j)²
//    (= scikit-learn cohen_kappa_score(A, B, labels=range(num_classes), weights)).
//  - ScottsPi: two raters; pi = (Po - Pe) / (1 - Pe), Pe from the classes' shares pooled over both.
//  - FleissKappaRaters: R >= 2 raters; Fleiss' kappa of the per-unit class counts, exact (no epsilon,
//    unlike TorchMetrics' FleissKappa).
// States: Cohen/Scott the num_classes² table (int64, sum): 8·C² B. Fleiss: units, Σ count², the
// class totals [C] (int64, sum) and `coders` (every update must have the same number of raters):
// 8·(C + 3) B. None grows with the number of units.
#include <cmath>
#include <limits>

#include "wasmetrics/agreement/cohen_kappa.hpp"
#include "wasmetrics/agreement/ratings.hpp"
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics {
namespace {

using agreement::disagreement_weights_option;
using agreement::num_classes_option;
using agreement::required_classes;

enum class PairStatistic { cohen, scott };

class TwoRaterAgreement final : public Metric {
 public:
  TwoRaterAgreement(Options o, PairStatistic stat)
      : Metric(std::move(o)), stat_(stat), classes_(required_classes(name(), options())) {
    if (options().json().contains("weights") && !options().is_null("weights"))
      weights_ = options().get_string("weights");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    agreement::require_matrix(name(), in[0]);
    if (in[0].shape[1] != 2)
      fail(name(), " needs exactly 2 coders (columns), got ", in[0].shape[1], " (shape ", shape_str(in[0].shape), ")");
    auto labels = agreement::class_indices(name(), in[0], classes_);
    auto table = confmat_.span(s);
    for (std::size_t i = 0; i + 1 < labels.size(); i += 2)
      ++table[static_cast<std::size_t>(labels[i] * classes_ + labels[i + 1])];
  }

  Result compute_state(const State& s) const override {
    auto table = confmat_.span(s);
    const auto c = static_cast<std::size_t>(classes_);
    std::vector<double> rows(c, 0.0), cols(c, 0.0);
    double n = 0, agree = 0;
    for (std::size_t i = 0; i < c; ++i)
      for (std::size_t j = 0; j < c; ++j) {
        const double v = static_cast<double>(table[i * c + j]);
        rows[i] += v;
        cols[j] += v;
        n += v;
        if (i == j) agree += v;
      }
    if (stat_ == PairStatistic::scott) {
      double pe = 0;
      for (std::size_t k = 0; k < c; ++k) {
        const double p = (rows[k] + cols[k]) / (2 * n);
        pe += p * p;
      }
      const double po = agree / n;
      return Result::scalar((po - pe) / (1 - pe));
    }
    return Result::scalar(agreement::cohen_kappa(table, c, weights_));
  }

  bool results_are_per_class() const override { return false; }

 private:
  PairStatistic stat_;
  std::int64_t classes_;
  std::string weights_;
  StateSlot<std::int64_t> confmat_ = declare_state<std::int64_t>("confmat", Reduction::sum, {classes_, classes_});
};

class FleissKappaRaters final : public Metric {
 public:
  explicit FleissKappaRaters(Options o) : Metric(std::move(o)), classes_(required_classes(name(), options())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    agreement::require_matrix(name(), in[0]);
    const std::int64_t units = in[0].shape[0], raters = in[0].shape[1];
    if (raters < 2) fail(name(), " needs at least 2 coders (columns), got ", raters);
    auto labels = agreement::class_indices(name(), in[0], classes_);
    auto totals = class_totals_.span(s);
    std::vector<std::int64_t> counts(static_cast<std::size_t>(classes_));
    std::int64_t sum_squares = 0;
    for (std::int64_t u = 0; u < units; ++u) {
      std::fill(counts.begin(), counts.end(), 0);
      for (std::int64_t r = 0; r < raters; ++r)
        ++counts[static_cast<std::size_t>(labels[static_cast<std::size_t>(u * raters + r)])];
      for (std::size_t k = 0; k < counts.size(); ++k) {
        sum_squares += counts[k] * counts[k];
        totals[k] += counts[k];
      }
    }
    units_.value(s) = units;
    sum_squares_.value(s) = sum_squares;
    coders_.value(s) = raters;
  }

  void merge_custom(State& into, const State& from) const override {
    agreement::merge_coders(name(), coders_, into, from);
  }

  Result compute_state(const State& s) const override {
    const double units = count_at(units_.var(s), 0);
    const double raters = static_cast<double>(coders_.value(s));
    const double sum_squares = count_at(sum_squares_.var(s), 0);
    const double p_bar = (sum_squares - units * raters) / (units * raters * (raters - 1));
    double pe = 0;
    for (double t : counts_of(class_totals_.var(s))) {
      const double p = t / (units * raters);
      pe += p * p;
    }
    return Result::scalar((p_bar - pe) / (1 - pe));
  }

  bool results_are_per_class() const override { return false; }

 private:
  std::int64_t classes_;
  StateSlot<std::int64_t> units_ = declare_state<std::int64_t>("units", Reduction::sum, {});
  StateSlot<std::int64_t> sum_squares_ = declare_state<std::int64_t>("sum_squares", Reduction::sum, {});
  StateSlot<std::int64_t> class_totals_ = declare_state<std::int64_t>("class_totals", Reduction::sum, {classes_});
  agreement::CodersSlot coders_ = agreement::declare_coders(state_layout());
};

InputSpec ratings_input(const char* doc) { return {"ratings", false, doc}; }

// Reference computation: A = [0, 1, 1, 0], B = [0, 1, 0, 0]: Po = 3/4; Cohen Pe = (2·3 + 2·1)/16 = 1/2,
// kappa = 1/2; Scott p = (5/8, 3/8), Pe = 34/64, pi = 14/30.
Json two_rater_batches() {
  return Json::array({{{"ratings", example_tensor("int64", {4, 2}, {0, 0, 1, 1, 1, 0, 0, 0})}}});
}

}  // namespace

WASMETRICS_COLD MetricSpec cohen_kappa_raters_spec() {
  return {
      .name = "CohenKappaRaters",
      .family = "agreement",
      .doc = "Cohen's kappa of two raters (columns), unweighted or with linear / quadratic weights.",
      .inputs = {ratings_input("[units, 2] class indices, one column per rater")},
      .options = {num_classes_option(), disagreement_weights_option()},
      .make = [](const Options& o) { return std::make_unique<TwoRaterAgreement>(o, PairStatistic::cohen); },
      .examples = {{.doc = "Po = 3/4, Pe = 1/2: kappa = 1/2",
                    .args = {{"num_classes", 2}},
                    .batches = two_rater_batches(),
                    .expected = example_scalar(0.5)}},
  };
}

WASMETRICS_COLD MetricSpec scotts_pi_spec() {
  return {
      .name = "ScottsPi",
      .family = "agreement",
      .doc = "Scott's pi of two raters (columns): chance agreement from the pooled class shares.",
      .inputs = {ratings_input("[units, 2] class indices, one column per rater")},
      .options = {num_classes_option()},
      .make = [](const Options& o) { return std::make_unique<TwoRaterAgreement>(o, PairStatistic::scott); },
      .examples = {{.doc = "Po = 3/4, Pe = 34/64: pi = 14/30",
                    .args = {{"num_classes", 2}},
                    .batches = two_rater_batches(),
                    .expected = example_scalar(14.0 / 30.0)}},
  };
}

WASMETRICS_COLD MetricSpec fleiss_kappa_raters_spec() {
  return {
      .name = "FleissKappaRaters",
      .family = "agreement",
      .doc = "Fleiss' kappa of R >= 2 raters (columns) giving class indices, exact formula.",
      .inputs = {ratings_input("[units, raters] class indices, no missing rating")},
      .options = {num_classes_option()},
      .make = [](const Options& o) { return std::make_unique<FleissKappaRaters>(o); },
      .examples = {{.doc = "units [0, 0, 0] and [1, 1, 0]: P = (1, 1/3), p = (4/6, 2/6); (2/3 - 5/9) / (4/9) = 1/4",
                    .args = {{"num_classes", 2}},
                    .batches = Json::array({{{"ratings", example_tensor("int64", {2, 3}, {0, 0, 0, 1, 1, 0})}}}),
                    .expected = example_scalar(0.25)}},
  };
}

}  // namespace wasmetrics
