// ExtendedEditDistance (TorchMetrics functional/text/eed.py; Stanchev et al., EED): a
// character-level CDER-style edit distance with jumps at blanks and a coverage penalty, per sample
// the best (lowest) over its references, averaged over samples. State: the sum and count of the
// sentence scores (exact merge); the scores themselves (cat) only with
// return_sentence_level_score. Preprocessing as TorchMetrics: "en" spaces off . ! ? , and
// re-joins numbers and a few abbreviations; "ja" is NFKC (unicode.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/tokenize.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

using text::replace_all;

std::u32string rstrip(std::u32string s) {
  while (!s.empty() && text::is_python_whitespace(s.back())) s.pop_back();
  return s;
}

bool unicode_digit(char32_t c) {
  return (c >= '0' && c <= '9') || (c > 127 && text::is_number(c));
}  // re's \d (approx.: N)

// _preprocess_en
std::u32string preprocess_en(std::u32string s) {
  s = rstrip(std::move(s));
  replace_all(s, U".", U" .");
  replace_all(s, U"!", U" !");
  replace_all(s, U"?", U" ?");
  replace_all(s, U",", U" ,");
  {  // re.sub(r"\s+", " ")
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
      if (text::is_python_whitespace(s[i])) {
        out.push_back(U' ');
        while (i < s.size() && text::is_python_whitespace(s[i])) ++i;
      } else {
        out.push_back(s[i++]);
      }
    }
    s = out;
  }
  {  // re.sub(r"(\d) ([.,]) (\d)", r"\1\2\3")
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
      if (i + 4 < s.size() && unicode_digit(s[i]) && s[i + 1] == U' ' && (s[i + 2] == U'.' || s[i + 2] == U',') &&
          s[i + 3] == U' ' && unicode_digit(s[i + 4])) {
        out.push_back(s[i]);
        out.push_back(s[i + 2]);
        out.push_back(s[i + 4]);
        i += 5;
      } else {
        out.push_back(s[i++]);
      }
    }
    s = out;
  }
  {  // re.sub(r"(Dr|Jr|Prof|Rev|Gen|Mr|Mt|Mrs|Ms) .", r"\1.") -- '.' is any character but a newline
    static const std::u32string_view titles[] = {U"Dr", U"Jr", U"Prof", U"Rev", U"Gen", U"Mr", U"Mt", U"Mrs", U"Ms"};
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
      bool matched = false;
      for (auto t : titles) {
        const std::size_t e = i + t.size();
        if (s.compare(i, t.size(), t) == 0 && e + 1 < s.size() && s[e] == U' ' && s[e + 1] != U'\n') {
          out.append(t);
          out.push_back(U'.');
          i = e + 2;
          matched = true;
          break;
        }
      }
      if (!matched) out.push_back(s[i++]);
    }
    s = out;
  }
  replace_all(s, U"e . g .", U"e.g.");
  replace_all(s, U"i . e .", U"i.e.");
  replace_all(s, U"U . S .", U"U.S.");
  return U" " + s + U" ";
}

struct EedParams {
  double alpha, rho, deletion, insertion;
};

// _eed_function(hyp, ref)
double eed(std::u32string_view hyp, std::u32string_view ref, const EedParams& p, std::vector<double>& row,
           std::vector<double>& next, std::vector<std::int64_t>& visits) {
  const std::size_t n = hyp.size();
  constexpr double inf = std::numeric_limits<double>::infinity();
  visits.assign(n + 1, -1);
  row.assign(n + 1, 1.0);
  row[0] = 0.0;
  next.assign(n + 1, inf);
  for (std::size_t w = 1; w <= ref.size(); ++w) {
    for (std::size_t i = 0; i <= n; ++i) {
      next[i] = i > 0 ? std::min({next[i - 1] + p.deletion, row[i - 1] + (hyp[i - 1] != ref[w - 1] ? 1.0 : 0.0),
                                  row[i] + p.insertion})
                      : row[i] + 1.0;
    }
    const std::size_t min_index = static_cast<std::size_t>(std::min_element(next.begin(), next.end()) - next.begin());
    visits[min_index] += 1;
    if (ref[w - 1] == U' ') {
      const double jump = p.alpha + next[min_index];
      for (auto& x : next) x = std::min(x, jump);
    }
    std::swap(row, next);
    std::fill(next.begin(), next.end(), inf);
  }
  double coverage = 0;
  for (auto v : visits) coverage += v >= 0 ? static_cast<double>(v) : 1.0;
  coverage *= p.rho;
  return std::min(1.0, (row[n] + coverage) / (static_cast<double>(ref.size()) + coverage));
}

