// Per-pair edit alignment (text/alignment.hpp) and the `alignment` query of the error-rate metrics:
// the alignment is a valid edit script of minimum length (checked against the DP distance), keeps
// the most hits, and its token spans index the strings as JS does (UTF-16 code units).
#include <random>

#include <gtest/gtest.h>

#include "error_of.hpp"
#include "fixture_io.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/kernels/edit_distance.hpp"
#include "wasmetrics/text/alignment.hpp"

namespace wasmetrics::testing {
namespace {

using text::align_tokens;
using text::EditOp;

// Replays the chunks: contiguous, covering both sequences, equal runs equal and substitute runs
// different token by token, counts matching the chunks.
void expect_valid_script(const text::Alignment& a, const std::vector<std::uint32_t>& pred,
                         const std::vector<std::uint32_t>& target) {
  std::size_t i = 0, j = 0;
  std::int64_t h = 0, s = 0, ins = 0, del = 0;
  for (const auto& c : a.chunks) {
    ASSERT_EQ(c.target_start, i);
    ASSERT_EQ(c.pred_start, j);
    const std::size_t tl = c.target_end - c.target_start, pl = c.pred_end - c.pred_start;
    switch (c.op) {
      case EditOp::equal:
      case EditOp::substitute:
        ASSERT_EQ(tl, pl);
        for (std::size_t k = 0; k < tl; ++k)
          EXPECT_EQ(target[i + k] == pred[j + k], c.op == EditOp::equal) << "token " << i + k;
        (c.op == EditOp::equal ? h : s) += static_cast<std::int64_t>(tl);
        break;
      case EditOp::insert:
        ASSERT_EQ(tl, 0u);
        ins += static_cast<std::int64_t>(pl);
        break;
      case EditOp::delete_:
        ASSERT_EQ(pl, 0u);
        del += static_cast<std::int64_t>(tl);
        break;
    }
    i = c.target_end;
    j = c.pred_end;
  }
  EXPECT_EQ(i, target.size());
  EXPECT_EQ(j, pred.size());
  EXPECT_EQ(std::vector<std::int64_t>({h, s, ins, del}),
            std::vector<std::int64_t>({a.hits, a.substitutions, a.insertions, a.deletions}));
}

TEST(TextAlignment, MinimumEditScriptOnRandomPairs) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const std::uint32_t alphabet = 2 + rng() % 6;
    std::vector<std::uint32_t> p(rng() % 30), t(rng() % 30);
    for (auto& v : p) v = rng() % alphabet;
    for (auto& v : t) v = rng() % alphabet;
    const auto a = align_tokens(p, t, "test");
    expect_valid_script(a, p, t);
    EXPECT_EQ(a.substitutions + a.insertions + a.deletions, kernels::levenshtein_dp(p, t)) << "trial " << trial;
    // TorchMetrics' hit count max(len) - E is a lower bound of the most hits (QUIRKS TR4).
    EXPECT_GE(a.hits, static_cast<std::int64_t>(std::max(p.size(), t.size())) - kernels::levenshtein_dp(p, t));
  }
}

TEST(TextAlignment, KeepsTheMostHitsAmongMinimumEditAlignments) {
  // reference "the cat sat on the mat", hypothesis "cat sat on the mat today" (QUIRKS TR4): two
  // edits either way, but deleting "the" and inserting "today" keeps 5 hits, not 4.
  const std::vector<std::uint32_t> ref{0, 1, 2, 3, 0, 4}, hyp{1, 2, 3, 0, 4, 5};
  const auto a = align_tokens(hyp, ref, "test");
  EXPECT_EQ(a.hits, 5);
  EXPECT_EQ(a.deletions, 1);
  EXPECT_EQ(a.insertions, 1);
  EXPECT_EQ(a.substitutions, 0);
  ASSERT_EQ(a.chunks.size(), 3u);
  EXPECT_EQ(a.chunks[0].op, EditOp::delete_);
  EXPECT_EQ(a.chunks[2].op, EditOp::insert);
  EXPECT_EQ(a.chunks[2].pred_start, 5u);
}

