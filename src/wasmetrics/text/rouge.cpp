// ROUGEScore (TorchMetrics functional/text/rouge.py, rouge_score's definitions): for every
// requested key (rouge1..rouge9, rougeL, rougeLsum) the precision, recall and F-measure of each
// sample against its references (accumulate="best": the reference with the best F-measure of the
// FIRST key, reported for every key (TR8); "avg": the mean over references), averaged over samples.
// Tokens: lowercase, runs of [a-z0-9]; with use_stemmer, nltk's Porter stemmer on tokens longer
// than 3. ROUGE-L's LCS is bit-parallel (kernels/edit_distance.hpp). rougeLsum splits texts into sentences after . ! ?
// followed by whitespace (what nltk's Punkt does on texts without abbreviations). State: per key and score the sum over
// samples, and the sample count (exact merge; the result is their mean).
#include <map>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/kernels/edit_distance.hpp"
#include "wasmetrics/text/ngrams.hpp"
#include "wasmetrics/text/porter_stemmer.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

const std::vector<std::string> kRougeKeys = {"rouge1", "rouge2", "rouge3", "rouge4", "rouge5",   "rouge6",
                                             "rouge7", "rouge8", "rouge9", "rougeL", "rougeLsum"};
constexpr int kL = -1, kLsum = -2;  // key codes besides the n-gram orders 1..9

struct Score {
  double precision = 0, recall = 0, fmeasure = 0;
};

Score scores(double hits, double pred_len, double target_len) {
  const double p = hits / pred_len, r = hits / target_len;
  if (p == 0 && r == 0) return {};
  return {p, r, 2 * p * r / (p + r)};
}

// A text as ROUGE tokens, interned; sentences (rougeLsum) as token ranges.
struct Tokens {
  std::vector<std::uint32_t> ids;
  std::vector<std::vector<std::uint32_t>> sentences;
};

class Tokenizer {
 public:
  explicit Tokenizer(bool stem) : stem_(stem) {}

  void tokens(std::u32string_view text, std::vector<std::uint32_t>& out) {
    out.clear();
    const std::u32string lowered = text::to_lower(text);
    std::string word;
    auto flush = [&] {
      if (word.empty()) return;
      out.push_back(intern(stem_ && word.size() > 3 ? text::porter_stem(word) : word));
      word.clear();
    };
    for (char32_t c : lowered) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        word.push_back(static_cast<char>(c));
      else
        flush();
    }
    flush();
  }

  void read(std::string_view raw, bool sentences, Tokens& out) {
    const std::u32string s = utf8_decode(raw, "ROUGEScore", "preds/target");
    tokens(s, out.ids);
    out.sentences.clear();
    if (!sentences) return;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const bool end =
          (s[i] == U'.' || s[i] == U'!' || s[i] == U'?') && i + 1 < s.size() && text::is_python_whitespace(s[i + 1]);
      if (end || i + 1 == s.size()) {
        out.sentences.emplace_back();
        tokens(std::u32string_view(s).substr(start, i + 1 - start), out.sentences.back());
        start = i + 1;
      }
    }
  }

 private:
  std::uint32_t intern(const std::string& w) {
    auto [it, inserted] = ids_.try_emplace(w, static_cast<std::uint32_t>(ids_.size()));
    return it->second;
  }
  bool stem_;
  std::map<std::string, std::uint32_t> ids_;
};

// LCS table of target (rows) x pred (columns), as rouge.py's _lcs(..., return_full_table=True).
xt::xtensor<std::int32_t, 2> lcs_table(std::span<const std::uint32_t> pred, std::span<const std::uint32_t> target) {
  xt::xtensor<std::int32_t, 2> t = xt::zeros<std::int32_t>({target.size() + 1, pred.size() + 1});
  for (std::size_t i = 1; i <= target.size(); ++i)
    for (std::size_t j = 1; j <= pred.size(); ++j)
      t(i, j) = target[i - 1] == pred[j - 1] ? t(i - 1, j - 1) + 1 : std::max(t(i - 1, j), t(i, j - 1));
  return t;
}

