// The stat-score family (Binary*, Multiclass*, Multilabel*): Accuracy, Precision, Recall,
// F1Score, FBetaScore, Specificity, NegativePredictiveValue, HammingDistance, StatScores — one
// class on the shared tp/fp/tn/fn state (stat_scores.hpp), differing only in compute() — and
// ExactMatch (multiclass, multilabel) on its own correct/total state.
#include <cmath>
#include <limits>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/classification/stat_scores.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics {
namespace classification {

// stat_score_examples.cpp: the examples of the metrics declared here, by name
std::vector<MetricExample> stat_score_examples(const std::string& name);

namespace {

bool has_option(const Options& o, const char* name) { return o.json().contains(name); }

Average parse_average(const Options& o, Task task) {
  if (task == Task::binary) return Average::binary;
  if (o.is_null("average")) return Average::none;
  std::string a = o.get_string("average");
  if (a == "micro") return Average::micro;
  if (a == "macro") return Average::macro;
  if (a == "weighted") return Average::weighted;
  if (a == "samples") return Average::samples;
  return Average::none;
}

class StatScoreMetric final : public Metric {
 public:
  StatScoreMetric(Options o, Task task, Score score) : Metric(std::move(o)) {
    const Options& op = options();
    format_ = input_format_from_options(op, task, LogitsTest::whole_tensor);
    reduce_.task = task;
    reduce_.score = score;
    reduce_.average = parse_average(op, task);
    reduce_.samplewise = format_.samplewise;
    reduce_.top_k = format_.top_k;
    if (score == Score::fbeta) {
      if (op.is_null("beta")) fail(name(), ": option 'beta' is required");
      reduce_.beta = op.get_number("beta");
      if (!(reduce_.beta > 0))
        fail(name(), ": Expected argument `beta` to be a float larger than 0, but got ", reduce_.beta, ".");
    }
    if (has_option(op, "zero_division")) {
      if (op.is_string("zero_division")) {
        reduce_.zero_division = std::numeric_limits<double>::quiet_NaN();
      } else {
        double z = op.get_number("zero_division");
        if (z != 0 && z != 1) fail(name(), ": Expected argument `zero_division` to be 0, 1 or 'nan', but got ", z, ".");
        reduce_.zero_division = z;
      }
    }
    if (reduce_.average == Average::samples && format_.samplewise)
      fail(name(), ": average='samples' already averages over samples; it needs multidim_average='global'");
    layout_.k = task == Task::binary ? 1 : format_.num_classes;
    layout_.per_sample = format_.samplewise || reduce_.average == Average::samples;
    declare_stat_states(state_layout(), layout_);
  }

  const InputFormat& format() const { return format_; }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    if (const TensorView* w = sample_weight_of(in)) {
      // weighted: the general formatting path, counts as float64 sums of the rows' weights
      promote_counts_to_float64(s);  // the weighted layout (core/weighted_state.hpp)
      if (format_.task == Task::multiclass) {
        ClassLabels b = format_classes(format_, in[0], in[1]);
        count_stats_weighted(b, format_.num_classes, read_sample_weight(name(), *w, b.n), layout_, s);
      } else {
        LabelCodes b = format_labels(format_, in[0], in[1]);
        count_stats_weighted(b, read_sample_weight(name(), *w, b.n), layout_, s);
      }
      return;
    }
    if (format_.task == Task::multiclass)
      count_stats(format_classes(format_, in[0], in[1]), format_.num_classes, layout_, s);
    else if (!count_stats_fused(format_, in[0], in[1], layout_, s))
      count_stats(format_labels(format_, in[0], in[1]), layout_, s);
  }

  Result compute_state(const State& s) const override { return reduce_stats(s, layout_, reduce_); }

  // Every stat-score metric with the same input format and layout accumulates the same counts.
  std::string state_key() const override {
    return "stat_scores|" + format_.key() + "|k=" + std::to_string(layout_.k) +
           "|ps=" + (layout_.per_sample ? "1" : "0");
  }

