// CHRFScore (TorchMetrics functional/text/chrf.py): chrF / chrF++ from corpus totals per n-gram
// order (character orders 1..n_char_order, then word orders 1..n_word_order): hypothesis n-grams,
// reference n-grams and matches, where each sample contributes the statistics of its best
// reference (highest sentence chrF, the first among equals; none when every reference scores 0,
// as TorchMetrics: then only the hypothesis n-grams count). All sums; sentence scores (cat) only
// with return_sentence_level_score.
#include <algorithm>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/text/ngrams.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/token_interner.hpp"
#include "wasmetrics/text/tokenize.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

constexpr double kEpsSmoothing = 1e-16;

bool is_chrf_punctuation(char32_t c) { return text::is_ascii_punctuation(c); }  // _PUNCTUATIONS

struct Sequences {
  std::vector<std::uint32_t> chars, words;
};

class ChrF final : public Metric {
 public:
  explicit ChrF(Options o)
      : Metric(std::move(o)),
        n_char_(options().get_int("n_char_order")),
        n_word_(options().get_int("n_word_order")),
        beta_(options().get_number("beta")),
        lowercase_(options().get_bool("lowercase")),
        whitespace_(options().get_bool("whitespace")),
        sentence_level_(options().get_bool("return_sentence_level_score")) {}

 protected:
  // chrF's preprocessing of one sentence into character and word (punctuation split off) ids.
  void sequences(std::string_view raw, text::CodePointInterner& char_ids, text::TokenIds& word_ids,
                 Sequences& out) const {
    std::u32string s = utf8_decode(raw, name(), "preds/target");
    if (lowercase_) s = text::to_lower(s);
    out.chars.clear();
    if (whitespace_) {
      for (char32_t c : s) out.chars.push_back(char_ids.id(c));
    } else {
      for (char32_t c : text::strip(s))  // list(sentence.strip().replace(" ", ""))
        if (c != U' ') out.chars.push_back(char_ids.id(c));
    }
    out.words.clear();
    std::vector<std::u32string_view> words;
    text::split_whitespace(s, words);
    for (auto w : words) {
      if (w.size() > 1 && is_chrf_punctuation(w.back())) {
        out.words.push_back(word_ids.id(w.substr(0, w.size() - 1)));
        out.words.push_back(word_ids.id(w.substr(w.size() - 1)));
      } else if (w.size() > 1 && is_chrf_punctuation(w.front())) {
        out.words.push_back(word_ids.id(w.substr(0, 1)));
        out.words.push_back(word_ids.id(w.substr(1)));
      } else {
        out.words.push_back(word_ids.id(w));
      }
    }
  }

  // n-grams of order n in a sequence of `len` tokens.
  static double ngrams(std::size_t len, std::int64_t n) {
    return len >= static_cast<std::size_t>(n) ? static_cast<double>(len - static_cast<std::size_t>(n) + 1) : 0.0;
  }

  // The chrF of per-order statistics (hyp, ref, matching), as _calculate_fscore.
  double fscore(std::span<const double> hyp, std::span<const double> ref, std::span<const double> match) const {
    const double b2 = beta_ * beta_;
    double sum = 0;
    for (std::size_t i = 0; i < hyp.size(); ++i) {
      const double p = hyp[i] > 0 ? match[i] / hyp[i] : 0.0;
      const double r = ref[i] > 0 ? match[i] / ref[i] : 0.0;
      sum += (1 + b2) * p * r / std::max(b2 * p + r, kEpsSmoothing);
    }
    return sum / static_cast<double>(n_char_ + n_word_);
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto corpus = text::translation_corpus(name(), in[0], in[1]);
    const std::size_t n = std::min(corpus.hypotheses.size(), corpus.references.size());
    const auto orders = static_cast<std::size_t>(n_char_ + n_word_);
    text::CodePointInterner char_ids;
    text::TokenIds word_ids;
    text::NgramCounter counter;
    Sequences hyp, ref;
    std::vector<double> hyp_n(orders), ref_n(orders), match(orders), best_ref(orders), best_match(orders);
    auto preds_total = preds_ngrams_.span(s);
    auto target_total = target_ngrams_.span(s);
    auto matching_total = matching_ngrams_.span(s);
    std::vector<double> sentence_scores;
    for (std::size_t j = 0; j < n; ++j) {
      sequences(corpus.hypotheses[j], char_ids, word_ids, hyp);
      for (std::size_t o = 0; o < orders; ++o) {
        const bool is_char = o < static_cast<std::size_t>(n_char_);
        const auto order = is_char ? static_cast<std::int64_t>(o) + 1 : static_cast<std::int64_t>(o) - n_char_ + 1;
        hyp_n[o] = ngrams(is_char ? hyp.chars.size() : hyp.words.size(), order);
        preds_total[o] += hyp_n[o];
      }
      double best = 0;
      std::fill(best_ref.begin(), best_ref.end(), 0.0);
      std::fill(best_match.begin(), best_match.end(), 0.0);
      for (std::size_t r = 0; r < corpus.references.count(j); ++r) {
        sequences(corpus.references.at(j, r), char_ids, word_ids, ref);
        for (std::size_t o = 0; o < orders; ++o) {
          const bool is_char = o < static_cast<std::size_t>(n_char_);
          const auto order =
              is_char ? static_cast<int>(o) + 1 : static_cast<int>(o - static_cast<std::size_t>(n_char_)) + 1;
          ref_n[o] = ngrams(is_char ? ref.chars.size() : ref.words.size(), order);
          match[o] = static_cast<double>(is_char ? counter.overlap(hyp.chars, ref.chars, order)
                                                 : counter.overlap(hyp.words, ref.words, order));
        }
        const double f = fscore(hyp_n, ref_n, match);
        if (f > best) {  // strictly better: the first of equal references stays
          best = f;
          best_ref = ref_n;
          best_match = match;
        }
      }
      for (std::size_t o = 0; o < orders; ++o) {
        target_total[o] += best_ref[o];
        matching_total[o] += best_match[o];
      }
      sentence_scores.push_back(best);
    }
    if (sentence_level_) sentence_chrf_score_.append(s, sentence_scores);
  }

