// SQuAD (TorchMetrics functional/text/squad.py): exact match and F1 of each answered question's
// prediction against its best ground-truth answer, after SQuAD's answer normalization
// (lowercase, ASCII punctuation removed, articles removed, whitespace collapsed). State: the sums
// of F1 and exact match and the number of questions (a question without a prediction scores 0).
// Inputs are TorchMetrics' dicts, as `records` (core/text_view.hpp): `preds` {prediction_text, id},
// `target` {answers: {text: [...], answer_start: [...]}, id}; predictions are matched to questions
// by id within each update. An answer that normalizes to nothing follows the SQuAD v2.0 F1 (TR7).
#include <map>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/text/tokenize.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

// One dict of a records input: its (path, value) pairs.
struct Record {
  const TextView* text;
  std::size_t begin, end;  // string indices: path, value, path, value, ...
  bool has(std::string_view path) const {
    for (std::size_t i = begin; i + 1 < end; i += 2) {
      auto p = text->str(i);
      if (p == path || (p.size() > path.size() && p.substr(0, path.size()) == path && p[path.size()] == '.'))
        return true;
    }
    return false;
  }
  std::vector<std::string_view> values(std::string_view path) const {
    std::vector<std::string_view> out;
    for (std::size_t i = begin; i + 1 < end; i += 2)
      if (text->str(i) == path) out.push_back(text->str(i + 1));
    return out;
  }
};

std::vector<Record> records(std::string_view metric, std::string_view name, const TensorView& input) {
  if (input.kind != InputKind::records) fail(metric, ": `", name, "` must be a dict or a list of dicts");
  std::vector<Record> out;
  for (std::size_t j = 0; j < input.text.ngroups; ++j)
    out.push_back({&input.text, input.text.groups[j], input.text.groups[j + 1]});
  return out;
}

// SQuAD's normalize_answer: lower -> remove punctuation -> remove articles -> " ".join(split()).
std::u32string normalize(std::string_view raw) {
  std::u32string lowered = text::to_lower(utf8_decode(raw, "SQuAD", "text"));
  std::u32string s;
  for (char32_t c : lowered)
    if (!text::is_ascii_punctuation(c)) s.push_back(c);
  // re.sub(r"\b(a|an|the)\b", " ", s)
  std::u32string out;
  static const std::u32string_view articles[] = {U"a", U"an", U"the"};
  std::size_t i = 0;
  while (i < s.size()) {
    bool matched = false;
    if (text::is_word_char(s[i]) && (i == 0 || !text::is_word_char(s[i - 1]))) {
      for (auto a : articles) {
        const std::size_t e = i + a.size();
        if (s.compare(i, a.size(), a) == 0 && (e == s.size() || !text::is_word_char(s[e]))) {
          out.push_back(U' ');
          i = e;
          matched = true;
          break;
        }
      }
    }
    if (!matched) out.push_back(s[i++]);
  }
  std::vector<std::u32string_view> words;
  text::split_whitespace(out, words);
  std::u32string joined;
  for (auto w : words) {
    if (!joined.empty()) joined.push_back(U' ');
    joined.append(w);
  }
  return joined;
}

double f1_score(std::string_view prediction, std::string_view truth) {
  std::vector<std::u32string_view> p, t;
  const std::u32string pn = prediction.empty() ? std::u32string() : normalize(prediction);
  const std::u32string tn = truth.empty() ? std::u32string() : normalize(truth);
  text::split_whitespace(pn, p);
  text::split_whitespace(tn, t);
  if (p.empty() || t.empty()) return p == t ? 1.0 : 0.0;
  std::map<std::u32string_view, std::int64_t> counts;
  for (auto w : t) ++counts[w];
  std::int64_t same = 0;
  for (auto w : p) {
    auto it = counts.find(w);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++same;
    }
  }
  if (same == 0) return 0.0;
  const double precision = static_cast<double>(same) / static_cast<double>(p.size());
  const double recall = static_cast<double>(same) / static_cast<double>(t.size());
  return 2 * precision * recall / (precision + recall);
}

class Squad final : public Metric {
 public:
  using Metric::Metric;

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const auto preds = records(name(), "preds", in[0]);
    const auto target = records(name(), "target", in[1]);
    for (std::size_t j = 0; j < preds.size(); ++j)
      if (!preds[j].has("prediction_text") || !preds[j].has("id"))
        fail(name(), ": `preds[", j, "]` must have the keys 'prediction_text' (the answer) and 'id' (the question id)");
    for (std::size_t j = 0; j < target.size(); ++j) {
      if (!target[j].has("answers") || !target[j].has("id"))
        fail(name(), ": `target[", j, "]` must have the keys 'answers' ({text: [...], answer_start: [...]}) and 'id'");
      if (!target[j].has("answers.text")) fail(name(), ": `target[", j, "].answers` must have the key 'text'");
    }
    std::map<std::string_view, std::string_view> answer_of;  // id -> prediction_text (the last one wins)
    for (auto& p : preds) answer_of[p.values("id").front()] = p.values("prediction_text").front();
    double f1 = 0, exact = 0;
    for (std::size_t j = 0; j < target.size(); ++j) {
      auto it = answer_of.find(target[j].values("id").front());
      if (it == answer_of.end()) continue;  // unanswered: scores 0 (TorchMetrics warns)
      double best_f1 = 0, best_exact = 0;
      const std::u32string pred = normalize(it->second);
      for (auto truth : target[j].values("answers.text")) {
        best_exact = std::max(best_exact, pred == normalize(truth) ? 1.0 : 0.0);
        best_f1 = std::max(best_f1, f1_score(it->second, truth));
      }
      f1 += best_f1;
      exact += best_exact;
    }
    f1_score_.value(s) += f1;
    exact_match_.value(s) += exact;
    total_.value(s) += static_cast<std::int64_t>(target.size());
  }

  Result compute_state(const State& s) const override {
    const auto total = static_cast<double>(total_.value(s));
    return Result::dict({{"exact_match", Result::scalar(100.0 * exact_match_.value(s) / total)},
                         {"f1", Result::scalar(100.0 * f1_score_.value(s) / total)}});
  }

 private:
  StateSlot<double> f1_score_ = declare_state<double>("f1_score", Reduction::sum, {});
  StateSlot<double> exact_match_ = declare_state<double>("exact_match", Reduction::sum, {});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace

WASMETRICS_COLD MetricSpec squad_spec() {
  return {
      .name = "SQuAD",
      .family = "text",
      .doc = "SQuAD exact match and F1 (percentages) of predicted answers against the ground-truth answers.",
      .inputs = {{"preds",
                  false,
                  "a dict {prediction_text, id} or a list of them",
                  InputKind::records,
                  {"prediction_text", "id"}},
                 {"target",
                  false,
                  "a dict {answers: {text: [...], answer_start: [...]}, id} or a list of them",
                  InputKind::records,
                  {"answers.text", "answers.answer_start", "id"}}},
      .options = {},
      .make = [](const Options& o) { return std::make_unique<Squad>(o); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {{.doc = "TorchMetrics' docstring example",
                    .batches =
                        Json::array({{{"preds", {{{"prediction_text", "1976"}, {"id", "56e10a3be3433e1400422b22"}}}},
                                      {"target",
                                       {{{"answers", {{"answer_start", {97}}, {"text", {"1976"}}}},
                                         {"id", "56e10a3be3433e1400422b22"}}}}}}),
                    .expected = {{"exact_match", {{"shape", Json::array()}, {"data", {100.0}}}},
                                 {"f1", {{"shape", Json::array()}, {"data", {100.0}}}}}}},
  };
}

}  // namespace wasmetrics
