// The curve metrics of TorchMetrics 1.5.2: Binary/Multiclass/Multilabel x ROC, PrecisionRecallCurve,
// AUROC, AveragePrecision, RecallAtFixedPrecision, PrecisionAtFixedRecall, SpecificityAtSensitivity,
// SensitivityAtSpecificity. All of them share one state (curve.hpp) and one computation of the
// per-class curve; they differ only in what compute() makes of the curves.
#include <cmath>
#include <limits>

#include "wasmetrics/classification/best_thresholds.hpp"
#include "wasmetrics/classification/curve.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/sample_weight.hpp"

namespace wasmetrics {
namespace classification {

// curve_examples.cpp: the examples of the metrics declared here, by name
std::vector<MetricExample> curve_examples(const std::string& name);

namespace {

enum class CurveKind : std::uint8_t { prc, roc, auroc, ap, r_at_p, p_at_r, spec_at_sens, sens_at_spec };

constexpr double kNoThreshold = 1000000.0;  // TorchMetrics' threshold when no point qualifies

const char* min_option_name(CurveKind k) {
  switch (k) {
    case CurveKind::r_at_p:
      return "min_precision";
    case CurveKind::p_at_r:
      return "min_recall";
    case CurveKind::spec_at_sens:
      return "min_sensitivity";
    case CurveKind::sens_at_spec:
      return "min_specificity";
    default:
      return "";
  }
}

// (value, threshold) of one class for the *At* metrics.
struct AtResult {
  float value = 0;
  double threshold = kNoThreshold;  // a kept score: float64 for a float64 state
};

[[noreturn]] void index_error(std::int64_t n) {
  fail("IndexError: index 0 is out of bounds for dimension 0 with size ", n);
}

// _recall_at_precision: the best recall among points with precision >= min, ties by precision
// then threshold (_lexargmax), first index on full ties.
AtResult recall_at_precision(const Curve3& c, float min_p) {
  const auto& p = c.a;
  const auto& r = c.b;
  const auto& t = c.thr;
  const std::size_t L = std::min({p.size(), r.size(), t.size()});
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < L; ++i)
    if (p[i] >= min_p) idx.push_back(i);
  AtResult out;
  if (!idx.empty()) {
    // keeps the indices where `col` is largest; false once one is left
    auto narrow = [&](const auto& col) {
      double mx = -std::numeric_limits<double>::infinity();
      bool nan = false;
      for (auto i : idx) {
        if (std::isnan(col[i])) nan = true;
        mx = std::max(mx, static_cast<double>(col[i]));
      }
      if (nan) index_error(0);  // torch: max is NaN, nothing equals it, [0] of an empty index
      std::vector<std::size_t> z;
      for (auto i : idx)
        if (static_cast<double>(col[i]) == mx) z.push_back(i);
      idx = z;
      return idx.size() >= 2;
    };
    if (narrow(r) && narrow(p)) narrow(t);
    out.value = r[idx[0]];
    out.threshold = t[idx[0]];
  }
  if (out.value == 0.0f) out.threshold = kNoThreshold;
  return out;
}

// _precision_at_recall: Python max over (p, r, t) tuples with r >= min (first maximum kept).
AtResult precision_at_recall(const Curve3& c, float min_r) {
  const auto& p = c.a;
  const auto& r = c.b;
  const auto& t = c.thr;
  const std::size_t L = std::min({p.size(), r.size(), t.size()});
  auto greater = [&](std::size_t a, std::size_t b) {
    const double x[3] = {p[a], r[a], t[a]}, y[3] = {p[b], r[b], t[b]};
    for (int k = 0; k < 3; ++k) {
      if (x[k] == y[k]) continue;
      return x[k] > y[k];
    }
    return false;
  };
  bool found = false;
  std::size_t best = 0;
  for (std::size_t i = 0; i < L; ++i) {
    if (!(r[i] >= min_r)) continue;
    if (!found || greater(i, best)) best = i;
    found = true;
  }
  AtResult out;
  if (found) {
    out.value = p[best];
    out.threshold = t[best];
  }
  if (out.value == 0.0f) out.threshold = kNoThreshold;
  return out;
}

// _specificity_at_sensitivity / _sensitivity_at_specificity: argmax (first; NaN is a maximum) of
// `value` among points whose `cond` >= min.
AtResult best_where(const std::vector<float>& value, const std::vector<float>& cond, const std::vector<double>& thr,
                    float min_v) {
  AtResult out;
  bool found = false;
  std::size_t best = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!(cond[i] >= min_v)) continue;
    if (!found) {
      best = i;
      found = true;
      continue;
    }
    if (std::isnan(value[best])) continue;
    if (std::isnan(value[i]) || value[i] > value[best]) best = i;
  }
  if (found) {
    out.value = value[best];
    out.threshold = thr[best];
  }
  return out;
}

