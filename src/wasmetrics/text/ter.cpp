// TranslationEditRate (TorchMetrics functional/text/ter.py, a port of sacrebleu's TER): the
// fewest edits (insertions, deletions, substitutions, and shifts of word blocks found by tercom's
// greedy search) turning a reference into the hypothesis, over the average reference length.
// Per sample the best reference's edit count and the mean reference length are summed (state:
// two sums; sentence scores (cat) only with return_sentence_level_score). TorchMetrics' search
// is reproduced step by step: the beam-limited Levenshtein with its tie preferences, the
// alignment read from its trace, candidate order, and the 1000-candidate budget.
#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/tokenize.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

constexpr std::int64_t kInfinity = 10'000'000'000'000'000;  // _INT_INFINITY
constexpr double kBeamWidth = 25;
constexpr std::int64_t kMaxShiftSize = 10, kMaxShiftDist = 50, kMaxShiftCandidates = 1000;

using Words = std::vector<std::uint32_t>;

// ---- tercom tokenizer ---------------------------------------------------------------------------

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }
bool asian_punctuation(char32_t c) {
  return c == 0x3001 || c == 0x3002 || in(c, 0x3008, 0x3011) || in(c, 0x3014, 0x301F) || in(c, 0xFF61, 0xFF65) ||
         c == 0x30FB;
}
bool full_width_punctuation(char32_t c) {
  switch (c) {
    case 0xFF0E:
    case 0xFF0C:
    case 0xFF1F:
    case 0xFF1A:
    case 0xFF1B:
    case 0xFF01:
    case 0xFF02:
    case 0xFF08:
    case 0xFF09:
      return true;
    default:
      return false;
  }
}
// The characters _normalize_asian surrounds with spaces (its hiragana/katakana rules are anchored
// at the start of the sentence, which normalization has made a space: they never match).
bool asian_spaced(char32_t c) {
  return in(c, 0x4E00, 0x9FFF) || in(c, 0x3400, 0x4DBF) || in(c, 0x31C0, 0x31EF) || in(c, 0x2E80, 0x2EFF) ||
         in(c, 0x3300, 0x33FF) || in(c, 0xF900, 0xFAFF) || in(c, 0xFE30, 0xFE4F) || in(c, 0x3200, 0x3F22) ||
         asian_punctuation(c) || full_width_punctuation(c);
}

using text::replace_all;

