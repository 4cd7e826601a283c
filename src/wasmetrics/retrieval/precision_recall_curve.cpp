// RetrievalPrecisionRecallCurve and RetrievalRecallAtFixedPrecision (TorchMetrics
// retrieval/precision_recall_curve.py): per query, precision@k and recall@k for k = 1..max_k,
// aggregated position by position over queries; RecallAtFixedPrecision then takes the largest
// (recall, k) whose aggregated precision reaches min_precision.
#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/retrieval/retrieval_metric.hpp"

namespace wasmetrics {
namespace retrieval {
namespace {

struct Curves {
  std::size_t max_k = 0;
  std::vector<std::vector<float>> precision, recall;  // one row per kept query (nullopt rows: skipped)
  std::vector<bool> kept;                             // per query of the grouping
};

class PrecisionRecallCurveMetric final : public RetrievalMetric {
 public:
  PrecisionRecallCurveMetric(Options o, bool at_fixed_precision)
      : RetrievalMetric(std::move(o), false), at_fixed_precision_(at_fixed_precision) {
    if (!options().is_null("max_k")) max_k_ = options().get_int("max_k");
    adaptive_ = options().get_bool("adaptive_k");
    if (at_fixed_precision) min_precision_ = static_cast<float>(options().get_number("min_precision"));
  }

 protected:
  float query_value(const QueryRows&) const override { return 0.0f; }  // curves: see compute_state

  Result compute_state(const State& s) const override {
    const GroupedRows g = grouped(s);
    const Curves c = curves(g);
    std::vector<float> precision(c.max_k), recall(c.max_k), column;
    std::size_t kept = 0;
    for (bool k : c.kept) kept += k ? 1 : 0;
    if (kept) {
      for (std::size_t j = 0; j < c.max_k; ++j) {
        column.clear();
        for (auto& row : c.precision) column.push_back(row[j]);
        precision[j] = aggregate(column, aggregation_);
        column.clear();
        for (auto& row : c.recall) column.push_back(row[j]);
        recall[j] = aggregate(column, aggregation_);
      }
    }
    if (at_fixed_precision_) {
      auto [r, k] = best_recall(precision, recall);
      return Result::dict({{"recall", Result::scalar(r)}, {"top_k", Result::scalar(static_cast<double>(k))}});
    }
    return Result::dict({{"precision", as_result(std::vector<double>(precision.begin(), precision.end()))},
                         {"recall", as_result(std::vector<double>(recall.begin(), recall.end()))},
                         {"top_k", as_result(top_ks(c.max_k))}});
  }

  // per_query: each query's own curve (PrecisionRecallCurve, [Q, max_k]) or its own best recall
  // and k (RecallAtFixedPrecision); NaN rows for queries skipped by empty_target_action='skip'.
  Result query_state(const std::string&, const Options&, const State& s) const override {
    const GroupedRows g = grouped(s);
    const Curves c = curves(g);
    auto fields = query_columns(g, name());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto Q = static_cast<std::int64_t>(g.queries());
    std::vector<double> precision, recall, best_r, best_k;
    for (std::size_t q = 0, row = 0; q < g.queries(); ++q) {
      if (!c.kept[q]) {
        precision.insert(precision.end(), c.max_k, nan);
        recall.insert(recall.end(), c.max_k, nan);
        best_r.push_back(nan);
        best_k.push_back(nan);
        continue;
      }
      precision.insert(precision.end(), c.precision[row].begin(), c.precision[row].end());
      recall.insert(recall.end(), c.recall[row].begin(), c.recall[row].end());
      auto [r, k] = best_recall(c.precision[row], c.recall[row]);
      best_r.push_back(r);
      best_k.push_back(static_cast<double>(k));
      ++row;
    }
    if (at_fixed_precision_) {
      fields.emplace_back("recall", Result(Tensor::vector(std::move(best_r))));
      fields.emplace_back("top_k", Result(Tensor::vector(std::move(best_k))));
    } else {
      const auto K = static_cast<std::int64_t>(c.max_k);
      fields.emplace_back("precision", Result(Tensor{std::move(precision), {Q, K}}));
      fields.emplace_back("recall", Result(Tensor{std::move(recall), {Q, K}}));
      fields.emplace_back("top_k", Result(Tensor::vector(top_ks(c.max_k))));
    }
    return Result::dict(std::move(fields));
  }

 private:
  static Result as_result(std::vector<double> v) { return Result::squeezed(Tensor::vector(std::move(v))); }
  static std::vector<double> top_ks(std::size_t max_k) {
    std::vector<double> k(max_k);
    for (std::size_t j = 0; j < max_k; ++j) k[j] = static_cast<double>(j + 1);
    return k;
  }

