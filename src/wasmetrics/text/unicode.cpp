#include "wasmetrics/text/unicode.hpp"

#include <algorithm>

namespace wasmetrics::text {
namespace {

bool in_ranges(char32_t c, const CodeRange* r, std::size_t n) {
  const CodeRange* end = r + n;
  const CodeRange* it = std::upper_bound(r, end, c, [](char32_t v, const CodeRange& x) { return v < x.first; });
  return it != r && c <= (it - 1)->last;
}

}  // namespace

bool is_punctuation(char32_t c) { return in_ranges(c, tables::punctuation, tables::punctuation_size); }
bool is_symbol(char32_t c) { return in_ranges(c, tables::symbol, tables::symbol_size); }
bool is_number(char32_t c) { return in_ranges(c, tables::number, tables::number_size); }
bool is_word_char(char32_t c) {
  if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return in_ranges(c, tables::letter, tables::letter_size) || is_number(c);
}
bool is_ascii_punctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

void append_lower(std::u32string_view s, std::u32string& out) {
  const CodeMap* lo = tables::lower;
  const CodeMap* hi = lo + tables::lower_size;
  for (char32_t c : s) {
    if (c < 128) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
      continue;
    }
    const CodeMap* it = std::lower_bound(lo, hi, c, [](const CodeMap& m, char32_t v) { return m.from < v; });
    if (it != hi && it->from == c) {
      out.push_back(it->to);
      continue;
    }
    bool expanded = false;
    for (std::size_t k = 0; k < tables::lower_multi_size && !expanded; ++k)
      if (tables::lower_multi[k].from == c) {
        out.append(tables::lower_multi[k].to, tables::lower_multi[k].n);
        expanded = true;
      }
    if (!expanded) out.push_back(c);
  }
}

std::u32string to_lower(std::u32string_view s) {
  std::u32string out;
  out.reserve(s.size());
  append_lower(s, out);
  return out;
}

namespace {

// Hangul syllables decompose and compose algorithmically (Unicode 3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

std::uint8_t combining(char32_t c) {
  const CombiningClass* lo = tables::combining_class;
  const CombiningClass* hi = lo + tables::combining_class_size;
  const CombiningClass* it =
      std::upper_bound(lo, hi, c, [](char32_t v, const CombiningClass& r) { return v < r.first; });
  return it != lo && c <= (it - 1)->last ? (it - 1)->value : 0;
}

// The primary composite of (a, b), or 0.
char32_t compose(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount)
    return a + (b - kTBase);
  const Composition* lo = tables::composition;
  const Composition* hi = lo + tables::composition_size;
  const Composition* it =
      std::lower_bound(lo, hi, std::pair(a, b), [](const Composition& c, std::pair<char32_t, char32_t> k) {
        return c.first < k.first || (c.first == k.first && c.second < k.second);
      });
  return it != hi && it->first == a && it->second == b ? it->composite : 0;
}

}  // namespace

std::u32string nfkc(std::u32string_view s) {
  // 1. full compatibility decomposition
  std::u32string d;
  d.reserve(s.size());
  const NfkdEntry* lo = tables::nfkd;
  const NfkdEntry* hi = lo + tables::nfkd_size;
  for (char32_t c : s) {
    if (c >= kSBase && c < kSBase + kSCount) {
      const char32_t index = c - kSBase;
      d.push_back(kLBase + index / kNCount);
      d.push_back(kVBase + (index % kNCount) / kTCount);
      if (index % kTCount) d.push_back(kTBase + index % kTCount);
      continue;
    }
    const NfkdEntry* it = std::lower_bound(lo, hi, c, [](const NfkdEntry& e, char32_t v) { return e.cp < v; });
    if (it != hi && it->cp == c)
      d.append(tables::nfkd_data + it->offset, it->length);
    else
      d.push_back(c);
  }
  // 2. canonical ordering: each run of non-starters stably sorted by combining class
  for (std::size_t i = 0; i < d.size();) {
    if (combining(d[i]) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < d.size() && combining(d[j]) != 0) ++j;
    std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i), d.begin() + static_cast<std::ptrdiff_t>(j),
                     [](char32_t a, char32_t b) { return combining(a) < combining(b); });
    i = j;
  }
  // 3. canonical composition
  if (d.empty()) return d;
  std::u32string out;
  out.reserve(d.size());
  out.push_back(d[0]);
  std::size_t starter = 0;
  int last_class = combining(d[0]) ? 256 : 0;
  for (std::size_t i = 1; i < d.size(); ++i) {
    const char32_t c = d[i];
    const int cls = combining(c);
    const char32_t composite = compose(out[starter], c);
    if (composite && (last_class < cls || last_class == 0)) {
      out[starter] = composite;
      continue;
    }
    if (cls == 0) starter = out.size();
    last_class = cls;
    out.push_back(c);
  }
  return out;
}

}  // namespace wasmetrics::text