 private:
  InputFormat format_;
  ReduceOptions reduce_;
  StatLayout layout_;
};

// ExactMatch: states correct/total (global, sums) or one value per sample (samplewise, cat).
class ExactMatchMetric final : public Metric {
 public:
  ExactMatchMetric(Options o, Task task) : Metric(std::move(o)) {
    format_ = input_format_from_options(options(), task, LogitsTest::whole_tensor);
    if (format_.samplewise) {
      per_sample_ = declare_state<double>("per_sample", Reduction::cat, {0});
    } else {
      correct_ = declare_state<std::int64_t>("correct", Reduction::sum, {});
      total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    std::vector<double> per_sample;
    std::int64_t correct = 0, total = 0;
    if (format_.task == Task::multiclass) {
      // a sample matches when every position does; ignored positions count as matching (C12)
      ClassLabels b = format_classes(format_, in[0], in[1]);
      for (std::int64_t n = 0; n < b.n; ++n) {
        const std::int32_t* t = b.target.data() + n * b.extra;
        const std::int32_t* p = b.preds.data() + n * b.extra;
        bool all = true;
        for (std::int64_t x = 0; x < b.extra && all; ++x)
          all = t[x] == ClassLabels::kIgnoredClass || (t[x] >= 0 && p[x] == t[x]);
        correct += all;
        if (format_.samplewise) per_sample.push_back(all ? 1.0 : 0.0);
      }
      total = b.n;
    } else {
      // a position (sample, extra index) matches when all labels do; an ignored label never matches
      LabelCodes b = format_labels(format_, in[0], in[1]);
      const std::int64_t L = b.labels, X = b.extra;
      std::vector<std::uint8_t> ok(static_cast<std::size_t>(X));
      for (std::int64_t n = 0; n < b.n; ++n) {
        std::fill(ok.begin(), ok.end(), 1);
        for (std::int64_t l = 0; l < L; ++l) {
          const std::uint8_t* c = b.code.data() + (n * L + l) * X;
          for (std::int64_t x = 0; x < X; ++x) ok[x] &= static_cast<std::uint8_t>(c[x] == 0 || c[x] == 3);
        }
        std::int64_t cnt = 0;
        for (auto v : ok) cnt += v;
        correct += cnt;
        if (format_.samplewise) per_sample.push_back(X ? static_cast<double>(cnt) / static_cast<double>(X) : 0.0);
      }
      total = b.n * X;
    }
    if (format_.samplewise) {
      per_sample_.append(s, std::span<const double>(per_sample));
    } else {
      correct_.value(s) += correct;
      total_.value(s) += total;
    }
  }

  Result compute_state(const State& s) const override {
    if (format_.samplewise) {
      auto v = per_sample_.span(s);
      return Result::squeezed(Tensor::vector(std::vector<double>(v.begin(), v.end())));
    }
    const double c = static_cast<double>(correct_.value(s));
    const double t = static_cast<double>(total_.value(s));
    return Result::scalar(t != 0 ? c / t : 0.0);
  }

 private:
  InputFormat format_;
  StateSlot<double> per_sample_;  // samplewise: one value per sample
  StateSlot<std::int64_t> correct_, total_;
};

// ---- schemas ----

OptionSpec average_option(Task task) {
  OptionSpec s{.name = "average",
               .type = OptionType::string,
               .default_value = "macro",
               .choices = {"micro", "macro", "weighted", "none"},
               .nullable = true,
               .doc =
                   "reduction over classes: 'micro' (pool the counts), 'macro' (mean of per-class scores; "
                   "multiclass drops classes never seen), 'weighted' (weighted by support tp+fn), 'none'/null "
                   "(one score per class)"};
  if (task == Task::multilabel) {
    s.choices.push_back("samples");
    s.doc =
        "reduction over labels: 'micro' (pool the counts), 'macro' (mean of per-label scores), 'weighted' "
        "(weighted by support tp+fn), 'none'/null (one score per label), 'samples' (scikit-learn: score of each "
        "sample from its counts summed over labels, then the mean over samples: (1/N) sum_n score(tp_n, fp_n, "
        "tn_n, fn_n))";
  }
  return s;
}

OptionSpec zero_division_option() {
  return {.name = "zero_division",
          .type = OptionType::number_or_string,
          .default_value = 0,
          .choices = {"nan"},
          .doc =
              "value of a score whose denominator is 0: 0, 1, or 'nan' (scikit-learn's np.nan: the score is NaN "
              "and drops out of macro/weighted/samples averages; NaN when nothing remains)"};
}

OptionSpec beta_option() {
  return {.name = "beta",
          .type = OptionType::number,
          .default_value = nullptr,
          .doc = "weight of recall in the F-beta score (required, > 0)"};
}

WASMETRICS_COLD MetricSpec stat_spec(std::string name, Task task, Score score, std::string doc) {
  auto examples = stat_score_examples(name);
  std::vector<OptionSpec> opts;
  if (score == Score::fbeta) opts.push_back(beta_option());
  if (task == Task::multiclass) {
    opts.push_back(num_classes_option());
    opts.push_back(top_k_option());
  }
  if (task == Task::multilabel) opts.push_back(num_labels_option());
  if (task != Task::multiclass) opts.push_back(threshold_option(task));
  if (task != Task::binary) opts.push_back(average_option(task));
  opts.push_back(multidim_average_option());
  opts.push_back(ignore_index_option());
  opts.push_back(validate_args_option());
  if (score == Score::precision || score == Score::recall || score == Score::f1 || score == Score::fbeta ||
      score == Score::npv)
    opts.push_back(zero_division_option());
  opts.push_back(input_kind_option(task));
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = with_sample_weight(classification_inputs(task)),
      .options = std::move(opts),
      .make = [task, score](const Options& o) { return std::make_unique<StatScoreMetric>(o, task, score); },
      .examples = std::move(examples),
  };
}

WASMETRICS_COLD MetricSpec exact_match_spec(std::string name, Task task, std::string doc) {
  auto examples = stat_score_examples(name);
  std::vector<OptionSpec> opts;
  if (task == Task::multiclass)
    opts.push_back(num_classes_option());
  else {
    opts.push_back(num_labels_option());
    opts.push_back(threshold_option(task));
  }
  opts.push_back(multidim_average_option());
  opts.push_back(ignore_index_option());
  opts.push_back(validate_args_option());
  opts.push_back(input_kind_option(task));
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = classification_inputs(task),
      .options = std::move(opts),
      .make = [task](const Options& o) { return std::make_unique<ExactMatchMetric>(o, task); },
      .examples = std::move(examples),
  };
}

}  // namespace
}  // namespace classification

