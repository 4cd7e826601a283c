// MultilabelRankingAveragePrecision, MultilabelCoverageError, MultilabelRankingLoss (TorchMetrics
// 1.5.2, functional/classification/ranking.py). Each update adds a per-row sum and a row count:
//   measure  float64 [], Reduction::sum
//   total    float64 [], Reduction::sum
// Rows are the positions (n, ...) of [N, L, ...] inputs. Ignored entries take part as TorchMetrics
// leaves them: pred = target = -4L (not relevant, ranked below every score). Kept quirks:
// coverage adds |min pred| + 10 to the irrelevant scores of the whole batch, so a row without a
// relevant label covers 0 labels and a row with an ignored entry covers all L; ranking loss skips
// rows with 0 or L relevant labels but still counts them, and a batch where every row is skipped
// adds 0 to the measure and 1 to the total.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "wasmetrics/classification/float_scores.hpp"
#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace classification {
namespace {

enum class RankKind : std::uint8_t { average_precision, coverage, loss };

// (sum over rows, rows counted) of one batch
std::pair<double, double> coverage_of(const LabelScores& b) {
  const std::int64_t L = b.L;
  if (b.rows == 0) return {0.0, 0.0};
  double mn = *std::min_element(b.p.begin(), b.p.end());
  double offset = b.f32 ? static_cast<double>(std::fabs(static_cast<float>(mn)) + 10.0f) : std::fabs(mn) + 10.0;
  double sum = 0;
  for (std::int64_t r = 0; r < b.rows; ++r) {
    const double* p = b.p.data() + r * L;
    const std::uint8_t* t = b.t.data() + r * L;
    double row_min = std::numeric_limits<double>::infinity();
    for (std::int64_t l = 0; l < L; ++l) {
      double v = p[l];
      if (t[l] == 0) v = b.f32 ? static_cast<double>(static_cast<float>(v) + static_cast<float>(offset)) : v + offset;
      row_min = std::min(row_min, v);
    }
    std::int64_t cover = 0;
    for (std::int64_t l = 0; l < L; ++l) cover += p[l] >= row_min ? 1 : 0;
    sum += static_cast<double>(cover);
  }
  return {sum, static_cast<double>(b.rows)};
}

std::pair<double, double> ranking_ap_of(const LabelScores& b) {
  const std::int64_t L = b.L;
  double sum = 0;
  for (std::int64_t r = 0; r < b.rows; ++r) {
    const double* p = b.p.data() + r * L;
    const std::uint8_t* t = b.t.data() + r * L;
    std::int64_t nrel = 0;
    for (std::int64_t l = 0; l < L; ++l) nrel += t[l] == 1;
    if (nrel == 0 || nrel == L) {
      sum += 1.0;
      continue;
    }
    // rank of a score = how many scores are >= it (ties share the largest rank)
    double score = 0;
    for (std::int64_t j = 0; j < L; ++j) {
      if (t[j] != 1) continue;
      std::int64_t among_rel = 0, among_all = 0;
      for (std::int64_t k = 0; k < L; ++k) {
        if (p[k] >= p[j]) {
          ++among_all;
          if (t[k] == 1) ++among_rel;
        }
      }
      score += static_cast<double>(static_cast<float>(among_rel) / static_cast<float>(among_all));
    }
    sum += score / static_cast<double>(nrel);
  }
  return {sum, static_cast<double>(b.rows)};
}

std::pair<double, double> ranking_loss_of(const LabelScores& b) {
  const std::int64_t L = b.L;
  double sum = 0;
  bool any = false;
  std::vector<std::int64_t> order(static_cast<std::size_t>(L));
  for (std::int64_t r = 0; r < b.rows; ++r) {
    const double* p = b.p.data() + r * L;
    const std::uint8_t* t = b.t.data() + r * L;
    std::int64_t nrel = 0;
    for (std::int64_t l = 0; l < L; ++l) nrel += t[l] == 1;
    if (nrel == 0 || nrel == L) continue;
    any = true;
    // argsort(argsort(p)): ascending position of each label, ties in label order (stable)
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t c) { return p[a] < p[c]; });
    double per_label = 0;
    for (std::int64_t pos = 0; pos < L; ++pos)
      if (t[order[pos]] == 1) per_label += static_cast<double>(L - pos);
    double correction = 0.5 * static_cast<double>(nrel) * static_cast<double>(nrel + 1);
    double denom = static_cast<double>(nrel * (L - nrel));
    sum += (per_label - correction) / denom;
  }
  if (!any) return {0.0, 1.0};
  return {sum, static_cast<double>(b.rows)};
}

