// The `task` wrappers of TorchMetrics 1.5.2 (Accuracy, Precision, ..., CalibrationError, HingeLoss):
// one registered name whose required option `task` selects the Binary*/Multiclass*/Multilabel*
// metric. As in TorchMetrics (whose wrapper __new__ returns the task-specific instance), the factory
// returns the task-specific metric itself, so state, update, compute, merge and state blobs are
// exactly that metric's (a wrapper instance merges with, and loads blobs of, the same task-specific
// metric with the same options).
//
// task_wrapper_spec() builds the wrapper's schema from the variants' `<id>_spec()` functions (plain
// functions, so this is safe while the registry list is being built; nothing is looked up in the
// registry): `task` plus the union of the variants' options, with TorchMetrics' wrapper defaults
// where they differ from a variant's (e.g. average='micro' for Accuracy). The factory passes the
// chosen variant the options it declares and rejects, naming them, the options of other tasks that
// were given a value other than the wrapper default.
#include <algorithm>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {

// clang-format off (one entry per line; clang-format 14 folds X-macro lists differently on each run)
#define WASMETRICS_WRAPPED(X)              \
  X(binary_accuracy)                       \
  X(multiclass_accuracy)                   \
  X(multilabel_accuracy)                   \
  X(binary_precision)                      \
  X(multiclass_precision)                  \
  X(multilabel_precision)                  \
  X(binary_recall)                         \
  X(multiclass_recall)                     \
  X(multilabel_recall)                     \
  X(binary_f1_score)                       \
  X(multiclass_f1_score)                   \
  X(multilabel_f1_score)                   \
  X(binary_fbeta_score)                    \
  X(multiclass_fbeta_score)                \
  X(multilabel_fbeta_score)                \
  X(binary_specificity)                    \
  X(multiclass_specificity)                \
  X(multilabel_specificity)                \
  X(binary_negative_predictive_value)      \
  X(multiclass_negative_predictive_value)  \
  X(multilabel_negative_predictive_value)  \
  X(binary_hamming_distance)               \
  X(multiclass_hamming_distance)           \
  X(multilabel_hamming_distance)           \
  X(binary_stat_scores)                    \
  X(multiclass_stat_scores)                \
  X(multilabel_stat_scores)                \
  X(multiclass_exact_match)                \
  X(multilabel_exact_match)                \
  X(binary_confusion_matrix)               \
  X(multiclass_confusion_matrix)           \
  X(multilabel_confusion_matrix)           \
  X(binary_jaccard_index)                  \
  X(multiclass_jaccard_index)              \
  X(multilabel_jaccard_index)              \
  X(binary_matthews_corr_coef)             \
  X(multiclass_matthews_corr_coef)         \
  X(multilabel_matthews_corr_coef)         \
  X(binary_cohen_kappa)                    \
  X(multiclass_cohen_kappa)                \
  X(binary_calibration_error)              \
  X(multiclass_calibration_error)          \
  X(binary_hinge_loss)                     \
  X(multiclass_hinge_loss)                 \
  X(binary_roc)                            \
  X(multiclass_roc)                        \
  X(multilabel_roc)                        \
  X(binary_precision_recall_curve)         \
  X(multiclass_precision_recall_curve)     \
  X(multilabel_precision_recall_curve)     \
  X(binary_auroc)                          \
  X(multiclass_auroc)                      \
  X(multilabel_auroc)                      \
  X(binary_average_precision)              \
  X(multiclass_average_precision)          \
  X(multilabel_average_precision)          \
  X(binary_recall_at_fixed_precision)      \
  X(multiclass_recall_at_fixed_precision)  \
  X(multilabel_recall_at_fixed_precision)  \
  X(binary_precision_at_fixed_recall)      \
  X(multiclass_precision_at_fixed_recall)  \
  X(multilabel_precision_at_fixed_recall)  \
  X(binary_specificity_at_sensitivity)     \
  X(multiclass_specificity_at_sensitivity) \
  X(multilabel_specificity_at_sensitivity) \
  X(binary_sensitivity_at_specificity)     \
  X(multiclass_sensitivity_at_specificity) \
  X(multilabel_sensitivity_at_specificity)
