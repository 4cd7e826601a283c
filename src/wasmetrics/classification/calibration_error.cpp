// BinaryCalibrationError and MulticlassCalibrationError (TorchMetrics 1.5.2,
// functional/classification/calibration_error.py). TorchMetrics keeps every confidence and
// accuracy (cat states) and bins them in compute(); the binning only needs, per bin, the number of
// samples and the sums of confidence and accuracy, so those are the state:
//
//   count, conf_sum, acc_sum   float64 [n_bins + 1], Reduction::sum
//
// Bins (C16): torch.bucketize(conf, linspace(0, 1, n_bins + 1), right=True) - 1, i.e. [lo, hi) with
// a confidence of exactly 1.0 in the extra last bin; the boundaries are in the confidences' dtype
// (binary: the preds' dtype; multiclass: always float32, TorchMetrics calls .float()). Binary
// confidence = p (after sigmoid for logits), accuracy = target; multiclass confidence = the top
// probability (after softmax for logits), accuracy = (argmax == target).
#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/classification/float_scores.hpp"
#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace classification {
namespace {

class CalibrationErrorMetric final : public Metric {
 public:
  CalibrationErrorMetric(Options o, Task task) : Metric(std::move(o)) {
    format_ = score_format(options(), task, LogitsTest::kept_entries);
    n_bins_ = options().get_int("n_bins");
    norm_ = options().get_string("norm");
    bounds_f32_ = unit_linspace(n_bins_, true);
    bounds_f64_ = unit_linspace(n_bins_, false);
    count_ = declare_state<double>("count", Reduction::sum, {n_bins_ + 1});
    conf_sum_ = declare_state<double>("conf_sum", Reduction::sum, {n_bins_ + 1});
    acc_sum_ = declare_state<double>("acc_sum", Reduction::sum, {n_bins_ + 1});
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto count = count_.span(s);
    auto conf = conf_sum_.span(s);
    auto acc = acc_sum_.span(s);
    auto add = [&](double c, double a, bool f32) {
      const auto& b = f32 ? bounds_f32_ : bounds_f64_;
      // right=True: the number of boundaries <= c, minus 1
      auto idx = static_cast<std::size_t>(std::upper_bound(b.begin(), b.end(), c) - b.begin());
      if (idx == 0) idx = 1;  // c < 0 cannot happen for probabilities; keep it in bin 0
      count[idx - 1] += 1;
      conf[idx - 1] += c;
      acc[idx - 1] += a;
    };
    if (format_.task == Task::binary) {
      BinaryScores b = binary_scores(format_, in[0], in[1]);
      for (std::size_t i = 0; i < b.p.size(); ++i) add(b.p[i], b.t[i], b.f32);
      return;
    }
    ClassScores m = multiclass_scores(format_, in[0], in[1]);
    for (std::int64_t r = 0; r < m.rows; ++r) {
      const double* row = m.p.data() + r * m.C;
      std::int64_t best = 0;
      for (std::int64_t c = 1; c < m.C; ++c)
        if (row[c] > row[best]) best = c;
      // confidences.float(): float32 whatever the preds' dtype
      double confidence = static_cast<double>(static_cast<float>(row[best]));
      add(confidence, best == m.t[r] ? 1.0 : 0.0, true);
    }
  }

  Result compute_state(const State& s) const override {
    auto count = count_.span(s);
    auto conf = conf_sum_.span(s);
    auto acc = acc_sum_.span(s);
    double total = 0;
    for (double c : count) total += c;
    double l1 = 0, l2 = 0, mx = 0;
    for (std::size_t i = 0; i < count.size(); ++i) {
      double a = count[i] != 0 ? acc[i] / count[i] : 0.0;  // nan_to_num
      double c = count[i] != 0 ? conf[i] / count[i] : 0.0;
      double prop = count[i] / total;  // NaN when nothing was seen
      l1 += std::fabs(a - c) * prop;
      l2 += (a - c) * (a - c) * prop;
      mx = std::max(mx, std::fabs(a - c));
    }
    if (norm_ == "l1") return Result::scalar(l1);
    if (norm_ == "max") return Result::scalar(mx);
    return Result::scalar(l2 > 0 ? std::sqrt(l2) : 0.0);
  }

