// The text family's building blocks: UTF-8 decoding counted as Python counts code points, Python's
// str.split(), the bit-parallel Levenshtein against its DP twin, exact n-gram overlaps, the
// sacrebleu tokenizers and the Porter stemmer on hand-checked words.
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "wasmetrics/core/utf8.hpp"
#include "wasmetrics/kernels/edit_distance.hpp"
#include "wasmetrics/text/ngrams.hpp"
#include "wasmetrics/text/porter_stemmer.hpp"
#include "wasmetrics/text/text_inputs.hpp"
#include "wasmetrics/text/token_interner.hpp"
#include "wasmetrics/text/tokenize.hpp"
#include "wasmetrics/text/unicode.hpp"

namespace wasmetrics {
namespace {

std::size_t code_points(std::string_view s) { return utf8_decode(s, "test", "s").size(); }

TEST(TextUtf8, CountsCodePointsAsPython) {
  EXPECT_EQ(code_points("abc"), 3u);
  EXPECT_EQ(code_points("caf\xC3\xA9"), 4u);                           // "café", precomposed é: len 4
  EXPECT_EQ(code_points("cafe\xCC\x81"), 5u);                          // "café", e + combining acute: len 5
  EXPECT_EQ(code_points("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"), 3u);  // "日本語": 3
  EXPECT_EQ(code_points("\xF0\x9F\x98\x80!"), 2u);                     // U+1F600 (outside the BMP) + "!": 2
  EXPECT_EQ(code_points("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), 2u);      // thumbs up + skin tone modifier: 2
}

TEST(TextUtf8, RejectsMalformedInput) {
  for (std::string bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "a\x80"})
    EXPECT_THROW(utf8_decode(bad, "Metric", "preds"), Error) << bad.size();
  EXPECT_EQ(utf8_encode(utf8_decode("x\xE2\x82\xAC\xF0\x9F\x98\x80", "t", "s")), "x\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(TextSplit, MatchesPythonStrSplit) {
  std::vector<std::string_view> w;
  text::split_whitespace("  the\tcat\n sat\xC2\xA0on\xE3\x80\x80mat\xE2\x80\x83 ",
                         w);  // NBSP, ideographic space, em space
  ASSERT_EQ(w.size(), 5u);
  EXPECT_EQ(w[0], "the");
  EXPECT_EQ(w[3], "on");
  EXPECT_EQ(w[4], "mat");
  w.clear();
  text::split_whitespace("\xE2\x80\x8B", w);  // ZERO WIDTH SPACE is not whitespace for Python
  EXPECT_EQ(w.size(), 1u);
}

// The word metrics' one-pass split + intern gives str.split()'s words, equal words one id, distinct
// words distinct ids (random strings over ASCII and Unicode letters and whitespace, enough distinct
// words to grow the table several times).
TEST(TextWordInterner, SplitIdsEqualsSplitThenIntern) {
  const std::vector<std::string> pieces = {"a",
                                           "b",
                                           "ab",
                                           "ba",
                                           "caf\xC3\xA9",
                                           "\xE6\x97\xA5",
                                           "\xF0\x9F\x98\x80",
                                           "\xC2\xA1",
                                           "\xE2\x80\x8B",
                                           "\xE1\x9A\x81",
                                           "\xE3\x80\x81",
                                           " ",
                                           "\t",
                                           "\n",
                                           "\x1F",
                                           "\xC2\xA0",
                                           "\xC2\x85",
                                           "\xE3\x80\x80",
                                           "\xE2\x80\x83",
                                           "\xE2\x80\xA8",
                                           "\xE1\x9A\x80"};
  std::mt19937 rng(11);
  std::vector<std::string> strings(3000);
  for (auto& s : strings)
    for (std::size_t k = rng() % 40; k > 0; --k) s += pieces[rng() % pieces.size()];
  text::WordInterner interner;
  std::map<std::string, std::uint32_t> seen;
  std::set<std::uint32_t> ids;
  for (const auto& s : strings) {
    std::vector<std::string_view> words;
    text::split_whitespace(s, words);
    std::vector<std::uint32_t> got;
    interner.split_ids(s, got);
    ASSERT_EQ(got.size(), words.size()) << s;
    for (std::size_t k = 0; k < words.size(); ++k) {
      auto [it, fresh] = seen.try_emplace(std::string(words[k]), got[k]);
      EXPECT_EQ(it->second, got[k]) << words[k];
      if (fresh) EXPECT_TRUE(ids.insert(got[k]).second) << "two words share id " << got[k];
      EXPECT_EQ(interner.id(words[k]), got[k]);
    }
  }
  EXPECT_EQ(interner.size(), seen.size());
  EXPECT_GT(seen.size(), 1000u);
}

std::vector<std::uint32_t> random_ids(std::mt19937& rng, std::size_t n, std::uint32_t alphabet) {
  std::vector<std::uint32_t> v(n);
  for (auto& x : v) x = rng() % alphabet;
  return v;
}

TEST(TextLevenshtein, BitParallelEqualsDp) {
  std::mt19937 rng(7);
  kernels::LevenshteinScratch scratch;
  for (int trial = 0; trial < 400; ++trial) {
    // lengths around the 64-symbol block boundary and beyond (several blocks)
    const std::size_t na = rng() % 200, nb = rng() % 200;
    const std::uint32_t alphabet = 1 + rng() % (trial % 2 ? 4 : 50);
    auto a = random_ids(rng, na, alphabet), b = random_ids(rng, nb, alphabet);
    ASSERT_EQ(scratch.levenshtein(a, b), kernels::levenshtein_dp(a, b))
        << na << " x " << nb << " alphabet " << alphabet;
  }
  std::vector<std::uint32_t> empty, three = {1, 2, 3};
  EXPECT_EQ(scratch.levenshtein(empty, three), 3);
  EXPECT_EQ(scratch.levenshtein(three, empty), 3);
}

TEST(TextLcs, BitParallelEqualsDp) {
  std::mt19937 rng(5);
  kernels::LevenshteinScratch scratch;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t na = rng() % 200, nb = rng() % 200;
    const std::uint32_t alphabet = 1 + rng() % (trial % 2 ? 4 : 50);
    auto a = random_ids(rng, na, alphabet), b = random_ids(rng, nb, alphabet);
    ASSERT_EQ(scratch.lcs(a, b), kernels::lcs_dp(a, b)) << na << " x " << nb << " alphabet " << alphabet;
  }
}

TEST(TextLevenshtein, BeamEqualsDpWhenThePathStaysInTheBeam) {
  std::mt19937 rng(11);
  std::vector<std::int64_t> scratch;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 1 + rng() % 40;
    auto a = random_ids(rng, n, 6), b = random_ids(rng, n + rng() % 5, 6);
    EXPECT_EQ(kernels::beam_levenshtein(a, b, 1, scratch), kernels::levenshtein_dp(a, b));
  }
  // substitution cost 2: "rain" -> "shine" costs 5 (TorchMetrics' docstring)
  std::vector<std::uint32_t> rain = {'r', 'a', 'i', 'n'}, shine = {'s', 'h', 'i', 'n', 'e'};
  EXPECT_EQ(kernels::beam_levenshtein(rain, shine, 2, scratch), 5);
  EXPECT_EQ(kernels::beam_levenshtein(rain, shine, 1, scratch), 3);
}

TEST(TextNgrams, OverlapAndClippedCountsAreExact) {
  text::NgramCounter c;
  std::vector<std::uint32_t> a = {1, 2, 1, 2, 3}, b = {1, 2, 3, 1};
  EXPECT_EQ(c.overlap(a, b, 1), 4);  // 1:min(2,2) 2:min(2,1) 3:1
  EXPECT_EQ(c.overlap(a, b, 2), 2);  // (1,2):min(2,1) (2,3):1
  std::vector<std::uint32_t> r1 = {1, 1, 9}, r2 = {2, 2, 2};
  std::vector<std::span<const std::uint32_t>> refs = {r1, r2};
  double num[2] = {0, 0}, den[2] = {0, 0};
  c.clipped_counts(a, refs, 2, num, den);
  EXPECT_EQ(num[0], 4);  // 1: min(2, max(2,0)), 2: min(2, max(0,3)), 3: 0
  EXPECT_EQ(den[0], 5);
  EXPECT_EQ(num[1], 0);
  EXPECT_EQ(den[1], 4);
}

std::string tok(std::string_view s, text::SacreTokenizer t) {
  return utf8_encode(text::sacrebleu_tokenize(utf8_decode(s, "t", "s"), t));
}

TEST(TextSacreBleuTokenizers, HandCheckedLines) {
  using T = text::SacreTokenizer;
  EXPECT_EQ(tok("Hello, world! It costs $3.50 (really).", T::t13a), "Hello , world ! It costs $ 3.50 ( really ) .");
  EXPECT_EQ(tok("a-b 1-2 x&amp;y", T::t13a), "a-b 1 - 2 x & y");
  EXPECT_EQ(tok("ab c", T::chars), "a b   c");
  EXPECT_EQ(tok("我爱你.", T::zh), "我 爱 你 .");
  EXPECT_EQ(tok("Hello, world! 1,000.5", T::intl), "Hello , world ! 1,000.5");
  EXPECT_EQ(tok("\xE2\x82\xAC"
                "5",
                T::intl),
            "\xE2\x82\xAC 5");  // € is a symbol
}

TEST(TextUnicode, LowerMatchesPython) {
  auto lower = [](std::string_view s) { return utf8_encode(text::to_lower(utf8_decode(s, "t", "s"))); };
  EXPECT_EQ(lower("\xC3\x89T\xC3\x89"), "\xC3\xA9t\xC3\xA9");                // ÉTÉ -> été
  EXPECT_EQ(lower("\xC4\xB0"), "i\xCC\x87");                                 // İ -> i + combining dot
  EXPECT_EQ(lower("\xE2\x84\xAA"), "k");                                     // KELVIN SIGN -> k
  EXPECT_EQ(lower("\xD0\x9C\xD0\x98\xD0\xA0"), "\xD0\xBC\xD0\xB8\xD1\x80");  // МИР -> мир
}

TEST(TextPorter, NltkStems) {
  // Classic Porter examples and NLTK_EXTENSIONS rules (pool, ies/ied of length 4, logi, fulli).
  const std::pair<const char*, const char*> cases[] = {
      {"caresses", "caress"},
      {"ponies", "poni"},
      {"ties", "tie"},
      {"cats", "cat"},
      {"agreed", "agre"},
      {"plastered", "plaster"},
      {"motoring", "motor"},
      {"sing", "sing"},
      {"hopping", "hop"},
      {"falling", "fall"},
      {"filing", "file"},
      {"happy", "happi"},
      {"relational", "relat"},
      {"conditional", "condit"},
      {"generalization", "gener"},
      {"hopefulness", "hope"},
      {"electrical", "electr"},
      {"adjustment", "adjust"},
      {"controlling", "control"},
      {"rolling", "roll"},
      {"dying", "die"},
      {"skies", "sky"},
      {"died", "die"},
      {"cried", "cri"},
      {"running", "run"},
      {"generously", "gener"},
      {"analogies", "analog"},
  };
  for (auto& [word, stem] : cases) EXPECT_EQ(text::porter_stem(word), stem) << word;
}

}  // namespace
}  // namespace wasmetrics
