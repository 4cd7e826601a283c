// Proper scoring rules of predicted probabilities, optionally sample-weighted (scikit-learn 1.2's
// brier_score_loss / log_loss; not in TorchMetrics 1.5.2, names after its Binary*/Multiclass*/
// Multilabel* convention):
//   BinaryBrierScore       Σ w (p - t)² / Σ w
//   MulticlassBrierScore   Σ_i w_i Σ_c (p_ic - [t_i = c])² / Σ w   (twice the binary score on 2 classes)
//   MultilabelBrierScore   per label the binary Brier score; 'macro' their mean, 'none' one per label
//   BinaryLogLoss          p clipped to [eps, 1 - eps]; -Σ w [t log p + (1 - t) log(1 - p)] / Σ w
//   MulticlassLogLoss      each entry clipped to [eps, 1 - eps], each row divided by its sum (sklearn
//                          1.2), then -Σ_i w_i log p_i,t_i / Σ w
// eps defaults to scikit-learn 1.2's eps='auto': the machine epsilon of the preds' dtype (float32:
// 2^-23; float64: 2^-52). Preds are probabilities as given (no sigmoid/softmax): values outside
// [0, 1] are an error. Without sample_weight every row weighs 1.
//
// State: loss float64 [K] (Σ w·loss; K = num_labels for the multilabel Brier score, else 1) and
// weight float64 (Σ w), both sums: mergeable, 16 bytes (+8 per label). No rows: NaN (0/0).
#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/sample_weight.hpp"

namespace wasmetrics {
namespace classification {
namespace {

enum class Loss : std::uint8_t { brier, log_loss };

class CalibrationLoss final : public Metric {
 public:
  CalibrationLoss(Options o, Task task, Loss loss) : Metric(std::move(o)), task_(task), loss_(loss) {
    const Options& op = options();
    const Json& all = op.json();
    const char* count = task == Task::multilabel ? "num_labels" : "num_classes";
    if (task != Task::binary) {
      if (op.is_null(count)) fail(name(), ": option '", count, "' is required");
      classes_ = op.get_int(count);
      if (classes_ < 2)
        fail(name(), ": Expected argument `", count, "` to be an integer larger than 1, but got ", classes_);
    }
    if (all.contains("eps") && !op.is_null("eps")) {
      eps_ = op.get_number("eps");
      if (!(eps_ > 0 && eps_ < 0.5)) fail(name(), ": option 'eps' must be in (0, 0.5), got ", eps_);
    }
    if (all.contains("average")) per_label_ = op.is_null("average") || op.get_string("average") == "none";
    loss_sum_ = declare_state<double>("loss", Reduction::sum, {task_ == Task::multilabel ? classes_ : 1});
    weight_ = declare_state<double>("weight", Reduction::sum, {});
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& target = in[1];
    check_shapes(preds, target);
    require_floating(name(), "preds", preds);
    const std::int64_t N = preds.shape[0];
    std::vector<double> w;
    if (const TensorView* sw = sample_weight_of(in))
      w = read_sample_weight(name(), *sw, N);
    else
      w.assign(static_cast<std::size_t>(N), 1.0);
    const std::vector<double> p = to_doubles(preds);
    const std::vector<double> t = to_doubles(target);
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!(p[i] >= 0 && p[i] <= 1))
        fail(name(), ": `preds` holds ", format_number(p[i]), " at flat index ", i,
             "; expected probabilities in [0, 1] (apply sigmoid/softmax to logits first)");
    const std::int64_t width = task_ == Task::multiclass ? 1 : classes_or_one();
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::int64_t v = label_of(t[i]);
      const bool ok = task_ == Task::multiclass ? v >= 0 && v < classes_ : v == 0 || v == 1;
      if (!ok)
        fail(name(), ": `target` holds ", format_number(t[i]), " at flat index ", i, "; expected ",
             task_ == Task::multiclass ? "class labels in [0, num_classes)" : "only the values 0 and 1");
    }
    const double eps = eps_ > 0 ? eps_
                                : (preds.dtype == DType::float64 ? std::numeric_limits<double>::epsilon()
                                                                 : std::numeric_limits<float>::epsilon());
    auto loss = loss_sum_.span(s);
    double total = 0;
    if (task_ == Task::multiclass) {
      const std::int64_t C = classes_;
      std::vector<double> row(static_cast<std::size_t>(C));
      for (std::int64_t n = 0; n < N; ++n) {
        const double wn = w[static_cast<std::size_t>(n)];
        if (wn == 0) continue;  // absent (0 * Inf would be NaN)
        const double* pr = p.data() + n * C;
        const auto label = static_cast<std::int64_t>(t[static_cast<std::size_t>(n)]);
        double l = 0;
        if (loss_ == Loss::brier) {
          for (std::int64_t c = 0; c < C; ++c) {
            const double d = pr[c] - (c == label ? 1.0 : 0.0);
            l += d * d;
          }
        } else {
          double sum = 0;
          for (std::int64_t c = 0; c < C; ++c) sum += row[c] = std::clamp(pr[c], eps, 1 - eps);
          l = -std::log(row[label] / sum);
        }
        loss[0] += wn * l;
        total += wn;
      }
    } else {
      // binary: every element of row n (preds [N, ...]) is a sample of weight w[n]; multilabel
      // [N, L]: label l of row n adds to loss[l]
      const std::int64_t per_row = N ? preds.numel() / N : 1;
      for (std::int64_t n = 0; n < N; ++n) {
        const double wn = w[static_cast<std::size_t>(n)];
        if (wn == 0) continue;
        for (std::int64_t j = 0; j < per_row; ++j) {
          const std::size_t i = static_cast<std::size_t>(n * per_row + j);
          double l;
          if (loss_ == Loss::brier) {
            const double d = p[i] - t[i];
            l = d * d;
          } else {
            const double q = std::clamp(p[i], eps, 1 - eps);
            l = t[i] != 0 ? -std::log(q) : -std::log(1 - q);
          }
          loss[task_ == Task::multilabel ? static_cast<std::size_t>(j % width) : 0] += wn * l;
        }
        total += wn * static_cast<double>(task_ == Task::multilabel ? per_row / width : per_row);
      }
    }
    weight_.value(s) += total;
  }

