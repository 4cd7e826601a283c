// RetrievalMAP and RetrievalMRR (TorchMetrics functional/retrieval/average_precision.py,
// reciprocal_rank.py): read the ranks of the relevant documents among a query's top k.
// Their top_k is checked lazily, as TorchMetrics does (QUIRKS-text-retrieval TR5): 0 means every
// document, and k = min(top_k, documents) must be a non-negative integer when a query is scored.
#include <cmath>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/retrieval/retrieval_metric.hpp"

namespace wasmetrics {
namespace retrieval {
namespace {

class RankMetric final : public RetrievalMetric {
 public:
  RankMetric(Options o, bool reciprocal_rank) : RetrievalMetric(std::move(o), false), mrr_(reciprocal_rank) {
    if (!options().is_null("top_k")) top_k_ = options().get_number("top_k");
  }

 protected:
  float query_value(const QueryRows& q) const override {
    const std::size_t k = documents_considered(ranked(q));
    const auto top = xt::view(q.target_x(), xt::range(0, k));
    const auto relevant_in_top = top > 0.0f;
    if (mrr_) {
      if (!xt::any(relevant_in_top)) return 0.0f;
      return 1.0f / (static_cast<float>(xt::argmax(relevant_in_top)()) + 1.0f);
    }
    // mean over the relevant documents in the top k of (their rank among them) / (their rank),
    // each ratio in float32 as TorchMetrics computes it
    const auto found = xt::cast<float>(xt::cumsum(xt::cast<std::size_t>(relevant_in_top)));
    const auto rank = xt::cast<float>(xt::arange<std::size_t>(1, k + 1));
    const double sum = run_sum(xt::where(relevant_in_top, found / rank, 0.0f));
    // Relevant documents that hold no rank (neg_inf_not_retrieved) add precision 0 to the mean
    // when no cut applies: trec_eval's map.
    const auto cut = top_k_ == 0 ? q.size() : k;
    const double relevant = run_sum(xt::view(q.target_x(), xt::range(0, cut)) > 0.0f);
    return relevant != 0 ? static_cast<float>(sum / relevant) : 0.0f;
  }

 private:
  // `top_k or n`, then min(top_k, n) as torch.topk receives it.
  std::size_t documents_considered(std::size_t n) const {
    if (top_k_ == 0) return n;
    const double k = std::min(top_k_, static_cast<double>(n));
    if (k != std::floor(k))
      fail(name(), ": `top_k` must be an integer to select the top documents of a query with ", n, " documents, got ",
           top_k_);
    if (k < 0) fail(name(), ": `top_k` must not be negative (selected index k out of range), got ", top_k_);
    return static_cast<std::size_t>(k);
  }

  bool mrr_;
  double top_k_ = 0;  // 0 (or null): every document
};

WASMETRICS_COLD MetricSpec rank_spec(std::string name, bool mrr, std::string doc, double expected) {
  return {.name = std::move(name),
          .family = "retrieval",
          .doc = std::move(doc) + memory_doc(false),
          .inputs = retrieval_inputs(false),
          .options = {empty_target_action_option("neg", false), ignore_index_option(), lax_top_k_option(),
                      aggregation_option(), not_retrieved_option()},
          .make = [mrr](const Options& o) { return std::make_unique<RankMetric>(o, mrr); },
          .queries = {per_query_spec()},
          .examples = {{.doc = "TorchMetrics' docstring example: two queries",
                        .batches = example_batch({0.2, 0.3, 0.5, 0.1, 0.3, 0.5, 0.2}, {0, 0, 1, 0, 1, 0, 1},
                                                 {0, 0, 0, 1, 1, 1, 1}),
                        .expected = {{"shape", Json::array()}, {"data", {expected}}},
                        .atol = 5e-5}}};
}

}  // namespace
}  // namespace retrieval

WASMETRICS_COLD MetricSpec retrieval_map_spec() {
  return retrieval::rank_spec("RetrievalMAP", false,
                              "Mean average precision: per query, the mean precision at the rank of each relevant "
                              "document in the top k; aggregated over queries.",
                              0.7917);
}
WASMETRICS_COLD MetricSpec retrieval_mrr_spec() {
  return retrieval::rank_spec("RetrievalMRR", true,
                              "Mean reciprocal rank: per query, 1 / the rank of the first relevant document in the "
                              "top k (0 if none); aggregated over queries.",
                              0.75);
}

}  // namespace wasmetrics
