// Metrics that count relevant (or non-relevant) documents among a query's k best-scored ones:
// RetrievalPrecision, RetrievalRecall, RetrievalFallOut, RetrievalHitRate, RetrievalRPrecision
// (TorchMetrics functional/retrieval/{precision,recall,fall_out,hit_rate,r_precision}.py).
#include <algorithm>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/retrieval/retrieval_metric.hpp"

namespace wasmetrics {
namespace retrieval {
namespace {

// How many of the first k rows (score descending) have target 1 (or 0 with `negatives`).
double count_in_top(const QueryRows& q, std::size_t k, bool negatives = false) {
  const auto top = xt::view(q.target_x(), xt::range(0, std::min(k, q.size())));
  return negatives ? run_sum(1.0 - top) : run_sum(top);
}

double total(const QueryRows& q, bool negatives = false) { return count_in_top(q, q.size(), negatives); }

enum class CountKind { precision, recall, fall_out, hit_rate, r_precision };

class TopKCountMetric final : public RetrievalMetric {
 public:
  TopKCountMetric(Options o, CountKind kind)
      : RetrievalMetric(std::move(o), false, kind == CountKind::fall_out), kind_(kind) {
    if (kind != CountKind::r_precision && !options().is_null("top_k")) top_k_ = options().get_int("top_k");
    if (kind == CountKind::precision) adaptive_ = options().get_bool("adaptive_k");
  }

 protected:
  float query_value(const QueryRows& q) const override {
    // Counts in the top k read the ranked rows only (all rows unless neg_inf_not_retrieved);
    // totals read every row.
    const std::size_t n = ranked(q);
    const QueryRows top = q.first(n);
    std::size_t k = top_k_ ? static_cast<std::size_t>(top_k_) : n;
    switch (kind_) {
      case CountKind::precision:
        if (adaptive_ && k > n) k = n;
        return k ? static_cast<float>(count_in_top(top, k)) / static_cast<float>(k) : 0.0f;
      case CountKind::recall:
        return static_cast<float>(count_in_top(top, k)) / static_cast<float>(total(q));
      case CountKind::fall_out:
        return static_cast<float>(count_in_top(top, k, true)) / static_cast<float>(total(q, true));
      case CountKind::hit_rate:
        return count_in_top(top, k) > 0 ? 1.0f : 0.0f;
      case CountKind::r_precision: {
        const double r = total(q);
        return static_cast<float>(count_in_top(top, static_cast<std::size_t>(r))) / static_cast<float>(r);
      }
    }
    return 0.0f;
  }

 private:
  CountKind kind_;
  std::int64_t top_k_ = 0;  // 0: every document
  bool adaptive_ = false;
};

// The docstring example shared by these metrics (TorchMetrics 1.5.2 retrieval/*.py).
MetricExample docstring_example(Json args, double expected, bool hit_rate_target = false) {
  std::vector<int> target =
      hit_rate_target ? std::vector<int>{1, 0, 0, 0, 1, 0, 1} : std::vector<int>{0, 0, 1, 0, 1, 0, 1};
  return {.doc = "TorchMetrics' docstring example: two queries",
          .args = std::move(args),
          .batches = example_batch({0.2, 0.3, 0.5, 0.1, 0.3, 0.5, 0.2}, target, {0, 0, 0, 1, 1, 1, 1}),
          .expected = {{"shape", Json::array()}, {"data", {expected}}},
          .atol = 5e-5};
}

WASMETRICS_COLD MetricSpec count_spec(std::string name, CountKind kind, std::string doc, MetricExample example) {
  const bool negatives = kind == CountKind::fall_out;
  std::vector<OptionSpec> opts = {empty_target_action_option(negatives ? "pos" : "neg", negatives),
                                  ignore_index_option()};
  if (kind != CountKind::r_precision) opts.push_back(top_k_option());
  if (kind == CountKind::precision) opts.push_back(adaptive_k_option("top_k"));
  opts.push_back(aggregation_option());
  opts.push_back(not_retrieved_option());
  return {.name = std::move(name),
          .family = "retrieval",
          .doc = std::move(doc) + memory_doc(false),
          .inputs = retrieval_inputs(false),
          .options = std::move(opts),
          .make = [kind](const Options& o) { return std::make_unique<TopKCountMetric>(o, kind); },
          .queries = {per_query_spec()},
          .examples = {std::move(example)}};
}

}  // namespace
}  // namespace retrieval

using retrieval::CountKind;

WASMETRICS_COLD MetricSpec retrieval_precision_spec() {
  return retrieval::count_spec(
      "RetrievalPrecision", CountKind::precision,
      "Precision@k per query (relevant among the top k, divided by k), aggregated over queries.",
      retrieval::docstring_example({{"top_k", 2}}, 0.5));
}
WASMETRICS_COLD MetricSpec retrieval_recall_spec() {
  return retrieval::count_spec("RetrievalRecall", CountKind::recall,
                               "Recall@k per query (relevant among the top k, divided by all relevant), aggregated.",
                               retrieval::docstring_example({{"top_k", 2}}, 0.75));
}
WASMETRICS_COLD MetricSpec retrieval_fall_out_spec() {
  return retrieval::count_spec("RetrievalFallOut", CountKind::fall_out,
                               "Fall-out@k per query (non-relevant among the top k, divided by all non-relevant); a "
                               "query without a negative target is the empty one (default: counts 1).",
                               retrieval::docstring_example({{"top_k", 2}}, 0.5));
}
WASMETRICS_COLD MetricSpec retrieval_hit_rate_spec() {
  return retrieval::count_spec("RetrievalHitRate", CountKind::hit_rate,
                               "Hit rate@k per query (1 if any relevant document is in the top k), aggregated.",
                               retrieval::docstring_example({{"top_k", 2}}, 0.5, true));
}
WASMETRICS_COLD MetricSpec retrieval_r_precision_spec() {
  return retrieval::count_spec(
      "RetrievalRPrecision", CountKind::r_precision,
      "R-precision per query (precision at R, R = the number of relevant documents), aggregated.",
      retrieval::docstring_example(Json::object(), 0.75));
}

}  // namespace wasmetrics
