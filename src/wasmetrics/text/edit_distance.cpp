// EditDistance (TorchMetrics text/edit.py): the character-level Levenshtein distance of each
// (prediction, reference) pair, insertions and deletions costing 1 and substitutions
// `substitution_cost`, computed as TorchMetrics does (sacrebleu's TER beam, see
// kernels/edit_distance.hpp). State: the sum and count of distances, or with reduction
// none/None every distance (cat), which compute returns ([] for one sample, as TorchMetrics: TR3).
#include "wasmetrics/kernels/edit_distance.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/token_interner.hpp"

namespace wasmetrics {
namespace {

class EditDistance final : public Metric {
 public:
  explicit EditDistance(Options o)
      : Metric(std::move(o)),
        substitution_cost_(options().get_int("substitution_cost")),
        per_sample_(options().is_null("reduction") || options().get_string("reduction") == "none"),
        mean_(!per_sample_ && options().get_string("reduction") == "mean") {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto preds = text::text_samples(name(), "preds", in[0]);
    const auto target = text::text_samples(name(), "target", in[1]);
    if (preds.size() != target.size())
      fail(name(), ": `preds` and `target` must have the same length, got ", preds.size(), " and ", target.size());
    text::CodePointInterner ids;
    std::vector<std::uint32_t> p, t;
    std::vector<std::int64_t> scratch, distances;
    auto to_ids = [&](std::string_view str, std::vector<std::uint32_t>& out) { text::code_point_ids(str, ids, out); };
    for (std::size_t i = 0; i < preds.size(); ++i) {
      to_ids(preds[i], p);
      to_ids(target[i], t);
      distances.push_back(kernels::beam_levenshtein(p, t, substitution_cost_, scratch));
    }
    if (per_sample_) {
      edit_scores_.append(s, distances);
    } else {
      for (auto d : distances) edit_scores_.value(s) += d;
      num_elements_.value(s) += static_cast<std::int64_t>(distances.size());
    }
  }

  Result compute_state(const State& s) const override {
    auto scores = edit_scores_.span(s);
    if (per_sample_) return Result::squeezed(Tensor::vector(std::vector<double>(scores.begin(), scores.end())));
    const auto sum = static_cast<double>(scores[0]);
    return Result::scalar(mean_ ? sum / static_cast<double>(num_elements_.value(s)) : sum);
  }

 private:
  std::int64_t substitution_cost_;
  bool per_sample_, mean_;
  // per sample: every distance kept (cat); else their sum and count
  StateSlot<std::int64_t> edit_scores_ = per_sample_ ? declare_state<std::int64_t>("edit_scores", Reduction::cat, {0})
                                                     : declare_state<std::int64_t>("edit_scores", Reduction::sum, {});
  StateSlot<std::int64_t> num_elements_ =
      per_sample_ ? StateSlot<std::int64_t>() : declare_state<std::int64_t>("num_elements", Reduction::sum, {});
};

Json scalar_json(double v) { return {{"shape", Json::array()}, {"data", {v}}}; }

}  // namespace

WASMETRICS_COLD MetricSpec edit_distance_spec() {
  return {
      .name = "EditDistance",
      .family = "text",
      .doc = "Levenshtein distance between characters of prediction and reference, reduced over samples.",
      .inputs = {{"preds", false, "prediction(s): a string or a list of strings", InputKind::text},
                 {"target", false, "reference(s): a string or a list of strings of the same length", InputKind::text}},
      .options =
          {
              {.name = "substitution_cost",
               .type = OptionType::integer,
               .default_value = 1,
               .min = 0,
               .doc = "cost of a substitution (insertions and deletions cost 1)"},
              {.name = "reduction",
               .type = OptionType::string,
               .default_value = "mean",
               .choices = {"mean", "sum", "none"},
               .nullable = true,
               .doc = "mean or sum over samples, or none/null: one distance per sample"},
          },
      .make = [](const Options& o) { return std::make_unique<EditDistance>(o); },
      .batching = Batching::ordered,  // one result per unit/sample, in update order
      .examples =
          {
              {.doc = "TorchMetrics' docstring example",
               .batches = Json::array({{{"preds", {"rain"}}, {"target", {"shine"}}}}),
               .expected = scalar_json(3)},
              {.doc = "substitution_cost=2 (docstring)",
               .args = {{"substitution_cost", 2}},
               .batches = Json::array({{{"preds", {"rain"}}, {"target", {"shine"}}}}),
               .expected = scalar_json(5)},
              {.doc = "reduction=None: one distance per sample (docstring)",
               .args = {{"reduction", nullptr}},
               .batches = Json::array({{{"preds", {"rain", "lnaguaeg"}}, {"target", {"shine", "language"}}}}),
               .expected = {{"shape", {2}}, {"data", {3, 4}}}},
          },
  };
}

}  // namespace wasmetrics
