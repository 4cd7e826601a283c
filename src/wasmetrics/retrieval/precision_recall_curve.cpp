// RetrievalPrecisionRecallCurve and RetrievalRecallAtFixedPrecision (TorchMetrics
// retrieval/precision_recall_curve.py): per query, precision@k and recall@k for k = 1..max_k,
// aggregated position by position over queries; RecallAtFixedPrecision then takes the largest
// (recall, k) whose aggregated precision reaches min_precision.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/retrieval/retrieval_metric.hpp"

namespace wasmetrics {
namespace retrieval {
namespace {

struct Curves {
  std::size_t max_k = 0;
  xt::xtensor<float, 2> precision, recall;  // [kept queries, max_k]
  xt::xtensor<bool, 1> kept;                // per query of the grouping (false: skipped)
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
    const Curves c = curves(grouped(s));
    // aggregated position by position (column by column) over the kept queries; none: zeros
    xt::xtensor<float, 1> precision = xt::zeros<float>({c.max_k}), recall = xt::zeros<float>({c.max_k});
    if (c.precision.shape(0)) {
      precision = aggregate_columns(c.precision, aggregation_);
      recall = aggregate_columns(c.recall, aggregation_);
    }
    if (at_fixed_precision_) {
      auto [r, k] = best_recall(precision, recall);
      return Result::dict({{"recall", Result::scalar(r)}, {"top_k", Result::scalar(static_cast<double>(k))}});
    }
    return Result::dict({{"precision", as_result(xt::cast<double>(precision))},
                         {"recall", as_result(xt::cast<double>(recall))},
                         {"top_k", as_result(top_ks(c.max_k))}});
  }

  // per_query: each query's own curve (PrecisionRecallCurve, [Q, max_k]) or its own best recall
  // and k (RecallAtFixedPrecision); NaN rows for queries skipped by empty_target_action='skip'.
  Result query_state(const std::string&, const Options&, const State& s) const override {
    const GroupedRows g = grouped(s);
    const Curves c = curves(g);
    auto fields = query_columns(g, name());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t Q = g.queries(), K = c.max_k;
    xt::xtensor<double, 2> precision({Q, K}, nan), recall({Q, K}, nan);
    xt::xtensor<double, 1> best_r({Q}, nan), best_k({Q}, nan);
    for (std::size_t q = 0, row = 0; q < Q; ++q) {
      if (!c.kept(q)) continue;
      const auto p = xt::row(c.precision, static_cast<std::ptrdiff_t>(row));
      const auto r = xt::row(c.recall, static_cast<std::ptrdiff_t>(row));
      xt::row(precision, static_cast<std::ptrdiff_t>(q)) = xt::cast<double>(p);
      xt::row(recall, static_cast<std::ptrdiff_t>(q)) = xt::cast<double>(r);
      const auto [value, k] = best_recall(p, r);
      best_r(q) = value;
      best_k(q) = static_cast<double>(k);
      ++row;
    }
    if (at_fixed_precision_) {
      fields.emplace_back("recall", Result(Tensor::vector(as_std_vector(best_r))));
      fields.emplace_back("top_k", Result(Tensor::vector(as_std_vector(best_k))));
    } else {
      const auto dims = Shape{static_cast<std::int64_t>(Q), static_cast<std::int64_t>(K)};
      fields.emplace_back("precision", Result(Tensor{std::vector<double>(precision.begin(), precision.end()), dims}));
      fields.emplace_back("recall", Result(Tensor{std::vector<double>(recall.begin(), recall.end()), dims}));
      fields.emplace_back("top_k", Result(Tensor::vector(as_std_vector(top_ks(K)))));
    }
    return Result::dict(std::move(fields));
  }

 private:
  static Result as_result(const xt::xtensor<double, 1>& v) {
    return Result::squeezed(Tensor::vector(as_std_vector(v)));
  }
  static xt::xtensor<double, 1> top_ks(std::size_t max_k) {
    return xt::arange<double>(1.0, static_cast<double>(max_k) + 1.0);
  }

