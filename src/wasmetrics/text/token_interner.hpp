#pragma once
// Token interning: each distinct token of a batch gets a small dense id, so edit distances and
// n-gram counts compare integers, never strings, and a distance's bit masks index by id.
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasmetrics/core/utf8.hpp"

namespace wasmetrics::text {

// Words as views into the batch's buffer (the views must outlive the interner).
class WordInterner {
 public:
  std::uint32_t id(std::string_view word) {
    auto [it, inserted] = ids_.try_emplace(word, static_cast<std::uint32_t>(ids_.size()));
    return it->second;
  }
  std::size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string_view, std::uint32_t> ids_;
};

// Code points: ASCII maps to itself (0..127), anything else gets the next id from 128 on.
class CodePointInterner {
 public:
  std::uint32_t id(char32_t c) {
    if (c < 128) return static_cast<std::uint32_t>(c);
    auto [it, inserted] = ids_.try_emplace(c, static_cast<std::uint32_t>(128 + ids_.size()));
    return it->second;
  }

 private:
  std::unordered_map<char32_t, std::uint32_t> ids_;
};

// The code points of `s` (valid UTF-8: checked when the input was read) as ids, into `out`.
inline void code_point_ids(std::string_view s, CodePointInterner& ids, std::vector<std::uint32_t>& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    char32_t c = 0;
    p += utf8_next(p, end, c);
    out.push_back(ids.id(c));
  }
}

}  // namespace wasmetrics::text
