#pragma once
// Reading text inputs (TextView, core/text_view.hpp) as TorchMetrics' text metrics read theirs:
// a lone `str` is one sample, a list of `str` is a batch; lists of references keep their grouping.
// Strings stay views into the batch's UTF-8 buffer (valid during update_state); every string is
// checked to be valid UTF-8 once, here.
#include <cstddef>
#include <string_view>
#include <vector>

#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::text {

// One sample per string. `input` must be a text input of depth 0 or 1.
std::vector<std::string_view> text_samples(std::string_view metric, std::string_view name, const TensorView& input);

// References per sample: `refs[begin[j] .. begin[j+1])` are sample j's references.
struct ReferenceLists {
  std::vector<std::string_view> refs;
  std::vector<std::size_t> begin;  // size() + 1 entries
  std::size_t size() const { return begin.empty() ? 0 : begin.size() - 1; }
  std::size_t count(std::size_t j) const { return begin[j + 1] - begin[j]; }
  std::string_view at(std::size_t j, std::size_t k) const { return refs[begin[j] + k]; }
};

// How a list of plain strings reads as references: one reference per sample (BLEU: `[[t] for t in
// target]`), or every string a reference of one sample (ROUGE with a lone `str` prediction).
enum class FlatReferences { one_per_sample, all_for_one_sample };
ReferenceLists reference_lists(std::string_view metric, std::string_view name, const TensorView& input,
                               FlatReferences flat = FlatReferences::one_per_sample);

// TorchMetrics' helper._validate_inputs (chrF, TER, EED): a lone hypothesis string is one sample;
// a list of plain reference strings is every reference of the one hypothesis when there is one,
// else one reference per hypothesis; sizes must agree (unless some sample has no reference).
struct Corpus {
  std::vector<std::string_view> hypotheses;
  ReferenceLists references;
};
Corpus translation_corpus(std::string_view metric, const TensorView& preds, const TensorView& target);

// Python's str.split() with no argument: runs of Unicode whitespace separate tokens, leading and
// trailing whitespace is dropped. Tokens are views into `s` (UTF-8).
void split_whitespace(std::string_view s, std::vector<std::string_view>& out);
bool is_python_whitespace(char32_t c);

}  // namespace wasmetrics::text
