// RetrievalNormalizedDCG (TorchMetrics functional/retrieval/ndcg.py): graded relevance; documents
// with tied scores share the mean gain of their group over the discounts of the positions they
// occupy (as scikit-learn's ndcg_score), so the value does not depend on the order of ties. The
// ideal DCG ranks the targets themselves. Discounts 1 / log2(rank + 1), zero beyond top_k.
#include <algorithm>
#include <cmath>
#include <functional>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/retrieval/retrieval_metric.hpp"

namespace wasmetrics {
namespace retrieval {
namespace {

class NormalizedDCG final : public RetrievalMetric {
 public:
  explicit NormalizedDCG(Options o) : RetrievalMetric(std::move(o), true) {
    if (!options().is_null("top_k")) top_k_ = options().get_int("top_k");
  }

 protected:
  float query_value(const QueryRows& q) const override {
    // The gain reads the ranked rows (all unless neg_inf_not_retrieved), the ideal every row.
    const std::size_t n = ranked(q), all = q.size();
    const std::size_t k = top_k_ ? std::min(n, static_cast<std::size_t>(top_k_)) : n;
    const std::size_t ideal_k = top_k_ ? std::min(all, static_cast<std::size_t>(top_k_)) : all;  // >= k
    // 1 / log2(rank + 1) for ranks 1..ideal_k; zero beyond the cut (not stored)
    const xt::xtensor<double, 1> discount = 1.0 / xt::log2(xt::arange<double>(2.0, static_cast<double>(ideal_k) + 2.0));
    // Tied scores share their group's mean gain: a hand loop over the groups (mostly single rows,
    // where per-group views cost more than the sums), groups starting beyond k add nothing.
    double gain = 0;
    for (std::size_t a = 0; a < n && a < k;) {
      std::size_t b = a + 1;
      while (b < n && q.scores[b] == q.scores[a]) ++b;
      double group_gain = 0, group_discount = 0;
      for (std::size_t i = a; i < b; ++i) {
        group_gain += q.target[i];
        if (i < k) group_discount += discount(i);
      }
      gain += group_gain / static_cast<double>(b - a) * group_discount;
      a = b;
    }
    // The ideal ranking: the ideal_k largest targets, in descending order.
    xt::xtensor<float, 1> ideal = q.target_x();
    std::partial_sort(ideal.begin(), ideal.begin() + static_cast<std::ptrdiff_t>(ideal_k), ideal.end(),
                      std::greater<float>());
    const double best = run_sum(discount * xt::view(ideal, xt::range(0, ideal_k)));
    return best == 0 ? 0.0f : static_cast<float>(gain / best);
  }

 private:
  std::int64_t top_k_ = 0;
};

}  // namespace
}  // namespace retrieval

WASMETRICS_COLD MetricSpec retrieval_normalized_dcg_spec() {
  using namespace retrieval;
  return {.name = "RetrievalNormalizedDCG",
          .family = "retrieval",
          .doc =
              "Normalized discounted cumulative gain@k per query, graded relevance, tied scores averaged (as "
              "scikit-learn's ndcg_score); aggregated over queries." +
              memory_doc(true),
          .inputs = retrieval_inputs(true),
          .options = {empty_target_action_option("neg", false), ignore_index_option(), top_k_option(),
                      aggregation_option(), not_retrieved_option()},
          .make = [](const Options& o) { return std::make_unique<NormalizedDCG>(o); },
          .queries = {per_query_spec()},
          .examples = {{.doc = "TorchMetrics' docstring example: two queries",
                        .batches = example_batch({0.2, 0.3, 0.5, 0.1, 0.3, 0.5, 0.2}, {0, 0, 1, 0, 1, 0, 1},
                                                 {0, 0, 0, 1, 1, 1, 1}),
                        .expected = {{"shape", Json::array()}, {"data", {0.8467}}},
                        .atol = 5e-5}}};
}

}  // namespace wasmetrics