class CurveMetric final : public Metric {
 public:
  CurveMetric(Options o, Task task, CurveKind kind) : Metric(std::move(o)), task_(task), kind_(kind) {
    const Options& op = options();
    format_ = curve_format_from_options(op, task);
    const Json& all = op.json();
    if (all.contains("average")) average_ = op.is_null("average") ? "none" : op.get_string("average");
    if (task == Task::multiclass && (kind == CurveKind::prc || kind == CurveKind::roc))
      format_.micro = average_ == "micro";
    if (task == Task::binary && kind == CurveKind::auroc) {
      format_.int_preds_ok = true;  // BinaryAUROC never validates tensors (C6)
      if (!op.is_null("max_fpr")) max_fpr_ = op.get_number("max_fpr");
    }
    if (const char* m = min_option_name(kind); *m) {
      if (op.is_null(m)) fail(name(), ": option '", m, "' is required");
      min_value_ = static_cast<float>(op.get_number(m));
    }
    declare_curve_states(state_layout(), format_);  // after `micro`, which shapes the binned state
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    curve_update(format_, s, in[0], in[1], sample_weight_of(in));
  }
  // Runs before every fold (update, forward, merge): the exact state's memory budget.
  void merge_custom(State& into, const State& from) const override { curve_check_budget(format_, into, from); }

  Result compute_state(const State& s) const override {
    const std::int64_t C = task_ == Task::binary ? 1 : format_.classes;
    const bool pooled = task_ == Task::binary || average_ == "micro";
    // Exact AUROC / AP need only the area: one class at a time, summed while sweeping its sorted keys.
    // (Weighted exact states take the curve path below: the cumulative sums of weights.)
    if (!format_.binned && !has_row_weights(format_, s) &&
        (kind_ == CurveKind::ap || (kind_ == CurveKind::auroc && !(task_ == Task::binary && max_fpr_)))) {
      std::vector<float> res;
      std::vector<double> weights;
      for (std::int64_t k = 0; k < (pooled ? 1 : C); ++k) {
        const ExactArea a =
            exact_area_f32(format_, s, k, pooled ? CurveSel::micro : CurveSel::per_class, kind_ == CurveKind::ap);
        res.push_back(a.value);
        weights.push_back(a.positives);
      }
      if (pooled) return Result::scalar(res[0]);
      return reduce_scores(res, average_, weights);
    }
    // the curves this metric needs: one pooled curve, or one per class
    std::vector<ClassCurve> curves;
    if (pooled) {
      curves.push_back(class_curve(format_, s, 0, CurveSel::micro));
    } else {
      for (std::int64_t k = 0; k < C; ++k) curves.push_back(class_curve(format_, s, k, CurveSel::per_class));
    }
    const bool use_roc = kind_ == CurveKind::roc || kind_ == CurveKind::auroc || kind_ == CurveKind::spec_at_sens ||
                         kind_ == CurveKind::sens_at_spec;
    std::vector<Curve3> pts;
    for (auto& c : curves)
      pts.push_back(use_roc ? roc_points(c, format_.thresholds) : prc_points(c, format_.thresholds));
    std::vector<double> weights;
    for (auto& c : curves) weights.push_back(c.binned ? c.pos : (c.tps.empty() ? 0.0 : c.tps.back()));

    switch (kind_) {
      case CurveKind::prc:
      case CurveKind::roc:
        return curve_result(pts, pooled);
      case CurveKind::auroc: {
        if (pooled) return Result::scalar(binary_auroc_f32(pts[0], task_ == Task::binary ? max_fpr_ : std::nullopt));
        std::vector<float> res;
        for (auto& p : pts) res.push_back(trapz_f32(p.b, p.a));
        return reduce_scores(res, average_, weights);
      }
      case CurveKind::ap: {
        if (pooled) return Result::scalar(average_precision_f32(pts[0].a, pts[0].b));
        std::vector<float> res;
        for (auto& p : pts) res.push_back(average_precision_f32(p.a, p.b));
        return reduce_scores(res, average_, weights);
      }
      default:
        break;
    }
    std::vector<float> values;
    std::vector<double> thresholds;
    for (auto& p : pts) {
      AtResult r;
      if (kind_ == CurveKind::r_at_p) {
        r = recall_at_precision(p, min_value_);
      } else if (kind_ == CurveKind::p_at_r) {
        r = precision_at_recall(p, min_value_);
      } else {
        std::vector<float> spec(p.a.size());
        for (std::size_t i = 0; i < spec.size(); ++i) spec[i] = 1.0f - p.a[i];
        r = kind_ == CurveKind::spec_at_sens ? best_where(spec, p.b, p.thr, min_value_)
                                             : best_where(p.b, spec, p.thr, min_value_);
      }
      values.push_back(r.value);
      thresholds.push_back(r.threshold);
    }
    const char* vname = kind_ == CurveKind::r_at_p         ? "recall"
                        : kind_ == CurveKind::p_at_r       ? "precision"
                        : kind_ == CurveKind::spec_at_sens ? "specificity"
                                                           : "sensitivity";
    return Result::dict({{vname, tensor_f32(values)}, {"threshold", tensor_f64(thresholds)}});
  }

