// Per-target code of kernels/confusion_scatter (Highway): included once per target by
// confusion_scatter.cpp and by its test through foreach_target.h, hence this guard.
#if defined(WASMETRICS_KERNELS_CONFUSION_SCATTER_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef WASMETRICS_KERNELS_CONFUSION_SCATTER_INL_H_
#undef WASMETRICS_KERNELS_CONFUSION_SCATTER_INL_H_
#else
#define WASMETRICS_KERNELS_CONFUSION_SCATTER_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "wasmetrics/kernels/confusion_scatter.hpp"

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

inline HWY_NOINLINE void ScatterBytePairs(const std::uint8_t* HWY_RESTRICT pred,
                                          const std::uint8_t* HWY_RESTRICT target, std::size_t n,
                                          std::uint32_t* HWY_RESTRICT table) {
#if HWY_TARGET == HWY_SCALAR
  scalar::scatter_byte_pairs(pred, target, n, table);
#else
  const hn::ScalableTag<std::uint8_t> d8;
  const hn::RepartitionToWide<decltype(d8)> d16;
  const std::size_t N = hn::Lanes(d8), H = hn::Lanes(d16);
  // Indices of one vector of pairs: pred in the low byte, target in the high one. Zip interleaves
  // within 128-bit blocks on wide targets: the order of the indices differs, their multiset not.
  alignas(64) std::uint16_t idx[256];  // N <= 256 bytes on every target
  std::size_t i = 0;
  for (; i + N <= n; i += N) {
    const auto p = hn::LoadU(d8, pred + i), t = hn::LoadU(d8, target + i);
    hn::Store(hn::ZipLower(d16, p, t), d16, idx);
    hn::Store(hn::ZipUpper(d16, p, t), d16, idx + H);
    for (std::size_t k = 0; k < N; ++k) ++table[idx[k]];
  }
  scalar::scatter_byte_pairs(pred + i, target + i, n - i, table);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#endif  // include guard
