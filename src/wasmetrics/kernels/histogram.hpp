#pragma once
// The binned curves' pass: each (score, label) pair counted in the bin of its score, the bin being
// how many of the sorted thresholds are <= the score (preds >= threshold), so a bin's cumulative
// counts are the curve's counts at that threshold. hist holds 2 counts per bin (label != 1, label
// == 1), count + 1 bins. For classification/curve.cpp (its BinIndex/count_bin do the same per
// element today; it is another developer's file, so the switch to this kernel is theirs).
//
// Google Highway (histogram-inl.h): evenly spaced thresholds (linspace) get their first guess of
// the bin from a vector multiply and truncation, settled per element by comparing with the
// neighbouring thresholds; other thresholds are a binary search per element. The SCALAR target
// takes the scalar twin.
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace wasmetrics::kernels {

struct BinEdges {
  const float* sorted = nullptr;  // ascending thresholds
  std::int32_t count = 0;         // how many (bins: count + 1)
  bool linspace = false;          // sorted[i] is i / (count - 1) in float32 (a first guess only)
};

// hist[2 * bin(scores[i]) + (labels[i] == 1)] += 1 for every i whose label is not `ignore` (a byte
// value, or -1 for none). NaN scores go to bin 0 (NaN >= threshold is false).
void histogram_scores(const float* scores, const std::uint8_t* labels, std::size_t n, const BinEdges& edges, int ignore,
                      std::int64_t* hist);

namespace scalar {
// bin of v: the number of thresholds <= v, from a first guess g (any value in [0, count]).
inline std::int32_t settle_bin(const BinEdges& e, float v, std::int32_t g) {
  while (g < e.count && e.sorted[g] <= v) ++g;
  while (g > 0 && e.sorted[g - 1] > v) --g;
  return g;
}
inline std::int32_t bin_of(const BinEdges& e, float v) {
  if (!(v == v)) return 0;
  if (e.linspace && e.count >= 2) {
    const std::int32_t g = v <= 0.0f   ? 0
                           : v >= 1.0f ? e.count
                                       : static_cast<std::int32_t>(static_cast<double>(v) * (e.count - 1)) + 1;
    return settle_bin(e, v, std::min(g, e.count));
  }
  return static_cast<std::int32_t>(std::upper_bound(e.sorted, e.sorted + e.count, v) - e.sorted);
}
inline void histogram_scores(const float* scores, const std::uint8_t* labels, std::size_t n, const BinEdges& edges,
                             int ignore, std::int64_t* hist) {
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<int>(labels[i]) == ignore) continue;
    ++hist[2 * bin_of(edges, scores[i]) + (labels[i] == 1 ? 1 : 0)];
  }
}
}  // namespace scalar

}  // namespace wasmetrics::kernels
