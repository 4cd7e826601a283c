// BLEUScore and SacreBLEUScore (TorchMetrics functional/text/bleu.py, sacre_bleu.py): corpus BLEU
// from sufficient statistics: per n-gram order the clipped matches and the hypothesis n-grams,
// plus hypothesis and (closest) reference lengths, all sums (exact merge). SacreBLEU only changes
// the tokenizer (tokenize.hpp). TorchMetrics' behaviours kept: among references equally close in
// length the first listed sets the brevity penalty (TR1); smoothing is never reached when some
// order has no match (TR2); extra predictions or references are ignored (zip, TR6).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/text/ngrams.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/tokenize.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

using text::SacreTokenizer;

class Bleu final : public Metric {
 public:
  // `sacre`: SacreBLEUScore (tokenize/lowercase options); otherwise BLEUScore (str.split()).
  Bleu(Options o, bool sacre)
      : Metric(std::move(o)),
        sacre_(sacre),
        n_gram_(options().get_int("n_gram")),
        smooth_(options().get_bool("smooth")) {
    if (options().is_null("weights")) {
      weights_.assign(static_cast<std::size_t>(n_gram_), 1.0 / static_cast<double>(n_gram_));
    } else {
      weights_ = options().get_numbers("weights");
      if (static_cast<std::int64_t>(weights_.size()) != n_gram_)
        fail(name(), ": `weights` must have one weight per n-gram order: got ", weights_.size(),
             " weights and n_gram=", n_gram_);
    }
    if (sacre_) {
      const std::string t = options().get_string("tokenize");
      tokenizer_ = t == "none"   ? SacreTokenizer::none
                   : t == "13a"  ? SacreTokenizer::t13a
                   : t == "zh"   ? SacreTokenizer::zh
                   : t == "intl" ? SacreTokenizer::intl
                                 : SacreTokenizer::chars;
      lowercase_ = options().get_bool("lowercase");
    }
  }

 protected:
  void tokens(std::string_view line, text::TokenIds& ids, std::vector<std::uint32_t>& out) const {
    out.clear();
    if (line.empty()) return;  // `tokenizer(line) if line else []`
    std::u32string s = utf8_decode(line, name(), "preds/target");
    if (sacre_) {
      s = text::sacrebleu_tokenize(s, tokenizer_);
      if (lowercase_) s = text::to_lower(s);
    }
    ids.split_ids(s, out);
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto preds = text::text_samples(name(), "preds", in[0]);
    const auto target = text::reference_lists(name(), "target", in[1]);
    const std::size_t n = std::min(preds.size(), target.size());
    text::TokenIds ids;
    text::NgramCounter counter;
    std::vector<std::uint32_t> hyp;
    std::vector<std::vector<std::uint32_t>> refs;
    std::vector<std::span<const std::uint32_t>> ref_spans;
    double preds_len = 0, target_len = 0;
    auto num = numerator_.span(s);
    auto den = denominator_.span(s);
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = target.count(j);
      if (k == 0) fail(name(), ": `target[", j, "]` has no reference");
      tokens(preds[j], ids, hyp);
      refs.resize(k);
      ref_spans.clear();
      // The reference closest in length; the first listed among equals (TR1).
      std::size_t best = 0;
      for (std::size_t r = 0; r < k; ++r) {
        tokens(target.at(j, r), ids, refs[r]);
        ref_spans.emplace_back(refs[r]);
        auto diff = [&](std::size_t x) {
          return std::abs(static_cast<double>(hyp.size()) - static_cast<double>(refs[x].size()));
        };
        if (diff(r) < diff(best)) best = r;
      }
      preds_len += static_cast<double>(hyp.size());
      target_len += static_cast<double>(refs[best].size());
      counter.clipped_counts(hyp, ref_spans, static_cast<int>(n_gram_), num.data(), den.data());
    }
    preds_len_.value(s) += preds_len;
    target_len_.value(s) += target_len;
  }

  Result compute_state(const State& s) const override {
    auto num = numerator_.span(s);
    auto den = denominator_.span(s);
    const double preds_len = preds_len_.value(s), target_len = target_len_.value(s);
    if (*std::min_element(num.begin(), num.end()) == 0.0) return Result::scalar(0.0);  // before smoothing (TR2)
    double log_sum = 0;
    for (std::size_t i = 0; i < num.size(); ++i) {
      const double p = smooth_ && i > 0 ? (num[i] + 1) / (den[i] + 1) : num[i] / den[i];
      log_sum += weights_[i] * std::log(p);
    }
    const double brevity = preds_len > target_len ? 1.0 : std::exp(1 - target_len / preds_len);
    return Result::scalar(brevity * std::exp(log_sum));
  }

 private:
  bool sacre_;
  std::int64_t n_gram_;
  bool smooth_;
  std::vector<double> weights_;
  SacreTokenizer tokenizer_ = SacreTokenizer::none;
  bool lowercase_ = false;
  StateSlot<double> preds_len_ = declare_state<double>("preds_len", Reduction::sum, {});
  StateSlot<double> target_len_ = declare_state<double>("target_len", Reduction::sum, {});
  StateSlot<double> numerator_ = declare_state<double>("numerator", Reduction::sum, {n_gram_});
  StateSlot<double> denominator_ = declare_state<double>("denominator", Reduction::sum, {n_gram_});
};