  // best_thresholds (binary and multilabel): one threshold per label, read off the same curves.
  Result query_state(const std::string&, const Options& args, const State& s) const override {
    if (task_ == Task::multiclass)  // reachable through a task wrapper
      fail(name(), ": bestThresholds is for binary and multilabel metrics; multiclass predictions are an argmax");
    const ThresholdChoice choice = threshold_choice_from_options(args);
    const std::int64_t C = task_ == Task::binary ? 1 : format_.classes;
    std::vector<double> thresholds;
    std::vector<double> value, precision, recall, specificity;
    for (std::int64_t k = 0; k < C; ++k) {
      const ClassCurve c = class_curve(format_, s, k, task_ == Task::binary ? CurveSel::micro : CurveSel::per_class);
      const BestThreshold b = best_threshold(c, format_.thresholds, choice);
      thresholds.push_back(b.threshold);
      value.push_back(b.value);
      precision.push_back(b.precision);
      recall.push_back(b.recall);
      specificity.push_back(b.specificity);
    }
    auto column = [](std::vector<double> v) { return Result::squeezed(Tensor::vector(std::move(v))); };
    return Result::dict({{"threshold", tensor_f64(thresholds)},
                         {"value", column(value)},
                         {"precision", column(precision)},
                         {"recall", column(recall)},
                         {"specificity", column(specificity)}});
  }

  // Pooled curves (multiclass average micro/macro) are curve points, not one value per class.
  bool results_are_per_class() const override {
    return !((kind_ == CurveKind::prc || kind_ == CurveKind::roc) && (average_ == "micro" || average_ == "macro"));
  }

