// Per-target code of kernels/histogram (Highway): included once per target by histogram.cpp and by
// its test through foreach_target.h, hence this guard.
#if defined(WASMETRICS_KERNELS_HISTOGRAM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef WASMETRICS_KERNELS_HISTOGRAM_INL_H_
#undef WASMETRICS_KERNELS_HISTOGRAM_INL_H_
#else
#define WASMETRICS_KERNELS_HISTOGRAM_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "wasmetrics/kernels/histogram.hpp"

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

inline HWY_NOINLINE void HistogramScores(const float* HWY_RESTRICT scores, const std::uint8_t* HWY_RESTRICT labels,
                                         std::size_t n, const BinEdges& edges, int ignore,
                                         std::int64_t* HWY_RESTRICT hist) {
#if HWY_TARGET == HWY_SCALAR
  scalar::histogram_scores(scores, labels, n, edges, ignore, hist);
#else
  if (!(edges.linspace && edges.count >= 2)) {  // a binary search per element: nothing to vectorise
    scalar::histogram_scores(scores, labels, n, edges, ignore, hist);
    return;
  }
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  const std::size_t N = hn::Lanes(df);
  const auto scale = hn::Set(df, static_cast<float>(edges.count - 1));
  const auto zero = hn::Zero(df), one = hn::Set(df, 1.0f);
  const auto top = hn::Set(di, edges.count);
  alignas(64) std::int32_t guess[64];  // N <= 64 floats on every target
  std::size_t i = 0;
  for (; i + N <= n; i += N) {
    // first guesses: 0 for v <= 0 (and NaN, settled below), count for v >= 1, trunc(v * (count - 1)) + 1
    // between; the float product may be off by one, which the comparisons settle
    const auto v = hn::LoadU(df, scores + i);
    const auto inside = hn::Min(hn::Max(v, zero), one);
    auto g = hn::Add(hn::ConvertTo(di, hn::Mul(inside, scale)), hn::Set(di, 1));
    g = hn::IfThenZeroElse(hn::RebindMask(di, hn::Le(v, zero)), hn::Min(g, top));
    hn::Store(g, di, guess);
    for (std::size_t k = 0; k < N; ++k) {
      const std::uint8_t label = labels[i + k];
      if (static_cast<int>(label) == ignore) continue;
      const float s = scores[i + k];
      const std::int32_t bin = s == s ? scalar::settle_bin(edges, s, guess[k]) : 0;
      ++hist[2 * bin + (label == 1 ? 1 : 0)];
    }
  }
  scalar::histogram_scores(scores + i, labels + i, n - i, edges, ignore, hist);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#endif  // include guard