std::vector<InputSpec> translation_inputs() {
  return {{"preds", false, "hypotheses: a string or a list of strings", InputKind::text},
          {"target", false, "references: one list of reference strings per hypothesis", InputKind::text_lists}};
}

std::vector<OptionSpec> bleu_options() {
  return {
      {.name = "n_gram", .type = OptionType::integer, .default_value = 4, .min = 1, .doc = "largest n-gram order"},
      {.name = "smooth",
       .type = OptionType::boolean,
       .default_value = false,
       .doc = "add-one smoothing of the orders above 1 (Lin & Och)"},
      {.name = "weights",
       .type = OptionType::number_list,
       .default_value = nullptr,
       .nullable = true,
       .doc = "weight of each order (n_gram of them); null: uniform"},
  };
}

MetricExample docstring_example() {
  return {.doc = "TorchMetrics' docstring example",
          .batches = Json::array({{{"preds", {"the cat is on the mat"}},
                                   {"target", Json::array({{"there is a cat on the mat", "a cat is on the mat"}})}}}),
          .expected = {{"shape", Json::array()}, {"data", {0.7598}}},
          .atol = 5e-5};
}

}  // namespace

WASMETRICS_COLD MetricSpec bleu_score_spec() {
  return {
      .name = "BLEUScore",
      .family = "text",
      .doc = "Corpus BLEU of whitespace-tokenized hypotheses against one or more references each.",
      .inputs = translation_inputs(),
      .options = bleu_options(),
      .make = [](const Options& o) { return std::make_unique<Bleu>(o, false); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {docstring_example()},
  };
}

WASMETRICS_COLD MetricSpec sacre_bleu_score_spec() {
  auto options = bleu_options();
  options.push_back(
      {.name = "tokenize",
       .type = OptionType::string,
       .default_value = "13a",
       .choices = {"none", "13a", "zh", "intl", "char"},
       .doc = "sacrebleu tokenizer (ja-mecab, ko-mecab, flores101/200 need external models: not offered)"});
  options.push_back({.name = "lowercase",
                     .type = OptionType::boolean,
                     .default_value = false,
                     .doc = "lowercase the tokenized text"});
  return {
      .name = "SacreBLEUScore",
      .family = "text",
      .doc = "Corpus BLEU with sacrebleu's tokenizers (13a, intl, zh, char, none).",
      .inputs = translation_inputs(),
      .options = options,
      .make = [](const Options& o) { return std::make_unique<Bleu>(o, true); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {docstring_example()},
  };
}

}  // namespace wasmetrics