 private:
  // ROC / PrecisionRecallCurve results: one curve, per-class lists (exact), per-class matrices
  // (binned), or the macro average of the per-class curves.
  Result curve_result(const std::vector<Curve3>& pts, bool pooled) const {
    const bool roc = kind_ == CurveKind::roc;
    const char* n0 = roc ? "fpr" : "precision";
    const char* n1 = roc ? "tpr" : "recall";
    if (pooled)
      return Result::dict(
          {{n0, tensor_f32(pts[0].a)}, {n1, tensor_f32(pts[0].b)}, {"thresholds", tensor_f64(pts[0].thr)}});
    const std::int64_t C = static_cast<std::int64_t>(pts.size());
    if (average_ == "macro") {
      std::vector<double> thr;
      std::vector<float> xs;
      for (auto& p : pts) {
        thr.insert(thr.end(), p.thr.begin(), p.thr.end());
        xs.insert(xs.end(), p.a.begin(), p.a.end());
      }
      auto nan_last = [](auto a, auto b) { return std::isnan(b) ? !std::isnan(a) : a < b; };
      std::stable_sort(thr.begin(), thr.end(), nan_last);
      if (roc) std::reverse(thr.begin(), thr.end());  // descending, NaN first as torch sorts it
      std::stable_sort(xs.begin(), xs.end(), nan_last);
      std::vector<float> ys(xs.size(), 0.0f);
      for (auto& p : pts) {
        auto y = interp_f32(xs, p.a, p.b);
        for (std::size_t i = 0; i < ys.size(); ++i) ys[i] += y[i];
      }
      for (auto& v : ys) v /= static_cast<float>(C);
      return Result::dict({{n0, tensor_f32(xs)}, {n1, tensor_f32(ys)}, {"thresholds", tensor_f64(thr)}});
    }
    if (format_.binned) {
      const std::int64_t W = static_cast<std::int64_t>(pts[0].a.size());
      std::vector<float> a, b;
      for (auto& p : pts) {
        a.insert(a.end(), p.a.begin(), p.a.end());
        b.insert(b.end(), p.b.begin(), p.b.end());
      }
      return Result::dict(
          {{n0, matrix_f32(a, C, W)}, {n1, matrix_f32(b, C, W)}, {"thresholds", tensor_f64(pts[0].thr)}});
    }
    std::vector<Result> a, b, t;
    for (auto& p : pts) {
      a.push_back(tensor_f32(p.a));
      b.push_back(tensor_f32(p.b));
      t.push_back(tensor_f64(p.thr));
    }
    return Result::dict({{n0, Result::list(std::move(a))},
                         {n1, Result::list(std::move(b))},
                         {"thresholds", Result::list(std::move(t))}});
  }

  Task task_;
  CurveKind kind_;
  CurveFormat format_;
  std::string average_ = "none";
  std::optional<double> max_fpr_;
  float min_value_ = 0;
};

// ---- schemas ----

OptionSpec curve_average_option(Task task, CurveKind kind) {
  if (kind == CurveKind::prc || kind == CurveKind::roc)
    return {.name = "average",
            .type = OptionType::string,
            .default_value = nullptr,
            .choices = {"micro", "macro", "none"},
            .nullable = true,
            .doc =
                "null/'none': one curve per class; 'micro': one curve of the one-hot flattened problem; 'macro': the "
                "per-class curves interpolated at their pooled points and averaged"};
  if (task == Task::multilabel)
    return {.name = "average",
            .type = OptionType::string,
            .default_value = "macro",
            .choices = {"micro", "macro", "weighted", "none"},
            .nullable = true,
            .doc =
                "'micro': one score of all labels flattened; 'macro': mean of the per-label scores (NaN ones left "
                "out); 'weighted': weighted by positives; 'none'/null: one score per label"};
  return {.name = "average",
          .type = OptionType::string,
          .default_value = "macro",
          .choices = {"macro", "weighted", "none"},
          .nullable = true,
          .doc =
              "'macro': mean of the per-class scores (NaN ones left out); 'weighted': weighted by positives; "
              "'none'/null: one score per class"};
}

OptionSpec min_option(CurveKind kind) {
  const char* what = kind == CurveKind::r_at_p         ? "precision"
                     : kind == CurveKind::p_at_r       ? "recall"
                     : kind == CurveKind::spec_at_sens ? "sensitivity"
                                                       : "specificity";
  return {.name = min_option_name(kind),
          .type = OptionType::number,
          .default_value = nullptr,
          .doc = std::string("required: the minimum ") + what +
                 " a point must reach (compared in float32; TorchMetrics does not range-check a float)"};
}

std::string state_doc(Task task) {
  switch (task) {
    case Task::binary:
      return " State: exact 5 bytes per kept sample (9 for float64 preds, kept in float64); binned 16·(T+1) bytes.";
    case Task::multiclass:
      return " State: exact 4·C+4 bytes per kept sample (8·C+4 for float64 preds, kept in float64); binned 16·(T+1)·C "
             "bytes (16·(T+1) for average='micro' curves).";
    case Task::multilabel:
      return " State: exact 5·L bytes per sample (9·L for float64 preds, kept in float64); binned 16·(T+1)·L bytes.";
  }
  return "";
}

