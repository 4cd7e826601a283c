// BinaryHingeLoss and MulticlassHingeLoss (TorchMetrics 1.5.2, functional/classification/hinge.py).
// Scores are squashed first (C5: sigmoid/softmax under the logits rule), so the hinge is computed
// on probabilities, in the preds' dtype as TorchMetrics does. States:
//   measures  float64 [] (binary, crammer-singer) or [C] (one-vs-all), Reduction::sum
//   total     int64 [] (kept samples / rows), Reduction::sum
#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/classification/float_scores.hpp"
#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace classification {
namespace {

// max(0, 1 - margin)[^2] in the preds' dtype.
inline double hinge_of(double margin, bool squared, bool f32) {
  if (f32) {
    float m = std::max(0.0f, 1.0f - static_cast<float>(margin));
    return static_cast<double>(squared ? m * m : m);
  }
  double m = std::max(0.0, 1.0 - margin);
  return squared ? m * m : m;
}

class HingeLossMetric final : public Metric {
 public:
  HingeLossMetric(Options o, Task task) : Metric(std::move(o)) {
    format_ = score_format(options(), task, LogitsTest::kept_entries);
    squared_ = options().get_bool("squared");
    one_vs_all_ = task == Task::multiclass && options().get_string("multiclass_mode") == "one-vs-all";
    measures_ = declare_state<double>("measures", Reduction::sum, one_vs_all_ ? Shape{format_.num_classes} : Shape{});
    total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto measures = measures_.span(s);
    auto total = total_.span(s);
    if (format_.task == Task::binary) {
      BinaryScores b = binary_scores(format_, in[0], in[1]);
      double sum = 0;
      for (std::size_t i = 0; i < b.p.size(); ++i) sum += hinge_of(b.t[i] ? b.p[i] : -b.p[i], squared_, b.f32);
      measures[0] += sum;
      total[0] += static_cast<std::int64_t>(b.p.size());
      return;
    }
    ClassScores m = multiclass_scores(format_, in[0], in[1]);
    const std::int64_t C = m.C;
    for (std::int64_t r = 0; r < m.rows; ++r) {
      const double* row = m.p.data() + r * C;
      const std::int32_t t = m.t[r];
      if (one_vs_all_) {
        for (std::int64_t c = 0; c < C; ++c) measures[c] += hinge_of(c == t ? row[c] : -row[c], squared_, m.f32);
      } else {
        double other = -std::numeric_limits<double>::infinity();
        for (std::int64_t c = 0; c < C; ++c)
          if (c != t) other = std::max(other, row[c]);
        double margin =
            m.f32 ? static_cast<double>(static_cast<float>(row[t]) - static_cast<float>(other)) : row[t] - other;
        measures[0] += hinge_of(margin, squared_, m.f32);
      }
    }
    total[0] += m.rows;
  }

  Result compute_state(const State& s) const override {
    auto measures = measures_.span(s);
    const double total = static_cast<double>(total_.value(s));
    if (!one_vs_all_) return Result::scalar(measures[0] / total);
    std::vector<double> out(measures.begin(), measures.end());
    for (double& v : out) v /= total;
    return Result::squeezed(Tensor::vector(std::move(out)));
  }

 private:
  InputFormat format_;
  bool squared_ = false;
  bool one_vs_all_ = false;
  StateSlot<double> measures_;     // [] or, one-vs-all, [C]
  StateSlot<std::int64_t> total_;  // kept samples / rows
};

WASMETRICS_COLD MetricSpec hinge_spec(std::string name, Task task, std::string doc,
                                      std::vector<MetricExample> examples) {
  std::vector<OptionSpec> opts;
  if (task == Task::multiclass) opts.push_back(num_classes_option());
  opts.push_back({.name = "squared",
                  .type = OptionType::boolean,
                  .default_value = false,
                  .doc = "true: the squared hinge loss max(0, 1 - margin)^2"});
  if (task == Task::multiclass)
    opts.push_back({.name = "multiclass_mode",
                    .type = OptionType::string,
                    .default_value = "crammer-singer",
                    .choices = {"crammer-singer", "one-vs-all"},
                    .doc = "'crammer-singer': margin = p[target] - max of the other classes (one value); 'one-vs-all': "
                           "a binary hinge per class (one value per class)"});
  opts.push_back(ignore_index_option());
  opts.push_back(validate_args_option());
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = score_inputs(task),
      .options = std::move(opts),
      .make = [task](const Options& o) { return std::make_unique<HingeLossMetric>(o, task); },
      .examples = std::move(examples),
  };
}

}  // namespace
}  // namespace classification

WASMETRICS_COLD MetricSpec binary_hinge_loss_spec() {
  return classification::hinge_spec("BinaryHingeLoss", classification::Task::binary,
                                    "Mean hinge loss max(0, 1 - y p) of binary probabilities (y = +1 / -1).",
                                    examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryHingeLoss()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [5], "data": [0.25, 0.25, 0.55, 0.75, 0.75]}, "target": {"dtype": "int64", "shape": [5], "data": [0, 0, 1, 1, 1]}}], "expected": {"shape": [], "data": [0.69]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryHingeLoss(squared=True)", "args": {"squared": true}, "batches": [{"preds": {"dtype": "float32", "shape": [5], "data": [0.25, 0.25, 0.55, 0.75, 0.75]}, "target": {"dtype": "int64", "shape": [5], "data": [0, 0, 1, 1, 1]}}], "expected": {"shape": [], "data": [0.6905]}, "atol": 5e-05}
      ])json"));
}
WASMETRICS_COLD MetricSpec multiclass_hinge_loss_spec() {
  return classification::hinge_spec("MulticlassHingeLoss", classification::Task::multiclass,
                                    "Mean hinge loss of multiclass probabilities (Crammer-Singer or one-vs-all).",
                                    examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassHingeLoss(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]}, "target": {"dtype": "int64", "shape": [4], "data": [0, 1, 2, 0]}}], "expected": {"shape": [], "data": [0.9125]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassHingeLoss(num_classes=3, squared=True)", "args": {"num_classes": 3, "squared": true}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]}, "target": {"dtype": "int64", "shape": [4], "data": [0, 1, 2, 0]}}], "expected": {"shape": [], "data": [1.1131]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassHingeLoss(num_classes=3, multiclass_mode='one-vs-all')", "args": {"num_classes": 3, "multiclass_mode": "one-vs-all"}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]}, "target": {"dtype": "int64", "shape": [4], "data": [0, 1, 2, 0]}}], "expected": {"shape": [3], "data": [0.875, 1.125, 1.1]}, "atol": 5e-05}
      ])json"));
}

}  // namespace wasmetrics