// clang-format on

#define WASMETRICS_DECLARE_WRAPPED(id) MetricSpec id##_spec();
WASMETRICS_WRAPPED(WASMETRICS_DECLARE_WRAPPED)
#undef WASMETRICS_DECLARE_WRAPPED

namespace classification {
namespace {

struct TaskVariant {
  std::string task;  // 'binary' | 'multiclass' | 'multilabel'
  MetricSpec spec;
};

const OptionSpec* find_option(const std::vector<OptionSpec>& opts, const std::string& name) {
  for (auto& o : opts)
    if (o.name == name) return &o;
  return nullptr;
}

// Merges a later variant's declaration of an option into the union: the wider type, all choices,
// nullable if either is, bounds only where both agree.
void widen(OptionSpec& into, const OptionSpec& other) {
  if (into.type != other.type) {
    if (other.type == OptionType::number_list || other.type == OptionType::integer_list)
      into.type = other.type;
    else if (into.type == OptionType::integer && other.type == OptionType::number)
      into.type = OptionType::number;
  }
  for (auto& c : other.choices)
    if (std::find(into.choices.begin(), into.choices.end(), c) == into.choices.end()) into.choices.push_back(c);
  into.nullable = into.nullable || other.nullable;
  if (into.min != other.min) {
    into.min.reset();
    into.min_exclusive = false;
  }
  if (into.max != other.max) into.max.reset();
}

std::string join_quoted(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", '" : "'") + v[i] + "'";
  return out;
}

WASMETRICS_COLD MetricSpec task_wrapper_spec(std::string name, std::string doc, std::vector<TaskVariant> variants,
                                             Json defaults) {
  std::vector<std::string> tasks;
  for (auto& v : variants) tasks.push_back(v.task);
  std::vector<OptionSpec> opts;
  opts.push_back({.name = "task",
                  .type = OptionType::string,
                  .default_value = nullptr,
                  .choices = tasks,
                  .doc = "which task-specific metric to create (required): " + join_quoted(tasks)});
  std::vector<std::vector<std::string>> tasks_of;  // per union option (index + 1 in opts)
  for (auto& v : variants) {
    for (auto& o : v.spec.options) {
      auto it = std::find_if(opts.begin() + 1, opts.end(), [&](const OptionSpec& u) { return u.name == o.name; });
      if (it == opts.end()) {
        opts.push_back(o);
        tasks_of.push_back({v.task});
      } else {
        widen(*it, o);
        tasks_of[static_cast<std::size_t>(it - opts.begin() - 1)].push_back(v.task);
      }
    }
  }
  for (std::size_t i = 1; i < opts.size(); ++i) {
    OptionSpec& o = opts[i];
    if (defaults.contains(o.name)) o.default_value = defaults[o.name];
    const auto& ts = tasks_of[i - 1];
    if (ts.size() != variants.size()) {
      std::string list;
      for (auto& t : ts) list += (list.empty() ? "" : ", ") + t;
      o.doc += " (task " + list + " only)";
    }
  }
  // the variants' queries, each once, saying which tasks have it
  std::vector<QuerySpec> queries;
  for (auto& v : variants)
    for (auto& q : v.spec.queries)
      if (std::none_of(queries.begin(), queries.end(), [&](const QuerySpec& u) { return u.name == q.name; })) {
        std::string having;
        for (auto& w : variants)
          for (auto& wq : w.spec.queries)
            if (wq.name == q.name) having += (having.empty() ? "" : ", ") + w.task;
        queries.push_back(q);
        queries.back().doc += " (task " + having + ")";
      }
  // examples: each variant's first, through the wrapper (task set; an option whose wrapper default
  // differs from the variant's is given the variant's default, so the expected value still holds)
  std::vector<MetricExample> examples;
  for (auto& v : variants) {
    if (v.spec.examples.empty()) continue;
    MetricExample e = v.spec.examples.front();
    e.args["task"] = v.task;
    for (auto& own : v.spec.options)
      if (defaults.contains(own.name) && !e.args.contains(own.name) && defaults[own.name] != own.default_value)
        e.args[own.name] = own.default_value;
    e.doc = "task='" + v.task + "': " + e.doc;
    examples.push_back(std::move(e));
  }
  std::vector<InputSpec> inputs = variants.front().spec.inputs;
  for (auto& in : inputs) in.doc = "as the task-specific metric's `" + in.name + "`";
  auto make = [name, variants, opts, tasks](const Options& o) -> std::unique_ptr<Metric> {
    if (o.is_null("task")) fail(name, ": option 'task' is required: one of ", join_quoted(tasks));
    const std::string task = o.get_string("task");
    const TaskVariant* v = nullptr;
    for (auto& c : variants)
      if (c.task == task) v = &c;
    if (!v) fail(name, ": option 'task' must be one of ", join_quoted(tasks), ", got '", task, "'");
    Json given = Json::object();
    std::vector<std::string> foreign;
    for (std::size_t i = 1; i < opts.size(); ++i) {
      const OptionSpec& u = opts[i];
      const Json& value = o.raw(u.name);
      if (const OptionSpec* own = find_option(v->spec.options, u.name)) {
        // only what differs from the variant's default, so that its options (hence state blobs and
        // merges) are exactly those of the task-specific metric created directly
        if (value != own->default_value) given[u.name] = value;
      } else if (value != u.default_value) {
        foreign.push_back(u.name);
      }
    }
    if (!foreign.empty())
      fail(name, ": option", foreign.size() > 1 ? "s " : " ", join_quoted(foreign),
           foreign.size() > 1 ? " do" : " does", " not apply to task='", task, "' (", v->spec.name, ")");
    return v->spec.make(validate_options(v->spec.name, v->spec.options, given));
  };
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = std::move(inputs),
      .options = std::move(opts),
      .make = std::move(make),
      .queries = std::move(queries),
      .examples = std::move(examples),
  };
}

