// CosineSimilarity: cosine of the angle between each row of two [N, D] inputs, reduced over rows,
// as TorchMetrics (regression/cosine_similarity.py). TorchMetrics keeps every input row; a row's
// similarity depends on that row alone, so this keeps the per-row similarities for
// reduction "none" (or null), and their sum and count for "sum"/"mean". As in TorchMetrics,
// compute() before any update is an error (its list states are empty) and a zero row gives NaN.
#include <cmath>
#include <vector>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class CosineSimilarity final : public Metric {
 public:
  explicit CosineSimilarity(Options o)
      : Metric(std::move(o)),
        reduction_(options().is_null("reduction") ? std::string("none") : options().get_string("reduction")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& target = in[1];
    require_same_shape(name(), "preds", preds, "target", target);
    if (preds.ndim() != 2)
      fail(name(),
           ": expected `preds` and `target` to be 2-D tensors of shape [N, D] (N samples of D dimensions), got ",
           shape_str(preds.shape));
    const auto rows = static_cast<std::size_t>(preds.shape[0]);
    const auto d = static_cast<std::size_t>(preds.shape[1]);
    std::vector<double> dot(rows, 0.0), pp(rows, 0.0), tt(rows, 0.0);
    regression::for_each_pair(preds, target, [&](std::size_t i, double p, double t) {
      dot[i / d] += p * t;
      pp[i / d] += p * p;
      tt[i / d] += t * t;
    });
    std::vector<double> sim(rows);
    for (std::size_t r = 0; r < rows; ++r) sim[r] = dot[r] / (std::sqrt(pp[r]) * std::sqrt(tt[r]));
    if (keep_rows_) {
      similarity_.append(s, std::span<const double>(sim));
    } else {
      double sum = 0;
      for (double v : sim) sum += v;
      similarity_sum_.value(s) = sum;
      total_.value(s) = static_cast<std::int64_t>(rows);
    }
  }

  Result compute_state(const State& s) const override {
    regression::require_updated(name(), s);
    if (keep_rows_) {
      auto v = similarity_.span(s);
      return Result::squeezed(Tensor::vector(std::vector<double>(v.begin(), v.end())));
    }
    const double sum = similarity_sum_.value(s);
    if (reduction_ == "sum") return Result::scalar(sum);
    return Result::scalar(sum / count_at(total_.var(s), 0));
  }

 private:
  std::string reduction_;
  bool keep_rows_ = reduction_ == "none";
  // reduction none: the per-row similarities; else their sum and the row count
  StateSlot<double> similarity_ =
      keep_rows_ ? declare_state<double>("similarity", Reduction::cat, {0}) : StateSlot<double>();
  StateSlot<double> similarity_sum_ =
      keep_rows_ ? StateSlot<double>() : declare_state<double>("similarity_sum", Reduction::sum, {});
  StateSlot<std::int64_t> total_ =
      keep_rows_ ? StateSlot<std::int64_t>() : declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec cosine_similarity_spec() {
  return {
      .name = "CosineSimilarity",
      .family = "regression",
      .doc = "Cosine similarity of each row of preds with the same row of target, reduced over rows.",
      .inputs = {{"preds", false, "predictions, [N, D]"}, {"target", false, "targets, [N, D]"}},
      .options =
          {
              {.name = "reduction",
               .type = OptionType::string,
               .default_value = "sum",
               .choices = {"sum", "mean", "none"},
               .nullable = true,
               .doc = "over rows: 'sum', 'mean', or 'none'/null for one value per row"},
          },
      .make = [](const Options& o) { return std::make_unique<CosineSimilarity>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: CosineSimilarity(reduction='mean')", "args": {"reduction": "mean"}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 2], "data": [0, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 2], "data": [0, 1, 1, 1]}}], "expected": {"shape": [], "data": [0.8536]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