  Curves curves(const GroupedRows& g) const {
    Curves c;
    const std::size_t Q = g.queries();
    c.max_k = max_k_ ? static_cast<std::size_t>(max_k_) : xt::amax(xt::diff(adapt_1d(g.offsets)))();
    // Which queries count (empty_target_action, in query order: 'error' throws at the first).
    c.kept = xt::zeros<bool>({Q});
    xt::xtensor<bool, 1> empty = xt::zeros<bool>({Q});
    const std::optional<float> empty_as = empty_value();
    for (std::size_t q = 0; q < Q; ++q) {
      empty(q) = is_empty(g.query(q));
      c.kept(q) = !empty(q) || empty_as.has_value();
    }
    const auto kept = static_cast<std::size_t>(xt::sum(xt::cast<std::size_t>(c.kept))());
    c.precision = xt::empty<float>({kept, c.max_k});
    c.recall = xt::empty<float>({kept, c.max_k});
    const xt::xtensor<float, 1> k = xt::cast<float>(xt::arange<std::size_t>(1, c.max_k + 1));
    xt::xtensor<double, 1> relevant = xt::empty<double>({c.max_k});
    for (std::size_t q = 0, row = 0; q < Q; ++q) {
      if (!c.kept(q)) continue;
      auto p = xt::row(c.precision, static_cast<std::ptrdiff_t>(row));
      auto r = xt::row(c.recall, static_cast<std::ptrdiff_t>(row));
      ++row;
      if (empty(q)) {
        p = *empty_as;
        r = *empty_as;
        continue;
      }
      const QueryRows rows = g.query(q);
      const std::size_t n = rows.size(), m = std::min(n, c.max_k);
      // relevant among the first j + 1 rows; beyond the query's rows it stays at their total
      xt::view(relevant, xt::range(0, m)) = xt::cumsum(xt::cast<double>(xt::view(rows.target_x(), xt::range(0, m))));
      xt::view(relevant, xt::range(m, c.max_k)) = relevant(m - 1);
      const double total = run_sum(rows.target_x());
      // adaptive_k: beyond the query's documents, divide by their count instead of by k
      if (adaptive_)
        p = xt::cast<float>(relevant) / xt::minimum(k, static_cast<float>(n));
      else
        p = xt::cast<float>(relevant) / k;
      r = xt::cast<float>(relevant) / static_cast<float>(total);
    }
    return c;
  }

  // max((recall, k)) over the k whose precision >= min_precision (largest k among equal recalls);
  // k = max_k when none qualifies or the best recall is 0.
  template <class P, class R>
  std::pair<double, std::size_t> best_recall(const P& precision, const R& recall) const {
    const std::size_t K = precision.size();
    const auto qualifies = precision >= min_precision_;
    if (!xt::any(qualifies)) return {0.0, K};
    const float best = xt::amax(xt::where(qualifies, recall, -std::numeric_limits<float>::infinity()))();
    if (best == 0.0f) return {0.0, K};
    const xt::xtensor<bool, 1> at_best = qualifies && xt::equal(recall, best);
    return {static_cast<double>(best), K - xt::argmax(xt::flip(at_best, 0))()};
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

WASMETRICS_COLD MetricSpec curve_spec(std::string name, bool at_fixed_precision, std::string doc,
                                      MetricExample example) {
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

WASMETRICS_COLD MetricSpec retrieval_precision_recall_curve_spec() {
  auto vec = [](std::vector<double> v) { return Json{{"shape", {v.size()}}, {"data", v}}; };
  return retrieval::curve_spec(
      "RetrievalPrecisionRecallCurve", false,
      "Precision@k and recall@k for k = 1..max_k, each aggregated over queries: {precision, recall, top_k}.",
      retrieval::curve_example({{"max_k", 4}}, {{"precision", vec({1.0, 0.5, 0.6667, 0.5})},
                                                {"recall", vec({0.5, 0.5, 1.0, 1.0})},
                                                {"top_k", vec({1, 2, 3, 4})}}));
}
WASMETRICS_COLD MetricSpec retrieval_recall_at_fixed_precision_spec() {
  return retrieval::curve_spec(
      "RetrievalRecallAtFixedPrecision", true,
      "The best aggregated recall@k among the k whose aggregated precision@k reaches min_precision: {recall, top_k}.",
      retrieval::curve_example({{"min_precision", 0.8}}, {{"recall", {{"shape", Json::array()}, {"data", {0.5}}}},
                                                          {"top_k", {{"shape", Json::array()}, {"data", {1}}}}}));
}

}  // namespace wasmetrics