// rougeLsum: union LCS of each target sentence with every pred sentence; hits counted against
// the token budgets of both texts (rouge_score's _summary_level_lcs).
Score rouge_lsum(const Tokens& pred, const Tokens& target) {
  double pred_len = 0, target_len = 0;
  std::map<std::uint32_t, std::int64_t> pred_count, target_count;
  for (auto& s : pred.sentences) {
    pred_len += static_cast<double>(s.size());
    for (auto t : s) ++pred_count[t];
  }
  for (auto& s : target.sentences) {
    target_len += static_cast<double>(s.size());
    for (auto t : s) ++target_count[t];
  }
  if (pred_len == 0 || target_len == 0) return {};
  double hits = 0;
  for (auto& tgt : target.sentences) {
    std::vector<bool> in_union(tgt.size(), false);
    for (auto& p : pred.sentences) {
      const auto table = lcs_table(p, tgt);
      std::size_t i = p.size(), j = tgt.size();
      while (i > 0 && j > 0) {
        if (p[i - 1] == tgt[j - 1]) {
          in_union[j - 1] = true;
          --i;
          --j;
        } else if (table(j, i - 1) > table(j - 1, i)) {
          --i;
        } else {
          --j;
        }
      }
    }
    for (std::size_t k = 0; k < tgt.size(); ++k) {
      if (!in_union[k]) continue;
      auto& pc = pred_count[tgt[k]];
      auto& tc = target_count[tgt[k]];
      if (pc > 0 && tc > 0) {
        hits += 1;
        --pc;
        --tc;
      }
    }
  }
  return scores(hits, pred_len, target_len);
}

class Rouge final : public Metric {
 public:
  explicit Rouge(Options o)
      : Metric(std::move(o)),
        stem_(options().get_bool("use_stemmer")),
        best_(options().get_string("accumulate") == "best") {
    for (auto& k : options().get_strings("rouge_keys")) {
      if (std::find(keys_.begin(), keys_.end(), k) != keys_.end()) continue;
      keys_.push_back(k);
      codes_.push_back(k == "rougeL" ? kL : k == "rougeLsum" ? kLsum : std::stoi(k.substr(5)));
      lsum_ = lsum_ || codes_.back() == kLsum;
    }
    for (auto& k : keys_)
      scores_.push_back({declare_state<double>(k + "_fmeasure", Reduction::sum, {}),
                         declare_state<double>(k + "_precision", Reduction::sum, {}),
                         declare_state<double>(k + "_recall", Reduction::sum, {})});
    samples_ = declare_state<std::int64_t>("samples", Reduction::sum, {});
  }

 protected:
  Score score(int code, const Tokens& pred, const Tokens& target, text::NgramCounter& counter,
              kernels::LevenshteinScratch& lcs) const {
    if (code == kLsum) return rouge_lsum(pred, target);
    if (code == kL) {
      if (pred.ids.empty() || target.ids.empty()) return {};
      return scores(static_cast<double>(lcs.lcs(pred.ids, target.ids)), static_cast<double>(pred.ids.size()),
                    static_cast<double>(target.ids.size()));
    }
    const auto n = static_cast<std::size_t>(code);
    const double pred_len = pred.ids.size() >= n ? static_cast<double>(pred.ids.size() - n + 1) : 0.0;
    const double target_len = target.ids.size() >= n ? static_cast<double>(target.ids.size() - n + 1) : 0.0;
    if (pred_len == 0 || target_len == 0) return {};
    return scores(static_cast<double>(counter.overlap(pred.ids, target.ids, code)), pred_len, target_len);
  }

  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto preds = text::text_samples(name(), "preds", in[0]);
    // A lone prediction string takes a list of strings as its references; a list of predictions,
    // one reference each.
    const auto target = text::reference_lists(
        name(), "target", in[1],
        in[0].text.depth == 0 ? text::FlatReferences::all_for_one_sample : text::FlatReferences::one_per_sample);
    const std::size_t n = std::min(preds.size(), target.size());
    Tokenizer tokenizer(stem_);
    text::NgramCounter counter;
    kernels::LevenshteinScratch lcs;  // bit-parallel LCS (ROUGE-L)
    Tokens pred, ref;
    std::vector<std::vector<Score>> per_ref;  // [reference][key]
    std::vector<Score> sums(keys_.size());
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = target.count(j);
      if (k == 0) fail(name(), ": `target[", j, "]` has no reference");
      tokenizer.read(preds[j], lsum_, pred);
      per_ref.assign(k, std::vector<Score>(keys_.size()));
      for (std::size_t r = 0; r < k; ++r) {
        tokenizer.read(target.at(j, r), lsum_, ref);
        for (std::size_t q = 0; q < keys_.size(); ++q) per_ref[r][q] = score(codes_[q], pred, ref, counter, lcs);
      }
      for (std::size_t q = 0; q < keys_.size(); ++q) {
        Score chosen;
        if (best_) {
          std::size_t b = 0;  // the first maximum of the first key's F-measure
          for (std::size_t r = 1; r < k; ++r)
            if (per_ref[r][0].fmeasure > per_ref[b][0].fmeasure) b = r;
          chosen = per_ref[b][q];
        } else {
          for (std::size_t r = 0; r < k; ++r) {
            chosen.fmeasure += per_ref[r][q].fmeasure / static_cast<double>(k);
            chosen.precision += per_ref[r][q].precision / static_cast<double>(k);
            chosen.recall += per_ref[r][q].recall / static_cast<double>(k);
          }
        }
        sums[q].fmeasure += chosen.fmeasure;
        sums[q].precision += chosen.precision;
        sums[q].recall += chosen.recall;
      }
    }
    for (std::size_t q = 0; q < keys_.size(); ++q) {
      scores_[q].fmeasure.value(s) += sums[q].fmeasure;
      scores_[q].precision.value(s) += sums[q].precision;
      scores_[q].recall.value(s) += sums[q].recall;
    }
    samples_.value(s) += static_cast<std::int64_t>(n);
  }

  Result compute_state(const State& s) const override {
    const auto n = static_cast<double>(samples_.value(s));
    std::vector<std::pair<std::string, Result>> out;
    for (std::size_t q = 0; q < keys_.size(); ++q) {
      out.emplace_back(keys_[q] + "_fmeasure", Result::scalar(scores_[q].fmeasure.value(s) / n));
      out.emplace_back(keys_[q] + "_precision", Result::scalar(scores_[q].precision.value(s) / n));
      out.emplace_back(keys_[q] + "_recall", Result::scalar(scores_[q].recall.value(s) / n));
    }
    return Result::dict(std::move(out));
  }

 private:
  bool stem_, best_, lsum_ = false;
  std::vector<std::string> keys_;
  std::vector<int> codes_;
  // per rouge key: the sums of its three scores (<key>_fmeasure, _precision, _recall)
  struct ScoreSlots {
    StateSlot<double> fmeasure, precision, recall;
  };
  std::vector<ScoreSlots> scores_;
  StateSlot<std::int64_t> samples_;
};

}  // namespace