std::u32string space_around(std::u32string_view s, bool (*pred)(char32_t)) {
  std::u32string out;
  for (char32_t c : s) {
    if (pred(c)) {
      out.push_back(U' ');
      out.push_back(c);
      out.push_back(U' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool digit(char32_t c) { return c >= '0' && c <= '9'; }

std::u32string normalize_general_and_western(std::u32string s) {
  s = U" " + s + U" ";
  replace_all(s, U"\n-", U"");
  replace_all(s, U"\n", U" ");
  replace_all(s, U"&quot;", U"\"");
  replace_all(s, U"&amp;", U"&");
  replace_all(s, U"&lt;", U"<");
  replace_all(s, U"&gt;", U">");
  s = space_around(s, [](char32_t c) {
    return in(c, 0x7B, 0x7E) || in(c, 0x5B, 0x60) || in(c, 0x20, 0x26) || in(c, 0x28, 0x2B) || in(c, 0x3A, 0x40) ||
           c == 0x2F;
  });
  replace_all(s, U"'s ", U" 's ");
  if (s.size() >= 2 && s.compare(s.size() - 2, 2, U"'s") == 0) s.replace(s.size() - 2, 2, U" 's");
  auto dot_comma = [](char32_t c) { return c == U'.' || c == U','; };
  auto not_digit = [](char32_t c) { return !digit(c); };
  s = text::sub_pairs(s, not_digit, dot_comma, [](std::u32string& o, char32_t a, char32_t b) {
    o.push_back(a);
    o.push_back(U' ');
    o.push_back(b);
    o.push_back(U' ');
  });
  s = text::sub_pairs(s, dot_comma, not_digit, [](std::u32string& o, char32_t a, char32_t b) {
    o.push_back(U' ');
    o.push_back(a);
    o.push_back(U' ');
    o.push_back(b);
  });
  s = text::sub_pairs(
      s, digit, [](char32_t c) { return c == U'-'; },
      [](std::u32string& o, char32_t a, char32_t b) {
        o.push_back(a);
        o.push_back(U' ');
        o.push_back(b);
        o.push_back(U' ');
      });
  return s;
}

struct TercomOptions {
  bool normalize, no_punctuation, lowercase, asian_support;
};

// _preprocess_sentence: the tokenizer on sentence.rstrip(), as words.
std::u32string tercom_tokenize(std::u32string s, const TercomOptions& o) {
  while (!s.empty() && text::is_python_whitespace(s.back())) s.pop_back();
  if (s.empty()) return s;
  if (o.lowercase) s = text::to_lower(s);
  if (o.normalize) {
    s = normalize_general_and_western(s);
    if (o.asian_support) s = space_around(s, asian_spaced);
  }
  if (o.no_punctuation) {
    std::u32string kept;
    for (char32_t c : s) {
      const bool punct = c == U'.' || c == U',' || c == U'?' || c == U':' || c == U';' || c == U'!' || c == U'"' ||
                         c == U'(' || c == U')';
      if (!punct && !(o.asian_support && (asian_punctuation(c) || full_width_punctuation(c)))) kept.push_back(c);
    }
    s = kept;
  }
  return s;  // split by the caller
}

// ---- beam Levenshtein with trace (helper._LevenshteinEditDistance) -------------------------------

enum class Op : std::uint8_t { nothing, substitute, insert, remove, undefined };

class BeamLevenshtein {
 public:
  explicit BeamLevenshtein(const Words& reference) : ref_(reference) {}

  // Distance from `pred` to the reference; with `trace`, the operations (prediction -> reference).
  std::int64_t operator()(const Words& pred, std::vector<Op>* trace) {
    const std::size_t n = pred.size(), m = ref_.size(), w = m + 1;
    cost_.assign((n + 1) * w, kInfinity);
    op_.assign((n + 1) * w, Op::undefined);
    for (std::size_t j = 0; j <= m; ++j) {
      cost_[j] = static_cast<std::int64_t>(j);
      op_[j] = Op::insert;
    }
    const double ratio = n ? static_cast<double>(m) / static_cast<double>(n) : 1.0;
    const auto beam =
        static_cast<std::int64_t>(ratio / 2 > kBeamWidth ? std::ceil(ratio / 2 + kBeamWidth) : kBeamWidth);
    for (std::size_t i = 1; i <= n; ++i) {
      const auto diag = static_cast<std::int64_t>(std::floor(static_cast<double>(i) * ratio));
      const std::int64_t lo = std::max<std::int64_t>(0, diag - beam);
      const std::int64_t hi = i == n ? static_cast<std::int64_t>(m) + 1
                                     : std::min<std::int64_t>(static_cast<std::int64_t>(m) + 1, diag + beam);
      for (std::int64_t sj = lo; sj < hi; ++sj) {
        const auto j = static_cast<std::size_t>(sj);
        std::int64_t& c = cost_[i * w + j];
        Op& o = op_[i * w + j];
        if (j == 0) {
          c = cost_[(i - 1) * w] + 1;
          o = Op::remove;
          continue;
        }
        const bool same = pred[i - 1] == ref_[j - 1];
        // tercom's preference: no-op/substitution, then deletion, then insertion (first strict minimum)
        const std::pair<std::int64_t, Op> candidates[] = {
            {cost_[(i - 1) * w + j - 1] + (same ? 0 : 1), same ? Op::nothing : Op::substitute},
            {cost_[(i - 1) * w + j] + 1, Op::remove},
            {cost_[i * w + j - 1] + 1, Op::insert}};
        for (auto& [cc, co] : candidates)
          if (c > cc) {
            c = cc;
            o = co;
          }
      }
    }
    if (trace) {
      trace->clear();
      std::size_t i = n, j = m;
      while (i > 0 || j > 0) {
        const Op o = op_[i * w + j];
        trace->push_back(o);
        if (o == Op::nothing || o == Op::substitute) {
          --i;
          --j;
        } else if (o == Op::insert) {
          --j;
        } else if (o == Op::remove) {
          --i;
        } else {
          fail("TranslationEditRate: internal error: no edit path within the beam");
        }
      }
      std::reverse(trace->begin(), trace->end());
    }
    return cost_[n * w + m];
  }

 private:
  const Words& ref_;
  std::vector<std::int64_t> cost_;
  std::vector<Op> op_;
};

// Python slicing words[a:b] with clamping.
void append_slice(Words& out, const Words& w, std::int64_t a, std::int64_t b) {
  const auto n = static_cast<std::int64_t>(w.size());
  a = std::clamp<std::int64_t>(a, 0, n);
  b = std::clamp<std::int64_t>(b, 0, n);
  if (a < b) out.insert(out.end(), w.begin() + a, w.begin() + b);
}

Words perform_shift(const Words& w, std::int64_t start, std::int64_t length, std::int64_t target) {
  Words out;
  const auto n = static_cast<std::int64_t>(w.size());
  if (target < start) {
    append_slice(out, w, 0, target);
    append_slice(out, w, start, start + length);
    append_slice(out, w, target, start);
    append_slice(out, w, start + length, n);
  } else if (target > start + length) {
    append_slice(out, w, 0, start);
    append_slice(out, w, start + length, target);
    append_slice(out, w, start, start + length);
    append_slice(out, w, target, n);
  } else {
    append_slice(out, w, 0, start);
    append_slice(out, w, start + length, length + target);
    append_slice(out, w, start, start + length);
    append_slice(out, w, length + target, n);
  }
  return out;
}

// One round of _shift_words: the best shift of `pred` (score, shifted words), counting candidates.
std::pair<std::int64_t, Words> shift_words(const Words& pred, const Words& target, BeamLevenshtein& distance,
                                           std::int64_t& checked) {
  std::vector<Op> trace;
  const std::int64_t edit_distance = distance(pred, &trace);
  // _flip_trace then _trace_to_alignment: positions of the target (reference_*) and of pred (hypothesis_*)
  std::vector<std::int64_t> alignment(target.size(), -2);
  std::vector<int> target_errors, pred_errors;
  std::int64_t ref_pos = -1, hyp_pos = -1;
  for (Op o : trace) {
    if (o == Op::insert)
      o = Op::remove;
    else if (o == Op::remove)
      o = Op::insert;
    if (o == Op::nothing || o == Op::substitute) {
      ++hyp_pos;
      ++ref_pos;
      alignment[static_cast<std::size_t>(ref_pos)] = hyp_pos;
      target_errors.push_back(o == Op::substitute);
      pred_errors.push_back(o == Op::substitute);
    } else if (o == Op::insert) {
      ++hyp_pos;
      pred_errors.push_back(1);
    } else {
      ++ref_pos;
      alignment[static_cast<std::size_t>(ref_pos)] = hyp_pos;
      target_errors.push_back(1);
    }
  }
  auto error_sum = [](const std::vector<int>& e, std::int64_t a, std::int64_t len) {
    std::int64_t s = 0;
    for (std::int64_t k = a; k < a + len && k < static_cast<std::int64_t>(e.size()); ++k)
      s += e[static_cast<std::size_t>(k)];
    return s;
  };
  struct Best {
    std::int64_t score, length, neg_start, neg_idx;
    Words words;
  };
  std::optional<Best> best;
  const auto np = static_cast<std::int64_t>(pred.size()), nt = static_cast<std::int64_t>(target.size());
  for (std::int64_t ps = 0; ps < np; ++ps) {
    for (std::int64_t ts = 0; ts < nt; ++ts) {
      if (std::abs(ts - ps) > kMaxShiftDist) continue;
      for (std::int64_t length = 1; length < kMaxShiftSize; ++length) {
        if (pred[static_cast<std::size_t>(ps + length - 1)] != target[static_cast<std::size_t>(ts + length - 1)]) break;
        // candidate (ps, ts, length), unless a corner case
        const bool skip =
            error_sum(pred_errors, ps, length) == 0 || error_sum(target_errors, ts, length) == 0 ||
            (ps <= alignment[static_cast<std::size_t>(ts)] && alignment[static_cast<std::size_t>(ts)] < ps + length);
        if (!skip) {
          std::int64_t prev_idx = -1;
          for (std::int64_t offset = -1; offset < length; ++offset) {
            std::int64_t idx;
            if (ts + offset == -1)
              idx = 0;
            else if (ts + offset < nt && alignment[static_cast<std::size_t>(ts + offset)] != -2)
              idx = alignment[static_cast<std::size_t>(ts + offset)] + 1;
            else
              break;
            if (idx == prev_idx) continue;
            prev_idx = idx;
            Words shifted = perform_shift(pred, ps, length, idx);
            Best candidate{edit_distance - distance(shifted, nullptr), length, -ps, -idx, std::move(shifted)};
            ++checked;
            auto key = [](const Best& b) { return std::tuple(b.score, b.length, b.neg_start, b.neg_idx); };
            if (!best || key(candidate) > key(*best)) best = std::move(candidate);
          }
        }
        if (checked >= kMaxShiftCandidates) break;  // (the generator is abandoned below)
        if (np == ps + length || nt == ts + length) break;
      }
      if (checked >= kMaxShiftCandidates) break;
    }
    if (checked >= kMaxShiftCandidates) break;
  }
  if (!best) return {0, pred};
  return {best->score, std::move(best->words)};
}

// _translation_edit_rate(pred_words, target_words): edits (shifts included) from pred to target.
std::int64_t translation_edits(const Words& pred, const Words& target) {
  if (target.empty()) return 0;
  BeamLevenshtein distance(target);
  std::int64_t shifts = 0, checked = 0;
  Words input = pred;
  while (true) {
    auto [delta, shifted] = shift_words(input, target, distance, checked);
    if (checked >= kMaxShiftCandidates || delta <= 0) break;
    ++shifts;
    input = std::move(shifted);
  }
  return shifts + distance(input, nullptr);
}

double ter_from_statistics(double edits, double length) {
  if (length > 0 && edits > 0) return edits / length;
  if (length == 0 && edits > 0) return 1.0;
  return 0.0;
}

class TranslationEditRate final : public Metric {
 public:
  explicit TranslationEditRate(Options o)
      : Metric(std::move(o)),
        tercom_{options().get_bool("normalize"), options().get_bool("no_punctuation"), options().get_bool("lowercase"),
                options().get_bool("asian_support")},
        sentence_level_(options().get_bool("return_sentence_level_score")) {}

 protected:
  void words(std::string_view raw, text::TokenIds& ids, Words& out) const {
    out.clear();
    ids.split_ids(tercom_tokenize(utf8_decode(raw, name(), "preds/target"), tercom_), out);
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto corpus = text::translation_corpus(name(), in[0], in[1]);
    const std::size_t n = std::min(corpus.hypotheses.size(), corpus.references.size());
    text::TokenIds ids;
    Words hyp, ref;
    double edits_sum = 0, length_sum = 0;
    std::vector<double> sentences;
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = corpus.references.count(j);
      if (k == 0) fail(name(), ": `target[", j, "]` has no reference");
      words(corpus.hypotheses[j], ids, hyp);
      double best = 2e16, lengths = 0;
      for (std::size_t r = 0; r < k; ++r) {
        words(corpus.references.at(j, r), ids, ref);
        // TorchMetrics shifts the reference towards the hypothesis (_translation_edit_rate(tgt, pred))
        best = std::min(best, static_cast<double>(translation_edits(ref, hyp)));
        lengths += static_cast<double>(ref.size());
      }
      const double mean_length = lengths / static_cast<double>(k);
      edits_sum += best;
      length_sum += mean_length;
      sentences.push_back(ter_from_statistics(best, mean_length));
    }
    total_num_edits_.value(s) += edits_sum;
    total_tgt_len_.value(s) += length_sum;
    if (sentence_level_) sentence_ter_.append(s, sentences);
  }

  Result compute_state(const State& s) const override {
    const double score = ter_from_statistics(total_num_edits_.value(s), total_tgt_len_.value(s));
    if (!sentence_level_) return Result::scalar(score);
    auto sentences = sentence_ter_.span(s);
    return Result::dict({{"score", Result::scalar(score)},
                         {"sentence_scores",
                          Result::squeezed(Tensor::vector(std::vector<double>(sentences.begin(), sentences.end())))}});
  }

 private:
  TercomOptions tercom_;
  bool sentence_level_;
  StateSlot<double> total_num_edits_ = declare_state<double>("total_num_edits", Reduction::sum, {});
  StateSlot<double> total_tgt_len_ = declare_state<double>("total_tgt_len", Reduction::sum, {});
  StateSlot<double> sentence_ter_ =
      sentence_level_ ? declare_state<double>("sentence_ter", Reduction::cat, {0}) : StateSlot<double>();
};

}  // namespace

WASMETRICS_COLD MetricSpec translation_edit_rate_spec() {
  return {
      .name = "TranslationEditRate",
      .family = "text",
      .doc = "Translation edit rate (TER): edits incl. block shifts per reference word, best reference per sample.",
      .inputs = {{"preds", false, "hypotheses: a string or a list of strings", InputKind::text},
                 {"target", false, "references: one list of reference strings per hypothesis", InputKind::text_lists}},
      .options =
          {
              {.name = "normalize",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "tercom's general and western tokenization (punctuation split off)"},
              {.name = "no_punctuation",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "remove punctuation"},
              {.name = "lowercase",
               .type = OptionType::boolean,
               .default_value = true,
               .doc = "compare lowercased text"},
              {.name = "asian_support",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "with normalize/no_punctuation: split CJK characters, handle Asian punctuation"},
              {.name = "return_sentence_level_score",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "also return each sample's TER: {score, sentence_scores}"},
          },
      .make = [](const Options& o) { return std::make_unique<TranslationEditRate>(o); },
      .examples = {{.doc = "TorchMetrics' docstring example",
                    .batches = Json::array(
                        {{{"preds", {"the cat is on the mat"}},
                          {"target", Json::array({{"there is a cat on the mat", "a cat is on the mat"}})}}}),
                    .expected = {{"shape", Json::array()}, {"data", {0.1538}}},
                    .atol = 5e-5}},
  };
}

}  // namespace wasmetrics
