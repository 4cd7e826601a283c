// kernels/histogram on every Highway target this CPU supports (HWY_EXPORT_AND_TEST_P) against the
// scalar twin, and the twin against the definition (bin = how many thresholds are <= the score):
// evenly spaced and irregular thresholds, scores on the thresholds, just beside them, outside
// [0, 1], NaN, +/-Inf; ignored labels; lengths around every vector boundary.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/cpp/kernels_histogram_test.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/tests/hwy_gtest.h"
#include "wasmetrics/kernels/histogram-inl.h"
#include "wasmetrics/kernels/histogram.hpp"

#ifndef WASMETRICS_KERNELS_HISTOGRAM_TEST_DATA_
#define WASMETRICS_KERNELS_HISTOGRAM_TEST_DATA_
namespace wasmetrics::kernels::histogram_test {
inline std::vector<float> linspace(int count) {
  std::vector<float> t(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    t[static_cast<std::size_t>(i)] = static_cast<float>(static_cast<double>(i) / (count - 1));
  return t;
}
inline std::vector<float> irregular(int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.2f, 1.2f);
  std::vector<float> t(static_cast<std::size_t>(count));
  for (auto& x : t) x = u(rng);
  std::sort(t.begin(), t.end());
  return t;
}
// Scores on, next to and between the thresholds, outside [0, 1], NaN and infinities.
inline std::vector<float> scores(std::size_t n, const std::vector<float>& thr, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-0.1f, 1.1f);
  std::vector<float> s(n);
  for (auto& x : s) {
    const unsigned k = rng() % 12;
    const float th = thr[rng() % thr.size()];
    x = k == 0   ? th
        : k == 1 ? std::nextafter(th, 2.0f)
        : k == 2 ? std::nextafter(th, -2.0f)
        : k == 3 ? std::numeric_limits<float>::quiet_NaN()
        : k == 4 ? (rng() % 2 ? 1.0f : -std::numeric_limits<float>::infinity())
                 : u(rng);
  }
  return s;
}
}  // namespace wasmetrics::kernels::histogram_test
#endif

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {

void CheckEdges(const std::vector<float>& thr, bool linspace) {
  const BinEdges e{thr.data(), static_cast<std::int32_t>(thr.size()), linspace};
  std::mt19937 rng(static_cast<unsigned>(thr.size()));
  for (std::size_t n = 0; n <= 200; n += (n < 70 ? 1 : 43)) {
    const auto s = histogram_test::scores(n, thr, static_cast<unsigned>(n + 3 * thr.size()));
    std::vector<std::uint8_t> labels(n);
    for (auto& l : labels) l = static_cast<std::uint8_t>(rng() % 3 == 0 ? 255 : rng() % 2);
    for (int ignore : {-1, 255}) {
      const std::size_t bins = thr.size() + 1;
      std::vector<std::int64_t> got(2 * bins, 0), want(2 * bins, 0), def(2 * bins, 0);
      HistogramScores(s.data(), labels.data(), n, e, ignore, got.data());
      scalar::histogram_scores(s.data(), labels.data(), n, e, ignore, want.data());
      for (std::size_t i = 0; i < n; ++i) {
        if (labels[i] == ignore) continue;
        const auto bin = std::count_if(thr.begin(), thr.end(), [&](float t) { return t <= s[i]; });
        ++def[2 * static_cast<std::size_t>(bin) + (labels[i] == 1)];
      }
      EXPECT_EQ(got, want) << "n=" << n << " thresholds=" << thr.size() << " linspace=" << linspace;
      EXPECT_EQ(want, def) << "n=" << n << " thresholds=" << thr.size() << " linspace=" << linspace;
    }
  }
}

void TestLinspace() {
  for (int count : {2, 3, 5, 100, 200, 1001}) CheckEdges(histogram_test::linspace(count), true);
}
void TestIrregular() {
  for (int count : {1, 2, 7, 64}) CheckEdges(histogram_test::irregular(count, 11u * count), false);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace wasmetrics::kernels {
HWY_BEFORE_TEST(HistogramKernel);
HWY_EXPORT_AND_TEST_P(HistogramKernel, TestLinspace);
HWY_EXPORT_AND_TEST_P(HistogramKernel, TestIrregular);

TEST(HistogramKernel, DispatchedEntryPoint) {
  const auto thr = histogram_test::linspace(5);  // 0, .25, .5, .75, 1
  const std::vector<float> s{0.0f, 0.3f, 0.3f, 1.0f, -1.0f, 0.75f, 0.74f, 0.5f, 0.9f,
                             0.1f, 0.2f, 0.6f, 0.6f, 0.6f,  0.6f,  0.6f,  0.6f};
  const std::vector<std::uint8_t> l{1, 0, 1, 1, 0, 0, 0, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  std::vector<std::int64_t> hist(12, 0);
  histogram_scores(s.data(), l.data(), s.size(), BinEdges{thr.data(), 5, true}, 9, hist.data());
  // bins: 0 (-1), 1 (0, .1, .2), 2 (.3, .3), 3 (.74, .6 x6), 4 (.75, .9), 5 (1); 0.5 ignored
  EXPECT_EQ(hist, (std::vector<std::int64_t>{1, 0, 0, 3, 1, 1, 1, 6, 1, 1, 0, 1}));
}
}  // namespace wasmetrics::kernels
#endif