TEST(TextAlignment, EmptySidesAndTheCellCap) {
  const std::vector<std::uint32_t> none, three{1, 2, 3};
  auto a = align_tokens(three, none, "test");
  EXPECT_EQ(a.insertions, 3);
  ASSERT_EQ(a.chunks.size(), 1u);
  a = align_tokens(none, three, "test");
  EXPECT_EQ(a.deletions, 3);
  EXPECT_TRUE(align_tokens(none, none, "test").chunks.empty());
  const std::vector<std::uint32_t> big(9000, 1);
  const std::string msg = error_of([&] { align_tokens(big, big, "WordErrorRate.alignment"); });
  EXPECT_NE(msg.find("WordErrorRate.alignment"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::to_string(text::kMaxAlignmentCells)), std::string::npos) << msg;
}

std::vector<double> data_of(const Result& r, const char* field) { return r.field(field)->tensor.data; }

TEST(TextAlignmentQuery, WordSpansAreUtf16IndicesAndStateIsUntouched) {
  auto wer = create_metric("WordErrorRate", Json::object());
  // "😀" is 2 UTF-16 code units, "é" one; U+3000 (ideographic space) separates words as in Python.
  const Json args{{"preds", {"héllo 😀 world", ""}}, {"target", {"héllo\u3000there world", "a b"}}};
  const Result r = wer->query("alignment", args);
  ASSERT_EQ(r.kind, Result::Kind::list);
  ASSERT_EQ(r.items.size(), 2u);
  const Result& first = r.items[0];
  EXPECT_EQ(first.field("hits")->tensor.data[0], 2);
  EXPECT_EQ(first.field("substitutions")->tensor.data[0], 1);
  EXPECT_EQ(data_of(first, "preds_spans"), std::vector<double>({0, 5, 6, 8, 9, 14}));
  EXPECT_EQ(data_of(first, "target_spans"), std::vector<double>({0, 5, 6, 11, 12, 17}));
  // one row per run: equal [0,1)/[0,1), substitute [1,2)/[1,2), equal [2,3)/[2,3)
  EXPECT_EQ(data_of(first, "ops"), std::vector<double>({0, 0, 1, 0, 1, 1, 1, 2, 1, 2, 0, 2, 3, 2, 3}));
  EXPECT_EQ(r.items[1].field("deletions")->tensor.data[0], 2);
  EXPECT_EQ(r.items[1].field("ops")->tensor.shape, Shape({1, 5}));
  EXPECT_EQ(r.items[1].field("preds_spans")->tensor.shape, Shape({0, 2}));
  // the accumulated state is not changed: nothing was counted
  EXPECT_EQ(wer->state()["errors"].as<std::int64_t>()[0], 0);
  EXPECT_EQ(wer->state()["target_tokens"].as<std::int64_t>()[0], 0);
}

TEST(TextAlignmentQuery, CharactersAreCodePointsAndErrorsNameTheArgument) {
  auto cer = create_metric("CharErrorRate", Json::object());
  const Result r = cer->query("alignment", Json{{"preds", Json::array({"a😀c"})}, {"target", Json::array({"abc"})}});
  EXPECT_EQ(r.items[0].field("substitutions")->tensor.data[0], 1);
  EXPECT_EQ(data_of(r.items[0], "preds_spans"), std::vector<double>({0, 1, 1, 3, 3, 4}));
  EXPECT_NE(error_of([&] {
              cer->query("alignment", Json{{"preds", Json::array({"a"})}, {"target", {"a", "b"}}});
            }).find("same length"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              cer->query("alignment", Json{{"preds", Json::array({"a"})}});
            }).find("`target`"),
            std::string::npos);
}

}  // namespace
}  // namespace wasmetrics::testing
