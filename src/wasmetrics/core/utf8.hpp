#pragma once
// UTF-8 -> Unicode code points, counted as Python counts a str's characters (an accent given as a
// combining mark is its own code point, an emoji outside the BMP is one). Invalid UTF-8 (possible
// from a native caller; the JS layer's TextEncoder never produces it) is an error naming the input.
#include <cstdint>
#include <string>
#include <string_view>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics {

// Decodes the code point at p (p < end) into cp; returns its length in bytes, 0 when malformed
// (overlong forms, surrogates, truncated sequences, values above U+10FFFF).
inline int utf8_next(const unsigned char* p, const unsigned char* end, char32_t& cp) {
  unsigned char c = *p;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  int extra;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    extra = 1;
    cp = c & 0x1F;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2;
    cp = c & 0x0F;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3;
    cp = c & 0x07;
    min = 0x10000;
  } else
    return 0;
  if (end - p <= extra) return 0;
  for (int k = 1; k <= extra; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return extra + 1;
}

// Decodes `s` appending code points to `out`; returns false on malformed UTF-8.
inline bool utf8_decode_append(std::string_view s, std::u32string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    char32_t cp;
    int len = utf8_next(p, end, cp);
    if (len == 0) return false;
    out.push_back(cp);
    p += len;
  }
  return true;
}

inline std::u32string utf8_decode(std::string_view s, std::string_view metric, std::string_view input) {
  std::u32string out;
  out.reserve(s.size());
  if (!utf8_decode_append(s, out)) fail(metric, ": `", input, "` holds a string that is not valid UTF-8");
  return out;
}

// Code points -> UTF-8 (for tokens kept as bytes, e.g. interned words).
inline void utf8_encode_append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

inline std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8_encode_append(c, out);
  return out;
}

}  // namespace wasmetrics
