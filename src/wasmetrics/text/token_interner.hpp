#pragma once
// Token interning: each distinct token of a batch gets a small dense id, so edit distances and
// n-gram counts compare integers, never strings, and a distance's bit masks index by id.
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasmetrics/core/utf8.hpp"

namespace wasmetrics::text {

// Words as views into the batch's buffer (the views must outlive the interner). An open-addressing
// table over byte spans: no per-word allocation, and split_ids() interns each word of Python's
// str.split() in the same pass over the UTF-8 bytes that finds it (the word metrics' hot path).
class WordInterner {
 public:
  WordInterner();
  std::uint32_t id(std::string_view word) { return id(word, hash(word)); }
  // Appends the ids of s.split() to `out` (s: valid UTF-8, checked when the input was read).
  void split_ids(std::string_view s, std::vector<std::uint32_t>& out);
  std::size_t size() const { return words_.size(); }

 private:
  static std::uint32_t hash(std::string_view word);
  std::uint32_t id(std::string_view word, std::uint32_t h);
  void grow();
  struct Slot {
    std::uint32_t hash;
    std::uint32_t id;  // kEmpty: free
  };
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  std::vector<Slot> slots_;              // power-of-two size, at most half full
  std::vector<std::string_view> words_;  // by id
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
