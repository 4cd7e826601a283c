// The extrinsic clustering metrics (TorchMetrics clustering/): MutualInfoScore,
// NormalizedMutualInfoScore, AdjustedMutualInfoScore, RandScore, AdjustedRandScore,
// FowlkesMallowsIndex, HomogeneityScore, CompletenessScore, VMeasureScore. One state for all, the
// sparse contingency table of (target id, pred id) pairs (pair_table.hpp): 24 B per distinct pair,
// never per sample. Invalid inputs are reported at compute(), as TorchMetrics (deferred_error.hpp).
// Values are float64; TorchMetrics computes in float32 and its special cases are kept (QUIRKS-qa Q3).
#include <cmath>
#include <limits>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/clustering/expected_mutual_info.hpp"
#include "wasmetrics/clustering/pair_table.hpp"
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using clustering::Contingency;

enum class Score { mi, nmi, ami, rand, ari, fmi, homogeneity, completeness, v_measure };

// TorchMetrics works in float32: its epsilons are float32's.
constexpr double kFloat32Eps = 1.1920928955078125e-07;

// calculate_generalized_mean over the two entropies.
double generalized_mean(double x, double y, const std::string& method) {
  if (method == "min") return std::min(x, y);
  if (method == "max") return std::max(x, y);
  if (method == "geometric") return std::exp((std::log(x) + std::log(y)) / 2);
  return (x + y) / 2;
}

class ExtrinsicClustering final : public Metric {
 public:
  ExtrinsicClustering(Options o, Score score) : Metric(std::move(o)), score_(score) {
    if (options().json().contains("average_method")) average_ = options().get_string("average_method");
    if (options().json().contains("beta")) beta_ = options().get_number("beta");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    clustering::count_pairs(table_, s, in[0], in[1]);
  }

  void merge_custom(State& into, const State&) const override { clustering::compact_pair_table(table_, into); }

  Result compute_state(const State& s) const override {
    clustering::raise_recorded_problem(name(), table_.input_error, s);
    return Result::scalar(score(clustering::read_contingency(table_, s)));
  }

 private:
  clustering::PairTable table_ = clustering::declare_pair_table(state_layout());

  double score(const Contingency& c) const {
    switch (score_) {
      case Score::mi:
        return clustering::mutual_info(c);
      case Score::nmi: {
        const double mi = clustering::mutual_info(c);
        if (std::abs(mi) <= kFloat32Eps) return mi;  // torch.allclose(mi, 0, atol=eps)
        return mi / generalized_mean(clustering::entropy(c.pred_sizes, c.n), clustering::entropy(c.target_sizes, c.n),
                                     average_);
      }
      case Score::ami: {
        const double mi = clustering::mutual_info(c);
        const double emi = clustering::expected_mutual_info(c.target_sizes, c.pred_sizes, c.n);
        const double normalizer = generalized_mean(clustering::entropy(c.pred_sizes, c.n),
                                                   clustering::entropy(c.target_sizes, c.n), average_);
        double denominator = normalizer - emi;
        denominator = denominator < 0 ? std::min(denominator, -kFloat32Eps) : std::max(denominator, kFloat32Eps);
        return (mi - emi) / denominator;
      }
      case Score::rand:
      case Score::ari: {
        // The pair confusion matrix (calculate_pair_cluster_confusion_matrix).
        const auto sq = clustering::square_sums(c);
        const double n = static_cast<double>(c.n);
        const double tp = static_cast<double>(sq.cells - c.n);
        const double fn = static_cast<double>(sq.preds - sq.cells);   // pair_matrix[1, 0]
        const double fp = static_cast<double>(sq.target - sq.cells);  // pair_matrix[0, 1]
        const double tn = n * n - fp - fn - static_cast<double>(sq.cells);
        if (score_ == Score::rand) {
          const double numerator = tn + tp, denominator = tn + tp + fn + fp;
          if (numerator == denominator || denominator == 0) return 1.0;
          return numerator / denominator;
        }
        if (fn == 0 && fp == 0) return 1.0;
        return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
      }
      case Score::fmi: {
        const auto sq = clustering::square_sums(c);
        const double tk = static_cast<double>(sq.cells - c.n);
        if (tk == 0) return 0.0;
        const double pk = static_cast<double>(sq.preds - c.n), qk = static_cast<double>(sq.target - c.n);
        return std::sqrt(tk / pk) * std::sqrt(tk / qk);
      }
      case Score::homogeneity:
      case Score::completeness:
      case Score::v_measure: {
        if (c.n == 0) return 0.0;
        const double mi = clustering::mutual_info(c);
        const double h_target = clustering::entropy(c.target_sizes, c.n);
        const double h_preds = clustering::entropy(c.pred_sizes, c.n);
        const double homogeneity = h_target != 0 ? mi / h_target : 1.0;
        const double completeness = h_preds != 0 ? mi / h_preds : 1.0;
        if (score_ == Score::homogeneity) return homogeneity;
        if (score_ == Score::completeness) return completeness;
        if (homogeneity + completeness == 0) return 1.0;
        return (1 + beta_) * homogeneity * completeness / (beta_ * homogeneity + completeness);
      }
    }
    return std::numeric_limits<double>::quiet_NaN();
  }

