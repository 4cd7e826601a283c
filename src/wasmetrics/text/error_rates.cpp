// WordErrorRate, CharErrorRate, MatchErrorRate, WordInfoLost, WordInfoPreserved (TorchMetrics
// functional/text/{wer,cer,mer,wil,wip}.py): per sample pair, the unit-cost Levenshtein distance
// between the token sequences (words: str.split(); characters: code points), summed with the
// token counts. The state is those four sums (int64), so merging is exact; the four word metrics
// keep the same sums and share one state (a collection updates it once).
// TorchMetrics' quirks kept: preds/target of different lengths are zipped (extras ignored, TR6);
// MER/WIL/WIP count hits as max(len) - errors (TR4).
// Each also answers the query `alignment`: the per-pair edit alignment of given pairs (words or
// characters, as the metric counts them), see text/alignment.hpp.
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/kernels/edit_distance.hpp"
#include "wasmetrics/text/alignment.hpp"
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
      text::WordInterner ids;  // splits and interns in one pass over each string
      for (std::size_t i = 0; i < n; ++i) {
        p_ids.clear();
        ids.split_ids(preds[i], p_ids);
        t_ids.clear();
        ids.split_ids(target[i], t_ids);
        add();
      }
    }
    errors_.value(s) += errors;
    target_tokens_.value(s) += t_total;
    preds_tokens_.value(s) += p_total;
    max_tokens_.value(s) += max_total;
  }

  Result compute_state(const State& s) const override {
    auto get = [&](StateSlot<std::int64_t> slot) { return static_cast<double>(slot.value(s)); };
    const double errors = get(errors_), target = get(target_tokens_), preds = get(preds_tokens_);
    // Division as float tensors divide: x/0 is +-inf, 0/0 NaN.
    switch (rate_) {
      case Rate::wer:
      case Rate::cer:
        return Result::scalar(errors / target);
      case Rate::mer:
        return Result::scalar(errors / get(max_tokens_));
      case Rate::wil:
      case Rate::wip: {
        const double neg_hits = errors - get(max_tokens_);  // TorchMetrics' "errors - total" (TR4)
        const double wip = (neg_hits / target) * (neg_hits / preds);
        return Result::scalar(rate_ == Rate::wip ? wip : 1.0 - wip);
      }
    }
    return Result::scalar(0);
  }

  // Stateless: aligns the pairs given in `args` (the accumulated counts hold no text).
  Result query_state(const std::string&, const Options& args, const State&) const override {
    const std::string what = name() + ".alignment";
    if (args.is_null("preds") || args.is_null("target"))
      fail(what, ": give `preds` and `target`, arrays of strings of one length");
    const std::vector<std::string> preds = args.get_strings("preds"), target = args.get_strings("target");
    if (preds.size() != target.size())
      fail(what, ": `preds` and `target` must have the same length, got ", preds.size(), " and ", target.size());
    const bool chars = rate_ == Rate::cer;
    std::vector<Result> pairs;
    text::WordInterner words;
    text::CodePointInterner code_points;
    for (std::size_t i = 0; i < preds.size(); ++i) {
      const Tokens p = tokens(what, "preds", i, preds[i], chars, words, code_points);
      const Tokens t = tokens(what, "target", i, target[i], chars, words, code_points);
      const text::Alignment a = text::align_tokens(p.ids, t.ids, what);
      std::vector<double> ops;
      for (const auto& c : a.chunks)
        for (std::size_t v : {static_cast<std::size_t>(c.op), c.target_start, c.target_end, c.pred_start, c.pred_end})
          ops.push_back(static_cast<double>(v));
      auto count = [](std::int64_t v) { return Result::scalar(static_cast<double>(v)); };
      pairs.push_back(
          Result::dict({{"hits", count(a.hits)},
                        {"substitutions", count(a.substitutions)},
                        {"insertions", count(a.insertions)},
                        {"deletions", count(a.deletions)},
                        {"ops", Result(Tensor{std::move(ops), {static_cast<std::int64_t>(a.chunks.size()), 5}})},
                        {"target_spans", spans(t)},
                        {"preds_spans", spans(p)}}));
    }
    return Result::list(std::move(pairs));
  }

 private:
  StateSlot<std::int64_t> errors_ = declare_state<std::int64_t>("errors", Reduction::sum, {});
  StateSlot<std::int64_t> target_tokens_ = declare_state<std::int64_t>("target_tokens", Reduction::sum, {});
  StateSlot<std::int64_t> preds_tokens_ = declare_state<std::int64_t>("preds_tokens", Reduction::sum, {});
  StateSlot<std::int64_t> max_tokens_ = declare_state<std::int64_t>("max_tokens", Reduction::sum, {});

  // A string's tokens as ids, with each token's [start, end) in UTF-16 code units (JS string
  // indices), so a caller can highlight them in the string it passed.
  struct Tokens {
    std::vector<std::uint32_t> ids;
    std::vector<double> spans;  // start, end per token
  };

  static Tokens tokens(const std::string& what, const char* input, std::size_t row, std::string_view s, bool chars,
                       text::WordInterner& words, text::CodePointInterner& code_points) {
    std::u32string decoded;
    if (!utf8_decode_append(s, decoded)) fail(what, ": `", input, "`[", row, "] is not valid UTF-8");
    Tokens out;
    // UTF-16 position of every code point boundary (one more than code points).
    std::vector<double> utf16(decoded.size() + 1, 0.0);
    for (std::size_t k = 0; k < decoded.size(); ++k) utf16[k + 1] = utf16[k] + (decoded[k] >= 0x10000 ? 2 : 1);
    if (chars) {
      for (std::size_t k = 0; k < decoded.size(); ++k) {
        out.ids.push_back(code_points.id(decoded[k]));
        out.spans.insert(out.spans.end(), {utf16[k], utf16[k + 1]});
      }
      return out;
    }
    std::vector<std::string_view> split;
    text::split_whitespace(s, split);
    // Byte offset -> code point index, walking the string once alongside the tokens.
    std::size_t byte = 0, cp = 0;
    auto code_point_at = [&](std::size_t target_byte) {
      const auto* b = reinterpret_cast<const unsigned char*>(s.data());
      while (byte < target_byte) {
        char32_t c = 0;
        byte += static_cast<std::size_t>(utf8_next(b + byte, b + s.size(), c));
        ++cp;
      }
      return cp;
    };
    for (std::string_view w : split) {
      const auto start = static_cast<std::size_t>(w.data() - s.data());
      out.ids.push_back(words.id(w));
      const double a = utf16[code_point_at(start)];
      out.spans.insert(out.spans.end(), {a, utf16[code_point_at(start + w.size())]});
    }
    return out;
  }

  static Result spans(const Tokens& t) { return Result(Tensor{t.spans, {static_cast<std::int64_t>(t.ids.size()), 2}}); }

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