  Curves curves(const GroupedRows& g) const {
    Curves c;
    if (max_k_) {
      c.max_k = static_cast<std::size_t>(max_k_);
    } else {
      for (std::size_t q = 0; q < g.queries(); ++q) c.max_k = std::max(c.max_k, g.query(q).size());
    }
    for (std::size_t q = 0; q < g.queries(); ++q) {
      const QueryRows rows = g.query(q);
      if (is_empty(rows)) {
        auto v = empty_value();
        c.kept.push_back(v.has_value());
        if (v) {
          c.precision.emplace_back(c.max_k, *v);
          c.recall.emplace_back(c.max_k, *v);
        }
        continue;
      }
      c.kept.push_back(true);
      const std::size_t n = rows.size();
      double total = 0;
      for (float t : rows.target) total += t;
      std::vector<float> p(c.max_k), r(c.max_k);
      double relevant = 0;
      for (std::size_t j = 0; j < c.max_k; ++j) {
        if (j < n) relevant += rows.target[j];
        // adaptive_k: beyond the query's documents, divide by their count instead of by k
        const std::size_t k = adaptive_ && j + 1 > n ? n : j + 1;
        p[j] = static_cast<float>(relevant) / static_cast<float>(k);
        r[j] = static_cast<float>(relevant) / static_cast<float>(total);
      }
      c.precision.push_back(std::move(p));
      c.recall.push_back(std::move(r));
    }
    return c;
  }

  // max((recall, k)) over the k whose precision >= min_precision (largest k among equal recalls);
  // k = max_k when none qualifies or the best recall is 0.
  std::pair<double, std::size_t> best_recall(const std::vector<float>& precision,
                                             const std::vector<float>& recall) const {
    float best = 0.0f;
    std::size_t best_k = 0;
    bool any = false;
    for (std::size_t j = 0; j < precision.size(); ++j) {
      if (!(precision[j] >= min_precision_)) continue;
      if (!any || recall[j] >= best) {
        best = recall[j];
        best_k = j + 1;
        any = true;
      }
    }
    if (!any || best == 0.0f) best_k = precision.size();
    return {static_cast<double>(best), best_k};
  }

  bool at_fixed_precision_;
  std::int64_t max_k_ = 0;  // 0: the largest query's document count
  bool adaptive_ = false;
  float min_precision_ = 0.0f;
};

MetricExample curve_example(Json args, Json expected) {
  return {.doc = "TorchMetrics' docstring example: two queries",
          .args = std::move(args),
          .batches = example_batch({0.4, 0.01, 0.5, 0.6, 0.2, 0.3, 0.5}, {1, 0, 0, 1, 1, 0, 1}, {0, 0, 0, 0, 1, 1, 1}),
          .expected = std::move(expected),
          .atol = 5e-5};
}

MetricSpec curve_spec(std::string name, bool at_fixed_precision, std::string doc, MetricExample example) {
  std::vector<OptionSpec> opts;
  if (at_fixed_precision)
    opts.push_back({.name = "min_precision",
                    .type = OptionType::number,
                    .default_value = 0.0,
                    .min = 0.0,
                    .max = 1.0,
                    .doc = "the aggregated precision a k must reach (compared in float32)"});
  opts.push_back(max_k_option());
  opts.push_back(adaptive_k_option("k"));
  opts.push_back(empty_target_action_option("neg", false));
  opts.push_back(ignore_index_option());
  opts.push_back(aggregation_option());
  return {.name = std::move(name),
          .family = "retrieval",
          .doc = std::move(doc) + memory_doc(false),
          .inputs = retrieval_inputs(false),
          .options = std::move(opts),
          .make = [at_fixed_precision](
                      const Options& o) { return std::make_unique<PrecisionRecallCurveMetric>(o, at_fixed_precision); },
          .queries = {per_query_spec()},
          .examples = {std::move(example)}};
}

}  // namespace
}  // namespace retrieval

MetricSpec retrieval_precision_recall_curve_spec() {
  auto vec = [](std::vector<double> v) { return Json{{"shape", {v.size()}}, {"data", v}}; };
  return retrieval::curve_spec(
      "RetrievalPrecisionRecallCurve", false,
      "Precision@k and recall@k for k = 1..max_k, each aggregated over queries: {precision, recall, top_k}.",
      retrieval::curve_example({{"max_k", 4}}, {{"precision", vec({1.0, 0.5, 0.6667, 0.5})},
                                                {"recall", vec({0.5, 0.5, 1.0, 1.0})},
                                                {"top_k", vec({1, 2, 3, 4})}}));
}
MetricSpec retrieval_recall_at_fixed_precision_spec() {
  return retrieval::curve_spec(
      "RetrievalRecallAtFixedPrecision", true,
      "The best aggregated recall@k among the k whose aggregated precision@k reaches min_precision: {recall, top_k}.",
      retrieval::curve_example({{"min_precision", 0.8}}, {{"recall", {{"shape", Json::array()}, {"data", {0.5}}}},
                                                          {"top_k", {{"shape", Json::array()}, {"data", {1}}}}}));
}

}  // namespace wasmetrics