  Result compute_state(const State& s) const override {
    auto loss = loss_sum_.span(s);
    const double total = weight_.value(s);
    if (task_ != Task::multilabel) return Result::scalar(loss[0] / total);
    std::vector<double> per_label(loss.begin(), loss.end());
    double mean = 0;
    for (double& v : per_label) mean += (v /= total);
    if (per_label_) return Result::squeezed(Tensor::vector(std::move(per_label)));
    return Result::scalar(mean / static_cast<double>(per_label.size()));
  }

 private:
  std::int64_t classes_or_one() const { return task_ == Task::binary ? 1 : classes_; }

  void check_shapes(const TensorView& preds, const TensorView& target) const {
    if (task_ == Task::multiclass) {
      if (preds.ndim() != 2 || preds.shape[1] != classes_ || target.ndim() != 1 || target.shape[0] != preds.shape[0])
        fail(name(), ": expected `preds` of shape [N, ", classes_, "] (num_classes) and `target` of shape [N], got ",
             shape_str(preds.shape), " and ", shape_str(target.shape));
      return;
    }
    require_same_shape(name(), "preds", preds, "target", target);
    if (task_ == Task::multilabel && (preds.ndim() != 2 || preds.shape[1] != classes_))
      fail(name(), ": expected `preds` and `target` of shape [N, ", classes_, "] (num_labels), got ",
           shape_str(preds.shape));
    if (preds.ndim() < 1) fail(name(), ": expected `preds` and `target` of shape [N, ...], got a scalar");
  }

  Task task_;
  Loss loss_;
  std::int64_t classes_ = 1;
  double eps_ = 0;  // 0: the preds' machine epsilon
  bool per_label_ = false;
  StateSlot<double> loss_sum_;  // "loss": weighted sum of losses ([L] multilabel, else [1])
  StateSlot<double> weight_;    // sum of the samples' weights
};

OptionSpec eps_option() {
  return {.name = "eps",
          .type = OptionType::number,
          .default_value = nullptr,
          .nullable = true,
          .doc =
              "probabilities are clipped to [eps, 1 - eps] before the log; null: scikit-learn 1.2's 'auto', the "
              "machine epsilon of the preds' dtype (float32: 1.1920929e-07)"};
}

WASMETRICS_COLD MetricSpec loss_spec(std::string name, Task task, Loss loss, std::string doc,
                                     std::vector<MetricExample> examples) {
  std::vector<OptionSpec> opts;
  std::vector<InputSpec> inputs;
  switch (task) {
    case Task::binary:
      inputs = {{"preds", false, "[N, ...] probabilities of the positive class, in [0, 1]"},
                {"target", false, "[N, ...] 0/1 labels"}};
      break;
    case Task::multiclass:
      opts.push_back(num_classes_option());
      inputs = {{"preds", false, "[N, C] class probabilities, in [0, 1] (used as given, no softmax)"},
                {"target", false, "[N] class labels in [0, C)"}};
      break;
    case Task::multilabel:
      opts.push_back(num_labels_option());
      opts.push_back({.name = "average",
                      .type = OptionType::string,
                      .default_value = "macro",
                      .choices = {"macro", "none"},
                      .nullable = true,
                      .doc = "'macro': the mean of the per-label Brier scores; 'none'/null: one score per label"});
      inputs = {{"preds", false, "[N, L] probabilities, in [0, 1]"}, {"target", false, "[N, L] 0/1 labels"}};
      break;
  }
  if (loss == Loss::log_loss) opts.push_back(eps_option());
  inputs.push_back(sample_weight_input());
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = std::move(inputs),
      .options = std::move(opts),
      .make = [task, loss](const Options& o) { return std::make_unique<CalibrationLoss>(o, task, loss); },
      .examples = std::move(examples),
  };
}