QuerySpec alignment_query(bool chars) {
  const std::string unit = chars ? "character (code point)" : "word (str.split())";
  return {.name = "alignment",
          .doc = "Per-pair edit alignment of the given pairs at the " + unit +
                 " level, what a reviewer "
                 "checks (jiwer's process_words/process_characters); it does not read or change the "
                 "accumulated state. One entry per pair: hits, substitutions, insertions, deletions (their "
                 "S + D + I is the edit distance the metric counts; among minimum-edit alignments the one "
                 "with the most hits), ops [K, 5] rows (op: 0 equal, 1 substitute, 2 insert, 3 delete; "
                 "target_start, target_end, pred_start, pred_end; token ranges, end exclusive), "
                 "target_spans and preds_spans [T, 2] (each token's start and end in UTF-16 code units, "
                 "JS string indices). In JS, alignTranscripts() gives the same with names and token text.",
          .options = {{.name = "preds",
                       .type = OptionType::string_list,
                       .default_value = nullptr,
                       .nullable = true,
                       .doc = "the transcriptions to align"},
                      {.name = "target",
                       .type = OptionType::string_list,
                       .default_value = nullptr,
                       .nullable = true,
                       .doc = "their references, one per transcription"}}};
}

WASMETRICS_COLD MetricSpec error_rate_spec(std::string name, std::string doc, Rate rate, double example) {
  return {
      .name = std::move(name),
      .family = "text",
      .doc = std::move(doc),
      .inputs = transcription_inputs(),
      .options = {},
      .make = [rate](const Options& o) { return std::make_unique<ErrorRate>(o, rate); },
      .queries = {alignment_query(rate == Rate::cer)},
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {docstring_example(example)},
  };
}

}  // namespace

WASMETRICS_COLD MetricSpec word_error_rate_spec() {
  return error_rate_spec(
      "WordErrorRate", "Word error rate: word-level edit distance over the number of reference words.", Rate::wer, 0.5);
}
WASMETRICS_COLD MetricSpec char_error_rate_spec() {
  return error_rate_spec(
      "CharErrorRate", "Character error rate: code-point-level edit distance over the number of reference characters.",
      Rate::cer, 0.3415);
}
WASMETRICS_COLD MetricSpec match_error_rate_spec() {
  return error_rate_spec("MatchErrorRate",
                         "Match error rate: word edit distance over max(reference, prediction) words.", Rate::mer,
                         0.4444);
}
WASMETRICS_COLD MetricSpec word_info_lost_spec() {
  return error_rate_spec("WordInfoLost", "Word information lost: 1 - WordInfoPreserved.", Rate::wil, 0.6528);
}
WASMETRICS_COLD MetricSpec word_info_preserved_spec() {
  return error_rate_spec(
      "WordInfoPreserved",
      "Word information preserved: hits^2 / (reference words * predicted words), hits as TorchMetrics counts them.",
      Rate::wip, 0.3472);
}

}  // namespace wasmetrics
