// kernels/confusion_scatter on every Highway target this CPU supports (HWY_EXPORT_AND_TEST_P)
// against the scalar twin: lengths around every vector boundary, random bytes and long runs of one
// pair (a segmentation mask's regions), counts added to a table that already holds counts.
#include <cstdint>
#include <random>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/cpp/kernels_confusion_scatter_test.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/tests/hwy_gtest.h"
#include "wasmetrics/kernels/confusion_scatter-inl.h"
#include "wasmetrics/kernels/confusion_scatter.hpp"

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {

void TestScatterMatchesTwin() {
  std::mt19937 rng(5);
  for (std::size_t n = 0; n <= 300; n += (n < 140 ? 1 : 37)) {
    for (int runs = 0; runs < 2; ++runs) {
      std::vector<std::uint8_t> p(n), t(n);
      for (std::size_t i = 0; i < n; ++i) {
        p[i] = static_cast<std::uint8_t>(runs ? (i / 50) * 3 : rng());
        t[i] = static_cast<std::uint8_t>(runs ? 255 - i / 70 : rng() % 21);
      }
      std::vector<std::uint32_t> got(kBytePairBins, 1), want(kBytePairBins, 1);
      ScatterBytePairs(p.data(), t.data(), n, got.data());
      scalar::scatter_byte_pairs(p.data(), t.data(), n, want.data());
      EXPECT_EQ(got, want) << "n=" << n << " runs=" << runs;
    }
  }
}

void TestEveryPairHasItsBin() {
  // all 65536 pairs once: every bin ends at exactly one count
  std::vector<std::uint8_t> p(kBytePairBins), t(kBytePairBins);
  for (std::size_t i = 0; i < kBytePairBins; ++i) {
    p[i] = static_cast<std::uint8_t>(i & 0xff);
    t[i] = static_cast<std::uint8_t>(i >> 8);
  }
  std::vector<std::uint32_t> got(kBytePairBins, 0);
  ScatterBytePairs(p.data(), t.data(), p.size(), got.data());
  EXPECT_EQ(got, std::vector<std::uint32_t>(kBytePairBins, 1));
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace wasmetrics::kernels {
HWY_BEFORE_TEST(ConfusionScatterKernel);
HWY_EXPORT_AND_TEST_P(ConfusionScatterKernel, TestScatterMatchesTwin);
HWY_EXPORT_AND_TEST_P(ConfusionScatterKernel, TestEveryPairHasItsBin);

TEST(ConfusionScatterKernel, DispatchedEntryPoint) {
  const std::vector<std::uint8_t> p{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 3},
      t{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
  std::vector<std::uint32_t> table(kBytePairBins, 0);
  scatter_byte_pairs(p.data(), t.data(), p.size(), table.data());
  EXPECT_EQ(table[256 + 16], 1u);
  EXPECT_EQ(table[2 * 256 + 3], 1u);
  EXPECT_EQ(table[256 + 3], 1u);
  EXPECT_EQ(table[0], 0u);
}
}  // namespace wasmetrics::kernels
#endif
