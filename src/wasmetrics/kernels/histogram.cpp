// kernels/histogram: the Highway code (histogram-inl.h) for every target (natively) or the one
// static target (WASM), and the dispatching entry point.
#include "wasmetrics/kernels/hwy_dispatch.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "wasmetrics/kernels/histogram.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "wasmetrics/kernels/histogram-inl.h"

#if HWY_ONCE
namespace wasmetrics::kernels {

WASMETRICS_HWY_EXPORT(HistogramScores);

void histogram_scores(const float* scores, const std::uint8_t* labels, std::size_t n, const BinEdges& edges, int ignore,
                      std::int64_t* hist) {
  WASMETRICS_HWY_CALL(HistogramScores)(scores, labels, n, edges, ignore, hist);
}

}  // namespace wasmetrics::kernels
#endif  // HWY_ONCE