using classification::Score;
using classification::Task;

#define WASMETRICS_STAT_SPEC(id, Name, task, score, doc) \
  WASMETRICS_COLD MetricSpec id##_spec() { return classification::stat_spec(Name, task, score, doc); }

WASMETRICS_STAT_SPEC(binary_accuracy, "BinaryAccuracy", Task::binary, Score::accuracy,
                     "Accuracy (tp+tn)/all of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_accuracy, "MulticlassAccuracy", Task::multiclass, Score::accuracy,
                     "Accuracy (recall tp/(tp+fn) per class, averaged) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_accuracy, "MultilabelAccuracy", Task::multilabel, Score::accuracy,
                     "Accuracy (tp+tn)/all per label, averaged, of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_precision, "BinaryPrecision", Task::binary, Score::precision,
                     "Precision tp/(tp+fp) of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_precision, "MulticlassPrecision", Task::multiclass, Score::precision,
                     "Precision tp/(tp+fp) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_precision, "MultilabelPrecision", Task::multilabel, Score::precision,
                     "Precision tp/(tp+fp) of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_recall, "BinaryRecall", Task::binary, Score::recall,
                     "Recall tp/(tp+fn) of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_recall, "MulticlassRecall", Task::multiclass, Score::recall,
                     "Recall tp/(tp+fn) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_recall, "MultilabelRecall", Task::multilabel, Score::recall,
                     "Recall tp/(tp+fn) of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_f1_score, "BinaryF1Score", Task::binary, Score::f1,
                     "F1 score 2tp/(2tp+fn+fp) of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_f1_score, "MulticlassF1Score", Task::multiclass, Score::f1,
                     "F1 score 2tp/(2tp+fn+fp) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_f1_score, "MultilabelF1Score", Task::multilabel, Score::f1,
                     "F1 score 2tp/(2tp+fn+fp) of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_fbeta_score, "BinaryFBetaScore", Task::binary, Score::fbeta,
                     "F-beta score (1+b^2)tp/((1+b^2)tp+b^2 fn+fp) of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_fbeta_score, "MulticlassFBetaScore", Task::multiclass, Score::fbeta,
                     "F-beta score (1+b^2)tp/((1+b^2)tp+b^2 fn+fp) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_fbeta_score, "MultilabelFBetaScore", Task::multilabel, Score::fbeta,
                     "F-beta score (1+b^2)tp/((1+b^2)tp+b^2 fn+fp) of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_specificity, "BinarySpecificity", Task::binary, Score::specificity,
                     "Specificity tn/(tn+fp) of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_specificity, "MulticlassSpecificity", Task::multiclass, Score::specificity,
                     "Specificity tn/(tn+fp) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_specificity, "MultilabelSpecificity", Task::multilabel, Score::specificity,
                     "Specificity tn/(tn+fp) of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_negative_predictive_value, "BinaryNegativePredictiveValue", Task::binary, Score::npv,
                     "Negative predictive value tn/(tn+fn) of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_negative_predictive_value, "MulticlassNegativePredictiveValue", Task::multiclass,
                     Score::npv,
                     "Negative predictive value tn/(tn+fn) of multiclass predictions (averaged as precision).")
