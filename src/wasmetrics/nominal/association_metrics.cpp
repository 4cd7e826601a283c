// CramersV, TschuprowsT, PearsonsContingencyCoefficient and TheilsU (TorchMetrics nominal/): one
// state, the num_classes x num_classes table of (target, preds) label pairs (rows target, columns
// preds), int64 [C, C] summed over batches: 8·C² bytes whatever the number of samples. update()
// scatters the batch's pairs into it (a hand loop: one increment per sample); compute() drops the
// all-zero rows and columns and takes the statistic in float64 as xtensor algebra (contingency.hpp).
//
// Labels outside [0, num_classes) are rejected in the update that carries them (TorchMetrics does
// not check: such a label lands in another cell, or the reshape fails — QUIRKS-qa Q5).
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/nominal/contingency.hpp"
#include "wasmetrics/nominal/labels.hpp"

namespace wasmetrics {
namespace {

std::int64_t required_num_classes(const std::string& metric, const Options& o) {
  if (o.is_null("num_classes")) fail(metric, ": option 'num_classes' is required");
  return o.get_int("num_classes");
}

enum class Statistic { cramers_v, tschuprows_t, pearson, theils_u };

class Association final : public Metric {
 public:
  Association(Options o, Statistic stat)
      : Metric(std::move(o)),
        stat_(stat),
        num_classes_(required_num_classes(name(), options())),
        bias_correction_(options().json().contains("bias_correction") && options().get_bool("bias_correction")),
        nan_(nominal::NanHandling::from(name(), options())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto pairs = nominal::read_label_pairs(name(), in[0], in[1], num_classes_, nan_);
    auto table = confmat_.span(s);
    for (std::size_t i = 0; i < pairs.preds.size(); ++i)
      ++table[static_cast<std::size_t>(pairs.target[i] * num_classes_ + pairs.preds[i])];
  }

  Result compute_state(const State& s) const override {
    const nominal::Table t = nominal::drop_empty(confmat_, s);
    switch (stat_) {
      case Statistic::cramers_v:
        return Result::scalar(nominal::cramers_v(t, bias_correction_));
      case Statistic::tschuprows_t:
        return Result::scalar(nominal::tschuprows_t(t, bias_correction_));
      case Statistic::pearson:
        return Result::scalar(nominal::pearsons_contingency(t));
      case Statistic::theils_u:
        return Result::scalar(nominal::theils_u(t));
    }
    return Result::scalar(0);
  }

  bool results_are_per_class() const override { return false; }

 private:
  Statistic stat_;
  std::int64_t num_classes_;
  bool bias_correction_;
  nominal::NanHandling nan_;
  StateSlot<std::int64_t> confmat_ =
      declare_state<std::int64_t>("confmat", Reduction::sum, {num_classes_, num_classes_});
};

std::vector<OptionSpec> association_options(bool with_bias_correction) {
  std::vector<OptionSpec> out = {{.name = "num_classes",
                                  .type = OptionType::integer,
                                  .default_value = nullptr,
                                  .min = 1,
                                  .doc = "number of classes of preds and target (labels in [0, num_classes))"}};
  if (with_bias_correction)
    out.push_back({.name = "bias_correction",
                   .type = OptionType::boolean,
                   .default_value = true,
                   .doc = "Bergsma's bias correction (and Yates' continuity correction for a 2x2 table)"});
  for (auto& o : nominal::nan_options()) out.push_back(o);
  return out;
}

std::vector<InputSpec> association_inputs() {
  return {{"preds", false, "labels [N] (float with NaN allowed) or scores [N, C] reduced by argmax"},
          {"target", false, "labels [N] or scores [N, C], as preds"}};
}

// A reference computation: preds are target relabelled (0->1, 1->2, 2->0), a perfect association.
MetricExample perfect_association_example(const char* doc, Json args, double value) {
  return {.doc = doc,
          .args = std::move(args),
          .batches = Json::array({{{"preds", example_tensor("int64", {6}, {1, 1, 2, 2, 0, 0})},
                                   {"target", example_tensor("int64", {6}, {0, 0, 1, 1, 2, 2})}}}),
          .expected = example_scalar(value)};
}

WASMETRICS_COLD MetricSpec association_spec(const char* name, const char* doc, Statistic stat, bool bias,
                                            MetricExample example) {
  return {
      .name = name,
      .family = "nominal",
      .doc = doc,
      .inputs = association_inputs(),
      .options = association_options(bias),
      .make = [stat](const Options& o) { return std::make_unique<Association>(o, stat); },
      .examples = {std::move(example)},
  };
}

}  // namespace

WASMETRICS_COLD MetricSpec cramers_v_spec() {
  return association_spec("CramersV",
                          "Cramer's V association between two nominal labelings (optionally bias-corrected).",
                          Statistic::cramers_v, true,
                          perfect_association_example("relabelled classes: V = 1 (chi2 = 2n, min(r, c) - 1 = 2)",
                                                      {{"num_classes", 3}, {"bias_correction", false}}, 1.0));
}

WASMETRICS_COLD MetricSpec tschuprows_t_spec() {
  return association_spec("TschuprowsT",
                          "Tschuprow's T association between two nominal labelings (optionally bias-corrected).",
                          Statistic::tschuprows_t, true,
                          perfect_association_example("relabelled classes: T = 1 on a square table",
                                                      {{"num_classes", 3}, {"bias_correction", false}}, 1.0));
}

WASMETRICS_COLD MetricSpec pearsons_contingency_coefficient_spec() {
  return association_spec("PearsonsContingencyCoefficient",
                          "Pearson's contingency coefficient sqrt(phi2 / (1 + phi2)) of two labelings.",
                          Statistic::pearson, false,
                          perfect_association_example("relabelled classes: phi2 = 2, so sqrt(2/3)",
                                                      {{"num_classes", 3}}, 0.816496580927726));
}

WASMETRICS_COLD MetricSpec theils_u_spec() {
  return association_spec("TheilsU", "Theil's uncertainty coefficient U(preds | target) of two nominal labelings.",
                          Statistic::theils_u, false,
                          perfect_association_example("relabelled classes: the target tells the preds fully, U = 1",
                                                      {{"num_classes", 3}}, 1.0));
}

}  // namespace wasmetrics