WASMETRICS_COLD MetricSpec rouge_score_spec() {
  return {
      .name = "ROUGEScore",
      .family = "text",
      .doc = "ROUGE-N, ROUGE-L and ROUGE-Lsum precision, recall and F-measure, averaged over samples.",
      .inputs = {{"preds", false, "summaries: a string or a list of strings", InputKind::text},
                 {"target", false, "references: one string or one list of strings per summary", InputKind::text_lists}},
      .options =
          {
              {.name = "use_stemmer",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "Porter-stem tokens longer than 3 characters (nltk's PorterStemmer)"},
              {.name = "accumulate",
               .type = OptionType::string,
               .default_value = "best",
               .choices = {"avg", "best"},
               .doc = "several references: the best one (by the first key's F-measure) or their average"},
              {.name = "rouge_keys",
               .type = OptionType::string_list,
               .default_value = Json::array({"rouge1", "rouge2", "rougeL", "rougeLsum"}),
               .choices = kRougeKeys,
               .doc = "the ROUGE variants to report (the first one picks the best reference)"},
          },
      .make = [](const Options& o) { return std::make_unique<Rouge>(o); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      // one field per ROUGE key and score, as rouge_keys chooses them
      .result = {{"fields", Json::object()}, {"open", "number"}},
      .examples = {{.doc = "TorchMetrics' docstring example (rouge1 and rougeL)",
                    .args = {{"rouge_keys", {"rouge1", "rougeL"}}},
                    .batches = Json::array({{{"preds", "My name is John"}, {"target", "Is your name John"}}}),
                    .expected = {{"rouge1_fmeasure", {{"shape", Json::array()}, {"data", {0.75}}}},
                                 {"rouge1_precision", {{"shape", Json::array()}, {"data", {0.75}}}},
                                 {"rouge1_recall", {{"shape", Json::array()}, {"data", {0.75}}}},
                                 {"rougeL_fmeasure", {{"shape", Json::array()}, {"data", {0.5}}}},
                                 {"rougeL_precision", {{"shape", Json::array()}, {"data", {0.5}}}},
                                 {"rougeL_recall", {{"shape", Json::array()}, {"data", {0.5}}}}},
                    .atol = 5e-5}},
  };
}

}  // namespace wasmetrics
