// CosineSimilarity: cosine of the angle between each row of two [N, D] inputs, reduced over rows,
// as TorchMetrics (regression/cosine_similarity.py). TorchMetrics keeps every input row; a row's
// similarity depends on that row alone, so this keeps the per-row similarities for
// reduction "none" (or null), and their sum and count for "sum"/"mean". As in TorchMetrics,
// compute() before any update is an error (its list states are empty) and a zero row gives NaN.
#include <cmath>
#include <vector>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics {
namespace {

class CosineSimilarity final : public Metric {
 public:
  explicit CosineSimilarity(Options o)
      : Metric(std::move(o)),
        reduction_(options().is_null("reduction") ? std::string("none") : options().get_string("reduction")) {}

 protected:
  State initial_state() const override {
    State s;
    if (reduction_ == "none") {
      s.add("similarity", Reduction::cat, DType::float64, {0});
    } else {
      s.add("similarity_sum", Reduction::sum, DType::float64, {});
      s.add("total", Reduction::sum, DType::int64, {});
    }
    return s;
  }

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
    if (reduction_ == "none") {
      s["similarity"].append(std::span<const double>(sim));
    } else {
      double sum = 0;
      for (double v : sim) sum += v;
      s["similarity_sum"].as<double>()[0] = sum;
      s["total"].as<std::int64_t>()[0] = static_cast<std::int64_t>(rows);
    }
  }

  Result compute_state(const State& s) const override {
    regression::require_updated(name(), s);
    if (reduction_ == "none") {
      auto v = s["similarity"].as<double>();
      return Result::squeezed(Tensor::vector(std::vector<double>(v.begin(), v.end())));
    }
    const double sum = s["similarity_sum"].as<double>()[0];
    if (reduction_ == "sum") return Result::scalar(sum);
    return Result::scalar(sum / static_cast<double>(s["total"].as<std::int64_t>()[0]));
  }

 private:
  std::string reduction_;
};

}  // namespace

MetricSpec cosine_similarity_spec() {
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
