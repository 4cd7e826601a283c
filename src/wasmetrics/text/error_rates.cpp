// WordErrorRate, CharErrorRate, MatchErrorRate, WordInfoLost, WordInfoPreserved (TorchMetrics
// functional/text/{wer,cer,mer,wil,wip}.py): per sample pair, the unit-cost Levenshtein distance
// between the token sequences (words: str.split(); characters: code points), summed with the
// token counts. The state is those four sums (int64), so merging is exact; the four word metrics
// keep the same sums and share one state (a collection updates it once).
// TorchMetrics' quirks kept: preds/target of different lengths are zipped (extras ignored, TR6);
// MER/WIL/WIP count hits as max(len) - errors (TR4).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/kernels/edit_distance.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/token_interner.hpp"

namespace wasmetrics {
namespace {

enum class Rate { wer, cer, mer, wil, wip };

class ErrorRate final : public Metric {
 public:
  ErrorRate(Options o, Rate rate) : Metric(std::move(o)), rate_(rate) {}

  // The four word metrics accumulate identical sums.
  std::string state_key() const override { return rate_ == Rate::cer ? Metric::state_key() : "text|word_edit_counts"; }

 protected:
  State initial_state() const override {
    State s;
    for (const char* n : {"errors", "target_tokens", "preds_tokens", "max_tokens"})
      s.add(n, Reduction::sum, DType::int64, {});
    return s;
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto preds = text::text_samples(name(), "preds", in[0]);
    const auto target = text::text_samples(name(), "target", in[1]);
    const std::size_t n = std::min(preds.size(), target.size());  // zip(), as TorchMetrics
    std::vector<std::uint32_t> p_ids, t_ids;
    kernels::LevenshteinScratch scratch;
    std::int64_t errors = 0, t_total = 0, p_total = 0, max_total = 0;
    auto add = [&] {
      errors += scratch.levenshtein(p_ids, t_ids);
      const auto pl = static_cast<std::int64_t>(p_ids.size()), tl = static_cast<std::int64_t>(t_ids.size());
      t_total += tl;
      p_total += pl;
      max_total += std::max(pl, tl);
    };
    if (rate_ == Rate::cer) {
      text::CodePointInterner ids;
      auto to_ids = [&](std::string_view s, std::vector<std::uint32_t>& out) { text::code_point_ids(s, ids, out); };
      for (std::size_t i = 0; i < n; ++i) {
        to_ids(preds[i], p_ids);
        to_ids(target[i], t_ids);
        add();
      }
    } else {
      text::WordInterner ids;
      std::vector<std::string_view> words;
      auto to_ids = [&](std::string_view s, std::vector<std::uint32_t>& out) {
        words.clear();
        text::split_whitespace(s, words);
        out.clear();
        for (auto w : words) out.push_back(ids.id(w));
      };
      for (std::size_t i = 0; i < n; ++i) {
        to_ids(preds[i], p_ids);
        to_ids(target[i], t_ids);
        add();
      }
    }
    s["errors"].as<std::int64_t>()[0] += errors;
    s["target_tokens"].as<std::int64_t>()[0] += t_total;
    s["preds_tokens"].as<std::int64_t>()[0] += p_total;
    s["max_tokens"].as<std::int64_t>()[0] += max_total;
  }

  Result compute_state(const State& s) const override {
    auto get = [&](const char* n) { return static_cast<double>(s[n].as<std::int64_t>()[0]); };
    const double errors = get("errors"), target = get("target_tokens"), preds = get("preds_tokens");
    // Division as float tensors divide: x/0 is +-inf, 0/0 NaN.
    switch (rate_) {
      case Rate::wer: case Rate::cer: return Result::scalar(errors / target);
      case Rate::mer: return Result::scalar(errors / get("max_tokens"));
      case Rate::wil: case Rate::wip: {
        const double neg_hits = errors - get("max_tokens");  // TorchMetrics' "errors - total" (TR4)
        const double wip = (neg_hits / target) * (neg_hits / preds);
        return Result::scalar(rate_ == Rate::wip ? wip : 1.0 - wip);
      }
    }
    return Result::scalar(0);
  }

 private:
  Rate rate_;
};

std::vector<InputSpec> transcription_inputs() {
  return {{"preds", false, "transcription(s): a string or a list of strings", InputKind::text},
          {"target", false, "reference(s): a string or a list of strings, one per prediction", InputKind::text}};
}

// TorchMetrics' docstring example, shared by the five (only the value differs).
MetricExample docstring_example(double value) {
  return {.doc = "TorchMetrics' docstring example",
          .batches = Json::array({{{"preds", {"this is the prediction", "there is an other sample"}},
                                   {"target", {"this is the reference", "there is another one"}}}}),
          .expected = {{"shape", Json::array()}, {"data", {value}}},
          .atol = 5e-5};
}

MetricSpec error_rate_spec(std::string name, std::string doc, Rate rate, double example) {
  return {
      .name = std::move(name),
      .family = "text",
      .doc = std::move(doc),
      .inputs = transcription_inputs(),
      .options = {},
      .make = [rate](const Options& o) { return std::make_unique<ErrorRate>(o, rate); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {docstring_example(example)},
  };
}

}  // namespace

MetricSpec word_error_rate_spec() {
  return error_rate_spec("WordErrorRate", "Word error rate: word-level edit distance over the number of reference words.",
                         Rate::wer, 0.5);
}
MetricSpec char_error_rate_spec() {
  return error_rate_spec("CharErrorRate",
                         "Character error rate: code-point-level edit distance over the number of reference characters.",
                         Rate::cer, 0.3415);
}
MetricSpec match_error_rate_spec() {
  return error_rate_spec("MatchErrorRate", "Match error rate: word edit distance over max(reference, prediction) words.",
                         Rate::mer, 0.4444);
}
MetricSpec word_info_lost_spec() {
  return error_rate_spec("WordInfoLost", "Word information lost: 1 - WordInfoPreserved.", Rate::wil, 0.6528);
}
MetricSpec word_info_preserved_spec() {
  return error_rate_spec("WordInfoPreserved",
                         "Word information preserved: hits^2 / (reference words * predicted words), hits as TorchMetrics counts them.",
                         Rate::wip, 0.3472);
}

}  // namespace wasmetrics