WASMETRICS_COLD MetricSpec curve_spec(std::string name, Task task, CurveKind kind, std::string doc) {
  auto examples = curve_examples(name);
  std::vector<OptionSpec> opts;
  if (task == Task::multiclass) opts.push_back(num_classes_option());
  if (task == Task::multilabel) opts.push_back(num_labels_option());
  if (kind == CurveKind::r_at_p || kind == CurveKind::p_at_r || kind == CurveKind::spec_at_sens ||
      kind == CurveKind::sens_at_spec)
    opts.push_back(min_option(kind));
  if (task == Task::binary && kind == CurveKind::auroc)
    opts.push_back({.name = "max_fpr",
                    .type = OptionType::number,
                    .default_value = nullptr,
                    .nullable = true,
                    .doc = "partial AUC over fpr in [0, max_fpr] with McClish correction; as TorchMetrics the range is "
                           "not checked (max_fpr > 1 fails in compute())"});
  opts.push_back(thresholds_option());
  opts.push_back(max_state_bytes_option());
  if (task != Task::binary && (kind == CurveKind::auroc || kind == CurveKind::ap ||
                               (task == Task::multiclass && (kind == CurveKind::prc || kind == CurveKind::roc))))
    opts.push_back(curve_average_option(task, kind));
  opts.push_back(ignore_index_option());
  opts.push_back(validate_args_option());
  opts.push_back(curve_input_kind_option(task));
  std::vector<InputSpec> inputs;
  switch (task) {
    case Task::binary:
      inputs = {{"preds", false, "[N, ...] probabilities or logits (float)"},
                {"target", false, "[N, ...] 0/1 labels (or ignore_index)"}};
      break;
    case Task::multiclass:
      inputs = {{"preds", false, "[N, C, ...] probabilities or logits (float; softmax for logits)"},
                {"target", false, "[N, ...] class labels in [0, C) (or ignore_index)"}};
      break;
    case Task::multilabel:
      inputs = {{"preds", false, "[N, L, ...] probabilities or logits (float)"},
                {"target", false, "[N, L, ...] 0/1 labels (or ignore_index)"}};
      break;
  }
  inputs.push_back(sample_weight_input());
  std::vector<QuerySpec> queries;
  if (task != Task::multiclass)  // multiclass predictions are an argmax: no threshold to feed back
    queries.push_back({.name = "best_thresholds",
                       .doc = "The threshold per label that maximises the criterion on the data accumulated so far, "
                              "ready to feed back as `threshold` (which predicts preds > threshold); with the value, "
                              "precision, recall and specificity reached there.",
                       .options = best_thresholds_options()});
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc) + state_doc(task),
      .inputs = std::move(inputs),
      .options = std::move(opts),
      .make = [task, kind](const Options& o) { return std::make_unique<CurveMetric>(o, task, kind); },
      .queries = std::move(queries),
      .examples = std::move(examples),
  };
}

}  // namespace
}  // namespace classification

using classification::CurveKind;
using classification::Task;

#define WASMETRICS_CURVE_SPEC(id, Name, task, kind, doc) \
  WASMETRICS_COLD MetricSpec id##_spec() { return classification::curve_spec(Name, task, kind, doc); }

WASMETRICS_CURVE_SPEC(binary_precision_recall_curve, "BinaryPrecisionRecallCurve", Task::binary, CurveKind::prc,
                      "Precision-recall curve {precision, recall, thresholds} (thresholds ascending).")
WASMETRICS_CURVE_SPEC(multiclass_precision_recall_curve, "MulticlassPrecisionRecallCurve", Task::multiclass,
                      CurveKind::prc, "One-vs-rest precision-recall curve per class (or micro/macro averaged).")
WASMETRICS_CURVE_SPEC(multilabel_precision_recall_curve, "MultilabelPrecisionRecallCurve", Task::multilabel,
                      CurveKind::prc, "Precision-recall curve per label.")
WASMETRICS_CURVE_SPEC(binary_roc, "BinaryROC", Task::binary, CurveKind::roc,
                      "ROC curve {fpr, tpr, thresholds} (thresholds descending).")
WASMETRICS_CURVE_SPEC(multiclass_roc, "MulticlassROC", Task::multiclass, CurveKind::roc,
                      "One-vs-rest ROC curve per class (or micro/macro averaged).")
WASMETRICS_CURVE_SPEC(multilabel_roc, "MultilabelROC", Task::multilabel, CurveKind::roc, "ROC curve per label.")
WASMETRICS_CURVE_SPEC(binary_auroc, "BinaryAUROC", Task::binary, CurveKind::auroc,
                      "Area under the ROC curve (optionally partial up to max_fpr, McClish-corrected).")