  Result compute_state(const State& s) const override {
    const double score = fscore(preds_ngrams_.span(s), target_ngrams_.span(s), matching_ngrams_.span(s));
    if (!sentence_level_) return Result::scalar(score);
    auto sentences = sentence_chrf_score_.span(s);
    return Result::dict({{"score", Result::scalar(score)},
                         {"sentence_scores",
                          Result::squeezed(Tensor::vector(std::vector<double>(sentences.begin(), sentences.end())))}});
  }

 private:
  std::int64_t n_char_, n_word_;
  double beta_;
  bool lowercase_, whitespace_, sentence_level_;
  StateSlot<double> preds_ngrams_ = declare_state<double>("preds_ngrams", Reduction::sum, {n_char_ + n_word_});
  StateSlot<double> target_ngrams_ = declare_state<double>("target_ngrams", Reduction::sum, {n_char_ + n_word_});
  StateSlot<double> matching_ngrams_ = declare_state<double>("matching_ngrams", Reduction::sum, {n_char_ + n_word_});
  StateSlot<double> sentence_chrf_score_ =
      sentence_level_ ? declare_state<double>("sentence_chrf_score", Reduction::cat, {0}) : StateSlot<double>();
};

}  // namespace

WASMETRICS_COLD MetricSpec chrf_score_spec() {
  return {
      .name = "CHRFScore",
      .family = "text",
      .doc = "chrF (n_word_order=0) or chrF++: F-beta of character and word n-gram matches against the best reference.",
      .inputs = {{"preds", false, "hypotheses: a string or a list of strings", InputKind::text},
                 {"target", false, "references: one list of reference strings per hypothesis", InputKind::text_lists}},
      .options =
          {
              {.name = "n_char_order",
               .type = OptionType::integer,
               .default_value = 6,
               .min = 1,
               .max = 100,
               .doc = "largest character n-gram order (at most 100: each order is one more pass over every sentence)"},
              {.name = "n_word_order",
               .type = OptionType::integer,
               .default_value = 2,
               .min = 0,
               .max = 100,
               .doc = "largest word n-gram order (0: chrF, 2: chrF++; at most 100: each order is one more pass over "
                      "every sentence)"},
              {.name = "beta",
               .type = OptionType::number,
               .default_value = 2.0,
               .min = 0,
               .doc = "weight of recall against precision"},
              {.name = "lowercase",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "compare lowercased text"},
              {.name = "whitespace",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "keep whitespace in character n-grams"},
              {.name = "return_sentence_level_score",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return each sample's chrF: {score, sentence_scores}"},
          },
      .make = [](const Options& o) { return std::make_unique<ChrF>(o); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {{.doc = "TorchMetrics' docstring example",
                    .batches = Json::array(
                        {{{"preds", {"the cat is on the mat"}},
                          {"target", Json::array({{"there is a cat on the mat", "a cat is on the mat"}})}}}),
                    .expected = {{"shape", Json::array()}, {"data", {0.8640}}},
                    .atol = 5e-5}},
  };
}

}  // namespace wasmetrics