WASMETRICS_COLD MetricSpec three(std::string name, std::string doc, MetricSpec b, MetricSpec mc, MetricSpec ml,
                                 Json defaults) {
  return task_wrapper_spec(std::move(name), std::move(doc),
                           {{"binary", std::move(b)}, {"multiclass", std::move(mc)}, {"multilabel", std::move(ml)}},
                           std::move(defaults));
}

WASMETRICS_COLD MetricSpec two(std::string name, std::string doc, std::string t1, MetricSpec a, std::string t2,
                               MetricSpec b, Json defaults) {
  return task_wrapper_spec(std::move(name), std::move(doc),
                           {{std::move(t1), std::move(a)}, {std::move(t2), std::move(b)}}, std::move(defaults));
}

const char* kTaskDoc = " Set `task` to 'binary', 'multiclass' or 'multilabel'; creates the task-specific metric.";

}  // namespace
}  // namespace classification

using classification::three;
using classification::two;

// TorchMetrics' wrapper defaults (classification/*.py __new__) where a variant's default differs.
#define WASMETRICS_THREE(id, Name, stem, defaults, doc)                                     \
  WASMETRICS_COLD MetricSpec id##_spec() {                                                  \
    return three(Name, std::string(doc) + classification::kTaskDoc, binary_##stem##_spec(), \
                 multiclass_##stem##_spec(), multilabel_##stem##_spec(), Json(defaults));   \
  }

WASMETRICS_THREE(accuracy, "Accuracy", accuracy, (Json{{"average", "micro"}}), "Accuracy (task wrapper).")
WASMETRICS_THREE(precision, "Precision", precision, (Json{{"average", "micro"}}), "Precision (task wrapper).")
WASMETRICS_THREE(recall, "Recall", recall, (Json{{"average", "micro"}}), "Recall (task wrapper).")
WASMETRICS_THREE(f1_score, "F1Score", f1_score, (Json{{"average", "micro"}}), "F1 score (task wrapper).")
WASMETRICS_THREE(fbeta_score, "FBetaScore", fbeta_score, (Json{{"average", "micro"}, {"beta", 1.0}}),
                 "F-beta score (task wrapper; beta defaults to 1.0 as in TorchMetrics' FBetaScore).")
