#pragma once
// The Unicode the text metrics need to match Python: str.lower() (full case mapping) and the
// general categories that sacrebleu's `intl` tokenizer matches (\p{P}, \p{S}, \p{N}). Tables are
// generated (scripts/gen_unicode_tables.py -> unicode_tables.cpp).
#include <cstddef>
#include <cstdint>
#include <string>

namespace wasmetrics::text {

struct CodeRange {
  char32_t first, last;
};
struct CodeMap {
  char32_t from, to;
};
struct CodeExpansion {
  char32_t from;
  char32_t to[3];
  int n;
};
struct NfkdEntry {
  char32_t cp;
  std::uint32_t offset, length;
};
struct CombiningClass {
  char32_t first, last;
  std::uint8_t value;
};
struct Composition {
  char32_t first, second, composite;
};

namespace tables {
extern const CodeRange punctuation[], symbol[], number[], letter[];
extern const std::size_t punctuation_size, symbol_size, number_size, letter_size;
extern const CodeMap lower[];
extern const std::size_t lower_size;
extern const CodeExpansion lower_multi[];
extern const std::size_t lower_multi_size;
extern const NfkdEntry nfkd[];
extern const std::size_t nfkd_size;
extern const char32_t nfkd_data[];
extern const CombiningClass combining_class[];
extern const std::size_t combining_class_size;
extern const Composition composition[];
extern const std::size_t composition_size;
}  // namespace tables

bool is_punctuation(char32_t c);        // \p{P}
bool is_symbol(char32_t c);             // \p{S}
bool is_number(char32_t c);             // \p{N}
bool is_word_char(char32_t c);          // Python re's \w: letters, numbers, '_'
bool is_ascii_punctuation(char32_t c);  // Python's string.punctuation
// Python's str.lower() of `s`, appended to `out`.
void append_lower(std::u32string_view s, std::u32string& out);
std::u32string to_lower(std::u32string_view s);
// Python's unicodedata.normalize("NFKC", s).
std::u32string nfkc(std::u32string_view s);

}  // namespace wasmetrics::text