WASMETRICS_CURVE_SPEC(multiclass_auroc, "MulticlassAUROC", Task::multiclass, CurveKind::auroc,
                      "One-vs-rest area under the ROC curve per class, averaged.")
WASMETRICS_CURVE_SPEC(multilabel_auroc, "MultilabelAUROC", Task::multilabel, CurveKind::auroc,
                      "Area under the ROC curve per label, averaged.")
WASMETRICS_CURVE_SPEC(binary_average_precision, "BinaryAveragePrecision", Task::binary, CurveKind::ap,
                      "Average precision: sum over thresholds of (recall step) x precision.")
WASMETRICS_CURVE_SPEC(multiclass_average_precision, "MulticlassAveragePrecision", Task::multiclass, CurveKind::ap,
                      "One-vs-rest average precision per class, averaged.")
WASMETRICS_CURVE_SPEC(multilabel_average_precision, "MultilabelAveragePrecision", Task::multilabel, CurveKind::ap,
                      "Average precision per label, averaged.")
WASMETRICS_CURVE_SPEC(binary_recall_at_fixed_precision, "BinaryRecallAtFixedPrecision", Task::binary, CurveKind::r_at_p,
                      "Highest recall with precision >= min_precision, and its threshold.")
WASMETRICS_CURVE_SPEC(multiclass_recall_at_fixed_precision, "MulticlassRecallAtFixedPrecision", Task::multiclass,
                      CurveKind::r_at_p,
                      "Per class: highest recall with precision >= min_precision, and its threshold.")
WASMETRICS_CURVE_SPEC(multilabel_recall_at_fixed_precision, "MultilabelRecallAtFixedPrecision", Task::multilabel,
                      CurveKind::r_at_p,
                      "Per label: highest recall with precision >= min_precision, and its threshold.")
WASMETRICS_CURVE_SPEC(binary_precision_at_fixed_recall, "BinaryPrecisionAtFixedRecall", Task::binary, CurveKind::p_at_r,
                      "Highest precision with recall >= min_recall, and its threshold.")
WASMETRICS_CURVE_SPEC(multiclass_precision_at_fixed_recall, "MulticlassPrecisionAtFixedRecall", Task::multiclass,
                      CurveKind::p_at_r, "Per class: highest precision with recall >= min_recall, and its threshold.")
WASMETRICS_CURVE_SPEC(multilabel_precision_at_fixed_recall, "MultilabelPrecisionAtFixedRecall", Task::multilabel,
                      CurveKind::p_at_r, "Per label: highest precision with recall >= min_recall, and its threshold.")
WASMETRICS_CURVE_SPEC(binary_specificity_at_sensitivity, "BinarySpecificityAtSensitivity", Task::binary,
                      CurveKind::spec_at_sens,
                      "Highest specificity with sensitivity >= min_sensitivity, and its threshold.")
WASMETRICS_CURVE_SPEC(multiclass_specificity_at_sensitivity, "MulticlassSpecificityAtSensitivity", Task::multiclass,
                      CurveKind::spec_at_sens,
                      "Per class: highest specificity with sensitivity >= min_sensitivity, and its threshold.")
WASMETRICS_CURVE_SPEC(multilabel_specificity_at_sensitivity, "MultilabelSpecificityAtSensitivity", Task::multilabel,
                      CurveKind::spec_at_sens,
                      "Per label: highest specificity with sensitivity >= min_sensitivity, and its threshold.")
WASMETRICS_CURVE_SPEC(binary_sensitivity_at_specificity, "BinarySensitivityAtSpecificity", Task::binary,
                      CurveKind::sens_at_spec,
                      "Highest sensitivity with specificity >= min_specificity, and its threshold.")
WASMETRICS_CURVE_SPEC(multiclass_sensitivity_at_specificity, "MulticlassSensitivityAtSpecificity", Task::multiclass,
                      CurveKind::sens_at_spec,
                      "Per class: highest sensitivity with specificity >= min_specificity, and its threshold.")
WASMETRICS_CURVE_SPEC(multilabel_sensitivity_at_specificity, "MultilabelSensitivityAtSpecificity", Task::multilabel,
                      CurveKind::sens_at_spec,
                      "Per label: highest sensitivity with specificity >= min_specificity, and its threshold.")

#undef WASMETRICS_CURVE_SPEC

}  // namespace wasmetrics
