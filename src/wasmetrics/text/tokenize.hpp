#pragma once
// Tokenizing decoded text (code points) as TorchMetrics' Python tokenizers do, and interning the
// tokens to dense ids (token_interner.hpp interns views of the raw UTF-8 instead).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wasmetrics::text {

// Python's str.split(): runs of Unicode whitespace separate tokens.
void split_whitespace(std::u32string_view s, std::vector<std::u32string_view>& out);
// Python's str.strip().
std::u32string_view strip(std::u32string_view s);
// Python's str.replace(from, to), in place.
void replace_all(std::u32string& s, std::u32string_view from, std::u32string_view to);

// Owning interner for tokens that tokenization produced (they are not views of the input).
class TokenIds {
 public:
  std::uint32_t id(std::u32string_view token) {
    key_.assign(token);
    auto [it, inserted] = ids_.try_emplace(key_, static_cast<std::uint32_t>(ids_.size()));
    return it->second;
  }
  // Appends the ids of s.split() to `out`.
  void split_ids(std::u32string_view s, std::vector<std::uint32_t>& out) {
    words_.clear();
    split_whitespace(s, words_);
    for (auto w : words_) out.push_back(id(w));
  }

 private:
  std::unordered_map<std::u32string, std::uint32_t> ids_;
  std::u32string key_;
  std::vector<std::u32string_view> words_;
};

// sacrebleu's tokenizers as TorchMetrics 1.5.2 ports them (functional/text/sacre_bleu.py): the
// tokenized line, before lowercasing and splitting. ja-mecab, ko-mecab, flores101/200 need
// MeCab dictionaries or SentencePiece models and are not offered.
enum class SacreTokenizer { none, t13a, zh, intl, chars };
std::u32string sacrebleu_tokenize(std::u32string_view line, SacreTokenizer t);

// re.sub of a two-character pattern (a)(b) -> `emit`, scanning left to right without overlap
// (shared by the SacreBLEU tokenizers and TER's normalisation).
template <class First, class Second, class Emit>
std::u32string sub_pairs(std::u32string_view s, First first, Second second, Emit emit) {
  std::u32string out;
  out.reserve(s.size() + 8);
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
      emit(out, s[i], s[i + 1]);
      i += 2;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

}  // namespace wasmetrics::text