  Score score_;
  std::string average_ = "arithmetic";
  double beta_ = 1.0;
};

std::vector<InputSpec> id_inputs() {
  return {{"preds", false, "predicted cluster ids [N] (any integer values)"},
          {"target", false, "ground-truth cluster ids [N] (any integer values)"}};
}

OptionSpec average_method_option() {
  return {.name = "average_method",
          .type = OptionType::string,
          .default_value = "arithmetic",
          .choices = {"min", "geometric", "arithmetic", "max"},
          .doc = "how the two entropies are averaged into the normaliser"};
}

// TorchMetrics' docstring data: preds [2, 1, 0, 1, 0], target [0, 2, 1, 1, 0].
Json docstring_batches() {
  return Json::array({{{"preds", example_tensor("int64", {5}, {2, 1, 0, 1, 0})},
                       {"target", example_tensor("int64", {5}, {0, 2, 1, 1, 0})}}});
}

MetricExample docstring_example(Json args, double printed) {
  return {.doc = "TorchMetrics' docstring example",
          .args = std::move(args),
          .batches = docstring_batches(),
          .expected = example_scalar(printed),
          .atol = 5e-5};
}

WASMETRICS_COLD MetricSpec extrinsic_spec(const char* name, const char* doc, Score score,
                                          std::vector<OptionSpec> options, std::vector<MetricExample> examples) {
  return {
      .name = name,
      .family = "clustering",
      .doc = doc,
      .inputs = id_inputs(),
      .options = std::move(options),
      .make = [score](const Options& o) { return std::make_unique<ExtrinsicClustering>(o, score); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = std::move(examples),
  };
}

}  // namespace

WASMETRICS_COLD MetricSpec mutual_info_score_spec() {
  return extrinsic_spec("MutualInfoScore", "Mutual information (nats) between two clusterings.", Score::mi, {},
                        {docstring_example(Json::object(), 0.5004)});
}

WASMETRICS_COLD MetricSpec normalized_mutual_info_score_spec() {
  return extrinsic_spec("NormalizedMutualInfoScore",
                        "Mutual information normalised by a mean of the two clusterings' entropies.", Score::nmi,
                        {average_method_option()}, {docstring_example({{"average_method", "arithmetic"}}, 0.4744)});
}

WASMETRICS_COLD MetricSpec adjusted_mutual_info_score_spec() {
  return extrinsic_spec("AdjustedMutualInfoScore",
                        "Mutual information adjusted for chance (exact expected MI, fast for thousands of clusters).",
                        Score::ami, {average_method_option()},
                        {docstring_example({{"average_method", "arithmetic"}}, -0.25)});
}

WASMETRICS_COLD MetricSpec rand_score_spec() {
  return extrinsic_spec("RandScore", "Rand index: the share of sample pairs on which two clusterings agree.",
                        Score::rand, {}, {docstring_example(Json::object(), 0.6)});
}

WASMETRICS_COLD MetricSpec adjusted_rand_score_spec() {
  return extrinsic_spec("AdjustedRandScore", "Rand index adjusted for chance.", Score::ari, {},
                        {{.doc = "TorchMetrics' docstring example: crossed clusterings",
                          .batches = Json::array({{{"preds", example_tensor("int64", {4}, {0, 0, 1, 1})},
                                                   {"target", example_tensor("int64", {4}, {0, 1, 0, 1})}}}),
                          .expected = example_scalar(-0.5),
                          .atol = 5e-5}});
}

WASMETRICS_COLD MetricSpec fowlkes_mallows_index_spec() {
  return extrinsic_spec("FowlkesMallowsIndex",
                        "Fowlkes-Mallows index: geometric mean of pairwise precision and recall.", Score::fmi, {},
                        {{.doc = "TorchMetrics' docstring example",
                          .batches = Json::array({{{"preds", example_tensor("int64", {5}, {2, 2, 0, 1, 0})},
                                                   {"target", example_tensor("int64", {5}, {2, 2, 1, 1, 0})}}}),
                          .expected = example_scalar(0.5),
                          .atol = 5e-5}});
}

WASMETRICS_COLD MetricSpec homogeneity_score_spec() {
  return extrinsic_spec("HomogeneityScore", "Homogeneity: each predicted cluster holds members of one target class.",
                        Score::homogeneity, {}, {docstring_example(Json::object(), 0.4744)});
}

WASMETRICS_COLD MetricSpec completeness_score_spec() {
  return extrinsic_spec("CompletenessScore", "Completeness: each target class falls in one predicted cluster.",
                        Score::completeness, {}, {docstring_example(Json::object(), 0.4744)});
}

WASMETRICS_COLD MetricSpec v_measure_score_spec() {
  return extrinsic_spec("VMeasureScore", "V-measure: weighted harmonic mean of homogeneity and completeness.",
                        Score::v_measure,
                        {{.name = "beta",
                          .type = OptionType::number,
                          .default_value = 1.0,
                          .min = 0.0,
                          .min_exclusive = true,
                          .doc = "weight of completeness against homogeneity (> 0)"}},
                        {docstring_example({{"beta", 2.0}}, 0.4744)});
}

}  // namespace wasmetrics