class ExtendedEditDistance final : public Metric {
 public:
  explicit ExtendedEditDistance(Options o)
      : Metric(std::move(o)),
        japanese_(options().get_string("language") == "ja"),
        sentence_level_(options().get_bool("return_sentence_level_score")),
        params_{options().get_number("alpha"), options().get_number("rho"), options().get_number("deletion"),
                options().get_number("insertion")} {}

 protected:
  std::u32string preprocess(std::string_view raw) const {
    std::u32string s = utf8_decode(raw, name(), "preds/target");
    return japanese_ ? text::nfkc(rstrip(std::move(s))) : preprocess_en(std::move(s));
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto corpus = text::translation_corpus(name(), in[0], in[1]);
    // `if 0 in (len(preds), len(target[0]))`: nothing is scored
    if (corpus.hypotheses.empty() || corpus.references.size() == 0 || corpus.references.count(0) == 0) return;
    const std::size_t n = std::min(corpus.hypotheses.size(), corpus.references.size());
    std::vector<double> row, next, scores;
    std::vector<std::int64_t> visits;
    for (std::size_t j = 0; j < n; ++j) {
      const std::u32string hyp = preprocess(corpus.hypotheses[j]);
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t r = 0; r < corpus.references.count(j); ++r)
        best = std::min(best, eed(hyp, preprocess(corpus.references.at(j, r)), params_, row, next, visits));
      // TorchMetrics keeps each sentence score as a float32 tensor
      scores.push_back(static_cast<double>(static_cast<float>(best)));
    }
    double sum = 0;
    for (double v : scores) sum += v;
    sentence_eed_sum_.value(s) += sum;
    sentences_.value(s) += static_cast<std::int64_t>(scores.size());
    if (sentence_level_) sentence_eed_.append(s, scores);
  }

  Result compute_state(const State& s) const override {
    const auto count = sentences_.value(s);
    const double average = count == 0 ? 0.0 : sentence_eed_sum_.value(s) / static_cast<double>(count);
    if (!sentence_level_) return Result::scalar(average);
    auto sentences = sentence_eed_.span(s);
    return Result::dict({{"score", Result::scalar(average)},
                         {"sentence_scores",
                          Result::squeezed(Tensor::vector(std::vector<double>(sentences.begin(), sentences.end())))}});
  }

 private:
  bool japanese_, sentence_level_;
  EedParams params_;
  StateSlot<double> sentence_eed_sum_ = declare_state<double>("sentence_eed_sum", Reduction::sum, {});
  StateSlot<std::int64_t> sentences_ = declare_state<std::int64_t>("sentences", Reduction::sum, {});
  StateSlot<double> sentence_eed_ =
      sentence_level_ ? declare_state<double>("sentence_eed", Reduction::cat, {0}) : StateSlot<double>();
};

}  // namespace

WASMETRICS_COLD MetricSpec extended_edit_distance_spec() {
  return {
      .name = "ExtendedEditDistance",
      .family = "text",
      .doc = "Extended edit distance (EED): character edit distance with jumps and a coverage penalty, best reference.",
      .inputs = {{"preds", false, "hypotheses: a string or a list of strings", InputKind::text},
                 {"target", false, "references: one list of reference strings per hypothesis", InputKind::text_lists}},
      .options =
          {
              {.name = "language",
               .type = OptionType::string,
               .default_value = "en",
               .choices = {"en", "ja"},
               .doc = "preprocessing: en (punctuation spaced off) or ja (NFKC)"},
              {.name = "return_sentence_level_score",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return each sample's EED: {score, sentence_scores}"},
              {.name = "alpha", .type = OptionType::number, .default_value = 2.0, .min = 0, .doc = "cost of a jump"},
              {.name = "rho",
               .type = OptionType::number,
               .default_value = 0.3,
               .min = 0,
               .doc = "weight of the coverage penalty"},
              {.name = "deletion",
               .type = OptionType::number,
               .default_value = 0.2,
               .min = 0,
               .doc = "cost of a deletion"},
              {.name = "insertion",
               .type = OptionType::number,
               .default_value = 1.0,
               .min = 0,
               .doc = "cost of an insertion"},
          },
      .make = [](const Options& o) { return std::make_unique<ExtendedEditDistance>(o); },
      .examples = {{.doc = "TorchMetrics' docstring example",
                    .batches = Json::array({{{"preds", {"this is the prediction", "here is an other sample"}},
                                             {"target", {"this is the reference", "here is another one"}}}}),
                    .expected = {{"shape", Json::array()}, {"data", {0.3078}}},
                    .atol = 5e-5}},
  };
}

}  // namespace wasmetrics