Json f32(Json shape, Json data) {
  return {{"dtype", "float32"}, {"shape", std::move(shape)}, {"data", std::move(data)}};
}
Json i64(Json shape, Json data) { return {{"dtype", "int64"}, {"shape", std::move(shape)}, {"data", std::move(data)}}; }
Json scalar(double v) { return {{"shape", Json::array()}, {"data", Json::array({v})}}; }

}  // namespace
}  // namespace classification

using classification::f32;
using classification::i64;
using classification::Loss;
using classification::scalar;
using classification::Task;

// Examples: values computed in float64 from the float32 inputs as written (scikit-learn 1.2's
// brier_score_loss / log_loss with sample_weight give the same).
WASMETRICS_COLD MetricSpec binary_brier_score_spec() {
  return classification::loss_spec("BinaryBrierScore", Task::binary, Loss::brier,
                                   "Brier score: the (sample-weighted) mean of (p - t)².",
                                   {{.doc = "four rows, the last weighing 3",
                                     .batches = Json::array({{{"preds", f32({4}, {0.1, 0.9, 0.8, 0.3})},
                                                              {"target", i64({4}, {0, 1, 0, 0})},
                                                              {"sample_weight", f32({4}, {1, 1, 1, 3})}}}),
                                     .expected = scalar(0.1550000075995924)}});
}
WASMETRICS_COLD MetricSpec multiclass_brier_score_spec() {
  return classification::loss_spec(
      "MulticlassBrierScore", Task::multiclass, Loss::brier,
      "Multiclass Brier score: the (sample-weighted) mean over rows of Σ_c (p_c - [t = c])².",
      {{.doc = "three rows of three classes",
        .args = {{"num_classes", 3}},
        .batches = Json::array(
            {{{"preds", f32({3, 3}, {0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4})}, {"target", i64({3}, {0, 1, 1})}}}),
        .expected = scalar(0.3133333332339925)}});
}
WASMETRICS_COLD MetricSpec multilabel_brier_score_spec() {
  return classification::loss_spec(
      "MultilabelBrierScore", Task::multilabel, Loss::brier,
      "Brier score per label (sample-weighted mean of (p - t)²), averaged over labels or one per label.",
      {{.doc = "two rows of two labels, per label",
        .args = {{"num_labels", 2}, {"average", "none"}},
        .batches = Json::array({{{"preds", f32({2, 2}, {0.9, 0.2, 0.4, 0.6})}, {"target", i64({2, 2}, {1, 0, 0, 1})}}}),
        .expected = {{"shape", {2}}, {"data", {0.08500000476837188, 0.09999999105930357}}}}});
}
WASMETRICS_COLD MetricSpec binary_log_loss_spec() {
  return classification::loss_spec(
      "BinaryLogLoss", Task::binary, Loss::log_loss,
      "Log loss (binary cross-entropy) of probabilities clipped to [eps, 1 - eps], sample-weighted mean.",
      {{.doc = "four rows, one of weight 0",
        .batches = Json::array({{{"preds", f32({4}, {0.9, 0.2, 0.6, 0.5})},
                                 {"target", i64({4}, {1, 0, 1, 1})},
                                 {"sample_weight", f32({4}, {1, 2, 1, 0})}}}),
        .expected = scalar(0.26561830906433537)}});
}
WASMETRICS_COLD MetricSpec multiclass_log_loss_spec() {
  return classification::loss_spec(
      "MulticlassLogLoss", Task::multiclass, Loss::log_loss,
      "Multiclass log loss: -log of the true class's probability (clipped, rows renormalised), sample-weighted mean.",
      {{.doc = "three rows of three classes",
        .args = {{"num_classes", 3}},
        .batches = Json::array(
            {{{"preds", f32({3, 3}, {0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4})}, {"target", i64({3}, {0, 1, 1})}}}),
        .expected = scalar(0.594597099741363)}});
}

}  // namespace wasmetrics