WASMETRICS_STAT_SPEC(multilabel_negative_predictive_value, "MultilabelNegativePredictiveValue", Task::multilabel,
                     Score::npv, "Negative predictive value tn/(tn+fn) of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_hamming_distance, "BinaryHammingDistance", Task::binary, Score::hamming,
                     "Hamming distance 1-(tp+tn)/all of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_hamming_distance, "MulticlassHammingDistance", Task::multiclass, Score::hamming,
                     "Hamming distance 1-tp/(tp+fn) of multiclass predictions.")
WASMETRICS_STAT_SPEC(multilabel_hamming_distance, "MultilabelHammingDistance", Task::multilabel, Score::hamming,
                     "Hamming distance 1-(tp+tn)/all of multilabel predictions.")
WASMETRICS_STAT_SPEC(binary_stat_scores, "BinaryStatScores", Task::binary, Score::stat_scores,
                     "[tp, fp, tn, fn, support] of binary predictions.")
WASMETRICS_STAT_SPEC(multiclass_stat_scores, "MulticlassStatScores", Task::multiclass, Score::stat_scores,
                     "[tp, fp, tn, fn, support] of multiclass predictions, per class or reduced.")
WASMETRICS_STAT_SPEC(multilabel_stat_scores, "MultilabelStatScores", Task::multilabel, Score::stat_scores,
                     "[tp, fp, tn, fn, support] of multilabel predictions, per label or reduced.")

#undef WASMETRICS_STAT_SPEC

WASMETRICS_COLD MetricSpec multiclass_exact_match_spec() {
  return classification::exact_match_spec(
      "MulticlassExactMatch", Task::multiclass,
      "Fraction of samples whose every position is predicted right (subset accuracy).");
}
WASMETRICS_COLD MetricSpec multilabel_exact_match_spec() {
  return classification::exact_match_spec(
      "MultilabelExactMatch", Task::multilabel,
      "Fraction of samples whose every label is predicted right (subset accuracy).");
}

}  // namespace wasmetrics
