#include "wasmetrics/text/tokenize.hpp"

#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics::text {

void split_whitespace(std::u32string_view s, std::vector<std::u32string_view>& out) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    while (i < n && is_python_whitespace(s[i])) ++i;
    std::size_t start = i;
    while (i < n && !is_python_whitespace(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
}

std::u32string_view strip(std::u32string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_python_whitespace(s[b])) ++b;
  while (e > b && is_python_whitespace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

namespace {

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }  // the regexes' [0-9]

// " ".join(line.split())
std::u32string join_words(std::u32string_view s) {
  std::vector<std::u32string_view> words;
  split_whitespace(s, words);
  std::u32string out;
  for (auto w : words) {
    if (!out.empty()) out.push_back(U' ');
    out.append(w);
  }
  return out;
}

// _SacreBLEUTokenizer._tokenize_regex (13a and zh).
std::u32string tokenize_regex(std::u32string_view line) {
  // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 "
  auto spaced = [](char32_t c) {
    return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
  };
  std::u32string s;
  for (char32_t c : line) {
    if (spaced(c)) {
      s.push_back(U' ');
      s.push_back(c);
      s.push_back(U' ');
    } else {
      s.push_back(c);
    }
  }
  auto dot_comma = [](char32_t c) { return c == U'.' || c == U','; };
  auto not_digit = [](char32_t c) { return !is_digit(c); };
  s = sub_pairs(s, not_digit, dot_comma, [](std::u32string& o, char32_t a, char32_t b) {  // "\1 \2 "
    o.push_back(a);
    o.push_back(U' ');
    o.push_back(b);
    o.push_back(U' ');
  });
  s = sub_pairs(s, dot_comma, not_digit, [](std::u32string& o, char32_t a, char32_t b) {  // " \1 \2"
    o.push_back(U' ');
    o.push_back(a);
    o.push_back(U' ');
    o.push_back(b);
  });
  s = sub_pairs(
      s, is_digit, [](char32_t c) { return c == U'-'; },
      [](std::u32string& o, char32_t a, char32_t b) {
        o.push_back(a);
        o.push_back(U' ');
        o.push_back(b);
        o.push_back(U' ');
      });
  return join_words(s);
}

// _UCODE_RANGES as Python compares them: "\u20000" is the two characters U+2000 '0', so that
// range (and "\u2f800".."\u2fa1d") holds the single characters after U+2000 up to U+2A6D (and
// after U+2F80 up to U+2FA1), not the CJK extension the comment names. Kept as TorchMetrics has it.
bool is_chinese_char(char32_t c) {
  struct R {
    char32_t lo, hi;
    bool lo_exclusive;
  };
  static constexpr R ranges[] = {
      {0x3400, 0x4DB5, false}, {0x4E00, 0x9FA5, false}, {0x9FA6, 0x9FBB, false}, {0xF900, 0xFA2D, false},
      {0xFA30, 0xFA6A, false}, {0xFA70, 0xFAD9, false}, {0x2000, 0x2A6D, true},  {0x2F80, 0x2FA1, true},
      {0xFF00, 0xFFEF, false}, {0x2E80, 0x2EFF, false}, {0x3000, 0x303F, false}, {0x31C0, 0x31EF, false},
      {0x2F00, 0x2FDF, false}, {0x2FF0, 0x2FFF, false}, {0x3100, 0x312F, false}, {0x31A0, 0x31BF, false},
      {0xFE10, 0xFE1F, false}, {0xFE30, 0xFE4F, false}, {0x2600, 0x26FF, false}, {0x2700, 0x27BF, false},
      {0x3200, 0x32FF, false}, {0x3300, 0x33FF, false},
  };
  for (auto& r : ranges)
    if ((r.lo_exclusive ? c > r.lo : c >= r.lo) && c <= r.hi) return true;
  return false;
}

}  // namespace

void replace_all(std::u32string& s, std::u32string_view from, std::u32string_view to) {
  std::size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::u32string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

std::u32string sacrebleu_tokenize(std::u32string_view line, SacreTokenizer t) {
  switch (t) {
    case SacreTokenizer::none:
      return std::u32string(line);
    case SacreTokenizer::t13a: {
      std::u32string s(line);
      replace_all(s, U"<skipped>", U"");
      replace_all(s, U"-\n", U"");
      replace_all(s, U"\n", U" ");
      if (s.find(U'&') != std::u32string::npos) {
        replace_all(s, U"&quot;", U"\"");
        replace_all(s, U"&amp;", U"&");
        replace_all(s, U"&lt;", U"<");
        replace_all(s, U"&gt;", U">");
      }
      return tokenize_regex(U" " + s + U" ");
    }
    case SacreTokenizer::zh: {
      std::u32string s;
      for (char32_t c : strip(line)) {
        if (is_chinese_char(c)) {
          s.push_back(U' ');
          s.push_back(c);
          s.push_back(U' ');
        } else {
          s.push_back(c);
        }
      }
      return tokenize_regex(s);
    }
    case SacreTokenizer::intl: {
      // (\P{N})(\p{P}) -> "\1 \2 ", (\p{P})(\P{N}) -> " \1 \2", (\p{S}) -> " \1 "
      auto not_number = [](char32_t c) { return !is_number(c); };
      std::u32string s = sub_pairs(line, not_number, is_punctuation, [](std::u32string& o, char32_t a, char32_t b) {
        o.push_back(a);
        o.push_back(U' ');
        o.push_back(b);
        o.push_back(U' ');
      });
      s = sub_pairs(s, is_punctuation, not_number, [](std::u32string& o, char32_t a, char32_t b) {
        o.push_back(U' ');
        o.push_back(a);
        o.push_back(U' ');
        o.push_back(b);
      });
      std::u32string out;
      for (char32_t c : s) {
        if (is_symbol(c)) {
          out.push_back(U' ');
          out.push_back(c);
          out.push_back(U' ');
        } else {
          out.push_back(c);
        }
      }
      return join_words(out);
    }
    case SacreTokenizer::chars: {
      std::u32string s;
      for (char32_t c : line) {
        if (!s.empty()) s.push_back(U' ');
        s.push_back(c);
      }
      return s;
    }
  }
  return std::u32string(line);
}

}  // namespace wasmetrics::text
