// kernels/confusion_scatter: the Highway code (confusion_scatter-inl.h) for every target (natively)
// or the one static target (WASM), and the dispatching entry point.
#include "wasmetrics/kernels/hwy_dispatch.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "wasmetrics/kernels/confusion_scatter.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "wasmetrics/kernels/confusion_scatter-inl.h"

#if HWY_ONCE
namespace wasmetrics::kernels {

WASMETRICS_HWY_EXPORT(ScatterBytePairs);

void scatter_byte_pairs(const std::uint8_t* pred, const std::uint8_t* target, std::size_t n, std::uint32_t* table) {
  WASMETRICS_HWY_CALL(ScatterBytePairs)(pred, target, n, table);
}

}  // namespace wasmetrics::kernels
#endif  // HWY_ONCE
