// RetrievalAUROC (TorchMetrics functional/retrieval/auroc.py): per query, BinaryAUROC of its top-k
// documents (0 when those lack a positive or a negative), optionally partial up to max_fpr with
// McClish correction. Reuses the classification curve code on the query's sorted scores.
#include <algorithm>
#include <optional>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/classification/curve.hpp"
#include "wasmetrics/classification/float_scores.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/retrieval/retrieval_metric.hpp"

namespace wasmetrics {
namespace retrieval {
namespace {

class RetrievalAUROC final : public RetrievalMetric {
 public:
  explicit RetrievalAUROC(Options o) : RetrievalMetric(std::move(o), false) {
    if (!options().is_null("top_k")) top_k_ = options().get_int("top_k");
    if (!options().is_null("max_fpr")) max_fpr_ = options().get_number("max_fpr");
  }

 protected:
  float query_value(const QueryRows& q) const override {
    const std::size_t k = top_k_ ? std::min(q.size(), static_cast<std::size_t>(top_k_)) : q.size();
    const auto target = xt::view(q.target_x(), xt::range(0, k));
    const double pos = run_sum(target);
    if (pos == 0 || pos == static_cast<double>(k)) return 0.0f;
    if (max_fpr_ && !(*max_fpr_ > 0 && *max_fpr_ <= 1))
      fail(name(), ": `max_fpr` must be in (0, 1] for a partial AUC, got ", *max_fpr_);
    // BinaryAUROC squashes scores with a sigmoid (in float32) when one lies outside [0, 1]; that can
    // merge distinct scores into ties, so it is applied before the curve groups equal scores.
    xt::xtensor<float, 1> scores = xt::view(q.scores_x(), xt::range(0, k));
    if (!xt::all(scores >= 0.0f && scores <= 1.0f))
      std::transform(scores.begin(), scores.end(), scores.begin(),
                     [](float x) { return static_cast<float>(classification::sigmoid_as(x, true)); });
    // Cumulative counts in float32, as the curve code keeps them; one point at the end of each run
    // of equal scores.
    const xt::xtensor<float, 1> tps = xt::cumsum(target), fps = xt::cumsum(1.0f - target);
    classification::ClassCurve c;
    for (std::size_t i = 0; i < k; ++i) {
      if (i + 1 == k || scores(i + 1) != scores(i)) {
        c.tps.push_back(tps(i));
        c.fps.push_back(fps(i));
        c.thr.push_back(scores(i));
      }
    }
    return classification::binary_auroc_f32(classification::roc_points(c, {}), max_fpr_);
  }

 private:
  std::int64_t top_k_ = 0;
  std::optional<double> max_fpr_;
};

}  // namespace
}  // namespace retrieval

WASMETRICS_COLD MetricSpec retrieval_auroc_spec() {
  using namespace retrieval;
  return {.name = "RetrievalAUROC",
          .family = "retrieval",
          .doc =
              "Area under the ROC curve of each query's top-k documents (optionally partial up to max_fpr, "
              "McClish-corrected); aggregated over queries." +
              memory_doc(false),
          .inputs = retrieval_inputs(false),
          .options = {empty_target_action_option("neg", false),
                      ignore_index_option(),
                      top_k_option(),
                      {.name = "max_fpr",
                       .type = OptionType::number,
                       .default_value = nullptr,
                       .nullable = true,
                       .doc = "partial AUC over fpr in [0, max_fpr] with McClish correction; as TorchMetrics, the "
                              "range (0, 1] is checked in compute(), when a query needs it"},
                      aggregation_option()},
          .make = [](const Options& o) { return std::make_unique<RetrievalAUROC>(o); },
          .queries = {per_query_spec()},
          .examples = {{.doc = "TorchMetrics' docstring example: two queries",
                        .batches = example_batch({0.2, 0.3, 0.5, 0.1, 0.3, 0.5, 0.2}, {0, 0, 1, 0, 1, 0, 1},
                                                 {0, 0, 0, 1, 1, 1, 1}),
                        .expected = {{"shape", Json::array()}, {"data", {0.75}}},
                        .atol = 5e-5}}};
}

}  // namespace wasmetrics
