#include "wasmetrics/kernels/curve_batch.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

// Scalar on purpose (clang's auto-vectorizer; gcc leaves such loops scalar): a vectorized binning
// loop extracts every lane for its scattered increment.
#if defined(__clang__)
#define WASMETRICS_SCALAR_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#else
#define WASMETRICS_SCALAR_LOOP
#endif

namespace wasmetrics::kernels {

std::uint32_t max_bits_f32(const float* p, std::size_t n) {
  std::uint32_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t u;
    std::memcpy(&u, p + i, sizeof u);
    m = u > m ? u : m;
  }
  return m;
}

std::uint8_t max_u8(const std::uint8_t* t, std::size_t n) {
  std::uint8_t m = 0;
  for (std::size_t i = 0; i < n; ++i) m = t[i] > m ? t[i] : m;
  return m;
}

std::uint32_t max_as_u32(const std::int32_t* t, std::size_t n) {
  std::uint32_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<std::uint32_t>(t[i]);
    m = u > m ? u : m;
  }
  return m;
}

ThresholdBins::ThresholdBins(const std::vector<float>& sorted_thresholds, bool linspace)
    : T_(static_cast<std::int32_t>(sorted_thresholds.size())),
      linspace_(linspace && sorted_thresholds.size() >= 2),
      scale_(static_cast<float>(T_ - 1)) {
  padded_.reserve(sorted_thresholds.size() + 2);
  padded_.push_back(-std::numeric_limits<float>::infinity());
  padded_.insert(padded_.end(), sorted_thresholds.begin(), sorted_thresholds.end());
  padded_.push_back(std::numeric_limits<float>::infinity());
}

std::int32_t ThresholdBins::search(float v) const {
  const float* first = padded_.data() + 1;
  return static_cast<std::int32_t>(std::upper_bound(first, first + T_, v) - first);
}

BinnedChecks bin_binary(const ThresholdBins& bins, const float* p, const std::uint8_t* t, std::size_t n,
                        std::uint32_t* hist) {
  std::uint32_t max_bits = 0, max_target = 0;
  WASMETRICS_SCALAR_LOOP
  for (std::size_t i = 0; i < n; ++i) {
    const float v = p[i];
    std::uint32_t u;
    std::memcpy(&u, &v, sizeof u);
    max_bits = u > max_bits ? u : max_bits;
    const std::uint32_t label = t[i];
    max_target = label > max_target ? label : max_target;
    ++hist[bins(v) * 2 + (label != 0)];
  }
  return {max_bits, max_target};
}

BinnedChecks bin_multiclass(const ThresholdBins& bins, const float* p, const std::int32_t* t, std::size_t rows,
                            std::int64_t K, bool micro, bool has_ignored, std::int64_t ignored, std::uint32_t* hist) {
  std::uint32_t max_bits = 0, max_target = 0;
  const std::int64_t T1 = bins.count() + 1;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::int64_t label = t[r];
    if (has_ignored && label == ignored) continue;
    const auto u_label = static_cast<std::uint32_t>(t[r]);
    max_target = u_label > max_target ? u_label : max_target;
    const float* row = p + r * static_cast<std::size_t>(K);
    WASMETRICS_SCALAR_LOOP
    for (std::int64_t k = 0; k < K; ++k) {
      const float v = row[k];
      std::uint32_t u;
      std::memcpy(&u, &v, sizeof u);
      max_bits = u > max_bits ? u : max_bits;
      ++hist[((micro ? 0 : k) * T1 + bins(v)) * 2 + (label == k)];
    }
  }
  return {max_bits, max_target};
}

}  // namespace wasmetrics::kernels