WASMETRICS_THREE(specificity, "Specificity", specificity, (Json{{"average", "micro"}}), "Specificity (task wrapper).")
WASMETRICS_THREE(negative_predictive_value, "NegativePredictiveValue", negative_predictive_value,
                 (Json{{"average", "micro"}}),
                 "Negative predictive value (task wrapper; TorchMetrics 1.5.2 has no such class, defaults follow its "
                 "Specificity).")
WASMETRICS_THREE(hamming_distance, "HammingDistance", hamming_distance, (Json{{"average", "micro"}}),
                 "Hamming distance (task wrapper).")
WASMETRICS_THREE(stat_scores, "StatScores", stat_scores, (Json{{"average", "micro"}}),
                 "[tp, fp, tn, fn, support] (task wrapper).")
WASMETRICS_THREE(confusion_matrix, "ConfusionMatrix", confusion_matrix, Json::object(),
                 "Confusion matrix (task wrapper).")
WASMETRICS_THREE(jaccard_index, "JaccardIndex", jaccard_index, Json::object(), "Jaccard index (task wrapper).")
WASMETRICS_THREE(matthews_corr_coef, "MatthewsCorrCoef", matthews_corr_coef, Json::object(),
                 "Matthews correlation coefficient (task wrapper).")

WASMETRICS_THREE(roc, "ROC", roc, Json::object(), "Receiver operating characteristic curve (task wrapper).")
WASMETRICS_THREE(precision_recall_curve, "PrecisionRecallCurve", precision_recall_curve, Json::object(),
                 "Precision-recall curve (task wrapper).")
WASMETRICS_THREE(auroc, "AUROC", auroc, Json::object(), "Area under the ROC curve (task wrapper).")
WASMETRICS_THREE(average_precision, "AveragePrecision", average_precision, Json::object(),
                 "Average precision (task wrapper).")
WASMETRICS_THREE(recall_at_fixed_precision, "RecallAtFixedPrecision", recall_at_fixed_precision, Json::object(),
                 "Highest recall with precision >= min_precision (task wrapper).")
WASMETRICS_THREE(precision_at_fixed_recall, "PrecisionAtFixedRecall", precision_at_fixed_recall, Json::object(),
                 "Highest precision with recall >= min_recall (task wrapper).")
WASMETRICS_THREE(specificity_at_sensitivity, "SpecificityAtSensitivity", specificity_at_sensitivity, Json::object(),
                 "Highest specificity with sensitivity >= min_sensitivity (task wrapper).")
WASMETRICS_THREE(sensitivity_at_specificity, "SensitivityAtSpecificity", sensitivity_at_specificity, Json::object(),
                 "Highest sensitivity with specificity >= min_specificity (task wrapper).")

#undef WASMETRICS_THREE

WASMETRICS_COLD MetricSpec exact_match_spec() {
  return two("ExactMatch", "Exact match (task wrapper). Set `task` to 'multiclass' or 'multilabel'.", "multiclass",
             multiclass_exact_match_spec(), "multilabel", multilabel_exact_match_spec(), Json::object());
}
WASMETRICS_COLD MetricSpec cohen_kappa_spec() {
  return two("CohenKappa", "Cohen's kappa (task wrapper). Set `task` to 'binary' or 'multiclass'.", "binary",
             binary_cohen_kappa_spec(), "multiclass", multiclass_cohen_kappa_spec(), Json::object());
}
WASMETRICS_COLD MetricSpec calibration_error_spec() {
  return two("CalibrationError", "Top-label calibration error (task wrapper). Set `task` to 'binary' or 'multiclass'.",
             "binary", binary_calibration_error_spec(), "multiclass", multiclass_calibration_error_spec(),
             Json::object());
}
WASMETRICS_COLD MetricSpec hinge_loss_spec() {
  return two("HingeLoss", "Mean hinge loss (task wrapper). Set `task` to 'binary' or 'multiclass'.", "binary",
             binary_hinge_loss_spec(), "multiclass", multiclass_hinge_loss_spec(), Json::object());
}

}  // namespace wasmetrics
