#include "wasmetrics/text/text_inputs.hpp"

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/utf8.hpp"

namespace wasmetrics::text {
namespace {

// Validity only: no code points kept.
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // ASCII runs, 8 bytes at a time
    while (end - p >= 8) {
      std::uint64_t w;
      __builtin_memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    char32_t cp;
    int len = utf8_next(p, end, cp);
    if (len == 0) return false;
    p += len;
  }
  return true;
}

void check_strings(std::string_view metric, std::string_view name, const TextView& t) {
  for (std::size_t i = 0; i < t.count; ++i)
    if (!valid_utf8(t.str(i))) fail(metric, ": `", name, "`: string ", i, " is not valid UTF-8");
}

}  // namespace

bool is_python_whitespace(char32_t c) {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

void split_whitespace(std::string_view s, std::vector<std::string_view>& out) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0, start = 0;
  bool in_token = false;
  while (i < n) {
    std::size_t len = 1;
    char32_t c = b[i];
    if (c >= 0x80) {  // valid UTF-8 (checked on input): decode the lead byte's sequence
      len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      c = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
      for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (b[i + k] & 0x3F);
    }
    bool space = is_python_whitespace(c);
    if (space && in_token) {
      out.push_back(s.substr(start, i - start));
      in_token = false;
    } else if (!space && !in_token) {
      start = i;
      in_token = true;
    }
    i += len;
  }
  if (in_token) out.push_back(s.substr(start));
}

std::vector<std::string_view> text_samples(std::string_view metric, std::string_view name, const TensorView& input) {
  const TextView& t = input.text;
  if (!input.is_text() || t.depth > 1)
    fail(metric, ": `", name, "` must be a string or a list of strings, got ",
         input.is_text() ? "a list of lists of strings" : "a tensor");
  check_strings(metric, name, t);
  std::vector<std::string_view> out;
  out.reserve(t.count);
  for (std::size_t i = 0; i < t.count; ++i) out.push_back(t.str(i));
  return out;
}

ReferenceLists reference_lists(std::string_view metric, std::string_view name, const TensorView& input,
                               FlatReferences flat) {
  const TextView& t = input.text;
  if (!input.is_text() || input.kind == InputKind::records)
    fail(metric, ": `", name, "` must be a string, a list of strings or a list of lists of strings");
  check_strings(metric, name, t);
  ReferenceLists out;
  out.refs.reserve(t.count);
  for (std::size_t i = 0; i < t.count; ++i) out.refs.push_back(t.str(i));
  if (t.depth == 2) {
    for (std::size_t j = 0; j <= t.ngroups; ++j) out.begin.push_back(t.groups[j]);
  } else if (flat == FlatReferences::all_for_one_sample) {
    out.begin = {0, t.count};
  } else {
    for (std::size_t j = 0; j <= t.count; ++j) out.begin.push_back(j);
  }
  return out;
}

Corpus translation_corpus(std::string_view metric, const TensorView& preds, const TensorView& target) {
  Corpus c;
  c.hypotheses = text_samples(metric, "preds", preds);
  c.references =
      reference_lists(metric, "target", target,
                      c.hypotheses.size() == 1 ? FlatReferences::all_for_one_sample : FlatReferences::one_per_sample);
  bool all_nonempty = true;
  for (std::size_t j = 0; j < c.references.size(); ++j) all_nonempty = all_nonempty && c.references.count(j) > 0;
  if (!c.hypotheses.empty() && all_nonempty && c.references.size() != c.hypotheses.size())
    fail(metric, ": `preds` and `target` must hold as many samples, got ", c.hypotheses.size(), " hypotheses and ",
         c.references.size(), " lists of references");
  return c;
}

}  // namespace wasmetrics::text
