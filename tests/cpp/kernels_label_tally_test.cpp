// kernels/label_tally on every Highway target this CPU supports (HWY_EXPORT_AND_TEST_P runs each
// test once per target) against the scalar twin, on random batches whose sizes cross every block
// (rows: multiples of the vector's byte count, +/- 1), run (255 blocks) and tile boundary (labels
// up to 300: wider than one tile of 16-byte vectors), with and without ignore_index, per-label
// thresholds, preds exactly on a threshold, 0, 1 and -0; logits against the cuts; and flagged
// batches (a pred outside [0, 1], NaN, Inf, an unexpected target), whose flags must agree.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/cpp/kernels_label_tally_test.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/tests/hwy_gtest.h"
#include "wasmetrics/kernels/label_tally-inl.h"
#include "wasmetrics/kernels/label_tally.hpp"

#ifndef WASMETRICS_KERNELS_LABEL_TALLY_TEST_DATA_
#define WASMETRICS_KERNELS_LABEL_TALLY_TEST_DATA_
namespace wasmetrics::kernels::tally_test {
struct Batch {
  std::int64_t rows, labels;
  std::vector<float> preds, thr;
  std::vector<std::uint8_t> target;
};
// Probabilities with many ties (0, 1, -0, the label's threshold), targets 0/1 or `ignore`.
inline Batch random_batch(std::int64_t rows, std::int64_t labels, int ignore, unsigned seed, bool logits = false) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Batch b{rows, labels, {}, {}, {}};
  for (std::int64_t l = 0; l < labels; ++l) b.thr.push_back(logits ? 4 * u(rng) - 2 : u(rng));
  b.preds.resize(static_cast<std::size_t>(rows * labels));
  b.target.resize(b.preds.size());
  for (std::size_t i = 0; i < b.preds.size(); ++i) {
    const int k = static_cast<int>(rng() % 20);
    const float th = b.thr[i % static_cast<std::size_t>(labels)];
    b.preds[i] = k == 0 ? 0.0f : k == 1 ? 1.0f : k == 2 ? th : k == 3 ? -0.0f : logits ? 6 * u(rng) - 3 : u(rng);
    const int tk = static_cast<int>(rng() % 20);
    b.target[i] = static_cast<std::uint8_t>(ignore >= 0 && tk < 2 ? ignore : tk % 2);
  }
  return b;
}
inline std::vector<std::int64_t> row_counts() {
  // around the blocks of 16, 32 and 64 rows, and past one run of 255 blocks of 16 rows
  return {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 129, 255 * 16 + 17};
}
}  // namespace wasmetrics::kernels::tally_test
#endif

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {

void ExpectSameTally(const tally_test::Batch& b, int ignore, TallyCompare cmp, bool counts_too) {
  LabelTally got, want;
  got.reset(b.labels);
  TallyLabels(b.preds.data(), b.target.data(), b.rows, b.labels, b.thr.data(), ignore, cmp, got);
  scalar::tally_labels(b.preds.data(), b.target.data(), b.rows, b.labels, b.thr.data(), ignore, cmp, want);
  const auto where = [&] {
    return "rows=" + std::to_string(b.rows) + " labels=" + std::to_string(b.labels) +
           " ignore=" + std::to_string(ignore) + " logits=" + std::to_string(cmp == TallyCompare::logits_greater_equal);
  };
  const bool flagged = want.preds_maybe_outside_unit || want.target_unexpected;
  if (cmp == TallyCompare::probs_greater && flagged) {
    // the probabilities pass stops early once flagged: only "some flag" must agree
    EXPECT_TRUE(got.preds_maybe_outside_unit || got.target_unexpected) << where();
    return;
  }
  EXPECT_EQ(got.preds_maybe_outside_unit, want.preds_maybe_outside_unit) << where();
  EXPECT_EQ(got.preds_not_finite, want.preds_not_finite) << where();
  EXPECT_EQ(got.preds_outside_unit, want.preds_outside_unit) << where();
  EXPECT_EQ(got.target_unexpected, want.target_unexpected) << where();
  if (!counts_too) return;
  EXPECT_EQ(got.pred_and_target, want.pred_and_target) << where();
  EXPECT_EQ(got.pred, want.pred) << where();
  EXPECT_EQ(got.target, want.target) << where();
  EXPECT_EQ(got.ignored, want.ignored) << where();
}

void TestProbabilities() {
  unsigned seed = 1;
  for (std::int64_t rows : tally_test::row_counts())
    for (std::int64_t labels : {1, 3, 16, 20, 37})
      for (int ignore : {-1, 255, 7}) {
        auto b = tally_test::random_batch(rows, labels, ignore, seed++);
        for (auto& v : b.preds) v = v == -0.0f && std::signbit(v) ? 0.5f : v;  // -0 flags the probs pass
        ExpectSameTally(b, ignore, TallyCompare::probs_greater, true);
      }
}

void TestWideRows() {
  // 300 labels: wider than one tile of groups on every vector width
  for (int ignore : {-1, 9}) {
    auto b = tally_test::random_batch(70, 300, ignore, 99 + static_cast<unsigned>(ignore));
    for (auto& v : b.preds) v = std::signbit(v) ? 0.25f : v;
    ExpectSameTally(b, ignore, TallyCompare::probs_greater, true);
    ExpectSameTally(b, ignore, TallyCompare::logits_greater_equal, true);
  }
}

void TestLogits() {
  unsigned seed = 500;
  for (std::int64_t rows : tally_test::row_counts())
    for (std::int64_t labels : {1, 5, 16, 33})
      for (int ignore : {-1, 200}) {
        const auto b = tally_test::random_batch(rows, labels, ignore, seed++, true);
        ExpectSameTally(b, ignore, TallyCompare::logits_greater_equal, true);
      }
}

void TestFlags() {
  // One bad value placed in the first, a middle and the last (tail) row: the flags must be raised.
  const float kNaN = std::numeric_limits<float>::quiet_NaN(), kInf = std::numeric_limits<float>::infinity();
  for (std::int64_t rows : {16, 33, 255 * 16 + 17})
    for (std::int64_t at : {std::int64_t{0}, rows / 2, rows - 1})
      for (int kind = 0; kind < 5; ++kind) {
        auto b = tally_test::random_batch(rows, 3, -1, static_cast<unsigned>(rows * 7 + at + kind));
        for (auto& v : b.preds) v = std::signbit(v) ? 0.5f : v;
        const auto i = static_cast<std::size_t>(at * 3 + 1);
        if (kind == 0) b.preds[i] = 1.5f;
        if (kind == 1) b.preds[i] = kNaN;
        if (kind == 2) b.preds[i] = -kInf;
        if (kind == 3) b.preds[i] = -0.0f;
        if (kind == 4) b.target[i] = 2;
        LabelTally got;
        got.reset(3);
        TallyLabels(b.preds.data(), b.target.data(), rows, 3, b.thr.data(), -1, TallyCompare::probs_greater, got);
        if (kind == 4)
          EXPECT_TRUE(got.target_unexpected) << rows << " " << at;
        else
          EXPECT_TRUE(got.preds_maybe_outside_unit) << rows << " " << at << " kind " << kind;
        ExpectSameTally(b, -1, TallyCompare::probs_greater, kind == 3 ? false : true);
        // the logits pass sees the same batch whole (with a NaN only preds_not_finite is defined)
        if (kind != 1) {
          // an unexpected target leaves the counts undefined (the caller takes the general path)
          ExpectSameTally(b, -1, TallyCompare::logits_greater_equal, kind != 4);
        } else {
          got.reset(3);
          TallyLabels(b.preds.data(), b.target.data(), rows, 3, b.thr.data(), -1, TallyCompare::logits_greater_equal,
                      got);
          EXPECT_TRUE(got.preds_not_finite) << rows << " " << at;
        }
      }
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace wasmetrics::kernels {
HWY_BEFORE_TEST(LabelTallyKernel);
HWY_EXPORT_AND_TEST_P(LabelTallyKernel, TestProbabilities);
HWY_EXPORT_AND_TEST_P(LabelTallyKernel, TestWideRows);
HWY_EXPORT_AND_TEST_P(LabelTallyKernel, TestLogits);
HWY_EXPORT_AND_TEST_P(LabelTallyKernel, TestFlags);

// The entry point the metrics call (dispatched to the best target) agrees with the twin.
TEST(LabelTallyKernel, DispatchedEntryPoint) {
  const auto b = tally_test::random_batch(1000, 20, 255, 77);
  LabelTally got, want;
  tally_labels(b.preds.data(), b.target.data(), b.rows, b.labels, b.thr.data(), 255, TallyCompare::logits_greater_equal,
               got);
  scalar::tally_labels(b.preds.data(), b.target.data(), b.rows, b.labels, b.thr.data(), 255,
                       TallyCompare::logits_greater_equal, want);
  EXPECT_EQ(got.pred_and_target, want.pred_and_target);
  EXPECT_EQ(got.pred, want.pred);
  EXPECT_EQ(got.ignored, want.ignored);
  EXPECT_GT(want.pred[0], 0u);
}
}  // namespace wasmetrics::kernels
#endif