class RankingMetric final : public Metric {
 public:
  RankingMetric(Options o, RankKind kind) : Metric(std::move(o)), kind_(kind) {
    format_ = score_format(options(), Task::multilabel, LogitsTest::whole_tensor);
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    LabelScores b = multilabel_scores(format_, in[0], in[1]);
    auto [m, n] = kind_ == RankKind::coverage ? coverage_of(b)
                  : kind_ == RankKind::loss   ? ranking_loss_of(b)
                                              : ranking_ap_of(b);
    measure_.value(s) += m;
    total_.value(s) += n;
  }

  Result compute_state(const State& s) const override { return Result::scalar(measure_.value(s) / total_.value(s)); }

 private:
  InputFormat format_;
  RankKind kind_;
  StateSlot<double> measure_ = declare_state<double>("measure", Reduction::sum, {});
  StateSlot<double> total_ = declare_state<double>("total", Reduction::sum, {});
};

WASMETRICS_COLD MetricSpec ranking_spec(std::string name, RankKind kind, std::string doc,
                                        std::vector<MetricExample> examples) {
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = {{"preds", false, "[N, L, ...] probabilities or logits (sigmoid applied)"},
                 {"target", false, "[N, L, ...] 0/1 labels (or ignore_index)"}},
      .options = {num_labels_option(), ignore_index_option(), validate_args_option()},
      .make = [kind](const Options& o) { return std::make_unique<RankingMetric>(o, kind); },
      .examples = std::move(examples),
  };
}

}  // namespace
}  // namespace classification

using classification::RankKind;

WASMETRICS_COLD MetricSpec multilabel_ranking_average_precision_spec() {
  return classification::ranking_spec("MultilabelRankingAveragePrecision", RankKind::average_precision,
                                      "Label ranking average precision of multilabel scores (best 1).",
                                      examples_from_json(R"json([
        {"doc": "label ranking average precision of 3 samples", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [3, 3], "data": [0.75, 0.05, 0.35, 0.45, 0.75, 0.05, 0.05, 0.55, 0.75]}, "target": {"dtype": "int64", "shape": [3, 3], "data": [1, 0, 1, 1, 0, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [0.7777777778]}}
      ])json"));
}
WASMETRICS_COLD MetricSpec multilabel_coverage_error_spec() {
  return classification::ranking_spec("MultilabelCoverageError", RankKind::coverage,
                                      "How many top-ranked labels are needed to cover every true label, on average.",
                                      examples_from_json(R"json([
        {"doc": "mean over samples of the worst rank of a true label", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [3, 3], "data": [0.75, 0.05, 0.35, 0.45, 0.75, 0.05, 0.05, 0.55, 0.75]}, "target": {"dtype": "int64", "shape": [3, 3], "data": [1, 0, 1, 1, 0, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [2.3333333333]}}
      ])json"));
}
WASMETRICS_COLD MetricSpec multilabel_ranking_loss_spec() {
  return classification::ranking_spec(
      "MultilabelRankingLoss", RankKind::loss,
      "Fraction of (relevant, irrelevant) label pairs ranked the wrong way, per sample.", examples_from_json(R"json([
        {"doc": "fraction of (true, false) label pairs ranked the wrong way, averaged over samples", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [3, 3], "data": [0.75, 0.05, 0.35, 0.45, 0.75, 0.05, 0.05, 0.55, 0.75]}, "target": {"dtype": "int64", "shape": [3, 3], "data": [1, 0, 1, 1, 0, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [0.3333333333]}}
      ])json"));
}

}  // namespace wasmetrics