 private:
  InputFormat format_;
  std::int64_t n_bins_ = 15;
  std::string norm_;
  std::vector<double> bounds_f32_, bounds_f64_;
  // per bin: samples, sum of confidences, sum of accuracies
  StateSlot<double> count_, conf_sum_, acc_sum_;
};

WASMETRICS_COLD MetricSpec calibration_spec(std::string name, Task task, std::string doc,
                                            std::vector<MetricExample> examples) {
  std::vector<OptionSpec> opts;
  if (task == Task::multiclass) opts.push_back(num_classes_option());
  opts.push_back(
      {.name = "n_bins",
       .type = OptionType::integer,
       .default_value = 15,
       .min = 1,
       .max = 1e6,  // 2^31 bins allocated 16 GiB, 1e7 took seconds per update (fuzz_metrics)
       .doc = "number of equal-width confidence bins in [0, 1] (a confidence of exactly 1 gets a bin of its own; "
              "at most 1e6: every update and compute() walks the bins)"});
  opts.push_back({.name = "norm",
                  .type = OptionType::string,
                  .default_value = "l1",
                  .choices = {"l1", "l2", "max"},
                  .doc = "'l1': expected calibration error; 'l2': root mean square calibration error; 'max': maximum "
                         "calibration error"});
  opts.push_back(ignore_index_option());
  opts.push_back(validate_args_option());
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = score_inputs(task),
      .options = std::move(opts),
      .make = [task](const Options& o) { return std::make_unique<CalibrationErrorMetric>(o, task); },
      .examples = std::move(examples),
  };
}

}  // namespace
}  // namespace classification

WASMETRICS_COLD MetricSpec binary_calibration_error_spec() {
  return classification::calibration_spec("BinaryCalibrationError", classification::Task::binary,
                                          "Top-label calibration error (ECE / RMSCE / MCE) of binary probabilities.",
                                          examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryCalibrationError(n_bins=2, norm='l1')", "args": {"n_bins": 2, "norm": "l1"}, "batches": [{"preds": {"dtype": "float32", "shape": [5], "data": [0.25, 0.25, 0.55, 0.75, 0.75]}, "target": {"dtype": "int64", "shape": [5], "data": [0, 0, 1, 1, 1]}}], "expected": {"shape": [], "data": [0.29]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryCalibrationError(n_bins=2, norm='l2')", "args": {"n_bins": 2, "norm": "l2"}, "batches": [{"preds": {"dtype": "float32", "shape": [5], "data": [0.25, 0.25, 0.55, 0.75, 0.75]}, "target": {"dtype": "int64", "shape": [5], "data": [0, 0, 1, 1, 1]}}], "expected": {"shape": [], "data": [0.2918]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryCalibrationError(n_bins=2, norm='max')", "args": {"n_bins": 2, "norm": "max"}, "batches": [{"preds": {"dtype": "float32", "shape": [5], "data": [0.25, 0.25, 0.55, 0.75, 0.75]}, "target": {"dtype": "int64", "shape": [5], "data": [0, 0, 1, 1, 1]}}], "expected": {"shape": [], "data": [0.3167]}, "atol": 5e-05}
      ])json"));
}
WASMETRICS_COLD MetricSpec multiclass_calibration_error_spec() {
  return classification::calibration_spec(
      "MulticlassCalibrationError", classification::Task::multiclass,
      "Top-label calibration error (ECE / RMSCE / MCE) of multiclass probabilities.", examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassCalibrationError(num_classes=3, n_bins=3, norm='l1')", "args": {"num_classes": 3, "n_bins": 3, "norm": "l1"}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]}, "target": {"dtype": "int64", "shape": [4], "data": [0, 1, 2, 0]}}], "expected": {"shape": [], "data": [0.2]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassCalibrationError(num_classes=3, n_bins=3, norm='l2')", "args": {"num_classes": 3, "n_bins": 3, "norm": "l2"}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]}, "target": {"dtype": "int64", "shape": [4], "data": [0, 1, 2, 0]}}], "expected": {"shape": [], "data": [0.2082]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassCalibrationError(num_classes=3, n_bins=3, norm='max')", "args": {"num_classes": 3, "n_bins": 3, "norm": "max"}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]}, "target": {"dtype": "int64", "shape": [4], "data": [0, 1, 2, 0]}}], "expected": {"shape": [], "data": [0.2333]}, "atol": 5e-05}
      ])json"));
}

}  // namespace wasmetrics
