#include "wasmetrics/text/token_interner.hpp"

#include <array>
#include <cstring>

#include "wasmetrics/text/text_inputs.hpp"

namespace wasmetrics::text {
namespace {

// What a byte says about Python whitespace: ASCII whitespace; a lead byte whose code point may be
// Unicode whitespace (U+0085/U+00A0: C2; U+1680: E1; U+2000-U+205F: E2; U+3000: E3), decoded to
// decide; anything else (other letters, continuation bytes) belongs to a word.
enum : std::uint8_t { kWordByte = 0, kSpaceByte = 1, kMaybeSpace = 2 };
constexpr std::array<std::uint8_t, 256> byte_classes() {
  std::array<std::uint8_t, 256> c{};
  for (int b : {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20}) c[b] = kSpaceByte;
  for (int b : {0xC2, 0xE1, 0xE2, 0xE3}) c[b] = kMaybeSpace;
  return c;
}
constexpr std::array<std::uint8_t, 256> kByteClass = byte_classes();

// The length of the whitespace code point at p, 0 when it is not whitespace (p: a kMaybeSpace
// lead byte of a valid sequence).
std::size_t unicode_space_at(const unsigned char* p, const unsigned char* end) {
  char32_t c = 0;
  const int len = utf8_next(p, end, c);
  return is_python_whitespace(c) ? static_cast<std::size_t>(len) : 0;
}

}  // namespace

WordInterner::WordInterner() : slots_(256, Slot{0, kEmpty}) {}

// 8 bytes at a time (a word is a few bytes: one or two rounds), then a final avalanche.
std::uint32_t WordInterner::hash(std::string_view word) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = word.size() * kMul;
  const char* p = word.data();
  std::size_t n = word.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    h = (h ^ chunk) * kMul;
    h ^= h >> 29;
  }
  if (n) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, p, n);
    h = (h ^ chunk) * kMul;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return static_cast<std::uint32_t>(h);
}

std::uint32_t WordInterner::id(std::string_view word, std::uint32_t h) {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.id == kEmpty) {
      const auto id = static_cast<std::uint32_t>(words_.size());
      s = {h, id};
      words_.push_back(word);
      if (2 * words_.size() > slots_.size()) grow();
      return id;
    }
    if (s.hash == h) {
      const std::string_view w = words_[s.id];
      if (w.size() == word.size() && std::memcmp(w.data(), word.data(), w.size()) == 0) return s.id;
    }
  }
}

void WordInterner::grow() {
  std::vector<Slot> old(2 * slots_.size(), Slot{0, kEmpty});
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id == kEmpty) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].id != kEmpty) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void WordInterner::split_ids(std::string_view s, std::vector<std::uint32_t>& out) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = b + s.size();
  const auto* p = b;
  while (p < end) {
    // skip whitespace
    std::size_t space = 0;
    while (p < end) {
      const std::uint8_t c = kByteClass[*p];
      space = c == kSpaceByte ? 1 : c == kMaybeSpace ? unicode_space_at(p, end) : 0;
      if (!space) break;
      p += space;
    }
    if (p == end) break;
    // a word: up to the next whitespace
    const auto* start = p;
    while (p < end) {
      const std::uint8_t c = kByteClass[*p];
      if (c == kWordByte) {
        ++p;
      } else if (c == kSpaceByte || unicode_space_at(p, end)) {
        break;
      } else {
        ++p;  // a non-space lead byte: its continuation bytes are word bytes
      }
    }
    const std::string_view word(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p - start));
    out.push_back(id(word, hash(word)));
  }
}

}  // namespace wasmetrics::text
